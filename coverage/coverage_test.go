package coverage

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/maillage/maillage"
	mgeo "github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/uber/h3-go/v4"
)

// tableEngine is a travel.Engine answering from an explicit table: place
// position → (demand point, seconds). For hand-computed examples.
type tableEngine struct {
	n     int
	times map[orb.Point][]Hit
}

func (e *tableEngine) Mode() travel.Mode { return travel.Mode{Name: "table"} }
func (e *tableEngine) Reach(p orb.Point, max float64, fn func(int32, float32)) {
	for _, h := range e.times[p] {
		if float64(h.Seconds) <= max {
			fn(h.Cell, h.Seconds)
		}
	}
}
func (e *tableEngine) Nearest(src []orb.Point, max float64) []float32 {
	out := make([]float32, e.n)
	for i := range out {
		out[i] = float32(math.Inf(1))
	}
	for _, s := range src {
		e.Reach(s, max, func(i int32, t float32) { out[i] = min(out[i], t) })
	}
	return out
}
func (e *tableEngine) Route(a, b orb.Point) (travel.Route, error) { return travel.Route{}, nil }

// handTerritory: 3 cells of 100, 200 and 300 inhabitants (cells 0 and 1 in
// commune X, cell 2 in commune Y); place A (10 h/week) reaches cell 0 in
// 10 min and cell 1 in 20 min; place B (20 h/week) reaches cell 1 in 15 min
// and cell 2 in 5 min.
func handTerritory() (*maillage.Territory, *tableEngine) {
	t := &maillage.Territory{Communes: []maillage.Commune{{Code: "X", Name: "X"}, {Code: "Y", Name: "Y"}}}
	for i, p := range []float64{100, 200, 300} {
		var pop maillage.Pop
		pop[maillage.Ind] = p
		t.Cells = append(t.Cells, maillage.Cell{Center: orb.Point{float64(i), 0}, Pop: pop, Commune: int32(i / 2),
			PartStart: int32(i), PartEnd: int32(i + 1)})
		t.Parts = append(t.Parts, maillage.Part{Cell: int32(i), Commune: int32(i / 2), Pop: pop})
	}
	a, b := orb.Point{10, 10}, orb.Point{20, 20}
	t.Venues = []maillage.Venue{
		{ID: "A", Point: a, Located: true, Hours: week(10)},
		{ID: "B", Point: b, Located: true, Hours: week(20)},
	}
	return t, &tableEngine{n: 3, times: map[orb.Point][]Hit{a: {{Cell: 0, Seconds: 600}, {Cell: 1, Seconds: 1200}}, b: {{Cell: 1, Seconds: 900}, {Cell: 2, Seconds: 300}}}}
}

