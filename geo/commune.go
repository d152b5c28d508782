package geo

import (
	"github.com/maillage/maillage"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// CommuneIndex finds the commune that contains a point: candidates come from
// an R-tree of commune bounding boxes, then an exact point-in-polygon test
// (orb/planar, in lon/lat degrees: exact for the straight-edged polygons of
// the GeoJSON sources) decides. It is safe for concurrent use.
type CommuneIndex struct {
	communes []maillage.Commune
	idx      Index[int32]
}

// NewCommuneIndex indexes the communes that have a geometry; communes without
// one are never returned. The slice is kept, not copied: do not modify it
// while the index is in use.
func NewCommuneIndex(communes []maillage.Commune) *CommuneIndex {
	ci := &CommuneIndex{communes: communes}
	for i, c := range communes {
		if len(c.Geometry) == 0 {
			continue
		}
		ci.idx.Insert(c.Geometry.Bound(), int32(i))
	}
	return ci
}

// Locate returns the index in the communes slice of the commune containing p,
// or -1 when p is in none. A point on a boundary shared by several communes
// (or in overlapping polygons) goes to the one with the lowest index, so the
// answer does not depend on the tree's layout.
func (ci *CommuneIndex) Locate(p orb.Point) int {
	best := -1
	ci.idx.Contains(p, func(_ orb.Bound, i int32) bool {
		if (best < 0 || int(i) < best) && planar.MultiPolygonContains(ci.communes[i].Geometry, p) {
			best = int(i)
		}
		return true
	})
	return best
}

// Code returns the INSEE code of the commune containing p, and false when p
// is in none.
func (ci *CommuneIndex) Code(p orb.Point) (string, bool) {
	i := ci.Locate(p)
	if i < 0 {
		return "", false
	}
	return ci.communes[i].Code, true
}

// Len returns the number of indexed communes (those with a geometry).
func (ci *CommuneIndex) Len() int { return ci.idx.Len() }
