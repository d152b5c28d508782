package data

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/uber/h3-go/v4"
)

// gridPart accumulates the population one cell receives from one commune;
// the parts of a cell form a linked list.
type gridPart struct {
	commune int32 // index in the sorted commune codes, -1 for none
	next    int32 // next part of the same cell, -1 at the end
	pop     maillage.Pop
}

// gridBandPart is one (cell, commune) share produced by a band: its
// population is part p of the band's gridParts (not copied, to keep the
// merge's moves small).
type gridBandPart struct {
	cell    h3.Cell
	commune int32
	p       int32
}

// gridMaxBands caps the number of bands BuildCells spreads in parallel.
const gridMaxBands = 8

// BuildCells moves squares onto the H3 cells of resolution res
// (geo.MinResolution..geo.MaxResolution; geo.DefaultResolution is 9): each
// square is spread over the cells it overlaps in proportion to the
// overlapping area (see geo.Spreader), so every attribute's total is
// preserved, overall and per commune code, to floating-point rounding.
//
// It returns the populated cells sorted by H3 index (Center set, Pop summed
// over the parts, Commune the index of the commune holding most of the
// cell's Ind, -1 if that share has no commune code, [PartStart, PartEnd) its
// parts), the parts (a cell's population split by commune code, sorted by
// cell then commune; Commune -1 for squares without a commune code), and the
// sorted distinct commune codes the commune indices refer to. Cells reached
// only by squares with no population at all still appear, with zero Pop.
//
// The squares are cut into west-east bands of rows spread concurrently (up
// to GOMAXPROCS); the result does not depend on the number of bands except
// for floating-point rounding. squares is not modified; BuildCells is safe
// for concurrent use.
func BuildCells(squares []Square, res int) (cells []maillage.Cell, parts []maillage.Part, communeCodes []string, err error) {
	k := min(runtime.GOMAXPROCS(0), gridMaxBands)
	if len(squares) < 50_000 {
		k = 1 // not worth the goroutines
	}
	return gridBuildCells(squares, res, k)
}

