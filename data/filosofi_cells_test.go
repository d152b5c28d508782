package data

import (
	"cmp"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/internal/shareddata"
	"github.com/uber/h3-go/v4"
)

// gridNaiveParts spreads the squares in one pass of one Spreader and adds
// each share into a map keyed by (H3 cell, commune index): a plain
// reference for BuildCells, without its bands, merge or replay.
func gridNaiveParts(t *testing.T, squares []Square, res int, codes []string) map[gridNaiveKey]*maillage.Pop {
	t.Helper()
	sp, err := geo.NewSpreader(res)
	if err != nil {
		t.Fatal(err)
	}
	gs := make([]geo.Square, len(squares))
	for i, q := range squares {
		gs[i] = q.GeoSquare()
	}
	out := map[gridNaiveKey]*maillage.Pop{}
	err = sp.Spread(gs, func(i int, r int32, f float64) {
		c := int32(-1)
		if code := squares[i].Commune.String(); code != "" {
			j, ok := slices.BinarySearch(codes, code)
			if !ok {
				t.Fatalf("commune %s not among the codes", code)
			}
			c = int32(j)
		}
		k := gridNaiveKey{sp.Cell(r), c}
		if out[k] == nil {
			out[k] = &maillage.Pop{}
		}
		out[k].AddScaled(squares[i].Pop, f)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type gridNaiveKey struct {
	cell    h3.Cell
	commune int32
}

// TestBuildCellsNaive checks BuildCells' cells and parts, part by part,
// against gridNaiveParts, with one band and with several (cut into chunks
// merged concurrently), on the Bordeaux 200 m grid and on a synthetic
// filled grid whose 5 km communes make many cells straddle two or more.
func TestBuildCellsNaive(t *testing.T) {
	synth := filepath.Join(t.TempDir(), "synth.csv")
	f, err := os.Create(synth)
	if err != nil {
		t.Fatal(err)
	}
	if err := gridSynthFrance(f, 15_000, 7, false); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		res        int
	}{
		{"bordeaux-200m", shareddata.Path(t, grid200), 9},
		{"bordeaux-200m-res10", shareddata.Path(t, grid200), 10},
		{"synthetic-filled", synth, 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := ReadGrid(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range []int{1, 3} {
				cells, parts, codes, err := gridBuildCells(g.Squares, tc.res, k)
				if err != nil {
					t.Fatal(err)
				}
				want := gridNaiveParts(t, g.Squares, tc.res, codes)
				if tc.path != synth {
					gridCheckCells(t, cells, parts, codes) // structure, sums, centres in Gironde
				}
				compact := len(parts)
				cells, parts = gridExpand(t, cells, parts)
				if k == 1 {
					t.Logf("%d parts kept for cells straddling communes, of %d (cell, commune) pairs", compact, len(parts))
				}
				if len(parts) != len(want) {
					t.Fatalf("%d bands: %d parts, the naive spreading %d", k, len(parts), len(want))
				}
				multi := 0
				for i, p := range parts {
					c := cells[p.Cell]
					if i > 0 && parts[i-1].Cell == p.Cell {
						multi++
						if parts[i-1].Commune >= p.Commune {
							t.Fatalf("%d bands: parts of cell %v not sorted by commune", k, c.H3)
						}
					}
					w := want[gridNaiveKey{c.H3, p.Commune}]
					if w == nil {
						t.Fatalf("%d bands: part (%v, %d) not in the naive spreading", k, c.H3, p.Commune)
					}
					for a := range w {
						if e := gridRelErr(p.Pop[a], w[a]); e > 1e-12 && math.Abs(p.Pop[a]-w[a]) > 1e-12 {
							t.Fatalf("%d bands: part (%v, %d) %v = %v, naive %v", k, c.H3, p.Commune, maillage.Attr(a), p.Pop[a], w[a])
						}
					}
				}
				if k == 1 {
					t.Logf("%d squares, %d cells, %d parts (%d beyond a cell's first)", len(g.Squares), len(cells), len(parts), multi)
				}
				if multi < 100 {
					t.Errorf("only %d of %d cells straddle communes: the test misses the multi-commune path", multi, len(cells))
				}
				if !slices.IsSortedFunc(cells, func(a, b maillage.Cell) int { return cmp.Compare(a.H3, b.H3) }) {
					t.Fatalf("%d bands: cells not sorted", k)
				}
				next := int32(0)
				for i, c := range cells {
					if c.PartStart != next || c.PartEnd <= c.PartStart {
						t.Fatalf("%d bands: cell %d parts [%d, %d), want start %d", k, i, c.PartStart, c.PartEnd, next)
					}
					next = c.PartEnd
					var sum maillage.Pop
					best := parts[c.PartStart]
					for _, p := range parts[c.PartStart:c.PartEnd] {
						if p.Cell != int32(i) {
							t.Fatalf("%d bands: part of cell %d says %d", k, i, p.Cell)
						}
						sum.Add(p.Pop)
						if p.Pop[maillage.Ind] > best.Pop[maillage.Ind] {
							best = p
						}
					}
					if sum != c.Pop || c.Commune != best.Commune {
						t.Fatalf("%d bands: cell %d: Pop %v commune %d, parts sum to %v, most Ind in %d", k, i, c.Pop, c.Commune, sum, best.Commune)
					}
					// The centres come from the Spreader's plane (to rounding).
					ll, err := h3.CellToLatLng(c.H3)
					if err != nil || math.Abs(ll.Lat-c.Center[1]) > 1e-12 || math.Abs(ll.Lng-c.Center[0]) > 1e-12 {
						t.Fatalf("%d bands: cell %d: centre %v, H3 says %v (%v)", k, i, c.Center, ll, err)
					}
				}
				if int(next) != len(parts) {
					t.Fatalf("%d bands: cells cover %d of %d parts", k, next, len(parts))
				}
			}
		})
	}
}
