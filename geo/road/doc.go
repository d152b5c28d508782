// Package road builds a compact routable graph from OpenStreetMap data and
// answers travel-time queries on it (it implements travel.Engine).
package road

// Graph is a routable road network. (Placeholder: the road-network work
// replaces this with the real compact graph.)
type Graph struct {
	NumNodes int
}
