package road

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
)

// Engine implements travel.Engine.
var _ travel.Engine = (*Engine)(nil)

// DefaultMaxSnapMetres is the default EngineOptions.MaxSnapMetres: a point
// farther than 1 km from every road of its network is off network.
const DefaultMaxSnapMetres = 1000

// EngineOptions tune an Engine. The zero value gives the defaults.
type EngineOptions struct {
	// MaxSnapMetres is the largest distance, in metres, between a point and
	// the node it snaps to; farther points are off network. 0 means
	// DefaultMaxSnapMetres.
	MaxSnapMetres float64
	// AccessKmh is the speed, in km/h, at which the snap distance is
	// covered. 0 means the mode's crow-fly progress speed, SpeedKmh/Detour:
	// reaching the road costs what the crow-fly engine would charge.
	AccessKmh float64
	// FromPlace makes Reach and Nearest time trips from the place to the
	// demand points. By default they time the resident's trip, from the
	// demand point to the place (it differs by car, on one-way streets).
	FromPlace bool
}

// Engine answers travel.Engine queries on one network of a Graph for one
// mode, with results keyed by the index of the demand points given to
// NewEngine. It is safe for concurrent use: every query takes its own
// scratch arrays from a sync.Pool and allocates nothing per settled node.
//
// Searches run over junctions only. A demand point snapped to a shape
// point x of edge a–b is reached through the edge's ends: its time is the
// smaller of (time at a) + (cost between a and x) and (time at b) + (cost
// between b and x), over the open directions, each cost the sum of the
// rounded segment costs between them, so it equals what a search over
// every node would give; a place on the same edge as the point also
// reaches it directly along the edge.
type Engine struct {
	g     *Graph
	net   *network
	mode  travel.Mode
	opts  EngineOptions
	scale float64 // seconds per cost unit
	acc   float64 // access speed, metres per second
	maxMS float64 // metres per second of the fastest arc, for A*
	flip  uint32  // searches of Reach and Nearest: 1 reversed arcs (the trip to the place), 0 with FromPlace

	pts       []orb.Point
	ptNode    []int32   // snapped node, -1 when off network
	ptAccess  []uint32  // access cost units
	ptEdge    []int32   // edge of a point snapped to a shape point, else -1
	ptCand    [][2]cand // the junctions a point is reached through, with the cost between
	offNet    []int32
	juncFirst []uint32 // candidates at junction v: juncEnt[juncFirst[v]:juncFirst[v+1]]
	juncEnt   []uint32 // point<<1 | which of its two candidates

	pool sync.Pool

	settled atomic.Int64
}

// cand is a junction through which a node is reached and the cost, in
// cost units, between the two along the edge; node is none when absent.
type cand struct {
	node uint32
	off  uint32
}

const none = math.MaxUint32

