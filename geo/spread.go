package geo

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/uber/h3-go/v4"
)

// Errors returned by the Spreader.
var (
	// ErrResolution: the H3 resolution is outside the supported range.
	ErrResolution = errors.New("geo: H3 resolution outside 7..10")
	// ErrSquare: a square has a non-positive size or lies outside the
	// EPSG:3035 domain.
	ErrSquare = errors.New("geo: invalid EPSG:3035 square")
)

// MinResolution and MaxResolution bound the H3 resolutions a Spreader
// accepts; DefaultResolution is resolution 9 (mean cell area 0.105 km²).
const (
	MinResolution     = 7
	MaxResolution     = 10
	DefaultResolution = 9
)

// Square is one square of an EPSG:3035 (ETRS89-LAEA) grid: E and N are the
// easting and northing of its south-west (lower-left) corner and Size its
// side, all in metres.
type Square struct {
	E, N, Size int32
}

// spreadMaxVerts is the most vertices an H3 cell boundary has (a pentagon or
// a class III cell crossing an icosahedron edge has up to 10).
const spreadMaxVerts = 10

// spreadCovered is the share of a square's area above which the cells found so
// far are taken to cover it: the search for further overlapping cells stops.
// What is left (< 1e-9 of the square, a few tens of mm²) is spread with the
// rest by the normalisation of the fractions, so totals stay exact.
const spreadCovered = 1 - 1e-9

// Spreader splits EPSG:3035 squares over the H3 cells they overlap, in
// proportion to the overlapping area. See the package documentation for the
// method and its accuracy. The cells it meets get dense indices 0, 1, 2, …
// (see Cell and NumCells). Its lookups are kept small (and in cache) on
// national grids: the hexagons cut in a face's plane are found again through
// a fixed-size memo, and the cells of the EPSG:3035 way are forgotten once
// the south-to-north sweep is a few kilometres past them; a cell met again
// after that, or met both ways, gets a second index, so callers must add up
// the shares of equal cells. A Spreader is not safe for concurrent use.
type Spreader struct {
	res int
	// tab maps the cells met recently to their records (open addressing,
	// linear probing, a power-of-two size): an entry is live while its
	// generation is the current one (gen) or the previous one; generations
	// last genLen metres of northing. spare is the table's other buffer,
	// used by rehash.
	tab, spare []spreadSlot
	tabUsed    int
	gen        int32
	genLen     int32
	genStart   int32
	cells      spreadCells
	geoms      []spreadGeom
	free       []int32 // unused slots of geoms
	live       []int32 // records holding a geometry

	stats SpreadStats

	// the plane path (spread_planar.go)
	grid       *h3Grid
	edgeMargin float64 // metres: how far from a face edge a square's corners must lie, beyond its diagonal
	pbot, ptop []planarCorner
	memo       []planarMemo // direct-mapped, a power-of-two size (see sizeMemos)
	memoShift  uint
	noPlanar   bool // tests: EPSG:3035 path only

	// memo of the last cell→record lookup
	lastCell h3.Cell
	lastRec  int32

	// per-call scratch, kept to avoid allocations
	order      []spreadKey
	bot, top   []spreadCorner
	cand       []int32
	area       []float64
	bufA, bufB [2 * (spreadMaxVerts + 8)]float64
}

type spreadCell struct {
	cell h3.Cell
	geom int32 // index in geoms, -1 if not loaded
	face int8  // 1 + the face of the lattice hexagon (i, j) the cell is, 0 if unknown
	i, j int32
}

// spreadGeom is a cell's boundary projected to EPSG:3035 metres.
type spreadGeom struct {
	rec                    int32
	n                      int32 // vertices
	nnb                    int32 // neighbours, -1 until looked up
	nb                     [6]int32
	xy                     [2 * spreadMaxVerts]float64
	minX, minY, maxX, maxY float64
	area                   float64                 // m²
	invLen                 [spreadMaxVerts]float64 // 1 / length of edge i→i+1, 1/m
}

type spreadCorner struct {
	e   int32
	rec int32
}

// SpreadStats counts how a Spreader spread its squares and the calls to the
// H3 library it made.
type SpreadStats struct {
	Squares  int // squares spread
	Whole    int // squares whose four corners fell in one cell
	Planar   int // squares cut in a face's plane, with no H3 call (other than Whole)
	Asked    int // h3.LatLngToCell calls that learnt a base cell's orientation or indexed a cell near a pentagon
	Fallback int // squares near an icosahedron face's edge or larger than 1 km, spread in EPSG:3035 (some of them Whole)
	// The H3 calls made for the Fallback squares:
	Corners    int // h3.LatLngToCell calls (one per distinct grid corner met)
	Boundaries int // h3.CellToBoundary calls (cell outlines loaded)
	Probes     int // h3.LatLngToCell calls probing across a cell's edge
	Neighbours int // h3.GridDisk calls (when probing left area uncovered)
}

