package planner

import (
	"bytes"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/geo/travel"
)

// ErrBadEngine is returned for an engine name other than "road" or "crowfly".
var ErrBadEngine = fmt.Errorf("planner: unknown engine (want road or crowfly)")

// Route returns the one-to-one route between two points by the named mode
// (travel.DefaultModes) on the named engine: "road" on the territory's road
// network (coverage.ErrNoRoads without one), "crowfly" great-circle × detour.
// Road engines are built once per mode and kept.
func (p *Planner) Route(from, to orb.Point, modeName, engine string) (travel.Route, travel.Mode, error) {
	mode, err := travel.DefaultModes().Get(modeName)
	if err != nil {
		return travel.Route{}, mode, fmt.Errorf("mode: %w (want walk, senior, bike or car)", err)
	}
	if engine != coverage.EngineRoad {
		r, err := RouteWith(nil, mode, engine, from, to)
		return r, mode, err
	}
	e, err := p.routeEngine(mode)
	if err != nil {
		return travel.Route{}, mode, err
	}
	r, err := e.Route(from, to)
	return r, mode, err
}

// RouteWith returns the one-to-one route between two points by mode (any
// mode, e.g. one of a modes file) on the named engine: "crowfly"
// great-circle × detour, as the coverage engine computes it; "road" on
// graph g (nil: coverage.ErrNoRoads), with the engine a territory's
// coverage uses. It is Route for a graph read without a territory (route
// --osm); a planner keeps its road engines, RouteWith builds one per call.
func RouteWith(g *road.Graph, mode travel.Mode, engine string, from, to orb.Point) (travel.Route, error) {
	switch engine {
	case coverage.EngineCrowFly:
		return travel.NewCrowFly(mode, nil).Route(from, to)
	case coverage.EngineRoad:
		if g == nil {
			return travel.Route{}, fmt.Errorf("no road network (give an OSM extract, or use the crowfly engine): %w", coverage.ErrNoRoads)
		}
		e, err := road.NewEngine(g, mode, nil, road.EngineOptions{})
		if err != nil {
			return travel.Route{}, err
		}
		return e.Route(from, to)
	}
	return travel.Route{}, fmt.Errorf("%w: %q", ErrBadEngine, engine)
}

func (p *Planner) routeEngine(mode travel.Mode) (*road.Engine, error) {
	if p.graph == nil {
		return nil, fmt.Errorf("territory %q has no road network (ingest it with --osm, or use the crowfly engine): %w", p.t.Name, coverage.ErrNoRoads)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.routes[mode.Name]; ok {
		return e, nil
	}
	e, err := road.NewEngine(p.graph, mode, nil, road.EngineOptions{})
	if err != nil {
		return nil, err
	}
	p.routes[mode.Name] = e
	return e, nil
}

// DecodeScenario decodes a scenario's JSON with the planner's options; a
// scenario that names no base is based on the planner's territory, and one
// on the planner's territory without a base digest gets the territory's
// (see Digest); a scenario on the planner's territory records the
// planner's territory file (Config.TerritoryFile), whatever its JSON said.
func (p *Planner) DecodeScenario(raw []byte) (scenario.Scenario, error) {
	o := p.scen
	o.DefaultBase = p.t.Name
	s, err := o.Decode(bytes.NewReader(raw))
	if err == nil && s.BaseDigest == "" && s.Base == p.t.Name {
		s.BaseDigest = p.Digest()
	}
	if err == nil && s.Base == p.t.Name {
		s.TerritoryFile = p.file
	}
	return s, err
}

// BaseScenario is the empty scenario on the planner's territory: evaluating
// it gives the base.
func (p *Planner) BaseScenario() scenario.Scenario {
	return scenario.Scenario{Name: "base", Base: p.t.Name}
}
