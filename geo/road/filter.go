package road

import (
	"fmt"
	"slices"
)

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
