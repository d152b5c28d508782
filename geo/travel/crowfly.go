package travel

import (
	"math"
	"runtime"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// CrowFly implements Engine.
var _ Engine = (*CrowFly)(nil)

// CrowFly is the crow-fly Engine: great-circle distance × the mode's detour
// factor, at the mode's speed. Each demand point is stored once as a unit
// vector on the sphere, in a dense latitude/longitude bucket grid over the
// points' bounds, row by row, so that a query scans contiguous memory: a
// point is within reach when its squared chord to the query point is at most
// the chord of the radius (no trigonometry per point), and only the points
// within reach are converted to the exact great-circle time (2·asin(chord/2),
// the haversine distance to float rounding; see
// TestCrowFlyMatchesHaversine). Longitudes do not wrap around the
// antimeridian. Times are seconds, distances metres. AppendReach and ReachBound
// serve catchments (package coverage) without a callback per point.
// It is safe for concurrent use.
type CrowFly struct {
	mode   Mode
	pts    []orb.Point
	minLon float64 // degrees
	minLat float64
	cell   float64 // bucket side, degrees
	nx, ny int
	start  []int32   // bucket b = y*nx+x holds rows start[b]:start[b+1] of xyz/idx
	rowCos []float64 // per bucket row: the least cosine of latitude in the row
	xyz    []unitVec // bucket order
	idx    []int32
}

// unitVec is a point of the unit sphere.
type unitVec struct{ x, y, z float64 }

func toUnit(p orb.Point) unitVec {
	sinLat, cosLat := math.Sincos(p[1] * math.Pi / 180)
	sinLon, cosLon := math.Sincos(p[0] * math.Pi / 180)
	return unitVec{cosLat * cosLon, cosLat * sinLon, sinLat}
}

// chordAngle returns the angle in radians subtended by a chord of the unit
// sphere whose square is d2: 2·asin(c/2) for c = √d2. Reach inlines the
// series c·(1 + d2/24 + 3·d2²/640 + 5·d2³/7168) instead when every chord is
// below seriesChord2 (c < 0.05, 318 km: relative error below 1e-14).
func chordAngle(d2 float64) float64 {
	return 2 * math.Asin(math.Min(math.Sqrt(d2)/2, 1))
}

// seriesChord2 is the squared chord below which the series of chordAngle
// is exact to float64 rounding.
const seriesChord2 = 0.05 * 0.05

// NewCrowFly returns a crow-fly engine over the demand points pts (WGS84).
func NewCrowFly(mode Mode, pts []orb.Point) *CrowFly {
	c := &CrowFly{mode: mode, pts: pts, cell: 1}
	if len(pts) == 0 {
		c.nx, c.ny, c.start, c.rowCos = 1, 1, []int32{0, 0}, []float64{1}
		return c
	}
	b := orb.MultiPoint(pts).Bound()
	c.minLon, c.minLat = b.Min[0], b.Min[1]
	w, h := math.Max(b.Max[0]-b.Min[0], 1e-6), math.Max(b.Max[1]-b.Min[1], 1e-6)
	// about 12 points per bucket, at most 4 million buckets
	c.cell = math.Sqrt(w * h / math.Max(1, float64(len(pts))/12))
	c.cell = math.Max(c.cell, math.Sqrt(w*h/4e6))
	c.cell = math.Max(c.cell, 1e-4)
	c.nx, c.ny = int(w/c.cell)+1, int(h/c.cell)+1
	c.rowCos = make([]float64, c.ny)
	for y := range c.rowCos {
		lo, hi := c.minLat+float64(y)*c.cell, c.minLat+float64(y+1)*c.cell
		c.rowCos[y] = math.Max(0, math.Cos(math.Min(90, math.Max(math.Abs(lo), math.Abs(hi)))*math.Pi/180))
	}
	c.start = make([]int32, c.nx*c.ny+1)
	keys := make([]int32, len(pts))
	for i, p := range pts {
		k := c.bucket(p)
		keys[i] = k
		c.start[k+1]++
	}
	for i := 1; i < len(c.start); i++ {
		c.start[i] += c.start[i-1]
	}
	fill := make([]int32, len(c.start)-1)
	copy(fill, c.start)
	c.idx = make([]int32, len(pts))
	for i := range pts {
		k := fill[keys[i]]
		fill[keys[i]]++
		c.idx[k] = int32(i)
	}
	// unit vectors in bucket order (sequential writes), on every core for
	// large territories
	c.xyz = make([]unitVec, len(pts))
	fillUnits := func(lo, hi int) {
		for k := lo; k < hi; k++ {
			c.xyz[k] = toUnit(pts[c.idx[k]])
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if len(pts) < 1<<16 || workers == 1 {
		fillUnits(0, len(pts))
		return c
	}
	var wg sync.WaitGroup
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fillUnits(len(pts)*g/workers, len(pts)*(g+1)/workers)
		}()
	}
	wg.Wait()
	return c
}

func (c *CrowFly) clampX(x float64) int {
	return int(math.Max(0, math.Min(float64(c.nx-1), math.Floor((x-c.minLon)/c.cell))))
}

func (c *CrowFly) clampY(y float64) int {
	return int(math.Max(0, math.Min(float64(c.ny-1), math.Floor((y-c.minLat)/c.cell))))
}

func (c *CrowFly) bucket(p orb.Point) int32 {
	return int32(c.clampY(p[1])*c.nx + c.clampX(p[0]))
}

// Mode returns the engine's mode.
func (c *CrowFly) Mode() Mode { return c.mode }

// metresPerSecond is the crow-fly progress speed: speed / detour.
func (c *CrowFly) metresPerSecond() float64 {
	d := c.mode.Detour
	if d <= 0 {
		d = 1
	}
	return c.mode.SpeedKmh / 3.6 / d
}

// reachQuery is a prepared Reach query.
type reachQuery struct {
	u        unitVec // the query point
	lon, lat float64 // its position, degrees
	cosLat   float64 // cosine of its latitude
	hav      float64 // haversine of the angular radius r: sin²(r/2)
	c2       float64 // squared chord of the radius (= 4·hav)
	scale    float64 // seconds per radian
	y0, y1   int     // bucket rows
	all      bool    // the radius covers the whole sphere
	series   bool    // every chord within reach is below seriesChord2
}

// query prepares a Reach query; false when nothing can be reached.
func (c *CrowFly) query(p orb.Point, maxSec float64) (reachQuery, bool) {
	v := c.metresPerSecond()
	if len(c.idx) == 0 || !(maxSec >= 0) || !(v > 0) {
		return reachQuery{}, false
	}
	q := reachQuery{u: toUnit(p), lat: p[1], lon: p[0], scale: orb.EarthRadius / v}
	q.cosLat = math.Cos(p[1] * math.Pi / 180)
	r := maxSec * v / orb.EarthRadius // radians; +Inf for an unbounded query
	if r >= math.Pi {
		// every point: the largest chord is 2 (a hair more for rounding)
		q.all, q.c2, q.hav = true, 4*(1+1e-12), 1
		q.y0, q.y1 = 0, c.ny-1
		return q, true
	}
	s := math.Sin(r / 2)
	q.hav = s * s
	q.c2 = 4 * q.hav
	q.series = q.c2 < seriesChord2
	dLat := r * 180 / math.Pi
	if p[1]+dLat < c.minLat || p[1]-dLat > c.minLat+float64(c.ny)*c.cell {
		return reachQuery{}, false
	}
	q.y0, q.y1 = c.clampY(p[1]-dLat), c.clampY(p[1]+dLat)
	return q, true
}

// row returns the bucket range [lo, hi) of row y that can hold points within
// reach: a point of the row at latitude φ and longitude offset Δλ is within
// the radius r when hav(Δφ) + cos φ0·cos φ·hav(Δλ) ≤ hav(r), so
// hav(Δλ) ≤ (hav(r) − hav(Δφmin)) / (cos φ0 · cos φmax), with Δφmin the
// least latitude offset of the row and φmax its largest |latitude|.
func (c *CrowFly) row(q *reachQuery, y int) (lo, hi int32) {
	b := y * c.nx
	if q.all {
		return c.start[b], c.start[b+c.nx]
	}
	la := c.minLat + float64(y)*c.cell
	dPhi := math.Max(0, math.Max(la-q.lat, q.lat-(la+c.cell))) * math.Pi / 180
	s := math.Sin(dPhi / 2)
	room := q.hav - s*s
	if room < 0 {
		return 0, 0
	}
	den := q.cosLat * c.rowCos[y]
	if den <= 0 || room >= den {
		return c.start[b], c.start[b+c.nx]
	}
	dLon := 2*math.Asin(math.Sqrt(room/den))*180/math.Pi + 1e-9
	x0, x1 := q.lon-dLon, q.lon+dLon
	if x1 < c.minLon || x0 > c.minLon+float64(c.nx)*c.cell {
		return 0, 0
	}
	return c.start[b+c.clampX(x0)], c.start[b+c.clampX(x1)+1]
}

// Reach calls fn for every demand point within max seconds of p, with its
// time in seconds. It allocates nothing.
func (c *CrowFly) Reach(p orb.Point, maxSec float64, fn func(int32, float32)) {
	q, ok := c.query(p, maxSec)
	if !ok {
		return
	}
	for y := q.y0; y <= q.y1; y++ {
		lo, hi := c.row(&q, y)
		xyz, idx := c.xyz[lo:hi], c.idx[lo:hi]
		for k := range xyz {
			dx, dy, dz := xyz[k].x-q.u.x, xyz[k].y-q.u.y, xyz[k].z-q.u.z
			if d2 := dx*dx + dy*dy + dz*dz; d2 <= q.c2 {
				// the series' terms do not wait for the square root
				a := math.Sqrt(d2) * (1 + d2*(1.0/24+d2*(3.0/640+d2*(5.0/7168))))
				if !q.series {
					a = chordAngle(d2)
				}
				fn(idx[k], float32(a*q.scale))
			}
		}
	}
}

// AppendReach appends to dst the demand points within max seconds of p,
// with their times: the same as Reach, without a callback per point.
func (c *CrowFly) AppendReach(dst []Hit, p orb.Point, maxSec float64) []Hit {
	q, ok := c.query(p, maxSec)
	if !ok {
		return dst
	}
	for y := q.y0; y <= q.y1; y++ {
		lo, hi := c.row(&q, y)
		xyz, idx := c.xyz[lo:hi], c.idx[lo:hi]
		for k := range xyz {
			dx, dy, dz := xyz[k].x-q.u.x, xyz[k].y-q.u.y, xyz[k].z-q.u.z
			if d2 := dx*dx + dy*dy + dz*dz; d2 <= q.c2 {
				// the series' terms do not wait for the square root
				a := math.Sqrt(d2) * (1 + d2*(1.0/24+d2*(3.0/640+d2*(5.0/7168))))
				if !q.series {
					a = chordAngle(d2)
				}
				dst = append(dst, Hit{Cell: idx[k], Seconds: float32(a * q.scale)})
			}
		}
	}
	return dst
}

// ReachBound returns a bound (WGS84) containing every demand point that
// Reach(p, max) can return, without querying.
func (c *CrowFly) ReachBound(p orb.Point, maxSec float64) orb.Bound {
	r := maxSec * c.metresPerSecond() / orb.EarthRadius // radians
	dLat := r*180/math.Pi + 1e-9
	dLon := 180.0
	// the widest longitude offset of a spherical cap: asin(sin r / cos φ0)
	if cos := math.Cos(p[1] * math.Pi / 180); r < math.Pi/2 && math.Sin(r) < cos {
		dLon = math.Asin(math.Sin(r)/cos)*180/math.Pi + 1e-9
	}
	return orb.Bound{Min: orb.Point{p[0] - dLon, p[1] - dLat}, Max: orb.Point{p[0] + dLon, p[1] + dLat}}
}

// Nearest returns, for every demand point, the time in seconds to the nearest
// source within max seconds, +Inf otherwise.
func (c *CrowFly) Nearest(sources []orb.Point, maxSec float64) []float32 {
	out := make([]float32, len(c.pts))
	inf := float32(math.Inf(1))
	for i := range out {
		out[i] = inf
	}
	for _, s := range sources {
		c.Reach(s, maxSec, func(i int32, t float32) {
			if t < out[i] {
				out[i] = t
			}
		})
	}
	return out
}

// Route returns the crow-fly time and travelled distance (great-circle × detour).
func (c *CrowFly) Route(from, to orb.Point) (Route, error) {
	d := geo.DistanceHaversine(from, to)
	return Route{Seconds: d / c.metresPerSecond(), Meters: d * math.Max(c.mode.Detour, 1)}, nil
}

// Hit is one demand point within reach: its index (a territory's cell, in
// cell order) and the travel time to it, in seconds.
type Hit struct {
	Cell    int32
	Seconds float32
}
