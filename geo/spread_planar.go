package geo

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// The Spreader's main path works in the hex2d plane of an icosahedron face
// (see h3Grid), where H3's cells are exact hexagons of a unit lattice: a
// square's corners are projected there, the square becomes a quadrilateral,
// and the hexagons overlapping it are enumerated and clipped against it with
// no call to the H3 library. See the package documentation for the accuracy.

// planarMaxSize is the largest square side (metres) spread in the plane: the
// square's edges, straight in EPSG:3035, are taken as straight in the face's
// plane too, which departs from them by about 0.5 mm over 200 m and 13 mm
// over 1 km (see the package doc). Larger squares go the EPSG:3035 way.
const planarMaxSize = 1000

// h3EarthRadius is H3's sphere radius (EARTH_RADIUS_KM), metres.
const h3EarthRadius = 6371007.180918475

// planarCorner is a grid corner projected onto a face's plane.
type planarCorner struct {
	e      int32
	face   int8
	x, y   float64 // hex2d coordinates
	sinLat float64 // sine of the geodetic latitude
	edge   float64 // sine of the angular distance to the face's nearest edge
}

// planarMemoBits bounds the size of the direct-mapped memo from (face,
// hexagon) to record: 1<<planarMemoBits slots at most (256 KiB), fewer for
// small grids, whose Spreaders would otherwise spend more clearing it than
// using it.
const planarMemoBits = 14

// sizeMemos sizes the memos for a call spreading n squares: they only grow.
func (s *Spreader) sizeMemos(n int) {
	bits := uint(8)
	for bits < planarMemoBits && 1<<bits < 2*n {
		bits++
	}
	if len(s.memo) < 1<<bits {
		s.memo, s.memoShift = make([]planarMemo, 1<<bits), 64-bits
	}
	s.grid.sizeMemo(n)
}

type planarMemo struct {
	key uint64 // 0 for an empty slot
	rec int32
}

// pcorner returns grid corner (e, n) projected, from the sorted row list
// (from cursor *k) or memo, computing it otherwise; a corner computed is
// appended to the list when that keeps it sorted, and kept in memo.
func (s *Spreader) pcorner(list *[]planarCorner, k *int, memo *planarCorner, e, n int32) (planarCorner, error) {
	l := *list
	if *k > 0 && l[*k-1].e >= e {
		*k, _ = slices.BinarySearchFunc(l, e, func(c planarCorner, e int32) int { return cmp.Compare(c.e, e) })
	}
	for *k < len(l) && l[*k].e < e {
		*k++
	}
	if *k < len(l) && l[*k].e == e {
		return l[*k], nil
	}
	if memo != nil && memo.e == e && memo.face >= 0 {
		return *memo, nil
	}
	if !laeaInDomain(float64(e), float64(n)) {
		return planarCorner{}, fmt.Errorf("%w: corner E%d N%d outside the projection's domain", ErrSquare, e, n)
	}
	p := laeaInverseVec(float64(e), float64(n))
	if math.IsNaN(p.x) || math.IsNaN(p.y) || math.IsNaN(p.z) {
		return planarCorner{}, fmt.Errorf("%w: corner E%d N%d outside the projection's domain", ErrSquare, e, n)
	}
	face, x, y, edge := s.grid.project(p)
	c := planarCorner{e: e, face: int8(face), x: x, y: y, sinLat: p.z, edge: edge}
	if *k == len(l) {
		*list = append(l, c)
		*k = len(*list) - 1
	}
	if memo != nil {
		*memo = c
	}
	return c, nil
}

// planarRecord returns the record of hexagon (i, j) of a face.
func (s *Spreader) planarRecord(face int, i, j int32) (int32, error) {
	key := uint64(face+1)<<56 | (uint64(uint32(i))&0xFFFFFFF)<<28 | uint64(uint32(j))&0xFFFFFFF
	m := &s.memo[(key*0x9E3779B97F4A7C15)>>s.memoShift]
	if m.key == key {
		return m.rec, nil
	}
	c, err := s.grid.cell(face, i, j)
	if err != nil {
		return -1, err
	}
	// A new record, not looked up in the cell table: a hexagon's record is
	// found again through the memo; one forgotten there, or met on the
	// EPSG:3035 path too, gets a second record (see Spreader).
	r := s.cells.add(spreadCell{cell: c, geom: -1, face: int8(face + 1), i: i, j: j})
	*m = planarMemo{key: key, rec: r}
	return r, nil
}

// Center returns the WGS84 centre {lon, lat} of the cell of record r.
func (s *Spreader) Center(r int32) (orb.Point, error) {
	c := s.cells.at(r)
	if c.face > 0 {
		x, y := hexCentre(c.i, c.j)
		return FromLatLng(s.grid.latLng(int(c.face-1), x, y)), nil
	}
	g, err := h3.CellToLatLng(c.cell)
	if err != nil {
		return orb.Point{}, fmt.Errorf("geo: centre of cell %v: %w", c.cell, err)
	}
	return FromLatLng(g), nil
}

