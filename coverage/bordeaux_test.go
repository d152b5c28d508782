package coverage

import (
	"math"
	"slices"
	"testing"

	"github.com/maillage/maillage"
	mgeo "github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/internal/bordeauxtest"
	"github.com/paulmach/orb/geo"
	"github.com/uber/h3-go/v4"
)

// This file checks coverage on the real Bordeaux Métropole grid and the
// Gironde venues. It builds its own territory with a deliberately simple
// test-only reader (each 200 m square goes whole to the H3 cell holding its
// centre, which keeps totals exact), so that it does not depend on the
// project's grid and venue readers and stays an independent check.

// square is one 200 m square of the Filosofi grid (read by bordeauxtest).
type square = bordeauxtest.Square

func readSquares(t *testing.T) []square { return bordeauxtest.ReadSquares(t) }

// bordeaux builds the territory: squares → H3 resolution 9 by centre, one
// part per (cell, commune), every Gironde venue kept (the buffer).
func bordeaux(t *testing.T, squares []square) (*maillage.Territory, []int32) {
	t.Helper()
	ter := &maillage.Territory{Name: "Bordeaux Métropole (test reader)", Resolution: 9,
		Venues: append(bordeauxtest.ReadCD33(t), bordeauxtest.ReadFranceServices(t, "33")...)}
	cellOf := make([]h3.Cell, len(squares))
	var cells []h3.Cell
	seen := map[h3.Cell]bool{}
	communes := map[string]int32{}
	for k, sq := range squares {
		c, err := h3.LatLngToCell(h3.NewLatLng(sq.Center[1], sq.Center[0]), 9)
		if err != nil {
			t.Fatal(err)
		}
		cellOf[k] = c
		if !seen[c] {
			seen[c] = true
			cells = append(cells, c)
		}
		if _, ok := communes[sq.Commune]; !ok {
			communes[sq.Commune] = int32(len(ter.Communes))
			ter.Communes = append(ter.Communes, maillage.Commune{Code: sq.Commune, Name: sq.Commune})
		}
	}
	slices.Sort(cells)
	idx := map[h3.Cell]int32{}
	for i, c := range cells {
		idx[c] = int32(i)
		ll, err := c.LatLng()
		if err != nil {
			t.Fatal(err)
		}
		ter.Cells = append(ter.Cells, maillage.Cell{H3: c, Center: mgeo.FromLatLng(ll), Commune: -1})
	}
	sqCell := make([]int32, len(squares))
	parts := map[[2]int32]*maillage.Pop{}
	for k, sq := range squares {
		i := idx[cellOf[k]]
		sqCell[k] = i
		ter.Cells[i].Pop.Add(sq.Pop)
		key := [2]int32{i, communes[sq.Commune]}
		if parts[key] == nil {
			parts[key] = &maillage.Pop{}
		}
		parts[key].Add(sq.Pop)
	}
	keys := make([][2]int32, 0, len(parts))
	for k := range parts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int32) int {
		if a[0] != b[0] {
			return int(a[0] - b[0])
		}
		return int(a[1] - b[1])
	})
	for i := range ter.Cells {
		ter.Cells[i].PartStart = -1
	}
	for _, k := range keys {
		c := &ter.Cells[k[0]]
		if c.PartStart < 0 {
			c.PartStart = int32(len(ter.Parts))
		}
		ter.Parts = append(ter.Parts, maillage.Part{Cell: k[0], Commune: k[1], Pop: *parts[k]})
		c.PartEnd = int32(len(ter.Parts))
	}
	for i := range ter.Cells { // the commune holding most of the cell's inhabitants
		c := &ter.Cells[i]
		best := -1.0
		for _, part := range ter.Parts[c.PartStart:c.PartEnd] {
			if part.Pop[maillage.Ind] > best {
				best, c.Commune = part.Pop[maillage.Ind], part.Commune
			}
		}
	}
	return ter, sqCell
}

