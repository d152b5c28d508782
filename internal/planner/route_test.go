package planner_test

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/geo/travel"
	"github.com/maillage/maillage/internal/planner"
)

// TestRouteWith: the routes of a graph read without a territory (route
// --osm, route --engine crowfly) are the planner's own, on either engine,
// and the errors are the planner's.
func TestRouteWith(t *testing.T) {
	p := demoRoadPlanner(t)
	terr := p.Territory()
	from, to := terr.Cells[0].Center, terr.Cells[len(terr.Cells)/2].Center
	for _, modeName := range []string{"walk", "car"} {
		mode, err := travel.DefaultModes().Get(modeName)
		if err != nil {
			t.Fatal(err)
		}
		for _, engine := range []string{coverage.EngineRoad, coverage.EngineCrowFly} {
			want, _, err := p.Route(from, to, modeName, engine)
			if err != nil {
				t.Fatal(err)
			}
			got, err := planner.RouteWith(p.Graph(), mode, engine, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got.Seconds-want.Seconds) > 1e-9 || math.Abs(got.Meters-want.Meters) > 1e-9 || got.Seconds <= 0 {
				t.Errorf("%s %s: RouteWith %.3f s %.1f m, planner %.3f s %.1f m", modeName, engine, got.Seconds, got.Meters, want.Seconds, want.Meters)
			}
		}
	}
	walk, _ := travel.DefaultModes().Get("walk")
	if _, err := planner.RouteWith(nil, walk, coverage.EngineRoad, from, to); !errors.Is(err, coverage.ErrNoRoads) {
		t.Errorf("road without a graph: %v, want coverage.ErrNoRoads", err)
	}
	if _, err := planner.RouteWith(nil, walk, "teleport", from, orb.Point{}); !errors.Is(err, planner.ErrBadEngine) {
		t.Errorf("unknown engine: %v, want planner.ErrBadEngine", err)
	}
}