// Stats returns the counts of the work done so far.
func (s *Spreader) Stats() SpreadStats {
	st := s.stats
	st.Asked = s.grid.asked
	return st
}

// NewSpreader returns a Spreader onto H3 cells of resolution res
// (MinResolution..MaxResolution).
func NewSpreader(res int) (*Spreader, error) {
	if res < MinResolution || res > MaxResolution {
		return nil, fmt.Errorf("%w: %d", ErrResolution, res)
	}
	edge, err := h3.HexagonEdgeLengthAvgM(res)
	if err != nil {
		return nil, fmt.Errorf("geo: %w", err)
	}
	return &Spreader{res: res, tab: make([]spreadSlot, spreadMinTab),
		genLen: int32(max(2000, 8*edge)), genStart: math.MinInt32, lastRec: -1,
		grid: newH3Grid(res), edgeMargin: 4 * edge}, nil
}

// Resolution returns the H3 resolution of the Spreader's cells.
func (s *Spreader) Resolution() int { return s.res }

// NumCells returns how many cells the Spreader has met so far, including
// cells it probed and found not to overlap any square.
func (s *Spreader) NumCells() int { return int(s.cells.n) }

// Cell returns the H3 cell of dense index i.
func (s *Spreader) Cell(i int32) h3.Cell { return s.cells.at(i).cell }

// CompareSquares orders squares as a Spreader visits them: by size, then
// northing, then easting (rows of one size, south to north, west to east).
func CompareSquares(a, b Square) int {
	return cmp.Or(cmp.Compare(a.Size, b.Size), cmp.Compare(a.N, b.N), cmp.Compare(a.E, b.E))
}

// Spread splits every square over the H3 cells it overlaps and calls
// fn(i, cell, frac) once per square i and overlapping cell (a dense index,
// see Cell) with the share frac of the square's area in that cell. For each
// square the fractions are positive and sum to 1 (to rounding: the last one is
// 1 minus the others). Squares are visited in CompareSquares order (ties in
// slice order). Squares of different sizes may be mixed.
func (s *Spreader) Spread(squares []Square, fn func(i int, cell int32, frac float64)) error {
	if len(squares) > math.MaxInt32 {
		return fmt.Errorf("%w: too many squares (%d)", ErrSquare, len(squares))
	}
	s.order = slices.Grow(s.order[:0], len(squares))
	for i, q := range squares {
		if q.Size <= 0 || q.Size > 100_000 {
			return fmt.Errorf("%w: square %d has size %d m", ErrSquare, i, q.Size)
		}
		s.order = append(s.order, spreadKey{q.Size, q.N, q.E, int32(i)})
	}
	byKey := func(a, b spreadKey) int {
		return cmp.Or(CompareSquares(Square{a.e, a.n, a.size}, Square{b.e, b.n, b.size}), cmp.Compare(a.i, b.i))
	}
	if !slices.IsSortedFunc(s.order, byKey) {
		slices.SortFunc(s.order, byKey)
	}
	s.sizeMemos(len(squares))
	s.bot, s.top = s.bot[:0], s.top[:0]
	s.pbot, s.ptop = s.pbot[:0], s.ptop[:0]
	rowN, rowSize := int32(math.MinInt32), int32(0)
	var bi, ti int   // cursors in bot and top
	var pbi, pti int // cursors in pbot and ptop
	var pmemo planarCorner
	lastBR := spreadCorner{e: math.MinInt32, rec: -1}
	prev := [2]int32{-1, -1} // the previous square's right-hand corners
	for _, k := range s.order {
		if k.n != rowN || k.size != rowSize {
			// A new row: its bottom corners are the previous row's top
			// corners if the rows touch.
			if k.size == rowSize && k.n == rowN+rowSize {
				s.bot, s.top = s.top, s.bot
				s.pbot, s.ptop = s.ptop, s.pbot
			} else {
				s.bot = s.bot[:0]
				s.pbot = s.pbot[:0]
			}
			s.top = s.top[:0]
			s.ptop = s.ptop[:0]
			bi, ti, pbi, pti = 0, 0, 0, 0
			pmemo = planarCorner{e: math.MinInt32, face: -1}
			lastBR = spreadCorner{e: math.MinInt32, rec: -1}
			rowN, rowSize = k.n, k.size
			s.sweep(float64(k.n))
			if k.n < s.genStart || k.n-s.genStart >= s.genLen {
				// A new generation: forget the cells not met in the last.
				s.gen++
				if 8*s.tabUsed > 3*len(s.tab) {
					s.rehash() // drop the entries forgotten
				}
				s.genStart = k.n
				s.lastRec = -1
			}
		}
		e, n, size := k.e, k.n, k.size
		s.stats.Squares++
		if !s.noPlanar && size <= planarMaxSize {
			var c [4]planarCorner
			var err error
			if c[0], err = s.pcorner(&s.pbot, &pbi, &pmemo, e, n); err == nil {
				if c[1], err = s.pcorner(&s.pbot, &pbi, &pmemo, e+size, n); err == nil {
					if c[2], err = s.pcorner(&s.ptop, &pti, nil, e, n+size); err == nil {
						c[3], err = s.pcorner(&s.ptop, &pti, nil, e+size, n+size)
					}
				}
			}
			if err != nil {
				return fmt.Errorf("square %d: %w", k.i, err)
			}
			need := (float64(size)*math.Sqrt2 + s.edgeMargin) / h3EarthRadius
			if c[0].face == c[1].face && c[0].face == c[2].face && c[0].face == c[3].face &&
				min(c[0].edge, c[1].edge, c[2].edge, c[3].edge) >= need {
				if err := s.planar(int(k.i), float64(size), c, fn); err != nil {
					return fmt.Errorf("square %d: %w", k.i, err)
				}
				prev = [2]int32{-1, -1}
				continue
			}
		}
		// Corners not in the row caches are first looked for, by a
		// point-in-polygon test, in the cells of the corners already known
		// (this square's, loading their outline: they overlap the square
		// anyway; the previous square's, if loaded), and only then with H3.
		s.stats.Fallback++
		r00, err := s.corner(&s.bot, &bi, &lastBR, e, n, [4]int32{prev[0], prev[1], -1, -1}, 0)
		if err != nil {
			return fmt.Errorf("square %d: %w", k.i, err)
		}
		r10, err := s.corner(&s.bot, &bi, &lastBR, e+size, n, [4]int32{r00, prev[0], prev[1], -1}, 1)
		if err != nil {
			return fmt.Errorf("square %d: %w", k.i, err)
		}
		lastBR = spreadCorner{e + size, r10}
		noMemo := spreadCorner{e: math.MinInt32, rec: -1}
		r01, err := s.corner(&s.top, &ti, &noMemo, e, n+size, [4]int32{r00, r10, prev[1], -1}, 2)
		if err != nil {
			return fmt.Errorf("square %d: %w", k.i, err)
		}
		r11, err := s.corner(&s.top, &ti, &noMemo, e+size, n+size, [4]int32{r01, r10, r00, -1}, 3)
		if err != nil {
			return fmt.Errorf("square %d: %w", k.i, err)
		}
		prev = [2]int32{r10, r11}
		if r00 == r10 && r00 == r01 && r00 == r11 {
			// All four corners in one cell: the cell is convex (to within
			// 0.1 mm, see the package doc), so it holds the whole square.
			s.stats.Whole++
			fn(int(k.i), r00, 1)
			continue
		}
		if err := s.split(int(k.i), float64(e), float64(n), float64(size), [4]int32{r00, r10, r01, r11}, fn); err != nil {
			return fmt.Errorf("square %d: %w", k.i, err)
		}
	}
	return nil
}

