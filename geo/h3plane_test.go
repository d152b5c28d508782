package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/uber/h3-go/v4"
)

// hexMargin returns how far (hex2d units) (x, y) lies inside its nearest
// hexagon: 0.5 minus the largest of its three slab offsets.
func hexMargin(x, y float64) float64 {
	i, j := hexOf(x, y)
	cx, cy := hexCentre(i, j)
	dx, dy := x-cx, y-cy
	m := math.Abs(dx)
	m = max(m, math.Abs(0.5*dx+sqrt3Half*dy), math.Abs(-0.5*dx+sqrt3Half*dy))
	return 0.5 - m
}

// TestH3GridMatchesLibrary checks the Go geometry of H3 against h3-go on
// random points of the whole sphere and of metropolitan France: the face and
// lattice hexagon give the library's cell, and the hexagon's centre and
// corners are the library's.
func TestH3GridMatchesLibrary(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, res := range []int{7, 8, 9, 10} {
		t.Run(fmtRes(res), func(t *testing.T) {
			g := newH3Grid(res)
			checked, edges := 0, 0
			for n := range 20000 {
				var lat, lon float64
				if n%2 == 0 { // the whole sphere
					lat = math.Asin(2*rng.Float64()-1) * 180 / math.Pi
					lon = rng.Float64()*360 - 180
				} else { // metropolitan France
					lat, lon = 42.3+rng.Float64()*8.8, -4.8+rng.Float64()*13
				}
				want, err := h3.LatLngToCell(h3.LatLng{Lat: lat, Lng: lon}, res)
				if err != nil {
					t.Fatal(err)
				}
				face, x, y, edge := g.project(unitVec(lat*math.Pi/180, lon*math.Pi/180))
				if hexMargin(x, y) < 1e-9 {
					continue // on a hexagon's edge, to rounding
				}
				i, j := hexOf(x, y)
				got, err := g.cell(face, i, j)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Fatalf("%.6f,%.6f: cell %v, library %v (face %d, hexagon %d,%d)", lat, lon, got, want, face, i, j)
				}
				checked++
				// Away from the face's edges the library's centre and
				// outline are those of the lattice hexagon.
				if want.IsPentagon() || edge < 0.01 {
					continue
				}
				edges++
				cx, cy := hexCentre(i, j)
				c := g.latLng(face, cx, cy)
				wc, _ := h3.CellToLatLng(want)
				if math.Abs(c.Lat-wc.Lat) > 1e-9 || math.Abs(c.Lng-wc.Lng) > 1e-9 {
					t.Fatalf("cell %v: centre %v, library %v", want, c, wc)
				}
				b, _ := h3.CellToBoundary(want)
				if len(b) != 6 {
					t.Fatalf("cell %v has %d vertices", want, len(b))
				}
				for k := range 6 {
					a := math.Pi/6 + float64(k)*math.Pi/3
					v := g.latLng(face, cx+math.Cos(a)/math.Sqrt(3), cy+math.Sin(a)/math.Sqrt(3))
					found := false
					for _, w := range b {
						if math.Abs(v.Lat-w.Lat) < 1e-9 && math.Abs(v.Lng-w.Lng) < 1e-9 {
							found = true
						}
					}
					if !found {
						t.Fatalf("cell %v: corner %v is not a library vertex %v", want, v, b)
					}
				}
			}
			if checked < 19900 || edges < 15000 {
				t.Errorf("only %d points checked, %d outlines", checked, edges)
			}
			t.Logf("%d points, %d outlines, %d library calls", checked, edges, g.asked)
			if g.asked > 2000 {
				t.Errorf("%d library calls for 20,000 points: base cells are not learnt", g.asked)
			}
		})
	}
}

// TestHexOfNearest: hexOf returns the lattice centre nearest the point, by
// brute force over the surrounding centres.
func TestHexOfNearest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 20000 {
		x, y := rng.Float64()*200-100, rng.Float64()*200-100
		i, j := hexOf(x, y)
		cx, cy := hexCentre(i, j)
		d := math.Hypot(x-cx, y-cy)
		for di := int32(-2); di <= 2; di++ {
			for dj := int32(-2); dj <= 2; dj++ {
				ox, oy := hexCentre(i+di, j+dj)
				if e := math.Hypot(x-ox, y-oy); e < d-1e-12 {
					t.Fatalf("%v,%v: hexOf gives %d,%d at %v, but %d,%d is at %v", x, y, i, j, d, i+di, j+dj, e)
				}
			}
		}
	}
}

// TestH3GridDensePatches indexes every hexagon of patches around points of
// France and elsewhere (so that the memo of shared ancestors serves most of
// them) and compares each with the library's cell of its centre.
func TestH3GridDensePatches(t *testing.T) {
	places := [][2]float64{{44.84, -0.58}, {48.85, 2.35}, {46.0, 2.2467}, {43.7, 7.27}, {-33.9, 151.2}, {64.1, -21.9}}
	for _, res := range []int{7, 9, 10} {
		g := newH3Grid(res)
		n := 0
		for _, pl := range places {
			face, x, y, _ := g.project(unitVec(pl[0]*math.Pi/180, pl[1]*math.Pi/180))
			ci, cj := hexOf(x, y)
			for di := int32(-40); di <= 40; di++ {
				for dj := int32(-40); dj <= 40; dj++ {
					i, j := ci+di, cj+dj
					cx, cy := hexCentre(i, j)
					// Only hexagons whose centre lies on this face.
					if f, _, _, _ := g.project(g.point(face, cx, cy)); f != face {
						continue
					}
					want, err := h3.LatLngToCell(g.latLng(face, cx, cy), res)
					if err != nil {
						t.Fatal(err)
					}
					got, err := g.cell(face, i, j)
					if err != nil || got != want {
						t.Fatalf("res %d face %d hexagon %d,%d: %v (%v), library %v", res, face, i, j, got, err, want)
					}
					n++
				}
			}
		}
		if n < 30000 {
			t.Errorf("res %d: only %d hexagons compared", res, n)
		}
		if g.asked > 100 {
			t.Errorf("res %d: %d library calls for %d hexagons", res, g.asked, n)
		}
	}
}
