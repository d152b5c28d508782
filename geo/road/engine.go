package road

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
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
type Engine struct {
	g     *Graph
	net   *network
	mode  travel.Mode
	opts  EngineOptions
	scale float64 // seconds per cost unit
	acc   float64 // access speed, metres per second
	maxMS float64 // metres per second of the fastest arc, for A*

	search *csr // graph searched by Reach and Nearest (rev unless FromPlace)

	pts       []orb.Point
	ptNode    []int32  // snapped node, -1 when off network
	ptAccess  []uint32 // access cost units
	offNet    []int32
	nodeFirst []uint32 // demand points at node v: nodePts[nodeFirst[v]:nodeFirst[v+1]]
	nodePts   []int32

	pool sync.Pool

	settled atomic.Int64
}

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
	e.search = &net.rev
	if opts.FromPlace {
		e.search = &net.fwd
	}
	n := g.NumNodes()
	e.pool.New = func() any { return newScratch(n) }
	ix := e.index()
	e.ptNode = make([]int32, len(pts))
	e.ptAccess = make([]uint32, len(pts))
	e.nodeFirst = make([]uint32, n+1)
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
			}
		}()
	}
	wg.Wait()
	for i, v := range e.ptNode {
		if v < 0 {
			e.offNet = append(e.offNet, int32(i))
			continue
		}
		e.ptAccess[i] = e.units(metres[i] / e.acc)
		e.nodeFirst[v+1]++
	}
	if len(pts) > 0 && len(e.offNet) == len(pts) {
		return nil, fmt.Errorf("%w: all %d points are more than %.0f m from the %s network (graph bounds %v)",
			ErrNoOverlap, len(pts), opts.MaxSnapMetres, net.name, g.Bound())
	}
	for v := range n {
		e.nodeFirst[v+1] += e.nodeFirst[v]
	}
	e.nodePts = make([]int32, e.nodeFirst[n])
	next := make([]uint32, n)
	copy(next, e.nodeFirst[:n])
	for i, v := range e.ptNode {
		if v >= 0 {
			e.nodePts[next[v]] = int32(i)
			next[v]++
		}
	}
	return e, nil
}