// corner returns the record of the cell holding grid corner (e, n), looked up
// first in the sorted row list (from cursor *k), then in memo, then by a
// point-in-polygon test in the cells of hints (the first own of them are
// corners of the current square: their outlines are loaded if needed; the
// others are used only if loaded), and computed with H3 otherwise; a corner
// found outside the list is appended to it when that keeps it sorted.
func (s *Spreader) corner(list *[]spreadCorner, k *int, memo *spreadCorner, e, n int32, hints [4]int32, own int) (int32, error) {
	l := *list
	if *k > 0 && l[*k-1].e >= e {
		*k, _ = slices.BinarySearchFunc(l, e, func(c spreadCorner, e int32) int { return cmp.Compare(c.e, e) })
	}
	for *k < len(l) && l[*k].e < e {
		*k++
	}
	if *k < len(l) && l[*k].e == e {
		return l[*k].rec, nil
	}
	if memo.e == e {
		return memo.rec, nil
	}
	r, err := s.locate(e, n, hints, own)
	if err != nil {
		return -1, err
	}
	if r < 0 {
		lat, lon := laeaInverse(float64(e), float64(n))
		if !laeaInDomain(float64(e), float64(n)) || math.IsNaN(lat) || math.IsNaN(lon) {
			return -1, fmt.Errorf("%w: corner E%d N%d outside the projection's domain", ErrSquare, e, n)
		}
		s.stats.Corners++
		c, err := h3.LatLngToCell(h3.LatLng{Lat: lat * (180 / math.Pi), Lng: lon * (180 / math.Pi)}, s.res)
		if err != nil {
			return -1, fmt.Errorf("geo: H3 cell of corner E%d N%d: %w", e, n, err)
		}
		r = s.record(c)
	}
	if *k == len(l) {
		*list = append(l, spreadCorner{e, r})
		*k = len(*list) - 1
	}
	return r, nil
}