// TestAccessHandExample checks 2SFCA on the hand example, limit T = 30 min.
//
// Step decay: D_A = 100 + 200 = 300, R_A = 1000·10/300 = 33.333…;
// D_B = 200 + 300 = 500, R_B = 1000·20/500 = 40.
// A_0 = 33.333…, A_1 = 33.333… + 40 = 73.333…, A_2 = 40.
//
// Linear decay f = 1 − t/T: A→0 2/3, A→1 1/3, B→1 1/2, B→2 5/6.
// D_A = 100·2/3 + 200/3 = 133.333…, R_A = 10000/133.333… = 75;
// D_B = 100 + 250 = 350, R_B = 20000/350 = 57.142857…
// A_0 = 75·2/3 = 50, A_1 = 25 + 28.571428… = 53.571428…, A_2 = 57.142857…·5/6 = 47.619047…
//
// E2SFCA over thirds of 30 min ([0,10) 1, [10,20) 0.68, [20,30] 0.22):
// A→0 (10 min) 0.68, A→1 (20 min) 0.22, B→1 (15 min) 0.68, B→2 (5 min) 1.
// D_A = 68 + 44 = 112, R_A = 10000/112 = 89.285714…;
// D_B = 136 + 300 = 436, R_B = 20000/436 = 45.871559…
// A_0 = 0.68·89.285714… = 60.714285…, A_1 = 0.22·89.285714… + 0.68·45.871559… = 50.835517…,
// A_2 = 45.871559…
//
// APL bands (1 under 5 min, 0.3 under 10, 0.1 under 15, then 0):
// A→0 (10 min) 0.1, A→1 (20 min) 0, B→1 (15 min) 0, B→2 (5 min) 0.3.
// D_A = 10, R_A = 1000; D_B = 90, R_B = 222.222…
// A_0 = 100, A_1 = 0, A_2 = 66.666…
//
// Per commune (step): X = (100·33.333… + 200·73.333…)/300 = 60, Y = 40.
func TestAccessHandExample(t *testing.T) {
	cases := []struct {
		decay   Decay
		r       [2]float64
		a       [3]float64
		commune [2]float64
	}{
		{DecayStep, [2]float64{1000.0 / 30, 40}, [3]float64{1000.0 / 30, 1000.0/30 + 40, 40}, [2]float64{60, 40}},
		{DecayLinear, [2]float64{75, 20000.0 / 350}, [3]float64{50, 25 + 10000.0/350, 20000.0 / 350 * 5 / 6}, [2]float64{(5000 + 200*(25+10000.0/350)) / 300, 20000.0 / 350 * 5 / 6}},
		{DecayE2SFCA, [2]float64{10000.0 / 112, 20000.0 / 436}, [3]float64{0.68 * 10000 / 112, 0.22*10000/112 + 0.68*20000/436, 20000.0 / 436}, [2]float64{(100*0.68*10000/112 + 200*(0.22*10000/112+0.68*20000/436)) / 300, 20000.0 / 436}},
		{DecayAPL, [2]float64{1000, 20000.0 / 90}, [3]float64{100, 0, 0.3 * 20000 / 90}, [2]float64{100.0 / 3, 0.3 * 20000 / 90}},
	}
	for _, c := range cases {
		t.Run(string(c.decay), func(t *testing.T) {
			ter, eng := handTerritory()
			p := Profile{Name: "hand", MaxMinutes: 30, Decay: c.decay}
			s, err := New(ter, p, Options{Engine: eng})
			if err != nil {
				t.Fatal(err)
			}
			for j, want := range c.r {
				if got := s.Ratio(j); math.Abs(got-want) > 1e-9 {
					t.Errorf("R_%d = %v, want %v", j, got, want)
				}
			}
			for i, want := range c.a {
				if got := s.Cell(i).Access; math.Abs(got-want) > 1e-9 {
					t.Errorf("A_%d = %v, want %v", i, got, want)
				}
			}
			ca := s.CommuneAccess()
			for k, want := range c.commune {
				if math.Abs(ca[k]-want) > 1e-9 {
					t.Errorf("commune %d access = %v, want %v", k, ca[k], want)
				}
			}
		})
	}
}

// TestCoverageHandExample: the same example for binary coverage, with and
// without a minimum of weekly hours.
func TestCoverageHandExample(t *testing.T) {
	cases := []struct {
		name     string
		maxMin   float64
		minHours float64
		covered  [3]bool
		nearest  [3]float64
		places   [3]int
	}{
		{"30min", 30, 0, [3]bool{true, true, true}, [3]float64{600, 900, 300}, [3]int{1, 2, 1}},
		{"30min-25h", 30, 25, [3]bool{false, true, false}, [3]float64{600, 900, 300}, [3]int{1, 2, 1}},
		{"12min", 12, 0, [3]bool{true, false, true}, [3]float64{600, math.Inf(1), 300}, [3]int{1, 0, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ter, eng := handTerritory()
			s, err := New(ter, Profile{Name: c.name, MaxMinutes: c.maxMin, MinWeeklyHours: c.minHours}, Options{Engine: eng})
			if err != nil {
				t.Fatal(err)
			}
			var covered float64
			for i := 0; i < 3; i++ {
				cc := s.Cell(i)
				if cc.Covered != c.covered[i] || cc.NearestSeconds != c.nearest[i] || cc.Places != c.places[i] {
					t.Errorf("cell %d: %+v, want covered %v nearest %v places %d", i, cc, c.covered[i], c.nearest[i], c.places[i])
				}
				if c.covered[i] {
					covered += ter.Cells[i].Pop[maillage.Ind]
				}
			}
			sum := s.Summary()
			if sum.Population != 600 || sum.Covered != covered {
				t.Errorf("summary population %v covered %v, want 600 %v", sum.Population, sum.Covered, covered)
			}
		})
	}
}

