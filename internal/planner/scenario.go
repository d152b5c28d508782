package planner

import (
	"context"
	"errors"
	"fmt"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/data"
)

// Evaluation is a scenario evaluated for one profile with the incremental
// coverage engine: the base territory's result, the scenario's, and the
// difference (scenario − base), overall and per commune.
type Evaluation struct {
	Profile string                  `json:"profile"`
	Edits   map[string]int          `json:"edits"` // added, removed, changed places
	Base    scenario.Result         `json:"base"`
	After   scenario.Result         `json:"after"`
	Delta   scenario.Delta          `json:"delta"`
	Summary coverage.ProfileSummary `json:"summary"` // the scenario's coverage summary
	// Warnings says what the caller should know about the evaluation: a
	// scenario made on another version of the territory (see
	// scenario.Scenario.BaseDigest).
	Warnings []string `json:"warnings,omitempty"`
}

// Evaluate applies s to the baseline coverage of the named profile with the
// incremental engine (only the catchments of the places it touches are
// computed) and compares the result with the base. A scenario without Base
// is taken to be on the planner's territory.
func (p *Planner) Evaluate(s scenario.Scenario, profile string) (*Evaluation, error) {
	ev, _, _, err := p.evaluate(s, profile)
	return ev, err
}

// evaluate is Evaluate, also returning the base and the scenario's coverage
// states (the base is shared: do not modify it).
func (p *Planner) evaluate(s scenario.Scenario, profile string) (*Evaluation, *coverage.State, *coverage.State, error) {
	if s.Base == "" {
		s.Base = p.t.Name
	}
	eff, err := p.scen.Resolve(p.t, s)
	if err != nil {
		return nil, nil, nil, err
	}
	base, err := p.State(profile)
	if err != nil {
		return nil, nil, nil, err
	}
	st := base.Clone()
	ev := &Evaluation{Profile: profile, Edits: map[string]int{}}
	for _, e := range eff.Edits {
		switch e.Kind {
		case scenario.Removed:
			err = st.Remove(e.ID)
			ev.Edits["removed"]++
		case scenario.Changed:
			err = st.Update(eff.Territory.Venues[e.New])
			ev.Edits["changed"]++
		case scenario.Added:
			_, err = st.Add(eff.Territory.Venues[e.New])
			ev.Edits["added"]++
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("planner: scenario %q: place %q: %w", s.Name, e.ID, err)
		}
	}
	if ev.Base, err = p.result(base, 0, "base"); err != nil {
		return nil, nil, nil, err
	}
	if ev.After, err = p.result(st, s.ID, s.Name); err != nil {
		return nil, nil, nil, err
	}
	ev.Delta = scenario.Compare(ev.Base, ev.After)
	ev.Summary = st.Summary()
	if d := p.Digest(); s.BaseDigest != "" && s.BaseDigest != d {
		ev.Warnings = append(ev.Warnings, fmt.Sprintf("scenario %q was made on another version of territory %q (%s; this one is %s): its changes apply to data it was not made on",
			s.Name, p.t.Name, s.BaseDigest, d))
	}
	return ev, base, st, nil
}

// Digest returns the fingerprint of the planner's territory (data.Digest),
// computed on first use.
func (p *Planner) Digest() string {
	p.digestOnce.Do(func() { p.digest = data.Digest(p.t) })
	return p.digest
}

// result converts a coverage state to the scenario package's per-commune result.
func (p *Planner) result(s *coverage.State, id int64, name string) (scenario.Result, error) {
	n := len(p.t.Cells)
	pr := s.Profile()
	v := scenario.CellValues{Covered: make([]float64, n), Access: make([]float64, n),
		Weight: func(pop maillage.Pop, commune int) float64 {
			frag := 0.0
			if commune >= 0 {
				frag = p.frag[p.t.Communes[commune].Code]
			}
			return pr.Weighted(&pop, frag)
		},
		Persons: func(pop maillage.Pop) float64 { return pr.Persons(&pop) }}
	for i := 0; i < n; i++ {
		c := s.Cell(i)
		if c.Covered {
			v.Covered[i] = 1
		}
		v.Access[i] = c.Access
	}
	r, err := scenario.Summarize(p.t, v)
	if err != nil {
		return r, err
	}
	r.Scenario, r.Name, r.Profile, r.Mode = id, name, pr.Name, pr.Mode.Name
	return r, nil
}

// ErrNoStore is returned when a stored scenario is asked for and the
// planner's caller has no scenario store.
var ErrNoStore = errors.New("planner: no scenario store")

// Diff compares scenarios a and b for one profile, where 0 is the base
// territory (which needs no store) and any other id is read from st. It
// returns the comparison and the warnings of the evaluations (a scenario
// made on another version of the territory). Errors: st's
// (scenario.ErrNotFound), ErrNoStore when st is nil, and Evaluate's.
func (p *Planner) Diff(ctx context.Context, st scenario.Store, a, b int64, profile string) (scenario.Delta, []string, error) {
	var res [2]scenario.Result
	var warnings []string
	for i, id := range [2]int64{a, b} {
		if id == 0 {
			ev, err := p.Evaluate(p.BaseScenario(), profile)
			if err != nil {
				return scenario.Delta{}, nil, err
			}
			res[i] = ev.Base
			continue
		}
		if st == nil {
			return scenario.Delta{}, nil, fmt.Errorf("%w: scenario %d cannot be read (0, the base territory, needs none)", ErrNoStore, id)
		}
		s, err := st.Get(ctx, id)
		if err != nil {
			return scenario.Delta{}, nil, err
		}
		ev, err := p.Evaluate(*s, profile)
		if err != nil {
			return scenario.Delta{}, nil, err
		}
		warnings = append(warnings, ev.Warnings...)
		res[i] = ev.After
	}
	return scenario.Compare(res[0], res[1]), warnings, nil
}

// RollUpDelta returns d summed into the areas of level (commune, epci,
// departement; "" or commune: d itself), with the roll-up of the coverage
// reports (coverage.CodeGrouper): the same areas, names and errors
// (coverage.ErrLevel without an EPCI list).
func (p *Planner) RollUpDelta(d scenario.Delta, level string) (scenario.Delta, error) {
	group, err := coverage.CodeGrouper(p.t, level)
	if err != nil {
		return scenario.Delta{}, err
	}
	if level == "" || level == maillage.LevelCommune {
		return d, nil
	}
	return d.RollUp(func(code string) (string, string) {
		g := group(code)
		return g.Code, g.Name
	}), nil
}
