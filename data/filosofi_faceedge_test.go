package data

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
)

// TestBuildCellsAcrossFaceEdge builds cells from a block of squares across
// the edge between icosahedron faces 3 and 4 (at 46°N, 2.2467°E; it crosses
// France from the Pyrenees to the Ardennes), where the Spreader cuts some
// squares in a face's plane and the others in EPSG:3035, so one cell can get
// records from both ways. The cells must still be distinct and sorted, keep
// every total, have the library's centres, and hold each square's population
// as a fine sampling of the square with h3.LatLngToCell says.
func TestBuildCellsAcrossFaceEdge(t *testing.T) {
	edge := geo.ToLAEA(orb.Point{2.2467, 46})
	e0, n0 := int32(edge[0]/200)*200-200*30, int32(edge[1]/200)*200
	rng := rand.New(rand.NewPCG(46, 2))
	var squares []Square
	for i := range 60 {
		for j := range 8 {
			code, _ := NewCommuneCode([]string{"03001", "03002"}[i/30])
			q := Square{Size: 200, E: e0 + int32(200*i), N: n0 + int32(200*j), Commune: code}
			q.Pop[maillage.Ind] = float64(1 + rng.IntN(50))
			q.Pop[maillage.Men] = float64(rng.IntN(20))
			squares = append(squares, q)
		}
	}
	for _, res := range []int{7, 9, 10} {
		sp, _ := geo.NewSpreader(res)
		gs := make([]geo.Square, len(squares))
		for i, q := range squares {
			gs[i] = q.GeoSquare()
		}
		if err := sp.Spread(gs, func(int, int32, float64) {}); err != nil {
			t.Fatal(err)
		}
		if st := sp.Stats(); st.Planar == 0 || st.Corners == 0 {
			t.Fatalf("res %d: %+v: the block should be cut both ways", res, st)
		}
		cells, parts, codes, err := BuildCells(squares, res)
		if err != nil {
			t.Fatal(err)
		}
		var want, got [2]float64
		for _, q := range squares {
			want[0] += q.Pop[maillage.Ind]
			want[1] += q.Pop[maillage.Men]
		}
		byCommune := map[string]float64{}
		_, parts = gridExpand(t, cells, parts)
		for _, p := range parts {
			byCommune[codes[p.Commune]] += p.Pop[maillage.Ind]
		}
		for i, c := range cells {
			got[0] += c.Pop[maillage.Ind]
			got[1] += c.Pop[maillage.Men]
			if i > 0 && c.H3 <= cells[i-1].H3 {
				t.Fatalf("res %d: cells %d and %d are %v, %v: not distinct and sorted", res, i-1, i, cells[i-1].H3, c.H3)
			}
			ll, _ := h3.CellToLatLng(c.H3)
			if math.Abs(ll.Lat-c.Center[1]) > 1e-12 || math.Abs(ll.Lng-c.Center[0]) > 1e-12 {
				t.Fatalf("res %d: cell %v centre %v, library %v", res, c.H3, c.Center, ll)
			}
		}
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-9*want[k] {
				t.Errorf("res %d: attribute %d totals %v, squares %v", res, k, got[k], want[k])
			}
		}
		if math.Abs(byCommune["03001"]+byCommune["03002"]-want[0]) > 1e-9*want[0] || byCommune["03001"] == 0 {
			t.Errorf("res %d: per commune %v", res, byCommune)
		}
		// Independent: sample each square on a 40×40 lattice.
		const k = 40
		sampled := map[h3.Cell]float64{}
		for _, q := range squares {
			for a := range k {
				for b := range k {
					p := geo.FromLAEA(orb.Point{float64(q.E) + (float64(a)+0.5)*200/k, float64(q.N) + (float64(b)+0.5)*200/k})
					c, err := h3.LatLngToCell(geo.ToLatLng(p), res)
					if err != nil {
						t.Fatal(err)
					}
					sampled[c] += q.Pop[maillage.Ind] / (k * k)
				}
			}
		}
		// Every sampled cell was made; a cell no sample fell in holds at
		// most a sliver. A sample misplaces at most a strip half a step
		// (2.5 m) wide along the cell's boundary: loosely, 5 % of the
		// sampled population plus one person.
		made := map[h3.Cell]bool{}
		for _, c := range cells {
			made[c.H3] = true
			if d := math.Abs(c.Pop[maillage.Ind] - sampled[c.H3]); d > 1+0.05*sampled[c.H3] {
				t.Errorf("res %d: cell %v has %.3f, sampling says %.3f", res, c.H3, c.Pop[maillage.Ind], sampled[c.H3])
			}
		}
		for c := range sampled {
			if !made[c] {
				t.Errorf("res %d: sampling meets cell %v, BuildCells did not make it", res, c)
			}
		}
	}
}
