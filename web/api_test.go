package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/propose"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/coverage/scenario/sqlite"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/geo/travel"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/planner"
)

// do sends one request with an optional body and returns the status,
// headers and body of the answer.
func do(t testing.TB, h http.Handler, method, target string, body io.Reader) (int, http.Header, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, target, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Header(), rec.Body.Bytes()
}

// errorOf decodes a JSON error answer.
func errorOf(t testing.TB, body []byte) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
		t.Fatalf("not a JSON error answer: %s (%v)", body, err)
	}
	return e
}

func TestProfilesEndpoint(t *testing.T) {
	p := mustPlanner(t)
	h := NewServer(Config{}, p, nil).Handler()
	code, _, body := get(t, h, "/api/v1/profiles")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var got struct{ Profiles []ProfileInfo }
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	builtins := coverage.Builtins()
	if len(got.Profiles) != len(builtins) {
		t.Fatalf("%d profiles, want the %d built-ins", len(got.Profiles), len(builtins))
	}
	for i, b := range builtins {
		g := got.Profiles[i]
		// The demo territory has a road network, so "auto" runs on roads.
		if g.Name != b.Name || g.Mode != b.Mode.Name || g.MaxMinutes != b.MaxMinutes || g.Engine != "auto" || g.EngineUsed != "road" {
			t.Errorf("profile %d = %+v, want %s %s %g min auto→road", i, g, b.Name, b.Mode.Name, b.MaxMinutes)
		}
	}
	if g := got.Profiles[2]; strings.Join(g.Population, "+") != "Ind_65_79+Ind_80p" {
		t.Errorf("seniors population %v", g.Population)
	}
	// Labels: French by default, English with lang=en, from the one catalogue.
	for _, lang := range []labels.Lang{labels.FR, labels.EN} {
		_, _, body := get(t, h, "/api/v1/profiles?lang="+string(lang))
		var got struct{ Profiles []ProfileInfo }
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		for i, b := range builtins {
			want := lang.Profile(b.Facts())
			if got.Profiles[i].Label != want.Label || got.Profiles[i].Rule != want.Rule || want.Label == "" {
				t.Errorf("%s: profile %s labelled %q / %q, want %q / %q", lang, b.Name, got.Profiles[i].Label, got.Profiles[i].Rule, want.Label, want.Rule)
			}
		}
	}
	if g := got.Profiles[2]; g.Label != "65 ans et plus, 20 min à pied" {
		t.Errorf("seniors label %q", g.Label)
	}
	if code, _, body := get(t, h, "/api/v1/profiles?lang=de"); code != 400 || !strings.Contains(errorOf(t, body).Error, "want fr or en") {
		t.Errorf("lang=de: %d %s", code, body)
	}
}

func TestLabelsEndpoint(t *testing.T) {
	p := mustPlanner(t)
	h := NewServer(Config{}, p, nil).Handler()
	for _, tt := range []struct {
		query string
		lang  labels.Lang
		band  string
	}{{"", labels.FR, "80 ans et plus"}, {"?lang=fr", labels.FR, "80 ans et plus"}, {"?lang=en", labels.EN, "aged 80 and over"}} {
		code, _, body := get(t, h, "/api/v1/labels"+tt.query)
		if code != 200 {
			t.Fatalf("%s: %d %s", tt.query, code, body)
		}
		var c labels.Catalogue
		if err := json.Unmarshal(body, &c); err != nil {
			t.Fatal(err)
		}
		if c.Lang != tt.lang || c.AgeBands["Ind_80p"] != tt.band || len(c.Profiles) != len(p.Profiles()) {
			t.Errorf("%s: lang %s, 80+ %q, %d profiles", tt.query, c.Lang, c.AgeBands["Ind_80p"], len(c.Profiles))
		}
		for _, pr := range p.Profiles() {
			if c.Profiles[pr.Name] != tt.lang.Profile(pr.Facts()) {
				t.Errorf("%s: profile %s: %+v", tt.query, pr.Name, c.Profiles[pr.Name])
			}
		}
	}
	if code, _, _ := get(t, h, "/api/v1/labels?lang=xx"); code != 400 {
		t.Errorf("lang=xx: %d, want 400", code)
	}
}

