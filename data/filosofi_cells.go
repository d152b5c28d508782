package data

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
)

// BuildCells spends most of its time on memory, not arithmetic: on a
// national grid the output alone (a 160-byte Cell per cell, and a 128-byte
// Part per commune of the few cells straddling several) is half a gigabyte,
// and the first touch of fresh memory (a page fault per 4 KiB) costs about as
// much as spreading the squares. So it holds no Pop in any intermediate,
// sizes every large slice once, and sorts packed integers rather than
// structs:
//
//  1. each band of rows is sorted into the Spreader's order (gridOrder) and
//     spread with a Spreader of its own, recording every (square, cell
//     record, fraction) share in 16 bytes, and each record's commune (most
//     records meet one commune; those meeting several are listed apart);
//     the records with shares are then sorted by cell (gridRecKeys);
//  2. the bands' records are merged in H3 order, in chunks of the H3 range
//     concurrently, twice: once to count the cells and the (cell, commune)
//     parts of the cells that straddle several communes (most cells lie in
//     one: they get no part, which halves the output), then, cells and
//     parts allocated at their exact size, to write each cell's H3 index,
//     centre (from the Spreader that met it: computed in the icosahedron
//     face's plane, without a CellToLatLng call) and parts' communes,
//     noting each record's target: its cell, or its cell's first part;
//  3. the shares are replayed in the order spread, each adding its square's
//     Pop times its fraction into its target (the targets of a cell lying
//     in several bands are left to a sequential pass, so no two goroutines
//     write the same one); a square's shares come together and neighbouring
//     squares meet the same cells, so each square is read once and the
//     targets written are near one another;
//  4. each cell with parts sums them.

// gridShare is the share frac of the area of its band's square j (in the
// order spread, see gridBand.sq) that falls in the cell of record rec of the
// band's Spreader.
type gridShare struct {
	j    int32
	rec  int32
	frac float64
}

// gridShareBits sets the shares' block size: blocks are never copied.
const gridShareBits = 16

// Values of gridBand.rec before the merge, besides commune indices (-1 for
// squares without a commune code).
const (
	gridNoShare = math.MinInt32 // the record got no share
	gridMany    = -2            // the record's shares come from several communes: see gridBand.many
)

// gridBand is the spreading of one band of squares.
type gridBand struct {
	// sq and com hold the band's squares in the order spread: their index in
	// squares and their commune.
	sq, com []int32
	shares  [][]gridShare // in blocks of 1<<gridShareBits, in the order spread
	n       int           // number of shares
	// rec holds, per record, first the commune of its shares (or gridNoShare,
	// gridMany); the merge then replaces it by the record's target t, where
	// its shares go: cell t if t < len(cells) (a cell in one commune, which
	// has no parts), else the parts from t-len(cells) on, the cell's; or
	// by -1-t when the cell also has records in other bands.
	rec []int32
	// many lists the (record, commune) pairs of the records whose shares
	// come from several communes, as rec<<32 | uint32(commune), sorted.
	many []uint64
	// recs lists the records with shares, sorted by cell then record, as
	// gridCellBits(cell)<<recBits | record (see gridRecKeys).
	recs    []uint64
	recBits int
	// late holds the shares (indices) whose cell lies in several bands, for
	// the sequential pass.
	late []int
	// sp is the band's Spreader, kept for the centres of its records.
	sp *geo.Spreader
}

// gridMaxBands caps the number of bands BuildCells spreads in parallel.
const gridMaxBands = 8

