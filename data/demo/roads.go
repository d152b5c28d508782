package demo

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/paulmach/osm"
)

// roadBuilder accumulates OSM nodes and ways with sequential ids.
type roadBuilder struct {
	o   *osm.OSM
	pos []xy // pos[id-1]
}

func (b *roadBuilder) node(p xy) osm.NodeID {
	id := osm.NodeID(len(b.o.Nodes) + 1)
	ll := p.ll()
	b.o.Nodes = append(b.o.Nodes, &osm.Node{ID: id, Lat: ll[1], Lon: ll[0], Visible: true, Version: 1})
	b.pos = append(b.pos, p)
	return id
}

func (b *roadBuilder) way(nodes []osm.NodeID, tags ...string) {
	w := &osm.Way{ID: osm.WayID(len(b.o.Ways) + 1), Visible: true, Version: 1}
	for _, id := range nodes {
		n := b.o.Nodes[id-1]
		w.Nodes = append(w.Nodes, osm.WayNode{ID: id, Lat: n.Lat, Lon: n.Lon})
	}
	for i := 0; i+1 < len(tags); i += 2 {
		w.Tags = append(w.Tags, osm.Tag{Key: tags[i], Value: tags[i+1]})
	}
	b.o.Ways = append(b.o.Ways, w)
}

// road draws a gently curving road from node a to node b with a node every
// ~400 m.
func (g *gen) road(b *roadBuilder, a, z osm.NodeID, tags ...string) {
	pa, pz := b.pos[a-1], b.pos[z-1]
	l := dist(pa, pz)
	n := max(1, int(math.Ceil(l/0.4)))
	nx, ny := -(pz.Y-pa.Y)/l, (pz.X-pa.X)/l // unit normal
	amp := l * 0.06 * (g.r.Float64()*2 - 1)
	ph := g.r.Float64() * 0.6
	ids := []osm.NodeID{a}
	for i := 1; i < n; i++ {
		t := float64(i) / float64(n)
		off := amp*math.Sin(math.Pi*t) + 0.05*l*ph*math.Sin(3*math.Pi*t)*0.2
		ids = append(ids, b.node(xy{pa.X + t*(pz.X-pa.X) + off*nx, pa.Y + t*(pz.Y-pa.Y) + off*ny}))
	}
	ids = append(ids, z)
	g.way(b, ids, tags...)
}

func (g *gen) way(b *roadBuilder, ids []osm.NodeID, tags ...string) { b.way(ids, tags...) }

