package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// laeaRefs are reference points for EPSG:3035. The first is the worked
// example of EPSG Guidance Note 7-2 (IOGP Publication 373-7-2, §3.2.2.1:
// 50°N 5°E → E 3,962,799.45 m, N 2,999,718.85 m). The others were computed
// with PROJ 9.1.1 (`cs2cs -f %.4f EPSG:4326 EPSG:3035`, input "lat lon",
// output "northing easting"), not with this package.
var laeaRefs = []struct {
	name     string
	lon, lat float64
	e, n     float64
}{
	{"EPSG GN 7-2 example", 5, 50, 3962799.45, 2999718.85},
	{"Bordeaux", -0.57918, 44.837789, 3486182.2093, 2473294.9871},
	{"Brest", -4.486076, 48.390394, 3255602.6574, 2913654.9355},
	{"Strasbourg", 7.752111, 48.573405, 4155083.9071, 2831417.2048},
	{"Nice", 7.261953, 43.710173, 4099837.5933, 2293043.3731},
	{"Ajaccio", 8.738635, 41.919229, 4215982.5070, 2091535.9431},
	{"Dunkerque area", 2.545, 51.089, 3799714.6761, 3135253.7581},
	{"Perpignan area", 3.167, 42.333, 3756813.4627, 2162051.7420},
	{"Lyon", 4.85, 45.75, 3920086.9625, 2529126.2001},
	{"Paris", 2.3522, 48.8566, 3760771.8648, 2889484.8019},
}

// laeaInvRefs are EPSG:3035 points with their WGS84 coordinates computed by
// PROJ 9.1.1 (`cs2cs -f %.9f EPSG:3035 EPSG:4326`).
var laeaInvRefs = []struct {
	name     string
	e, n     float64
	lon, lat float64
}{
	{"Corsica square corner N2029800 E4252400", 4252400, 2029800, 9.183439390, 41.365796042},
	{"Bordeaux square corner N2466800 E3482800", 3482800, 2466800, -0.610500913, 44.775592410},
	{"origin", 4321000, 3210000, 10, 52},
	{"Bordeaux 1 km corner", 3485000, 2462000, -0.574845962, 44.735618150},
	{"Champagne", 3900000, 2800000, 4.336454224, 48.168169704},
}

func TestLAEAForward(t *testing.T) {
	for _, r := range laeaRefs {
		t.Run(r.name, func(t *testing.T) {
			p := ToLAEA(orb.Point{r.lon, r.lat})
			tol := 0.001 // PROJ values have 4 decimals
			if r.name == "EPSG GN 7-2 example" {
				tol = 0.008 // the Guidance Note rounds to centimetres
			}
			if d := math.Hypot(p[0]-r.e, p[1]-r.n); d > tol {
				t.Errorf("ToLAEA(%v, %v) = E %.4f N %.4f, want E %.4f N %.4f (off by %.4f m)",
					r.lon, r.lat, p[0], p[1], r.e, r.n, d)
			}
			// And back.
			q := FromLAEA(p)
			if d := metresBetween(q, orb.Point{r.lon, r.lat}); d > 0.001 {
				t.Errorf("FromLAEA(ToLAEA(p)) is %.6f m from p", d)
			}
		})
	}
}

func TestLAEAInverse(t *testing.T) {
	for _, r := range laeaInvRefs {
		t.Run(r.name, func(t *testing.T) {
			p := FromLAEA(orb.Point{r.e, r.n})
			if d := metresBetween(p, orb.Point{r.lon, r.lat}); d > 0.001 {
				t.Errorf("FromLAEA(E %v, N %v) = %.9f, %.9f, want %.9f, %.9f (off by %.4f m)",
					r.e, r.n, p[0], p[1], r.lon, r.lat, d)
			}
		})
	}
}

