package geo

import (
	"fmt"
	"math"

	"github.com/uber/h3-go/v4"
)

// H3 in the plane of an icosahedron face.
//
// H3 defines its cells face by face: a point belongs to the icosahedron face
// whose centre is nearest, is projected gnomonically onto the plane tangent
// to the sphere at that centre, and falls in a hexagon of a regular lattice of
// that plane, scaled by √7 per resolution (and turned by asin(√(3/28)) at the
// odd, Class III, resolutions). An h3Grid reproduces that geometry in Go, so
// that the Spreader can cut squares by hexagons without a call to the C
// library per corner or outline; only the H3 index of a hexagon needs the
// library's base-cell tables, and those are learnt from the library itself
// (see h3Grid.cell). Tests check every step against h3-go.

// h3FaceDefs holds, for each of the 20 icosahedron faces, its centre as a unit
// vector (x, y, z) and the azimuth (radians, clockwise from north) of its
// Class II i-axis: the values of faceCenterPoint and faceAxesAzRadsCII[f][0]
// in H3 v4.5.0 (src/h3lib/lib/faceijk.c, Apache License 2.0), the library
// h3-go v4.5.0 links. It is read-only.
var h3FaceDefs = [20][4]float64{
	{0.2199307791404606, 0.6583691780274996, 0.7198475378926182, 5.619958268523939882},
	{-0.2139234834501421, 0.1478171829550703, 0.9656017935214205, 5.760339081714187279},
	{0.1092625278784797, -0.4811951572873210, 0.8697775121287253, 0.780213654393430055},
	{0.7428567301586791, -0.3593941678278028, 0.5648005936517033, 0.430469363979999913},
	{0.8112534709140969, 0.3448953237639384, 0.4721387736413930, 6.130269123335111400},
	{-0.1055498149613921, 0.9794457296411413, 0.1718874610009365, 2.692877706530642877},
	{-0.8075407579970092, 0.1533552485898818, 0.5695261994882688, 2.982963003477243874},
	{-0.2846148069787907, -0.8644080972654206, 0.4144792552473539, 3.532912002790141181},
	{0.7405621473854482, -0.6673299564565524, -0.0789837646326737, 3.494305004259568154},
	{0.8512303986474293, 0.4722343788582681, -0.2289137388687808, 3.003214169499538391},
	{-0.7405621473854481, 0.6673299564565524, 0.0789837646326737, 5.930472956509811562},
	{-0.8512303986474292, -0.4722343788582682, 0.2289137388687808, 0.138378484090254847},
	{0.1055498149613919, -0.9794457296411413, -0.1718874610009365, 0.448714947059150361},
	{0.8075407579970092, -0.1533552485898819, -0.5695261994882688, 0.158629650112549365},
	{0.2846148069787908, 0.8644080972654204, -0.4144792552473539, 5.891865957979238535},
	{-0.7428567301586791, 0.3593941678278027, -0.5648005936517033, 2.711123289609793325},
	{-0.8112534709140971, -0.3448953237639382, -0.4721387736413930, 3.294508837434268316},
	{-0.2199307791404607, -0.6583691780274996, -0.7198475378926182, 3.804819692245439833},
	{0.2139234834501420, -0.1478171829550704, -0.9656017935214205, 3.664438879055192436},
	{-0.1092625278784796, 0.4811951572873210, -0.8697775121287253, 2.361378999196363184},
}

// H3's constants (src/h3lib/include/constants.h).
const (
	h3Res0UGnomonic = 0.38196601125010500003 // gnomonic length of a resolution-0 unit
	h3Ap7Rot        = 0.333473172251832115336090755351601070065900389
	h3Sqrt7         = 2.6457513110645905905016157536392604257102
	sqrt3Half       = 0.8660254037844386467637231707529361834714
)

type vec3 struct{ x, y, z float64 }

func (a vec3) dot(b vec3) float64 { return a.x*b.x + a.y*b.y + a.z*b.z }

func (a vec3) add(s float64, b vec3) vec3 { return vec3{a.x + s*b.x, a.y + s*b.y, a.z + s*b.z} }

func (a vec3) cross(b vec3) vec3 {
	return vec3{a.y*b.z - a.z*b.y, a.z*b.x - a.x*b.z, a.x*b.y - a.y*b.x}
}

func (a vec3) unit() vec3 {
	n := math.Sqrt(a.dot(a))
	return vec3{a.x / n, a.y / n, a.z / n}
}

// unitVec returns the unit vector of a geographic latitude and longitude
// (radians), read as spherical coordinates as H3 does.
func unitVec(lat, lon float64) vec3 {
	sl, cl := math.Sincos(lat)
	so, co := math.Sincos(lon)
	return vec3{cl * co, cl * so, sl}
}