// gridBuildCells is BuildCells with at most k bands.
func gridBuildCells(squares []Square, res, k int) (cells []maillage.Cell, parts []maillage.Part, communeCodes []string, err error) {
	if _, err := geo.NewSpreader(res); err != nil { // validates res
		return nil, nil, nil, fmt.Errorf("data: build cells: %w", err)
	}
	if len(squares) > math.MaxInt32 {
		return nil, nil, nil, fmt.Errorf("data: build cells: %d squares is too many", len(squares))
	}
	// Commune codes → sorted indices, and each square's index.
	codeIdx := map[string]int32{}
	for _, q := range squares {
		if q.Commune != "" {
			codeIdx[q.Commune] = 0
		}
	}
	communeCodes = make([]string, 0, len(codeIdx))
	for c := range codeIdx {
		communeCodes = append(communeCodes, c)
	}
	slices.Sort(communeCodes)
	for i, c := range communeCodes {
		codeIdx[c] = int32(i)
	}
	sqCommune := make([]int32, len(squares))
	for i, q := range squares {
		sqCommune[i] = -1
		if q.Commune != "" {
			sqCommune[i] = codeIdx[q.Commune]
		}
	}

	// Bands of whole rows with about the same number of squares.
	bands := gridBands(squares, k)
	out := make([][]gridBandPart, len(bands))
	accs := make([]*gridParts, len(bands))
	errs := make([]error, len(bands))
	var wg sync.WaitGroup
	for b, idx := range bands {
		wg.Go(func() { out[b], accs[b], errs[b] = gridSpreadBand(squares, idx, sqCommune, res) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, nil, fmt.Errorf("data: build cells: %w", err)
		}
	}

	// Merge the bands' sorted parts (a k-way merge: k is small); a cell on
	// the seam between two bands gets parts from both.
	n := 0
	for _, o := range out {
		n += len(o)
	}
	at := make([]int, len(out)) // merge cursor in each band
	// next returns the least part left and its band, nil if none.
	next := func() (*gridBandPart, int) {
		var best *gridBandPart
		bb := -1
		for b, o := range out {
			if at[b] < len(o) && (best == nil || gridCmpPart(&o[at[b]], best) < 0) {
				best, bb = &o[at[b]], b
			}
		}
		if bb >= 0 {
			at[bb]++
		}
		return best, bb
	}
	nc := 0 // distinct cells over the bands (seam cells counted twice)
	for _, o := range out {
		for i := range o {
			if i == 0 || o[i].cell != o[i-1].cell {
				nc++
			}
		}
	}
	cells = make([]maillage.Cell, 0, nc)
	parts = make([]maillage.Part, 0, n)
	for p, pb := next(); p != nil; {
		c := maillage.Cell{H3: p.cell, Commune: -1, PartStart: int32(len(parts))}
		ci := int32(len(cells))
		for ; p != nil && p.cell == c.H3; p, pb = next() {
			pop := &accs[pb].at(p.p).pop
			if k := len(parts) - 1; k >= int(c.PartStart) && parts[k].Commune == p.commune {
				parts[k].Pop.Add(*pop)
				continue
			}
			parts = append(parts, maillage.Part{Cell: ci, Commune: p.commune, Pop: *pop})
		}
		c.PartEnd = int32(len(parts))
		best := math.Inf(-1)
		for _, p := range parts[c.PartStart:] {
			c.Pop.Add(p.Pop)
			if p.Pop[maillage.Ind] > best {
				best, c.Commune = p.Pop[maillage.Ind], p.Commune
			}
		}
		cells = append(cells, c)
	}
	// Centres, in k chunks concurrently (one CellToLatLng each: the cells
	// come from H3, so the validity check of geo.CellCenter is not needed).
	var cerr error
	var mu sync.Mutex
	chunk := (len(cells) + k - 1) / max(k, 1)
	for lo := 0; lo < len(cells); lo += chunk {
		hi := min(lo+chunk, len(cells))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				g, err := h3.CellToLatLng(cells[i].H3)
				if err != nil {
					mu.Lock()
					cerr = fmt.Errorf("data: build cells: centre of %v: %w", cells[i].H3, err)
					mu.Unlock()
					return
				}
				cells[i].Center = geo.FromLatLng(g)
			}
		})
	}
	wg.Wait()
	if cerr != nil {
		return nil, nil, nil, cerr
	}
	return cells, parts, communeCodes, nil
}

func gridCmpPart(a, b *gridBandPart) int {
	if c := cmp.Compare(a.cell, b.cell); c != 0 {
		return c
	}
	return cmp.Compare(a.commune, b.commune)
}

// gridBands splits the squares' indices into at most k bands of whole rows
// (same northing) holding about the same number of squares.
func gridBands(squares []Square, k int) [][]int32 {
	if k <= 1 || len(squares) == 0 {
		idx := make([]int32, len(squares))
		for i := range idx {
			idx[i] = int32(i)
		}
		return [][]int32{idx}
	}
	// Histogram of northings in 1 km rows, then cut at equal counts.
	lo, hi := int32(math.MaxInt32), int32(math.MinInt32)
	for _, q := range squares {
		lo, hi = min(lo, q.N/1000), max(hi, q.N/1000)
	}
	hist := make([]int, hi-lo+1)
	for _, q := range squares {
		hist[q.N/1000-lo]++
	}
	cut := make([]int32, 0, k) // band b holds rows with N/1000-lo < cut[b]
	acc := 0
	for r, h := range hist {
		acc += h
		if acc >= len(squares)*(len(cut)+1)/k && len(cut) < k-1 {
			cut = append(cut, int32(r+1))
		}
	}
	cut = append(cut, int32(len(hist)))
	bands := make([][]int32, len(cut))
	for i, q := range squares {
		r := q.N/1000 - lo
		b, _ := slices.BinarySearch(cut, r+1)
		bands[b] = append(bands[b], int32(i))
	}
	return slices.DeleteFunc(bands, func(b []int32) bool { return len(b) == 0 })
}

