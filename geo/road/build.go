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

// chains is the junction-to-junction form before filtering: junctions
// numbered in order of discovery, edges with their shape points and
// per-profile costs.
type chains struct {
	jlat, jlon []int32
	ea, eb     []uint32
	class      []uint16
	shapeFirst []uint32
	slat, slon []int32
	cost       [][]uint32 // per profile: 2 per edge
}

// contract turns the node-level segments into edges between junctions. A
// node is a junction unless it has exactly two segments, one entering and
// one leaving it in way direction, of the same speed class, to two
// distinct neighbours: such inner nodes become shape points of the edge
// through them (a pure cycle of inner nodes gets one junction). An edge's
// cost per profile and direction is the sum of its segments' costs in
// milliseconds, each rounded as costMillis rounds it.
func (b *builder) contract(n int, lat, lon []int32, segs []segment, classes []float32) *chains {
	P := len(b.profiles)
	incFirst := make([]uint32, n+1)
	for _, s := range segs {
		incFirst[s.a+1]++
		incFirst[s.b+1]++
	}
	for v := range n {
		incFirst[v+1] += incFirst[v]
	}
	inc := make([]uint32, 2*len(segs)) // segment<<1 | 0 where the node is its a, 1 its b
	next := slices.Clone(incFirst[:n])
	for i, s := range segs {
		inc[next[s.a]] = uint32(i) << 1
		next[s.a]++
		inc[next[s.b]] = uint32(i)<<1 | 1
		next[s.b]++
	}
	next = nil
	other := func(x uint32) uint32 {
		s := segs[x>>1]
		if x&1 == 0 {
			return s.b
		}
		return s.a
	}
	junction := make([]uint64, (n+63)/64)
	for v := range n {
		lo, hi := incFirst[v], incFirst[v+1]
		inner := hi-lo == 2
		if inner {
			x, y := inc[lo], inc[lo+1]
			inner = x&1 != y&1 && segs[x>>1].way == segs[y>>1].way && other(x) != other(y)
		}
		if !inner {
			junction[v>>6] |= 1 << (v & 63)
		}
	}
	isJ := func(v uint32) bool { return junction[v>>6]&(1<<(v&63)) != 0 }
	// Sizes known in advance (pure cycles add a few edges): the arrays are
	// allocated once, without the doubling of append.
	nJ, nShape, nEdges := 0, 0, 0
	for v := range n {
		deg := int(incFirst[v+1] - incFirst[v])
		switch {
		case deg == 0:
		case isJ(uint32(v)):
			nJ++
			for _, x := range inc[incFirst[v]:incFirst[v+1]] {
				if x&1 == 0 {
					nEdges++
				}
			}
		default:
			nShape++
		}
	}
	nEdges += 16
	jid := make([]int32, n)
	c := &chains{cost: make([][]uint32, P), shapeFirst: make([]uint32, 1, nEdges+1),
		jlat: make([]int32, 0, nJ), jlon: make([]int32, 0, nJ), ea: make([]uint32, 0, nEdges), eb: make([]uint32, 0, nEdges),
		class: make([]uint16, 0, nEdges), slat: make([]int32, 0, nShape), slon: make([]int32, 0, nShape)}
	for p := range P {
		c.cost[p] = make([]uint32, 0, 2*nEdges)
	}
	for v := range n {
		jid[v] = -1
	}
	jidOf := func(v uint32) uint32 {
		if jid[v] < 0 {
			jid[v] = int32(len(c.jlat))
			c.jlat = append(c.jlat, lat[v])
			c.jlon = append(c.jlon, lon[v])
		}
		return uint32(jid[v])
	}
	visited := make([]uint64, (len(segs)+63)/64)
	var acc0, acc1 [8]uint64
	walk := func(u uint32, x uint32) {
		cl := segs[x>>1].way
		sp := classes[2*P*int(cl) : 2*P*int(cl)+2*P]
		acc0, acc1 = [8]uint64{}, [8]uint64{}
		a := jidOf(u)
		for {
			si := x >> 1
			visited[si>>6] |= 1 << (si & 63)
			s := segs[si]
			for p := range P {
				if f := sp[2*p]; f > 0 {
					acc0[p] += uint64(costMillis(float64(s.m), float64(f)))
				}
				if r := sp[2*p+1]; r > 0 {
					acc1[p] += uint64(costMillis(float64(s.m), float64(r)))
				}
			}
			v := s.b
			if isJ(v) {
				c.ea = append(c.ea, a)
				c.eb = append(c.eb, jidOf(v))
				break
			}
			c.slat = append(c.slat, lat[v])
			c.slon = append(c.slon, lon[v])
			// The segment leaving v.
			lo := incFirst[v]
			x = inc[lo]
			if x&1 != 0 {
				x = inc[lo+1]
			}
		}
		c.class = append(c.class, uint16(cl))
		c.shapeFirst = append(c.shapeFirst, uint32(len(c.slat)))
		for p := range P {
			c0, c1 := uint32(unreached), uint32(unreached)
			if sp[2*p] > 0 {
				c0 = uint32(min(acc0[p], unreached-1))
			}
			if sp[2*p+1] > 0 {
				c1 = uint32(min(acc1[p], unreached-1))
			}
			c.cost[p] = append(c.cost[p], c0, c1)
		}
	}
	for v := range n {
		if !isJ(uint32(v)) {
			continue
		}
		for _, x := range inc[incFirst[v]:incFirst[v+1]] {
			if x&1 == 0 {
				walk(uint32(v), x)
			}
		}
	}
	// Pure cycles of inner nodes: one of their nodes becomes a junction.
	for si := range segs {
		if visited[si>>6]&(1<<(si&63)) == 0 {
			u := segs[si].a
			junction[u>>6] |= 1 << (u & 63)
			walk(u, uint32(si)<<1)
		}
	}
	return c
}

