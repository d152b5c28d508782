// Package road builds a compact routable graph from OpenStreetMap data and
// answers travel-time queries on it: Engine implements travel.Engine.
//
// Typical use (what `maillage route --osm F` does):
//
//	g, stats, err := road.ReadPBFFile(ctx, "porto.osm.pbf", road.Options{})
//	e, err := road.NewEngine(g, mode, cellCentres, road.EngineOptions{})
//	r, err := e.Route(from, to)          // r.Seconds, r.Meters
//	times := e.Nearest(venues, 30*60)     // per cell; +Inf beyond 30 min
//	e.Reach(venue, 15*60, func(cell int32, s float32) { … })
//	off := e.OffNetwork()                 // cells too far from any road
//	g.Edges("car", bbox, road.ShapeTolerance, func(ed road.Edge) bool { … }) // the roads layer
//
// A graph is stored with g.MarshalBinary (the road section of a territory
// file) and read back with UnmarshalGraph, without rebuilding.
//
// # Reading
//
// ReadPBF reads the file twice with paulmach/osm's scanner. Pass 1 decodes
// only the ways: inside the decoders, it keeps those at least one profile
// (car, foot, bike; travel.DefaultProfiles) can use, with their node
// references, and lets the decoders reuse the memory of every other way.
// The node ids they reference become one sorted array of distinct ids
// (8 bytes a node, no map). Pass 2 decodes only the nodes and, inside the
// decoders again, stores the position of each id found in that array; the
// nodes of buildings, points of interest and paths no profile uses are
// never held. Objects may come in any order; ways are put in id order, so
// the graph does not depend on how the decoders interleaved. A reference
// to a node absent from the file (clipped extracts) cuts the way there and
// is counted in Stats.MissingRefs. Both passes report progress by bytes
// (Options.Progress). Options.MaxMemory refuses, with ErrTooLarge, a file
// whose EstimateMemory exceeds it before reading, and one whose routable
// ways need more (EstimateMemoryRefs) after pass 1, before pass 2.
//
// # Graph
//
// Junction to junction. An OSM node is a junction where ways meet or end
// or the speeds change (it has other than exactly two segments, one in and
// one out in way direction, of one speed class, to two distinct
// neighbours); every other node is a shape point of the edge through it.
// Junctions are numbered along a Hilbert curve over their coordinates and
// edges in the order of their first junction, so that nodes close on the
// ground are close in memory. Indices are uint32 (int32 range); positions
// are int32 fixed point at 1e-7 degree (about 1 cm, as in OSM). Memory,
// for P profiles (P = 3 by default):
//
//   - per junction: 12 bytes (position 8, adjacency offset 4);
//   - per edge: 30 + 8·P bytes = 54 (both ends in the shared adjacency 16,
//     end junctions 8, shape offset 4, speed class 2, per profile two
//     uint32 costs 8·P);
//   - per shape point: 8 bytes (its position);
//   - a few hundred bytes of speed classes.
//
// Measured: Porto (333,147 road nodes: 69,639 junctions, 97,410 edges)
// 8.2 MB, 24.6 bytes per road node, where the node-level CSR graph before
// took 120; the synthetic 20 M-node département (7.65 M road nodes: 1.37 M
// junctions, 2.62 M edges) 208 MB, 27 bytes per road node. The encoded form
// is the same arrays without the adjacency (rebuilt on load by a counting
// sort): 161 MB, loaded in 0.8 CPU-seconds.
//
// Per profile an edge has two travel times, a→b and b→a, in milliseconds
// at the profile's speeds (uint32; unreached when that direction is closed
// to the profile). Each is the sum of the edge's segment times, each
// segment's time rounded to the millisecond from its float32 length and
// the way's speed, exactly as the node-level graph rounded its arcs: every
// time is the same integer count of milliseconds (scaled to the mode's
// speed by a float64 factor, then reported as float32 seconds), so routes,
// catchments and nearest times equal those of a search over every node
// (testdata/answers.json, written by the node-level engine, checks this to
// 1 ms; it holds exactly).
//
// Per profile, only strongly connected components of at least
// Options.MinComponent nodes (and always the largest) keep their edges:
// car parks and clipped stubs that cannot be left are dropped, and
// counted in Stats.Networks. Components are found on the junctions; an
// edge's shape points count in its ends' component.
//
// Shape points are all kept: the snapping of demand points and places to
// the nearest node, and so every figure, depend on them, and they cost 8
// bytes each, a third of the graph. The roads layer and other drawings
// take them simplified: Edges applies Douglas–Peucker at ShapeTolerance
// (5 m), which keeps about half of them (Monaco). Route returns every node
// passed, and its length sums them all.
//
// # Searches
//
// Dijkstra over the junctions with an indexed 4-ary heap (decrease-key by
// position) over uint32 costs, with per-goroutine scratch arrays
// (distance, visit stamps, heap positions) from a sync.Pool: nothing is
// allocated per settled junction and a new search clears nothing. A
// demand point snapped to a shape point is reached through its edge's ends
// (the smaller of the end's time plus the cost between them along the
// edge, over the open directions), and a place on a shape point seeds the
// ends it reaches along its edge and reaches the points of its own edge
// directly. One-to-one routes use A* with landmarks (ALT, 8 landmarks
// chosen farthest-first over the junctions, built on the first Route call,
// 64 bytes per junction and network) and the straight line at top speed as
// lower bounds. Points snap to the nearest node of their network through
// Index (a tidwall/rtree over junctions and shape points); the snap
// distance is covered at the access speed, and a point beyond
// EngineOptions.MaxSnapMetres is off network: reported, not counted as
// reached nor as unreached.
//
// # Building memory, and the national case
//
// ReadPBF's peak grows with the references of the routable ways (about
// one per road node), not with the file: 66 bytes a reference measured on
// the synthetic département (BenchmarkSynthetic20M: 516 MB for 7.8 M
// references, 7.7 CPU-seconds), about 75 on Porto (39 MB peak, of which
// some 15 MB is the runtime and the decoder's buffers). It holds 8 bytes a
// reference after pass 1 and no memory per node of anything else.
// BenchmarkSynthetic100M (98 M nodes, 38 M on roads) peaked at 3.5 GB, 92
// bytes a reference, before the build stopped renumbering nodes and
// pre-sized its edge arrays (the change that took the 20 M case from 682 to
// 516 MB). A national extract (600 M nodes) of 150–200 M road nodes would
// build at 10–13 GB on that measure and serve a graph of 4–5.4 GB.
//
// Graph and Engine are safe for concurrent use once built.
package road
