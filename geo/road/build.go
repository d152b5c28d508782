package road

import (
	"cmp"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/maillage/maillage/geo/travel"
)

// builder collects the routable ways of an OSM source, then the positions
// of only the nodes they use, and builds the graph. It never holds a node
// that no kept way references: after the ways (pass 1 of ReadPBF) the node
// ids they use are one sorted array (8 bytes a node, no map), and the nodes
// read afterwards (pass 2) are looked up in it and kept only when found.
type builder struct {
	opts     Options
	profiles []*travel.Profile
	mu       sync.Mutex // guards the way arrays in pass 1
	wayID    []int64    // pass 1: OSM id of way i
	refs     []int64    // pass 1: node references of kept ways, concatenated
	wayEnd   []int32    // way i holds refs[wayEnd[i-1]:wayEnd[i]]
	speeds   []float32  // way i: speeds[2*P*i + 2*p + {0 fwd, 1 bwd}], km/h

	// After indexNodes: the node ids used, sorted and distinct; refs as
	// indices into ids; the positions read so far and which are set.
	ids      []int64
	refIdx   []int32
	lat, lon []int32  // 1e-7 degrees, for ids[i]
	have     []uint64 // bitset over ids: position read
	find     func(id int64) int32
	nodesHit atomic.Int64 // nodes read that a kept way uses

	st Stats
}

func newBuilder(opts Options) *builder {
	if opts.Profiles == nil {
		opts.Profiles = travel.DefaultProfiles()
	}
	if opts.MinComponent <= 0 {
		opts.MinComponent = DefaultMinComponent
	}
	return &builder{opts: opts, profiles: opts.Profiles}
}

func toFixed(deg float64) int32 { return int32(math.Round(deg * coordScale)) }

// routable reports whether at least one profile can use a way with tags.
// It only reads the profiles: safe for concurrent use.
func (b *builder) routable(tags travel.Tags) bool {
	for _, prof := range b.profiles {
		if f, r := prof.Speeds(tags); f > 0 || r > 0 {
			return true
		}
	}
	return false
}

// addWay records a way (pass 1), in source order, when a profile can use it.
//
// It is safe for concurrent use (the PBF decoders call it): ways may come
// in any order, indexNodes puts them in id order.
func (b *builder) addWay(id int64, tags travel.Tags, refs func(yield func(int64) bool)) {
	var sp [16]float32
	P := len(b.profiles)
	any := false
	for p, prof := range b.profiles {
		f, r := prof.Speeds(tags)
		if p < 8 {
			sp[2*p], sp[2*p+1] = float32(f), float32(r)
		}
		any = any || f > 0 || r > 0
	}
	if !any {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	start := len(b.refs)
	refs(func(id int64) bool { b.refs = append(b.refs, id); return true })
	if len(b.refs)-start < 2 {
		b.refs = b.refs[:start]
		return
	}
	b.st.RoutableWays++
	b.wayID = append(b.wayID, id)
	b.wayEnd = append(b.wayEnd, int32(len(b.refs)))
	b.speeds = append(b.speeds, sp[:2*P]...)
}

// sortWays puts the ways in id order (a stable sort: ways with one id keep
// their order), so that the graph does not depend on the order in which the
// decoders handed them over.
func (b *builder) sortWays() {
	if slices.IsSorted(b.wayID) {
		return
	}
	P := len(b.profiles)
	order := make([]int32, len(b.wayID))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(x, y int32) int { return cmp.Compare(b.wayID[x], b.wayID[y]) })
	refs := make([]int64, 0, len(b.refs))
	ends := make([]int32, 0, len(b.wayEnd))
	speeds := make([]float32, 0, len(b.speeds))
	for _, w := range order {
		start := int32(0)
		if w > 0 {
			start = b.wayEnd[w-1]
		}
		refs = append(refs, b.refs[start:b.wayEnd[w]]...)
		ends = append(ends, int32(len(refs)))
		speeds = append(speeds, b.speeds[2*P*int(w):2*P*int(w)+2*P]...)
	}
	b.refs, b.wayEnd, b.speeds = refs, ends, speeds
}

// indexNodes ends pass 1: the distinct node ids of the kept ways, sorted,
// and the references rewritten as indices into them. It returns ErrNoRoads
// when no way was kept.
func (b *builder) indexNodes() error {
	if len(b.wayEnd) == 0 {
		return fmt.Errorf("%w (%d ways read)", ErrNoRoads, b.st.WaysRead)
	}
	if len(b.refs) >= math.MaxInt32 {
		return fmt.Errorf("road: %d node references, more than this reader's int32 indices hold", len(b.refs))
	}
	b.sortWays()
	b.wayID = nil
	ids := slices.Clone(b.refs)
	slices.Sort(ids)
	ids = slices.Clip(slices.Compact(ids))
	b.ids = ids
	b.find = idFinder(ids)
	b.refIdx = make([]int32, len(b.refs))
	for i, id := range b.refs {
		b.refIdx[i] = b.find(id)
	}
	b.refs = nil
	b.lat = make([]int32, len(ids))
	b.lon = make([]int32, len(ids))
	b.have = make([]uint64, (len(ids)+63)/64)
	return nil
}

