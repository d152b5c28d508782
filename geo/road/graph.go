package road

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// Errors returned by the readers and the engine.
var (
	ErrNoRoads        = errors.New("road: no routable way in the data")
	ErrNoOverlap      = errors.New("road: no demand point is near the road network")
	ErrUnknownNetwork = errors.New("road: the graph has no such network")
)

// coordScale converts degrees to the graph's int32 fixed point (1e-7 degree,
// about 1 cm, as in OpenStreetMap itself).
const coordScale = 1e7

// Options tune graph building. The zero value is usable: it means the
// default profiles and DefaultMinComponent.
type Options struct {
	// Profiles are the road networks built, travel.DefaultProfiles() when nil.
	Profiles []*travel.Profile
	// MinComponent is the smallest strongly connected component, in nodes,
	// whose arcs are kept for a profile; the largest component is always
	// kept. 0 means DefaultMinComponent; 1 keeps everything.
	MinComponent int
	// Procs is the number of goroutines decoding a PBF (0: 2).
	Procs int
}

// DefaultMinComponent is the default Options.MinComponent, in nodes: a
// fragment smaller than this (a car park, a clipped stub, a footway island)
// is dropped rather than given its own disconnected times.
const DefaultMinComponent = 50

// Stats describes what a reader found and kept.
type Stats struct {
	Bytes         int64         // bytes of PBF read (0 for FromOSM)
	Duration      time.Duration // time to read and build
	NodesRead     int           // OSM nodes read
	WaysRead      int           // OSM ways read
	RoutableWays  int           // ways open to at least one profile
	MissingRefs   int           // references of routable ways to nodes absent from the data
	DuplicateRefs int           // consecutive references to the same node, skipped
	Nodes         int           // graph nodes kept
	Networks      []NetworkStats
}

// NetworkStats describes one profile's network.
type NetworkStats struct {
	Name             string
	Nodes            int // nodes with at least one arc of this profile
	Arcs             int // directed arcs kept
	Components       int // strongly connected components before filtering
	FragmentsDropped int // components dropped (smaller than MinComponent)
	NodesDropped     int // nodes of the dropped components
	LargestNodes     int // nodes in the largest component
	OneWaySegments   int // kept segments open in one direction only (one-ways)
}

// String summarises the statistics on one line per network.
func (s *Stats) String() string {
	out := fmt.Sprintf("read %d nodes, %d ways (%d routable), %d missing node refs; %d graph nodes; %d bytes in %v",
		s.NodesRead, s.WaysRead, s.RoutableWays, s.MissingRefs, s.Nodes, s.Bytes, s.Duration.Round(time.Millisecond))
	for _, n := range s.Networks {
		out += fmt.Sprintf("\n  %s: %d nodes, %d arcs (%d one-way), %d components, %d fragments dropped (%d nodes), largest %d",
			n.Name, n.Nodes, n.Arcs, n.OneWaySegments, n.Components, n.FragmentsDropped, n.NodesDropped, n.LargestNodes)
	}
	return out
}

// csr is a compressed sparse row adjacency: the arcs leaving node v are
// first[v] .. first[v+1]-1, going to head[i] at cost[i] milliseconds.
type csr struct {
	first []uint32
	head  []uint32
	cost  []uint32
}

func (c *csr) arcs() int { return len(c.head) }

// network is one profile's graph, forward and reversed.
type network struct {
	name   string
	refKmh float64 // the profile's RefKmh: costs scale with the mode speed when > 0
	maxKmh float64 // the fastest arc speed, km/h (A* bound)
	fwd    csr
	rev    csr      // the transpose of fwd
	inner  []uint64 // bitset of the inner (chain) nodes, see markInner

	idxOnce sync.Once
	idx     *Index

	lmOnce sync.Once
	lm     *landmarks
}

// Graph is a routable road network: node coordinates in spatial (Hilbert)
// order and, per profile, CSR arrays of arcs with their costs. A Graph is
// immutable once built and safe for concurrent use.
type Graph struct {
	lat, lon []int32 // 1e-7 degrees
	nets     []*network
}

// NumNodes returns the number of graph nodes.
func (g *Graph) NumNodes() int { return len(g.lat) }

// Node returns the position of node v.
func (g *Graph) Node(v int) orb.Point {
	return orb.Point{float64(g.lon[v]) / coordScale, float64(g.lat[v]) / coordScale}
}

// Networks returns the names of the graph's networks ("car", "foot", …).
func (g *Graph) Networks() []string {
	out := make([]string, len(g.nets))
	for i, n := range g.nets {
		out[i] = n.name
	}
	return out
}

// NumArcs returns the number of directed arcs of the named network, -1 if
// the graph has none.
func (g *Graph) NumArcs(network string) int {
	n := g.net(network)
	if n == nil {
		return -1
	}
	return n.fwd.arcs()
}

// Bound returns the bounding box of the graph's nodes.
func (g *Graph) Bound() orb.Bound {
	if len(g.lat) == 0 {
		return orb.Bound{}
	}
	b := orb.Bound{Min: g.Node(0), Max: g.Node(0)}
	for v := range g.lat {
		b = b.Extend(g.Node(v))
	}
	return b
}

