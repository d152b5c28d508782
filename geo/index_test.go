package geo

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

func TestIndexZeroValueAndNaN(t *testing.T) {
	var x Index[int]
	if x.Len() != 0 {
		t.Fatalf("zero Index has %d items", x.Len())
	}
	found := 0
	x.Search(orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, func(orb.Bound, int) bool { found++; return true })
	if found != 0 {
		t.Fatalf("zero Index found %d", found)
	}
	bad := []orb.Bound{
		{Min: orb.Point{math.NaN(), 0}, Max: orb.Point{1, 1}},
		{Min: orb.Point{0, 0}, Max: orb.Point{math.Inf(1), 1}},
		{Min: orb.Point{2, 0}, Max: orb.Point{1, 1}},
	}
	for _, b := range bad {
		if x.Insert(b, 1) {
			t.Errorf("Insert(%v) accepted", b)
		}
	}
	if !x.Insert(orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}, 7) {
		t.Fatal("valid box refused")
	}
	if x.Len() != 1 {
		t.Fatalf("Len = %d, want 1", x.Len())
	}
	x.Search(orb.Bound{Min: orb.Point{math.NaN(), 0}, Max: orb.Point{5, 5}}, func(orb.Bound, int) bool { found++; return true })
	x.Nearby(orb.Point{math.NaN(), 0}, func(orb.Bound, int, float64) bool { found++; return true })
	if found != 0 {
		t.Fatalf("NaN query found %d items", found)
	}
}

func TestIndexSearchAndNearby(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var x Index[int]
	boxes := make([]orb.Bound, 500)
	for i := range boxes {
		p := orb.Point{r.Float64() * 10, 40 + r.Float64()*10}
		boxes[i] = orb.Bound{Min: p, Max: orb.Point{p[0] + r.Float64()*0.3, p[1] + r.Float64()*0.3}}
		x.Insert(boxes[i], i)
	}
	for q := range 50 {
		p := orb.Point{r.Float64() * 10, 40 + r.Float64()*10}
		qb := orb.Bound{Min: p, Max: orb.Point{p[0] + 1, p[1] + 1}}
		var got, want []int
		x.Search(qb, func(_ orb.Bound, v int) bool { got = append(got, v); return true })
		for i, b := range boxes {
			if b.Intersects(qb) {
				want = append(want, i)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("query %d: Search found %v, brute force %v", q, got, want)
		}
	}
	// Nearby returns items in non-decreasing distance; the first is the nearest box.
	p := orb.Point{5, 45}
	k := math.Cos(45 * math.Pi / 180)
	var dists []float64
	first := -1
	x.Nearby(p, func(_ orb.Bound, v int, d float64) bool {
		if first < 0 {
			first = v
		}
		dists = append(dists, d)
		return len(dists) < 20
	})
	if len(dists) != 20 || !slices.IsSorted(dists) {
		t.Fatalf("Nearby distances %v not 20 sorted values", dists)
	}
	best, bestD := -1, math.Inf(1)
	for i, b := range boxes {
		dx := math.Max(0, math.Max(b.Min[0]-p[0], p[0]-b.Max[0])) * k
		dy := math.Max(0, math.Max(b.Min[1]-p[1], p[1]-b.Max[1]))
		if d := math.Hypot(dx, dy); d < bestD {
			best, bestD = i, d
		}
	}
	if first != best || math.Abs(dists[0]-bestD) > 1e-12 {
		t.Fatalf("nearest = %d at %g, brute force %d at %g", first, dists[0], best, bestD)
	}
}