// TestDecayValues checks each decay at chosen times (T = 30 min).
func TestDecayValues(t *testing.T) {
	g := func(x float64) float64 { return (math.Exp(-x*x/2) - math.Exp(-0.5)) / (1 - math.Exp(-0.5)) }
	cases := []struct {
		d    Decay
		t    float64 // minutes
		want float64
	}{
		{DecayStep, 0, 1}, {DecayStep, 30, 1}, {DecayStep, 30.01, 0},
		{DecayE2SFCA, 9.99, 1}, {DecayE2SFCA, 10, 0.68}, {DecayE2SFCA, 25, 0.22}, {DecayE2SFCA, 31, 0},
		{DecayAPL, 4, 1}, {DecayAPL, 7, 0.3}, {DecayAPL, 12, 0.1}, {DecayAPL, 16, 0},
		{DecayLinear, 0, 1}, {DecayLinear, 15, 0.5}, {DecayLinear, 30, 0},
		{DecayExponential, 10, math.Exp(-1)}, {DecayExponential, 30, math.Exp(-3)},
		{DecayGaussian, 0, 1}, {DecayGaussian, 15, g(0.5)}, {DecayGaussian, 30, 0},
	}
	for _, c := range cases {
		p := Profile{MaxMinutes: 30, Decay: c.d}
		if got := newDecay(&p).at(c.t * 60); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s(%v min) = %v, want %v", c.d, c.t, got, c.want)
		}
	}
}

// TestAccessConservesSupply: when every place has demand in its catchment,
// Σ_i P_i A_i = 1000 Σ_j S_j for every decay (each place's supply is shared
// out exactly over its catchment).
func TestAccessConservesSupply(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ter := randomTerritory(t, rng, 12, 40)
	for _, d := range decays {
		t.Run(string(d), func(t *testing.T) {
			p := Profile{Name: "c", Mode: builtinMode("car"), MaxMinutes: 5, Decay: d, UnknownHoursSupply: 3}
			s, err := New(ter, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var lhs, rhs float64
			for i := 0; i < s.Len(); i++ {
				lhs += s.Weights()[i] * s.Cell(i).Access
			}
			for j := range s.places {
				if s.places[j].suitable && s.places[j].demand > 0 {
					rhs += 1000 * s.places[j].supply
				}
			}
			if rhs == 0 || math.Abs(lhs-rhs) > 1e-9*rhs {
				t.Errorf("Σ P·A = %v, 1000 Σ S = %v", lhs, rhs)
			}
		})
	}
}

// TestCoverageMatchesBruteForce compares the state, on the reference engine
// travel.CrowFly, with a direct computation: every cell against every place
// with geo.Distance.
func TestCoverageMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ter := randomTerritory(t, rng, 14, 60)
	car := builtinMode("car")
	for _, minHours := range []float64{0, 6} {
		p := Profile{Name: "bf", Mode: car, MaxMinutes: 4, MinWeeklyHours: minHours, Filter: Filter{Services: maillage.ServiceDemarches | maillage.ServiceAcces}}
		s, err := New(ter, p, Options{Engine: travel.NewCrowFly(car, cellCenters(ter))})
		if err != nil {
			t.Fatal(err)
		}
		v := car.SpeedKmh / 3.6 / car.Detour
		var pop, covered float64
		for i, c := range ter.Cells {
			count, minutes, nearest := 0, 0.0, math.Inf(1)
			for _, ven := range ter.Venues {
				if !ven.Located || ven.Services&p.Filter.Services == 0 {
					continue
				}
				d := geo.Distance(c.Center, ven.Point)
				if d/v <= p.MaxSeconds() {
					count++
					minutes += ven.Hours.Hours() * 60
					nearest = math.Min(nearest, d/v)
				}
			}
			got := s.Cell(i)
			cov := count > 0 && minutes >= minHours*60
			if got.Places != count || math.Abs(got.WeeklyHours*60-minutes) > 1e-6 || got.Covered != cov ||
				!(math.Abs(got.NearestSeconds-nearest) < 1e-3 || math.IsInf(nearest, 1) && math.IsInf(got.NearestSeconds, 1)) {
				t.Fatalf("min %vh, cell %d: got %+v, want places %d minutes %v nearest %v", minHours, i, got, count, minutes, nearest)
			}
			pop += c.Pop[maillage.Ind]
			if cov {
				covered += c.Pop[maillage.Ind]
			}
		}
		sum := s.Summary()
		if math.Abs(sum.Population-pop) > 1e-6 || math.Abs(sum.Covered-covered) > 1e-6 {
			t.Errorf("summary %v/%v, want %v/%v", sum.Covered, sum.Population, covered, pop)
		}
		if covered == 0 || covered == pop {
			t.Errorf("min %vh: degenerate test, covered %v of %v", minHours, covered, pop)
		}
	}
}