// MemoryBytes returns the size in bytes of the graph's arrays (coordinates,
// forward and reverse CSR, chain bitsets; not the lazily built snapping
// index and landmark tables).
func (g *Graph) MemoryBytes() int {
	b := 8 * len(g.lat)
	for _, n := range g.nets {
		for _, c := range []*csr{&n.fwd, &n.rev} {
			b += 4*len(c.first) + 8*len(c.head)
		}
		b += 8 * len(n.inner)
	}
	return b
}

func (g *Graph) net(name string) *network {
	for _, n := range g.nets {
		if n.name == name {
			return n
		}
	}
	return nil
}

// rawNode is an OSM node as read.
type rawNode struct {
	id       int64
	lat, lon int32
}

// builder accumulates OSM objects in any order and builds the graph.
type builder struct {
	opts     Options
	profiles []*travel.Profile
	nodes    []rawNode
	refs     []int64   // node references of kept ways, concatenated
	wayEnd   []int32   // way i holds refs[wayEnd[i-1]:wayEnd[i]]
	speeds   []float32 // way i: speeds[2*P*i + 2*p + {0 fwd, 1 bwd}], km/h
	st       Stats
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

func (b *builder) addNode(id int64, lat, lon float64) {
	b.st.NodesRead++
	if !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
		return // NaN or out of range: treated as missing
	}
	b.nodes = append(b.nodes, rawNode{id, toFixed(lat), toFixed(lon)})
}

