package main

import (
	"math"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/data/demo"
)

// TestRouteCrowFlyMatchesCoverage: `route --engine crowfly` and the coverage
// engine read the same travel-mode table, so the time route prints from a
// cell centre to a place is the time coverage finds from that cell to its
// nearest place, for every built-in profile's mode (before the one table,
// coverage walked seniors at 3.0 km/h and drove at 60 km/h with detour 1.4
// while route used 3.5 km/h and 35 km/h).
func TestRouteCrowFlyMatchesCoverage(t *testing.T) {
	ter, _, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	ll := func(p orb.Point) string {
		return strconv.FormatFloat(p[1], 'g', -1, 64) + "," + strconv.FormatFloat(p[0], 'g', -1, 64)
	}
	for _, p := range coverage.Builtins() {
		t.Run(p.Name, func(t *testing.T) {
			p.Engine = coverage.EngineCrowFly
			s, err := coverage.New(ter, p, coverage.Options{})
			if err != nil {
				t.Fatal(err)
			}
			venues := s.Venues()
			checked := 0
			for i := 0; i < s.Len() && checked < 5; i += 97 {
				c := s.Cell(i)
				if c.Nearest < 0 {
					continue
				}
				from, to := ter.Cells[i].Center, venues[c.Nearest].Point
				r := decode[routeJSON](t, run(t, "route", "--engine", "crowfly", "--mode", p.Mode.Name, "--from", ll(from), "--to", ll(to), "--json"))
				want := c.NearestSeconds / 60 // float32 seconds inside the state
				if r.Minutes == nil {
					t.Fatal("route answer without minutes")
				}
				if math.Abs(*r.Minutes-want) > 1e-6*want+1e-4 {
					t.Errorf("cell %d → %s by %s: route says %v min, coverage %v min", i, venues[c.Nearest].ID, p.Mode.Name, *r.Minutes, want)
				}
				checked++
			}
			if checked == 0 {
				t.Fatal("no cell with a nearest place")
			}
		})
	}
}
