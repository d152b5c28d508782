package road

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"slices"
	"testing"

	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/osm"
)

// toy builds an osm.OSM from nodes (id → lon, lat) and ways (node ids, tags).
type toy struct {
	o osm.OSM
}

func (t *toy) node(id int64, lon, lat float64) {
	t.o.Nodes = append(t.o.Nodes, &osm.Node{ID: osm.NodeID(id), Lat: lat, Lon: lon})
}

func (t *toy) way(id int64, tags map[string]string, ids ...int64) {
	w := &osm.Way{ID: osm.WayID(id)}
	for _, n := range ids {
		w.Nodes = append(w.Nodes, osm.WayNode{ID: osm.NodeID(n)})
	}
	for k, v := range tags {
		w.Tags = append(w.Tags, osm.Tag{Key: k, Value: v})
	}
	t.o.Ways = append(t.o.Ways, w)
}

func (t *toy) pos(id int64) orb.Point {
	for _, n := range t.o.Nodes {
		if int64(n.ID) == id {
			return orb.Point{n.Lon, n.Lat}
		}
	}
	panic("no node")
}

// length sums the great-circle lengths between the given nodes.
func (t *toy) length(ids ...int64) float64 {
	m := 0.0
	for i := 1; i < len(ids); i++ {
		m += geo.Distance(t.pos(ids[i-1]), t.pos(ids[i]))
	}
	return m
}

// town is a small street plan, 100 m ≈ 0.0009° of latitude:
//
//	1 ——— 2 ——— 3 ——— 4      "high street", residential, two-way (nodes 1-4, every ~150 m)
//	|           ¦     |
//	|   footway ¦     |      footway 3-7 (closed to cars); 1-5 and 4-8 residential
//	5 ——— 6 ——— 7 ——— 8      "low street": 5-6-7 two-way, 7 → 8 one-way eastwards
//
// plus a detached car park (9-10-11) and a far hamlet (20-21).
func town() *toy {
	t := &toy{}
	lat0, lat1 := 45.0, 44.9982 // about 200 m apart
	for i := range 4 {
		lon := -0.5 + float64(i)*0.0019 // about 150 m apart
		t.node(int64(i+1), lon, lat0)
		t.node(int64(i+5), lon, lat1)
	}
	t.node(9, -0.49, 45.01)
	t.node(10, -0.4899, 45.01)
	t.node(11, -0.4898, 45.01)
	res := map[string]string{"highway": "residential"}
	t.way(100, res, 1, 2, 3, 4)
	t.way(101, res, 1, 5)
	t.way(102, res, 4, 8)
	t.way(103, res, 5, 6, 7)
	t.way(104, map[string]string{"highway": "residential", "oneway": "yes"}, 7, 8)
	t.way(105, map[string]string{"highway": "footway"}, 3, 7)
	t.way(106, map[string]string{"highway": "service"}, 9, 10, 11)
	t.way(107, map[string]string{"building": "yes"}, 1, 2, 6, 5, 1)
	t.way(108, res, 4, 99) // 99 does not exist: a clipped reference
	return t
}

