// Package planner ties a loaded territory to everything the commands and the
// web API compute from it: the road graph decoded once, travel engines built
// once per mode and engine kind, baseline coverage states per profile (built
// on first use, then kept), site proposals and scenario evaluation. It is the
// one place that knows both the coverage engine and the road network, so that
// coverage never imports geo/road and web never imports either directly.
//
// A Planner is safe for concurrent use.
package planner

import (
	"errors"
	"fmt"
	"sync"

	"github.com/paulmach/orb"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/geo/travel"
	"github.com/maillage/maillage/internal/layer"
)

// Config configures a Planner.
type Config struct {
	// Profiles are user profiles (from coverage.ParseProfiles); one with the
	// name of a built-in replaces it.
	Profiles []coverage.Profile
	// Fragility maps commune INSEE codes to the digital-fragility index.
	Fragility map[string]float64
	// MemoBytes is the memory budget of the answers kept by Answer
	// (default DefaultMemoBytes).
	MemoBytes int64
	// TerritoryFile is the absolute path of the file the territory was
	// read from ("" for the demo), recorded in the scenarios made on it
	// (scenario.Scenario.TerritoryFile).
	TerritoryFile string
}

// Planner answers coverage, gap, accessibility, proposal and scenario
// questions about one territory.
type Planner struct {
	t        *maillage.Territory
	file     string      // Config.TerritoryFile
	graph    *road.Graph // nil when the territory has no road network
	profiles []coverage.Profile
	frag     map[string]float64
	points   []orb.Point
	engines  coverage.EngineFor

	scen scenario.Options

	digestOnce sync.Once
	digest     string

	answers  *memo // encoded answers of the base territory (memo.go)
	etagOnce sync.Once
	etagBase []byte

	// Layers (layerdefs.go, hexlayer.go), each built on first use.
	layerMu    sync.Mutex
	layers     map[string]*layer.Layer
	hex        hexLayers
	centreOnce sync.Once
	centreIdx  geo.Index[int32]
	boundOnce  sync.Once
	bound      orb.Bound
	codesOnce  sync.Once
	codes      map[string]int32
	sumsOnce   sync.Once
	sums       *communeSums

	mu     sync.Mutex
	states map[string]*stateOnce
	routes map[string]*road.Engine // one-to-one engines by mode name
}

type stateOnce struct {
	once sync.Once
	s    *coverage.State
	err  error
}

// New returns a planner over t, decoding its road network if it has one.
func New(t *maillage.Territory, cfg Config) (*Planner, error) {
	p := &Planner{t: t, frag: cfg.Fragility, states: map[string]*stateOnce{}, routes: map[string]*road.Engine{}, answers: newMemo(cfg.MemoBytes)}
	if len(t.Roads) > 0 {
		g, err := road.UnmarshalGraph(t.Roads)
		if err != nil {
			return nil, fmt.Errorf("planner: territory %q road network: %w", t.Name, err)
		}
		p.graph = g
	}
	p.points = make([]orb.Point, len(t.Cells))
	for i := range t.Cells {
		p.points[i] = t.Cells[i].Center
	}
	p.engines = coverage.CachedEngines(p.engineFor)
	profiles, err := coverage.SelectProfiles(cfg.Profiles)
	if err != nil {
		return nil, err
	}
	p.profiles = profiles
	p.scen = scenario.Options{ParseOpeningHours: data.ParseOpeningHours}
	p.file = cfg.TerritoryFile
	return p, nil
}

// ScenarioOptions returns the options scenarios are validated and applied
// with (opening_hours strings parsed by data.ParseOpeningHours).
func (p *Planner) ScenarioOptions() scenario.Options { return p.scen }

// Territory returns the planner's territory.
func (p *Planner) Territory() *maillage.Territory { return p.t }

// Graph returns the road network, or nil.
func (p *Planner) Graph() *road.Graph { return p.graph }

// Profiles returns the built-in and user profiles, built-ins first.
func (p *Planner) Profiles() []coverage.Profile { return p.profiles }