// NewEngine returns an engine for mode on g, whose Network names one of g's
// networks, over the demand points pts (cell centres, in the caller's
// order). Points farther than MaxSnapMetres from the network are off network:
// see OffNetwork. When every point is off network (an extract that does not
// overlap the territory) it returns an error wrapping ErrNoOverlap.
func NewEngine(g *Graph, mode travel.Mode, pts []orb.Point, opts EngineOptions) (*Engine, error) {
	net := g.net(mode.Network)
	if net == nil {
		return nil, fmt.Errorf("%w: %q (have %v)", ErrUnknownNetwork, mode.Network, g.Networks())
	}
	if !(mode.SpeedKmh > 0) {
		return nil, fmt.Errorf("road: mode %q has speed %v km/h", mode.Name, mode.SpeedKmh)
	}
	if opts.MaxSnapMetres <= 0 {
		opts.MaxSnapMetres = DefaultMaxSnapMetres
	}
	if opts.AccessKmh <= 0 {
		opts.AccessKmh = mode.SpeedKmh / math.Max(mode.Detour, 1)
	}
	e := &Engine{g: g, net: net, mode: mode, opts: opts, pts: pts}
	e.scale = 0.001
	speedFactor := 1.0
	if net.refKmh > 0 {
		speedFactor = mode.SpeedKmh / net.refKmh
		e.scale = 0.001 / speedFactor
	}
	e.acc = opts.AccessKmh / 3.6
	e.maxMS = net.maxKmh / 3.6
	e.flip = 1
	if opts.FromPlace {
		e.flip = 0
	}
	nj := g.NumJunctions()
	e.pool.New = func() any { return newScratch(nj) }
	ix := e.index()
	e.ptNode = make([]int32, len(pts))
	e.ptAccess = make([]uint32, len(pts))
	e.ptEdge = make([]int32, len(pts))
	e.ptCand = make([][2]cand, len(pts))
	// Snap in parallel: the index is read-only.
	metres := make([]float64, len(pts))
	var wg sync.WaitGroup
	workers := max(1, min(runtime.GOMAXPROCS(0), len(pts)/1000))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(pts); i += workers {
				v, m, ok := ix.Nearest(pts[i], opts.MaxSnapMetres)
				if !ok {
					v = -1
				}
				e.ptNode[i], metres[i] = int32(v), m
				e.ptEdge[i] = -1
				e.ptCand[i] = [2]cand{{none, 0}, {none, 0}}
				if v >= 0 {
					e.ptCand[i], e.ptEdge[i] = e.reachedThrough(v)
				}
			}
		}()
	}
	wg.Wait()
	e.juncFirst = make([]uint32, nj+1)
	for i, v := range e.ptNode {
		if v < 0 {
			e.offNet = append(e.offNet, int32(i))
			continue
		}
		e.ptAccess[i] = e.units(metres[i] / e.acc)
		for _, c := range e.ptCand[i] {
			if c.node != none {
				e.juncFirst[c.node+1]++
			}
		}
	}
	if len(pts) > 0 && len(e.offNet) == len(pts) {
		return nil, fmt.Errorf("%w: all %d points are more than %.0f m from the %s network (graph bounds %v)",
			ErrNoOverlap, len(pts), opts.MaxSnapMetres, net.name, g.Bound())
	}
	for v := range nj {
		e.juncFirst[v+1] += e.juncFirst[v]
	}
	e.juncEnt = make([]uint32, e.juncFirst[nj])
	next := slices.Clone(e.juncFirst[:nj])
	for i, v := range e.ptNode {
		if v < 0 {
			continue
		}
		for k, c := range e.ptCand[i] {
			if c.node != none {
				e.juncEnt[next[c.node]] = uint32(i)<<1 | uint32(k)
				next[c.node]++
			}
		}
	}
	return e, nil
}

// netIndex returns the index of the engine's network among the graph's.
func (e *Engine) netIndex() int {
	for p, n := range e.g.nets {
		if n == e.net {
			return p
		}
	}
	return -1
}

// along returns, for the shape point k of edge ed, the costs along the edge
// between it and the ends, unreached in a closed direction: ax from a to
// the point and xb from it to b (travelling a→b), xa from the point to a and
// bx from b to it (travelling b→a).
func (e *Engine) along(ed uint32, k int) (ax, xb, xa, bx uint32) {
	ax, xb, xa, bx = unreached, unreached, unreached, unreached
	f, r := e.g.speeds(ed, e.netIndex())
	sum := func(kmh float32) uint32 {
		var pre uint64
		e.g.segCosts(ed, kmh, func(i int, c uint32) {
			if i <= k {
				pre += uint64(c)
			}
		})
		return uint32(min(pre, unreached-1))
	}
	if c := e.net.cost[2*ed]; c != unreached {
		ax = sum(f)
		xb = c - min(ax, c)
	}
	if c := e.net.cost[2*ed+1]; c != unreached {
		xa = sum(r)
		bx = c - min(xa, c)
	}
	return ax, xb, xa, bx
}

