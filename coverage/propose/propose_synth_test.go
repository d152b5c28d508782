package propose

import (
	"math"
	"math/rand/v2"
)

// propClustered draws a clustered synthetic instance on a 100 km × 100 km
// plane: 80 % of the points around nClusters centres (towns, σ = 3 km), the
// rest scattered (countryside); weights heavy-tailed (1 + Exp·10, like
// persons at risk per cell); half the candidates on demand points (populated
// cells), half anywhere; a candidate covers the points within radius km.
func propClustered(rng *rand.Rand, nPoints, nCands, nClusters int, radius float64) *CoverInstance {
	type pt struct{ x, y float64 }
	centres := make([]pt, nClusters)
	for i := range centres {
		centres[i] = pt{rng.Float64() * 100, rng.Float64() * 100}
	}
	pts := make([]pt, nPoints)
	in := &CoverInstance{Weight: make([]float64, nPoints), Sets: make([][]int32, nCands)}
	for i := range pts {
		if rng.Float64() < 0.8 {
			c := centres[rng.IntN(nClusters)]
			pts[i] = pt{c.x + rng.NormFloat64()*3, c.y + rng.NormFloat64()*3}
		} else {
			pts[i] = pt{rng.Float64() * 100, rng.Float64() * 100}
		}
		in.Weight[i] = 1 + rng.ExpFloat64()*10
	}
	r2 := radius * radius
	for j := range in.Sets {
		var c pt
		if j%2 == 0 {
			c = pts[rng.IntN(nPoints)]
		} else {
			c = pt{rng.Float64() * 100, rng.Float64() * 100}
		}
		for i, p := range pts {
			if dx, dy := p.x-c.x, p.y-c.y; dx*dx+dy*dy <= r2 {
				in.Sets[j] = append(in.Sets[j], int32(i))
			}
		}
	}
	return in
}

// propGridDisks builds a France-sized synthetic instance without a travel
// engine: n demand points on a square grid (side ⌈√n⌉, spacing one unit),
// weights heavy-tailed, and m candidates at random grid positions, each
// covering the grid points within a disk of the given radius (in grid units:
// radius 30 gives ≈ 2,800 points, like an H3 res-9 disk of 5 km). The sets
// share one backing array to keep setup bounded.
func propGridDisks(rng *rand.Rand, n, m int, radius float64) *CoverInstance {
	side := int(math.Ceil(math.Sqrt(float64(n))))
	in := &CoverInstance{Weight: make([]float64, n), Sets: make([][]int32, m)}
	for i := range in.Weight {
		in.Weight[i] = rng.ExpFloat64() * 3
		if rng.Float64() < 0.3 {
			in.Weight[i] = 0 // covered already, or nobody at risk
		}
	}
	r := int(radius)
	// Offsets of the disk, in row order so that sets come out sorted.
	type off struct{ dx, dy int }
	var disk []off
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if float64(dx*dx+dy*dy) <= radius*radius {
				disk = append(disk, off{dx, dy})
			}
		}
	}
	backing := make([]int32, 0, m*len(disk))
	for j := range in.Sets {
		cx, cy := rng.IntN(side), rng.IntN(side)
		start := len(backing)
		for _, o := range disk {
			x, y := cx+o.dx, cy+o.dy
			if x < 0 || y < 0 || x >= side || y >= side {
				continue
			}
			if i := y*side + x; i < n {
				backing = append(backing, int32(i))
			}
		}
		in.Sets[j] = backing[start:len(backing):len(backing)]
	}
	return in
}