func TestCoverageEndpoint(t *testing.T) {
	p := mustPlanner(t)
	tr := p.Territory()
	h := NewServer(Config{}, p, nil).Handler()

	t.Run("all profiles equal the planner's report", func(t *testing.T) {
		code, hdr, body := get(t, h, "/api/v1/coverage")
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
			t.Fatalf("%d %s", code, body)
		}
		rep, err := p.Coverage()
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(rep)
		if !bytes.Equal(body, want) {
			t.Fatalf("answer differs from p.Coverage():\n%.300s\n%.300s", body, want)
		}
		// Independent check: the everyone profile counts every inhabitant.
		var ind float64
		for _, c := range tr.Cells {
			ind += c.Pop[maillage.Ind]
		}
		fs := rep.Profiles[0]
		if math.Abs(fs.Population-ind) > 1e-6*ind || fs.Covered > fs.Population || fs.Covered <= 0 {
			t.Fatalf("france-services population %g covered %g, territory has %g inhabitants", fs.Population, fs.Covered, ind)
		}
	})
	t.Run("selected profiles in order", func(t *testing.T) {
		code, _, body := get(t, h, "/api/v1/coverage?profile=seniors-20min-walk&profile=demarches-20min-car")
		if code != 200 {
			t.Fatalf("%d %s", code, body)
		}
		var rep coverage.Report
		if err := json.Unmarshal(body, &rep); err != nil {
			t.Fatal(err)
		}
		if len(rep.Profiles) != 2 || rep.Profiles[0].Name != "seniors-20min-walk" || rep.Profiles[1].Name != "demarches-20min-car" {
			t.Fatalf("profiles %+v", rep.Profiles)
		}
	})
	t.Run("level", func(t *testing.T) {
		code, _, body := get(t, h, "/api/v1/coverage?profile=seniors-20min-walk&level=departement")
		if code != 200 {
			t.Fatalf("%d %s", code, body)
		}
		var rep coverage.Report
		if err := json.Unmarshal(body, &rep); err != nil {
			t.Fatal(err)
		}
		s := rep.Profiles[0]
		if s.Level != "departement" || len(s.Areas) != 1 || s.Areas[0].Code != "99" || math.Abs(s.Areas[0].Population-s.Population) > 1e-9*s.Population || len(s.Communes) == 0 {
			t.Fatalf("level=departement: %s %+v", s.Level, s.Areas)
		}
		// The demo territory has no EPCI list: a clear 400; a bad level too.
		for q, want := range map[string]string{"epci": "without the EPCI list", "canton": "want commune, epci or departement"} {
			code, _, body := get(t, h, "/api/v1/coverage?level="+q)
			if code != 400 || !strings.Contains(errorOf(t, body).Error, want) {
				t.Errorf("level=%s: %d %s", q, code, body)
			}
		}
	})
	t.Run("csv", func(t *testing.T) {
		code, hdr, body := get(t, h, "/api/v1/coverage?format=csv&profile=seniors-20min-walk")
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
			t.Fatalf("%d %s", code, body)
		}
		rep, _ := p.Coverage("seniors-20min-walk")
		var want bytes.Buffer
		if err := coverage.WriteSummaryCSV(&want, rep); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body, want.Bytes()) {
			t.Fatal("csv differs from coverage.WriteSummaryCSV")
		}
		// A header, one row per commune and one for the whole territory.
		if n := strings.Count(string(body), "\n"); n != len(tr.Communes)+2 {
			t.Fatalf("%d lines, want %d", n, len(tr.Communes)+2)
		}
	})
	for _, tc := range []struct{ name, target, want string }{
		{"unknown profile", "/api/v1/coverage?profile=nobody", "seniors-20min-walk"},
		{"bad format", "/api/v1/coverage?format=xml", "format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := get(t, h, tc.target)
			if code != 400 || !strings.Contains(errorOf(t, body).Error, tc.want) {
				t.Fatalf("%d %s, want 400 naming %q", code, body, tc.want)
			}
		})
	}
}

func TestGapsEndpoint(t *testing.T) {
	p := mustPlanner(t)
	h := NewServer(Config{}, p, nil).Handler()
	const profile = "seniors-20min-walk"
	st, err := p.State(profile)
	if err != nil {
		t.Fatal(err)
	}
	all, err := st.Gaps(coverage.GapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 2 {
		t.Fatalf("only %d gap zones on the demo territory", len(all))
	}
	// A threshold between the persons of the largest and of the smallest zone.
	var big, small float64 = 0, math.Inf(1)
	for _, z := range all {
		big, small = max(big, z.Persons), min(small, z.Persons)
	}
	threshold := (big + small) / 2
	wantAbove := 0
	for _, z := range all {
		if z.Persons >= threshold {
			wantAbove++
		}
	}
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"", len(all)},
		{"&min_persons=" + jsonNum(threshold), wantAbove},
	} {
		code, hdr, body := get(t, h, "/api/v1/gaps?profile="+profile+tc.query)
		if code != 200 || hdr.Get("Content-Type") != geoJSONType {
			t.Fatalf("%s: %d %s", tc.query, code, body)
		}
		fc, err := geojson.UnmarshalFeatureCollection(body)
		if err != nil {
			t.Fatal(err)
		}
		if len(fc.Features) != tc.want {
			t.Fatalf("%q: %d features, want %d", tc.query, len(fc.Features), tc.want)
		}
		var persons float64
		for _, f := range fc.Features {
			mp, ok := f.Geometry.(orb.MultiPolygon)
			if !ok {
				if pg, ok2 := f.Geometry.(orb.Polygon); ok2 {
					mp = orb.MultiPolygon{pg}
				} else {
					t.Fatalf("geometry %T", f.Geometry)
				}
			}
			for _, pg := range mp {
				if pg[0].Orientation() != orb.CCW { // RFC 7946: exterior rings counter-clockwise
					t.Fatalf("zone %v: exterior ring is clockwise", f.Properties["rank"])
				}
			}
			persons += f.Properties.MustFloat64("persons", math.NaN())
		}
		if tc.query == "" {
			var want float64
			for _, z := range all {
				want += z.Persons
			}
			if math.IsNaN(persons) || math.Abs(persons-want) > 0.01*float64(len(all)) {
				t.Fatalf("features hold %g persons, zones %g", persons, want)
			}
		}
	}
	t.Run("csv", func(t *testing.T) {
		code, _, body := get(t, h, "/api/v1/gaps?format=csv&profile="+profile)
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if code != 200 || err != nil || len(rows) != len(all)+1 || rows[0][0] != "rank" || rows[0][3] != "persons" {
			t.Fatalf("%d %v: %d rows for %d zones", code, err, len(rows), len(all))
		}
		for k, z := range all {
			if rows[k+1][0] != strconv.Itoa(z.Rank) || rows[k+1][3] != strconv.FormatFloat(math.Round(z.Persons*1000)/1000, 'f', -1, 64) {
				t.Fatalf("row %d %v, zone rank %d persons %g", k+1, rows[k+1][:4], z.Rank, z.Persons)
			}
		}
	})
	for _, tc := range []struct{ target, want string }{
		{"/api/v1/gaps", "demarches-20min-car"}, // names the known profiles
		{"/api/v1/gaps?profile=x", "known"},
		{"/api/v1/gaps?profile=" + profile + "&min_persons=-1", "min_persons"},
		{"/api/v1/gaps?profile=" + profile + "&min_persons=NaN", "min_persons"},
		{"/api/v1/gaps?profile=" + profile + "&format=kml", "format"},
	} {
		code, _, body := get(t, h, tc.target)
		if code != 400 || !strings.Contains(errorOf(t, body).Error, tc.want) {
			t.Errorf("%s: %d %s, want 400 naming %q", tc.target, code, body, tc.want)
		}
	}
}

