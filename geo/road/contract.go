package road

import (
	"slices"
)

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
