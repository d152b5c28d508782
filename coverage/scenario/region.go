package scenario

import (
	"fmt"
	"math"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/paulmach/orb"
)

// metresPerDegree is the length of one degree of latitude (and of longitude
// at the equator), in metres, on a sphere of the WGS84 mean radius.
const metresPerDegree = 6371008.8 * math.Pi / 180

// region is the area where a scenario may place venues: the communes'
// polygons when the territory has them, else the bounding box of its cell
// centres (or of its located venues), each widened by a buffer in metres.
type region struct {
	polys    []regionPoly
	communes *geo.CommuneIndex // over the same polygons
	box      orb.Bound
	hasBox   bool
	buffer   float64 // metres
}

type regionPoly struct {
	mp    orb.MultiPolygon
	bound orb.Bound
}

func newRegion(t *maillage.Territory, buffer float64) *region {
	r := &region{buffer: buffer}
	for _, c := range t.Communes {
		if len(c.Geometry) > 0 {
			r.polys = append(r.polys, regionPoly{mp: c.Geometry, bound: c.Geometry.Bound()})
		}
	}
	if len(r.polys) > 0 {
		r.communes = geo.NewCommuneIndex(t.Communes)
		return r
	}
	for _, c := range t.Cells {
		r.extend(c.Center)
	}
	if !r.hasBox {
		for _, v := range t.Venues {
			if v.Located {
				r.extend(v.Point)
			}
		}
	}
	return r
}

func (r *region) extend(p orb.Point) {
	if !r.hasBox {
		r.box, r.hasBox = p.Bound(), true
		return
	}
	r.box = r.box.Extend(p)
}

// pad returns b widened by r.buffer metres around latitude lat.
func (r *region) pad(b orb.Bound, lat float64) orb.Bound {
	dlat := r.buffer / metresPerDegree
	dlon := dlat / math.Max(math.Cos(lat*math.Pi/180), 0.01)
	return orb.Bound{Min: orb.Point{b.Min[0] - dlon, b.Min[1] - dlat}, Max: orb.Point{b.Max[0] + dlon, b.Max[1] + dlat}}
}

// contains reports whether p is inside the region, buffer included. A
// territory with neither polygons, cells nor located venues contains every
// point.
func (r *region) contains(p orb.Point) bool {
	if len(r.polys) == 0 {
		return !r.hasBox || r.pad(r.box, p[1]).Contains(p)
	}
	if r.commune(p) >= 0 {
		return true
	}
	for _, q := range r.polys {
		if r.pad(q.bound, p[1]).Contains(p) && distanceToEdges(q.mp, p) <= r.buffer {
			return true
		}
	}
	return false
}

// commune returns the index in Territory.Communes of the commune polygon
// holding p, or -1.
func (r *region) commune(p orb.Point) int {
	if r.communes == nil {
		return -1
	}
	return r.communes.Locate(p)
}

// setCommune sets v.Commune and v.CommuneName from the polygon holding v's
// position, when the territory has polygons.
func (r *region) setCommune(v *maillage.Venue, t *maillage.Territory) {
	if len(r.polys) == 0 {
		return
	}
	v.Commune, v.CommuneName = "", ""
	if i := r.commune(v.Point); i >= 0 {
		v.Commune, v.CommuneName = t.Communes[i].Code, t.Communes[i].Name
	}
}

func (r *region) describe() string {
	if len(r.polys) > 0 {
		return fmt.Sprintf("more than %g m from its %d commune outlines", r.buffer, len(r.polys))
	}
	return fmt.Sprintf("more than %g m outside the bounding box of its cells", r.buffer)
}

// distanceToEdges returns the distance in metres from p to the nearest edge
// of mp, on a local equirectangular projection around p (accurate to well
// under 1 % over a few kilometres).
func distanceToEdges(mp orb.MultiPolygon, p orb.Point) float64 {
	kx := metresPerDegree * math.Cos(p[1]*math.Pi/180)
	ky := metresPerDegree
	best := math.Inf(1)
	for _, poly := range mp {
		for _, ring := range poly {
			for k := 1; k < len(ring); k++ {
				ax, ay := (ring[k-1][0]-p[0])*kx, (ring[k-1][1]-p[1])*ky
				bx, by := (ring[k][0]-p[0])*kx, (ring[k][1]-p[1])*ky
				best = math.Min(best, segmentDistance(ax, ay, bx, by))
			}
		}
	}
	return best
}

// segmentDistance returns the distance from the origin to segment AB.
func segmentDistance(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	u := 0.0
	if l2 > 0 {
		u = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	x, y := ax+u*dx, ay+u*dy
	return math.Hypot(x, y)
}
