package road

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// Errors returned by the readers and the engine.
var (
	ErrNoRoads        = errors.New("road: no routable way in the data")
	ErrNoOverlap      = errors.New("road: no demand point is near the road network")
	ErrUnknownNetwork = errors.New("road: the graph has no such network")
	ErrTooLarge       = errors.New("road: the extract would not fit in memory")
)

// coordScale converts degrees to the graph's int32 fixed point (1e-7 degree,
// about 1 cm, as in OpenStreetMap itself).
const coordScale = 1e7

// Options tune graph building. The zero value is usable: it means the
// default profiles and DefaultMinComponent.
type Options struct {
	// Profiles are the road networks built, travel.DefaultProfiles() when nil.
	Profiles []*travel.Profile
	// MinComponent is the smallest strongly connected component, in nodes,
	// whose arcs are kept for a profile; the largest component is always
	// kept. 0 means DefaultMinComponent; 1 keeps everything.
	MinComponent int
	// Procs is the number of goroutines decoding a PBF (0: 2).
	Procs int
	// Progress, when not nil, is called as ReadPBF reads, from the reading
	// goroutine, with the pass (1: ways, 2: nodes), the bytes of the file
	// read so far in that pass and the file's size.
	Progress func(pass int, read, total int64)
	// MaxMemory, when > 0, is a memory budget in bytes: ReadPBF refuses up
	// front, with ErrTooLarge, a file whose EstimateMemory exceeds it.
	MaxMemory int64
}

// DefaultMinComponent is the default Options.MinComponent, in nodes: a
// fragment smaller than this (a car park, a clipped stub, a footway island)
// is dropped rather than given its own disconnected times.
const DefaultMinComponent = 50

// Stats describes what a reader found and kept.
type Stats struct {
	Bytes         int64         // bytes of PBF read by one pass (0 for FromOSM)
	Duration      time.Duration // time to read and build
	NodesRead     int           // OSM nodes read (all of them, kept or not)
	WaysRead      int           // OSM ways read
	RoutableWays  int           // ways open to at least one profile
	MissingRefs   int           // references of routable ways to nodes absent from the data
	DuplicateRefs int           // consecutive references to the same node, skipped
	Nodes         int           // graph nodes kept (junctions and shape points)
	Junctions     int           // junctions kept
	Edges         int           // edges kept (junction to junction)
	Networks      []NetworkStats
}

// NetworkStats describes one profile's network.
type NetworkStats struct {
	Name             string
	Nodes            int // nodes with at least one arc of this profile
	Arcs             int // directed arcs kept
	Components       int // strongly connected components before filtering
	FragmentsDropped int // components dropped (smaller than MinComponent)
	NodesDropped     int // nodes of the dropped components
	LargestNodes     int // nodes in the largest component
	OneWaySegments   int // kept segments open in one direction only (one-ways)
}

// String summarises the statistics on one line per network.
func (s *Stats) String() string {
	out := fmt.Sprintf("read %d nodes, %d ways (%d routable), %d missing node refs; %d graph nodes (%d junctions, %d edges); %d bytes in %v",
		s.NodesRead, s.WaysRead, s.RoutableWays, s.MissingRefs, s.Nodes, s.Junctions, s.Edges, s.Bytes, s.Duration.Round(time.Millisecond))
	for _, n := range s.Networks {
		out += fmt.Sprintf("\n  %s: %d nodes, %d arcs (%d one-way), %d components, %d fragments dropped (%d nodes), largest %d",
			n.Name, n.Nodes, n.Arcs, n.OneWaySegments, n.Components, n.FragmentsDropped, n.NodesDropped, n.LargestNodes)
	}
	return out
}

// adjEntry is one end of an edge seen from a junction: the junction at the
// other end and the edge's code, e<<1 | 0 when leaving from the edge's
// first end (travelling a→b), e<<1 | 1 from its last end (b→a). The code
// indexes a network's costs: cost[code] is the time of that traversal.
type adjEntry struct {
	head uint32
	code uint32
}

// network is one profile's costs on the shared edges.
type network struct {
	name   string
	refKmh float64 // the profile's RefKmh: costs scale with the mode speed when > 0
	maxKmh float64 // the fastest speed used, km/h (A* bound)
	// cost[2e] is the time along edge e from a to b, cost[2e+1] from b to
	// a, in milliseconds at the profile's speeds; unreached when that
	// direction is closed to the profile (or the edge was dropped as part
	// of a fragment).
	cost []uint32
	arcs int // directed node-to-node arcs (segments × open directions)

	idxOnce sync.Once
	idx     *Index

	lmOnce sync.Once
	lm     *landmarks
}

// open reports whether the network uses edge e in some direction.
func (n *network) open(e uint32) bool { return n.cost[2*e] != unreached || n.cost[2*e+1] != unreached }

// Graph is a routable road network in junction-to-junction form: junctions
// (OSM nodes where ways meet or end, or change speeds) in spatial (Hilbert)
// order, edges between them carrying every OSM node along the way as shape
// points, and per profile the travel time of each edge in each direction.
// A Graph is immutable once built and safe for concurrent use.
//
// Nodes are numbered 0 … NumNodes()-1: the junctions first (0 …
// NumJunctions()-1), then the shape points, edge after edge.
type Graph struct {
	lat, lon   []int32    // junctions, 1e-7 degrees
	adjFirst   []uint32   // edges at junction v: adj[adjFirst[v]:adjFirst[v+1]]
	adj        []adjEntry // both ends of every edge
	ea, eb     []uint32   // edge e runs from junction ea[e] to eb[e] (way direction)
	shapeFirst []uint32   // edge e's inner nodes: shape points shapeFirst[e] … shapeFirst[e+1]-1, from a to b
	slat, slon []int32    // shape points, 1e-7 degrees
	class      []uint16   // edge e's speeds: classes[2*P*class[e] + 2*p + {0 a→b, 1 b→a}], km/h
	classes    []float32
	nets       []*network
}

