// Package road builds a compact routable graph from OpenStreetMap data and
// answers travel-time queries on it: Engine implements travel.Engine.
//
// Typical use (what `maillage route --osm F` does):
//
//	g, stats, err := road.ReadPBFFile(ctx, "porto.osm.pbf", road.Options{})
//	mode, _ := travel.DefaultModes().Get("car")
//	e, err := road.NewEngine(g, mode, cellCentres, road.EngineOptions{})
//	r, err := e.Route(from, to)          // r.Seconds, r.Meters
//	times := e.Nearest(venues, 30*60)     // per cell; +Inf beyond 30 min
//	e.Reach(venue, 15*60, func(cell int32, s float32) { … })
//	off := e.OffNetwork()                 // cells too far from any road
//
// A graph is stored with g.MarshalBinary and read back with UnmarshalGraph.
//
// Design (the reasons behind the layout):
//
//   - Reading (ReadPBF, FromOSM: one code path) keeps the ways that at least
//     one profile (car, foot, bike; see travel.DefaultProfiles) can use, then
//     resolves their node references once every object is read, so files
//     whose objects are not sorted load. A reference to a node absent from
//     the data (clipped extracts) cuts the way there and is counted in Stats.
//   - Every node of a kept way becomes a graph node, so that points snap to
//     the true road geometry. Nodes are renumbered along a Hilbert curve over
//     their coordinates: nodes close on the ground are close in memory and a
//     search touches few cache lines.
//   - Each profile has its own forward and reverse CSR arrays (first-arc
//     offsets, heads, costs in milliseconds as uint32): a search walks only
//     the arcs of its profile. Slices only, no maps nor pointers per node.
//   - Per profile, only strongly connected components of at least
//     Options.MinComponent nodes (and always the largest) keep their arcs:
//     car parks and clipped stubs that cannot be left are dropped, and
//     counted in Stats.Networks.
//   - Degree-2 chains are not contracted in the arrays but skipped by the
//     searches: about 80 % of road nodes have exactly two neighbours; a search
//     walks along such a chain, labelling its nodes, and queues only the
//     junction at its end. This keeps exact times at every node (so cells
//     snapped mid-chain need no special case) with the heap traffic of a
//     contracted graph.
//   - Searches are Dijkstra with an indexed 4-ary heap (decrease-key by
//     position) over uint32 costs, with per-goroutine scratch arrays
//     (distance, visit stamps, heap positions) from a sync.Pool: nothing is
//     allocated per settled node and a new search clears nothing.
//   - One-to-one routes use A* with landmarks (ALT, 8 landmarks chosen
//     farthest-first, built on the first Route call) and the straight line
//     at top speed as lower bounds.
//   - Points snap to the nearest node of their network through Index (a
//     tidwall/rtree); the snap distance is covered at the access speed, and a
//     point beyond EngineOptions.MaxSnapMetres is off network: reported, not
//     counted as reached nor as unreached.
//
// Graph and Engine are safe for concurrent use once built.
package road