// reachedThrough returns the junctions through which the engine's searches
// reach node v, with the cost between (for Reach and Nearest: the trip from
// v to the place, or from the place with FromPlace), and v's edge when v
// is a shape point (-1 for a junction).
func (e *Engine) reachedThrough(v int) ([2]cand, int32) {
	if v < e.g.NumJunctions() {
		return [2]cand{{uint32(v), 0}, {none, 0}}, -1
	}
	ed, k := e.g.nodeEdge(v)
	ax, xb, xa, bx := e.along(ed, k)
	a, b := e.g.ea[ed], e.g.eb[ed]
	var c [2]cand
	if e.flip == 1 { // the trip v → place leaves v towards b or a
		c = [2]cand{{b, xb}, {a, xa}}
	} else { // the trip place → v arrives from a or b
		c = [2]cand{{a, ax}, {b, bx}}
	}
	for i := range c {
		if c[i].off == unreached {
			c[i].node = none
		}
	}
	return c, int32(ed)
}

// seedAt seeds a search from node v at d units: v itself when it is a
// junction, else the ends of its edge it reaches along the edge in the
// search direction (flip 1: the trip ends at v, so the ends that reach v).
// It returns v's edge and shape index, -1 for a junction.
func (e *Engine) seedAt(s *scratch, v int, d uint32, flip uint32, bound uint32) (int32, int) {
	if v < e.g.NumJunctions() {
		s.seed(uint32(v), d)
		return -1, 0
	}
	ed, k := e.g.nodeEdge(v)
	ax, xb, xa, bx := e.along(ed, k)
	a, b := e.g.ea[ed], e.g.eb[ed]
	toA, toB := xa, xb // flip 0: from v out to the ends
	if flip == 1 {
		toA, toB = ax, bx // flip 1: from the ends in to v
	}
	if t := uint64(d) + uint64(toA); toA != unreached && t <= uint64(bound) {
		s.seed(a, uint32(t))
	}
	if t := uint64(d) + uint64(toB); toB != unreached && t <= uint64(bound) {
		s.seed(b, uint32(t))
	}
	return int32(ed), k
}

// direct returns the cost along edge ed between its shape points k (the
// place) and j (the point), for the engine's search direction: flip 1 the
// trip j → k, flip 0 the trip k → j; unreached when the direction is closed.
func (e *Engine) direct(ed uint32, k, j int, flip uint32) uint32 {
	from, to := k, j
	if flip == 1 {
		from, to = j, k
	}
	if from == to {
		return 0
	}
	axF, _, xaF, _ := e.along(ed, from)
	axT, _, xaT, _ := e.along(ed, to)
	if from < to { // travelling a→b
		if axF == unreached {
			return unreached
		}
		return axT - axF
	}
	if xaF == unreached { // travelling b→a
		return unreached
	}
	return xaF - xaT
}

// onEdge calls fn for every demand point snapped to a shape point of edge
// ed, once each.
func (e *Engine) onEdge(ed uint32, fn func(i int32)) {
	a, b := e.g.ea[ed], e.g.eb[ed]
	for _, x := range e.juncEnt[e.juncFirst[a]:e.juncFirst[a+1]] {
		if i := int32(x >> 1); e.ptEdge[i] == int32(ed) {
			// Listed at a; it may be listed at b too (a loop: twice at a).
			if k := x & 1; k == 1 && e.ptCand[i][0].node == a {
				continue
			}
			fn(i)
		}
	}
	if a == b {
		return
	}
	for _, x := range e.juncEnt[e.juncFirst[b]:e.juncFirst[b+1]] {
		i := int32(x >> 1)
		if e.ptEdge[i] != int32(ed) || e.ptCand[i][0].node == a || e.ptCand[i][1].node == a {
			continue
		}
		fn(i)
	}
}

// index returns the snapping index of the engine's network, built once.
func (e *Engine) index() *Index {
	net, g := e.net, e.g
	net.idxOnce.Do(func() {
		nj := g.NumJunctions()
		junc := make([]bool, nj)
		for ed := range g.ea {
			if net.open(uint32(ed)) {
				junc[g.ea[ed]], junc[g.eb[ed]] = true, true
			}
		}
		net.idx = newIndex(g, func(v int) bool {
			if v < nj {
				return junc[v]
			}
			ed, _ := g.nodeEdge(v)
			return net.open(ed)
		})
	})
	return net.idx
}

