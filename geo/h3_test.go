package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

func TestLatLngRoundTrip(t *testing.T) {
	for _, p := range []orb.Point{{-0.57918, 44.837789}, {8.738635, 41.919229}, {0, 0}, {-179.5, -89}} {
		g := ToLatLng(p)
		if g.Lat != p[1] || g.Lng != p[0] {
			t.Errorf("ToLatLng(%v) = %+v: axes swapped", p, g)
		}
		if q := FromLatLng(g); q != p {
			t.Errorf("FromLatLng(ToLatLng(%v)) = %v", p, q)
		}
	}
}

func TestCellCenterAndPolygon(t *testing.T) {
	bordeaux := orb.Point{-0.57918, 44.837789}
	for _, res := range []int{7, 9, 10} {
		c, err := h3.LatLngToCell(ToLatLng(bordeaux), res)
		if err != nil {
			t.Fatal(err)
		}
		ctr := CellCenter(c)
		edge, _ := h3.HexagonEdgeLengthAvgM(res)
		if d := metresBetween(ctr, bordeaux); d > edge {
			t.Errorf("res %d: centre %v is %.0f m from the point it contains (edge %.0f m)", res, ctr, d, edge)
		}
		poly := CellPolygon(c)
		if len(poly) != 1 || len(poly[0]) != 7 || poly[0][0] != poly[0][6] {
			t.Fatalf("res %d: CellPolygon = %v, want a closed ring of 6 vertices", res, poly)
		}
		if poly[0].Orientation() != orb.CCW {
			t.Errorf("res %d: ring is not counter-clockwise", res)
		}
		// Planar area in LAEA vs H3's own area. The projection is equal-area
		// on the ellipsoid while H3 measures on a sphere, reading geodetic
		// latitudes as spherical ones: the two differ by ≈0.2 % at 45°N.
		want, _ := h3.CellAreaM2(c)
		var a float64
		for i := 0; i+1 < len(poly[0]); i++ {
			p, q := ToLAEA(poly[0][i]), ToLAEA(poly[0][i+1])
			a += p[0]*q[1] - q[0]*p[1]
		}
		a /= 2
		if math.Abs(a-want) > 5e-3*want {
			t.Errorf("res %d: LAEA area %.1f m², H3 area %.1f m²", res, a, want)
		}
	}
	if p := CellCenter(0); !math.IsNaN(p[0]) {
		t.Errorf("CellCenter(0) = %v, want NaN", p)
	}
	if p := CellPolygon(0); p != nil {
		t.Errorf("CellPolygon(0) = %v, want nil", p)
	}
}