// h3Plane is one face's hex2d frame: x = scale·(p·ex)/(p·c) and
// y = scale·(p·ey)/(p·c) for a unit vector p (the gnomonic projection from
// the centre c, in the frame of the face's i-axis at this resolution).
type h3Plane struct {
	c, ex, ey vec3
	nb        [3]vec3 // unit normals of the planes between this face and its three neighbours, towards this face
}

// h3BaseState says how hexagons whose resolution-0 ancestor is at one
// (face, ijk) position get their H3 index.
type h3BaseState int8

const (
	h3BaseUnknown h3BaseState = iota // not met yet
	h3BaseKnown                      // template and rotation learnt
	h3BaseAsk                        // ask the library for every cell (pentagon base cells)
)

type h3Base struct {
	state h3BaseState
	rot   int8    // 60° counter-clockwise turns from the face's frame to the base cell's
	tmpl  h3.Cell // a cell of the base cell at the grid's resolution: mode, resolution and base cell bits
}

// h3Grid is H3 at one resolution in the planes of the 20 faces. The lattice
// of hexagon centres is x = i − j/2, y = j·√3/2 (integers i, j: H3's ijk with
// k = 0), with unit spacing; each hexagon is the set of points nearer its
// centre than any other. An h3Grid is not safe for concurrent use (it learns
// base cells as it goes).
type h3Grid struct {
	res    int
	scale  float64 // hex2d units per unit of the gnomonic plane
	planes [20]h3Plane
	base   [20 * 27]h3Base
	last   *h3Base // the base position cellSlow used last
	anc    []h3Anc // direct-mapped, a power-of-two size (see sizeMemo)
	ancSh  uint
	asked  int // calls to h3.LatLngToCell made to learn base cells or index cells
}

func newH3Grid(res int) *h3Grid {
	g := &h3Grid{res: res, scale: 1 / h3Res0UGnomonic}
	g.sizeMemo(0)
	for range res {
		g.scale *= h3Sqrt7
	}
	for f, d := range h3FaceDefs {
		c := vec3{d[0], d[1], d[2]}
		north := vec3{0, 0, 1}.add(-c.z, c).unit()
		east := north.cross(c)
		az := d[3]
		if res%2 == 1 {
			az -= h3Ap7Rot
		}
		sa, ca := math.Sincos(az)
		pl := &g.planes[f]
		pl.c = c
		pl.ex = vec3{ca*north.x + sa*east.x, ca*north.y + sa*east.y, ca*north.z + sa*east.z}
		pl.ey = vec3{sa*north.x - ca*east.x, sa*north.y - ca*east.y, sa*north.z - ca*east.z}
		// The three neighbours: the nearest other centres.
		var nb [3]int
		var nd [3]float64
		for k := range nd {
			nd[k] = -2
		}
		for h, e := range h3FaceDefs {
			if h == f {
				continue
			}
			dd := c.dot(vec3{e[0], e[1], e[2]})
			for k := range nd {
				if dd > nd[k] {
					copy(nd[k+1:], nd[k:2])
					copy(nb[k+1:], nb[k:2])
					nd[k], nb[k] = dd, h
					break
				}
			}
		}
		for k, h := range nb {
			e := h3FaceDefs[h]
			pl.nb[k] = c.add(-1, vec3{e[0], e[1], e[2]}).unit()
		}
	}
	return g
}

// project returns the face of unit vector p (the face whose centre is
// nearest, as H3 chooses it), p's hex2d coordinates in that face's frame, and
// the sine of p's angular distance to the nearest edge of the face.
func (g *h3Grid) project(p vec3) (face int, x, y, edge float64) {
	best := math.Inf(-1)
	for f := range g.planes {
		if d := p.dot(g.planes[f].c); d > best {
			best, face = d, f
		}
	}
	pl := &g.planes[face]
	k := g.scale / best
	edge = math.Inf(1)
	for _, n := range pl.nb {
		edge = min(edge, p.dot(n))
	}
	return face, k * p.dot(pl.ex), k * p.dot(pl.ey), edge
}

// point returns the unit vector of hex2d point (x, y) of a face.
func (g *h3Grid) point(face int, x, y float64) vec3 {
	pl := &g.planes[face]
	return pl.c.add(x/g.scale, pl.ex).add(y/g.scale, pl.ey).unit()
}

// latLng returns the latitude and longitude (degrees) of hex2d point (x, y)
// of a face.
func (g *h3Grid) latLng(face int, x, y float64) h3.LatLng {
	// The point on the tangent plane: the angles need no normalisation.
	pl := &g.planes[face]
	p := pl.c.add(x/g.scale, pl.ex).add(y/g.scale, pl.ey)
	return h3.LatLng{
		Lat: math.Atan2(p.z, math.Sqrt(p.x*p.x+p.y*p.y)) * (180 / math.Pi),
		Lng: math.Atan2(p.y, p.x) * (180 / math.Pi),
	}
}