func mode(t *testing.T, name string) travel.Mode {
	t.Helper()
	m, err := travel.DefaultModes().Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFromOSMTown(t *testing.T) {
	tw := town()
	g, st, err := FromOSM(&tw.o, Options{MinComponent: 5})
	if err != nil {
		t.Fatal(err)
	}
	if st.NodesRead != 11 || st.WaysRead != 9 || st.RoutableWays != 8 || st.MissingRefs != 1 {
		t.Errorf("stats %+v: want 11 nodes, 9 ways, 8 routable, 1 missing ref", st)
	}
	// The car park (3 nodes) is a fragment smaller than 5: dropped.
	if g.NumNodes() != 8 {
		t.Errorf("%d nodes, want 8 (car park dropped)", g.NumNodes())
	}
	want := map[string]int{
		"car":  2*(3+1+1+2) + 1,             // two-way segments ×2, one one-way arc
		"foot": 2 * (3 + 1 + 1 + 2 + 1 + 1), // everything two-way, plus the footway
		"bike": 2*(3+1+1+2) + 1,
	}
	for name, n := range want {
		if got := g.NumArcs(name); got != n {
			t.Errorf("%s: %d arcs, want %d", name, got, n)
		}
	}
	for _, ns := range st.Networks {
		if ns.FragmentsDropped != 1 || ns.NodesDropped != 3 {
			t.Errorf("%s: %d fragments (%d nodes) dropped, want the car park (1, 3)", ns.Name, ns.FragmentsDropped, ns.NodesDropped)
		}
	}

	car, err := NewEngine(g, mode(t, "car"), nil, EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	walk, err := NewEngine(g, mode(t, "walk"), nil, EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const res = 25 / 3.6 // residential car speed, m/s
	const foot = 4.5 / 3.6
	tests := []struct {
		name     string
		e        *Engine
		from, to int64
		via      []int64 // the expected path, whose length is summed independently
		mps      float64 // expected speed along it
	}{
		{"car along the high street", car, 1, 4, []int64{1, 2, 3, 4}, res},
		{"car with the one-way", car, 7, 8, []int64{7, 8}, res},
		{"car against the one-way goes round", car, 8, 7, []int64{8, 4, 3, 2, 1, 5, 6, 7}, res},
		{"car avoids the footway", car, 3, 7, []int64{3, 2, 1, 5, 6, 7}, res},
		{"walk takes the footway", walk, 3, 7, []int64{3, 7}, foot},
		{"walk ignores the one-way", walk, 8, 7, []int64{8, 7}, foot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.e.Route(tw.pos(tt.from), tw.pos(tt.to))
			if err != nil {
				t.Fatal(err)
			}
			m := tw.length(tt.via...)
			if math.Abs(r.Meters-m) > 0.01 {
				t.Errorf("%.2f m, want %.2f m (path %v)", r.Meters, m, tt.via)
			}
			if s := m / tt.mps; math.Abs(r.Seconds-s) > 0.01*float64(len(tt.via)) {
				t.Errorf("%.3f s, want %.3f s", r.Seconds, s)
			}
			if len(r.Path) != len(tt.via)+2 {
				t.Errorf("path has %d points, want %d", len(r.Path), len(tt.via)+2)
			}
		})
	}
	// Senior on the same path: the walk time × 4.5/3.5.
	senior, _ := NewEngine(g, mode(t, "senior"), nil, EngineOptions{})
	rw, _ := walk.Route(tw.pos(1), tw.pos(8))
	rs, _ := senior.Route(tw.pos(1), tw.pos(8))
	if math.Abs(rs.Seconds/rw.Seconds-4.5/3.5) > 1e-4 || rs.Meters != rw.Meters {
		t.Errorf("senior %v s vs walk %v s: ratio %v, want %v", rs.Seconds, rw.Seconds, rs.Seconds/rw.Seconds, 4.5/3.5)
	}
}

func TestOffNetwork(t *testing.T) {
	tw := town()
	g, _, err := FromOSM(&tw.o, Options{MinComponent: 5})
	if err != nil {
		t.Fatal(err)
	}
	near := orb.Point{-0.4995, 45.0004}                 // ≈ 50 m from node 1
	far := orb.Point{-0.45, 45.05}                      // ≈ 6 km away
	pts := []orb.Point{tw.pos(1), near, far, tw.pos(9)} // the car park was dropped: 9 is ≈ 1,160 m from node 4
	e, err := NewEngine(g, mode(t, "walk"), pts, EngineOptions{MaxSnapMetres: 1500})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.OffNetwork(); !slices.Equal(got, []int32{2}) {
		t.Errorf("OffNetwork = %v, want [2]", got)
	}
	if _, err := e.Route(tw.pos(1), far); !errors.Is(err, travel.ErrOffNetwork) {
		t.Errorf("route to a far point: %v, want ErrOffNetwork", err)
	}
	out := e.Nearest([]orb.Point{tw.pos(1)}, 3600)
	if out[0] != 0 || !math.IsInf(float64(out[2]), 1) {
		t.Errorf("nearest = %v, want 0 at the source, +Inf off network", out)
	}
	// The near point walks its 50 m at the crow-fly progress speed 4.5/1.3 km/h.
	wantNear := geo.Distance(near, tw.pos(1)) / (4.5 / travel.FootDetour / 3.6)
	if math.Abs(float64(out[1])-wantNear) > 0.01 {
		t.Errorf("near point %v s, want %v s of access", out[1], wantNear)
	}
	if sn, err := e.Snap(pts[3]); err != nil || math.Abs(sn.Metres-geo.Distance(pts[3], tw.pos(4))) > 0.01 {
		t.Errorf("car park point snaps to %+v, %v; want node 4", sn, err)
	}
	// Two points 14 m apart, ≈ 770 m north of the high street: walking
	// straight is faster than via the road.
	p1, p2 := orb.Point{-0.4981, 45.007}, orb.Point{-0.4980, 45.0071}
	if r, err := e.Route(p1, p2); err != nil || math.Abs(r.Meters-geo.Distance(p1, p2)) > 1e-9 || len(r.Path) != 2 {
		t.Errorf("route between near points = %+v, %v; want the direct %.1f m", r, err, geo.Distance(p1, p2))
	}
	n := 0
	_ = e.Catchment(tw.pos(1), math.NaN(), func(int32, float32) { n++ })
	if n != 0 {
		t.Errorf("a NaN bound reached %d points", n)
	}
	if err := e.Catchment(far, 3600, func(int32, float32) {}); !errors.Is(err, travel.ErrOffNetwork) {
		t.Errorf("catchment from far: %v", err)
	}
	if _, err := NewEngine(g, mode(t, "car"), []orb.Point{far, far}, EngineOptions{}); !errors.Is(err, ErrNoOverlap) {
		t.Errorf("only far points: %v, want ErrNoOverlap", err)
	}
	if _, err := NewEngine(g, travel.Mode{Name: "boat", Network: "water", SpeedKmh: 10}, nil, EngineOptions{}); !errors.Is(err, ErrUnknownNetwork) {
		t.Errorf("unknown network: %v", err)
	}
}

func TestNoRoads(t *testing.T) {
	tw := &toy{}
	tw.node(1, 0, 0)
	tw.node(2, 0.001, 0)
	tw.way(1, map[string]string{"building": "yes"}, 1, 2)
	if _, _, err := FromOSM(&tw.o, Options{}); !errors.Is(err, ErrNoRoads) {
		t.Errorf("no highway: %v", err)
	}
	tw.way(2, map[string]string{"highway": "residential"}, 3, 4) // both nodes missing
	_, st, err := FromOSM(&tw.o, Options{})
	if !errors.Is(err, ErrNoRoads) || st.MissingRefs != 2 {
		t.Errorf("only missing nodes: %v, %d missing refs", err, st.MissingRefs)
	}
}

// TestSearchMatchesBaseline checks the chain-walking searches (Nearest,
// Catchment, Route by A*) against the straightforward container/heap
// Dijkstra of the benchmarks, on a synthetic graph with one-ways.
func TestSearchMatchesBaseline(t *testing.T) {
	g := Synthetic(20_000, 3)
	for _, name := range []string{"car", "walk"} {
		t.Run(name, func(t *testing.T) { checkAgainstBaseline(t, g, name, 600, 400) })
	}
}

// TestSearchMatchesBaselineParis does the same on central Paris by car,
// with its many one-way streets.
func TestSearchMatchesBaselineParis(t *testing.T) {
	g := cachedExtract(t, "paris-3e-10e-11e-clipped")
	checkAgainstBaseline(t, g, "car", 300, 1000)
}

func checkAgainstBaseline(t *testing.T, g *Graph, name string, max float64, minReached int) {
	pts := nodePoints(g)
	e, err := NewEngine(g, mode(t, name), pts, EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	base := newBaseline(e)
	places := randomPoints(g, 5, 11)
	var nodes []int
	var seeds []float64
	for _, p := range places {
		sn, _ := e.Snap(p)
		nodes = append(nodes, sn.Node)
		seeds = append(seeds, 0)
	}
	ref := base.nearest(nodes, seeds, max)
	got := e.Nearest(places, max)
	reached := 0
	for i, u := range e.ptNode {
		want := math.Inf(1)
		if u >= 0 && ref[u]+float64(e.ptAccess[i])*e.scale <= max {
			want = ref[u] + float64(e.ptAccess[i])*e.scale
			reached++
		}
		if math.Abs(float64(got[i])-want) > 0.01 && !(math.IsInf(want, 1) && math.IsInf(float64(got[i]), 1)) {
			t.Fatalf("point %d: %v s, baseline %v s", i, got[i], want)
		}
	}
	if reached < minReached {
		t.Errorf("only %d points reached in %v s", reached, max)
	}
	// One catchment equals a one-source Nearest.
	one := e.Nearest(places[:1], max)
	n := 0
	e.Reach(places[0], max, func(i int32, s float32) {
		n++
		if math.Abs(float64(s-one[i])) > 0.01 {
			t.Fatalf("catchment point %d: %v s, nearest %v s", i, s, one[i])
		}
	})
	for _, s := range one {
		if !math.IsInf(float64(s), 1) {
			n--
		}
	}
	if n != 0 {
		t.Errorf("catchment and nearest disagree on %d points", n)
	}
	// Routes from points to the place equal the baseline (Nearest times the
	// trip from the point to the place).
	full := e.Nearest(places[:1], math.Inf(1))
	for i := 0; i < len(pts); i += 97 {
		r, err := e.Route(pts[i], places[0])
		if err != nil {
			if math.IsInf(float64(full[i]), 1) {
				continue // not connected in this direction
			}
			t.Fatal(err)
		}
		if math.Abs(r.Seconds-float64(full[i])) > 0.01 {
			t.Fatalf("route from %d: %v s, nearest %v s", i, r.Seconds, full[i])
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	g := Synthetic(5_000, 1)
	b, err := g.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	h, err := UnmarshalGraph(b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.lat, h.lat) || !slices.Equal(g.lon, h.lon) || !slices.Equal(g.slat, h.slat) || !slices.Equal(g.slon, h.slon) ||
		!slices.Equal(g.ea, h.ea) || !slices.Equal(g.eb, h.eb) || !slices.Equal(g.shapeFirst, h.shapeFirst) ||
		!slices.Equal(g.class, h.class) || !slices.Equal(g.classes, h.classes) || !slices.Equal(g.adj, h.adj) || len(g.nets) != len(h.nets) {
		t.Fatal("the graph differs after a round trip")
	}
	for i, n := range g.nets {
		m := h.nets[i]
		if n.name != m.name || n.refKmh != m.refKmh || n.maxKmh != m.maxKmh || n.arcs != m.arcs || !slices.Equal(n.cost, m.cost) {
			t.Errorf("network %s differs after a round trip", n.name)
		}
	}
	corrupt := map[string][]byte{
		"empty":     nil,
		"truncated": b[:len(b)/2],
		"bad magic": append([]byte("NOTGRAPH"), b[8:]...),
		"flipped":   flip(b, len(b)/3),
	}
	for name, c := range corrupt {
		t.Run(name, func(t *testing.T) {
			if _, err := UnmarshalGraph(c); !errors.Is(err, ErrCorrupt) {
				t.Errorf("err = %v, want ErrCorrupt", err)
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	c := slices.Clone(b)
	c[i] ^= 0x40
	return c
}

func FuzzUnmarshalGraph(f *testing.F) {
	tw := town()
	g, _, err := FromOSM(&tw.o, Options{MinComponent: 1})
	if err != nil {
		f.Fatal(err)
	}
	b, _ := g.MarshalBinary()
	f.Add(b)
	f.Add(b[:40])
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The checksum stops most mutations; fuzz the decoder behind it too
		// by fixing the checksum of inputs that look like graphs.
		if len(data) > 24 && string(data[:8]) == magic {
			data = fixCRC(data)
		}
		h, err := UnmarshalGraph(data)
		if err != nil {
			return
		}
		e, err := NewEngine(h, mode2("walk"), nil, EngineOptions{})
		if err == nil && h.NumNodes() > 0 {
			e.Nearest([]orb.Point{h.Node(0)}, 60)
		}
	})
}

func mode2(name string) travel.Mode {
	m, _ := travel.DefaultModes().Get(name)
	return m
}

func TestHilbertContiguous(t *testing.T) {
	type p struct{ x, y uint32 }
	var ps []p
	for x := range uint32(64) {
		for y := range uint32(64) {
			ps = append(ps, p{x, y})
		}
	}
	slices.SortFunc(ps, func(a, b p) int {
		ha, hb := hilbert(a.x, a.y), hilbert(b.x, b.y)
		switch {
		case ha < hb:
			return -1
		case ha > hb:
			return 1
		}
		t.Fatalf("hilbert(%v) = hilbert(%v)", a, b)
		return 0
	})
	for i := 1; i < len(ps); i++ {
		dx := int(ps[i].x) - int(ps[i-1].x)
		dy := int(ps[i].y) - int(ps[i-1].y)
		if dx*dx+dy*dy != 1 {
			t.Fatalf("step %d: %v → %v is not to a neighbour", i, ps[i-1], ps[i])
		}
	}
}

func TestSCC(t *testing.T) {
	// 0 ⇄ 1 → 2 ⇄ 3 ⇄ 4, 5 alone, 6 → 6 self-loop.
	arcs := [][2]uint32{{0, 1}, {1, 0}, {1, 2}, {2, 3}, {3, 2}, {3, 4}, {4, 3}, {6, 6}}
	n := 7
	first := make([]uint32, n+1)
	for _, a := range arcs {
		first[a[0]+1]++
	}
	for v := range n {
		first[v+1] += first[v]
	}
	head := make([]uint32, len(arcs))
	next := slices.Clone(first)
	for _, a := range arcs {
		head[next[a[0]]] = a[1]
		next[a[0]]++
	}
	comp, sizes := scc(n, first, head)
	if comp[0] != comp[1] || comp[2] != comp[3] || comp[3] != comp[4] || comp[0] == comp[2] || comp[5] == comp[6] {
		t.Errorf("components %v", comp)
	}
	s := slices.Clone(sizes)
	slices.Sort(s)
	if !slices.Equal(s, []int32{1, 1, 2, 3}) {
		t.Errorf("sizes %v, want 1 1 2 3", s)
	}
}

// fixCRC returns data with its trailing CRC-32 recomputed.
func fixCRC(data []byte) []byte {
	c := slices.Clone(data)
	body := c[:len(c)-4]
	binary.LittleEndian.PutUint32(c[len(c)-4:], crc32.ChecksumIEEE(body))
	return c
}