// hexSlabs are the unit normals of a lattice hexagon's three pairs of
// opposite edges (each at distance 1/2 from the centre).
var hexSlabs = [3][2]float64{{1, 0}, {0.5, sqrt3Half}, {-0.5, sqrt3Half}}

// planar spreads square i (side metres) whose corners c00, c10, c01, c11 lie
// on one face, away from its edges.
func (s *Spreader) planar(i int, side float64, c [4]planarCorner, fn func(int, int32, float64)) error {
	face := int(c[0].face)
	// All four corners in one hexagon: the hexagon is convex, so it holds
	// the whole square.
	hi, hj := hexOf(c[0].x, c[0].y)
	whole := true
	for _, k := range c[1:] {
		if ki, kj := hexOf(k.x, k.y); ki != hi || kj != hj {
			whole = false
			break
		}
	}
	if whole {
		r, err := s.planarRecord(face, hi, hj)
		if err != nil {
			return err
		}
		s.stats.Whole++
		fn(i, r, 1)
		return nil
	}
	// The quadrilateral, counter-clockwise, relative to its centre.
	x0 := (c[0].x + c[1].x + c[2].x + c[3].x) / 4
	y0 := (c[0].y + c[1].y + c[2].y + c[3].y) / 4
	quad := [8]float64{c[0].x - x0, c[0].y - y0, c[1].x - x0, c[1].y - y0,
		c[3].x - x0, c[3].y - y0, c[2].x - x0, c[2].y - y0}
	// The true area of a piece is its hex2d area times J, the ratio of
	// ellipsoidal to hex2d area, which varies by ~1e-4 across a square:
	// J ∝ (1 + ρ²)^(−3/2) (the gnomonic projection, ρ the distance to the
	// face centre in gnomonic units) × M·N(φ) (H3 takes geodetic latitude
	// and longitude as spherical). Weighting each piece by
	// 1 + ∇ln J · (centroid − centre) leaves an error of order (side/R)².
	sg := s.grid.scale
	rr := sg*sg + x0*x0 + y0*y0
	gx, gy := -3*x0/rr, -3*y0/rr
	ax, ay := c[1].x-c[0].x, c[1].y-c[0].y
	bx, by := c[2].x-c[0].x, c[2].y-c[0].y
	if det := ax*by - ay*bx; det != 0 {
		// ∇φ from the corners' latitudes, to first order: dφ = d(sin φ)/cos φ.
		sp := c[0].sinLat
		cp := math.Sqrt(1 - sp*sp)
		da, db := (c[1].sinLat-sp)/cp, (c[2].sinLat-sp)/cp
		dMN := 4 * laeaE2 * sp * cp / (1 - laeaE2*sp*sp) // d ln(M·N) / dφ
		gx += dMN * (da*by - ay*db) / det
		gy += dMN * (ax*db - da*bx) / det
	}
	// The quad's extent along each slab normal.
	var lo, hi3 [3]float64
	for k, u := range hexSlabs {
		lo[k], hi3[k] = math.Inf(1), math.Inf(-1)
		for m := range 4 {
			v := u[0]*quad[2*m] + u[1]*quad[2*m+1]
			lo[k], hi3[k] = min(lo[k], v), max(hi3[k], v)
		}
	}
	// The quad's outward edge normals n, their offsets n·p and the
	// hexagon's half-extent along them (a regular hexagon is the Minkowski
	// sum of its three edge directions, each 1/√3 long).
	var en [4][3]float64 // nx, ny, offset
	var eh [4]float64
	orient := 1.0
	if (quad[2]-quad[0])*(quad[7]-quad[1])-(quad[3]-quad[1])*(quad[6]-quad[0]) < 0 {
		orient = -1
	}
	for m := range 4 {
		k := (m + 1) % 4
		dx, dy := quad[2*k]-quad[2*m], quad[2*k+1]-quad[2*m+1]
		l := math.Sqrt(dx*dx + dy*dy)
		nx, ny := orient*dy/l, -orient*dx/l
		en[m] = [3]float64{nx, ny, nx*quad[2*m] + ny*quad[2*m+1]}
		for _, u := range hexSlabs {
			eh[m] += math.Abs(-nx*u[1] + ny*u[0])
		}
		eh[m] /= 2 * math.Sqrt(3)
	}
	minX, maxX := min(quad[0], quad[2], quad[4], quad[6]), max(quad[0], quad[2], quad[4], quad[6])
	minY, maxY := min(quad[1], quad[3], quad[5], quad[7]), max(quad[1], quad[3], quad[5], quad[7])
	const circum = 0.5773502691896258 // 1/√3, the hexagon's circumradius
	j0 := int32(math.Ceil((y0 + minY - circum) / sqrt3Half))
	j1 := int32(math.Floor((y0 + maxY + circum) / sqrt3Half))
	s.cand, s.area = s.cand[:0], s.area[:0]
	total := 0.0
	for j := j0; j <= j1; j++ {
		i0 := int32(math.Ceil(x0 + minX - 0.5 + 0.5*float64(j)))
		i1 := int32(math.Floor(x0 + maxX + 0.5 + 0.5*float64(j)))
	hexes:
		for ii := i0; ii <= i1; ii++ {
			cx, cy := hexCentre(ii, j)
			cx, cy = cx-x0, cy-y0
			within := true // the hexagon inside the quad
			for m, n := range en {
				v := n[0]*cx + n[1]*cy
				if v-eh[m] >= n[2] {
					continue hexes // separated by this edge's line
				}
				within = within && v+eh[m] <= n[2]
			}
			if within {
				w := math.Sqrt(3) / 2 * (1 + gx*cx + gy*cy)
				r, err := s.planarRecord(face, ii, j)
				if err != nil {
					return err
				}
				s.cand, s.area = append(s.cand, r), append(s.area, w)
				total += w
				continue
			}
			poly := s.bufA[:0]
			poly = append(poly, quad[:]...)
			out, inside := false, true
			for k, u := range hexSlabs {
				cu := u[0]*cx + u[1]*cy
				if hi3[k] <= cu-0.5 || lo[k] >= cu+0.5 {
					out = true
					break
				}
				if hi3[k] > cu+0.5 {
					inside = false
					poly = planarClip(s.bufB[:0], poly, u[0], u[1], cu+0.5)
					copy(s.bufA[:len(poly)], poly)
					poly = s.bufA[:len(poly)]
				}
				if lo[k] < cu-0.5 {
					inside = false
					poly = planarClip(s.bufB[:0], poly, -u[0], -u[1], 0.5-cu)
					copy(s.bufA[:len(poly)], poly)
					poly = s.bufA[:len(poly)]
				}
			}
			if out {
				continue
			}
			if inside { // the hexagon holds the square (corners on its edges)
				r, err := s.planarRecord(face, ii, j)
				if err != nil {
					return err
				}
				s.stats.Whole++
				fn(i, r, 1)
				return nil
			}
			a, mx, my := planarAreaCentroid(poly)
			if a <= 0 {
				continue
			}
			w := a * (1 + gx*mx + gy*my)
			r, err := s.planarRecord(face, ii, j)
			if err != nil {
				return err
			}
			s.cand, s.area = append(s.cand, r), append(s.area, w)
			total += w
		}
	}
	s.stats.Planar++
	return s.emit(i, total, fn)
}

