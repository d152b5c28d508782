package report

import (
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/data/demo"
	"github.com/maillage/maillage/internal/planner"
)

// TestSources reads the vintage from the names INSEE and the venue files
// give: a date, else a year.
func TestSources(t *testing.T) {
	terr := &maillage.Territory{Sources: []string{
		"../shared/data/population/filosofi2015-carreaux-200m-bordeaux-metropole.csv",
		"../shared/data/venues/france-services-2022-12-01.csv",
		"venues/gironde-cd33-2021.lieux-mediation.csv",
		"demo (generated, seed 2026)",
		"mes-lieux.csv",
	}}
	want := []source{
		{"filosofi2015-carreaux-200m-bordeaux-metropole.csv", "INSEE Filosofi, millésime 2015 (carreaux de 200 m)"},
		{"france-services-2022-12-01.csv", "fichier du 01/12/2022"},
		{"gironde-cd33-2021.lieux-mediation.csv", "millésime 2021"},
		{"demo (generated, seed 2026)", "données générées (territoire fictif)"},
		{"mes-lieux.csv", "millésime non indiqué"},
	}
	got := sources(terr)
	if len(got) != len(want) {
		t.Fatalf("%d sources, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("source %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestFictionSaidOnce checks the subtitle says a made-up territory is made
// up once: not again after a name that says it (the demo's), but after one
// that does not.
func TestFictionSaidOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		want int
	}{{demo.Name, 1}, {"Bassin test", 1}} {
		terr, _, err := demo.Territory(demo.DefaultSeed)
		if err != nil {
			t.Fatal(err)
		}
		terr.Name = tc.name
		p, err := planner.New(terr, planner.Config{})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := Write(&b, p, Options{Profile: "seniors-20min-walk"}); err != nil {
			t.Fatal(err)
		}
		_, sub, _ := strings.Cut(b.String(), `<p class="sous-titre">`)
		sub, _, _ = strings.Cut(sub, "</p>")
		if n := strings.Count(strings.ToLower(sub), "fictif"); n != tc.want || !strings.Contains(sub, tc.name) {
			t.Errorf("territory %q: subtitle %q says « fictif » %d times, want %d", tc.name, sub, n, tc.want)
		}
	}
}
