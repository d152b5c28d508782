package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/maillage/maillage/internal/planner"
)

// TestPageSize keeps the page's own code and CSS (everything but the
// vendored MapLibre) within 150 kB.
func TestPageSize(t *testing.T) {
	total := 0
	n := 0
	err := fs.WalkDir(static, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(path, "static/vendor/") {
			return err
		}
		b, err := static.ReadFile(path)
		total += len(b)
		n++
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 5 {
		t.Fatalf("%d page files embedded", n)
	}
	if total > 150_000 {
		t.Errorf("the page's own files weigh %d bytes, over 150 kB", total)
	}
	t.Logf("page: %d files, %d bytes (MapLibre aside)", n, total)
	for _, f := range []string{"static/vendor/maplibre-gl/maplibre-gl.mjs", "static/vendor/maplibre-gl/maplibre-gl-worker.mjs", "static/vendor/maplibre-gl/maplibre-gl.css"} {
		if b, err := static.ReadFile(f); err != nil || len(b) < 10_000 {
			t.Errorf("vendored %s: %d bytes, %v (run web/ui/vendor.sh)", f, len(b), err)
		}
	}
}

// TestPageWritesOnlyScenarios reads the page's modules: fetch is called in
// one place (api.js), and every write (POST, PUT, DELETE needing a key)
// goes to /api/v1/scenarios; the other POSTs (evaluation, proposals) write
// nothing on the server.
func TestPageWritesOnlyScenarios(t *testing.T) {
	files, err := fs.Glob(static, "static/app/*.js")
	if err != nil || len(files) < 5 {
		t.Fatalf("%d modules, %v", len(files), err)
	}
	writes := regexp.MustCompile("write\\('(POST|PUT|DELETE)', [`']([^`']*)[`']")
	asks := regexp.MustCompile("ask\\([`']([^`'?]*)")
	nw, na := 0, 0
	for _, f := range files {
		b, _ := static.ReadFile(f)
		src := string(b)
		if strings.Contains(src, "fetch(") && !strings.HasSuffix(f, "/api.js") {
			t.Errorf("%s calls fetch itself: requests go through api.js", f)
		}
		for _, m := range writes.FindAllStringSubmatch(src, -1) {
			nw++
			if !strings.HasPrefix(m[2], "/api/v1/scenarios") {
				t.Errorf("%s writes %s %s: the page may write only scenarios", f, m[1], m[2])
			}
		}
		for _, m := range asks.FindAllStringSubmatch(src, -1) {
			na++
			if m[1] != "/api/v1/evaluation" && m[1] != "/api/v1/proposals" {
				t.Errorf("%s posts to %s, which is not a read-only POST", f, m[1])
			}
		}
	}
	if nw < 3 || na < 2 {
		t.Errorf("found %d writes and %d read-only posts in the page: the pattern no longer matches its code", nw, na)
	}
}

// TestPageServed checks the page, its modules and MapLibre are served from
// the binary with the right types, and that the page's configuration names
// the territory and the schema's services.
func TestPageServed(t *testing.T) {
	h := NewServer(Config{}, mustPlanner(t), nil).Handler()
	for path, typ := range map[string]string{
		"/":                                   "text/html",
		"/app/main.js":                        "javascript",
		"/app/app.css":                        "text/css",
		"/vendor/maplibre-gl/maplibre-gl.mjs": "javascript",
		"/vendor/maplibre-gl/maplibre-gl-worker.mjs": "javascript",
	} {
		code, hdr, body := do(t, h, "GET", path, nil)
		if code != 200 || !strings.Contains(hdr.Get("Content-Type"), typ) || len(body) == 0 {
			t.Errorf("GET %s: %d %q, %d bytes", path, code, hdr.Get("Content-Type"), len(body))
		}
	}
	_, _, body := do(t, h, "GET", "/", nil)
	page := string(body)
	if !strings.Contains(page, `lang="fr"`) || !strings.Contains(page, "Aide aux démarches administratives") ||
		!strings.Contains(page, mustDemo(t).Name) {
		t.Errorf("the page lacks its language, services or territory name")
	}
	if code, _, _ := do(t, h, "GET", "/app/nothing.js", nil); code != 404 {
		t.Errorf("a missing page file: %d, want 404", code)
	}
}

// TestDraftEvaluation posts an unsaved scenario adding a place and checks
// the answer against the planner's own evaluation; a bad one gets the
// scenario's problems.
func TestDraftEvaluation(t *testing.T) {
	p := mustPlanner(t)
	h := NewServer(Config{}, p, nil).Handler()
	c := p.Territory().Cells[len(p.Territory().Cells)/2].Center
	body := fmt.Sprintf(`{"name":"brouillon","changes":[{"op":"add","name":"Mairie","lat":%f,"lon":%f,"hours":[{"day":"Tu","open":"09:00","close":"12:00"}],"services":["Aide aux démarches administratives"]}]}`, c.Lat(), c.Lon())
	code, _, out := do(t, h, "POST", "/api/v1/evaluation?profile=demarches-20min-car", strings.NewReader(body))
	if code != 200 {
		t.Fatalf("%d %s", code, out)
	}
	var got planner.DraftEvaluation
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	sc, err := p.DecodeScenario([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want, err := p.EvaluateDraft(sc, "demarches-20min-car")
	if err != nil {
		t.Fatal(err)
	}
	if got.Edits["added"] != 1 || len(got.Flipped) != len(want.Flipped) || math.Abs(got.Delta.Total.Covered-want.Delta.Total.Covered) > 1e-9 {
		t.Errorf("answer: %d added, %d flipped, %.3f newly covered; planner: %d flipped, %.3f", got.Edits["added"], len(got.Flipped),
			got.Delta.Total.Covered, len(want.Flipped), want.Delta.Total.Covered)
	}
	t.Logf("one place at the middle cell: %d cells flip, %.1f persons newly covered", len(got.Flipped), got.NewlyCovered)

	bad := strings.Replace(body, `"hours":[{"day":"Tu","open":"09:00","close":"12:00"}]`, `"opening_hours":"Lundi 9h-12h"`, 1)
	code, _, out = do(t, h, "POST", "/api/v1/evaluation?profile=demarches-20min-car", strings.NewReader(bad))
	if e := errorOf(t, out); code != 400 || len(e.Problems) != 1 || e.Problems[0].Field != "changes[0].opening_hours" {
		t.Errorf("bad hours: %d %s", code, out)
	}
	if code, _, out = do(t, h, "POST", "/api/v1/evaluation?profile=nope", strings.NewReader(body)); code != 400 {
		t.Errorf("unknown profile: %d %s", code, out)
	}
}

// TestReportPage reads the report of the base territory: French, the
// profile's figures as the coverage report gives them, and the fallbacks.
func TestReportPage(t *testing.T) {
	p := mustPlanner(t)
	h := NewServer(Config{}, p, nil).Handler()
	code, hdr, body := do(t, h, "GET", "/report?profile=france-services-30min-car", nil)
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s", code, body)
	}
	rep, err := p.Coverage("france-services-30min-car")
	if err != nil {
		t.Fatal(err)
	}
	pr := rep.Profiles[0]
	page := string(body)
	for _, want := range []string{`lang="fr"`, "Méthode", "Sources et millésimes", "Par commune", "<svg",
		frShare(pr.CoveredShare), frNumber(pr.Covered)} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	_, _, body = do(t, h, "GET", "/report?profile=inconnu&scenario=12", nil)
	if page := string(body); !strings.Contains(page, "Profil « inconnu » inconnu") || !strings.Contains(page, "Scénario « 12 » introuvable") {
		t.Errorf("report fallbacks not stated")
	}
}