// gridSpreadBand spreads the squares idx with a Spreader of its own and
// returns the (cell, commune) shares sorted by cell then commune, with the
// parts holding their population.
func gridSpreadBand(squares []Square, idx []int32, sqCommune []int32, res int) ([]gridBandPart, *gridParts, error) {
	sp, err := geo.NewSpreader(res)
	if err != nil {
		return nil, nil, err
	}
	// The squares in the order the Spreader visits them ((Size, N, E), then
	// index): it need not sort them, and the callback below reads the
	// squares' commune and index in sequence.
	type key struct{ size, n, e, i, commune int32 }
	keys := make([]key, len(idx))
	for j, i := range idx {
		q := &squares[i]
		keys[j] = key{q.Size, q.N, q.E, i, sqCommune[i]}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(a.size, b.size); c != 0 {
			return c
		}
		if c := cmp.Compare(a.n, b.n); c != 0 {
			return c
		}
		if c := cmp.Compare(a.e, b.e); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	gs := make([]geo.Square, len(keys))
	order := make([]int32, len(keys)) // index in squares
	com := make([]int32, len(keys))   // commune index
	for j, k := range keys {
		gs[j] = geo.Square{E: k.e, N: k.n, Size: k.size}
		order[j], com[j] = k.i, k.commune
	}
	// Accumulate per (cell record, commune), in fixed-size blocks so that
	// growing never copies.
	var head []int32 // first part of each spreader record, -1 if none
	var acc gridParts
	err = sp.Spread(gs, func(j int, r int32, f float64) {
		for int(r) >= len(head) {
			head = append(head, -1)
		}
		i, c := order[j], com[j]
		p := head[r]
		for p >= 0 && acc.at(p).commune != c {
			p = acc.at(p).next
		}
		if p < 0 {
			p = acc.add(gridPart{commune: c, next: head[r]})
			head[r] = p
		}
		acc.at(p).pop.AddScaled(squares[i].Pop, f)
	})
	if err != nil {
		return nil, nil, err
	}
	// Records in H3 order, then each record's parts in commune order.
	type cellRec struct {
		cell h3.Cell
		rec  int32
	}
	recs := make([]cellRec, 0, len(head))
	for r, p := range head {
		if p >= 0 {
			recs = append(recs, cellRec{sp.Cell(int32(r)), int32(r)})
		}
	}
	slices.SortFunc(recs, func(a, b cellRec) int {
		if c := cmp.Compare(a.cell, b.cell); c != 0 {
			return c
		}
		return cmp.Compare(a.rec, b.rec)
	})
	out := make([]gridBandPart, 0, acc.n)
	for j := 0; j < len(recs); {
		// A cell may have several records (see geo.Spreader): gather them.
		cell, start := recs[j].cell, len(out)
		for ; j < len(recs) && recs[j].cell == cell; j++ {
			for p := head[recs[j].rec]; p >= 0; p = acc.at(p).next {
				out = append(out, gridBandPart{cell: cell, commune: acc.at(p).commune, p: p})
			}
		}
		if len(out)-start > 1 {
			slices.SortStableFunc(out[start:], func(a, b gridBandPart) int { return gridCmpPart(&a, &b) })
		}
	}
	return out, &acc, nil
}

// gridParts is a growable array of gridPart in blocks of 1<<gridPartBits.
type gridParts struct {
	blocks [][]gridPart
	n      int32
}

const gridPartBits = 14

func (a *gridParts) at(p int32) *gridPart {
	return &a.blocks[p>>gridPartBits][p&(1<<gridPartBits-1)]
}

func (a *gridParts) add(v gridPart) int32 {
	if int(a.n)>>gridPartBits == len(a.blocks) {
		a.blocks = append(a.blocks, make([]gridPart, 1<<gridPartBits))
	}
	p := a.n
	*a.at(p) = v
	a.n++
	return p
}
