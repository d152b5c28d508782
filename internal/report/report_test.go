package report

import (
	"testing"

	"github.com/maillage/maillage"
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
