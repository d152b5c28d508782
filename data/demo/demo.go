// Package demo generates the embedded demo territory: a clearly labelled
// FICTIONAL département ("Département fictif — données générées") that
// exercises everything the planner does without any input file — towns,
// villages and scattered hamlets (about 140,000 people on H3 resolution-9
// cells), older populations in the countryside, poverty pockets in the towns,
// venues with realistic weekly hours (mostly in towns, some village
// permanences, an itinerant France Services bus), commune outlines, and a
// generated road network.
//
// Everything is drawn from a seeded PCG generator (math/rand/v2), so a seed
// always gives the same territory; generation takes a few tens of
// milliseconds. The geography is laid out in a local planar frame in
// kilometres around a real-looking origin in rural central France, then
// converted to WGS84 with an equirectangular mapping: the mapping is affine,
// so convex Voronoi communes drawn in kilometres stay convex, and "nearest
// commune seed" and "inside the commune polygon" agree exactly.
//
// Nothing here describes real places or people: commune codes use the
// non-existent département number 99.
package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/maillage/maillage"
	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// Name is the name of the demo territory.
const Name = "Département fictif — données générées"

// DefaultSeed is the seed the maillage commands use for the demo territory.
const DefaultSeed uint64 = 2026

// Resolution is the H3 resolution of the demo territory's cells.
const Resolution = 9

// Territory generates the demo territory for seed and its road network as
// OpenStreetMap data (nodes with positions and highway ways; turn it into a
// routable graph with package geo/road). The territory's Roads field is left
// nil for the caller to fill with the encoded graph. Territory is safe for
// concurrent use: each call has its own generator.
func Territory(seed uint64) (*maillage.Territory, *osm.OSM, error) {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	g.outline()
	if err := g.settlements(); err != nil {
		return nil, nil, err
	}
	g.communes()
	if err := g.people(); err != nil {
		return nil, nil, err
	}
	g.venues()
	o := g.roads()
	t := &maillage.Territory{
		Name:       Name,
		Fictional:  true,
		Resolution: Resolution,
		Cells:      g.cells,
		Parts:      []maillage.Part{}, // every cell lies in one commune (see people.go)
		Communes:   g.comms,
		Venues:     g.vens,
		Findings:   g.findings,
		VenuesRead: len(g.vens) + g.rejected,
		Sources:    []string{fmt.Sprintf("demo (generated, seed %d)", seed)},
	}
	return t, o, nil
}

// The local frame: x east, y north, in kilometres from the origin.
const (
	lat0 = 46.18 // a rural stretch of central France
	lon0 = 2.05
	kmY  = 110.574 // km per degree of latitude
)

var kmX = 111.320 * math.Cos(lat0*math.Pi/180) // km per degree of longitude

type xy struct{ X, Y float64 }

func (p xy) ll() orb.Point { return orb.Point{lon0 + p.X/kmX, lat0 + p.Y/kmY} }

func fromLL(p orb.Point) xy { return xy{(p[0] - lon0) * kmX, (p[1] - lat0) * kmY} }

func dist(a, b xy) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

type kind uint8

const (
	town kind = iota
	village
	hamlet
)

// settlement is a town, village or hamlet; towns and villages are commune
// seats (their index in gen.seats is their commune's index).
type settlement struct {
	kind    kind
	at      xy
	pop     float64
	name    string
	commune int        // commune index
	pockets []xy       // poverty pockets (towns)
	hub     osm.NodeID // the road node at its centre
}

type gen struct {
	r       *rand.Rand
	border  []xy // convex outline, counter-clockwise
	seats   []*settlement
	hamlets []*settlement
	farms   []xy
	names   map[string]bool

	comms    []maillage.Commune
	cells    []maillage.Cell
	vens     []maillage.Venue
	findings []maillage.Finding
	rejected int
}

// outline draws a wobbly, rotated ellipse of about 64 × 52 km and keeps its
// convex hull.
func (g *gen) outline() {
	rot := 0.35
	p1, p2 := g.r.Float64()*2*math.Pi, g.r.Float64()*2*math.Pi
	var pts []xy
	for i := range 48 {
		th := 2 * math.Pi * float64(i) / 48
		k := 1 + 0.06*math.Sin(3*th+p1) + 0.04*math.Sin(5*th+p2)
		x, y := 32*k*math.Cos(th), 26*k*math.Sin(th)
		pts = append(pts, xy{x*math.Cos(rot) - y*math.Sin(rot), x*math.Sin(rot) + y*math.Cos(rot)})
	}
	g.border = convexHull(pts)
}