// finish filters each profile's network to its large strongly connected
// components, keeps the edges some profile uses and the junctions they
// join, numbers junctions along a Hilbert curve and edges in the order of
// their first junction, and fills the statistics.
func (b *builder) finish(c *chains, classes []float32) (*Graph, error) {
	P := len(b.profiles)
	nj, ne := len(c.jlat), len(c.ea)
	inner := func(e int) int { return int(c.shapeFirst[e+1] - c.shapeFirst[e]) }
	nets := make([]*network, P)
	b.st.Networks = make([]NetworkStats, P)
	for p, prof := range b.profiles {
		cost := c.cost[p]
		// The junction-level graph of the profile.
		first := make([]uint32, nj+1)
		for e := range ne {
			if cost[2*e] != unreached {
				first[c.ea[e]+1]++
			}
			if cost[2*e+1] != unreached {
				first[c.eb[e]+1]++
			}
		}
		for v := range nj {
			first[v+1] += first[v]
		}
		head := make([]uint32, first[nj])
		next := slices.Clone(first[:nj])
		touched := make([]bool, nj)
		for e := range ne {
			a, bb := c.ea[e], c.eb[e]
			if cost[2*e] != unreached {
				head[next[a]] = bb
				next[a]++
			}
			if cost[2*e+1] != unreached {
				head[next[bb]] = a
				next[bb]++
			}
			if cost[2*e] != unreached || cost[2*e+1] != unreached {
				touched[a], touched[bb] = true, true
			}
		}
		next = nil
		comp, sizes := scc(nj, first, head)
		first, head = nil, nil
		// Component sizes in OSM nodes: the shape points of an edge belong
		// to its ends' component when both ends share one; those of a
		// one-way edge between two components are each a component of one.
		size := make([]int64, len(sizes))
		for i, s := range sizes {
			size[i] = int64(s)
		}
		singles := 0 // one-node components of shape points
		for e := range ne {
			if cost[2*e] == unreached && cost[2*e+1] == unreached {
				continue
			}
			if comp[c.ea[e]] == comp[c.eb[e]] {
				size[comp[c.ea[e]]] += int64(inner(e))
			} else {
				singles += inner(e)
			}
		}
		largest := int64(0)
		for _, s := range size {
			largest = max(largest, s)
		}
		if singles > 0 {
			largest = max(largest, 1)
		}
		minC := int64(b.opts.MinComponent)
		keepComp := make([]bool, len(size))
		for i, s := range size {
			// A single node has no cycle through it: it can be left or
			// reached, not both.
			keepComp[i] = (s == largest && largest > 1) || (s >= minC && s > 1) || minC == 1
		}
		keepSingles := minC == 1
		ns := &b.st.Networks[p]
		ns.Name = prof.Name
		ns.LargestNodes = int(largest)
		seenComp := make([]bool, len(size))
		for v := range nj {
			if !touched[v] || seenComp[comp[v]] {
				continue
			}
			seenComp[comp[v]] = true
			ns.Components++
			if !keepComp[comp[v]] {
				ns.FragmentsDropped++
				ns.NodesDropped += int(size[comp[v]])
			}
		}
		ns.Components += singles
		if !keepSingles {
			ns.FragmentsDropped += singles
			ns.NodesDropped += singles
		}
		// Drop the edges of dropped components.
		for e := range ne {
			a, bb := comp[c.ea[e]], comp[c.eb[e]]
			keep := keepComp[a] && keepComp[bb] && (inner(e) == 0 || a == bb || keepSingles)
			if !keep {
				cost[2*e], cost[2*e+1] = unreached, unreached
			}
		}
		nets[p] = &network{name: prof.Name, refKmh: prof.RefKmh}
	}
	// Edges some profile uses; junctions they join.
	keepE := make([]bool, ne)
	keepJ := make([]bool, nj)
	for e := range ne {
		for p := range P {
			if c.cost[p][2*e] != unreached || c.cost[p][2*e+1] != unreached {
				keepE[e] = true
				keepJ[c.ea[e]], keepJ[c.eb[e]] = true, true
				break
			}
		}
	}
	var klat, klon []int32
	var kept []int32 // new junction index -> old
	for v := range nj {
		if keepJ[v] {
			klat = append(klat, c.jlat[v])
			klon = append(klon, c.jlon[v])
			kept = append(kept, int32(v))
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("%w: every component is smaller than %d nodes", ErrNoRoads, b.opts.MinComponent)
	}
	c.jlat, c.jlon = nil, nil
	order := hilbertOrder(klat, klon)
	newJ := make([]uint32, nj)
	for i, k := range order {
		newJ[kept[k]] = uint32(i)
	}
	g := &Graph{lat: permute(klat, order), lon: permute(klon, order), classes: classes, nets: nets}
	klat, klon, kept, order = nil, nil, nil, nil
	// Edges in the order of their a junction (a stable counting sort).
	m := len(g.lat)
	byA := make([]uint32, m+1)
	nk := 0
	for e := range ne {
		if keepE[e] {
			byA[newJ[c.ea[e]]+1]++
			nk++
		}
	}
	for v := range m {
		byA[v+1] += byA[v]
	}
	pos := make([]uint32, ne) // old edge -> new
	for e := range ne {
		if keepE[e] {
			a := newJ[c.ea[e]]
			pos[e] = byA[a]
			byA[a]++
		}
	}
	byA = nil
	g.ea, g.eb = make([]uint32, nk), make([]uint32, nk)
	g.class = make([]uint16, nk)
	g.shapeFirst = make([]uint32, nk+1)
	for e := range ne {
		if keepE[e] {
			i := pos[e]
			g.ea[i], g.eb[i], g.class[i] = newJ[c.ea[e]], newJ[c.eb[e]], c.class[e]
			g.shapeFirst[i+1] = uint32(inner(e))
		}
	}
	for i := range nk {
		g.shapeFirst[i+1] += g.shapeFirst[i]
	}
	g.slat, g.slon = make([]int32, g.shapeFirst[nk]), make([]int32, g.shapeFirst[nk])
	for e := range ne {
		if keepE[e] {
			copy(g.slat[g.shapeFirst[pos[e]]:], c.slat[c.shapeFirst[e]:c.shapeFirst[e+1]])
			copy(g.slon[g.shapeFirst[pos[e]]:], c.slon[c.shapeFirst[e]:c.shapeFirst[e+1]])
		}
	}
	c.slat, c.slon = nil, nil
	for p, net := range nets {
		net.cost = make([]uint32, 2*nk)
		for e := range ne {
			if keepE[e] {
				net.cost[2*pos[e]], net.cost[2*pos[e]+1] = c.cost[p][2*e], c.cost[p][2*e+1]
			}
		}
		c.cost[p] = nil
	}
	g.buildAdjacency()
	// Statistics and top speeds.
	hasOut := make([]bool, m)
	for p, net := range nets {
		ns := &b.st.Networks[p]
		clear(hasOut)
		for e := range nk {
			f, r := g.speeds(uint32(e), p)
			segsE := int(g.shapeFirst[e+1]-g.shapeFirst[e]) + 1
			open := 0
			if net.cost[2*e] != unreached {
				open++
				hasOut[g.ea[e]] = true
				net.maxKmh = max(net.maxKmh, float64(f))
			}
			if net.cost[2*e+1] != unreached {
				open++
				hasOut[g.eb[e]] = true
				net.maxKmh = max(net.maxKmh, float64(r))
			}
			if open > 0 {
				ns.Nodes += segsE - 1
			}
			net.arcs += open * segsE
			if open == 1 {
				ns.OneWaySegments += segsE
			}
		}
		for _, h := range hasOut {
			if h {
				ns.Nodes++
			}
		}
		ns.Arcs = net.arcs
	}
	b.st.Nodes = g.NumNodes()
	b.st.Junctions = g.NumJunctions()
	b.st.Edges = g.NumEdges()
	return g, nil
}

// buildAdjacency indexes both ends of every edge by junction.
func (g *Graph) buildAdjacency() {
	m := len(g.lat)
	g.adjFirst = make([]uint32, m+1)
	for e := range g.ea {
		g.adjFirst[g.ea[e]+1]++
		g.adjFirst[g.eb[e]+1]++
	}
	for v := range m {
		g.adjFirst[v+1] += g.adjFirst[v]
	}
	g.adj = make([]adjEntry, g.adjFirst[m])
	next := slices.Clone(g.adjFirst[:m])
	for e := range g.ea {
		a, b := g.ea[e], g.eb[e]
		g.adj[next[a]] = adjEntry{head: b, code: uint32(e) << 1}
		next[a]++
		g.adj[next[b]] = adjEntry{head: a, code: uint32(e)<<1 | 1}
		next[b]++
	}
}

// costMillis is the time in milliseconds to cover metres at kmh.
func costMillis(metres, kmh float64) uint32 {
	return uint32(math.Round(metres / (kmh / 3.6) * 1000))
}
