package layer

import (
	"encoding/binary"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/maptile"
)

// tileEncoder writes one Mapbox Vector Tile layer straight to protobuf
// bytes: orb's encoding/mvt goes through geojson property maps and an
// interface-keyed value table, which cost most of a tile's time. Geometry
// is projected (Web Mercator) into the tile's 4096 grid, clipped with
// orb/clip, rounded, and written as MoveTo/LineTo/ClosePath commands;
// tags index the layer's fields (keys) and a deduplicated value table.
type tileEncoder struct {
	tile     maptile.Tile
	n        float64 // 2^z
	features []byte
	nfeat    int
	keys     []string
	keyIdx   []int32 // field index → key index, -1 until used
	values   []byte
	nvals    uint32
	strs     map[string]uint32
	nums     map[float64]uint32
	ints     map[int64]uint32
	bools    [2]int64 // value index + 1 of false, true
	cmds     []uint32
	tags     []uint32
	ring     []orb.Point
	tmp      []byte
	msg      []byte // the feature being added
	// pts and rings are the scratch the projected geometry of the feature
	// being added lives in (it is encoded before the next one is projected).
	pts   []orb.Point
	rings []orb.Ring
	polys []orb.Polygon
	lines []orb.LineString
	inner bool // the projected geometry lies within tileClip
}

// encoders keeps tile encoders between tiles: a cell tile holds thousands
// of distinct values, and growing the value maps and buffers anew for each
// tile cost a third of its time.
var encoders = sync.Pool{New: func() any {
	return &tileEncoder{strs: map[string]uint32{}, nums: map[float64]uint32{}, ints: map[int64]uint32{}}
}}

func newTileEncoder(t maptile.Tile, nfields int) *tileEncoder {
	e := encoders.Get().(*tileEncoder)
	e.tile, e.n = t, math.Exp2(float64(t.Z))
	e.features, e.values, e.keys = e.features[:0], e.values[:0], e.keys[:0]
	e.nfeat, e.nvals, e.bools = 0, 0, [2]int64{}
	clear(e.strs)
	clear(e.nums)
	clear(e.ints)
	e.keyIdx = slices.Grow(e.keyIdx[:0], nfields)[:nfields]
	for i := range e.keyIdx {
		e.keyIdx[i] = -1
	}
	return e
}

// release returns e to the pool; its buffers must no longer be used.
func (e *tileEncoder) release() {
	if cap(e.features) > 16<<20 {
		return // an outsized tile: let its buffers go
	}
	encoders.Put(e)
}

// project maps lon/lat to tile units (x right, y down), noting whether the
// point falls outside tileClip.
func (e *tileEncoder) project(p orb.Point) orb.Point {
	x := (p[0] + 180) / 360 * e.n
	lat := p[1] * math.Pi / 180
	y := (1 - math.Log(math.Tan(lat)+1/math.Cos(lat))/math.Pi) / 2 * e.n
	q := orb.Point{(x - float64(e.tile.X)) * 4096, (y - float64(e.tile.Y)) * 4096}
	if q[0] < tileClip.Min[0] || q[0] > tileClip.Max[0] || q[1] < tileClip.Min[1] || q[1] > tileClip.Max[1] {
		e.inner = false
	}
	return q
}

// points projects ps into the encoder's scratch.
func (e *tileEncoder) points(ps []orb.Point) []orb.Point {
	start := len(e.pts)
	for _, p := range ps {
		e.pts = append(e.pts, e.project(p))
	}
	return e.pts[start:len(e.pts):len(e.pts)]
}

func (e *tileEncoder) polygon(p orb.Polygon) orb.Polygon {
	start := len(e.rings)
	for _, r := range p {
		e.rings = append(e.rings, orb.Ring(e.points(r)))
	}
	return orb.Polygon(e.rings[start:len(e.rings):len(e.rings)])
}

