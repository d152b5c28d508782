package data

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/maillage/maillage/geo"
	"github.com/uber/h3-go/v4"
)

// TestGridOrder checks gridOrder against a plain sort by (Size, N, E,
// index), on grids that take the packed path (one size or a few, a 200 m or
// 1 m step, duplicates) and the fallback (coordinates spread over the whole
// int32 range).
func TestGridOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name   string
		n      int
		sizes  []int32
		step   int32
		span   int32
		packed bool
		codes  int
	}{
		{"200m", 5000, []int32{200}, 200, 200 * 3000, true, 35_000},
		{"mixed-sizes", 5000, []int32{1000, 200, 200}, 200, 200 * 3000, true, 40},
		{"step-1m-duplicates", 5000, []int32{200}, 1, 50, true, 0},
		{"communes-too-many-to-pack", 5000, []int32{200}, 1, 1 << 20, true, math.MaxInt32 - 1},
		{"whole-int32-range", 3000, []int32{1, 7}, 1, math.MaxInt32, false, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			squares := make([]Square, tc.n)
			for i := range squares {
				squares[i] = Square{
					Size: tc.sizes[rng.IntN(len(tc.sizes))],
					E:    2_000_000 + tc.step*rng.Int32N(tc.span/tc.step),
					N:    1_000_000 + tc.step*rng.Int32N(tc.span/tc.step),
				}
				if !tc.packed {
					squares[i].E, squares[i].N = rng.Int32()-rng.Int32N(1<<30), rng.Int32()-rng.Int32N(1<<30)
				}
			}
			idx := make([]int32, 0, tc.n)
			for i := range int32(tc.n) {
				if i%3 != 1 { // a band: some of the squares
					idx = append(idx, i)
				}
			}
			want := slices.Clone(idx)
			slices.SortFunc(want, func(a, b int32) int {
				p, q := &squares[a], &squares[b]
				return cmp.Or(cmp.Compare(p.Size, q.Size), cmp.Compare(p.N, q.N), cmp.Compare(p.E, q.E), cmp.Compare(a, b))
			})
			sqCommune := make([]int32, tc.n)
			for i := range sqCommune {
				sqCommune[i] = rng.Int32N(int32(tc.codes)+1) - 1
			}
			gs, sq, com := gridOrder(squares, idx, sqCommune, tc.codes)
			if !slices.Equal(sq, want) {
				t.Fatalf("order differs from the plain sort")
			}
			for j, i := range sq {
				if q := squares[i]; gs[j] != (geo.Square{E: q.E, N: q.N, Size: q.Size}) || com[j] != sqCommune[i] {
					t.Fatalf("square %d: %+v commune %d, want %+v commune %d", i, gs[j], com[j], q, sqCommune[i])
				}
			}
		})
	}
	if gs, sq, com := gridOrder(nil, nil, nil, 0); len(gs) != 0 || len(sq) != 0 || len(com) != 0 {
		t.Errorf("no squares: %d, %d, %d", len(gs), len(sq), len(com))
	}
}

// TestGridCellBits checks that gridCellBits keeps H3 order and
// gridCellFromBits inverts it, on the cells around Bordeaux (a hexagon base
// cell) and around a pentagon, at every resolution BuildCells accepts.
func TestGridCellBits(t *testing.T) {
	for res := geo.MinResolution; res <= geo.MaxResolution; res++ {
		for _, ll := range []h3.LatLng{{Lat: 44.84, Lng: -0.58}, {Lat: 64.7, Lng: 10.53}} { // the second: base cell 14, a pentagon
			c, err := h3.LatLngToCell(ll, res)
			if err != nil {
				t.Fatal(err)
			}
			cells, err := h3.GridDisk(c, 30)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(cells)
			for i, c := range cells {
				b := gridCellBits(c, res)
				if back := gridCellFromBits(b, res); back != c {
					t.Fatalf("res %d: %v → %#x → %v", res, c, b, back)
				}
				if i > 0 && gridCellBits(cells[i-1], res) >= b {
					t.Fatalf("res %d: %v < %v but bits %#x >= %#x", res, cells[i-1], c, gridCellBits(cells[i-1], res), b)
				}
			}
		}
	}
}
