package road

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