// projectGeom returns g in tile units, clipped to tileClip (or nil when
// nothing is left). The result lives in the encoder's scratch until the
// next call: layers may share their geometry, so g itself is never
// changed.
func (e *tileEncoder) projectGeom(g orb.Geometry) orb.Geometry {
	e.pts, e.rings, e.polys, e.lines = e.pts[:0], e.rings[:0], e.polys[:0], e.lines[:0]
	e.inner = true
	var out orb.Geometry
	switch g := g.(type) {
	case orb.Point:
		out = e.project(g)
	case orb.LineString:
		out = orb.LineString(e.points(g))
	case orb.MultiLineString:
		for _, l := range g {
			e.lines = append(e.lines, orb.LineString(e.points(l)))
		}
		out = orb.MultiLineString(e.lines)
	case orb.Polygon:
		out = e.polygon(g)
	case orb.MultiPolygon:
		for _, p := range g {
			e.polys = append(e.polys, e.polygon(p))
		}
		out = orb.MultiPolygon(e.polys)
	default:
		return nil
	}
	return out
}

func zigzag(v int32) uint32 { return uint32((v << 1) ^ (v >> 31)) }

func command(id, count uint32) uint32 { return id&7 | count<<3 }

// geometry encodes g (tile units) into e.cmds, returning the MVT geometry
// type (1 point, 2 line, 3 polygon) or 0 when nothing is left after
// rounding.
func (e *tileEncoder) geometry(g orb.Geometry) uint32 {
	e.cmds = e.cmds[:0]
	var cx, cy int32
	line := func(ps []orb.Point, closed bool) {
		e.ring = e.ring[:0]
		for _, p := range ps {
			q := orb.Point{math.Round(p[0]), math.Round(p[1])}
			if len(e.ring) > 0 && e.ring[len(e.ring)-1] == q {
				continue
			}
			e.ring = append(e.ring, q)
		}
		if closed && len(e.ring) > 1 && e.ring[0] == e.ring[len(e.ring)-1] {
			e.ring = e.ring[:len(e.ring)-1]
		}
		if (closed && len(e.ring) < 3) || len(e.ring) < 2 {
			return
		}
		for i, p := range e.ring {
			x, y := int32(p[0]), int32(p[1])
			if i == 0 {
				e.cmds = append(e.cmds, command(1, 1), zigzag(x-cx), zigzag(y-cy))
				if len(e.ring) > 1 {
					e.cmds = append(e.cmds, command(2, uint32(len(e.ring)-1)))
				}
			} else {
				e.cmds = append(e.cmds, zigzag(x-cx), zigzag(y-cy))
			}
			cx, cy = x, y
		}
		if closed {
			e.cmds = append(e.cmds, command(7, 1))
		}
	}
	polygon := func(p orb.Polygon) {
		for i, r := range p {
			before := len(e.cmds)
			line(r, true)
			if i == 0 && len(e.cmds) == before {
				return // no exterior: drop the holes too
			}
		}
	}
	switch g := g.(type) {
	case orb.Point:
		x, y := int32(math.Round(g[0])), int32(math.Round(g[1]))
		e.cmds = append(e.cmds, command(1, 1), zigzag(x), zigzag(y))
		return 1
	case orb.LineString:
		line(g, false)
		if len(e.cmds) > 0 {
			return 2
		}
	case orb.MultiLineString:
		for _, l := range g {
			line(l, false)
		}
		if len(e.cmds) > 0 {
			return 2
		}
	case orb.Polygon:
		polygon(g)
		if len(e.cmds) > 0 {
			return 3
		}
	case orb.MultiPolygon:
		for _, p := range g {
			polygon(p)
		}
		if len(e.cmds) > 0 {
			return 3
		}
	}
	return 0
}

func appendKey(b []byte, field, wire int) []byte {
	return binary.AppendUvarint(b, uint64(field<<3|wire))
}

func appendBytes(b []byte, field int, data []byte) []byte {
	b = appendKey(b, field, 2)
	b = binary.AppendUvarint(b, uint64(len(data)))
	return append(b, data...)
}

func appendPacked(b []byte, field int, vs []uint32, tmp []byte) ([]byte, []byte) {
	tmp = tmp[:0]
	for _, v := range vs {
		tmp = binary.AppendUvarint(tmp, uint64(v))
	}
	return appendBytes(b, field, tmp), tmp
}

