package road

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
