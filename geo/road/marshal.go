package road

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// ErrCorrupt is wrapped by UnmarshalGraph errors on data that is not a valid
// encoded graph (truncated, wrong version, inconsistent arrays, bad checksum).
var ErrCorrupt = errors.New("road: corrupt encoded graph")

const (
	magic         = "MLGRAPH\x00"
	formatVersion = 2
)

// MarshalBinary encodes the graph as it is held, so that loading it is
// reading arrays (only the adjacency index, a counting sort over the edge
// ends, is recomputed): a versioned header, the junctions, the edges, the
// shape points, the speed classes and every network's edge costs,
// little-endian, followed by a CRC-32 of everything before it.
func (g *Graph) MarshalBinary() ([]byte, error) {
	nj, ne, ns := len(g.lat), len(g.ea), len(g.slat)
	P := len(g.nets)
	size := 8 + 24 + 8*nj + 12*ne + 4 + 8*ns + 2*ne + 4*len(g.classes) + 4
	for _, net := range g.nets {
		size += 2 + len(net.name) + 24 + 8*ne
	}
	b := make([]byte, 0, size)
	le := binary.LittleEndian
	b = append(b, magic...)
	for _, v := range []int{formatVersion, nj, ne, ns, len(g.classes), P} {
		b = le.AppendUint32(b, uint32(v))
	}
	for _, a := range [][]int32{g.lat, g.lon} {
		for _, v := range a {
			b = le.AppendUint32(b, uint32(v))
		}
	}
	for _, a := range [][]uint32{g.ea, g.eb, g.shapeFirst} {
		for _, v := range a {
			b = le.AppendUint32(b, v)
		}
	}
	for _, a := range [][]int32{g.slat, g.slon} {
		for _, v := range a {
			b = le.AppendUint32(b, uint32(v))
		}
	}
	for _, v := range g.class {
		b = le.AppendUint16(b, v)
	}
	for _, v := range g.classes {
		b = le.AppendUint32(b, math.Float32bits(v))
	}
	for _, net := range g.nets {
		if len(net.name) > 255 {
			return nil, fmt.Errorf("road: network name %q too long", net.name)
		}
		b = le.AppendUint16(b, uint16(len(net.name)))
		b = append(b, net.name...)
		b = le.AppendUint64(b, math.Float64bits(net.refKmh))
		b = le.AppendUint64(b, math.Float64bits(net.maxKmh))
		b = le.AppendUint64(b, uint64(net.arcs))
		for _, v := range net.cost {
			b = le.AppendUint32(b, v)
		}
	}
	b = le.AppendUint32(b, crc32.ChecksumIEEE(b))
	return b, nil
}

// decoder reads little-endian values, remembering the first shortage.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) take(k int) []byte {
	if d.err != nil {
		return nil
	}
	if k < 0 || k > len(d.b) {
		d.err = fmt.Errorf("%w: truncated (need %d bytes, have %d)", ErrCorrupt, k, len(d.b))
		return nil
	}
	out := d.b[:k]
	d.b = d.b[k:]
	return out
}

func (d *decoder) u32() uint32 {
	if p := d.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (d *decoder) u32s(k int) []uint32 {
	if k < 0 || uint64(k)*4 > uint64(len(d.b)) {
		d.take(len(d.b) + 1)
		return nil
	}
	p := d.take(4 * k)
	if p == nil && k > 0 {
		return nil
	}
	out := make([]uint32, k)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(p[4*i:])
	}
	return out
}