// Profile returns the profile called name (coverage.ErrUnknownProfile, with
// the known names, when there is none).
func (p *Planner) Profile(name string) (coverage.Profile, error) {
	return coverage.FindProfile(p.profiles, name)
}

// Engines returns the engine factory over the territory's cell centres:
// "road" uses the road network (coverage.ErrNoRoads without one), "auto" the
// road network when there is one and crow-fly otherwise, "crowfly" crow-fly.
func (p *Planner) Engines() coverage.EngineFor { return p.engines }

func (p *Planner) engineFor(m travel.Mode, engine string, pts []orb.Point) (travel.Engine, error) {
	switch engine {
	case coverage.EngineRoad:
		if p.graph == nil {
			return nil, fmt.Errorf("territory %q has no road network: %w", p.t.Name, coverage.ErrNoRoads)
		}
		return road.NewEngine(p.graph, m, pts, road.EngineOptions{})
	case coverage.EngineAuto, "":
		if p.graph != nil {
			return road.NewEngine(p.graph, m, pts, road.EngineOptions{})
		}
	}
	return coverage.CrowFlyEngines(m, coverage.EngineCrowFly, pts)
}

// EngineKind says which engine a profile actually runs on: "road" or "crowfly".
func (p *Planner) EngineKind(pr coverage.Profile) string {
	if pr.Engine == coverage.EngineRoad || ((pr.Engine == coverage.EngineAuto || pr.Engine == "") && p.graph != nil) {
		return coverage.EngineRoad
	}
	return coverage.EngineCrowFly
}

// State returns the baseline coverage state of the named profile, computed on
// first use and kept. Callers must not mutate it: Clone it first.
func (p *Planner) State(name string) (*coverage.State, error) {
	pr, err := p.Profile(name)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	so, ok := p.states[name]
	if !ok {
		so = &stateOnce{}
		p.states[name] = so
	}
	p.mu.Unlock()
	so.once.Do(func() {
		so.s, so.err = coverage.New(p.t, pr, coverage.Options{Engines: p.engines, Fragility: p.frag})
	})
	return so.s, so.err
}

// Coverage returns the coverage report of the named profiles (all profiles
// when names is empty).
func (p *Planner) Coverage(names ...string) (coverage.Report, error) {
	if len(names) == 0 {
		for _, q := range p.profiles {
			names = append(names, q.Name)
		}
	}
	states := make([]*coverage.State, 0, len(names))
	for _, n := range names {
		s, err := p.State(n)
		if err != nil {
			return coverage.Report{}, fmt.Errorf("profile %q: %w", n, err)
		}
		states = append(states, s)
	}
	rep := coverage.Summarize(p.t, states...)
	for i, n := range names {
		off, err := p.OffNetwork(n)
		if err != nil {
			return coverage.Report{}, fmt.Errorf("profile %q: %w", n, err)
		}
		rep.Profiles[i].OffNetworkCells = len(off)
		for _, c := range off {
			rep.Profiles[i].OffNetworkPersons += p.t.Cells[c].Pop[maillage.Ind]
		}
	}
	return rep, nil
}

// OffNetwork returns the indices of the cells whose centres lie farther than
// the road engine's maximum snap distance (road.DefaultMaxSnapMetres) from the
// network the named profile travels on; nil for a profile on crow-fly times.
// The road engine never reaches those cells, so the coverage engine counts
// them as uncovered: callers report them apart (an extract that misses part
// of the grid must not pass for a coverage gap). The slice must not be
// modified.
func (p *Planner) OffNetwork(name string) ([]int32, error) {
	pr, err := p.Profile(name)
	if err != nil {
		return nil, err
	}
	if p.EngineKind(pr) != coverage.EngineRoad {
		return nil, nil
	}
	eng, err := p.engines(pr.Mode, pr.Engine, p.points)
	if errors.Is(err, road.ErrNoOverlap) {
		all := make([]int32, len(p.points))
		for i := range all {
			all[i] = int32(i)
		}
		return all, nil
	}
	if err != nil {
		return nil, err
	}
	if e, ok := eng.(*road.Engine); ok {
		return e.OffNetwork(), nil
	}
	return nil, nil
}
