package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/coverage/scenario/sqlite"
)

// storeServer is scenarioServer with the store's configuration adjusted by
// edit (its caps).
func storeServer(t *testing.T, edit func(*sqlite.Config)) (http.Handler, *sqlite.Store) {
	t.Helper()
	p := mustPlanner(t)
	st := openTestStore(t, p, edit)
	return NewServer(Config{}, p, st).Handler(), st
}

func stored(t *testing.T, st *sqlite.Store) int {
	t.Helper()
	_, n, err := st.List(t.Context(), scenario.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// addsBody is a scenario adding n places at the demo's first cell centre.
func addsBody(t *testing.T, name string, n int) string {
	c := mustDemo(t).Cells[0].Center
	var b strings.Builder
	fmt.Fprintf(&b, `{"name":%q,"changes":[`, name)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"op":"add","name":"Permanence %d","lat":%s,"lon":%s,"hours":[{"day":"Tu","open":"09:00","close":"12:00"}]}`,
			i, jsonNum(c.Lat()), jsonNum(c.Lon()))
	}
	b.WriteString(`]}`)
	return b.String()
}

// TestScenarioListSummaries checks that a listing gives summaries: no
// changes, their number, a few hundred bytes a scenario however large it is.
func TestScenarioListSummaries(t *testing.T) {
	h, _ := storeServer(t, nil)
	big := addsBody(t, "grand scénario", 400)
	for range 3 {
		if code, _, body := do(t, h, "POST", "/api/v1/scenarios", strings.NewReader(big)); code != 201 {
			t.Fatalf("create: %d %s", code, body)
		}
	}
	code, _, body := get(t, h, "/api/v1/scenarios?limit=1000")
	if code != 200 {
		t.Fatalf("list: %d %s", code, body)
	}
	var page struct {
		Scenarios []map[string]any `json:"scenarios"`
		Total     int              `json:"total"`
	}
	if err := json.Unmarshal(body, &page); err != nil || page.Total != 3 || len(page.Scenarios) != 3 {
		t.Fatalf("list: %v %s", err, body)
	}
	for _, s := range page.Scenarios {
		if _, ok := s["changes"]; ok || s["change_count"] != float64(400) || s["name"] != "grand scénario" || s["version"] != float64(1) {
			t.Errorf("listed %v, want a summary with change_count 400 and no changes", s)
		}
	}
	if len(body) > 3*400 || len(body) > len(big)/20 {
		t.Errorf("a listing of 3 scenarios of %d bytes is %d bytes", len(big), len(body))
	}
}

// TestScenarioBadText: invalid UTF-8 and bidi controls in names are 400s
// with a problem naming the field, and nothing is written.
func TestScenarioBadText(t *testing.T) {
	h, st := storeServer(t, nil)
	for _, tc := range []struct{ name, body, field, reason string }{
		{"raw Latin-1", "{\"name\":\"B\xe9ville\",\"changes\":[]}", "body", "not UTF-8 at byte 10"},
		{"right-to-left override", `{"name":"permanence\u202e","changes":[]}`, "name", "bidirectional control character U+202E"},
		{"isolate in a description", `{"name":"x","description":"\u2067","changes":[]}`, "description", "U+2067"},
		{"name too long", `{"name":"` + strings.Repeat("é", 150) + `","changes":[]}`, "name", "300 bytes, longer than the limit of 200"},
		{"unknown field", `{"name":"x","nom":"y","changes":[]}`, "nom", "unknown field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := do(t, h, "POST", "/api/v1/scenarios", strings.NewReader(tc.body))
			e := errorOf(t, body)
			if code != 400 || len(e.Problems) == 0 || e.Problems[0].Field != tc.field || !strings.Contains(e.Problems[0].Reason, tc.reason) {
				t.Fatalf("%d %s, want 400 with a problem %s: %s", code, body, tc.field, tc.reason)
			}
			if n := stored(t, st); n != 0 {
				t.Fatalf("%d scenarios stored after a rejected create", n)
			}
		})
	}
}

// TestScenarioStoreFull: past the store's cap a create is a 409 saying the
// store is full and what to do, and writes nothing.
func TestScenarioStoreFull(t *testing.T) {
	h, st := storeServer(t, func(c *sqlite.Config) { c.MaxScenarios = 2 })
	for range 2 {
		if code, _, body := do(t, h, "POST", "/api/v1/scenarios", strings.NewReader(`{"name":"x","changes":[]}`)); code != 201 {
			t.Fatalf("create: %d %s", code, body)
		}
	}
	code, _, body := do(t, h, "POST", "/api/v1/scenarios", strings.NewReader(`{"name":"third","changes":[]}`))
	if e := errorOf(t, body); code != 409 || !strings.Contains(e.Error, "store full") || !strings.Contains(e.Error, "delete some") {
		t.Fatalf("create in a full store: %d %s, want 409 saying it is full", code, body)
	}
	if n := stored(t, st); n != 2 {
		t.Fatalf("%d scenarios stored, want 2", n)
	}
	// Bytes: a store of 4 kB refuses a scenario of 5 kB.
	h, st = storeServer(t, func(c *sqlite.Config) { c.MaxStoreBytes = 4000 })
	code, _, body = do(t, h, "POST", "/api/v1/scenarios", strings.NewReader(addsBody(t, "gros", 40)))
	if code != 409 || !strings.Contains(errorOf(t, body).Error, "over its limit of 4000") || stored(t, st) != 0 {
		t.Fatalf("create over the byte cap: %d %s", code, body)
	}
}

// TestScenarioConcurrentPuts sends 20 updates of one scenario, all made
// from version 1, at once: exactly one wins (200, version 2), the 19 others
// are 409s, and the stored scenario is the winner's.
func TestScenarioConcurrentPuts(t *testing.T) {
	h, st := storeServer(t, nil)
	code, _, body := do(t, h, "POST", "/api/v1/scenarios", strings.NewReader(`{"name":"partagé","changes":[]}`))
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	var sc scenario.Scenario
	if err := json.Unmarshal(body, &sc); err != nil {
		t.Fatal(err)
	}
	const n = 20
	codes := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			upd := fmt.Sprintf(`{"name":"version de %d","version":1,"changes":[]}`, i)
			codes[i], _, _ = do(t, h, "PUT", "/api/v1/scenarios/"+itoa(sc.ID), strings.NewReader(upd))
		}()
	}
	close(start)
	wg.Wait()
	winner, conflicts := -1, 0
	for i, c := range codes {
		switch c {
		case 200:
			if winner >= 0 {
				t.Errorf("updates %d and %d both won", winner, i)
			}
			winner = i
		case 409:
			conflicts++
		default:
			t.Errorf("update %d: %d", i, c)
		}
	}
	got, err := st.Get(t.Context(), sc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if winner < 0 || conflicts != n-1 || got.Version != 2 || got.Name != fmt.Sprintf("version de %d", winner) {
		t.Fatalf("winner %d, %d conflicts, stored %q version %d; want one winner, %d conflicts, its name, version 2",
			winner, conflicts, got.Name, got.Version, n-1)
	}
}