// roads generates the road network: a street grid in each town, a few
// streets in each village, primary roads between towns, secondary and
// tertiary roads between villages (a minimum spanning tree plus each
// village's links to its two nearest neighbours), unclassified lanes to the
// hamlets and tracks or lanes to the farms, some footpaths, speed limits and
// a pair of one-way streets.
func (g *gen) roads() *osm.OSM {
	b := &roadBuilder{o: &osm.OSM{Version: "0.6", Generator: "maillage demo"}}

	for ti, t := range g.seats[:len(townSizes)] {
		n := int(math.Round(math.Sqrt(t.pop) / 30))
		const step = 0.32 // km between streets
		grid := map[[2]int]osm.NodeID{}
		for i := -n; i <= n; i++ {
			for j := -n; j <= n; j++ {
				if i*i+j*j > n*n+1 {
					continue
				}
				if i == 0 && j == 0 {
					t.hub = b.node(t.at)
					grid[[2]int{0, 0}] = t.hub
					continue
				}
				jx, jy := (g.r.Float64()-0.5)*0.06, (g.r.Float64()-0.5)*0.06
				grid[[2]int{i, j}] = b.node(xy{t.at.X + float64(i)*step + jx, t.at.Y + float64(j)*step + jy})
			}
		}
		speed := func(k int) string {
			if k >= -1 && k <= 1 {
				return "30"
			}
			return "50"
		}
		for j := -n; j <= n; j++ { // east-west streets
			var ids []osm.NodeID
			for i := -n; i <= n; i++ {
				if id, ok := grid[[2]int{i, j}]; ok {
					ids = append(ids, id)
				}
			}
			if len(ids) < 2 {
				continue
			}
			tags := []string{"highway", "residential", "maxspeed", speed(j), "name", "Rue " + strconv.Itoa(j+n+1)}
			if ti == 0 && (j == 1 || j == -1) {
				// Two one-way streets in the centre, in opposite directions.
				if j == -1 {
					slices.Reverse(ids)
				}
				tags = append(tags, "oneway", "yes")
			}
			g.way(b, ids, tags...)
		}
		for i := -n; i <= n; i++ { // north-south streets
			var ids []osm.NodeID
			for j := -n; j <= n; j++ {
				if id, ok := grid[[2]int{i, j}]; ok {
					ids = append(ids, id)
				}
			}
			if len(ids) >= 2 {
				g.way(b, ids, "highway", "residential", "maxspeed", speed(i), "name", "Avenue "+strconv.Itoa(i+n+1))
			}
		}
		// A footpath across a park, diagonally between two grid corners.
		if a, ok := grid[[2]int{1, 1}]; ok {
			if z, ok := grid[[2]int{2, 2}]; ok {
				mid := b.node(xy{(b.pos[a-1].X + b.pos[z-1].X) / 2, (b.pos[a-1].Y + b.pos[z-1].Y) / 2})
				g.way(b, []osm.NodeID{a, mid, z}, "highway", "footway")
			}
		}
	}
	for _, v := range g.seats[len(townSizes):] {
		v.hub = b.node(v.at)
		for range 3 {
			a := g.r.Float64() * 2 * math.Pi
			l := 0.25 + g.r.Float64()*0.3
			end := b.node(xy{v.at.X + l*math.Cos(a), v.at.Y + l*math.Sin(a)})
			g.way(b, []osm.NodeID{v.hub, end}, "highway", "residential")
		}
	}

	// Links between commune seats: Kruskal's minimum spanning tree (so the
	// network is connected) plus each seat's two nearest neighbours.
	type link struct {
		a, z int
		d    float64
	}
	var links []link
	for i := range g.seats {
		for j := i + 1; j < len(g.seats); j++ {
			links = append(links, link{i, j, dist(g.seats[i].at, g.seats[j].at)})
		}
	}
	slices.SortStableFunc(links, func(x, y link) int { return cmp.Compare(x.d, y.d) })
	parent := make([]int, len(g.seats))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	chosen := map[[2]int]bool{}
	for _, l := range links {
		if ra, rz := find(l.a), find(l.z); ra != rz {
			parent[ra] = rz
			chosen[[2]int{l.a, l.z}] = true
		}
	}
	for i := range g.seats {
		var near []link
		for _, l := range links {
			if l.a == i || l.z == i {
				near = append(near, l)
				if len(near) == 2 {
					break
				}
			}
		}
		for _, l := range near {
			if l.d < 12 {
				chosen[[2]int{l.a, l.z}] = true
			}
		}
	}
	for i := range len(townSizes) { // towns are linked pairwise
		for j := i + 1; j < len(townSizes); j++ {
			chosen[[2]int{i, j}] = true
		}
	}
	for _, l := range links { // in sorted order: deterministic
		if !chosen[[2]int{l.a, l.z}] {
			continue
		}
		sa, sz := g.seats[l.a], g.seats[l.z]
		switch {
		case sa.kind == town && sz.kind == town:
			g.road(b, sa.hub, sz.hub, "highway", "primary", "maxspeed", "80", "ref", "D"+strconv.Itoa(900+l.a*10+l.z))
		case sa.kind == town || sz.kind == town || (sa.pop > 1200 && sz.pop > 1200):
			g.road(b, sa.hub, sz.hub, "highway", "secondary", "maxspeed", "80")
		case l.d < 4:
			g.road(b, sa.hub, sz.hub, "highway", "tertiary", "maxspeed", "70")
		default:
			g.road(b, sa.hub, sz.hub, "highway", "tertiary")
		}
	}

	// Hamlets: a lane to the nearest seat or already connected hamlet.
	type placed struct {
		at  xy
		hub osm.NodeID
	}
	var connected []placed
	for _, s := range g.seats {
		connected = append(connected, placed{s.at, s.hub})
	}
	nearest := func(p xy) placed {
		best, bd := connected[0], math.Inf(1)
		for _, c := range connected {
			if d := dist(p, c.at); d < bd {
				best, bd = c, d
			}
		}
		return best
	}
	for _, h := range g.hamlets {
		h.hub = b.node(h.at)
		g.road(b, h.hub, nearest(h.at).hub, "highway", "unclassified")
		connected = append(connected, placed{h.at, h.hub})
	}
	// Farms: a track (or a lane when farther than a kilometre).
	for _, f := range g.farms {
		id := b.node(f)
		to := nearest(f)
		if dist(f, to.at) < 1 {
			g.road(b, id, to.hub, "highway", "track")
		} else {
			g.road(b, id, to.hub, "highway", "unclassified")
		}
	}
	return b.o
}
