package coverage

import (
	"errors"
	"fmt"
	"sync"

	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
)

// ErrNoRoads is returned by CrowFlyEngines for the road engine: the caller
// must supply an EngineFor that knows the territory's road network.
var ErrNoRoads = errors.New("coverage: no road engine available")

// EngineFor builds the travel engine for a mode and an engine name
// (EngineCrowFly, EngineRoad or EngineAuto) over the demand points, which are
// the centres of the territory's cells in cell order. The coverage package
// never builds a road engine itself: the caller passes a factory that does
// (package geo/road), so the same code runs on crow-fly or road times.
type EngineFor func(m travel.Mode, engine string, points []orb.Point) (travel.Engine, error)

// CrowFlyEngines is the EngineFor of a territory without road network:
// "crowfly" and "auto" give a *CrowFly; "road" fails with ErrNoRoads.
func CrowFlyEngines(m travel.Mode, engine string, points []orb.Point) (travel.Engine, error) {
	switch engine {
	case EngineCrowFly, EngineAuto, "":
		return NewCrowFly(m, points), nil
	case EngineRoad:
		return nil, ErrNoRoads
	}
	return nil, fmt.Errorf("coverage: unknown engine %q", engine)
}

// CachedEngines wraps f so that profiles sharing a mode and an engine name
// share one engine. All calls must pass the same points. It is safe for
// concurrent use.
func CachedEngines(f EngineFor) EngineFor {
	var mu sync.Mutex
	cache := map[string]travel.Engine{}
	return func(m travel.Mode, engine string, points []orb.Point) (travel.Engine, error) {
		key := fmt.Sprintf("%s|%s|%g|%g|%s", m.Name, m.Network, m.SpeedKmh, m.Detour, engine)
		mu.Lock()
		defer mu.Unlock()
		if e, ok := cache[key]; ok {
			return e, nil
		}
		e, err := f(m, engine, points)
		if err != nil {
			return nil, err
		}
		cache[key] = e
		return e, nil
	}
}

// CrowFly is the crow-fly engine (see travel.CrowFly): great-circle
// distance × detour, at the mode's speed, with AppendReach and ReachBound for
// catchments.
type CrowFly = travel.CrowFly

// NewCrowFly returns a crow-fly engine over the demand points pts.
func NewCrowFly(mode travel.Mode, pts []orb.Point) *CrowFly { return travel.NewCrowFly(mode, pts) }
