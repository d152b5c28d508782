package scenario

import (
	"math"
	"testing"

	"github.com/maillage/maillage"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// seniorsTwice counts people aged 80+ twice.
func seniorsTwice(p maillage.Pop, _ int) float64 { return p[maillage.Ind] + p[maillage.Ind80p] }

func TestSummarize(t *testing.T) {
	terr := testTerritory()
	res, err := Summarize(terr, CellValues{Covered: []float64{1, 0, 0.5}, Access: []float64{2, 0, 1}, Weight: seniorsTwice})
	if err != nil {
		t.Fatal(err)
	}
	// By hand: Aville holds cell 0 (100 persons, 10 aged 80+) and 30 persons
	// (5 aged 80+) of cell 2; Bville cell 1 (50, 20) and 20 persons of cell 2.
	want := []Row{
		{Code: "00001", Name: "Aville", Population: 130, Weighted: 145, Covered: 100 + 15, WeightedCovered: 110 + 17.5,
			Access: (100*2 + 30*1) / 130.0, UncoveredCells: 0},
		{Code: "00002", Name: "Bville", Population: 70, Weighted: 90, Covered: 10, WeightedCovered: 10,
			Access: (20 * 1) / 70.0, UncoveredCells: 1},
	}
	total := Row{Name: "test", Population: 200, Weighted: 235, Covered: 125, WeightedCovered: 137.5, Access: 1.25, UncoveredCells: 1}
	if len(res.Communes) != 2 {
		t.Fatalf("communes = %+v", res.Communes)
	}
	for i, w := range append(want, total) {
		g := res.Total
		if i < 2 {
			g = res.Communes[i]
		}
		if g.Code != w.Code || g.Name != w.Name || !near(g.Population, w.Population) || !near(g.Weighted, w.Weighted) ||
			!near(g.Covered, w.Covered) || !near(g.WeightedCovered, w.WeightedCovered) || !near(g.Access, w.Access) ||
			g.UncoveredCells != w.UncoveredCells {
			t.Errorf("row %d = %+v, want %+v", i, g, w)
		}
	}
	if s := res.Total.Share(); !near(s, 0.625) {
		t.Errorf("share = %v, want 0.625", s)
	}
	if _, err := Summarize(terr, CellValues{Covered: []float64{1}}); err == nil {
		t.Error("Summarize with 1 value for 3 cells succeeded")
	}
}

func TestSummarizeCellsWithoutParts(t *testing.T) {
	terr := testTerritory()
	terr.Parts = nil
	for i := range terr.Cells {
		terr.Cells[i].PartStart, terr.Cells[i].PartEnd = 0, 0
	}
	terr.Cells[1].Commune = -1
	res, err := Summarize(terr, CellValues{Covered: []float64{0, 1, 1}})
	if err != nil {
		t.Fatal(err)
	}
	// Cell 0 and 2 go to Aville (150 persons, 50 covered), cell 1 to no commune.
	if len(res.Communes) != 2 || res.Communes[0].Code != "" || res.Communes[0].Population != 50 ||
		res.Communes[1].Code != "00001" || res.Communes[1].Population != 150 || res.Communes[1].Covered != 50 ||
		res.Communes[1].UncoveredCells != 1 || res.Total.Population != 200 {
		t.Errorf("communes = %+v", res.Communes)
	}
}

func TestCompare(t *testing.T) {
	terr := testTerritory()
	a, _ := Summarize(terr, CellValues{Covered: []float64{1, 0, 0.5}, Access: []float64{2, 0, 1}, Weight: seniorsTwice})
	b, _ := Summarize(terr, CellValues{Covered: []float64{1, 1, 1}, Access: []float64{2, 1, 1.5}, Weight: seniorsTwice})
	a.Scenario, b.Scenario = 0, 7
	d := Compare(a, b)
	if d.A != 0 || d.B != 7 {
		t.Errorf("ids = %d, %d", d.A, d.B)
	}
	// Totals: covered 125 → 200, weighted 137.5 → 235, share 0.625 → 1,
	// access 1.25 → (200 + 50 + 75)/200 = 1.625, gaps 1 → 0.
	tot := d.Total
	if !near(tot.Covered, 75) || !near(tot.WeightedCovered, 97.5) || !near(tot.Share, 0.375) ||
		!near(tot.Access, 0.375) || tot.UncoveredCells != -1 {
		t.Errorf("total delta = %+v", tot)
	}
	// Bville: covered 10 → 70, weighted 10 → 90.
	if len(d.Communes) != 2 || d.Communes[1].Code != "00002" || !near(d.Communes[1].Covered, 60) ||
		!near(d.Communes[1].WeightedCovered, 80) || d.Communes[1].OnlyIn != "" {
		t.Errorf("Bville delta = %+v", d.Communes[1])
	}
	if top := d.Largest(1); len(top) != 1 || top[0].Code != "00002" {
		t.Errorf("Largest(1) = %+v, want Bville (+80 weighted vs Aville +17.5)", top)
	}

	// A commune present on one side only.
	b.Communes = b.Communes[:1]
	d = Compare(a, b)
	if len(d.Communes) != 2 || d.Communes[1].OnlyIn != "a" || d.Communes[1].Code != "00002" || !near(d.Communes[1].Covered, -10) {
		t.Errorf("one-sided delta = %+v", d.Communes)
	}
}
