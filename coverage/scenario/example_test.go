package scenario_test

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/paulmach/orb"
)

// Example decodes a scenario, applies it to a territory of two cells and
// compares it with the base, with a toy evaluator: a cell is covered when a
// place lies within 1 km of its centre.
func Example() {
	var p1, p2 maillage.Pop
	p1[maillage.Ind], p2[maillage.Ind] = 120, 80
	base := &maillage.Territory{Name: "demo",
		Communes: []maillage.Commune{{Code: "99001", Name: "Village"}},
		Cells: []maillage.Cell{
			{Center: orb.Point{0.00, 45.00}, Pop: p1, Commune: 0},
			{Center: orb.Point{0.05, 45.00}, Pop: p2, Commune: 0}, // ≈ 3.9 km east
		},
		Venues: []maillage.Venue{{ID: "epn", Name: "EPN", Point: orb.Point{0.001, 45.0}, Located: true}},
	}
	s, err := scenario.Decode(strings.NewReader(`{
		"name": "Permanence du mardi", "base": "demo",
		"changes": [{"op": "add", "name": "Salle des fêtes", "lat": 45.0, "lon": 0.049,
			"hours": [{"day": "Tu", "open": "09:00", "close": "12:00"}],
			"services": ["Aide aux démarches administratives"]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	s.ID = 1
	within1km := func(_ context.Context, _ *maillage.Territory, eff *scenario.Effect) (scenario.Result, error) {
		t := eff.Territory
		cov := make([]float64, len(t.Cells))
		for i, c := range t.Cells {
			for _, v := range t.Venues {
				dx := (v.Point[0] - c.Center[0]) * 111.195 * math.Cos(c.Center[1]*math.Pi/180)
				dy := (v.Point[1] - c.Center[1]) * 111.195
				if math.Hypot(dx, dy) <= 1 {
					cov[i] = 1
				}
			}
		}
		return scenario.Summarize(t, scenario.CellValues{Covered: cov})
	}
	d, err := scenario.Options{}.Diff(context.Background(), base, nil, &s, within1km)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("covered %.0f → %.0f persons (+%.0f), share %+.0f points\n",
		d.Total.A.Covered, d.Total.B.Covered, d.Total.Covered, 100*d.Total.Share)
	// Output: covered 120 → 200 persons (+80), share +40 points
}