func TestAccessEndpoint(t *testing.T) {
	p := mustPlanner(t)
	tr := p.Territory()
	h := NewServer(Config{}, p, nil).Handler()
	const profile = "seniors-20min-walk"
	code, _, body := get(t, h, "/api/v1/access?profile="+profile)
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	fc, err := geojson.UnmarshalFeatureCollection(body)
	if err != nil {
		t.Fatal(err)
	}
	// Independently: one hexagon per cell holding seniors, and the covered
	// ones hold the report's covered seniors.
	pr, _ := p.Profile(profile)
	cells := 0
	for i := range tr.Cells {
		if pr.Persons(&tr.Cells[i].Pop) > 0 {
			cells++
		}
	}
	if len(fc.Features) != cells {
		t.Fatalf("%d hexagons, %d cells hold seniors", len(fc.Features), cells)
	}
	var covered float64
	for _, f := range fc.Features {
		if f.Properties.MustBool("covered", false) {
			covered += f.Properties.MustFloat64("persons", 0)
		}
		if pg := f.Geometry.(orb.Polygon); len(pg[0]) < 7 || pg[0][0] != pg[0][len(pg[0])-1] || pg[0].Orientation() != orb.CCW {
			t.Fatalf("hexagon %v: %d points, %v", f.Properties["h3"], len(pg[0]), pg[0].Orientation())
		}
	}
	rep, _ := p.Coverage(profile)
	if math.Abs(covered-rep.Profiles[0].Covered) > 0.001*float64(cells) {
		t.Fatalf("covered hexagons hold %g seniors, report %g", covered, rep.Profiles[0].Covered)
	}
	code, hdr, _ := get(t, h, "/api/v1/access?format=csv&profile="+profile)
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d", code)
	}
}