// BuildCells moves squares onto the H3 cells of resolution res
// (geo.MinResolution..geo.MaxResolution; geo.DefaultResolution is 9): each
// square is spread over the cells it overlaps in proportion to the
// overlapping area (see geo.Spreader), so every attribute's total is
// preserved, overall and per commune code, to floating-point rounding.
//
// It returns the populated cells sorted by H3 index (Center set, Commune
// the index of the commune holding most of the cell's Ind, -1 if that share
// has no commune code, [PartStart, PartEnd) its parts), the parts, and the
// sorted distinct commune codes the commune indices refer to. A cell whose
// squares all have one commune code has no parts (an empty range): its
// Commune holds all of its Pop. A cell straddling several has one part per
// code (sorted by commune; Commune -1 for squares without a code), and its
// Pop is their sum; parts are sorted by cell then commune. Cells reached only
// by squares with no population at all still appear, with zero Pop.
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
	communeCodes, sqCommune := gridCommunes(squares)

	// 1. Spread the bands.
	idx := gridBands(squares, k)
	bands := make([]gridBand, len(idx))
	errs := make([]error, len(idx))
	var wg sync.WaitGroup
	for b := range bands {
		wg.Go(func() { errs[b] = bands[b].spread(squares, idx[b], sqCommune, len(communeCodes), res) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, nil, fmt.Errorf("data: build cells: %w", err)
		}
	}
	idx = nil

	// 2. Merge the records in chunks of the H3 range: count, allocate, fill.
	chunks := gridChunks(bands, k)
	for c := range chunks {
		wg.Go(func() { chunks[c].count(bands) })
	}
	wg.Wait()
	nc, np := 0, 0
	for c := range chunks {
		chunks[c].cell, chunks[c].part = nc, np
		nc += chunks[c].cells
		np += chunks[c].parts
	}
	if nc+np > math.MaxInt32 {
		return nil, nil, nil, fmt.Errorf("data: build cells: %d cells and %d parts is too many", nc, np)
	}
	cells = make([]maillage.Cell, nc)
	parts = make([]maillage.Part, np)
	errs = make([]error, len(chunks))
	for c := range chunks {
		wg.Go(func() { errs[c] = chunks[c].fill(bands, res, cells, parts) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, nil, fmt.Errorf("data: build cells: %w", err)
		}
	}

	// 3. Replay the shares into the parts: the bands concurrently, then the
	// shares of the cells several bands reach, band after band.
	for b := range bands {
		wg.Go(func() { bands[b].replay(squares, cells, parts, false) })
	}
	wg.Wait()
	for b := range bands {
		bands[b].replay(squares, cells, parts, true)
	}
	bands = nil

	// 4. Sum the parts into their cells (cells in one commune got their
	// shares directly).
	for c := range chunks {
		wg.Go(func() {
			ch := &chunks[c]
			for i := ch.cell; i < ch.cell+ch.cells; i++ {
				if c := &cells[i]; c.PartEnd > c.PartStart {
					gridSumParts(c, parts)
				}
			}
		})
	}
	wg.Wait()
	return cells, parts, communeCodes, nil
}

// gridCommunes returns the sorted distinct commune codes of the squares and
// each square's index in them (-1 for none).
func gridCommunes(squares []Square) (codes []string, sqCommune []int32) {
	var none CommuneCode
	codeIdx := map[CommuneCode]int32{}
	for _, q := range squares {
		if q.Commune != none {
			codeIdx[q.Commune] = 0
		}
	}
	codes = make([]string, 0, len(codeIdx))
	for c := range codeIdx {
		codes = append(codes, c.String())
	}
	slices.Sort(codes)
	for i, c := range codes {
		k, _ := NewCommuneCode(c)
		codeIdx[k] = int32(i)
	}
	sqCommune = make([]int32, len(squares))
	last, lastIdx := none, int32(-1) // neighbouring squares often share a commune
	for i, q := range squares {
		switch {
		case q.Commune == none:
			sqCommune[i] = -1
		case q.Commune == last:
			sqCommune[i] = lastIdx
		default:
			last, lastIdx = q.Commune, codeIdx[q.Commune]
			sqCommune[i] = lastIdx
		}
	}
	return codes, sqCommune
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
	// Each band's size, then its squares.
	bandOf := make([]int, len(hist))
	size := make([]int, len(cut))
	for r, h := range hist {
		bandOf[r], _ = slices.BinarySearch(cut, int32(r+1))
		size[bandOf[r]] += h
	}
	bands := make([][]int32, len(cut))
	for b := range bands {
		bands[b] = make([]int32, 0, size[b])
	}
	for i, q := range squares {
		b := bandOf[q.N/1000-lo]
		bands[b] = append(bands[b], int32(i))
	}
	return slices.DeleteFunc(bands, func(b []int32) bool { return len(b) == 0 })
}

// spread spreads the squares idx with a Spreader of its own, recording the
// shares, each record's commune and the records with shares by cell.
func (bd *gridBand) spread(squares []Square, idx []int32, sqCommune []int32, nCodes, res int) error {
	sp, err := geo.NewSpreader(res)
	if err != nil {
		return err
	}
	bd.sp = sp
	// The squares in the order the Spreader visits them: it need not sort
	// them, and the callback (and later the replay) reads their communes
	// (and indices) in sequence.
	var gs []geo.Square
	gs, bd.sq, bd.com = gridOrder(squares, idx, sqCommune, nCodes)
	err = sp.Spread(gs, func(j int, r int32, f float64) {
		if int(r) >= len(bd.rec) {
			bd.growRec(sp.NumCells())
		}
		c0 := bd.com[j]
		switch c := bd.rec[r]; c {
		case c0:
		case gridNoShare:
			bd.rec[r] = c0
		case gridMany:
			if m := uint64(r)<<32 | uint64(uint32(c0)); bd.many[len(bd.many)-1] != m {
				bd.many = append(bd.many, m)
			}
		default:
			bd.many = append(bd.many, uint64(r)<<32|uint64(uint32(c)), uint64(r)<<32|uint64(uint32(c0)))
			bd.rec[r] = gridMany
		}
		if bd.n>>gridShareBits == len(bd.shares) {
			bd.shares = append(bd.shares, make([]gridShare, 1<<gridShareBits))
		}
		bd.shares[bd.n>>gridShareBits][bd.n&(1<<gridShareBits-1)] = gridShare{int32(j), r, f}
		bd.n++
	})
	if err != nil {
		return err
	}
	gs = nil
	slices.Sort(bd.many)
	bd.many = slices.Compact(bd.many)
	n := 0
	for _, c := range bd.rec {
		if c != gridNoShare {
			n++
		}
	}
	bd.recs, bd.recBits, err = gridRecKeys(sp, res, n, func(r int32) bool { return int(r) < len(bd.rec) && bd.rec[r] != gridNoShare })
	return err
}

// growRec extends rec to n records (gridNoShare), at least doubling its
// capacity (the Spreader's records come one by one).
func (bd *gridBand) growRec(n int) {
	old := len(bd.rec)
	if n > cap(bd.rec) {
		bd.rec = slices.Grow(bd.rec, max(n, 2*cap(bd.rec))-old)
	}
	bd.rec = bd.rec[:n]
	for r := old; r < n; r++ {
		bd.rec[r] = gridNoShare
	}
}

// cell returns the cell bits of recs[j] (see gridCellBits).
func (bd *gridBand) cell(j int) uint64 { return bd.recs[j] >> bd.recBits }

// record returns the record of recs[j].
func (bd *gridBand) record(j int) int32 { return int32(bd.recs[j] & (1<<bd.recBits - 1)) }

// communes appends to dst the communes of record r's shares.
func (bd *gridBand) communes(dst []int32, r int32) []int32 {
	if c := bd.rec[r]; c != gridMany {
		return append(dst, c)
	}
	j, _ := slices.BinarySearch(bd.many, uint64(r)<<32)
	for ; j < len(bd.many) && int32(bd.many[j]>>32) == r; j++ {
		dst = append(dst, int32(uint32(bd.many[j])))
	}
	return dst
}

// replay adds each share's part of its square's Pop into its part: the
// shares of cells that lie in this band only (noting the others in late),
// or, if late, the shares noted.
func (bd *gridBand) replay(squares []Square, cells []maillage.Cell, parts []maillage.Part, late bool) {
	nc := int32(len(cells))
	add := func(s *gridShare, t int32) {
		var dst *maillage.Pop
		if t < nc { // a cell in one commune
			dst = &cells[t].Pop
		} else {
			c, p := bd.com[s.j], t-nc
			for parts[p].Commune != c {
				p++
			}
			dst = &parts[p].Pop
		}
		// By pointers: AddScaled would copy the square's Pop.
		src, f := &squares[bd.sq[s.j]].Pop, s.frac
		for a := range dst {
			dst[a] += f * src[a]
		}
	}
	if late {
		for _, j := range bd.late {
			s := &bd.shares[j>>gridShareBits][j&(1<<gridShareBits-1)]
			add(s, -1-bd.rec[s.rec])
		}
		return
	}
	for b, block := range bd.shares {
		block = block[:min(len(block), bd.n-b<<gridShareBits)]
		for j := range block {
			s := &block[j]
			p := bd.rec[s.rec]
			if p < 0 {
				bd.late = append(bd.late, b<<gridShareBits+j)
				continue
			}
			add(s, p)
		}
	}
}

// gridChunk is a range of H3 cells merged by one goroutine: in each band,
// the records recs[lo[b]:hi[b]].
type gridChunk struct {
	lo, hi       []int
	cells, parts int // how many cells and parts it makes
	cell, part   int // its first cell and part
	// during merge's callback: the first band holding the cell, and the
	// position of the cell's first record in its recs
	firstBand, firstAt int
}

// gridChunks cuts the bands' records into at most k chunks of whole cells,
// of about the same number of records.
func gridChunks(bands []gridBand, k int) []gridChunk {
	// Cut the largest band's records at equal counts; a cut moves to the
	// first record of its cell.
	big := 0
	for b := range bands {
		if len(bands[b].recs) > len(bands[big].recs) {
			big = b
		}
	}
	var cuts []uint64 // chunk c holds the cells (bits) in [cuts[c-1], cuts[c])
	if len(bands) > 0 {
		bd := &bands[big]
		for c := 1; c < k; c++ {
			j := len(bd.recs) * c / k
			if j > 0 && j < len(bd.recs) && (len(cuts) == 0 || bd.cell(j) > cuts[len(cuts)-1]) {
				cuts = append(cuts, bd.cell(j))
			}
		}
	}
	chunks := make([]gridChunk, len(cuts)+1)
	for c := range chunks {
		ch := &chunks[c]
		ch.lo, ch.hi = make([]int, len(bands)), make([]int, len(bands))
		for b := range bands {
			at := func(cut uint64) int {
				j, _ := slices.BinarySearch(bands[b].recs, cut<<bands[b].recBits)
				return j
			}
			if c > 0 {
				ch.lo[b] = at(cuts[c-1])
			}
			ch.hi[b] = len(bands[b].recs)
			if c < len(cuts) {
				ch.hi[b] = at(cuts[c])
			}
		}
	}
	return chunks
}

// merge calls fn for each cell of the chunk, in H3 order, with its cell
// bits (see gridCellBits), communes (sorted, distinct) and whether it has
// records in several bands. If fn returns ok, merge then sets the cell's
// records in their bands (gridBand.rec) to mark.
func (ch *gridChunk) merge(bands []gridBand, fn func(cell uint64, communes []int32, shared bool) (mark int32, ok bool)) {
	at := slices.Clone(ch.lo)
	var communes []int32
	var cell uint64
	for {
		found := false
		for b := range bands {
			if at[b] < ch.hi[b] && (!found || bands[b].cell(at[b]) < cell) {
				cell, found = bands[b].cell(at[b]), true
			}
		}
		if !found {
			return
		}
		communes = communes[:0]
		inBands := 0
		ch.firstBand = -1
		for b := range bands {
			bd := &bands[b]
			j := at[b]
			for ; j < ch.hi[b] && bd.cell(j) == cell; j++ {
				communes = bd.communes(communes, bd.record(j))
			}
			if j > at[b] {
				inBands++
				if ch.firstBand < 0 {
					ch.firstBand, ch.firstAt = b, at[b]
				}
			}
		}
		if len(communes) > 1 {
			slices.Sort(communes)
			communes = slices.Compact(communes)
		}
		mark, ok := fn(cell, communes, inBands > 1)
		for b := range bands {
			bd := &bands[b]
			for ; at[b] < ch.hi[b] && bd.cell(at[b]) == cell; at[b]++ {
				if ok {
					bd.rec[bd.record(at[b])] = mark
				}
			}
		}
	}
}

// count counts the chunk's cells and parts.
func (ch *gridChunk) count(bands []gridBand) {
	ch.merge(bands, func(_ uint64, communes []int32, _ bool) (int32, bool) {
		ch.cells++
		if len(communes) > 1 {
			ch.parts += len(communes)
		}
		return 0, false
	})
}

// fill writes the chunk's cells (H3 index, centre, commune or parts) and
// parts (cell, commune), and replaces each record's commune in its band by
// its target (see gridBand.rec).
func (ch *gridChunk) fill(bands []gridBand, res int, cells []maillage.Cell, parts []maillage.Part) error {
	nc := int32(len(cells))
	i, p := ch.cell, ch.part
	var err error
	ch.merge(bands, func(bits uint64, communes []int32, shared bool) (int32, bool) {
		if err != nil {
			return 0, false
		}
		cell := gridCellFromBits(bits, res)
		// The centre, from the Spreader of a band that met the cell: most
		// cells were cut in an icosahedron face's plane, whose centres it
		// computes without calling H3.
		bd := &bands[ch.firstBand]
		ctr, e := bd.sp.Center(bd.record(ch.firstAt))
		if e != nil {
			err = e
			return 0, false
		}
		// Field by field: Pop is zero already (make), and writing it now
		// would only cost bandwidth.
		c := &cells[i]
		c.H3, c.Center, c.Commune = cell, ctr, -1
		var t int32
		if len(communes) == 1 { // no part: the cell's commune holds it all
			c.Commune, t = communes[0], int32(i)
			c.PartStart, c.PartEnd = int32(p), int32(p)
		} else {
			c.PartStart, c.PartEnd, t = int32(p), int32(p+len(communes)), nc+int32(p)
			for _, c := range communes {
				parts[p].Cell, parts[p].Commune = int32(i), c
				p++
			}
		}
		if shared {
			t = -1 - t
		}
		i++
		return t, true
	})
	return err
}

// gridSumParts sets c's Pop to the sum of its parts and its Commune to that
// of the part with the most Ind (the first such).
func gridSumParts(c *maillage.Cell, parts []maillage.Part) {
	best := math.Inf(-1)
	for _, p := range parts[c.PartStart:c.PartEnd] {
		c.Pop.Add(p.Pop)
		if p.Pop[maillage.Ind] > best {
			best, c.Commune = p.Pop[maillage.Ind], p.Commune
		}
	}
}