// emit calls fn for the candidates of square i with positive weight, with
// fractions weight/total summing to 1 (the last is 1 minus the others).
func (s *Spreader) emit(i int, total float64, fn func(int, int32, float64)) error {
	if total <= 0 {
		return fmt.Errorf("%w: square %d overlaps no cell", ErrSquare, i)
	}
	last := -1
	for j, a := range s.area {
		if a > 0 {
			last = j
		}
	}
	rest := 1.0
	for j, a := range s.area {
		switch {
		case a <= 0:
		case j == last:
			fn(i, s.cand[j], max(rest, 0))
		default:
			f := a / total
			rest -= f
			fn(i, s.cand[j], f)
		}
	}
	return nil
}

// planarClip clips polygon in (flat x, y pairs) by the half-plane
// a·x + b·y ≤ d and appends the result to out.
func planarClip(out, in []float64, a, b, d float64) []float64 {
	n := len(in) / 2
	if n == 0 {
		return out
	}
	prev := n - 1
	pv := a*in[2*prev] + b*in[2*prev+1] - d
	for k := range n {
		cv := a*in[2*k] + b*in[2*k+1] - d
		if (cv <= 0) != (pv <= 0) {
			t := pv / (pv - cv)
			out = append(out, in[2*prev]+t*(in[2*k]-in[2*prev]), in[2*prev+1]+t*(in[2*k+1]-in[2*prev+1]))
		}
		if cv <= 0 {
			out = append(out, in[2*k], in[2*k+1])
		}
		prev, pv = k, cv
	}
	return out
}

// planarAreaCentroid returns the area and centroid of a polygon (flat x, y
// pairs, either orientation).
func planarAreaCentroid(p []float64) (a, cx, cy float64) {
	n := len(p) / 2
	if n < 3 {
		return 0, 0, 0
	}
	for k := range n {
		j := k + 1
		if j == n {
			j = 0
		}
		cr := p[2*k]*p[2*j+1] - p[2*j]*p[2*k+1]
		a += cr
		cx += (p[2*k] + p[2*j]) * cr
		cy += (p[2*k+1] + p[2*j+1]) * cr
	}
	if a == 0 {
		return 0, 0, 0
	}
	cx, cy = cx/(3*a), cy/(3*a)
	return math.Abs(a) / 2, cx, cy
}
