package road

// Landmarks (the ALT technique: A*, landmarks, triangle inequality) make
// one-to-one routes fast: for a few landmark nodes L, the distances d(L, v)
// and d(v, L) to and from every node give lower bounds
// d(v, t) ≥ d(L, t) − d(L, v) and d(v, t) ≥ d(v, L) − d(t, L) that guide A*
// far better than the straight line at top speed. They are computed once
// per network, on the first Route call (2 × numLandmarks searches).

// numLandmarks is the number of landmarks per network.
const numLandmarks = 8

// landmarks holds, for junction v and landmark k, from[v*numLandmarks+k] =
// d(L_k, v) and to[v*numLandmarks+k] = d(v, L_k), in cost units
// (unreached when there is no path).
type landmarks struct {
	from, to []uint32
}

// buildLandmarks picks landmarks far apart (each the junction farthest
// from the ones already chosen) and computes their distance tables over
// the junctions of g, on net's costs.
func buildLandmarks(g *Graph, net *network) *landmarks {
	n := g.NumJunctions()
	lm := &landmarks{from: make([]uint32, n*numLandmarks), to: make([]uint32, n*numLandmarks)}
	s := newScratch(n)
	// Start from the first junction with an open edge leaving it: any will
	// do; the farthest-first rule spreads the rest.
	start := -1
	for v := 0; v < n && start < 0; v++ {
		for _, a := range g.adj[g.adjFirst[v]:g.adjFirst[v+1]] {
			if net.cost[a.code] != unreached {
				start = v
				break
			}
		}
	}
	if start < 0 {
		return lm
	}
	minD := make([]uint32, n) // distance from the nearest chosen landmark
	for i := range minD {
		minD[i] = unreached
	}
	l := start
	for k := range numLandmarks {
		fill := func(flip uint32, table []uint32) {
			s.reset()
			s.seed(uint32(l), 0)
			s.run(g, net.cost, flip, unreached-1)
			for v := range n {
				table[v*numLandmarks+k] = s.distance(uint32(v))
			}
		}
		fill(0, lm.from)
		fill(1, lm.to)
		// Next landmark: the reachable junction farthest from all chosen ones.
		best, bestD := -1, uint32(0)
		for v := range n {
			d := lm.from[v*numLandmarks+k]
			if d < minD[v] {
				minD[v] = d
			}
			if minD[v] != unreached && minD[v] > bestD {
				best, bestD = v, minD[v]
			}
		}
		if best < 0 {
			best = start
		}
		l = best
	}
	return lm
}

// bound returns the landmark lower bound on d(v, t).
func (lm *landmarks) bound(v, t uint32) uint32 {
	fv := lm.from[int(v)*numLandmarks : int(v)*numLandmarks+numLandmarks]
	ft := lm.from[int(t)*numLandmarks : int(t)*numLandmarks+numLandmarks]
	tv := lm.to[int(v)*numLandmarks : int(v)*numLandmarks+numLandmarks]
	tt := lm.to[int(t)*numLandmarks : int(t)*numLandmarks+numLandmarks]
	var h int64
	for k := range numLandmarks {
		if ft[k] != unreached && fv[k] != unreached {
			h = max(h, int64(ft[k])-int64(fv[k]))
		}
		if tv[k] != unreached && tt[k] != unreached {
			h = max(h, int64(tv[k])-int64(tt[k]))
		}
	}
	return uint32(h)
}
