// Package road builds a compact routable graph from OpenStreetMap data and
// answers travel-time queries on it: Engine implements travel.Engine.
//
// Design (the reasons behind the layout):
//
//   - Reading (ReadPBF, FromOSM) keeps the ways that at least one profile
//     (car, foot, bike; see travel.DefaultProfiles) can use, then resolves
//     their node references once every object is read, so files whose nodes
//     come after their ways load. A reference to a node absent from the file
//     (clipped extracts) cuts the way there and is counted in Stats.
//   - Every node of a kept way becomes a graph node: degree-2 chains are not
//     contracted, so demand points snap to the true road geometry; the
//     measured speeds (see the package benchmarks) meet the targets without it.
//   - Nodes are renumbered along a Hilbert curve over their coordinates, so
//     that nodes close on the ground are close in memory and a search touches
//     few cache lines.
//   - Each profile has its own forward and reverse CSR arrays (first-arc
//     offsets, heads, costs in milliseconds as uint32, lengths in metres as
//     float32): a search walks only the arcs of its profile. Slices, no maps
//     nor pointers per node.
//   - Per profile, only strongly connected components of at least
//     Options.MinComponent nodes (and always the largest) keep their arcs:
//     parking lots and clipped stubs that cannot be left are dropped, and
//     counted.
//   - Searches are Dijkstra with an indexed 4-ary heap over uint32 costs,
//     with per-goroutine scratch arrays (distance, visit stamps, heap
//     positions) from a sync.Pool: nothing is allocated per settled node.
//
// Graph and Engine are safe for concurrent use once built.
package road
