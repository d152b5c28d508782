package coverage

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/maillage/maillage"
	"github.com/paulmach/orb"
)

func near(a, b float64) bool {
	if math.IsInf(a, 1) && math.IsInf(b, 1) {
		return true
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// liveVenues returns the live places of s, in slot order.
func liveVenues(s *State) []maillage.Venue {
	var out []maillage.Venue
	for j, v := range s.Venues() {
		if s.Live(j) {
			out = append(out, v)
		}
	}
	return out
}

// sameState compares s with a full computation over s's live venues.
func sameState(t *testing.T, step string, s *State, opt Options) {
	t.Helper()
	ter := *s.Territory()
	ter.Venues = liveVenues(s)
	full, err := New(&ter, s.Profile(), opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < s.Len(); i++ {
		a, b := s.Cell(i), full.Cell(i)
		if a.Places != b.Places || a.WeeklyHours != b.WeeklyHours || a.Covered != b.Covered ||
			!near(a.Access, b.Access) || math.Abs(a.NearestSeconds-b.NearestSeconds) > 1e-3 && !near(a.NearestSeconds, b.NearestSeconds) {
			t.Fatalf("%s: cell %d: incremental %+v, full %+v", step, i, a, b)
		}
		if (a.Nearest >= 0) != (b.Nearest >= 0) || a.Nearest >= 0 && s.Venue(a.Nearest).ID != full.Venue(b.Nearest).ID &&
			a.NearestSeconds != b.NearestSeconds { // ties aside, the nearest place is the same
			t.Fatalf("%s: cell %d: nearest %d, full %d", step, i, a.Nearest, b.Nearest)
		}
	}
	x, y := s.Summary(), full.Summary()
	if !near(x.Population, y.Population) || !near(x.Covered, y.Covered) || !near(x.WeightedCovered, y.WeightedCovered) ||
		!near(x.WeightedPopulation, y.WeightedPopulation) || !near(x.Access, y.Access) || x.Places != y.Places ||
		x.UnlocatedPlaces != y.UnlocatedPlaces || x.UnknownHoursPlaces != y.UnknownHoursPlaces || len(x.Communes) != len(y.Communes) {
		t.Fatalf("%s: summary\n%+v\nfull\n%+v", step, x, y)
	}
	for k := range x.Communes {
		a, b := x.Communes[k], y.Communes[k]
		if a.Code != b.Code || !near(a.Covered, b.Covered) || !near(a.WeightedCovered, b.WeightedCovered) || !near(a.Access, b.Access) {
			t.Fatalf("%s: commune %+v, full %+v", step, a, b)
		}
	}
}

// TestIncrementalMatchesFull applies random sequences of add, remove and
// change operations and compares, after each, the incremental state with a
// full recomputation (to 1e-9).
func TestIncrementalMatchesFull(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	ter := randomTerritory(t, rng, 12, 50)
	bound := orb.MultiPoint(cellCenters(ter)).Bound().Pad(0.03)
	nh := DefaultNeedsHelp()
	profiles := []Profile{
		{Name: "hours", Mode: builtinMode("car"), MaxMinutes: 4, MinWeeklyHours: 6, Decay: DecayE2SFCA,
			Filter: Filter{Services: maillage.ServiceDemarches | maillage.ServiceAcces}},
		{Name: "gauss", Mode: builtinMode("car"), MaxMinutes: 5, Decay: DecayGaussian, UnknownHoursSupply: 2,
			Weight: Weight{NeedsHelp: &nh, Fragility: 1}},
		{Name: "fs", Mode: builtinMode("car"), MaxMinutes: 6, Decay: DecayStep, Filter: Filter{Programmes: []string{"France Services"}}},
	}
	frag := map[string]float64{"33001": 3, "33003": 8}
	for k, p := range profiles {
		// catchments kept lazily (crow-fly default) or all kept
		opt := Options{Fragility: frag, KeepCatchments: k == 1}
		t.Run(p.Name, func(t *testing.T) {
			s, err := New(ter, p, opt)
			if err != nil {
				t.Fatal(err)
			}
			sameState(t, "initial", s, opt)
			next := 1000
			for step := 0; step < 60; step++ {
				live := liveVenues(s)
				op := rng.IntN(6)
				var desc string
				switch {
				case op == 0 || len(live) < 5:
					v := randomVenue(rng, bound, next)
					next++
					_, err = s.Add(v)
					desc = "add " + v.ID
				case op == 1:
					v := live[rng.IntN(len(live))]
					err = s.Remove(v.ID)
					desc = "remove " + v.ID
				case op == 2:
					v := live[rng.IntN(len(live))]
					if rng.IntN(3) == 0 {
						v.Hours = maillage.Week{}
					} else {
						v.Hours = week(float64(rng.IntN(30)))
					}
					err = s.Update(v)
					desc = "hours " + v.ID
				case op == 3:
					v := live[rng.IntN(len(live))]
					v.Services = maillage.Service(rng.IntN(1 << 9))
					if rng.IntN(2) == 0 {
						v.Programmes = []string{"France Services"}
					} else {
						v.Programmes = nil
					}
					err = s.Update(v)
					desc = "services " + v.ID
				case op == 4:
					v := live[rng.IntN(len(live))]
					v.Point = randomVenue(rng, bound, 0).Point
					v.Located = rng.IntN(8) != 0
					err = s.Update(v)
					desc = "move " + v.ID
				default:
					v := live[rng.IntN(len(live))]
					v.Name += "'"
					err = s.Update(v)
					desc = "rename " + v.ID
				}
				if err != nil {
					t.Fatalf("step %d %s: %v", step, desc, err)
				}
				sameState(t, fmt.Sprintf("step %d (%s)", step, desc), s, opt)
			}
			c := s.Clone()
			s.Recompute()
			sameState(t, "recompute", s, opt)
			sameState(t, "clone", c, opt)
		})
	}
}

func TestIncrementalErrors(t *testing.T) {
	ter, eng := handTerritory()
	s, err := New(ter, Profile{Name: "e", MaxMinutes: 30}, Options{Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(maillage.Venue{ID: "A"}); !errors.Is(err, ErrDuplicatePlace) {
		t.Errorf("duplicate add: %v", err)
	}
	if _, err := s.Add(maillage.Venue{}); !errors.Is(err, ErrNoID) {
		t.Errorf("add without id: %v", err)
	}
	if err := s.Remove("Z"); !errors.Is(err, ErrUnknownPlace) {
		t.Errorf("remove unknown: %v", err)
	}
	if err := s.Update(maillage.Venue{ID: "Z"}); !errors.Is(err, ErrUnknownPlace) {
		t.Errorf("update unknown: %v", err)
	}
	// removing B leaves cell 2 uncovered and cell 1 reached by A only (20 min)
	if err := s.Remove("B"); err != nil {
		t.Fatal(err)
	}
	if c := s.Cell(1); c.NearestSeconds != 1200 || c.Places != 1 || c.WeeklyHours != 10 {
		t.Errorf("cell 1 after removing B: %+v", c)
	}
	if sum := s.Summary(); sum.Covered != 300 {
		t.Errorf("covered %v, want 300", sum.Covered)
	}
	if err := s.Remove("B"); !errors.Is(err, ErrUnknownPlace) {
		t.Errorf("second remove: %v", err)
	}
}

// TestCloneIsIndependent: changing a clone (a scenario) leaves the base
// state as it was.
func TestCloneIsIndependent(t *testing.T) {
	ter, eng := handTerritory()
	base, err := New(ter, Profile{Name: "c", MaxMinutes: 30}, Options{Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	c := base.Clone()
	if err := c.Remove("B"); err != nil {
		t.Fatal(err)
	}
	if got := c.Summary().Covered; got != 300 {
		t.Errorf("clone covered %v, want 300", got)
	}
	if got := base.Summary().Covered; got != 600 {
		t.Errorf("base covered %v after changing the clone, want 600", got)
	}
	if _, ok := base.Index("B"); !ok || base.Cell(2).Places != 1 {
		t.Error("base lost place B")
	}
}
