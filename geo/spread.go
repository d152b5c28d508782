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

// spreadCells is a growable array of spreadCell in fixed blocks, so that
// growing never copies (national grids meet millions of cells).
type spreadCells struct {
	blocks [][]spreadCell
	n      int32
}

const spreadCellBits = 14

func (a *spreadCells) at(r int32) *spreadCell {
	return &a.blocks[r>>spreadCellBits][r&(1<<spreadCellBits-1)]
}

func (a *spreadCells) add(c spreadCell) int32 {
	if int(a.n)>>spreadCellBits == len(a.blocks) {
		a.blocks = append(a.blocks, make([]spreadCell, 1<<spreadCellBits))
	}
	r := a.n
	*a.at(r) = c
	a.n++
	return r
}

type spreadSlot struct {
	cell h3.Cell // 0 for an empty slot
	rec  int32
	gen  int32
}

// spreadMinTab is the least size of the Spreader's cell table.
const spreadMinTab = 1 << 12

type spreadKey struct {
	size, n, e int32
	i          int32
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

// spreadMargin is how far inside a cell's projected outline (metres) a
// point must be for the point-in-polygon test to place it there without
// asking H3: more than the outline's departure from H3's true edges (see the
// package doc).
const spreadMargin = 0.005

// locate returns the first of the hinted records whose cell holds (e, n) by
// at least spreadMargin, or -1.
func (s *Spreader) locate(e, n int32, hints [4]int32, own int) (int32, error) {
	x, y := float64(e), float64(n)
	for j, r := range hints {
		if r < 0 || (j > 0 && slices.Contains(hints[:j], r)) {
			continue
		}
		gi := s.cells.at(r).geom
		if gi < 0 {
			if j >= own {
				continue
			}
			var err error
			if gi, err = s.geom(r); err != nil {
				return -1, err
			}
		}
		if s.geoms[gi].holds(x, y) {
			return r, nil
		}
	}
	return -1, nil
}

// holds reports whether (x, y) lies inside g by more than spreadMargin.
func (g *spreadGeom) holds(x, y float64) bool {
	if x <= g.minX || x >= g.maxX || y <= g.minY || y >= g.maxY {
		return false
	}
	n := int(g.n)
	for i := range n {
		j := i + 1
		if j == n {
			j = 0
		}
		ax, ay := g.xy[2*i], g.xy[2*i+1]
		dx, dy := g.xy[2*j]-ax, g.xy[2*j+1]-ay
		// Signed distance to the edge's line, positive inside (the
		// outline is counter-clockwise).
		if (dx*(y-ay)-dy*(x-ax))*g.invLen[i] <= spreadMargin {
			return false
		}
	}
	return true
}

// record returns the dense index of cell c, creating it if needed.
func (s *Spreader) record(c h3.Cell) int32 {
	if c == s.lastCell && s.lastRec >= 0 {
		return s.lastRec
	}
	mask := uint64(len(s.tab) - 1)
	h := (uint64(c) * 0x9E3779B97F4A7C15) >> 20
	var r int32
	for j := h & mask; ; j = (j + 1) & mask {
		e := &s.tab[j]
		if e.cell == c && e.gen >= s.gen-1 {
			e.gen, r = s.gen, e.rec
			break
		}
		if e.cell == 0 || (e.cell == c) {
			// New, or forgotten: a new record.
			r = s.cells.add(spreadCell{cell: c, geom: -1})
			if e.cell == 0 {
				s.tabUsed++
			}
			*e = spreadSlot{cell: c, rec: r, gen: s.gen}
			if 2*s.tabUsed > len(s.tab) {
				s.rehash()
			}
			break
		}
	}
	s.lastCell, s.lastRec = c, r
	return r
}

// rehash rebuilds the cell table keeping only its live entries, in a table of
// at least four times their number.
func (s *Spreader) rehash() {
	live := 0
	for _, e := range s.tab {
		if e.cell != 0 && e.gen >= s.gen-1 {
			live++
		}
	}
	n := spreadMinTab
	for n < 4*live {
		n *= 2
	}
	old := s.tab
	if cap(s.spare) >= n {
		s.tab = s.spare[:n]
		clear(s.tab)
	} else {
		s.tab = make([]spreadSlot, n)
	}
	mask := uint64(n - 1)
	for _, e := range old {
		if e.cell == 0 || e.gen < s.gen-1 {
			continue
		}
		j := ((uint64(e.cell) * 0x9E3779B97F4A7C15) >> 20) & mask
		for s.tab[j].cell != 0 {
			j = (j + 1) & mask
		}
		s.tab[j] = e
	}
	s.tabUsed = live
	s.spare = old
}

// geom returns the index in s.geoms of the projected boundary of record r,
// loading it if needed.
func (s *Spreader) geom(r int32) (int32, error) {
	if g := s.cells.at(r).geom; g >= 0 {
		return g, nil
	}
	s.stats.Boundaries++
	b, err := h3.CellToBoundary(s.cells.at(r).cell)
	if err != nil {
		return -1, fmt.Errorf("geo: boundary of cell %v: %w", s.cells.at(r).cell, err)
	}
	if len(b) < 3 || len(b) > spreadMaxVerts {
		return -1, fmt.Errorf("geo: cell %v has %d boundary vertices", s.cells.at(r).cell, len(b))
	}
	var gi int32
	if n := len(s.free); n > 0 {
		gi = s.free[n-1]
		s.free = s.free[:n-1]
	} else {
		gi = int32(len(s.geoms))
		s.geoms = append(s.geoms, spreadGeom{})
	}
	g := &s.geoms[gi]
	*g = spreadGeom{rec: r, n: int32(len(b)), nnb: -1,
		minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
	for i, v := range b {
		x, y := laeaForward(v.Lat*(math.Pi/180), v.Lng*(math.Pi/180))
		g.xy[2*i], g.xy[2*i+1] = x, y
		g.minX, g.maxX = min(g.minX, x), max(g.maxX, x)
		g.minY, g.maxY = min(g.minY, y), max(g.maxY, y)
	}
	// Area relative to the first vertex, for precision.
	x0, y0 := g.xy[0], g.xy[1]
	var a float64
	for i := 1; i+1 < len(b); i++ {
		ax, ay := g.xy[2*i]-x0, g.xy[2*i+1]-y0
		bx, by := g.xy[2*i+2]-x0, g.xy[2*i+3]-y0
		a += ax*by - bx*ay
	}
	g.area = math.Abs(a) / 2
	if a < 0 { // make the outline counter-clockwise
		for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
			g.xy[2*i], g.xy[2*j] = g.xy[2*j], g.xy[2*i]
			g.xy[2*i+1], g.xy[2*j+1] = g.xy[2*j+1], g.xy[2*i+1]
		}
	}
	for i := range len(b) {
		j := (i + 1) % len(b)
		if l := math.Hypot(g.xy[2*j]-g.xy[2*i], g.xy[2*j+1]-g.xy[2*i+1]); l > 0 {
			g.invLen[i] = 1 / l
		}
	}
	s.cells.at(r).geom = gi
	s.live = append(s.live, r)
	return gi, nil
}

// sweep releases the geometry of cells lying wholly south of northing y: the
// squares still to come (in increasing N) cannot overlap them.
func (s *Spreader) sweep(y float64) {
	kept := s.live[:0]
	for _, r := range s.live {
		gi := s.cells.at(r).geom
		if s.geoms[gi].maxY < y {
			s.cells.at(r).geom = -1
			s.free = append(s.free, gi)
			continue
		}
		kept = append(kept, r)
	}
	s.live = kept
}

// neighbours returns the records of the cells adjacent to record r.
func (s *Spreader) neighbours(r int32) ([6]int32, int, error) {
	gi, err := s.geom(r)
	if err != nil {
		return [6]int32{}, 0, err
	}
	if s.geoms[gi].nnb < 0 {
		s.stats.Neighbours++
		disk, err := h3.GridDisk(s.cells.at(r).cell, 1)
		if err != nil {
			return [6]int32{}, 0, fmt.Errorf("geo: neighbours of cell %v: %w", s.cells.at(r).cell, err)
		}
		var nb [6]int32
		n := 0
		for _, c := range disk {
			if c == s.cells.at(r).cell || c == 0 || n == len(nb) {
				continue
			}
			nb[n] = s.record(c)
			n++
		}
		g := &s.geoms[gi] // s.geoms is not resized by record
		g.nb, g.nnb = nb, int32(n)
	}
	g := &s.geoms[gi]
	return g.nb, int(g.nnb), nil
}

// split spreads one square (south-west corner x0, y0, side, metres) whose
// corners lie in more than one cell.
func (s *Spreader) split(i int, x0, y0, side float64, corners [4]int32, fn func(int, int32, float64)) error {
	s.cand, s.area = s.cand[:0], s.area[:0]
	full := side * side
	covered := 0.0
	for _, r := range corners {
		if s.isCand(r) {
			continue
		}
		a, err := s.overlap(r, x0, y0, side)
		if err != nil {
			return err
		}
		s.cand, s.area = append(s.cand, r), append(s.area, a)
		covered += a
	}
	// Cells holding no corner: first probe just beyond each edge of a known
	// cell that crosses the square (one LatLngToCell, and an outline only
	// for a cell found that way).
	for j := 0; covered < spreadCovered*full && j < len(s.cand); j++ {
		if s.area[j] <= 0 {
			continue
		}
		a, err := s.probe(s.cand[j], x0, y0, side)
		if err != nil {
			return err
		}
		covered += a
	}
	// If area is still uncovered (a probe fell near a vertex, in a third
	// cell), a breadth-first search of the cells overlapping the square: the
	// cells meeting a connected region form a connected set, so every one is
	// reached through neighbours of cells already known to overlap.
	for j := 0; covered < spreadCovered*full && j < len(s.cand); j++ {
		if s.area[j] <= 0 {
			continue
		}
		nb, n, err := s.neighbours(s.cand[j])
		if err != nil {
			return err
		}
		for _, r := range nb[:n] {
			if s.isCand(r) {
				continue
			}
			a, err := s.overlap(r, x0, y0, side)
			if err != nil {
				return err
			}
			s.cand, s.area = append(s.cand, r), append(s.area, a)
			covered += a
		}
	}
	if covered <= 0 {
		// Unreachable for a valid square; keep the population anyway.
		fn(i, corners[0], 1)
		return nil
	}
	return s.emit(i, covered, fn)
}

// spreadProbe is how far beyond a cell's edge (metres) split probes for the
// neighbouring cell: well above the outline's departure from H3's edges
// (< 0.1 mm at resolution 9, see the package doc).
const spreadProbe = 0.05

// probe looks for the cells beyond the edges of record r's cell that cross
// the square (south-west corner x0, y0, side, metres): for each such edge
// crossing at least 1 m of the square, the cell holding a point spreadProbe
// beyond the middle of the crossing part is added to the candidates if new.
// It returns the area (m²) of the square in the cells added.
func (s *Spreader) probe(r int32, x0, y0, side float64) (float64, error) {
	gi, err := s.geom(r)
	if err != nil {
		return 0, err
	}
	x1, y1 := x0+side, y0+side
	n := int(s.geoms[gi].n)
	added := 0.0
	for i := range n {
		g := &s.geoms[gi] // re-fetched: overlap may grow s.geoms
		j := (i + 1) % n
		ax, ay := g.xy[2*i], g.xy[2*i+1]
		dx, dy := g.xy[2*j]-ax, g.xy[2*j+1]-ay
		il := g.invLen[i]
		// Liang–Barsky: the part t0..t1 of the edge inside the square.
		t0, t1 := 0.0, 1.0
		ok := true
		for _, c := range [4][2]float64{{-dx, ax - x0}, {dx, x1 - ax}, {-dy, ay - y0}, {dy, y1 - ay}} {
			p, q := c[0], c[1]
			if p == 0 {
				if q < 0 {
					ok = false
				}
				continue
			}
			t := q / p
			if p < 0 {
				t0 = max(t0, t)
			} else {
				t1 = min(t1, t)
			}
		}
		if !ok || t1 <= t0 || t1-t0 < il { // crossing part shorter than 1 m
			continue
		}
		tm := (t0 + t1) / 2
		// The outline is counter-clockwise: outward is (dy, -dx).
		px := ax + tm*dx + dy*il*spreadProbe
		py := ay + tm*dy - dx*il*spreadProbe
		if px <= x0 || px >= x1 || py <= y0 || py >= y1 {
			continue
		}
		if s.candHolds(px, py) {
			continue
		}
		lat, lon := laeaInverse(px, py)
		s.stats.Probes++
		c, err := h3.LatLngToCell(h3.LatLng{Lat: lat * (180 / math.Pi), Lng: lon * (180 / math.Pi)}, s.res)
		if err != nil {
			return 0, fmt.Errorf("geo: H3 cell of E%.2f N%.2f: %w", px, py, err)
		}
		nr := s.record(c)
		if s.isCand(nr) {
			continue
		}
		a, err := s.overlap(nr, x0, y0, side)
		if err != nil {
			return 0, err
		}
		s.cand, s.area = append(s.cand, nr), append(s.area, a)
		added += a
	}
	return added, nil
}

// candHolds reports whether a candidate's outline holds (x, y) by more than
// spreadMargin.
func (s *Spreader) candHolds(x, y float64) bool {
	for _, r := range s.cand {
		if gi := s.cells.at(r).geom; gi >= 0 && s.geoms[gi].holds(x, y) {
			return true
		}
	}
	return false
}

// isCand reports whether the cell of record r is already a candidate
// (compared by cell: a cell may have two records, see Spreader).
func (s *Spreader) isCand(r int32) bool {
	c := s.cells.at(r).cell
	for _, x := range s.cand {
		if x == r || s.cells.at(x).cell == c {
			return true
		}
	}
	return false
}

// overlap returns the area (m²) of the intersection of record r's cell with
// the square of south-west corner (x0, y0) and the given side, in the
// EPSG:3035 plane. The cell is clipped by the square's four sides
// (Sutherland–Hodgman; the square is the convex clip window).
func (s *Spreader) overlap(r int32, x0, y0, side float64) (float64, error) {
	gi, err := s.geom(r)
	if err != nil {
		return 0, err
	}
	g := &s.geoms[gi]
	x1, y1 := x0+side, y0+side
	if g.maxX <= x0 || g.minX >= x1 || g.maxY <= y0 || g.minY >= y1 {
		return 0, nil
	}
	if g.minX >= x0 && g.maxX <= x1 && g.minY >= y0 && g.maxY <= y1 {
		return g.area, nil
	}
	// Work relative to the square's corner for precision.
	in := s.bufA[:0]
	for k := range int(g.n) {
		in = append(in, g.xy[2*k]-x0, g.xy[2*k+1]-y0)
	}
	out := s.bufB[:0]
	out = spreadClip(out, in, 0, false, false) // x >= 0
	in = spreadClip(in[:0], out, side, false, true)
	out = spreadClip(out[:0], in, 0, true, false) // y >= 0
	in = spreadClip(in[:0], out, side, true, true)
	n := len(in) / 2
	if n < 3 {
		return 0, nil
	}
	var a float64
	for k := range n {
		j := (k + 1) % n
		a += in[2*k]*in[2*j+1] - in[2*j]*in[2*k+1]
	}
	return math.Abs(a) / 2, nil
}

// spreadClip clips polygon in (flat x, y pairs) by one axis-aligned half-plane
// and appends the result to out: coordinate (x, or y if useY) >= c, or <= c if
// upper.
func spreadClip(out, in []float64, c float64, useY, upper bool) []float64 {
	n := len(in) / 2
	if n == 0 {
		return out
	}
	off := 0
	if useY {
		off = 1
	}
	inside := func(k int) bool {
		v := in[2*k+off]
		if upper {
			return v <= c
		}
		return v >= c
	}
	prev := n - 1
	prevIn := inside(prev)
	for k := range n {
		curIn := inside(k)
		if curIn != prevIn {
			// Intersection of edge prev→k with the line.
			pv, cv := in[2*prev+off], in[2*k+off]
			t := (c - pv) / (cv - pv)
			x := in[2*prev] + t*(in[2*k]-in[2*prev])
			y := in[2*prev+1] + t*(in[2*k+1]-in[2*prev+1])
			if useY {
				y = c
			} else {
				x = c
			}
			out = append(out, x, y)
		}
		if curIn {
			out = append(out, in[2*k], in[2*k+1])
		}
		prev, prevIn = k, curIn
	}
	return out
}
