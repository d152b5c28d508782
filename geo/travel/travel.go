// Package travel defines how long it takes to get somewhere: travel modes
// (on foot, at a senior's pace, by car, by bicycle) and the Engine interface
// that the coverage engine asks, with a crow-fly implementation. The road
// network implementation lives in package geo/road.
//
// Times are in seconds, distances in metres, positions WGS84 orb.Point{lon, lat}.
package travel

import (
	"errors"

	"github.com/paulmach/orb"
)

// ErrOffNetwork is returned when a point is farther from the road network
// than the mode's maximum snap distance.
var ErrOffNetwork = errors.New("travel: point is off the road network")

// Mode is a way of travelling, with its crow-fly parameters.
type Mode struct {
	Name     string  `json:"name"`      // "walk", "senior", "car", "bike"
	Network  string  `json:"network"`   // road profile used on the network: "foot", "car" or "bike"
	SpeedKmh float64 `json:"speed_kmh"` // crow-fly speed, and the access speed off the network
	Detour   float64 `json:"detour"`    // crow-fly distance × Detour = travelled distance
}

// Route is the answer to a one-to-one query.
type Route struct {
	Seconds float64        `json:"seconds"`
	Meters  float64        `json:"meters"`
	Path    orb.LineString `json:"-"` // the followed geometry, nil for crow-fly
}

// Engine answers travel-time queries between arbitrary places and a fixed set
// of demand points (the centres of a territory's cells), indexed 0..n-1 in the
// order given when the engine was built. Implementations are safe for
// concurrent use by several goroutines.
type Engine interface {
	// Mode returns the mode the engine computes times for.
	Mode() Mode
	// Reach calls fn for every demand point reachable from p within max seconds,
	// with its travel time in seconds (bounded one-to-many: catchments).
	Reach(p orb.Point, max float64, fn func(point int32, seconds float32))
	// Nearest returns, for every demand point, the travel time in seconds to the
	// nearest of sources, or +Inf when none is within max (multi-source search).
	Nearest(sources []orb.Point, max float64) []float32
	// Route returns the travel time and distance from one point to another.
	Route(from, to orb.Point) (Route, error)
}
