package coverage

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// ErrNoRoads is returned by CrowFlyEngines for the road engine: the caller
// must supply an EngineFor that knows the territory's road network.
var ErrNoRoads = errors.New("coverage: no road engine available")

// EngineFor builds the travel engine for a mode and an engine name
// (EngineCrowFly, EngineRoad or EngineAuto) over the demand points, which are
// the centres of the territory's cells in cell order. The coverage package
// never builds a road engine itself: the caller passes a factory that does
// (package geo/road), so the same code runs on crow-fly or road times.
type EngineFor func(m travel.Mode, engine string, points []orb.Point) (travel.Engine, error)

// CrowFlyEngines is the EngineFor of a territory without road network:
// "crowfly" and "auto" give a *CrowFly; "road" fails with ErrNoRoads.
func CrowFlyEngines(m travel.Mode, engine string, points []orb.Point) (travel.Engine, error) {
	switch engine {
	case EngineCrowFly, EngineAuto, "":
		return NewCrowFly(m, points), nil
	case EngineRoad:
		return nil, ErrNoRoads
	}
	return nil, fmt.Errorf("coverage: unknown engine %q", engine)
}

// CachedEngines wraps f so that profiles sharing a mode and an engine name
// share one engine. All calls must pass the same points. It is safe for
// concurrent use.
func CachedEngines(f EngineFor) EngineFor {
	var mu sync.Mutex
	cache := map[string]travel.Engine{}
	return func(m travel.Mode, engine string, points []orb.Point) (travel.Engine, error) {
		key := fmt.Sprintf("%s|%s|%g|%g|%s", m.Name, m.Network, m.SpeedKmh, m.Detour, engine)
		mu.Lock()
		defer mu.Unlock()
		if e, ok := cache[key]; ok {
			return e, nil
		}
		e, err := f(m, engine, points)
		if err != nil {
			return nil, err
		}
		cache[key] = e
		return e, nil
	}
}

// CrowFly is a crow-fly travel.Engine tuned for coverage: the same times as
// travel.CrowFly (great-circle distance × detour, at the mode's speed) but
// the demand points are stored in a dense latitude/longitude bucket grid, row
// by row, so that a query scans contiguous memory, and distances use the
// equirectangular formula at the mean latitude of the two points (relative
// difference with the haversine distance below 1e-5 within 100 km; see
// TestCrowFlyMatchesHaversine). Times are seconds, distances metres.
// It is safe for concurrent use.
type CrowFly struct {
	mode     travel.Mode
	pts      []orb.Point
	minLon   float64 // degrees
	minLat   float64
	cell     float64 // bucket side, degrees
	nx, ny   int
	start    []int32   // bucket b = y*nx+x holds rows start[b]:start[b+1] of lat/lon/idx
	lat, lon []float64 // radians, bucket order
	idx      []int32
}

// NewCrowFly returns a crow-fly engine over the demand points pts (WGS84).
func NewCrowFly(mode travel.Mode, pts []orb.Point) *CrowFly {
	c := &CrowFly{mode: mode, pts: pts, cell: 1}
	if len(pts) == 0 {
		c.nx, c.ny, c.start = 1, 1, []int32{0, 0}
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
	c.lat = make([]float64, len(pts))
	c.lon = make([]float64, len(pts))
	c.idx = make([]int32, len(pts))
	for i, p := range pts {
		k := fill[keys[i]]
		fill[keys[i]]++
		c.lat[k] = p[1] * math.Pi / 180
		c.lon[k] = p[0] * math.Pi / 180
		c.idx[k] = int32(i)
	}
	return c
}

func (c *CrowFly) clampX(x float64) int {
	return max(0, min(c.nx-1, int(math.Floor((x-c.minLon)/c.cell))))
}

func (c *CrowFly) clampY(y float64) int {
	return max(0, min(c.ny-1, int(math.Floor((y-c.minLat)/c.cell))))
}

func (c *CrowFly) bucket(p orb.Point) int32 {
	return int32(c.clampY(p[1])*c.nx + c.clampX(p[0]))
}

// Mode returns the engine's mode.
func (c *CrowFly) Mode() travel.Mode { return c.mode }

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
	lat0, lon0, cos0, half float64 // radians; cos and sin/2 of lat0
	rr                     float64 // squared angular radius
	scale                  float64 // seconds per radian
	x0, x1, y0, y1         int     // bucket range
}

