package geo_test

import (
	"fmt"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/paulmach/orb"
)

func ExampleCommuneIndex() {
	square := func(x, y float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}}
	}
	ci := geo.NewCommuneIndex([]maillage.Commune{
		{Code: "99001", Name: "Ouest", Geometry: square(0, 45)},
		{Code: "99002", Name: "Est", Geometry: square(1, 45)},
	})
	for _, p := range []orb.Point{{0.5, 45.5}, {1.5, 45.2}, {1, 45.5}, {3, 45}} {
		code, ok := ci.Code(p)
		fmt.Println(p, code, ok)
	}
	// Output:
	// [0.5 45.5] 99001 true
	// [1.5 45.2] 99002 true
	// [1 45.5] 99001 true
	// [3 45]  false
}

func ExampleIndex_Nearby() {
	var idx geo.Index[string]
	idx.InsertPoint(orb.Point{-0.5792, 44.8378}, "Bordeaux")
	idx.InsertPoint(orb.Point{-1.1689, 44.6586}, "Arcachon")
	idx.InsertPoint(orb.Point{-0.2439, 44.9153}, "Libourne")
	idx.Nearby(orb.Point{-0.6436, 44.8386}, func(_ orb.Bound, name string, deg float64) bool {
		fmt.Printf("%s %.0f km\n", name, deg*111.195)
		return true
	})
	// Output:
	// Bordeaux 5 km
	// Libourne 33 km
	// Arcachon 46 km
}
