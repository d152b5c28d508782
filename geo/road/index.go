package road

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/tidwall/rtree"
)

// Index finds the graph node nearest to a point. It hides a tidwall/rtree
// over the nodes of one network, in a local equirectangular projection
// (longitude × cos of the mean latitude) so that box distances rank nodes
// like ground distances. An Index is immutable once built and safe for
// concurrent use.
type Index struct {
	tr  rtree.RTreeG[uint32]
	cos float64
	g   *Graph
}

// newIndex indexes the nodes v of g for which keep(v) is true.
func newIndex(g *Graph, keep func(v int) bool) *Index {
	// The mean latitude of every node (summed exactly in integers).
	var sumLat int64
	for _, l := range g.lat {
		sumLat += int64(l)
	}
	for _, l := range g.slat {
		sumLat += int64(l)
	}
	meanLat := 0.0
	if n := g.NumNodes(); n > 0 {
		meanLat = float64(sumLat) / float64(n) / coordScale
	}
	ix := &Index{cos: math.Max(math.Cos(meanLat*math.Pi/180), 0.01), g: g}
	for v := range g.NumNodes() {
		if keep(v) {
			p := ix.proj(g.Node(v))
			ix.tr.Insert(p, p, uint32(v))
		}
	}
	return ix
}

func (ix *Index) proj(p orb.Point) [2]float64 { return [2]float64{p[0] * ix.cos, p[1]} }

// Len returns the number of indexed nodes.
func (ix *Index) Len() int { return ix.tr.Len() }

// Nearest returns the indexed node nearest to p and its great-circle
// distance in metres; ok is false when the index is empty, p is not a finite
// position, or the nearest node is farther than maxMetres.
func (ix *Index) Nearest(p orb.Point, maxMetres float64) (node int, metres float64, ok bool) {
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
		return -1, 0, false
	}
	q := ix.proj(p)
	node = -1
	ix.tr.Nearby(rtree.BoxDist[float64, uint32](q, q, nil), func(_, _ [2]float64, v uint32, _ float64) bool {
		node = int(v)
		return false
	})
	if node < 0 {
		return -1, 0, false
	}
	metres = geo.Distance(p, ix.g.Node(node))
	return node, metres, metres <= maxMetres
}
