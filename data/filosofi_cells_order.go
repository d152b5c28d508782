package data

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"

	"github.com/maillage/maillage/geo"
	"github.com/uber/h3-go/v4"
)

// gridOrder returns the squares idx in the order a geo.Spreader visits them
// ((Size, N, E), then index), as the Spreader's squares, their indices in
// squares and their communes (sqCommune, < nCodes), so that the Spreader
// need not sort them and its callback reads them in sequence.
//
// Each square becomes one uint64 (its size's rank, its northing and easting
// in units of the grid's step from the least, its index, its commune + 1)
// sorted as an integer: several times faster than sorting structs with a
// comparison function, and 8 bytes a square. The commune rides along when
// it fits (a national 200 m grid needs about 63 bits), else it is looked up
// after the sort; grids too wide for 64 bits fall back to the structs.
func gridOrder(squares []Square, idx, sqCommune []int32, nCodes int) (gs []geo.Square, sq, com []int32) {
	gs, sq, com = make([]geo.Square, len(idx)), make([]int32, len(idx)), make([]int32, len(idx))
	if len(idx) == 0 {
		return gs, sq, com
	}
	// The least northing and easting, the distinct sizes, and the step:
	// the greatest common divisor of the offsets from the least.
	q0 := &squares[idx[0]]
	nMin, eMin := int64(q0.N), int64(q0.E)
	sizes := []int32{q0.Size}
	for _, i := range idx {
		q := &squares[i]
		nMin, eMin = min(nMin, int64(q.N)), min(eMin, int64(q.E))
		if q.Size != sizes[0] && !slices.Contains(sizes, q.Size) && len(sizes) <= 16 {
			sizes = append(sizes, q.Size)
		}
	}
	slices.Sort(sizes)
	var step, nMax, eMax uint64
	for _, i := range idx {
		q := &squares[i]
		dn, de := uint64(int64(q.N)-nMin), uint64(int64(q.E)-eMin)
		nMax, eMax = max(nMax, dn), max(eMax, de)
		if step != 1 && (step == 0 || dn%step != 0 || de%step != 0) {
			step = gridGCD(gridGCD(step, dn), de)
		}
	}
	step = max(step, 1)
	bs, bn, be := bits.Len(uint(len(sizes)-1)), bits.Len64(nMax/step), bits.Len64(eMax/step)
	bi := bits.Len32(uint32(len(squares) - 1))
	if len(sizes) > 16 || bs+bn+be+bi > 64 {
		gs, sq = gridOrderStructs(squares, idx, gs, sq)
		for j, i := range sq {
			com[j] = sqCommune[i]
		}
		return gs, sq, com
	}
	bc := bits.Len(uint(nCodes)) // commune + 1 in 0..nCodes
	if bs+bn+be+bi+bc > 64 {
		bc = 0
	}
	keys := make([]uint64, len(idx))
	for j, i := range idx {
		q := &squares[i]
		s := 0
		if len(sizes) > 1 {
			s, _ = slices.BinarySearch(sizes, q.Size)
		}
		dn, de := uint64(int64(q.N)-nMin)/step, uint64(int64(q.E)-eMin)/step
		keys[j] = (uint64(s)<<(bn+be+bi) | dn<<(be+bi) | de<<bi | uint64(i)) << bc
		if bc > 0 {
			keys[j] |= uint64(sqCommune[i] + 1)
		}
	}
	slices.Sort(keys)
	mc, mi, me, mn := uint64(1)<<bc-1, uint64(1)<<bi-1, uint64(1)<<be-1, uint64(1)<<bn-1
	for j, k := range keys {
		c := int32(k&mc) - 1
		k >>= bc
		sq[j] = int32(k & mi)
		if bc == 0 {
			c = sqCommune[sq[j]]
		}
		com[j] = c
		gs[j] = geo.Square{
			E:    int32(eMin + int64((k>>bi&me)*step)),
			N:    int32(nMin + int64((k>>(be+bi)&mn)*step)),
			Size: sizes[k>>(bn+be+bi)],
		}
	}
	return gs, sq, com
}

// gridOrderStructs is gridOrder by sorting structs.
func gridOrderStructs(squares []Square, idx []int32, gs []geo.Square, sq []int32) ([]geo.Square, []int32) {
	type key struct {
		q geo.Square
		i int32
	}
	keys := make([]key, len(idx))
	for j, i := range idx {
		keys[j] = key{squares[i].GeoSquare(), i}
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(geo.CompareSquares(a.q, b.q), cmp.Compare(a.i, b.i)) })
	for j, k := range keys {
		gs[j], sq[j] = k.q, k.i
	}
	return gs, sq
}

func gridGCD(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// gridRecKeys returns the n records r with keep(r) as integers that sort by
// cell then record: gridCellBits(cell)<<recBits | r.
func gridRecKeys(sp *geo.Spreader, res int, n int, keep func(r int32) bool) (keys []uint64, recBits int, err error) {
	cellBits := 7 + 3*res
	recBits = bits.Len32(uint32(max(sp.NumCells()-1, 0)))
	if cellBits+recBits > 64 {
		return nil, 0, fmt.Errorf("%d cells in one band is too many", sp.NumCells())
	}
	keys = make([]uint64, 0, n)
	for r := range int32(sp.NumCells()) {
		if keep(r) {
			keys = append(keys, gridCellBits(sp.Cell(r), res)<<recBits|uint64(r))
		}
	}
	slices.Sort(keys)
	return keys, recBits, nil
}

// gridCellBits returns the index bits of a cell of resolution res that tell
// it from the others of that resolution (base cell and digits), in H3
// order.
func gridCellBits(c h3.Cell, res int) uint64 {
	return uint64(c) >> (3 * (15 - res)) & (1<<(7+3*res) - 1)
}

// gridCellFromBits returns the cell of resolution res whose gridCellBits are
// b: mode 1 (a cell), the resolution, the base cell and digits, and the
// unused digits set to 7.
func gridCellFromBits(b uint64, res int) h3.Cell {
	free := 3 * (15 - res)
	return h3.Cell(1<<59 | uint64(res)<<52 | b<<free | (1<<free - 1))
}
