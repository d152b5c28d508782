package planner_test

import (
	"fmt"
	"testing"

	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/internal/planner"
)

// TestProposalHonoursMinWeeklyHours, on the demo territory by road:
// needs-help-30min-car requires 4 h a
// week of opening within reach. A proposal of half-hour permanences may only
// count the cells where the hours already reachable plus half an hour reach
// 4 h; the scenario evaluation of the same sites, with those hours, must
// give exactly the proposal's gain. Eight-hour sites must gain more.
func TestProposalHonoursMinWeeklyHours(t *testing.T) {
	p := demoRoadPlanner(t)
	const profile = "needs-help-30min-car"
	pr, err := p.Profile(profile)
	if err != nil || pr.MinWeeklyHours != 4 {
		t.Fatalf("profile %s: min weekly hours %v, %v; want 4", profile, pr.MinWeeklyHours, err)
	}
	base, err := p.State(profile)
	if err != nil {
		t.Fatal(err)
	}
	gains := map[float64]float64{}
	for _, tc := range []struct {
		hours      float64
		open, shut string // one Monday span of that length
	}{{0.5, "09:00", "09:30"}, {8, "09:00", "17:00"}} {
		prop, err := p.Propose(planner.ProposeRequest{Profiles: []string{profile}, K: 3, Hours: tc.hours})
		if err != nil {
			t.Fatal(err)
		}
		s := scenario.Scenario{Name: fmt.Sprintf("%gh", tc.hours)}
		for i, site := range prop.Sites {
			lat, lon := site.Lat, site.Lon
			s.Changes = append(s.Changes, scenario.Change{Op: scenario.OpAdd, Name: fmt.Sprintf("site %d", i+1), Lat: &lat, Lon: &lon,
				Hours:    []scenario.DaySpan{{Day: "Mo", Open: tc.open, Close: tc.shut}},
				Services: []string{"Aide aux démarches administratives"}})
		}
		ev, err := p.Evaluate(s, profile)
		if err != nil {
			t.Fatal(err)
		}
		got := ev.Summary.WeightedCovered - base.Summary().WeightedCovered
		if !relClose(got, prop.Gain, 1e-6) {
			t.Errorf("%g h sites: scenario raises weighted coverage by %.4f, the proposal claimed %.4f", tc.hours, got, prop.Gain)
		}
		gains[tc.hours] = prop.Gain
	}
	if !(gains[8] > gains[0.5]) {
		t.Errorf("8 h sites gain %.3f, half-hour sites %.3f: want more from longer opening", gains[8], gains[0.5])
	}
}