func TestProposalsEndpoint(t *testing.T) {
	p := mustPlanner(t)
	h := NewServer(Config{}, p, nil).Handler()
	const body = `{"profiles":["seniors-20min-walk"],"k":3,"candidates":{"cells":true,"communes":true,"venues":false},"hours":7}`
	code, _, out := do(t, h, "POST", "/api/v1/proposals", strings.NewReader(body))
	if code != 200 {
		t.Fatalf("%d %s", code, out)
	}
	var got propose.Proposal
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Sites) != 3 {
		t.Fatalf("%d sites, want 3", len(got.Sites))
	}
	for _, s := range got.Sites {
		if s.Gain <= 0 {
			t.Errorf("site %d gain %g", s.Rank, s.Gain)
		}
	}
	if got.UpperBound < got.Gain || got.Gain <= 0 || math.Abs(got.CoveredAfter-got.CoveredBefore-got.Gain) > 1e-6*got.Total {
		t.Fatalf("gain %g, bound %g, before %g after %g", got.Gain, got.UpperBound, got.CoveredBefore, got.CoveredAfter)
	}
	// The same as the planner gives directly; covered_before is the
	// coverage report's weighted covered demand.
	want, err := p.Propose(planner.ProposeRequest{Profiles: []string{"seniors-20min-walk"}, K: 3, Hours: 7,
		Candidates: propose.CandidateOptions{Cells: true, Communes: true}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Sites {
		if got.Sites[i].Lat != want.Sites[i].Lat || got.Sites[i].Lon != want.Sites[i].Lon || got.Sites[i].Gain != want.Sites[i].Gain {
			t.Fatalf("site %d: %+v, planner %+v", i, got.Sites[i], want.Sites[i])
		}
	}
	rep, _ := p.Coverage("seniors-20min-walk")
	if wc := rep.Profiles[0].WeightedCovered; math.Abs(got.CoveredBefore-wc) > 1e-6*wc {
		t.Fatalf("covered_before %g, report weighted_covered %g", got.CoveredBefore, wc)
	}

	t.Run("ndjson", func(t *testing.T) {
		// Accept: application/x-ndjson: progress lines, then the same proposal.
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/api/v1/proposals", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/x-ndjson")
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != ndjsonType {
			t.Fatalf("%d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		lines := strings.Split(strings.TrimSuffix(rec.Body.String(), "\n"), "\n")
		var evs []ProposalEvent
		for _, l := range lines {
			var ev ProposalEvent
			if err := json.Unmarshal([]byte(l), &ev); err != nil {
				t.Fatalf("line %q: %v", l, err)
			}
			evs = append(evs, ev)
		}
		last, done := evs[len(evs)-1], 0
		for _, ev := range evs[:len(evs)-1] {
			if ev.Progress == nil || ev.Progress.Done <= done || ev.Progress.Done > ev.Progress.Total {
				t.Fatalf("progress line %+v after %d done", ev, done)
			}
			done = ev.Progress.Done
		}
		if len(evs) < 2 || evs[len(evs)-2].Progress.Done != evs[len(evs)-2].Progress.Total {
			t.Fatalf("%d lines: want progress up to done == total before the proposal", len(evs))
		}
		if last.Proposal == nil || len(last.Proposal.Sites) != len(want.Sites) {
			t.Fatalf("last line %+v, want the proposal", last)
		}
		for i := range want.Sites {
			if last.Proposal.Sites[i].Lat != want.Sites[i].Lat || last.Proposal.Sites[i].Gain != want.Sites[i].Gain {
				t.Fatalf("streamed site %d: %+v, planner %+v", i, last.Proposal.Sites[i], want.Sites[i])
			}
		}
		// A request refused before any work is the usual JSON error.
		req = httptest.NewRequest("POST", "/api/v1/proposals", strings.NewReader(`{"profiles":["inconnu"],"k":3}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/x-ndjson")
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 400 && rec.Code != 404 {
			t.Fatalf("unknown profile, streamed: %d %s", rec.Code, rec.Body)
		}
		errorOf(t, rec.Body.Bytes())
	})

	t.Run("geojson", func(t *testing.T) {
		code, _, out := do(t, h, "POST", "/api/v1/proposals?format=geojson", strings.NewReader(body))
		fc, err := geojson.UnmarshalFeatureCollection(out)
		if code != 200 || err != nil || len(fc.Features) != 3 {
			t.Fatalf("%d %v %s", code, err, out)
		}
		if pt := fc.Features[0].Geometry.(orb.Point); pt.Lat() != want.Sites[0].Lat || pt.Lon() != want.Sites[0].Lon {
			t.Fatalf("first site at %v, want %g,%g", pt, want.Sites[0].Lat, want.Sites[0].Lon)
		}
	})

	big := `{"profiles":["seniors-20min-walk"],"k":3,"hours":7` + strings.Repeat(" ", 1<<20) + `}`
	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"k zero", `{"profiles":["seniors-20min-walk"],"k":0}`, 400, "k:"},
		{"k too big", `{"profiles":["seniors-20min-walk"],"k":501}`, 400, "k:"},
		{"target above 1", `{"profiles":["seniors-20min-walk"],"target":1.5}`, 400, "target"},
		{"negative target", `{"profiles":["seniors-20min-walk"],"k":3,"target":-0.1}`, 400, "target"},
		{"unknown field", `{"profiles":["seniors-20min-walk"],"k":3,"kk":1}`, 400, "kk"},
		{"no profile", `{"k":3}`, 400, "profiles"},
		{"unknown profile", `{"profiles":["nobody"],"k":3}`, 400, "seniors-20min-walk"},
		{"mix length", `{"profiles":["seniors-20min-walk"],"mix":[1,2],"k":3}`, 400, "mix"},
		{"negative hours", `{"profiles":["seniors-20min-walk"],"k":3,"hours":-1}`, 400, "hours"},
		{"no candidates", `{"profiles":["seniors-20min-walk"],"k":3,"candidates":{}}`, 400, "candidates"},
		{"trailing data", `{"profiles":["seniors-20min-walk"],"k":3} {}`, 400, "after"},
		{"malformed", `{"profiles":`, 400, "proposal"},
		{"oversized", big, 413, "limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, out := do(t, h, "POST", "/api/v1/proposals", strings.NewReader(tc.body))
			if code != tc.status || !strings.Contains(errorOf(t, out).Error, tc.want) {
				t.Fatalf("%d %s, want %d naming %q", code, out, tc.status, tc.want)
			}
		})
	}
}

func TestRouteEndpoint(t *testing.T) {
	p := mustPlanner(t)
	tr := p.Territory()
	h := NewServer(Config{}, p, nil).Handler()
	// Two populated cell centres some kilometres apart.
	a, b := tr.Cells[0].Center, tr.Cells[len(tr.Cells)/2].Center
	q := "from=" + jsonNum(a.Lat()) + "," + jsonNum(a.Lon()) + "&to=" + jsonNum(b.Lat()) + "," + jsonNum(b.Lon())
	gc := geo.Distance(a, b) // metres, great circle

	code, _, body := get(t, h, "/api/v1/route?"+q+"&mode=car&engine=crowfly")
	var cf RouteAnswer
	if code != 200 || json.Unmarshal(body, &cf) != nil {
		t.Fatalf("%d %s", code, body)
	}
	// Crow-fly: great-circle distance × the car detour, at the car speed.
	if want := gc * travel.CarDetour; math.Abs(cf.Meters-want) > 1e-3*want {
		t.Fatalf("crow-fly %g m, want %g", cf.Meters, want)
	}
	if want := cf.Meters / (travel.CarKmh / 3.6) / 60; math.Abs(cf.Minutes-want) > 1e-6*want {
		t.Fatalf("crow-fly %g min, want %g", cf.Minutes, want)
	}

	code, _, body = get(t, h, "/api/v1/route?"+q) // car on roads by default
	var rd RouteAnswer
	if code != 200 || json.Unmarshal(body, &rd) != nil {
		t.Fatalf("%d %s", code, body)
	}
	if rd.Engine != "road" || rd.Mode != "car" || rd.Meters < gc || rd.Minutes <= 0 {
		t.Fatalf("road %+v, great circle %g m", rd, gc)
	}

	for _, tc := range []struct {
		target string
		status int
		want   string
	}{
		{"/api/v1/route?to=45,1", 400, "from"},
		{"/api/v1/route?from=91,1&to=45,1", 400, "from"},
		{"/api/v1/route?from=45,1&to=45,181", 400, "to"},
		{"/api/v1/route?from=45,NaN&to=45,1", 400, "from"},
		{"/api/v1/route?" + q + "&mode=plane", 400, "mode"},
		{"/api/v1/route?" + q + "&engine=teleport", 400, "engine"},
		// Far from the demo's road network.
		{"/api/v1/route?from=10,10&to=10.01,10", 422, "off the road network"},
	} {
		code, _, body := get(t, h, tc.target)
		if code != tc.status || !strings.Contains(errorOf(t, body).Error, tc.want) {
			t.Errorf("%s: %d %s, want %d naming %q", tc.target, code, body, tc.status, tc.want)
		}
	}

	// A territory without roads: road routing is refused clearly, crow-fly works.
	bare := *tr
	bare.Roads = nil
	nr := newTestServer(t, Config{}, &bare).Handler()
	code, _, body = get(t, nr, "/api/v1/route?"+q+"&engine=road")
	if code != 422 || !strings.Contains(errorOf(t, body).Error, "no road network") {
		t.Fatalf("no roads: %d %s", code, body)
	}
	if code, _, _ = get(t, nr, "/api/v1/route?"+q+"&engine=crowfly"); code != 200 {
		t.Fatalf("no roads, crow-fly: %d", code)
	}
}

func FuzzParseLatLon(f *testing.F) {
	for _, s := range []string{"45.1,1.2", "-90,180", "90.0001,0", "1,2,3", "", ",", "NaN,1", "1e400,2", " 45 , 1 ", "0x10,1", "+Inf,-Inf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pt, err := ParseLatLon("from", s)
		if err != nil {
			if statusOf(err) != 400 || !strings.HasPrefix(err.Error(), "from: ") {
				t.Fatalf("%q: %v (status %d)", s, err, statusOf(err))
			}
			return
		}
		if !(pt.Lat() >= -90 && pt.Lat() <= 90 && pt.Lon() >= -180 && pt.Lon() <= 180) {
			t.Fatalf("%q accepted as %v", s, pt)
		}
	})
}

func FuzzDecodeProposal(f *testing.F) {
	for _, s := range []string{
		`{"profiles":["a"],"k":3}`, `{"profiles":["a","b"],"mix":[1,2],"target":0.9}`,
		`{"profiles":["a"],"k":3,"candidates":{"venues":true}}`, `{"k":1e10}`, `[]`, `null`, `{"hours":-0}`,
		`{"profiles":["a"],"k":1,"candidates":{"sites":{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[2,46]},"properties":{"name":"m","hours":"7"}}]}}}`,
		`{"profiles":["a"],"k":1,"candidates":{"sites":{"type":"Feature","geometry":null}}}`,
		`{"profiles":["a"],"k":1,"candidates":{"sites":null}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		req, err := DecodeProposal(strings.NewReader(s))
		if err != nil {
			if statusOf(err) != 400 {
				t.Fatalf("%q: status %d for %v", s, statusOf(err), err)
			}
			return
		}
		if len(req.Profiles) == 0 || req.Target < 0 || req.Target > 1 || (req.Target == 0 && (req.K < 1 || req.K > planner.MaxProposalK)) ||
			req.Hours < 0 || req.PerHour < 0 || (req.Mix != nil && len(req.Mix) != len(req.Profiles)) {
			t.Fatalf("%q accepted as %+v", s, req)
		}
	})
}

// scenarioServer returns a server over the demo planner with a fresh SQLite
// scenario store in a temporary directory.
func scenarioServer(t *testing.T) (http.Handler, *sqlite.Store) {
	t.Helper()
	s, st := scenarioServerConfig(t, Config{})
	return s.Handler(), st
}

// scenarioServerConfig is scenarioServer with cfg, returning the Server.
func scenarioServerConfig(t *testing.T, c Config) (*Server, *sqlite.Store) {
	t.Helper()
	p := mustPlanner(t)
	st := openTestStore(t, p, nil)
	return NewServer(c, p, st), st
}

// openTestStore opens a scenario store for p's territory in a temporary
// directory, its configuration adjusted by edit when not nil, closed when
// the test ends.
func openTestStore(t *testing.T, p *planner.Planner, edit func(*sqlite.Config)) *sqlite.Store {
	t.Helper()
	tr := p.Territory()
	cfg := sqlite.DefaultConfig(filepath.Join(t.TempDir(), "scenarios.db"))
	cfg.Options = p.ScenarioOptions()
	cfg.Synchronous = "NORMAL"
	cfg.Territory = func(name string) *maillage.Territory {
		if name == tr.Name {
			return tr
		}
		return nil
	}
	if edit != nil {
		edit(&cfg)
	}
	st, err := sqlite.OpenConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestScenarioCRUD(t *testing.T) {
	h, st := scenarioServer(t)
	tr := mustDemo(t)
	venue := tr.Venues[0].ID

	// Create.
	create := `{"name":"close one","changes":[{"op":"remove","venue_id":"` + venue + `"}]}`
	code, hdr, body := do(t, h, "POST", "/api/v1/scenarios", strings.NewReader(create))
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	var sc scenario.Scenario
	if err := json.Unmarshal(body, &sc); err != nil {
		t.Fatal(err)
	}
	if sc.ID <= 0 || sc.Version != 1 || sc.Base != tr.Name || hdr.Get("Location") != "/api/v1/scenarios/"+itoa(sc.ID) {
		t.Fatalf("created %+v, Location %q", sc, hdr.Get("Location"))
	}
	stored, err := st.Get(t.Context(), sc.ID)
	if err != nil || stored.Name != "close one" || len(stored.Changes) != 1 || stored.Changes[0].VenueID != venue {
		t.Fatalf("stored %+v %v", stored, err)
	}
	url := "/api/v1/scenarios/" + itoa(sc.ID)

	// Read.
	code, _, body = get(t, h, url)
	var read scenario.Scenario
	if code != 200 || json.Unmarshal(body, &read) != nil || read.ID != sc.ID || read.Name != sc.Name || read.Version != 1 {
		t.Fatalf("get: %d %s", code, body)
	}

	// Update from version 1, then a stale update from version 1 again.
	upd := `{"name":"close one, renamed","version":1,"changes":[{"op":"remove","venue_id":"` + venue + `"}]}`
	code, _, body = do(t, h, "PUT", url, strings.NewReader(upd))
	var updated scenario.Scenario
	if code != 200 || json.Unmarshal(body, &updated) != nil || updated.Version != 2 || updated.Name != "close one, renamed" || !updated.Created.Equal(sc.Created) {
		t.Fatalf("update: %d %s", code, body)
	}
	code, _, body = do(t, h, "PUT", url, strings.NewReader(upd))
	if code != 409 || !strings.Contains(errorOf(t, body).Error, "version 2") {
		t.Fatalf("stale update: %d %s", code, body)
	}
	code, _, body = do(t, h, "PUT", url, strings.NewReader(`{"name":"x","changes":[]}`))
	if e := errorOf(t, body); code != 400 || len(e.Problems) != 1 || e.Problems[0].Field != "version" {
		t.Fatalf("update without version: %d %s", code, body)
	}

	// List, with paging.
	code, _, body = do(t, h, "POST", "/api/v1/scenarios", strings.NewReader(`{"name":"empty","changes":[]}`))
	if code != 201 {
		t.Fatalf("second create: %d %s", code, body)
	}
	for _, tc := range []struct {
		query      string
		n, total   int
		firstName  string
		wantStatus int
	}{
		{"", 2, 2, "close one, renamed", 200},
		{"?offset=1&limit=1", 1, 2, "empty", 200},
		{"?limit=5000", 0, 0, "", 400},
		{"?limit=-1", 0, 0, "", 400},
		{"?offset=-2", 0, 0, "", 400},
		{"?offset=x", 0, 0, "", 400},
	} {
		code, _, body = get(t, h, "/api/v1/scenarios"+tc.query)
		if code != tc.wantStatus {
			t.Fatalf("list %s: %d %s", tc.query, code, body)
		}
		if code != 200 {
			continue
		}
		var page ScenarioPage
		if err := json.Unmarshal(body, &page); err != nil || len(page.Scenarios) != tc.n || page.Total != tc.total || page.Scenarios[0].Name != tc.firstName {
			t.Fatalf("list %s: %s", tc.query, body)
		}
	}

	// Export: the removed place is in the GeoJSON.
	code, _, body = get(t, h, url+"/geojson")
	fc, err := geojson.UnmarshalFeatureCollection(body)
	if code != 200 || err != nil || len(fc.Features) != 1 {
		t.Fatalf("geojson: %d %v %s", code, err, body)
	}

	// Delete, then it is gone.
	if code, _, body = do(t, h, "DELETE", url, nil); code != 204 || len(body) != 0 {
		t.Fatalf("delete: %d %s", code, body)
	}
	for _, m := range []string{"GET", "DELETE"} {
		if code, _, body = do(t, h, m, url, nil); code != 404 || !strings.Contains(errorOf(t, body).Error, "not found") {
			t.Fatalf("%s after delete: %d %s", m, code, body)
		}
	}
	if code, _, _ = get(t, h, "/api/v1/scenarios/abc"); code != 400 {
		t.Fatalf("bad id: %d", code)
	}
}

func TestScenarioRejected(t *testing.T) {
	h, st := scenarioServer(t)
	tr := mustDemo(t)
	center := tr.Cells[0].Center
	lat, lon := jsonNum(center.Lat()), jsonNum(center.Lon())
	big := `{"name":"big","changes":[{"op":"add","name":"` + strings.Repeat("x", 1<<20) + `","lat":` + lat + `,"lon":` + lon + `}]}`
	for _, tc := range []struct {
		name, body string
		status     int
		field      string // of the first problem; "" for none
	}{
		{"unknown place", `{"name":"u","changes":[{"op":"remove","venue_id":"no-such-place"}]}`, 400, "changes[0].venue_id"},
		{"negative hours", `{"name":"n","changes":[{"op":"add","name":"p","lat":` + lat + `,"lon":` + lon +
			`,"hours":[{"day":"Mo","open":"12:00","close":"09:00"}]}]}`, 400, "changes[0].hours[0].close"},
		{"outside the territory", `{"name":"o","changes":[{"op":"add","name":"p","lat":10,"lon":10}]}`, 400, "changes[0].lat"},
		{"unknown field", `{"name":"f","colour":"red","changes":[]}`, 400, "colour"},
		{"oversized", big, 413, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := do(t, h, "POST", "/api/v1/scenarios", strings.NewReader(tc.body))
			e := errorOf(t, body)
			if code != tc.status {
				t.Fatalf("%d %s, want %d", code, body, tc.status)
			}
			if tc.field != "" && (len(e.Problems) == 0 || !strings.HasPrefix(e.Problems[0].Field, tc.field)) {
				t.Fatalf("problems %+v, want field %s", e.Problems, tc.field)
			}
			// Nothing written.
			if _, n, err := st.List(t.Context(), scenario.Filter{}); err != nil || n != 0 {
				t.Fatalf("%d scenarios stored after a rejected create (%v)", n, err)
			}
		})
	}
}

func TestScenarioEvaluation(t *testing.T) {
	h, _ := scenarioServer(t)
	p := mustPlanner(t)
	const profile = "seniors-20min-walk"
	st, _ := p.State(profile)
	zones, err := st.Gaps(coverage.GapOptions{})
	if err != nil || len(zones) == 0 {
		t.Fatalf("%d zones, %v", len(zones), err)
	}
	// A place in the middle of the largest gap zone.
	c := p.Territory().Cells[zones[0].Cells[0]].Center
	add := `{"name":"fill the gap","changes":[{"op":"add","name":"Permanence","lat":` + jsonNum(c.Lat()) + `,"lon":` + jsonNum(c.Lon()) +
		`,"hours":[{"day":"Tu","open":"09:00","close":"12:00"},{"day":"Th","open":"14:00","close":"17:00"}],"services":["Aide aux démarches administratives"]}]}`
	code, _, body := do(t, h, "POST", "/api/v1/scenarios", strings.NewReader(add))
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	var sc scenario.Scenario
	json.Unmarshal(body, &sc)

	code, _, body = get(t, h, "/api/v1/scenarios/"+itoa(sc.ID)+"/evaluation?profile="+profile)
	if code != 200 {
		t.Fatalf("evaluation: %d %s", code, body)
	}
	var ev planner.Evaluation
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatal(err)
	}
	want, err := p.Evaluate(sc, profile)
	if err != nil {
		t.Fatal(err)
	}
	if ev.After.Total.WeightedCovered <= ev.Base.Total.WeightedCovered || ev.Summary.Covered <= 0 || ev.Edits["added"] != 1 {
		t.Fatalf("weighted covered %g → %g, edits %v", ev.Base.Total.WeightedCovered, ev.After.Total.WeightedCovered, ev.Edits)
	}
	if ev.After.Total != want.After.Total || ev.Base.Total != want.Base.Total || ev.Summary.Covered != want.Summary.Covered {
		t.Fatalf("API %+v→%+v, planner %+v→%+v", ev.Base.Total, ev.After.Total, want.Base.Total, want.After.Total)
	}
	// The base is the coverage report, and the scenario covers at least the
	// seniors of the cell the place was put in.
	rep, _ := p.Coverage(profile)
	base := rep.Profiles[0]
	if math.Abs(ev.Base.Total.WeightedCovered-base.WeightedCovered) > 1e-6*base.WeightedPopulation {
		t.Fatalf("base weighted covered %g, report %g", ev.Base.Total.WeightedCovered, base.WeightedCovered)
	}
	pr, _ := p.Profile(profile)
	here := pr.Persons(&p.Territory().Cells[zones[0].Cells[0]].Pop)
	if gain := ev.Summary.Covered - base.Covered; gain < here-1e-6 || gain > base.Population-base.Covered+1e-6 {
		t.Fatalf("seniors covered %g → %g: the place's own cell holds %g, %g were uncovered", base.Covered, ev.Summary.Covered, here, base.Population-base.Covered)
	}

	// Diff against the base (0) equals the evaluation's delta.
	code, _, body = get(t, h, "/api/v1/scenarios/diff?a=0&b="+itoa(sc.ID)+"&profile="+profile)
	var d scenario.Delta
	if code != 200 || json.Unmarshal(body, &d) != nil {
		t.Fatalf("diff: %d %s", code, body)
	}
	wantD, _ := json.Marshal(want.Delta)
	gotD, _ := json.Marshal(d)
	if !bytes.Equal(gotD, wantD) {
		t.Fatalf("diff %s\nwant %s", gotD, wantD)
	}
	for _, tc := range []struct {
		target string
		status int
	}{
		{"/api/v1/scenarios/diff?a=0&b=999&profile=" + profile, 404},
		{"/api/v1/scenarios/diff?a=-1&b=0&profile=" + profile, 400},
		{"/api/v1/scenarios/diff?a=0&b=0", 400},
		{"/api/v1/scenarios/" + itoa(sc.ID) + "/evaluation?profile=nobody", 400},
		{"/api/v1/scenarios/999/evaluation?profile=" + profile, 404},
	} {
		if code, _, body = get(t, h, tc.target); code != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.target, code, body, tc.status)
		}
	}
}

