package geo

import (
	"fmt"
	"math"

	"github.com/uber/h3-go/v4"
)

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
