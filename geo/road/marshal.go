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
	formatVersion = 1
)

// MarshalBinary encodes the graph: a versioned header, the node coordinates
// and every network's forward CSR arrays (reverse arrays are rebuilt on
// decoding), little-endian, followed by a CRC-32 of everything before it.
func (g *Graph) MarshalBinary() ([]byte, error) {
	n := len(g.lat)
	size := 8 + 12 + 8*n + 4
	for _, net := range g.nets {
		size += 2 + len(net.name) + 16 + 4 + 4*(n+1) + 8*net.fwd.arcs()
	}
	b := make([]byte, 0, size)
	le := binary.LittleEndian
	b = append(b, magic...)
	b = le.AppendUint32(b, formatVersion)
	b = le.AppendUint32(b, uint32(n))
	b = le.AppendUint32(b, uint32(len(g.nets)))
	for _, v := range g.lat {
		b = le.AppendUint32(b, uint32(v))
	}
	for _, v := range g.lon {
		b = le.AppendUint32(b, uint32(v))
	}
	for _, net := range g.nets {
		if len(net.name) > 255 {
			return nil, fmt.Errorf("road: network name %q too long", net.name)
		}
		b = le.AppendUint16(b, uint16(len(net.name)))
		b = append(b, net.name...)
		b = le.AppendUint64(b, math.Float64bits(net.refKmh))
		b = le.AppendUint64(b, math.Float64bits(net.maxKmh))
		b = le.AppendUint32(b, uint32(net.fwd.arcs()))
		for _, v := range net.fwd.first {
			b = le.AppendUint32(b, v)
		}
		for _, v := range net.fwd.head {
			b = le.AppendUint32(b, v)
		}
		for _, v := range net.fwd.cost {
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
	if len(data) < 8+12+4 {
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
		return nil, fmt.Errorf("%w: format version %d, want %d", ErrCorrupt, v, formatVersion)
	}
	n := int(d.u32())
	nn := int(d.u32())
	if nn > 8 {
		return nil, fmt.Errorf("%w: %d networks", ErrCorrupt, nn)
	}
	lat, lon := d.u32s(n), d.u32s(n)
	if d.err != nil {
		return nil, d.err
	}
	g := &Graph{lat: make([]int32, n), lon: make([]int32, n)}
	for i := range n {
		g.lat[i], g.lon[i] = int32(lat[i]), int32(lon[i])
		if g.lat[i] < -90*coordScale || g.lat[i] > 90*coordScale || g.lon[i] < -180*coordScale || g.lon[i] > 180*coordScale {
			return nil, fmt.Errorf("%w: node %d at lat %d lon %d", ErrCorrupt, i, g.lat[i], g.lon[i])
		}
	}
	for range nn {
		var ln uint16
		if p := d.take(2); p != nil {
			ln = binary.LittleEndian.Uint16(p)
		}
		net := &network{name: string(d.take(int(ln)))}
		if p := d.take(16); p != nil {
			net.refKmh = math.Float64frombits(binary.LittleEndian.Uint64(p))
			net.maxKmh = math.Float64frombits(binary.LittleEndian.Uint64(p[8:]))
		}
		m := int(d.u32())
		net.fwd.first = d.u32s(n + 1)
		net.fwd.head = d.u32s(m)
		net.fwd.cost = d.u32s(m)
		if d.err != nil {
			return nil, d.err
		}
		if !(net.refKmh >= 0 && net.refKmh < 1000) || !(net.maxKmh >= 0 && net.maxKmh < 1000) {
			return nil, fmt.Errorf("%w: network %q speeds %v, %v", ErrCorrupt, net.name, net.refKmh, net.maxKmh)
		}
		f := net.fwd.first
		if f[0] != 0 || int(f[n]) != m {
			return nil, fmt.Errorf("%w: network %q offsets do not span its %d arcs", ErrCorrupt, net.name, m)
		}
		for v := range n {
			if f[v+1] < f[v] {
				return nil, fmt.Errorf("%w: network %q offsets decrease at node %d", ErrCorrupt, net.name, v)
			}
		}
		for _, h := range net.fwd.head {
			if int(h) >= n {
				return nil, fmt.Errorf("%w: network %q arc to node %d of %d", ErrCorrupt, net.name, h, n)
			}
		}
		net.rev = transpose(net.fwd, n)
		net.inner = markInner(&net.fwd, &net.rev, n)
		g.nets = append(g.nets, net)
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, len(d.b))
	}
	return g, nil
}