// TestCrowFlyMatchesHaversine: the grid engine finds exactly the points
// whose haversine distance (geo.DistanceHaversine, point by point) is within
// the limit, except points within 1e-9 of it (float rounding), with times
// within 1e-6 relative, for radii of a few km to hundreds; AppendReach gives
// the same hits as Reach, and an unbounded query reaches every point.
func TestCrowFlyMatchesHaversine(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var pts []orb.Point
	for i := 0; i < 20000; i++ {
		pts = append(pts, orb.Point{-5 + 13*rng.Float64(), 42 + 9*rng.Float64()})
	}
	car := builtinMode("car")
	v := car.SpeedKmh / 3.6 / car.Detour
	ours := NewCrowFly(car, pts)
	var hits []Hit
	for q := 0; q < 50; q++ {
		p := orb.Point{-5.5 + 14*rng.Float64(), 41.5 + 10*rng.Float64()}
		limit := 600 + 6000*rng.Float64() // up to 100 min ≈ 70 km
		switch {
		case q == 0:
			limit = math.Inf(1)
		case q%5 == 0:
			limit = 60000 * rng.Float64() // up to ≈ 700 km: rows trimmed hard
		}
		got := map[int32]float32{}
		ours.Reach(p, limit, func(i int32, s float32) { got[i] = s })
		hits = ours.AppendReach(hits[:0], p, limit)
		if len(hits) != len(got) {
			t.Fatalf("query %d: AppendReach %d points, Reach %d", q, len(hits), len(got))
		}
		for _, h := range hits {
			if s, ok := got[h.Cell]; !ok || s != h.Seconds {
				t.Fatalf("query %d: AppendReach %v, Reach %v, %v", q, h, s, ok)
			}
		}
		for i, pt := range pts {
			want := geo.DistanceHaversine(p, pt) / v
			s, ok := got[int32(i)]
			if ok != (want <= limit) && math.Abs(want-limit) > 1e-9*limit {
				t.Fatalf("query %d (limit %v s): point %d at %v s, reached %v", q, limit, i, want, ok)
			}
			if ok && math.Abs(float64(s)-want) > 1e-6*want+1e-6 {
				t.Fatalf("point %d: %v s, haversine %v s", i, s, want)
			}
		}
		if q == 0 && len(got) != len(pts) {
			t.Fatalf("unbounded query: %d points of %d", len(got), len(pts))
		}
	}
}

