package coverage_test

import (
	"fmt"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage"
	"github.com/paulmach/orb"
)

// A village of 120 inhabitants 5 km from a France Services site, and a town
// of 900 next to it: by car (35 km/h along 1.4 × the crow-fly distance) the
// village is 12 min away, within the 30-minute target; on foot at a senior's
// pace it is not.
func Example() {
	var village, town maillage.Pop
	village[maillage.Ind], village[maillage.Ind65_79] = 120, 30
	town[maillage.Ind], town[maillage.Ind65_79] = 900, 150
	t := &maillage.Territory{
		Communes: []maillage.Commune{{Code: "33001", Name: "Village"}, {Code: "33002", Name: "Bourg"}},
		Cells: []maillage.Cell{
			{Center: orb.Point{-0.50, 44.80}, Pop: village, Commune: 0},
			{Center: orb.Point{-0.437, 44.80}, Pop: town, Commune: 1},
		},
		Venues: []maillage.Venue{{ID: "fs-1", Point: orb.Point{-0.437, 44.801}, Located: true,
			Programmes: []string{"France Services"}}},
	}
	profiles, _ := coverage.SelectProfiles(nil, "france-services-30min-car", "seniors-20min-walk")
	for _, p := range profiles {
		s, err := coverage.New(t, p, coverage.Options{})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(s.Summary().Statement)
	}
	// Output:
	// 0 people (0.0 %) live more than 30 min by car from a France Services site: the national 30-minute target is met
	// 30 people aged 65+ (16.7 %) live more than 20 min on foot at a senior's pace from a mediation place
}
