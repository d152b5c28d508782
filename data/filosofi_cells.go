package data

import (
	"fmt"
	"math"
	"slices"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
)

// gridPart accumulates the population one cell receives from one commune;
// the parts of a cell form a linked list.
type gridPart struct {
	commune int32 // index in the sorted commune codes, -1 for none
	next    int32 // next part of the same cell, -1 at the end
	pop     maillage.Pop
}

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
// squares is not modified.
func BuildCells(squares []Square, res int) (cells []maillage.Cell, parts []maillage.Part, communeCodes []string, err error) {
	sp, err := geo.NewSpreader(res)
	if err != nil {
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
	geoSquares := make([]geo.Square, len(squares))
	for i, q := range squares {
		sqCommune[i] = -1
		if q.Commune != "" {
			sqCommune[i] = codeIdx[q.Commune]
		}
		geoSquares[i] = q.GeoSquare()
	}

	// Accumulate per (cell record, commune), in fixed-size blocks so that
	// growing never copies.
	var head []int32 // first part of each spreader record, -1 if none
	var acc gridParts
	err = sp.Spread(geoSquares, func(i int, r int32, f float64) {
		for int(r) >= len(head) {
			head = append(head, -1)
		}
		c := sqCommune[i]
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
		return nil, nil, nil, fmt.Errorf("data: build cells: %w", err)
	}

	// Populated records in H3 order.
	recs := make([]int32, 0, len(head))
	for r, p := range head {
		if p >= 0 {
			recs = append(recs, int32(r))
		}
	}
	slices.SortFunc(recs, func(a, b int32) int {
		ca, cb := sp.Cell(a), sp.Cell(b)
		switch {
		case ca < cb:
			return -1
		case ca > cb:
			return 1
		}
		return 0
	})
	cells = make([]maillage.Cell, len(recs))
	parts = make([]maillage.Part, 0, acc.n)
	for ci, r := range recs {
		c := &cells[ci]
		c.H3 = sp.Cell(r)
		c.Center = geo.CellCenter(c.H3)
		c.PartStart = int32(len(parts))
		for p := head[r]; p >= 0; p = acc.at(p).next {
			parts = append(parts, maillage.Part{Cell: int32(ci), Commune: acc.at(p).commune, Pop: acc.at(p).pop})
		}
		mine := parts[c.PartStart:]
		slices.SortFunc(mine, func(a, b maillage.Part) int { return int(a.Commune) - int(b.Commune) })
		c.PartEnd = int32(len(parts))
		c.Commune = -1
		best := math.Inf(-1)
		for _, p := range mine {
			c.Pop.Add(p.Pop)
			if p.Pop[maillage.Ind] > best {
				best, c.Commune = p.Pop[maillage.Ind], p.Commune
			}
		}
	}
	return cells, parts, communeCodes, nil
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
