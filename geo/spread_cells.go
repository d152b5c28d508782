package geo

import (
	"fmt"
	"math"
	"slices"

	"github.com/uber/h3-go/v4"
)

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