// UnmarshalGraph decodes a graph encoded by MarshalBinary. Any defect gives
// an error wrapping ErrCorrupt; it never panics on bad input.
func UnmarshalGraph(data []byte) (*Graph, error) {
	if len(data) < 8+24+4 {
		return nil, fmt.Errorf("%w: %d bytes is too short", ErrCorrupt, len(data))
	}
	if string(data[:8]) != magic {
		return nil, fmt.Errorf("%w: bad magic %q", ErrCorrupt, data[:8])
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	d := &decoder{b: body[8:]}
	if v := d.u32(); v != formatVersion {
		return nil, fmt.Errorf("%w: format version %d, want %d (re-run ingest with this version)", ErrCorrupt, v, formatVersion)
	}
	nj, ne, ns, ncl, P := int(d.u32()), int(d.u32()), int(d.u32()), int(d.u32()), int(d.u32())
	if P < 1 || P > 8 || ncl%(2*P) != 0 {
		return nil, fmt.Errorf("%w: %d networks, %d class speeds", ErrCorrupt, P, ncl)
	}
	g := &Graph{}
	i32 := func(k int) []int32 {
		if k < 0 || uint64(k)*4 > uint64(len(d.b)) {
			d.take(len(d.b) + 1)
			return nil
		}
		p := d.take(4 * k)
		if p == nil {
			return nil
		}
		out := make([]int32, k)
		for i := range out {
			out[i] = int32(binary.LittleEndian.Uint32(p[4*i:]))
		}
		return out
	}
	g.lat, g.lon = i32(nj), i32(nj)
	g.ea, g.eb, g.shapeFirst = d.u32s(ne), d.u32s(ne), d.u32s(ne+1)
	g.slat, g.slon = i32(ns), i32(ns)
	if p := d.take(2 * ne); p != nil {
		g.class = make([]uint16, ne)
		for i := range g.class {
			g.class[i] = binary.LittleEndian.Uint16(p[2*i:])
		}
	}
	cls := d.u32s(ncl)
	if d.err != nil {
		return nil, d.err
	}
	g.classes = make([]float32, ncl)
	for i, v := range cls {
		f := math.Float32frombits(v)
		if !(f >= 0 && f < 1000) {
			return nil, fmt.Errorf("%w: speed %v km/h", ErrCorrupt, f)
		}
		g.classes[i] = f
	}
	inRange := func(lat, lon []int32) error {
		for i := range lat {
			if lat[i] < -90*coordScale || lat[i] > 90*coordScale || lon[i] < -180*coordScale || lon[i] > 180*coordScale {
				return fmt.Errorf("%w: node %d at lat %d lon %d", ErrCorrupt, i, lat[i], lon[i])
			}
		}
		return nil
	}
	if err := inRange(g.lat, g.lon); err != nil {
		return nil, err
	}
	if err := inRange(g.slat, g.slon); err != nil {
		return nil, err
	}
	for e := range ne {
		if int(g.ea[e]) >= nj || int(g.eb[e]) >= nj {
			return nil, fmt.Errorf("%w: edge %d joins junctions %d and %d of %d", ErrCorrupt, e, g.ea[e], g.eb[e], nj)
		}
		if int(g.class[e])*2*P >= ncl {
			return nil, fmt.Errorf("%w: edge %d has speed class %d of %d", ErrCorrupt, e, g.class[e], ncl/(2*P))
		}
		if g.shapeFirst[e+1] < g.shapeFirst[e] {
			return nil, fmt.Errorf("%w: shape offsets decrease at edge %d", ErrCorrupt, e)
		}
	}
	if g.shapeFirst[0] != 0 || int(g.shapeFirst[ne]) != ns {
		return nil, fmt.Errorf("%w: shape offsets do not span the %d shape points", ErrCorrupt, ns)
	}
	for range P {
		var ln uint16
		if p := d.take(2); p != nil {
			ln = binary.LittleEndian.Uint16(p)
		}
		net := &network{name: string(d.take(int(ln)))}
		var arcs uint64
		if p := d.take(24); p != nil {
			net.refKmh = math.Float64frombits(binary.LittleEndian.Uint64(p))
			net.maxKmh = math.Float64frombits(binary.LittleEndian.Uint64(p[8:]))
			arcs = binary.LittleEndian.Uint64(p[16:])
		}
		net.cost = d.u32s(2 * ne)
		if d.err != nil {
			return nil, d.err
		}
		if !(net.refKmh >= 0 && net.refKmh < 1000) || !(net.maxKmh >= 0 && net.maxKmh < 1000) || arcs > uint64(2*(ne+ns)) {
			return nil, fmt.Errorf("%w: network %q speeds %v, %v, %d arcs", ErrCorrupt, net.name, net.refKmh, net.maxKmh, arcs)
		}
		net.arcs = int(arcs)
		g.nets = append(g.nets, net)
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, len(d.b))
	}
	g.buildAdjacency()
	return g, nil
}
