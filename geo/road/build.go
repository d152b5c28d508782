package road

import (
	"fmt"
	"math"
	"slices"
	"sync/atomic"

	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// builder collects the routable ways of an OSM source, then the positions
// of only the nodes they use, and builds the graph. It never holds a node
// that no kept way references: after the ways (pass 1 of ReadPBF) the node
// ids they use are one sorted array (8 bytes a node, no map), and the nodes
// read afterwards (pass 2) are looked up in it and kept only when found.
type builder struct {
	opts     Options
	profiles []*travel.Profile
	refs     []int64   // pass 1: node references of kept ways, concatenated
	wayEnd   []int32   // way i holds refs[wayEnd[i-1]:wayEnd[i]]
	speeds   []float32 // way i: speeds[2*P*i + 2*p + {0 fwd, 1 bwd}], km/h

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
func (b *builder) addWay(tags travel.Tags, refs func(yield func(int64) bool)) {
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
	start := len(b.refs)
	refs(func(id int64) bool { b.refs = append(b.refs, id); return true })
	if len(b.refs)-start < 2 {
		b.refs = b.refs[:start]
		return
	}
	b.st.RoutableWays++
	b.wayEnd = append(b.wayEnd, int32(len(b.refs)))
	b.speeds = append(b.speeds, sp[:2*P]...)
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
	// Resolve references, cut ways at missing nodes, number the used nodes
	// in order of first reference.
	compact := make([]int32, len(b.ids))
	for i := range compact {
		compact[i] = -1
	}
	var used []int32 // compact index -> index into ids
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
			if compact[r] < 0 {
				compact[r] = int32(len(used))
				used = append(used, r)
			}
			c := compact[r]
			if prev >= 0 {
				if prev == c {
					b.st.DuplicateRefs++
					continue
				}
				segs = append(segs, segment{a: uint32(prev), b: uint32(c), way: int32(w)})
			}
			prev = c
		}
		start = end
	}
	b.refIdx, compact = nil, nil
	if len(segs) == 0 {
		return nil, fmt.Errorf("%w: %d routable ways but no segment with both nodes present (%d missing refs)",
			ErrNoRoads, b.st.RoutableWays, b.st.MissingRefs)
	}
	n := len(used)
	lat := make([]int32, n)
	lon := make([]int32, n)
	for c, r := range used {
		lat[c], lon[c] = b.lat[r], b.lon[r]
	}
	b.lat, b.lon, b.have, b.ids, b.find = nil, nil, nil, nil, nil
	// 3. Hilbert order.
	order := hilbertOrder(lat, lon)
	rank := make([]uint32, n) // compact -> spatial id
	for i, c := range order {
		rank[c] = uint32(i)
	}
	lat, lon = permute(lat, order), permute(lon, order)
	for i := range segs {
		s := &segs[i]
		s.a, s.b = rank[s.a], rank[s.b]
		s.m = float32(geo.Distance(
			orb.Point{float64(lon[s.a]) / coordScale, float64(lat[s.a]) / coordScale},
			orb.Point{float64(lon[s.b]) / coordScale, float64(lat[s.b]) / coordScale}))
	}
	// 4. Per profile: arcs, components, filtering.
	keep := make([][]bool, P)
	nets := make([]*network, P)
	b.st.Networks = make([]NetworkStats, P)
	for p, prof := range b.profiles {
		nets[p] = &network{name: prof.Name, refKmh: prof.RefKmh}
		c := b.arcs(segs, p, n, nil)
		comp, sizes := scc(n, c.first, c.head)
		ns := &b.st.Networks[p]
		ns.Name = prof.Name
		largest := int32(0)
		for _, s := range sizes {
			largest = max(largest, s)
		}
		ns.LargestNodes = int(largest)
		keepComp := make([]bool, len(sizes))
		for i, s := range sizes {
			// A singleton component has no cycle through it: its node can be
			// left or reached, not both.
			keepComp[i] = (s == largest && largest > 1) || (int(s) >= b.opts.MinComponent && s > 1) || b.opts.MinComponent == 1
		}
		k := make([]bool, n)
		for v := range n {
			k[v] = keepComp[comp[v]]
		}
		// Count components among nodes that have arcs of this profile.
		touched := make([]bool, n)
		for v := range n {
			if c.first[v+1] > c.first[v] {
				touched[v] = true
				for _, h := range c.head[c.first[v]:c.first[v+1]] {
					touched[h] = true
				}
			}
		}
		seen := make([]bool, len(sizes))
		for v := range n {
			if !touched[v] || seen[comp[v]] {
				continue
			}
			seen[comp[v]] = true
			ns.Components++
			if !k[v] {
				ns.FragmentsDropped++
				ns.NodesDropped += int(sizes[comp[v]])
			}
		}
		keep[p] = k
	}
	// 5. Nodes kept by at least one profile, renumbered in the same order.
	newID := make([]int32, n)
	m := 0
	for v := range n {
		newID[v] = -1
		for p := range P {
			if keep[p][v] {
				newID[v] = int32(m)
				lat[m], lon[m] = lat[v], lon[v]
				m++
				break
			}
		}
	}
	if m == 0 {
		return nil, fmt.Errorf("%w: every component is smaller than %d nodes", ErrNoRoads, b.opts.MinComponent)
	}
	g := &Graph{lat: slices.Clip(lat[:m]), lon: slices.Clip(lon[:m]), nets: nets}
	for p := range P {
		k := keep[p]
		kept := make([]segment, 0, len(segs))
		for _, s := range segs {
			if k[s.a] && k[s.b] {
				kept = append(kept, segment{a: uint32(newID[s.a]), b: uint32(newID[s.b]), way: s.way, m: s.m})
			}
		}
		net := nets[p]
		net.fwd = b.arcs(kept, p, m, &net.maxKmh)
		net.rev = transpose(net.fwd, m)
		net.inner = markInner(&net.fwd, &net.rev, m)
		ns := &b.st.Networks[p]
		ns.Arcs = net.fwd.arcs()
		for v := range m {
			if net.fwd.first[v+1] > net.fwd.first[v] {
				ns.Nodes++
			}
		}
		for _, s := range kept {
			f, r := b.speeds[2*P*int(s.way)+2*p], b.speeds[2*P*int(s.way)+2*p+1]
			if (f > 0) != (r > 0) {
				ns.OneWaySegments++
			}
		}
	}
	b.st.Nodes = m
	return g, nil
}

