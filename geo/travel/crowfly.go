package travel

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// CrowFly implements Engine.
var _ Engine = (*CrowFly)(nil)

// CrowFly is the crow-fly Engine: great-circle distance × the mode's detour
// factor, at the mode's speed. Demand points are bucketed in a uniform
// latitude/longitude grid so that a query visits only nearby buckets.
// It is safe for concurrent use.
type CrowFly struct {
	mode   Mode
	pts    []orb.Point
	cell   float64 // bucket size, degrees
	keys   []uint64
	starts []int32 // bucket i holds order[starts[i]:starts[i+1]]
	order  []int32
	// bucket coordinates spanned by the points, to clamp unbounded searches
	minX, maxX, minY, maxY int32
}

// NewCrowFly returns a crow-fly engine over the demand points pts.
func NewCrowFly(mode Mode, pts []orb.Point) *CrowFly {
	c := &CrowFly{mode: mode, pts: pts, cell: 0.02}
	type kv struct {
		k uint64
		i int32
	}
	kvs := make([]kv, len(pts))
	for i, p := range pts {
		kvs[i] = kv{c.key(c.bucket(p)), int32(i)}
	}
	sort.Slice(kvs, func(a, b int) bool { return kvs[a].k < kvs[b].k })
	c.order = make([]int32, len(kvs))
	for i, e := range kvs {
		c.order[i] = e.i
		if i == 0 || e.k != kvs[i-1].k {
			c.keys = append(c.keys, e.k)
			c.starts = append(c.starts, int32(i))
		}
	}
	c.starts = append(c.starts, int32(len(kvs)))
	for i, p := range pts {
		x, y := c.bucket(p)
		if i == 0 {
			c.minX, c.maxX, c.minY, c.maxY = x, x, y, y
		}
		c.minX, c.maxX = min(c.minX, x), max(c.maxX, x)
		c.minY, c.maxY = min(c.minY, y), max(c.maxY, y)
	}
	return c
}

func (c *CrowFly) bucket(p orb.Point) (int32, int32) {
	return int32(math.Floor(p[0] / c.cell)), int32(math.Floor(p[1] / c.cell))
}

func (c *CrowFly) key(x, y int32) uint64 { return uint64(uint32(x))<<32 | uint64(uint32(y)) }

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

// Reach calls fn for every demand point within max seconds of p.
func (c *CrowFly) Reach(p orb.Point, max float64, fn func(int32, float32)) {
	v := c.metresPerSecond()
	r := max * v // metres
	dLat := r / 111_000
	cos := math.Cos(p[1] * math.Pi / 180)
	if cos < 0.01 {
		cos = 0.01
	}
	dLon := r / (111_000 * cos)
	if len(c.pts) == 0 || math.IsNaN(r) {
		return
	}
	// Clamp in float before converting: an unbounded max gives ±Inf here.
	x0 := int32(math.Max(math.Floor((p[0]-dLon)/c.cell), float64(c.minX)))
	x1 := int32(math.Min(math.Floor((p[0]+dLon)/c.cell), float64(c.maxX)))
	y0 := int32(math.Max(math.Floor((p[1]-dLat)/c.cell), float64(c.minY)))
	y1 := int32(math.Min(math.Floor((p[1]+dLat)/c.cell), float64(c.maxY)))
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			k := c.key(x, y)
			b := sort.Search(len(c.keys), func(i int) bool { return c.keys[i] >= k })
			if b == len(c.keys) || c.keys[b] != k {
				continue
			}
			for _, i := range c.order[c.starts[b]:c.starts[b+1]] {
				d := geo.Distance(p, c.pts[i])
				if d <= r {
					fn(i, float32(d/v))
				}
			}
		}
	}
}

// Nearest returns, for every demand point, the time to the nearest source
// within max seconds, +Inf otherwise.
func (c *CrowFly) Nearest(sources []orb.Point, max float64) []float32 {
	out := make([]float32, len(c.pts))
	inf := float32(math.Inf(1))
	for i := range out {
		out[i] = inf
	}
	for _, s := range sources {
		c.Reach(s, max, func(i int32, t float32) {
			if t < out[i] {
				out[i] = t
			}
		})
	}
	return out
}

// Route returns the crow-fly time and travelled distance (great-circle × detour).
func (c *CrowFly) Route(from, to orb.Point) (Route, error) {
	d := geo.Distance(from, to)
	return Route{Seconds: d / c.metresPerSecond(), Meters: d * math.Max(c.mode.Detour, 1)}, nil
}