// hexCentre returns the hex2d centre of lattice hexagon (i, j).
func hexCentre(i, j int32) (x, y float64) {
	return float64(i) - 0.5*float64(j), float64(j) * sqrt3Half
}

// hexOf returns the lattice hexagon whose centre is nearest (x, y) (cube
// rounding).
func hexOf(x, y float64) (i, j int32) {
	// Axial coordinates on the 60° basis (1, 0), (1/2, √3/2): q = i − j,
	// r = j; s = −q − r completes the cube coordinates.
	fr := y / sqrt3Half
	fq := x + 0.5*fr - fr
	fs := -fq - fr
	q, r, s := math.Round(fq), math.Round(fr), math.Round(fs)
	dq, dr, ds := math.Abs(q-fq), math.Abs(r-fr), math.Abs(s-fs)
	switch {
	case dq > dr && dq > ds:
		q = -r - s
	case dr > ds:
		r = -q - s
	}
	return int32(q + r), int32(r)
}

// ijk is H3's CoordIJK.
type ijk struct{ i, j, k int32 }

func (c *ijk) normalize() {
	if c.i < 0 {
		c.j -= c.i
		c.k -= c.i
		c.i = 0
	}
	if c.j < 0 {
		c.i -= c.j
		c.k -= c.j
		c.j = 0
	}
	if c.k < 0 {
		c.i -= c.k
		c.j -= c.k
		c.k = 0
	}
	m := min(c.i, c.j, c.k)
	c.i, c.j, c.k = c.i-m, c.j-m, c.k-m
}

// h3RotCCW turns an H3 digit by 60° counter-clockwise (H3's _rotate60ccw).
var h3RotCCW = [8]uint64{0, 5, 3, 1, 6, 4, 2, 7}

// cell returns the H3 index of lattice hexagon (i, j) of a face. It follows
// H3's _faceIjkToH3: the digits come from walking up the aperture-7
// hierarchy to the resolution-0 ancestor, whose (face, ijk) position names a
// base cell and the turns between the face's frame and the base cell's. That
// table is not copied from H3: the first time a position is met, the library
// is asked for the cell of the hexagon's centre, and the base cell and turns
// are read off its answer; positions whose base cell is a pentagon (the
// twelve around the icosahedron's vertices, which have their own digit rules)
// are always asked.
func (g *h3Grid) cell(face int, i, j int32) (h3.Cell, error) {
	c := axial{i, j}
	// The last two digits, then the memo of the ancestor two levels up
	// (49 hexagons share it).
	var low uint64
	if g.res >= 3 {
		for r := g.res - 1; r >= g.res-2; r-- {
			p, digit, ok := c.parent(r + 1)
			if !ok {
				return g.ask(face, i, j)
			}
			low |= digit << (3 * (15 - (r + 1)))
			c = p
		}
		key := 1<<63 | uint64(face)<<48 | uint64(uint16(c.i))<<16 | uint64(uint16(c.j))
		m := &g.anc[(key*0x9E3779B97F4A7C15)>>g.ancSh]
		if m.key == key {
			return m.prefix | h3.Cell(rotDigits(low, g.res, int(m.rot))), nil
		}
		x, err := g.cellSlow(face, i, j)
		if err != nil {
			return 0, err
		}
		if b := g.last; b != nil && b.state == h3BaseKnown && c.i == int32(int16(c.i)) && c.j == int32(int16(c.j)) {
			*m = h3Anc{key: key, rot: b.rot, prefix: x &^ h3.Cell(h3DigitMask(g.res)&^h3DigitMask(g.res-2))}
		}
		return x, nil
	}
	return g.cellSlow(face, i, j)
}

// h3AncBits bounds the size of the direct-mapped memo of the ancestors two
// levels up (1<<h3AncBits slots at most; 49 hexagons share an ancestor).
const h3AncBits = 12

// sizeMemo sizes the ancestor memo for about n hexagons: it only grows.
func (g *h3Grid) sizeMemo(n int) {
	bits := uint(6)
	for bits < h3AncBits && 1<<bits < n/8 {
		bits++
	}
	if len(g.anc) < 1<<bits {
		g.anc, g.ancSh = make([]h3Anc, 1<<bits), 64-bits
	}
}

// h3Anc memoises, for the ancestor two levels up of hexagons, their index
// without the last two digits and the turns of their base cell.
type h3Anc struct {
	key    uint64 // 0 for an empty slot
	prefix h3.Cell
	rot    int8
}

// axial is a lattice position (i, j): H3's ijk with k = 0, either sign.
type axial struct{ i, j int32 }