// units converts seconds to cost units, saturating.
func (e *Engine) units(seconds float64) uint32 {
	u := math.Round(seconds / e.scale)
	if !(u < unreached-1) {
		return unreached - 1
	}
	return uint32(u)
}

// Mode returns the engine's mode.
func (e *Engine) Mode() travel.Mode { return e.mode }

// Graph returns the engine's graph.
func (e *Engine) Graph() *Graph { return e.g }

// OffNetwork returns the indices of the demand points farther than
// MaxSnapMetres from the network: Reach never reports them and Nearest gives
// them +Inf, so callers must report them apart (neither covered nor
// uncovered). The slice must not be modified.
func (e *Engine) OffNetwork() []int32 { return e.offNet }

// Settled returns the number of nodes labelled (given their final time) by
// all searches of the engine so far; benchmarks report it.
func (e *Engine) Settled() int64 { return e.settled.Load() }

// Snap describes where a point joins the network.
type Snap struct {
	Node    int       // graph node
	At      orb.Point // the node's position
	Metres  float64   // great-circle distance from the point to the node
	Seconds float64   // time to cover it at the access speed
}

// Snap returns where p joins the network, or an error wrapping
// travel.ErrOffNetwork when it is farther than MaxSnapMetres.
func (e *Engine) Snap(p orb.Point) (Snap, error) {
	v, m, ok := e.index().Nearest(p, e.opts.MaxSnapMetres)
	if !ok {
		hint := ""
		if m > 100_000 {
			hint = "; latitude and longitude swapped?"
		}
		return Snap{}, fmt.Errorf("%w: lat,lon %.6f,%.6f is %.0f m from the %s network (max %.0f m%s)",
			travel.ErrOffNetwork, p[1], p[0], m, e.net.name, e.opts.MaxSnapMetres, hint)
	}
	return Snap{Node: v, At: e.g.Node(v), Metres: m, Seconds: m / e.acc}, nil
}

func (e *Engine) get() *scratch {
	s := e.pool.Get().(*scratch)
	s.reset()
	return s
}

// Catchment calls fn for every demand point whose trip to (or, with
// FromPlace, from) p takes at most max seconds, with that time in seconds,
// in no particular order. It returns an error
// wrapping travel.ErrOffNetwork when p is off network.
func (e *Engine) Catchment(p orb.Point, max float64, fn func(point int32, seconds float32)) error {
	sn, err := e.Snap(p)
	if err != nil {
		return err
	}
	if !(max >= 0) { // negative or NaN: nothing is reachable
		return nil
	}
	bound := e.units(max)
	a := e.units(sn.Seconds)
	if a > bound {
		return nil
	}
	s := e.get()
	defer e.pool.Put(s)
	s.track = true
	srcEdge, srcK := e.seedAt(s, sn.Node, a, e.flip, bound)
	s.run(e.g, e.net.cost, e.flip, bound)
	e.settled.Add(int64(s.labelled))
	acc, scale := e.ptAccess, e.scale
	emit := func(i int32, t uint64) {
		if t += uint64(acc[i]); t <= uint64(bound) {
			fn(i, float32(float64(t)*scale))
		}
	}
	for _, u := range s.touched {
		d := s.ns[u].dist
		if d > bound {
			continue
		}
		for _, x := range e.juncEnt[e.juncFirst[u]:e.juncFirst[u+1]] {
			i, k := int32(x>>1), x&1
			if srcEdge >= 0 && e.ptEdge[i] == srcEdge {
				continue // below, with the direct trip
			}
			t := uint64(d) + uint64(e.ptCand[i][k].off)
			// Reached through both ends: the better one reports it.
			if o := e.ptCand[i][k^1]; o.node != none {
				if do := s.distance(o.node); do != unreached {
					if to := uint64(do) + uint64(o.off); to < t || to == t && o.node < u {
						continue
					}
				}
			}
			emit(i, t)
		}
	}
	if srcEdge >= 0 {
		e.onEdge(uint32(srcEdge), func(i int32) {
			if t := e.timeAt(s, i, uint32(srcEdge), srcK, a); t != unreached {
				emit(i, t)
			}
		})
	}
	return nil
}