// TestVenuesBeyondGridAndUnlocated: a place outside the grid covers the edge
// cells; a place without position counts in the report only.
func TestVenuesBeyondGridAndUnlocated(t *testing.T) {
	sp := synth{Center: [2]float64{-0.58, 44.84}, Resolution: 8, Rings: 4, Pop: map[string]float64{"Ind": 10},
		Communes: []synthCommune{{Code: "33063", Name: "Bordeaux", MaxLon: 180}}}
	ter := sp.build(t)
	b := orb.MultiPoint(cellCenters(ter)).Bound()
	outside := orb.Point{b.Max[0] + 0.012, 44.84} // ≈ 950 m east of the easternmost cell centre
	ter.Venues = []maillage.Venue{
		{ID: "out", Point: outside, Located: true, Hours: week(8)},
		{ID: "nowhere", Located: false, Hours: week(8)},
	}
	walk := builtinMode("walk")
	s, err := New(ter, Profile{Name: "w", Mode: walk, MaxMinutes: 30}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := 30 * 60 * walk.SpeedKmh / 3.6 / walk.Detour // metres within reach
	want := 0
	for _, c := range ter.Cells {
		if geo.Distance(c.Center, outside) <= r {
			want++
		}
	}
	sum := s.Summary()
	if want == 0 || sum.Covered != float64(10*want) {
		t.Errorf("covered %v, want %v persons (%d cells)", sum.Covered, 10*want, want)
	}
	if sum.Places != 1 || sum.UnlocatedPlaces != 1 {
		t.Errorf("places %d unlocated %d, want 1 and 1", sum.Places, sum.UnlocatedPlaces)
	}
}

func TestStatement(t *testing.T) {
	p, _ := FindProfile(Builtins(), "france-services-30min-car")
	got := statement(&p, sums{persons: 385789.3, covered: 373444})
	want := "12,345 people (3.2 %) live more than 30 min by car from a France Services site: the national target (everyone within 30 min of a France Services) is missed by 12,345 people"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	s, _ := FindProfile(Builtins(), "demarches-20min-car")
	if got := statement(&s, sums{persons: 1000, covered: 1000}); !strings.HasPrefix(got, "0 people (0.0 %) live more than 20 min by car from a place offering « Aide aux démarches administratives »") {
		t.Errorf("got %q", got)
	}
}

// TestAppendReachMatchesReach: the two query forms of CrowFly agree.
func TestAppendReachMatchesReach(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	ter := randomTerritory(t, rng, 10, 0)
	e := NewCrowFly(builtinMode("walk"), cellCenters(ter))
	for q := 0; q < 20; q++ {
		p := ter.Cells[rng.IntN(len(ter.Cells))].Center
		var a []Hit
		e.Reach(p, 900, func(i int32, s float32) { a = append(a, Hit{Cell: i, Seconds: s}) })
		b := e.AppendReach(nil, p, 900)
		if len(a) == 0 || len(a) != len(b) {
			t.Fatalf("query %d: %d and %d hits", q, len(a), len(b))
		}
		for k := range a {
			if a[k] != b[k] {
				t.Fatalf("query %d: hit %d: %v and %v", q, k, a[k], b[k])
			}
		}
	}
	if len(e.AppendReach(nil, orb.Point{100, 10}, 900)) != 0 {
		t.Error("hits far outside the grid")
	}
}

// TestLatLngPoint: h3.LatLng{Lat, Lng} becomes orb.Point{lon, lat}, and back
// through H3 the point stays in its cell.
func TestLatLngPoint(t *testing.T) {
	p := mgeo.FromLatLng(h3.NewLatLng(44.8378, -0.5792))
	if p != (orb.Point{-0.5792, 44.8378}) {
		t.Fatalf("got %v", p)
	}
	c, err := h3.LatLngToCell(h3.NewLatLng(p[1], p[0]), 9)
	if err != nil {
		t.Fatal(err)
	}
	ll, err := c.LatLng()
	if err != nil {
		t.Fatal(err)
	}
	if d := geo.Distance(mgeo.FromLatLng(ll), p); d > 200 {
		t.Errorf("cell centre %v m from the point", d)
	}
}