// round7 returns n/7 rounded to the nearest integer (n/7 is never
// a half-integer), as H3's lround((double)n * M_ONESEVENTH).
func round7(n int32) int32 {
	n += 3
	q := n / 7
	if n%7 < 0 {
		q--
	}
	return q
}

// axialDigit maps a unit step (di+1)*3 + (dj+1) to its H3 digit, 7 for
// none.
var axialDigit = [9]uint64{
	1, 3, 7, // (−1,−1) = k, (−1,0) = jk, (−1,1): none
	5, 0, 2, // (0,−1) = ik, (0,0) = centre, (0,1) = j
	7, 4, 6, // (1,−1): none, (1,0) = i, (1,1) = ij
}

// parent returns the parent of c (of resolution res) and the digit of c in
// it, as H3's _faceIjkToH3 does (up and down the aperture-7 hierarchy, in
// axial form: the normalisations H3 does between steps only change the
// representation); ok is false if the digit is not a unit step (which does
// not happen for a valid lattice position).
func (c axial) parent(res int) (p axial, digit uint64, ok bool) {
	var d axial
	if res%2 == 1 { // Class III: counter-clockwise
		p = axial{round7(3*c.i - c.j), round7(c.i + 2*c.j)}
		d = axial{2*p.i + p.j, 3*p.j - p.i}
	} else {
		p = axial{round7(2*c.i + c.j), round7(3*c.j - c.i)}
		d = axial{3*p.i - p.j, p.i + 2*p.j}
	}
	di, dj := c.i-d.i, c.j-d.j
	if di < -1 || di > 1 || dj < -1 || dj > 1 {
		return p, 0, false
	}
	digit = axialDigit[(di+1)*3+dj+1]
	return p, digit, digit != 7
}

// cellSlow is cell without the ancestor memo; it leaves in g.last the base
// position it used (nil if none).
func (g *h3Grid) cellSlow(face int, i, j int32) (h3.Cell, error) {
	g.last = nil
	c := axial{i, j}
	var digits uint64 // digit r at bits 3·(15−r), as in the index
	nonzero := false
	for r := g.res - 1; r >= 0; r-- {
		p, digit, ok := c.parent(r + 1)
		if !ok {
			return g.ask(face, i, j)
		}
		nonzero = nonzero || digit != 0
		digits |= digit << (3 * (15 - (r + 1)))
		c = p
	}
	b0 := ijk{c.i, c.j, 0}
	b0.normalize()
	if b0.i > 2 || b0.j > 2 || b0.k > 2 {
		return g.ask(face, i, j)
	}
	b := &g.base[face*27+int(b0.i)*9+int(b0.j)*3+int(b0.k)]
	g.last = b
	switch b.state {
	case h3BaseAsk:
		return g.ask(face, i, j)
	case h3BaseKnown:
		return b.tmpl | h3.Cell(rotDigits(digits, g.res, int(b.rot))), nil
	}
	x, err := g.ask(face, i, j)
	if err != nil || !nonzero {
		return x, err // all-zero digits cannot show the turns: learn later
	}
	if bc, err := x.Parent(0); err != nil || bc.IsPentagon() {
		b.state = h3BaseAsk
		return x, nil
	}
	mask := h3DigitMask(g.res)
	b.state = h3BaseAsk
	for rot := range 6 {
		if uint64(x)&mask == rotDigits(digits, g.res, rot) {
			*b = h3Base{state: h3BaseKnown, rot: int8(rot), tmpl: h3.Cell(uint64(x) &^ mask)}
			break
		}
	}
	return x, nil
}

// ask returns the H3 index of hexagon (i, j) of a face from the library, by
// the cell of its centre.
func (g *h3Grid) ask(face int, i, j int32) (h3.Cell, error) {
	g.asked++
	x, y := hexCentre(i, j)
	c, err := h3.LatLngToCell(g.latLng(face, x, y), g.res)
	if err != nil {
		return 0, fmt.Errorf("geo: H3 cell of face %d hexagon (%d, %d): %w", face, i, j, err)
	}
	return c, nil
}

// h3DigitMask returns the bits of the digits 1..res of an index.
func h3DigitMask(res int) uint64 {
	var m uint64
	for r := 1; r <= res; r++ {
		m |= 7 << (3 * (15 - r))
	}
	return m
}

// rotDigits turns digits 1..res of an index by rot × 60° counter-clockwise.
func rotDigits(digits uint64, res, rot int) uint64 {
	if rot == 0 {
		return digits
	}
	var out uint64
	for r := 1; r <= res; r++ {
		sh := 3 * (15 - r)
		d := (digits >> sh) & 7
		for range rot {
			d = h3RotCCW[d]
		}
		out |= d << sh
	}
	return out
}
