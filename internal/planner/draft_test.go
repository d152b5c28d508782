package planner_test

import (
	"math"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario"
)

// addAt is a scenario adding one permanence open Tuesday morning (3 h) at
// lat, lon.
func addAt(t testing.TB, lat, lon float64) scenario.Scenario {
	t.Helper()
	return scenario.Scenario{Name: "one more", Changes: []scenario.Change{{Op: scenario.OpAdd, Name: "Permanence test",
		Lat: &lat, Lon: &lon, Hours: []scenario.DaySpan{{Day: "Tu", Open: "09:00", Close: "12:00"}},
		Services: []string{"Aide aux démarches administratives"}}}}
}

// TestEvaluateDraftBordeaux adds one place in the most populous uncovered
// cell for seniors and checks that the flipped cells and the persons newly
// covered agree with the evaluation's own totals.
func TestEvaluateDraftBordeaux(t *testing.T) {
	b := loadBordeaux(t)
	const profile = "seniors-20min-walk"
	st, err := b.p.State(profile)
	if err != nil {
		t.Fatal(err)
	}
	best := -1
	for i := range b.t.Cells {
		if !st.Covered(i) && (best < 0 || st.Persons()[i] > st.Persons()[best]) {
			best = i
		}
	}
	c := b.t.Cells[best].Center
	d, err := b.p.EvaluateDraft(addAt(t, c.Lat(), c.Lon()), profile)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Flipped) == 0 {
		t.Fatalf("a place in the most populous uncovered cell flips no cell")
	}
	var persons, all, bands float64
	for _, f := range d.Flipped {
		if !f.Covered {
			t.Errorf("cell %s loses coverage when a place is added", f.H3)
		}
		persons += f.Persons
	}
	for _, a := range maillage.AgeBands {
		bands += d.NewlyCoveredByAge[a.String()]
	}
	all = d.NewlyCovered
	if math.Abs(persons-d.Delta.Total.Covered) > 1e-6*math.Max(1, persons) {
		t.Errorf("flipped cells hold %.3f seniors, the delta says %.3f newly covered", persons, d.Delta.Total.Covered)
	}
	if math.Abs(bands-all) > 1e-6*math.Max(1, all) {
		t.Errorf("age bands sum to %.3f, all ages %.3f", bands, all)
	}
	senior := d.NewlyCoveredByAge["Ind_65_79"] + d.NewlyCoveredByAge["Ind_80p"]
	if math.Abs(senior-persons) > 1e-6*math.Max(1, persons) {
		t.Errorf("65+ newly covered %.3f by age band, %.3f by the profile's persons", senior, persons)
	}
	t.Logf("one place at %.5f,%.5f: %d cells flip, %.1f persons (%.1f aged 65+) newly covered; share %.4f → %.4f",
		c.Lat(), c.Lon(), len(d.Flipped), all, senior, d.Base.Total.Share(), d.After.Total.Share())
}

// BenchmarkEvaluateOneAddedPlaceBordeaux is what the web map's delta after
// a click costs the server: one added place on Bordeaux Métropole, for
// seniors on foot and for everyone by car (target ≤ 50 ms).
func BenchmarkEvaluateOneAddedPlaceBordeaux(b *testing.B) {
	bd := loadBordeaux(b)
	c := bd.t.Cells[len(bd.t.Cells)/2].Center
	s := addAt(b, c.Lat(), c.Lon())
	for _, profile := range []string{"seniors-20min-walk", "demarches-20min-car"} {
		b.Run(profile, func(b *testing.B) {
			if _, err := bd.p.EvaluateDraft(s, profile); err != nil { // baseline state built outside the timing
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := bd.p.EvaluateDraft(s, profile); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
