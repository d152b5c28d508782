package propose

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
)

func TestPlanTour(t *testing.T) {
	terr, eng := propLineTerritory()
	w, cov := propLineDemand(terr)
	cands := Candidates(terr, CandidateOptions{Cells: true})
	// great-circle metres between cells a and b = seconds at 1 m/s (about
	// 787 m per 0.01° step; a great circle is a hair shorter than the parallel)
	leg := func(a, b int) float64 {
		return geo.DistanceHaversine(orb.Point{0.01 * float64(a), 45}, orb.Point{0.01 * float64(b), 45})
	}
	tests := []struct {
		name    string
		opts    TourOptions
		sites   []int // candidate of each stop, route order
		visits  []int
		gain    float64
		drive   float64 // seconds
		dropped int
		added   int
	}{
		// Like MaxCover k = 2: cells 5 then 8, loop 5→8→5.
		{"roomy budget", TourOptions{BudgetHours: 40, Stops: 2}, []int{5, 8}, []int{1, 1}, 27, 2 * leg(5, 8), 0, 0},
		// 7 h for full coverage: a half-day at 5 covers half (12); a second
		// half-day at 5 adds 12 more, beating 8 (1.5).
		{"partial coverage", TourOptions{BudgetHours: 40, Stops: 2, FullHours: 7}, []int{5}, []int{2}, 24, 0, 0, 0},
		// 8 h: 7 h of stops + 6·787 s (1.31 h) of driving does not fit; drop
		// 8 (loses 3); refill with 3 (adds 1+1, loop 4·787 s = 0.87 h → 7.87 h;
		// 7 would add as much, the tie goes to the lower index).
		{"tight budget", TourOptions{BudgetHours: 8, Stops: 2}, []int{5, 3}, []int{1, 1}, 26, 2 * leg(5, 3), 1, 1},
		// Budget of one stop only.
		{"one stop", TourOptions{BudgetHours: 4, Stops: 5}, []int{5}, []int{1}, 24, 0, 0, 0},
		// Depot at cell 9: loop 9→8→5→9 or 9→5→8→9, both 8·787 s.
		{"depot", TourOptions{BudgetHours: 40, Stops: 2, HasDepot: true, Depot: orb.Point{0.09, 45}}, []int{8, 5}, []int{1, 1}, 27, leg(9, 8) + leg(8, 5) + leg(5, 9), 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tour, err := ProposeTour(terr, eng, w, cov, 1000, cands, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			var sites, visits []int
			stopGain := 0.0
			drive := tour.ReturnSeconds
			for _, s := range tour.Stops {
				sites = append(sites, s.Candidate)
				visits = append(visits, s.Visits)
				stopGain += s.Gain
				drive += s.DriveSeconds
			}
			if !slices.Equal(sites, tc.sites) || !slices.Equal(visits, tc.visits) || tour.Dropped != tc.dropped || tour.Added != tc.added {
				t.Errorf("stops %v visits %v dropped %d added %d, want %v %v %d %d", sites, visits, tour.Dropped, tour.Added, tc.sites, tc.visits, tc.dropped, tc.added)
			}
			if math.Abs(tour.Gain-tc.gain) > 1e-9 || math.Abs(stopGain-tc.gain) > 1e-9 {
				t.Errorf("gain %v (stops sum %v), want %v", tour.Gain, stopGain, tc.gain)
			}
			if math.Abs(tour.DriveHours*3600-tc.drive) > 1e-6 || math.Abs(drive-tc.drive) > 1e-6 {
				t.Errorf("drive %v s (legs %v s), want %v s", tour.DriveHours*3600, drive, tc.drive)
			}
			if tour.TotalHours > tc.opts.BudgetHours+1e-9 {
				t.Errorf("total %v h over budget %v h", tour.TotalHours, tc.opts.BudgetHours)
			}
		})
	}
}

// TestPlanTour2Opt: stops on a square visited in a crossing order by nearest
// neighbour must be uncrossed by 2-opt to the perimeter.
func TestPlanTour2Opt(t *testing.T) {
	pts := []orb.Point{{0, 45}, {0.02, 45}, {0.02, 45.02}, {0, 45.02}, {0.01, 45.001}}
	in := &CoverInstance{Weight: []float64{1, 1, 1, 1, 1}, Sets: [][]int32{{0}, {1}, {2}, {3}, {4}}}
	eng := travel.NewCrowFly(travel.Mode{SpeedKmh: 36, Detour: 1}, pts)
	tour, err := PlanTour(in, pts, eng, TourOptions{BudgetHours: 100, Stops: 5})
	if err != nil {
		t.Fatal(err)
	}
	// The best loop goes round the square: perimeter with the point near the bottom edge.
	best := math.Inf(1)
	perm := []int{1, 2, 3, 4}
	var rec func(k int)
	rec = func(k int) {
		if k == len(perm) {
			o := append([]int{0}, perm...)
			c := 0.0
			for i := range o {
				r, _ := eng.Route(pts[o[i]], pts[o[(i+1)%len(o)]])
				c += r.Seconds
			}
			best = min(best, c)
			return
		}
		for i := k; i < len(perm); i++ {
			perm[k], perm[i] = perm[i], perm[k]
			rec(k + 1)
			perm[k], perm[i] = perm[i], perm[k]
		}
	}
	rec(0)
	if len(tour.Stops) != 5 || math.Abs(tour.DriveHours*3600-best) > 1e-6 {
		t.Errorf("drive %v s, best loop %v s (%d stops)", tour.DriveHours*3600, best, len(tour.Stops))
	}
}

func TestTourGeoJSON(t *testing.T) {
	terr, eng := propLineTerritory()
	w, cov := propLineDemand(terr)
	tour, err := ProposeTour(terr, eng, w, cov, 1000, Candidates(terr, CandidateOptions{Cells: true}), TourOptions{BudgetHours: 40, Stops: 2})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := tour.WriteGeoJSON(&b); err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 3 || fc.Features[0].Point() != (orb.Point{0.05, 45}) || fc.Features[0].Properties.MustString("name") != "cell 5" ||
		len(fc.Features[2].Geometry.(orb.LineString)) != 3 || fc.ExtraMembers.MustFloat64("gain") != 27 {
		t.Errorf("tour geojson: %s", b.String())
	}
}