func (b *builder) addWay(tags travel.Tags, refs func(yield func(int64) bool)) {
	b.st.WaysRead++
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

// idFinder returns a function giving the index of a node id in nodes
// (sorted by id), -1 if absent: a table of bucket starts over the id range
// narrows each binary search to a few nodes.
func idFinder(nodes []rawNode) func(id int64) int32 {
	if len(nodes) == 0 {
		return func(int64) int32 { return -1 }
	}
	lo, hi := nodes[0].id, nodes[len(nodes)-1].id
	shift := uint(0)
	for (uint64(hi-lo) >> shift) > uint64(len(nodes)) {
		shift++
	}
	nb := int(uint64(hi-lo)>>shift) + 2
	start := make([]int32, nb)
	bk := 0
	for i, n := range nodes {
		k := int(uint64(n.id-lo) >> shift)
		for bk <= k {
			start[bk] = int32(i)
			bk++
		}
	}
	for ; bk < nb; bk++ {
		start[bk] = int32(len(nodes))
	}
	return func(id int64) int32 {
		if id < lo || id > hi {
			return -1
		}
		k := int(uint64(id-lo) >> shift)
		i, j := int(start[k]), int(start[k+1])
		for i < j {
			m := int(uint(i+j) >> 1)
			if nodes[m].id < id {
				i = m + 1
			} else {
				j = m
			}
		}
		if i < len(nodes) && nodes[i].id == id {
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

func (b *builder) build() (*Graph, error) {
	P := len(b.profiles)
	if P == 0 || P > 8 {
		return nil, fmt.Errorf("road: %d profiles, want 1 to 8", P)
	}
	if len(b.wayEnd) == 0 {
		return nil, ErrNoRoads
	}
	// 1. Nodes sorted by id, duplicates dropped.
	slices.SortFunc(b.nodes, func(x, y rawNode) int {
		switch {
		case x.id < y.id:
			return -1
		case x.id > y.id:
			return 1
		}
		return 0
	})
	b.nodes = slices.CompactFunc(b.nodes, func(x, y rawNode) bool { return x.id == y.id })
	find := idFinder(b.nodes)
	// 2. Resolve references, cut ways at missing nodes, number used nodes.
	compact := make([]int32, len(b.nodes))
	for i := range compact {
		compact[i] = -1
	}
	var used []int32 // compact index -> raw index
	segs := make([]segment, 0, len(b.refs))
	start := int32(0)
	for w, end := range b.wayEnd {
		prev := int32(-1)
		for _, id := range b.refs[start:end] {
			r := find(id)
			if r < 0 {
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
	if len(segs) == 0 {
		return nil, fmt.Errorf("%w: %d routable ways but no segment with both nodes present (%d missing refs)",
			ErrNoRoads, b.st.RoutableWays, b.st.MissingRefs)
	}
	n := len(used)
	lat := make([]int32, n)
	lon := make([]int32, n)
	for c, r := range used {
		lat[c], lon[c] = b.nodes[r].lat, b.nodes[r].lon
	}
	b.nodes = nil
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

// transpose returns the reversed graph of c over n nodes.
func transpose(c csr, n int) csr {
	first := make([]uint32, n+1)
	for _, h := range c.head {
		first[h+1]++
	}
	for v := range n {
		first[v+1] += first[v]
	}
	r := csr{first: first, head: make([]uint32, len(c.head)), cost: make([]uint32, len(c.head))}
	next := make([]uint32, n)
	copy(next, first[:n])
	for u := range n {
		for i := c.first[u]; i < c.first[u+1]; i++ {
			h := c.head[i]
			j := next[h]
			next[h]++
			r.head[j] = uint32(u)
			r.cost[j] = c.cost[i]
		}
	}
	return r
}

func permute[T any](xs []T, order []int32) []T {
	out := make([]T, len(xs))
	for i, c := range order {
		out[i] = xs[c]
	}
	return out
}

// hilbertOrder returns the node indices sorted along a Hilbert curve over
// the bounding box of the coordinates (16 bits per axis).
func hilbertOrder(lat, lon []int32) []int32 {
	n := len(lat)
	if n == 0 {
		return nil
	}
	minLat, maxLat, minLon, maxLon := lat[0], lat[0], lon[0], lon[0]
	for i := range n {
		minLat, maxLat = min(minLat, lat[i]), max(maxLat, lat[i])
		minLon, maxLon = min(minLon, lon[i]), max(maxLon, lon[i])
	}
	spanLat := float64(maxLat-minLat) + 1
	spanLon := float64(maxLon-minLon) + 1
	type kv struct {
		k uint64
		i int32
	}
	kvs := make([]kv, n)
	for i := range n {
		x := uint32(float64(lon[i]-minLon) / spanLon * 65536)
		y := uint32(float64(lat[i]-minLat) / spanLat * 65536)
		kvs[i] = kv{hilbert(x, y), int32(i)}
	}
	// LSD radix sort on the 32-bit keys, 11 bits a pass: stable, so ties
	// keep the input order.
	tmp := make([]kv, n)
	for shift := uint(0); shift < 33; shift += 11 {
		var count [1 << 11]int
		for _, e := range kvs {
			count[(e.k>>shift)&(1<<11-1)]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, e := range kvs {
			d := (e.k >> shift) & (1<<11 - 1)
			tmp[count[d]] = e
			count[d]++
		}
		kvs, tmp = tmp, kvs
	}
	out := make([]int32, n)
	for i, e := range kvs {
		out[i] = e.i
	}
	return out
}

// hilbert returns the position of (x, y), 16-bit coordinates, along the
// Hilbert curve of order 16.
func hilbert(x, y uint32) uint64 {
	const n = 1 << 16
	var d uint64
	for s := uint32(n / 2); s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				x, y = n-1-x, n-1-y
			}
			x, y = y, x
		}
	}
	return d
}

// scc returns the strongly connected component of every node (iterative
// Tarjan) and the size of every component.
func scc(n int, first, head []uint32) (comp []int32, sizes []int32) {
	idx := make([]int32, n)
	low := make([]int32, n)
	comp = make([]int32, n)
	for i := range idx {
		idx[i] = -1
		comp[i] = -1
	}
	type frame struct {
		v int32
		e uint32
	}
	var stack []int32
	var calls []frame
	counter := int32(0)
	for s := range n {
		if idx[s] >= 0 {
			continue
		}
		idx[s], low[s] = counter, counter
		counter++
		stack = append(stack, int32(s))
		calls = append(calls, frame{int32(s), first[s]})
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			v := f.v
			if f.e < first[v+1] {
				w := head[f.e]
				f.e++
				if idx[w] < 0 {
					idx[w], low[w] = counter, counter
					counter++
					stack = append(stack, int32(w))
					calls = append(calls, frame{int32(w), first[w]})
				} else if comp[w] < 0 { // on the stack
					low[v] = min(low[v], idx[w])
				}
				continue
			}
			if low[v] == idx[v] {
				c := int32(len(sizes))
				size := int32(0)
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					comp[w] = c
					size++
					if w == v {
						break
					}
				}
				sizes = append(sizes, size)
			}
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				u := calls[len(calls)-1].v
				low[u] = min(low[u], low[v])
			}
		}
	}
	return comp, sizes
}

// markInner returns the bitset of the inner nodes of a network: nodes with
// one or two distinct neighbours, at most one arc to each in either
// direction, that searches walk through (or, at dead ends, into) without
// queueing: the shape nodes of chains between junctions and the ends of
// cul-de-sacs, about 80 % of OpenStreetMap road nodes.
func markInner(fwd, rev *csr, n int) []uint64 {
	bits := make([]uint64, (n+63)/64)
	for v := range n {
		var nb [2]uint32
		k := 0
		ok := true
		for _, c := range []*csr{fwd, rev} {
			seen := 0
			for _, h := range c.head[c.first[v]:c.first[v+1]] {
				seen++
				switch {
				case k > 0 && nb[0] == h, k > 1 && nb[1] == h:
				case k < 2 && h != uint32(v):
					nb[k] = h
					k++
				default:
					ok = false
				}
			}
			if seen > 2 {
				ok = false
			}
		}
		// No parallel arcs: the out-arcs go to distinct neighbours.
		if ok && fwd.first[v+1]-fwd.first[v] == 2 && fwd.head[fwd.first[v]] == fwd.head[fwd.first[v]+1] {
			ok = false
		}
		if ok && rev.first[v+1]-rev.first[v] == 2 && rev.head[rev.first[v]] == rev.head[rev.first[v]+1] {
			ok = false
		}
		if ok && (k == 2 || k == 1) {
			bits[v>>6] |= 1 << (v & 63)
		}
	}
	return bits
}
