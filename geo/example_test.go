package geo_test

import (
	"fmt"

	"github.com/maillage/maillage/geo"
	"github.com/paulmach/orb"
)

// The worked example of EPSG Guidance Note 7-2: 50°N 5°E in EPSG:3035.
func ExampleToLAEA() {
	p := geo.ToLAEA(orb.Point{5, 50})
	fmt.Printf("E %.2f N %.2f\n", p[0], p[1])
	// Output: E 3962799.45 N 2999718.85
}

// Spreading one 200 m square of Bordeaux over H3 resolution-9 cells.
func ExampleSpreader() {
	s, err := geo.NewSpreader(geo.DefaultResolution)
	if err != nil {
		fmt.Println(err)
		return
	}
	total, n := 0.0, 0
	err = s.Spread([]geo.Square{{E: 3482800, N: 2466800, Size: 200}}, func(i int, cell int32, frac float64) {
		total += frac
		n++
	})
	fmt.Printf("%v %v %.12f\n", err, n > 1, total)
	// Output: <nil> true 1.000000000000
}