// index returns the snapping index of the engine's network, built once.
func (e *Engine) index() *Index {
	net := e.net
	net.idxOnce.Do(func() {
		net.idx = newIndex(e.g, func(v int) bool {
			return net.fwd.first[v+1] > net.fwd.first[v] || net.rev.first[v+1] > net.rev.first[v]
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
	s.seed(uint32(sn.Node), a)
	s.run(e.search, e.net.inner, bound)
	e.settled.Add(int64(s.labelled))
	nf, np, acc, scale := e.nodeFirst, e.nodePts, e.ptAccess, e.scale
	for _, v := range s.touched {
		d := s.ns[v].dist
		if d > bound {
			continue
		}
		for _, i := range np[nf[v]:nf[v+1]] {
			if t := uint64(d) + uint64(acc[i]); t <= uint64(bound) {
				fn(i, float32(float64(t)*scale))
			}
		}
	}
	return nil
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
	for _, p := range sources {
		sn, err := e.Snap(p)
		if err != nil {
			continue
		}
		if a := e.units(sn.Seconds); a <= bound {
			s.seed(uint32(sn.Node), a)
			on++
		}
	}
	s.run(e.search, e.net.inner, bound)
	e.settled.Add(int64(s.labelled))
	inf := float32(math.Inf(1))
	for i, v := range e.ptNode {
		out[i] = inf
		if v < 0 {
			continue
		}
		d := s.distance(uint32(v))
		if d == unreached {
			continue
		}
		if t := uint64(d) + uint64(e.ptAccess[i]); t <= uint64(bound) {
			out[i] = float32(float64(t) * e.scale)
		}
	}
	return on
}

// Route returns the fastest trip from one point to another: its time
// (access at both ends included), its length in metres (snap distances
// included) and its geometry; when the direct trip at the access speed is
// faster and shorter than the two snap distances (two points near each
// other, far from the roads), it is returned. It returns an error wrapping
// travel.ErrOffNetwork when either end is off network, and a plain error
// when the network does not connect them.
func (e *Engine) Route(from, to orb.Point) (travel.Route, error) {
	a, err := e.Snap(from)
	if err != nil {
		return travel.Route{}, fmt.Errorf("road: route start: %w", err)
	}
	b, err := e.Snap(to)
	if err != nil {
		return travel.Route{}, fmt.Errorf("road: route end: %w", err)
	}
	s := e.get()
	defer e.pool.Put(s)
	if s.parent == nil {
		s.parent = make([]uint32, e.g.NumNodes())
	}
	nodes, d := e.astar(s, uint32(a.Node), uint32(b.Node))
	e.settled.Add(int64(s.labelled))
	if nodes == nil {
		return travel.Route{}, fmt.Errorf("road: no %s route from %v to %v", e.net.name, from, to)
	}
	r := travel.Route{
		Seconds: float64(d)*e.scale + a.Seconds + b.Seconds,
		Meters:  a.Metres + b.Metres,
		Path:    make(orb.LineString, 0, len(nodes)+2),
	}
	r.Path = append(r.Path, from)
	for i, v := range nodes {
		p := e.g.Node(int(v))
		if i > 0 {
			r.Meters += geo.Distance(r.Path[len(r.Path)-1], p)
		}
		r.Path = append(r.Path, p)
	}
	r.Path = append(r.Path, to)
	// Two points closer to each other than to the network: the direct trip
	// at the access speed is faster than going via the road.
	// (Only then: a car does not cut across a one-way street's block.)
	if d := geo.Distance(from, to); d < a.Metres+b.Metres && d/e.acc < r.Seconds {
		return travel.Route{Seconds: d / e.acc, Meters: d, Path: orb.LineString{from, to}}, nil
	}
	return r, nil
}

// astar runs A* on the forward graph from src to dst with, as heuristic,
// the larger of the great-circle distance at the network's top speed and the
// landmark bound (see landmarks), walking chains of inner
// nodes like scratch.run. It returns the node path and its cost in units,
// nil when dst is unreachable.
func (e *Engine) astar(s *scratch, src, dst uint32) ([]uint32, uint32) {
	c := &e.net.fwd
	first, head, cost, inner := c.first, c.head, c.cost, e.net.inner
	g := e.g
	tLat, tLon := float64(g.lat[dst]), float64(g.lon[dst])
	cos := math.Cos(tLat / coordScale * math.Pi / 180)
	// metres per fixed-point unit, and cost units per metre at top speed,
	// shrunk by 0.5 % so the equirectangular estimate stays a lower bound.
	const mPerUnit = 111194.93 / coordScale
	perMetre := 0.0
	if e.maxMS > 0 {
		perMetre = 0.995 * 1000 / e.maxMS
	}
	net := e.net
	net.lmOnce.Do(func() { net.lm = buildLandmarks(net, net.inner, g.NumNodes()) })
	lm := net.lm
	h := func(v uint32) uint32 {
		dx := (float64(g.lon[v]) - tLon) * cos
		dy := float64(g.lat[v]) - tLat
		return max(uint32(math.Sqrt(dx*dx+dy*dy)*mPerUnit*perMetre), lm.bound(v, dst))
	}
	s.relax(src, 0, h(src))
	s.parent[src] = src
	for {
		en, ok := s.pop()
		if !ok || en.key >= s.distance(dst) {
			break
		}
		u := en.node
		du := s.ns[u].dist
	arcs:
		for i := first[u]; i < first[u+1]; i++ {
			v, d := head[i], du+cost[i]
			if d < du {
				continue
			}
			prev := u
			for inner[v>>6]&(1<<(v&63)) != 0 && v != dst {
				if !s.label(v, d) {
					continue arcs
				}
				s.parent[v] = prev
				next := false
				for j := first[v]; j < first[v+1]; j++ {
					if w := head[j]; w != prev {
						nd := d + cost[j]
						if nd < d {
							continue arcs
						}
						prev, v, d = v, w, nd
						next = true
						break
					}
				}
				if !next {
					continue arcs
				}
			}
			if s.relax(v, d, d+h(v)) {
				s.parent[v] = prev
			}
		}
	}
	if s.distance(dst) == unreached {
		return nil, 0
	}
	var path []uint32
	for v := dst; ; v = s.parent[v] {
		path = append(path, v)
		if v == src {
			break
		}
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path, s.ns[dst].dist
}