// convexHull returns the hull of pts counter-clockwise (Andrew's monotone chain).
func convexHull(pts []xy) []xy {
	pts = slices.Clone(pts)
	slices.SortFunc(pts, func(a, b xy) int {
		if a.X != b.X {
			return cmpF(a.X, b.X)
		}
		return cmpF(a.Y, b.Y)
	})
	cross := func(o, a, b xy) float64 { return (a.X-o.X)*(b.Y-o.Y) - (a.Y-o.Y)*(b.X-o.X) }
	var h []xy
	for _, p := range pts {
		for len(h) >= 2 && cross(h[len(h)-2], h[len(h)-1], p) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, p)
	}
	lower := len(h) + 1
	for i := len(pts) - 2; i >= 0; i-- {
		p := pts[i]
		for len(h) >= lower && cross(h[len(h)-2], h[len(h)-1], p) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, p)
	}
	return h[:len(h)-1]
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// inside returns the distance from p to the outline if p is inside it, or a
// negative number if outside.
func (g *gen) inside(p xy) float64 {
	d := math.Inf(1)
	n := len(g.border)
	for i := range n {
		a, b := g.border[i], g.border[(i+1)%n]
		ex, ey := b.X-a.X, b.Y-a.Y
		l := math.Hypot(ex, ey)
		// Signed distance to the edge's line, positive on the inner (left) side.
		s := (ex*(p.Y-a.Y) - ey*(p.X-a.X)) / l
		d = min(d, s)
	}
	return d
}

// randomInside draws a point at least margin km inside the outline.
func (g *gen) randomInside(margin float64) xy {
	for {
		p := xy{(g.r.Float64()*2 - 1) * 36, (g.r.Float64()*2 - 1) * 36}
		if g.inside(p) >= margin {
			return p
		}
	}
}

// place draws a point at least margin inside the outline and at least
// spacing km from every point in others; it gives up after many tries.
func (g *gen) place(margin, spacing float64, others ...[]*settlement) (xy, bool) {
	for range 2000 {
		p := g.randomInside(margin)
		ok := true
		for _, list := range others {
			for _, s := range list {
				if dist(p, s.at) < spacing {
					ok = false
					break
				}
			}
		}
		if ok {
			return p, true
		}
	}
	return xy{}, false
}

// convexClip keeps the part of the convex polygon poly where
// (p-m)·n <= 0 (Sutherland-Hodgman against one half-plane).
func convexClip(poly []xy, m, n xy) []xy {
	side := func(p xy) float64 { return (p.X-m.X)*n.X + (p.Y-m.Y)*n.Y }
	var out []xy
	for i := range poly {
		a, b := poly[i], poly[(i+1)%len(poly)]
		sa, sb := side(a), side(b)
		if sa <= 0 {
			out = append(out, a)
		}
		if (sa < 0 && sb > 0) || (sa > 0 && sb < 0) {
			t := sa / (sa - sb)
			out = append(out, xy{a.X + t*(b.X-a.X), a.Y + t*(b.Y-a.Y)})
		}
	}
	return out
}

// communes draws each commune as the Voronoi region of its seat clipped to
// the outline.
func (g *gen) communes() {
	for i, s := range g.seats {
		poly := g.border
		for j, o := range g.seats {
			if i == j {
				continue
			}
			m := xy{(s.at.X + o.at.X) / 2, (s.at.Y + o.at.Y) / 2}
			poly = convexClip(poly, m, xy{o.at.X - s.at.X, o.at.Y - s.at.Y})
		}
		ring := make(orb.Ring, 0, len(poly)+1)
		for _, p := range poly {
			ring = append(ring, p.ll())
		}
		ring = append(ring, ring[0])
		g.comms = append(g.comms, maillage.Commune{
			Code:     fmt.Sprintf("99%03d", i+1),
			Name:     s.name,
			Geometry: orb.MultiPolygon{{ring}},
			Center:   s.at.ll(), // the seat: the town hall
		})
	}
}

// communeOf returns the index of the commune containing p: its nearest seat.
func (g *gen) communeOf(p xy) int {
	best, bd := 0, math.Inf(1)
	for i, s := range g.seats {
		if d := dist(p, s.at); d < bd {
			best, bd = i, d
		}
	}
	return best
}
