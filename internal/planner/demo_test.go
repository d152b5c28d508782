package planner_test

import (
	"fmt"
	"testing"

	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/data/demo"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/internal/planner"
)

// TestDemoRoadProposalReevaluated runs the proposal → scenario cross-check
// of TestBordeauxProposals on the road engine: the demo territory with its
// generated road network, where new sites and places are snapped to the
// network. Adding the proposed sites as places must raise weighted coverage
// by exactly the proposal's gain, and the incremental evaluation must equal
// a full computation on the applied territory.
func TestDemoRoadProposalReevaluated(t *testing.T) {
	p := demoRoadPlanner(t)
	terr := p.Territory()
	for _, profile := range []string{"seniors-20min-walk", "demarches-20min-car"} {
		t.Run(profile, func(t *testing.T) {
			pr, err := p.Profile(profile)
			if err != nil {
				t.Fatal(err)
			}
			if p.EngineKind(pr) != "road" {
				t.Fatalf("%s runs on %s, want road", profile, p.EngineKind(pr))
			}
			base, err := p.State(profile)
			if err != nil {
				t.Fatal(err)
			}
			baseSum := base.Summary()
			prop, err := p.Propose(planner.ProposeRequest{Profiles: []string{profile}, K: 4})
			if err != nil {
				t.Fatal(err)
			}
			if len(prop.Sites) != 4 || prop.Gain <= 0 || !relClose(prop.CoveredBefore, baseSum.WeightedCovered, 1e-9) {
				t.Fatalf("%d sites, gain %.1f, before %.1f (coverage %.1f)", len(prop.Sites), prop.Gain, prop.CoveredBefore, baseSum.WeightedCovered)
			}
			s := scenario.Scenario{Name: "proposal", Base: terr.Name}
			for i, site := range prop.Sites {
				lat, lon := site.Lat, site.Lon
				// Hours and services that pass every built-in filter.
				s.Changes = append(s.Changes, scenario.Change{Op: scenario.OpAdd, Name: fmt.Sprintf("site %d", i+1), Lat: &lat, Lon: &lon,
					OpeningHours: "Mo-Fr 09:00-12:00", Services: []string{"Aide aux démarches administratives"}})
			}
			ev, err := p.Evaluate(s, profile)
			if err != nil {
				t.Fatal(err)
			}
			got := ev.Summary.WeightedCovered - baseSum.WeightedCovered
			if !relClose(got, prop.Gain, 1e-6) {
				t.Errorf("adding the sites raises weighted coverage by %.4f; the proposal reported %.4f", got, prop.Gain)
			}
			t.Logf("%s: gain %.1f (bound %.1f, gap %.3f), re-evaluated %.1f", profile, prop.Gain, prop.UpperBound, prop.Gap, got)
			compareSummaries(t, ev.Summary, freshRoadSummary(t, p, s, profile))
		})
	}
}

// demoRoadPlanner returns a planner over the demo territory with its
// generated road network.
func demoRoadPlanner(t *testing.T) *planner.Planner {
	t.Helper()
	terr, o, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := road.FromOSM(o, road.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if terr.Roads, err = g.MarshalBinary(); err != nil {
		t.Fatal(err)
	}
	p, err := planner.New(terr, planner.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
