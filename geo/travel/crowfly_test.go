package travel

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// TestCrowFlyMatchesHaversine: Reach returns exactly the points whose
// haversine distance (geo.DistanceHaversine, computed independently point by
// point) is within the radius, except points within 1e-9 of the limit (float
// rounding), with times within 1e-6 relative. Cases cover France, a high
// latitude (rows trimmed with strongly varying cos φ), query points outside
// the points' bounds, radii wider than the bounds, and unbounded queries.
func TestCrowFlyMatchesHaversine(t *testing.T) {
	tests := []struct {
		name                   string
		lon0, lat0, lon1, lat1 float64 // points drawn here
		qmargin                float64 // queries drawn this far (degrees) beyond
		maxSec                 float64 // largest limit, seconds
		n                      int
	}{
		{"france car", -5, 42, 8, 51, 0.5, 6000, 20000},
		{"departement walk", -1.2, 44.4, 0.06, 45.3, 0.05, 1500, 20000},
		{"lapland wide", 15, 64, 30, 71, 3, 40000, 5000},
		{"southern hemisphere", 140, -40, 150, -30, 1, 8000, 5000},
		{"few points, huge radius", 0, 40, 1, 41, 10, 4e6, 50},
	}
	car := Mode{Name: "car", SpeedKmh: 50, Detour: 1.3}
	v := car.SpeedKmh / 3.6 / car.Detour
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(i)))
			pts := make([]orb.Point, tt.n)
			for k := range pts {
				pts[k] = orb.Point{tt.lon0 + (tt.lon1-tt.lon0)*rng.Float64(), tt.lat0 + (tt.lat1-tt.lat0)*rng.Float64()}
			}
			e := NewCrowFly(car, pts)
			total := 0
			for q := 0; q < 40; q++ {
				p := orb.Point{tt.lon0 - tt.qmargin + (tt.lon1-tt.lon0+2*tt.qmargin)*rng.Float64(),
					tt.lat0 - tt.qmargin + (tt.lat1-tt.lat0+2*tt.qmargin)*rng.Float64()}
				limit := tt.maxSec * rng.Float64()
				if q == 0 {
					limit = math.Inf(1)
				}
				got := map[int32]float32{}
				e.Reach(p, limit, func(k int32, s float32) {
					if _, dup := got[k]; dup {
						t.Fatalf("point %d reported twice", k)
					}
					got[k] = s
				})
				for k, pt := range pts {
					want := geo.DistanceHaversine(p, pt) / v
					s, ok := got[int32(k)]
					if ok != (want <= limit) && math.Abs(want-limit) > 1e-9*limit {
						t.Fatalf("query %d (limit %v s): point %d at %v s, reported %v", q, limit, k, want, ok)
					}
					if ok && math.Abs(float64(s)-want) > 1e-6*want+1e-6 {
						t.Fatalf("point %d: %v s, haversine %v s", k, s, want)
					}
				}
				total += len(got)
			}
			if total == 0 {
				t.Fatal("degenerate test: no point ever reached")
			}
		})
	}
}

// TestCrowFlyEdges: no points, a negative or NaN limit, and zero speed
// reach nothing; Route is the haversine distance.
func TestCrowFlyEdges(t *testing.T) {
	car := Mode{Name: "car", SpeedKmh: 36, Detour: 1}
	pts := []orb.Point{{2.35, 48.85}, {2.35, 48.95}}
	calls := 0
	count := func(int32, float32) { calls++ }
	NewCrowFly(car, nil).Reach(pts[0], math.Inf(1), count)
	NewCrowFly(car, pts).Reach(pts[0], -1, count)
	NewCrowFly(car, pts).Reach(pts[0], math.NaN(), count)
	NewCrowFly(Mode{}, pts).Reach(pts[0], 1e9, count)
	if calls != 0 {
		t.Errorf("%d points reached, want 0", calls)
	}
	// 0.1° of latitude is 0.1·π/180·6378137 m = 11131.95 m, at 10 m/s
	r, err := NewCrowFly(car, pts).Route(pts[0], pts[1])
	if err != nil || math.Abs(r.Seconds-1113.195) > 1e-3 || math.Abs(r.Meters-11131.95) > 1e-2 {
		t.Errorf("route = %+v, %v; want 1113.195 s, 11131.95 m", r, err)
	}
}

// BenchmarkCrowFlyReach: 20 min by car (≈ 15 km) over 200,000 points in a
// département-sized box; reports reached points per query and, in the same
// run, the ratio to a brute-force scan of every point with the haversine
// distance (x-faster-than-brute).
func BenchmarkCrowFlyReach(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	pts := make([]orb.Point, 200_000)
	for k := range pts {
		pts[k] = orb.Point{-1.2 + 1.26*rng.Float64(), 44.4 + 0.9*rng.Float64()}
	}
	mode := Mode{SpeedKmh: 60, Detour: 1.3}
	e := NewCrowFly(mode, pts)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		p := pts[rng.IntN(len(pts))]
		e.Reach(p, 1200, func(int32, float32) { n++ })
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.StopTimer()
	v := mode.SpeedKmh / 3.6 / mode.Detour
	const sample = 5
	queries := make([]orb.Point, sample)
	for i := range queries {
		queries[i] = pts[rng.IntN(len(pts))]
	}
	t0, m := time.Now(), 0
	for _, p := range queries {
		for _, q := range pts {
			if geo.DistanceHaversine(p, q)/v <= 1200 {
				m++
			}
		}
	}
	brute := time.Since(t0) / sample
	got := 0
	for _, p := range queries {
		e.Reach(p, 1200, func(int32, float32) { got++ })
	}
	if got != m {
		b.Fatalf("engine reached %d points on the sample, brute force %d", got, m)
	}
	b.ReportMetric(float64(n)/float64(b.N), "points/query")
	b.ReportMetric(float64(brute)/float64(per), "x-faster-than-brute")
}
