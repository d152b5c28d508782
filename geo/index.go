package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Index is a spatial index of items of type T by their WGS84 bounding boxes
// (orb.Bound, lon/lat degrees), over tidwall/rtree. The zero value is an empty
// index ready to use.
//
// Boxes with a NaN or infinite coordinate, or with Min > Max, are refused by
// Insert (it reports false) so that they cannot corrupt the tree; searches
// with such a box find nothing.
//
// An Index is safe for concurrent searches once no goroutine inserts any more;
// Insert needs exclusive access.
type Index[T any] struct {
	tr rtree.RTreeG[T]
}

// idxValid reports whether b is a usable box: finite and Min <= Max.
func idxValid(b orb.Bound) bool {
	for _, v := range [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return b.Min[0] <= b.Max[0] && b.Min[1] <= b.Max[1]
}

// Insert adds v with bounding box b. It reports false, and adds nothing, when
// b is not a valid box (NaN, infinite, or Min > Max).
func (x *Index[T]) Insert(b orb.Bound, v T) bool {
	if !idxValid(b) {
		return false
	}
	x.tr.Insert(b.Min, b.Max, v)
	return true
}

// InsertPoint adds v at point p (a degenerate box). It reports false for a
// NaN or infinite point.
func (x *Index[T]) InsertPoint(p orb.Point, v T) bool {
	return x.Insert(orb.Bound{Min: p, Max: p}, v)
}

// Len returns the number of items in the index.
func (x *Index[T]) Len() int { return x.tr.Len() }

// Search calls fn for every item whose box intersects b (touching counts),
// in no particular order, until fn returns false.
func (x *Index[T]) Search(b orb.Bound, fn func(box orb.Bound, v T) bool) {
	if !idxValid(b) {
		return
	}
	x.tr.Search(b.Min, b.Max, func(min, max [2]float64, v T) bool {
		return fn(orb.Bound{Min: min, Max: max}, v)
	})
}

// Contains calls fn for every item whose box contains the point p, until fn
// returns false.
func (x *Index[T]) Contains(p orb.Point, fn func(box orb.Bound, v T) bool) {
	x.Search(orb.Bound{Min: p, Max: p}, fn)
}

// Nearby calls fn for the items in increasing order of the planar distance
// from p to their boxes, in degrees (longitude degrees are scaled by
// cos(latitude of p) so that distances are roughly isotropic; multiply by
// about 111,195 to get metres), until fn returns false. Callers that need an
// exact distance compute it themselves and stop once the box distance
// exceeds their best exact distance.
func (x *Index[T]) Nearby(p orb.Point, fn func(box orb.Bound, v T, deg float64) bool) {
	if !idxValid(orb.Bound{Min: p, Max: p}) {
		return
	}
	k := math.Cos(p[1] * math.Pi / 180)
	dist := func(min, max [2]float64, _ T, _ bool) float64 {
		var dx, dy float64
		switch {
		case p[0] < min[0]:
			dx = min[0] - p[0]
		case p[0] > max[0]:
			dx = p[0] - max[0]
		}
		switch {
		case p[1] < min[1]:
			dy = min[1] - p[1]
		case p[1] > max[1]:
			dy = p[1] - max[1]
		}
		dx *= k
		return dx*dx + dy*dy
	}
	x.tr.Nearby(dist, func(min, max [2]float64, v T, d2 float64) bool {
		return fn(orb.Bound{Min: min, Max: max}, v, math.Sqrt(d2))
	})
}