// arcs builds profile p's forward CSR from segments over n nodes; maxKmh,
// when not nil, receives the fastest speed used.
func (b *builder) arcs(segs []segment, p, n int, maxKmh *float64) csr {
	P := len(b.profiles)
	first := make([]uint32, n+1)
	for _, s := range segs {
		f, r := b.speeds[2*P*int(s.way)+2*p], b.speeds[2*P*int(s.way)+2*p+1]
		if f > 0 {
			first[s.a+1]++
		}
		if r > 0 {
			first[s.b+1]++
		}
	}
	for v := range n {
		first[v+1] += first[v]
	}
	m := first[n]
	c := csr{first: first, head: make([]uint32, m), cost: make([]uint32, m)}
	next := make([]uint32, n)
	copy(next, first[:n])
	add := func(u, v uint32, kmh float32, metres float32) {
		i := next[u]
		next[u]++
		c.head[i] = v
		c.cost[i] = costMillis(float64(metres), float64(kmh))
		if maxKmh != nil && float64(kmh) > *maxKmh {
			*maxKmh = float64(kmh)
		}
	}
	for _, s := range segs {
		f, r := b.speeds[2*P*int(s.way)+2*p], b.speeds[2*P*int(s.way)+2*p+1]
		if f > 0 {
			add(s.a, s.b, f, s.m)
		}
		if r > 0 {
			add(s.b, s.a, r, s.m)
		}
	}
	return c
}

// costMillis is the time in milliseconds to cover metres at kmh.
func costMillis(metres, kmh float64) uint32 {
	return uint32(math.Round(metres / (kmh / 3.6) * 1000))
}