func TestScenariosWithoutStore(t *testing.T) {
	h := NewServer(Config{}, mustPlanner(t), nil).Handler()
	for _, tc := range []struct{ method, target string }{
		{"GET", "/api/v1/scenarios"}, {"POST", "/api/v1/scenarios"}, {"GET", "/api/v1/scenarios/1"},
		{"GET", "/api/v1/scenarios/diff?a=0&b=1&profile=seniors-20min-walk"},
	} {
		code, _, body := do(t, h, tc.method, tc.target, strings.NewReader("{}"))
		if code != 503 || !strings.Contains(errorOf(t, body).Error, "--db") {
			t.Errorf("%s %s: %d %s", tc.method, tc.target, code, body)
		}
	}
	// The base against itself needs no store: a zero difference.
	code, _, body := get(t, h, "/api/v1/scenarios/diff?a=0&b=0&profile=seniors-20min-walk")
	var d scenario.Delta
	if code != 200 || json.Unmarshal(body, &d) != nil || d.Total.Covered != 0 || d.Total.WeightedCovered != 0 {
		t.Errorf("diff of the base with itself: %d %s", code, body)
	}
}

func itoa(v int64) string { b, _ := json.Marshal(v); return string(b) }

// TestConcurrentRequests sends analysis requests and scenario writes from
// several goroutines at once (run with -race): every answer is right and
// every create is stored once.
func TestConcurrentRequests(t *testing.T) {
	h, st := scenarioServer(t)
	venue := mustDemo(t).Venues[1].ID
	rep, _ := mustPlanner(t).Coverage()
	want, _ := json.Marshal(rep)
	const workers, each = 6, 4
	errs := make(chan string, workers*each*2)
	done := make(chan struct{})
	for w := 0; w < workers; w++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < each; i++ {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/coverage", nil))
				if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), want) {
					errs <- "coverage: " + rec.Body.String()
				}
				rec = httptest.NewRecorder()
				body := `{"name":"w","changes":[{"op":"remove","venue_id":"` + venue + `"}]}`
				req := httptest.NewRequest("POST", "/api/v1/scenarios", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				h.ServeHTTP(rec, req)
				if rec.Code != 201 {
					errs <- "create: " + rec.Body.String()
				}
			}
		}()
	}
	for w := 0; w < workers; w++ {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if _, n, err := st.List(t.Context(), scenario.Filter{}); err != nil || n != workers*each {
		t.Fatalf("%d scenarios stored, want %d (%v)", n, workers*each, err)
	}
}

