package road

import "math"

// unreached is the distance of a node not reached by a search.
const unreached = math.MaxUint32

// entry is a heap element: a node and its key (cost units).
type entry struct {
	key  uint32
	node uint32
}

// nodeState is a node's search state, in one struct so that a search
// touches one cache line per node, not three.
type nodeState struct {
	stamp uint32 // the node's fields are valid when stamp == scratch.gen
	dist  uint32 // distance label, cost units
	pos   int32  // heap position, -1 once settled or when never queued
}

// scratch holds one goroutine's search state, reused across searches: a
// node's dist, heap position and parent arc are valid only when its stamp
// equals gen, so starting a search costs nothing per node.
type scratch struct {
	ns     []nodeState
	parent []uint32 // Route: the junction a junction was reached from (itself for a seed)
	pcode  []uint32 // Route: the adjacency code of the edge it was reached by
	gen    uint32
	heap   []entry // indexed 4-ary min-heap on key

	labelled int      // nodes labelled since the last reset
	track    bool     // record labelled nodes in touched
	touched  []uint32 // nodes labelled, when track is set
}

func newScratch(n int) *scratch {
	return &scratch{
		ns:   make([]nodeState, n),
		heap: make([]entry, 0, 1024),
	}
}

// reset starts a new search.
func (s *scratch) reset() {
	s.gen++
	if s.gen == 0 { // wrapped: clear the stamps once every 2^32 searches
		clear(s.ns)
		s.gen = 1
	}
	s.heap = s.heap[:0]
	s.labelled = 0
	s.track = false
	s.touched = s.touched[:0]
}

// distance returns the distance label of v, unreached if none.
func (s *scratch) distance(v uint32) uint32 {
	if s.ns[v].stamp != s.gen {
		return unreached
	}
	return s.ns[v].dist
}

// seed labels v with d (keeping the smaller label) and queues it.
func (s *scratch) seed(v, d uint32) { s.relax(v, d, d) }

// relax offers label d (heap key k ≥ d) to v; it returns true when the
// label improved.
func (s *scratch) relax(v, d, k uint32) bool {
	if s.ns[v].stamp != s.gen {
		s.ns[v].stamp = s.gen
		s.ns[v].dist = d
		i := len(s.heap)
		s.heap = append(s.heap, entry{k, v})
		s.ns[v].pos = int32(i)
		s.labelled++
		if s.track {
			s.touched = append(s.touched, v)
		}
		s.up(i)
		return true
	}
	if d >= s.ns[v].dist || s.ns[v].pos < 0 {
		return false
	}
	s.ns[v].dist = d
	i := int(s.ns[v].pos)
	s.heap[i].key = k
	s.up(i)
	return true
}

// pop removes the entry of least key; ok is false when the heap is empty.
func (s *scratch) pop() (e entry, ok bool) {
	h := s.heap
	if len(h) == 0 {
		return entry{}, false
	}
	e = h[0]
	s.ns[e.node].pos = -1
	last := h[len(h)-1]
	h = h[:len(h)-1]
	s.heap = h
	if len(h) > 0 {
		h[0] = last
		s.ns[last.node].pos = 0
		s.down(0)
	}
	return e, true
}

func (s *scratch) up(i int) {
	h := s.heap
	e := h[i]
	for i > 0 {
		p := (i - 1) >> 2
		if h[p].key <= e.key {
			break
		}
		h[i] = h[p]
		s.ns[h[i].node].pos = int32(i)
		i = p
	}
	h[i] = e
	s.ns[e.node].pos = int32(i)
}

func (s *scratch) down(i int) {
	h := s.heap
	n := len(h)
	e := h[i]
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		mk := h[c].key
		end := min(c+4, n)
		for j := c + 1; j < end; j++ {
			if h[j].key < mk {
				m, mk = j, h[j].key
			}
		}
		if mk >= e.key {
			break
		}
		h[i] = h[m]
		s.ns[h[i].node].pos = int32(i)
		i = m
	}
	h[i] = e
	s.ns[e.node].pos = int32(i)
}

// run is Dijkstra over the junctions of g from the seeded ones, up to
// bound: it stops when the heap is empty or its least key exceeds bound.
// An arc's cost is cost[code^flip] (see adjEntry): flip 0 follows the
// arcs (times from the seeds), flip 1 the reversed arcs (times to the
// seeds). Labels ≤ bound are exact when run returns. It returns the number
// of heap pops.
func (s *scratch) run(g *Graph, cost []uint32, flip uint32, bound uint32) int {
	pops := 0
	adjFirst, adj := g.adjFirst, g.adj
	ns, gen := s.ns, s.gen
	for {
		e, ok := s.pop()
		if !ok || e.key > bound {
			return pops
		}
		pops++
		u, du := e.node, e.key
		for _, a := range adj[adjFirst[u]:adjFirst[u+1]] {
			c := cost[a.code^flip]
			d := du + c
			if c == unreached || d < du || d > bound { // closed, overflow or beyond the bound
				continue
			}
			v := a.head
			if st := &ns[v]; st.stamp == gen && (d >= st.dist || st.pos < 0) {
				continue // the common case of relax, inlined
			}
			s.relax(v, d, d)
		}
	}
}
