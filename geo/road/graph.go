package road

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
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
	Nodes         int           // graph nodes kept
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
	out := fmt.Sprintf("read %d nodes, %d ways (%d routable), %d missing node refs; %d graph nodes; %d bytes in %v",
		s.NodesRead, s.WaysRead, s.RoutableWays, s.MissingRefs, s.Nodes, s.Bytes, s.Duration.Round(time.Millisecond))
	for _, n := range s.Networks {
		out += fmt.Sprintf("\n  %s: %d nodes, %d arcs (%d one-way), %d components, %d fragments dropped (%d nodes), largest %d",
			n.Name, n.Nodes, n.Arcs, n.OneWaySegments, n.Components, n.FragmentsDropped, n.NodesDropped, n.LargestNodes)
	}
	return out
}

// csr is a compressed sparse row adjacency: the arcs leaving node v are
// first[v] .. first[v+1]-1, going to head[i] at cost[i] milliseconds.
type csr struct {
	first []uint32
	head  []uint32
	cost  []uint32
}

func (c *csr) arcs() int { return len(c.head) }

// network is one profile's graph, forward and reversed.
type network struct {
	name   string
	refKmh float64 // the profile's RefKmh: costs scale with the mode speed when > 0
	maxKmh float64 // the fastest arc speed, km/h (A* bound)
	fwd    csr
	rev    csr      // the transpose of fwd
	inner  []uint64 // bitset of the inner (chain) nodes, see markInner

	idxOnce sync.Once
	idx     *Index

	lmOnce sync.Once
	lm     *landmarks
}

// Graph is a routable road network: node coordinates in spatial (Hilbert)
// order and, per profile, CSR arrays of arcs with their costs. A Graph is
// immutable once built and safe for concurrent use.
type Graph struct {
	lat, lon []int32 // 1e-7 degrees
	nets     []*network
}

// NumNodes returns the number of graph nodes.
func (g *Graph) NumNodes() int { return len(g.lat) }

// Node returns the position of node v.
func (g *Graph) Node(v int) orb.Point {
	return orb.Point{float64(g.lon[v]) / coordScale, float64(g.lat[v]) / coordScale}
}

// Networks returns the names of the graph's networks ("car", "foot", …).
func (g *Graph) Networks() []string {
	out := make([]string, len(g.nets))
	for i, n := range g.nets {
		out[i] = n.name
	}
	return out
}

// NumArcs returns the number of directed arcs of the named network, -1 if
// the graph has none.
func (g *Graph) NumArcs(network string) int {
	n := g.net(network)
	if n == nil {
		return -1
	}
	return n.fwd.arcs()
}

// Bound returns the bounding box of the graph's nodes.
func (g *Graph) Bound() orb.Bound {
	if len(g.lat) == 0 {
		return orb.Bound{}
	}
	b := orb.Bound{Min: g.Node(0), Max: g.Node(0)}
	for v := range g.lat {
		b = b.Extend(g.Node(v))
	}
	return b
}

// MemoryBytes returns the size in bytes of the graph's arrays (coordinates,
// forward and reverse CSR, chain bitsets; not the lazily built snapping
// index and landmark tables).
func (g *Graph) MemoryBytes() int {
	b := 8 * len(g.lat)
	for _, n := range g.nets {
		for _, c := range []*csr{&n.fwd, &n.rev} {
			b += 4*len(c.first) + 8*len(c.head)
		}
		b += 8 * len(n.inner)
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