// metresBetween is a local flat-earth distance, good to 1e-6 relative for the
// millimetre-scale differences tested here.
func metresBetween(a, b orb.Point) float64 {
	const m = 6371008.8 * math.Pi / 180
	dx := (a[0] - b[0]) * m * math.Cos(a[1]*math.Pi/180)
	dy := (a[1] - b[1]) * m
	return math.Hypot(dx, dy)
}

// TestLAEAConstants re-derives the projection constants from the defining
// parameters (GN 7-2).
func TestLAEAConstants(t *testing.T) {
	a, f := 6378137.0, 1/298.257222101
	e2 := f * (2 - f)
	e := math.Sqrt(e2)
	q := func(phi float64) float64 {
		s := math.Sin(phi)
		return (1 - e2) * (s/(1-e2*s*s) - 1/(2*e)*math.Log((1-e*s)/(1+e*s)))
	}
	qP := q(math.Pi / 2)
	phi0 := 52 * math.Pi / 180
	b0 := math.Asin(q(phi0) / qP)
	rq := a * math.Sqrt(qP/2)
	d := a * (math.Cos(phi0) / math.Sqrt(1-e2*math.Sin(phi0)*math.Sin(phi0))) / (rq * math.Cos(b0))
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"e2", laeaE2, e2}, {"e", laeaE, e}, {"qP", laeaQP, qP},
		{"sinB0", laeaSinB0, math.Sin(b0)}, {"cosB0", laeaCosB0, math.Cos(b0)},
		{"Rq", laeaRq, rq}, {"D", laeaD, d},
		{"cosLon0", laeaCosLon0, math.Cos(laeaLon0)}, {"sinLon0", laeaSinLon0, math.Sin(laeaLon0)},
	} {
		if math.Abs(c.got-c.want) > 1e-15*math.Abs(c.want) {
			t.Errorf("%s = %.20g, want %.20g", c.name, c.got, c.want)
		}
	}
	// GN 7-2 prints Rq = 6371007.2 m.
	if math.Abs(laeaRq-6371007.2) > 0.05 {
		t.Errorf("Rq = %v, GN 7-2 gives 6371007.2", laeaRq)
	}
}

// TestLAEARoundTrip checks the inverse against the forward projection over
// metropolitan France on a 0.1° lattice.
func TestLAEARoundTrip(t *testing.T) {
	worst := 0.0
	for lat := 41.0; lat <= 51.5; lat += 0.1 {
		for lon := -5.5; lon <= 10; lon += 0.1 {
			p := ToLAEA(orb.Point{lon, lat})
			q := FromLAEA(p)
			worst = max(worst, metresBetween(q, orb.Point{lon, lat}))
		}
	}
	if worst > 1e-3 {
		t.Errorf("worst round-trip error %.6f m, want < 1 mm", worst)
	}
}

func BenchmarkLAEAInverse(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		laeaInverse(3.2e6+float64(i%1000)*200, 2.1e6+float64(i%977)*200)
	}
}

// TestLAEAInverseVec: the trigonometry-free inverse used by the Spreader
// gives the unit vector of laeaInverse, over and around France
// and at the projection's origin.
func TestLAEAInverseVec(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	pts := [][2]float64{{laeaFE, laeaFN}, {laeaFE, laeaFN + 1}, {laeaFE - 1, laeaFN}}
	for range 100000 {
		pts = append(pts, [2]float64{2_500_000 + rng.Float64()*3_000_000, 1_000_000 + rng.Float64()*4_000_000})
	}
	for _, q := range pts {
		lat, lon := laeaInverse(q[0], q[1])
		want := unitVec(lat, lon)
		got := laeaInverseVec(q[0], q[1])
		if d := math.Max(math.Abs(got.x-want.x), math.Max(math.Abs(got.y-want.y), math.Abs(got.z-want.z))); d > 1e-15 {
			t.Fatalf("E%.1f N%.1f: %v, want %v", q[0], q[1], got, want)
		}
	}
}