// addNode records a node's position (pass 2) when a kept way uses it; the
// first position read wins. It is safe for concurrent use (the PBF decoders
// call it): a node's slot is claimed by an atomic bit.
func (b *builder) addNode(id int64, lat, lon float64) {
	i := b.find(id)
	if i < 0 {
		return
	}
	if !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
		return // NaN or out of range: treated as missing
	}
	if old := atomic.OrUint64(&b.have[i>>6], 1<<(i&63)); old&(1<<(i&63)) != 0 {
		return
	}
	b.lat[i], b.lon[i] = toFixed(lat), toFixed(lon)
	b.nodesHit.Add(1)
}

func (b *builder) hasNode(i int32) bool { return b.have[i>>6]&(1<<(i&63)) != 0 }

// idFinder returns a function giving the index of an id in ids (sorted,
// distinct), -1 if absent: a table of bucket starts over the id range
// narrows each binary search to a few ids.
func idFinder(ids []int64) func(id int64) int32 {
	if len(ids) == 0 {
		return func(int64) int32 { return -1 }
	}
	lo, hi := ids[0], ids[len(ids)-1]
	shift := uint(0)
	for (uint64(hi-lo) >> shift) > uint64(len(ids)) {
		shift++
	}
	nb := int(uint64(hi-lo)>>shift) + 2
	start := make([]int32, nb)
	bk := 0
	for i, id := range ids {
		k := int(uint64(id-lo) >> shift)
		for bk <= k {
			start[bk] = int32(i)
			bk++
		}
	}
	for ; bk < nb; bk++ {
		start[bk] = int32(len(ids))
	}
	return func(id int64) int32 {
		if id < lo || id > hi {
			return -1
		}
		k := int(uint64(id-lo) >> shift)
		i, j := int(start[k]), int(start[k+1])
		for i < j {
			m := int(uint(i+j) >> 1)
			if ids[m] < id {
				i = m + 1
			} else {
				j = m
			}
		}
		if i < len(ids) && ids[i] == id {
			return int32(i)
		}
		return -1
	}
}

// segment is one way segment between two consecutive resolved nodes.
type segment struct {
	a, b uint32 // compact node indices
	way  int32
	m    float32 // length, metres
}

// build makes the graph from the ways and the nodes read (after
// indexNodes and the nodes).
func (b *builder) build() (*Graph, error) {
	P := len(b.profiles)
	if P == 0 || P > 8 {
		return nil, fmt.Errorf("road: %d profiles, want 1 to 8", P)
	}
	if b.ids == nil {
		if err := b.indexNodes(); err != nil {
			return nil, err
		}
	}
	// Resolve references and cut ways at missing nodes. A node is numbered
	// by its place among the ids (a node never read has no segment and is
	// left out by contract).
	segs := make([]segment, 0, len(b.refIdx))
	start := int32(0)
	for w, end := range b.wayEnd {
		prev := int32(-1)
		for _, r := range b.refIdx[start:end] {
			if !b.hasNode(r) {
				b.st.MissingRefs++
				prev = -1
				continue
			}
			if prev >= 0 {
				if prev == r {
					b.st.DuplicateRefs++
					continue
				}
				segs = append(segs, segment{a: uint32(prev), b: uint32(r), way: int32(w)})
			}
			prev = r
		}
		start = end
	}
	b.refIdx = nil
	if len(segs) == 0 {
		return nil, fmt.Errorf("%w: %d routable ways but no segment with both nodes present (%d missing refs)",
			ErrNoRoads, b.st.RoutableWays, b.st.MissingRefs)
	}
	n := len(b.ids)
	lat, lon := b.lat, b.lon
	b.lat, b.lon, b.have, b.ids, b.find = nil, nil, nil, nil, nil
	// Return what the references held before the build's own arrays grow
	// (the build holds no pointers: a collection is cheap).
	debug.FreeOSMemory()
	for i := range segs {
		s := &segs[i]
		s.m = segMetres(lat[s.a], lon[s.a], lat[s.b], lon[s.b])
	}
	// Speed classes: the distinct speed tuples of the ways.
	classOf := make([]uint16, len(b.wayEnd))
	var classes []float32
	seen := map[[16]float32]uint16{}
	for w := range b.wayEnd {
		var k [16]float32
		copy(k[:], b.speeds[2*P*w:2*P*w+2*P])
		c, ok := seen[k]
		if !ok {
			if len(seen) == math.MaxUint16 {
				return nil, fmt.Errorf("road: more than %d distinct way speed classes", math.MaxUint16)
			}
			c = uint16(len(seen))
			seen[k] = c
			classes = append(classes, k[:2*P]...)
		}
		classOf[w] = c
	}
	b.speeds, b.wayEnd = nil, nil
	for i := range segs {
		segs[i].way = int32(classOf[segs[i].way]) // from here on: the class
	}
	classOf = nil
	c := b.contract(n, lat, lon, segs, classes)
	debug.FreeOSMemory()
	segs, lat, lon = nil, nil, nil
	return b.finish(c, classes)
}

// costMillis is the time in milliseconds to cover metres at kmh.
func costMillis(metres, kmh float64) uint32 {
	return uint32(math.Round(metres / (kmh / 3.6) * 1000))
}