// NumNodes returns the number of graph nodes: junctions and shape points,
// every OSM node of the kept roads.
func (g *Graph) NumNodes() int { return len(g.lat) + len(g.slat) }

// NumJunctions returns the number of junctions.
func (g *Graph) NumJunctions() int { return len(g.lat) }

// NumEdges returns the number of edges (junction to junction, every
// profile's together).
func (g *Graph) NumEdges() int { return len(g.ea) }

// Node returns the position of node v (a junction below NumJunctions, a
// shape point above).
func (g *Graph) Node(v int) orb.Point {
	if v < len(g.lat) {
		return orb.Point{float64(g.lon[v]) / coordScale, float64(g.lat[v]) / coordScale}
	}
	v -= len(g.lat)
	return orb.Point{float64(g.slon[v]) / coordScale, float64(g.slat[v]) / coordScale}
}

// nodeLatLon returns node v's fixed-point position.
func (g *Graph) nodeLatLon(v int) (int32, int32) {
	if v < len(g.lat) {
		return g.lat[v], g.lon[v]
	}
	return g.slat[v-len(g.lat)], g.slon[v-len(g.lat)]
}

// Networks returns the names of the graph's networks ("car", "foot", …).
func (g *Graph) Networks() []string {
	out := make([]string, len(g.nets))
	for i, n := range g.nets {
		out[i] = n.name
	}
	return out
}

// NumArcs returns the number of directed node-to-node arcs of the named
// network (each segment between two consecutive OSM nodes counts once per
// open direction), -1 if the graph has none.
func (g *Graph) NumArcs(network string) int {
	n := g.net(network)
	if n == nil {
		return -1
	}
	return n.arcs
}

// Bound returns the bounding box of the graph's nodes.
func (g *Graph) Bound() orb.Bound {
	if g.NumNodes() == 0 {
		return orb.Bound{}
	}
	b := orb.Bound{Min: g.Node(0), Max: g.Node(0)}
	for v := range g.NumNodes() {
		b = b.Extend(g.Node(v))
	}
	return b
}

// MemoryBytes returns the size in bytes of the graph's arrays (junctions,
// adjacency, edges, shapes, per-network costs; not the lazily built
// snapping index and landmark tables).
func (g *Graph) MemoryBytes() int {
	b := 8*len(g.lat) + 4*len(g.adjFirst) + 8*len(g.adj) + 8*len(g.ea) + 4*len(g.shapeFirst) +
		8*len(g.slat) + 2*len(g.class) + 4*len(g.classes)
	for _, n := range g.nets {
		b += 4 * len(n.cost)
	}
	return b
}

func (g *Graph) net(name string) *network {
	for _, n := range g.nets {
		if n.name == name {
			return n
		}
	}
	return nil
}

// speeds returns edge e's speeds for profile p, km/h, a→b and b→a.
func (g *Graph) speeds(e uint32, p int) (float32, float32) {
	P := len(g.nets)
	i := 2*P*int(g.class[e]) + 2*p
	return g.classes[i], g.classes[i+1]
}

// edgeNodes calls fn with the nodes of edge e from a to b: the junction a,
// the shape points, the junction b (node numbers as Node takes them).
func (g *Graph) edgeNodes(e uint32, fn func(v int)) {
	fn(int(g.ea[e]))
	nj := len(g.lat)
	for s := g.shapeFirst[e]; s < g.shapeFirst[e+1]; s++ {
		fn(nj + int(s))
	}
	fn(int(g.eb[e]))
}

// segCosts calls fn with the cost, ms, of each segment of edge e from a to b
// at kmh (segment i joins the edge's node i to node i+1): the figures whose
// sum is the edge's cost, computed from the stored positions exactly as the
// build did.
func (g *Graph) segCosts(e uint32, kmh float32, fn func(i int, c uint32)) {
	i := 0
	var plat, plon int32
	first := true
	g.edgeNodes(e, func(v int) {
		lat, lon := g.nodeLatLon(v)
		if !first {
			fn(i, costMillis(float64(segMetres(plat, plon, lat, lon)), float64(kmh)))
			i++
		}
		first = false
		plat, plon = lat, lon
	})
}

// segMetres is the great-circle length of a segment between fixed-point
// positions, as stored in the build (float32 metres).
func segMetres(lat1, lon1, lat2, lon2 int32) float32 {
	return float32(geo.Distance(
		orb.Point{float64(lon1) / coordScale, float64(lat1) / coordScale},
		orb.Point{float64(lon2) / coordScale, float64(lat2) / coordScale}))
}

// nodeEdge returns the edge and shape index of a shape point v (v ≥
// NumJunctions), by binary search on shapeFirst.
func (g *Graph) nodeEdge(v int) (e uint32, k int) {
	s := uint32(v - len(g.lat))
	// The first edge whose shape range ends after s.
	lo, hi := 0, len(g.ea)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if g.shapeFirst[m+1] <= s {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return uint32(lo), int(s - g.shapeFirst[lo])
}
