package road

import (
	"fmt"
	"math"
	"slices"

	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// Route returns the fastest trip from one point to another: its time
// (access at both ends included), its length in metres (snap distances
// included) and its geometry, every node it passes; when the direct trip at
// the access speed is faster and shorter than the two snap distances (two
// points near each other, far from the roads), it is returned. It returns
// an error wrapping travel.ErrOffNetwork when either end is off network,
// and a plain error when the network does not connect them.
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
		s.parent = make([]uint32, e.g.NumJunctions())
		s.pcode = make([]uint32, e.g.NumJunctions())
	}
	nodes, d := e.astar(s, a.Node, b.Node)
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
		p := e.g.Node(v)
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

// astar runs A* over the junctions, along the arcs, from node src to node
// dst (junctions or shape points: a shape point leaves and is reached
// through its edge's ends, or directly along a shared edge) with, as
// heuristic, the larger of the great-circle distance at the network's top
// speed and the landmark bound (see landmarks). It returns every node of
// the path and its cost in units, nil when dst is unreachable.
func (e *Engine) astar(s *scratch, src, dst int) ([]int, uint32) {
	g, net := e.g, e.net
	cost := net.cost
	tLat, tLon := g.nodeLatLon(dst)
	cos := math.Cos(float64(tLat) / coordScale * math.Pi / 180)
	// metres per fixed-point unit, and cost units per metre at top speed,
	// shrunk by 0.5 % so the equirectangular estimate stays a lower bound.
	const mPerUnit = 111194.93 / coordScale
	perMetre := 0.0
	if e.maxMS > 0 {
		perMetre = 0.995 * 1000 / e.maxMS
	}
	net.lmOnce.Do(func() { net.lm = buildLandmarks(g, net) })
	lm := net.lm
	// The junctions the target is reached through (along the arcs).
	goal := [2]cand{{none, 0}, {none, 0}}
	dstEdge, dstK := int32(-1), 0
	if dst < g.NumJunctions() {
		goal[0] = cand{uint32(dst), 0}
	} else {
		ed, k := g.nodeEdge(dst)
		dstEdge, dstK = int32(ed), k
		ax, _, _, bx := e.along(ed, k)
		if ax != unreached {
			goal[0] = cand{g.ea[ed], ax}
		}
		if bx != unreached {
			goal[1] = cand{g.eb[ed], bx}
		}
	}
	h := func(v uint32) uint32 {
		dx := (float64(g.lon[v]) - float64(tLon)) * cos
		dy := float64(g.lat[v]) - float64(tLat)
		geoB := uint32(math.Sqrt(dx*dx+dy*dy) * mPerUnit * perMetre)
		lmB := uint64(unreached)
		for _, c := range goal {
			if c.node != none {
				lmB = min(lmB, uint64(lm.bound(v, c.node))+uint64(c.off))
			}
		}
		return max(geoB, uint32(min(lmB, unreached-1)))
	}
	best, via := uint64(unreached), uint32(none)
	check := func(v uint32, d uint32) {
		for _, c := range goal {
			if c.node == v {
				if t := uint64(d) + uint64(c.off); t < best {
					best, via = t, v
				}
			}
		}
	}
	seed := func(v uint32, d uint32) {
		if s.relax(v, d, d+h(v)) {
			s.parent[v], s.pcode[v] = v, none
			check(v, d)
		}
	}
	// The source: a junction, or the ends of its edge it leaves by.
	srcEdge, srcK := int32(-1), 0
	if src < g.NumJunctions() {
		seed(uint32(src), 0)
	} else {
		ed, k := g.nodeEdge(src)
		srcEdge, srcK = int32(ed), k
		_, xb, xa, _ := e.along(ed, k)
		if xb != unreached {
			seed(g.eb[ed], xb)
		}
		if xa != unreached {
			seed(g.ea[ed], xa)
		}
	}
	// Both on one edge: the trip along it.
	direct := uint64(unreached)
	if src == dst {
		direct = 0
	} else if srcEdge >= 0 && srcEdge == dstEdge {
		if c := e.direct(uint32(srcEdge), srcK, dstK, 0); c != unreached {
			direct = uint64(c)
		}
	}
	for {
		en, ok := s.pop()
		if !ok || uint64(en.key) >= min(best, direct) {
			break
		}
		u := en.node
		du := s.ns[u].dist
		for _, a := range g.adj[g.adjFirst[u]:g.adjFirst[u+1]] {
			c := cost[a.code]
			d := du + c
			if c == unreached || d < du {
				continue
			}
			if s.relax(a.head, d, d+h(a.head)) {
				s.parent[a.head], s.pcode[a.head] = u, a.code
				check(a.head, d)
			}
		}
	}
	if direct <= best && direct != unreached {
		return e.edgeStretch(uint32(max(srcEdge, 0)), src, dst, srcK, dstK), uint32(direct)
	}
	if best == unreached {
		return nil, 0
	}
	// The junctions from the source's to the target's, then every node.
	var js []uint32
	for v := via; ; v = s.parent[v] {
		js = append(js, v)
		if s.parent[v] == v {
			break
		}
	}
	slices.Reverse(js)
	var path []int
	if srcEdge >= 0 { // from the source along its edge to the first junction
		ed := uint32(srcEdge)
		_, xb, _, _ := e.along(ed, srcK)
		if js[0] == g.eb[ed] && xb != unreached && s.ns[js[0]].dist == xb {
			path = e.shapeRun(ed, srcK, true, path)
		} else {
			path = e.shapeRun(ed, srcK, false, path)
		}
	}
	path = append(path, int(js[0]))
	for _, v := range js[1:] {
		code := s.pcode[v]
		ed := code >> 1
		nj := g.NumJunctions()
		lo, hi := int(g.shapeFirst[ed]), int(g.shapeFirst[ed+1])
		if code&1 == 0 {
			for x := lo; x < hi; x++ {
				path = append(path, nj+x)
			}
		} else {
			for x := hi - 1; x >= lo; x-- {
				path = append(path, nj+x)
			}
		}
		path = append(path, int(v))
	}
	if dstEdge >= 0 { // from the last junction along the target's edge
		ed := uint32(dstEdge)
		lo, nj := int(g.shapeFirst[ed]), g.NumJunctions()
		if via == g.ea[ed] && goal[0].node == via && uint64(s.ns[via].dist)+uint64(goal[0].off) == best {
			for x := 0; x <= dstK; x++ {
				path = append(path, nj+lo+x)
			}
		} else {
			n := int(g.shapeFirst[ed+1]) - lo
			for x := n - 1; x >= dstK; x-- {
				path = append(path, nj+lo+x)
			}
		}
	}
	return path, uint32(best)
}

// shapeRun appends to path the nodes of edge ed from its shape point k
// (included) to the end it leaves by (towardsB: to b, else to a), ends
// excluded.
func (e *Engine) shapeRun(ed uint32, k int, towardsB bool, path []int) []int {
	g := e.g
	lo, nj := int(g.shapeFirst[ed]), g.NumJunctions()
	n := int(g.shapeFirst[ed+1]) - lo
	if towardsB {
		for x := k; x < n; x++ {
			path = append(path, nj+lo+x)
		}
	} else {
		for x := k; x >= 0; x-- {
			path = append(path, nj+lo+x)
		}
	}
	return path
}

// edgeStretch returns the nodes from src to dst along one edge (both shape
// points of ed, or the same node).
func (e *Engine) edgeStretch(ed uint32, src, dst, k, j int) []int {
	if src == dst {
		return []int{src}
	}
	lo, nj := int(e.g.shapeFirst[ed]), e.g.NumJunctions()
	var path []int
	step := 1
	if j < k {
		step = -1
	}
	for x := k; ; x += step {
		path = append(path, nj+lo+x)
		if x == j {
			break
		}
	}
	return path
}
