package layer

import (
	"encoding/binary"
	"math"

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
}

func newTileEncoder(t maptile.Tile, nfields int) *tileEncoder {
	e := &tileEncoder{tile: t, n: math.Exp2(float64(t.Z)), keyIdx: make([]int32, nfields),
		strs: map[string]uint32{}, nums: map[float64]uint32{}, ints: map[int64]uint32{}}
	for i := range e.keyIdx {
		e.keyIdx[i] = -1
	}
	return e
}

// project maps lon/lat to tile units (x right, y down).
func (e *tileEncoder) project(p orb.Point) orb.Point {
	x := (p[0] + 180) / 360 * e.n
	lat := p[1] * math.Pi / 180
	y := (1 - math.Log(math.Tan(lat)+1/math.Cos(lat))/math.Pi) / 2 * e.n
	return orb.Point{(x - float64(e.tile.X)) * 4096, (y - float64(e.tile.Y)) * 4096}
}

func (e *tileEncoder) projectGeom(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		return e.project(g)
	case orb.LineString:
		out := make(orb.LineString, len(g))
		for i, p := range g {
			out[i] = e.project(p)
		}
		return out
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, l := range g {
			out[i] = e.projectGeom(l).(orb.LineString)
		}
		return out
	case orb.Polygon:
		out := make(orb.Polygon, len(g))
		for i, r := range g {
			rr := make(orb.Ring, len(r))
			for j, p := range r {
				rr[j] = e.project(p)
			}
			out[i] = rr
		}
		return out
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = e.projectGeom(p).(orb.Polygon)
		}
		return out
	}
	return nil
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

// value returns the index of v in the value table, adding it.
func (e *tileEncoder) value(v any) (uint32, bool) {
	var msg []byte
	switch v := v.(type) {
	case string:
		if i, ok := e.strs[v]; ok {
			return i, true
		}
		e.strs[v] = e.nvals
		msg = appendBytes(nil, 1, []byte(v))
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, false
		}
		if i, ok := e.nums[v]; ok {
			return i, true
		}
		e.nums[v] = e.nvals
		msg = appendKey(nil, 3, 1)
		msg = binary.LittleEndian.AppendUint64(msg, math.Float64bits(v))
	case int:
		if i, ok := e.ints[int64(v)]; ok {
			return i, true
		}
		e.ints[int64(v)] = e.nvals
		msg = appendKey(nil, 6, 0)
		msg = binary.AppendUvarint(msg, uint64((int64(v)<<1)^(int64(v)>>63)))
	case bool:
		k := 0
		if v {
			k = 1
		}
		if e.bools[k] > 0 {
			return uint32(e.bools[k] - 1), true
		}
		e.bools[k] = int64(e.nvals) + 1
		msg = appendKey(nil, 7, 0)
		msg = append(msg, byte(k))
	case []string:
		return e.value(Text(v))
	default:
		return 0, false
	}
	e.values = appendBytes(e.values, 4, msg)
	e.nvals++
	return e.nvals - 1, true
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
	var msg []byte
	if f.NumID != 0 {
		msg = appendKey(msg, 1, 0)
		msg = binary.AppendUvarint(msg, f.NumID)
	}
	if len(e.tags) > 0 {
		msg, e.tmp = appendPacked(msg, 2, e.tags, e.tmp)
	}
	msg = appendKey(msg, 3, 0)
	msg = binary.AppendUvarint(msg, uint64(typ))
	msg, e.tmp = appendPacked(msg, 4, e.cmds, e.tmp)
	e.features = appendBytes(e.features, 2, msg)
	e.nfeat++
}

// bytes returns the tile: one layer named name (version 2, extent 4096).
func (e *tileEncoder) bytes(name string) []byte {
	var lay []byte
	lay = appendKey(lay, 15, 0)
	lay = append(lay, 2)
	lay = appendBytes(lay, 1, []byte(name))
	lay = append(lay, e.features...)
	for _, k := range e.keys {
		lay = appendBytes(lay, 3, []byte(k))
	}
	lay = append(lay, e.values...)
	lay = appendKey(lay, 5, 0)
	lay = binary.AppendUvarint(lay, 4096)
	return appendBytes(nil, 3, lay)
}

var tileClip = orb.Bound{Min: orb.Point{-TileBuffer, -TileBuffer}, Max: orb.Point{4096 + TileBuffer, 4096 + TileBuffer}}

func clipTile(g orb.Geometry) orb.Geometry { return clip.Geometry(tileClip, g) }