// TestBordeauxAgainstSquares compares the coverage of a crow-fly profile on
// the H3 territory with a computation made directly from the 200 m squares
// (an inhabitant is covered when the centre of their square is within the
// radius of a place). Moving a square to its H3 cell moves its centre by at
// most disp metres (measured), so by the triangle inequality only squares
// whose distance to their nearest place lies within [r − disp, r + disp]
// can be classified differently: the difference between the two covered
// totals is bounded by the population of that annulus. That is the
// tolerance, computed on the data rather than guessed.
func TestBordeauxAgainstSquares(t *testing.T) {
	squares := readSquares(t)
	ter, sqCell := bordeaux(t, squares)
	total := 0.0
	for _, c := range ter.Cells {
		total += c.Pop[maillage.Ind]
	}
	if len(squares) != 6735 || math.Abs(total-725084.5) > 1e-6 || len(ter.Communes) != 41 {
		t.Fatalf("%d squares, %v inhabitants, %d communes; want 6735, 725084.5, 41", len(squares), total, len(ter.Communes))
	}
	disp := 0.0
	for k, sq := range squares {
		disp = math.Max(disp, geo.Distance(sq.Center, ter.Cells[sqCell[k]].Center))
	}
	if disp > 250 { // a resolution-9 cell's circumradius is ≈ 174 m, plus the square's own offset
		t.Fatalf("square-to-cell displacement %v m", disp)
	}
	for _, c := range []struct {
		name    string
		profile string
	}{
		{"walk-10min", `{"name":"walk-10min","mode":"walk","engine":"crowfly","max_minutes":10}`},
		{"senior-15min-demarches", `{"name":"senior-15min-demarches","mode":"senior","engine":"crowfly","max_minutes":15,"services":["Aide aux démarches administratives"]}`},
		{"car-10min-fs", `{"name":"car-10min-fs","mode":"car","engine":"crowfly","max_minutes":10,"programmes":["France Services"]}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ps, err := ParseProfiles([]byte(`{"profiles":[` + c.profile + `]}`))
			if err != nil {
				t.Fatal(err)
			}
			p := ps[0]
			s, err := New(ter, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			r := p.MaxSeconds() * p.Mode.SpeedKmh / 3.6 / p.Mode.Detour
			var direct, annulus float64
			for _, sq := range squares {
				d := math.Inf(1)
				for k := range ter.Venues {
					if v := &ter.Venues[k]; v.Located && p.Filter.Match(v) {
						d = math.Min(d, geo.Distance(sq.Center, v.Point))
					}
				}
				if d <= r {
					direct += sq.Pop[maillage.Ind]
				}
				if d >= r-disp-1 && d <= r+disp+1 {
					annulus += sq.Pop[maillage.Ind]
				}
			}
			sum := s.Summary()
			diff := math.Abs(sum.Covered - direct)
			t.Logf("%s: radius %.0f m; H3 %.0f covered of %.0f (%.1f %%), squares %.0f (%.1f %%); |diff| %.0f ≤ annulus %.0f (disp %.0f m); %s",
				p.Name, r, sum.Covered, sum.Population, 100*sum.CoveredShare, direct, 100*direct/total, diff, annulus, disp, sum.Statement)
			if sum.Population != total || diff > annulus || direct == 0 || direct == total {
				t.Errorf("H3 covered %v, squares %v, bound %v", sum.Covered, direct, annulus)
			}
			if diff > 0.02*total {
				t.Errorf("H3 and squares differ by %.1f %% of the population", 100*diff/total)
			}
		})
	}
}

// TestBordeauxBuiltins logs the built-in profiles on the real data
// (crow-fly; the CD33 places have no machine-readable hours here, so only
// the 43 France Services sites of Gironde, whose hours are read, count
// towards needs-help-30min-car's 4 h a week) and checks that the
// per-commune figures add up.
func TestBordeauxBuiltins(t *testing.T) {
	ter, _ := bordeaux(t, readSquares(t))
	engines := CachedEngines(CrowFlyEngines)
	var sums []ProfileSummary
	for _, p := range Builtins() {
		s, err := New(ter, p, Options{Engines: engines})
		if err != nil {
			t.Fatal(err)
		}
		sum := s.Summary()
		sums = append(sums, sum)
		var pop, cov float64
		for _, c := range sum.Communes {
			pop += c.Population
			cov += c.Covered
		}
		if math.Abs(pop-sum.Population) > 1e-6 || math.Abs(cov-sum.Covered) > 1e-6 || len(sum.Communes) != 41 {
			t.Errorf("%s: communes sum to %v/%v, total %v/%v", sum.Name, cov, pop, sum.Covered, sum.Population)
		}
		t.Logf("%s: %.0f of %.0f covered (%.1f %%), weighted %.0f of %.0f, %d places (%d unknown hours, %d without position); %s",
			sum.Name, sum.Covered, sum.Population, 100*sum.CoveredShare, sum.WeightedCovered, sum.WeightedPopulation,
			sum.Places, sum.UnknownHoursPlaces, sum.UnlocatedPlaces, sum.Statement)
	}
	fs := sums[0]
	if fs.Name != "france-services-30min-car" || fs.Places == 0 {
		t.Errorf("france services: %+v", fs)
	}
}
