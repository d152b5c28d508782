package propose

// propEntry is a heap entry: a candidate with an upper bound of its marginal
// gain, exact when round equals the current round.
type propEntry struct {
	gain  float64
	cand  int32
	round int32
}

// propHeap is a binary max-heap on gain (ties: smaller candidate first, so
// answers are deterministic).
type propHeap []propEntry

func (h propHeap) less(a, b int) bool { // a above b
	if h[a].gain != h[b].gain {
		return h[a].gain > h[b].gain
	}
	return h[a].cand < h[b].cand
}

func (h propHeap) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

func (h propHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (h *propHeap) push(e propEntry) {
	*h = append(*h, e)
	h.up(len(*h) - 1)
}

func (h *propHeap) pop() propEntry {
	old := *h
	e := old[0]
	n := len(old) - 1
	old[0] = old[n]
	*h = old[:n]
	if n > 0 {
		h.down(0)
	}
	return e
}