// TestProposalsUserSites posts the user's own candidate sites inline (the
// GeoJSON of the CLI's --candidates file): the proposal picks among them
// only, as the planner does with the same list, and a bad site is a 400
// naming it.
func TestProposalsUserSites(t *testing.T) {
	p := mustPlanner(t)
	h := NewServer(Config{}, p, nil).Handler()
	cells := p.Territory().Cells
	var fc strings.Builder
	fc.WriteString(`{"type":"FeatureCollection","features":[`)
	for k, i := range []int{len(cells) / 5, len(cells) / 2, 4 * len(cells) / 5} {
		if k > 0 {
			fc.WriteString(",")
		}
		fmt.Fprintf(&fc, `{"type":"Feature","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},"properties":{"name":"site %c","hours":10}}`,
			cells[i].Center[0], cells[i].Center[1], 'A'+k)
	}
	fc.WriteString(`]}`)
	body := `{"profiles":["seniors-20min-walk"],"k":2,"candidates":{"sites":` + fc.String() + `}}`
	code, _, out := do(t, h, "POST", "/api/v1/proposals", strings.NewReader(body))
	if code != 200 {
		t.Fatalf("%d %s", code, out)
	}
	var got propose.Proposal
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	user, err := data.ReadCandidatesGeoJSON(strings.NewReader(fc.String()), "sites")
	if err != nil {
		t.Fatal(err)
	}
	want, err := p.Propose(planner.ProposeRequest{Profiles: []string{"seniors-20min-walk"}, K: 2, Candidates: propose.CandidateOptions{User: user}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Sites) != 2 || len(want.Sites) != 2 {
		t.Fatalf("%d sites, planner %d", len(got.Sites), len(want.Sites))
	}
	for i, s := range got.Sites {
		if !strings.HasPrefix(s.Name, "site ") || s.Kind != propose.CandidateUser || s.Name != want.Sites[i].Name || s.Gain != want.Sites[i].Gain {
			t.Errorf("site %d: %+v, planner %+v", i, s, want.Sites[i])
		}
	}
	for _, tc := range []struct{ sites, want string }{
		{`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[2,46]}},{"type":"Feature","geometry":{"type":"LineString","coordinates":[[2,46],[3,47]]}}]}`, "candidates.sites:2: geometry"},
		{`{"type":"Polygon"}`, "candidates.sites:0: type"},
		{`{"type":"FeatureCollection","features":[]}`, "candidates.sites: no site"},
	} {
		code, _, out := do(t, h, "POST", "/api/v1/proposals", strings.NewReader(`{"profiles":["seniors-20min-walk"],"k":1,"candidates":{"sites":`+tc.sites+`}}`))
		if code != 400 || !strings.Contains(errorOf(t, out).Error, tc.want) {
			t.Errorf("sites %s: %d %s, want 400 naming %q", tc.sites, code, out, tc.want)
		}
	}
}
