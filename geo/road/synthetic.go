package road

import (
	"math"
	"math/rand/v2"
)

// mapTags is a travel.Tags over a map.
type mapTags map[string]string

func (m mapTags) Find(k string) string { return m[k] }

// Synthetic returns a road-like graph of about n nodes for tests and
// benchmarks, reproducible from seed: a square grid of junctions 240 m apart
// near Bordeaux, each block side drawn with two jittered shape nodes (so
// that, as in OpenStreetMap, about 80 % of the nodes lie inside chains),
// about 4 % of the residential blocks missing; every 8th row and column is a
// secondary road (maxspeed 50), every 40th a primary (maxspeed 80), the rest
// residential streets, of which one row and one column in three are one-way,
// alternating in direction. It goes through the same building path as
// ReadPBF (profiles, components, Hilbert order).
func Synthetic(n int, seed int64) *Graph {
	side := int(math.Ceil(math.Sqrt(float64(max(n, 20)) / 5)))
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6d61696c6c616765))
	b := newBuilder(Options{})
	const (
		lat0, lon0 = 44.70, -0.75
		step       = 240.0 // metres between junctions
	)
	dLat := step / 111_195
	dLon := step / (111_195 * math.Cos(lat0*math.Pi/180))
	// id of junction (r, c) and of its shape nodes: k = 1, 2 towards (r,
	// c+1), k = 3, 4 towards (r+1, c).
	id := func(r, c, k int) int64 { return int64((r*side+c)*5 + k + 1) }
	jit := func() float64 { return 0.1 * (rng.Float64() - 0.5) }
	// Nodes are drawn first (the random stream fixes the layout) and added
	// after the ways, as ReadPBF's second pass does.
	type node struct {
		id       int64
		lat, lon float64
	}
	var nodes []node
	addNode := func(id int64, lat, lon float64) { nodes = append(nodes, node{id, lat, lon}) }
	for r := range side {
		for c := range side {
			y, x := float64(r)+jit(), float64(c)+jit()
			addNode(id(r, c, 0), lat0+y*dLat, lon0+x*dLon)
			for k := 1; k <= 2; k++ {
				f := float64(k) / 3
				addNode(id(r, c, k), lat0+(float64(r)+jit())*dLat, lon0+(float64(c)+f+jit()/2)*dLon)
				addNode(id(r, c, k+2), lat0+(float64(r)+f+jit()/2)*dLat, lon0+(float64(c)+jit())*dLon)
			}
		}
	}
	class := func(k int) mapTags {
		switch {
		case k%40 == 0:
			return mapTags{"highway": "primary", "maxspeed": "80"}
		case k%8 == 0:
			return mapTags{"highway": "secondary", "maxspeed": "50"}
		case k%3 == 1 && k%2 == 0:
			return mapTags{"highway": "residential", "oneway": "yes"}
		case k%3 == 1:
			return mapTags{"highway": "residential", "oneway": "-1"}
		}
		return mapTags{"highway": "residential"}
	}
	// line adds the ways along row (horiz) or column k, cut in pieces of at
	// most 4 blocks and wherever a block is missing.
	line := func(k int, horiz bool) {
		tags := class(k)
		var refs []int64
		flush := func() {
			if len(refs) >= 2 {
				b.addWay(int64(len(b.wayEnd)+1), tags, func(yield func(int64) bool) {
					for _, r := range refs {
						if !yield(r) {
							return
						}
					}
				})
			}
			refs = refs[:0]
		}
		for j := 0; j+1 < side; j++ {
			r, c, s1 := k, j, 1
			nr, nc := k, j+1
			if !horiz {
				r, c, s1, nr, nc = j, k, 3, j+1, k
			}
			if tags["highway"] == "residential" && rng.IntN(25) == 0 {
				flush() // a missing block
				continue
			}
			if len(refs) == 0 {
				refs = append(refs, id(r, c, 0))
			}
			refs = append(refs, id(r, c, s1), id(r, c, s1+1), id(nr, nc, 0))
			if len(refs) >= 13 {
				flush()
				refs = append(refs, id(nr, nc, 0))
			}
		}
		flush()
	}
	for k := range side {
		line(k, true)
		line(k, false)
	}
	if err := b.indexNodes(); err != nil {
		return &Graph{}
	}
	for _, n := range nodes {
		b.addNode(n.id, n.lat, n.lon)
	}
	b.st.NodesRead = len(nodes)
	g, err := b.build()
	if err != nil {
		return &Graph{}
	}
	return g
}
