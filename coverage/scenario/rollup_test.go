package scenario

import (
	"math"
	"testing"
)

// TestDeltaRollUp: communes sum into their areas on both sides, the
// differences are recomputed from the sums, access is the mean weighted by
// persons, and the totals are kept.
func TestDeltaRollUp(t *testing.T) {
	a := Result{Scenario: 0, Total: Row{Population: 60, Covered: 20}, Communes: []Row{
		{Code: "1", Population: 10, Covered: 5, Access: 1, UncoveredCells: 2},
		{Code: "2", Population: 30, Covered: 15, Access: 3},
		{Code: "3", Population: 20, Covered: 0},
	}}
	b := Result{Scenario: 4, Total: Row{Population: 60, Covered: 40}, Communes: []Row{
		{Code: "1", Population: 10, Covered: 10, Access: 2},
		{Code: "2", Population: 30, Covered: 15, Access: 3},
		{Code: "3", Population: 20, Covered: 15},
	}}
	area := map[string]string{"1": "X", "2": "X", "3": "Y"}
	d := Compare(a, b).RollUp(func(c string) (string, string) { return area[c], "area " + area[c] })
	if len(d.Communes) != 2 || d.A != 0 || d.B != 4 || d.Total.Covered != 20 {
		t.Fatalf("%+v", d)
	}
	x, y := d.Communes[0], d.Communes[1]
	if x.Code != "X" || x.Name != "area X" || x.A.Population != 40 || x.A.Covered != 20 || x.B.Covered != 25 || x.Covered != 5 || x.A.UncoveredCells != 2 {
		t.Errorf("X %+v", x)
	}
	if want := (10*1 + 30*3) / 40.0; math.Abs(x.A.Access-want) > 1e-12 || math.Abs(x.Share-(25.0/40-20.0/40)) > 1e-12 {
		t.Errorf("X access %v, want %v; share %v", x.A.Access, want, x.Share)
	}
	if y.Code != "Y" || y.Covered != 15 || y.B.Share() != 0.75 {
		t.Errorf("Y %+v", y)
	}
}