// timeAt returns the search's time, in units without access, at demand
// point i, given a source on edge ed at shape index k seeded at d units
// (ed = none: no source on a shape point): the best of its candidates and,
// on the source's edge, of the trip along it.
func (e *Engine) timeAt(s *scratch, i int32, ed uint32, k int, d uint32) uint64 {
	best := uint64(unreached)
	for _, c := range e.ptCand[i] {
		if c.node == none {
			continue
		}
		if dc := s.distance(c.node); dc != unreached {
			best = min(best, uint64(dc)+uint64(c.off))
		}
	}
	if ed != none && e.ptEdge[i] == int32(ed) {
		_, j := e.g.nodeEdge(int(e.ptNode[i]))
		if c := e.direct(ed, k, j, e.flip); c != unreached {
			best = min(best, uint64(d)+uint64(c))
		}
	}
	return best
}

// Reach is Catchment without the error: an off-network p reaches nothing.
func (e *Engine) Reach(p orb.Point, max float64, fn func(point int32, seconds float32)) {
	_ = e.Catchment(p, max, fn)
}

// ReachMany runs Catchment for every place on workers goroutines (0: 2)
// and calls fn with the place's index; fn is called concurrently and must
// be safe for that. It returns the indices of the places off network.
func (e *Engine) ReachMany(places []orb.Point, max float64, workers int, fn func(place int, point int32, seconds float32)) []int {
	if workers <= 0 {
		workers = 2
	}
	var next atomic.Int64
	var mu sync.Mutex
	var off []int
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j := int(next.Add(1) - 1)
				if j >= len(places) {
					return
				}
				err := e.Catchment(places[j], max, func(i int32, t float32) { fn(j, i, t) })
				if err != nil {
					mu.Lock()
					off = append(off, j)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return off
}

// Nearest returns, for every demand point, the time in seconds of the trip
// to (with FromPlace, from) the nearest of sources, +Inf when none is within
// max seconds or the point is off network (see OffNetwork). It is one search
// from all sources at once; sources off network are ignored (check them with
// Snap).
func (e *Engine) Nearest(sources []orb.Point, max float64) []float32 {
	out := make([]float32, len(e.pts))
	e.NearestInto(out, sources, max)
	return out
}

// NearestInto is Nearest writing into out (len(out) must be the number of
// demand points); it returns the number of sources on the network.
func (e *Engine) NearestInto(out []float32, sources []orb.Point, max float64) int {
	if !(max >= 0) { // negative or NaN: nothing is reachable
		sources = nil
		max = 0
	}
	bound := e.units(max)
	s := e.get()
	defer e.pool.Put(s)
	on := 0
	type onShape struct {
		ed uint32
		k  int
		d  uint32
	}
	var shaped []onShape
	for _, p := range sources {
		sn, err := e.Snap(p)
		if err != nil {
			continue
		}
		if a := e.units(sn.Seconds); a <= bound {
			if ed, k := e.seedAt(s, sn.Node, a, e.flip, bound); ed >= 0 {
				shaped = append(shaped, onShape{uint32(ed), k, a})
			}
			on++
		}
	}
	s.run(e.g, e.net.cost, e.flip, bound)
	e.settled.Add(int64(s.labelled))
	inf := float32(math.Inf(1))
	for i, v := range e.ptNode {
		out[i] = inf
		if v < 0 {
			continue
		}
		if t := e.timeAt(s, int32(i), none, 0, 0) + uint64(e.ptAccess[i]); t <= uint64(bound) {
			out[i] = float32(float64(t) * e.scale)
		}
	}
	// Sources on a shape point also reach the points of their edge along it.
	for _, sh := range shaped {
		e.onEdge(sh.ed, func(i int32) {
			if t := e.timeAt(s, i, sh.ed, sh.k, sh.d) + uint64(e.ptAccess[i]); t <= uint64(bound) {
				out[i] = min(out[i], float32(float64(t)*e.scale))
			}
		})
	}
	return on
}