func (c *CrowFly) query(p orb.Point, maxSec float64) (reachQuery, bool) {
	v := c.metresPerSecond()
	if len(c.idx) == 0 || !(maxSec >= 0) || !(v > 0) || math.IsInf(maxSec, 1) {
		return reachQuery{}, false
	}
	const rad = math.Pi / 180
	r := maxSec * v / orb.EarthRadius // radians
	dLat := r / rad
	cosMin := math.Cos(math.Min(math.Abs(p[1])+dLat, 89.9) * rad)
	dLon := dLat / math.Max(cosMin, 1e-3)
	if p[1]+dLat < c.minLat || p[1]-dLat > c.minLat+float64(c.ny)*c.cell ||
		p[0]+dLon < c.minLon || p[0]-dLon > c.minLon+float64(c.nx)*c.cell {
		return reachQuery{}, false
	}
	q := reachQuery{lat0: p[1] * rad, lon0: p[0] * rad, rr: r * r, scale: orb.EarthRadius / v,
		x0: c.clampX(p[0] - dLon), x1: c.clampX(p[0] + dLon), y0: c.clampY(p[1] - dLat), y1: c.clampY(p[1] + dLat)}
	sin0, cos0 := math.Sincos(q.lat0)
	q.cos0, q.half = cos0, sin0/2
	return q, true
}

// Reach calls fn for every demand point within max seconds of p, with its
// time in seconds. It allocates nothing.
func (c *CrowFly) Reach(p orb.Point, maxSec float64, fn func(int32, float32)) {
	q, ok := c.query(p, maxSec)
	if !ok {
		return
	}
	for y := q.y0; y <= q.y1; y++ {
		lo, hi := c.start[y*c.nx+q.x0], c.start[y*c.nx+q.x1+1]
		lat, lon, idx := c.lat[lo:hi], c.lon[lo:hi], c.idx[lo:hi]
		for k := range lat {
			dy := lat[k] - q.lat0
			dx := (q.cos0 - q.half*dy) * (lon[k] - q.lon0)
			if d2 := dy*dy + dx*dx; d2 <= q.rr {
				fn(idx[k], float32(math.Sqrt(d2)*q.scale))
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
		lo, hi := c.start[y*c.nx+q.x0], c.start[y*c.nx+q.x1+1]
		lat, lon, idx := c.lat[lo:hi], c.lon[lo:hi], c.idx[lo:hi]
		for k := range lat {
			dy := lat[k] - q.lat0
			dx := (q.cos0 - q.half*dy) * (lon[k] - q.lon0)
			if d2 := dy*dy + dx*dx; d2 <= q.rr {
				dst = append(dst, Hit{idx[k], float32(math.Sqrt(d2) * q.scale)})
			}
		}
	}
	return dst
}

// ReachBound returns a bound (WGS84) containing every demand point that
// Reach(p, max) can return, without querying.
func (c *CrowFly) ReachBound(p orb.Point, maxSec float64) orb.Bound {
	r := maxSec * c.metresPerSecond() / orb.EarthRadius * 180 / math.Pi // degrees of latitude
	dLon := r / math.Max(math.Cos(math.Min(math.Abs(p[1])+r, 89.9)*math.Pi/180), 1e-3)
	return orb.Bound{Min: orb.Point{p[0] - dLon, p[1] - r}, Max: orb.Point{p[0] + dLon, p[1] + r}}
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
func (c *CrowFly) Route(from, to orb.Point) (travel.Route, error) {
	d := geo.Distance(from, to)
	return travel.Route{Seconds: d / c.metresPerSecond(), Meters: d * math.Max(c.mode.Detour, 1)}, nil
}