// value returns the index of v in the value table, adding it (a Value
// message, field 4 of the layer, written straight into e.values).
func (e *tileEncoder) value(v any) (uint32, bool) {
	switch v := v.(type) {
	case string:
		if i, ok := e.strs[v]; ok {
			return i, true
		}
		e.strs[v] = e.nvals
		n := len(v)
		e.values = appendKey(e.values, 4, 2)
		e.values = binary.AppendUvarint(e.values, uint64(1+uvarintLen(uint64(n))+n))
		e.values = appendKey(e.values, 1, 2)
		e.values = binary.AppendUvarint(e.values, uint64(n))
		e.values = append(e.values, v...)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, false
		}
		if i, ok := e.nums[v]; ok {
			return i, true
		}
		e.nums[v] = e.nvals
		e.values = append(e.values, 4<<3|2, 9, 3<<3|1)
		e.values = binary.LittleEndian.AppendUint64(e.values, math.Float64bits(v))
	case int:
		if i, ok := e.ints[int64(v)]; ok {
			return i, true
		}
		e.ints[int64(v)] = e.nvals
		zz := uint64((int64(v) << 1) ^ (int64(v) >> 63))
		e.values = append(e.values, 4<<3|2, byte(1+uvarintLen(zz)), 6<<3)
		e.values = binary.AppendUvarint(e.values, zz)
	case bool:
		k := 0
		if v {
			k = 1
		}
		if e.bools[k] > 0 {
			return uint32(e.bools[k] - 1), true
		}
		e.bools[k] = int64(e.nvals) + 1
		e.values = append(e.values, 4<<3|2, 2, 7<<3, byte(k))
	case []string:
		return e.value(Text(v))
	default:
		return 0, false
	}
	e.nvals++
	return e.nvals - 1, true
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// add encodes one feature whose geometry g is already in tile units and
// clipped.
func (e *tileEncoder) add(l *Layer, f *Feature, g orb.Geometry) {
	typ := e.geometry(g)
	if typ == 0 {
		return
	}
	e.tags = e.tags[:0]
	for i := range l.Fields {
		if i >= len(f.Values) || f.Values[i] == nil {
			continue
		}
		vi, ok := e.value(f.Values[i])
		if !ok {
			continue
		}
		if e.keyIdx[i] < 0 {
			e.keyIdx[i] = int32(len(e.keys))
			e.keys = append(e.keys, l.Fields[i].Name)
		}
		e.tags = append(e.tags, uint32(e.keyIdx[i]), vi)
	}
	e.msg = e.msg[:0]
	if f.NumID != 0 {
		e.msg = appendKey(e.msg, 1, 0)
		e.msg = binary.AppendUvarint(e.msg, f.NumID)
	}
	if len(e.tags) > 0 {
		e.msg, e.tmp = appendPacked(e.msg, 2, e.tags, e.tmp)
	}
	e.msg = appendKey(e.msg, 3, 0)
	e.msg = binary.AppendUvarint(e.msg, uint64(typ))
	e.msg, e.tmp = appendPacked(e.msg, 4, e.cmds, e.tmp)
	e.features = appendBytes(e.features, 2, e.msg)
	e.nfeat++
}

// bytes returns the tile: one layer named name (version 2, extent 4096),
// in a new slice of its exact size.
func (e *tileEncoder) bytes(name string) []byte {
	n := 2 + 1 + uvarintLen(uint64(len(name))) + len(name) + len(e.features) + len(e.values) + 3
	for _, k := range e.keys {
		n += 1 + uvarintLen(uint64(len(k))) + len(k)
	}
	out := make([]byte, 0, 1+uvarintLen(uint64(n))+n)
	out = appendKey(out, 3, 2)
	out = binary.AppendUvarint(out, uint64(n))
	out = appendKey(out, 15, 0)
	out = append(out, 2)
	out = appendBytes(out, 1, []byte(name))
	out = append(out, e.features...)
	for _, k := range e.keys {
		out = appendBytes(out, 3, []byte(k))
	}
	out = append(out, e.values...)
	out = appendKey(out, 5, 0)
	return binary.AppendUvarint(out, 4096)
}

var tileClip = orb.Bound{Min: orb.Point{-TileBuffer, -TileBuffer}, Max: orb.Point{4096 + TileBuffer, 4096 + TileBuffer}}

// clipTile clips g (tile units, from projectGeom) to tileClip; inner says
// projectGeom found every point within it already.
func clipTile(g orb.Geometry, inner bool) orb.Geometry {
	if inner {
		return g
	}
	return clip.Geometry(tileClip, g)
}
