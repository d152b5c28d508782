package road

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/maillage/maillage/geo/travel"
	"github.com/maillage/maillage/internal/shareddata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
)

// extract is a real OpenStreetMap file of ../shared/data/osm with the
// counts its README states (independent of this package).
type extract struct {
	file         string
	nodes, ways  int // README
	graphNodes   int // regression figures of this package's filtering
	car, foot    int // arcs
	missingRoute int // missing refs in routable ways (checked by rescanning where small)
}

var extracts = []extract{
	{"saint-barthelemy-2014", 8076, 625, 3780, 7422, 7662, 0},
	{"saint-brieuc-loudeac-22", 11197, 752, 1969, 530, 3908, 0},
	{"paris-3e-10e-11e-clipped", 4598, 1289, 3206, 2368, 7482, 654},
	{"monaco-and-french-neighbours", 180118, 27377, 24649, 26768, 51090, 0},
	{"andorra", 235550, 11871, 99089, 47397, 198446, 0},
	{"porto-portugal", 347944, 51458, 333147, 518018, 687332, 0},
	{"columbus-unsorted", 48456, 8443, 46758, 86771, 101464, 0},
}

// graphs caches the graphs read by the tests of this file.
type graphCache struct {
	mu sync.Mutex
	m  map[string]*Graph
}

var graphs graphCache

func loadExtract(t *testing.T, name string) (*Graph, *Stats) {
	t.Helper()
	p := shareddata.Path(t, "osm/"+name+".osm.pbf")
	g, st, err := ReadPBFFile(context.Background(), p, Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	graphs.mu.Lock()
	if graphs.m == nil {
		graphs.m = map[string]*Graph{}
	}
	graphs.m[name] = g
	graphs.mu.Unlock()
	return g, st
}

func cachedExtract(t *testing.T, name string) *Graph {
	graphs.mu.Lock()
	g := graphs.m[name]
	graphs.mu.Unlock()
	if g != nil {
		return g
	}
	g, _ = loadExtract(t, name)
	return g
}

func TestRealExtracts(t *testing.T) {
	for _, x := range extracts {
		t.Run(x.file, func(t *testing.T) {
			g, st := loadExtract(t, x.file)
			t.Log(st)
			if st.NodesRead != x.nodes || st.WaysRead != x.ways {
				t.Errorf("read %d nodes, %d ways; README says %d, %d", st.NodesRead, st.WaysRead, x.nodes, x.ways)
			}
			if st.Nodes != g.NumNodes() || g.NumNodes() != x.graphNodes {
				t.Errorf("%d graph nodes (stats %d), want %d", g.NumNodes(), st.Nodes, x.graphNodes)
			}
			if c, f := g.NumArcs("car"), g.NumArcs("foot"); c != x.car || f != x.foot {
				t.Errorf("arcs car %d foot %d, want %d %d", c, f, x.car, x.foot)
			}
			if st.MissingRefs != x.missingRoute {
				t.Errorf("%d missing refs in routable ways, want %d", st.MissingRefs, x.missingRoute)
			}
			if f := g.NumArcs("foot"); f%2 != 0 {
				t.Errorf("foot network has %d arcs: walking ignores one-ways, arcs come in pairs", f)
			}
			if st.Bytes == 0 {
				t.Error("no bytes counted")
			}
		})
	}
}

// snapEps is the snap distance, in metres, below which a point is on its
// node (coordinates are stored to 1e-7 degree).
const snapEps = 0.05

// scan reads every object of an extract with osmpbf, apart from this package.
func scan(t *testing.T, name string) (nodes map[osm.NodeID]orb.Point, ways []*osm.Way, order []osm.ObjectID) {
	t.Helper()
	f, err := os.Open(shareddata.Path(t, "osm/"+name+".osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := osmpbf.New(context.Background(), f, 1)
	defer sc.Close()
	nodes = map[osm.NodeID]orb.Point{}
	for sc.Scan() {
		switch o := sc.Object().(type) {
		case *osm.Node:
			nodes[o.ID] = orb.Point{o.Lon, o.Lat}
			order = append(order, o.ObjectID())
		case *osm.Way:
			ways = append(ways, o)
			order = append(order, o.ObjectID())
		case *osm.Relation:
			order = append(order, o.ObjectID())
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return nodes, ways, order
}

// TestMissingRefs recounts missing references in the clipped extracts
// independently: over all ways (as the README counts them) and over the
// ways a default profile can use (as Stats counts them).
func TestMissingRefs(t *testing.T) {
	tests := []struct {
		file   string
		readme int
	}{
		{"saint-barthelemy-2014", 64},
		{"paris-3e-10e-11e-clipped", 714},
	}
	profiles := travel.DefaultProfiles()
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			nodes, ways, _ := scan(t, tt.file)
			all, routable := 0, 0
			for _, w := range ways {
				open := false
				for _, p := range profiles {
					f, b := p.Speeds(w.Tags)
					open = open || f > 0 || b > 0
				}
				for _, wn := range w.Nodes {
					if _, ok := nodes[wn.ID]; !ok {
						all++
						if open && len(w.Nodes) >= 2 {
							routable++
						}
					}
				}
			}
			if all != tt.readme {
				t.Errorf("%d missing refs over all ways, README says %d", all, tt.readme)
			}
			_, st := loadExtract(t, tt.file)
			if st.MissingRefs != routable {
				t.Errorf("stats count %d missing refs in routable ways, rescan %d", st.MissingRefs, routable)
			}
		})
	}
}

// TestStraightWays routes between the ends of nearly straight ways and
// checks the result against the way geometry summed here: the walk is at
// least the great-circle distance and at most the way's length (the way
// itself is a candidate), at 4.5 km/h.
func TestStraightWays(t *testing.T) {
	for _, file := range []string{"paris-3e-10e-11e-clipped", "monaco-and-french-neighbours"} {
		t.Run(file, func(t *testing.T) {
			nodes, ways, _ := scan(t, file)
			g := cachedExtract(t, file)
			walk, err := NewEngine(g, mode(t, "walk"), nil, EngineOptions{})
			if err != nil {
				t.Fatal(err)
			}
			foot := travel.FootProfile()
			checked := 0
			for _, w := range ways {
				if f, _ := foot.Speeds(w.Tags); f == 0 || w.Tags.Find("highway") == "steps" {
					continue
				}
				var line orb.LineString
				for _, wn := range w.Nodes {
					p, ok := nodes[wn.ID]
					if !ok {
						line = nil
						break
					}
					line = append(line, p)
				}
				if line == nil {
					continue
				}
				L := geo.Length(line)
				D := geo.Distance(line[0], line[len(line)-1])
				if L < 100 || L/D > 1.005 {
					continue
				}
				a, errA := walk.Snap(line[0])
				b, errB := walk.Snap(line[len(line)-1])
				if errA != nil || errB != nil || a.Metres > snapEps || b.Metres > snapEps {
					continue // an end outside the kept network
				}
				r, err := walk.Route(line[0], line[len(line)-1])
				if err != nil {
					t.Fatal(err)
				}
				if r.Meters < D-0.01 || r.Meters > L+0.01 {
					t.Errorf("way %d: route %.2f m, want between %.2f (crow) and %.2f (way)", w.ID, r.Meters, D, L)
				}
				if want := r.Meters / (4.5 / 3.6); math.Abs(r.Seconds-want) > 0.001*float64(len(r.Path)) {
					t.Errorf("way %d: %.3f s for %.2f m, want %.3f s at 4.5 km/h", w.ID, r.Seconds, r.Meters, want)
				}
				checked++
			}
			if checked < 10 {
				t.Errorf("only %d straight ways checked", checked)
			}
			t.Logf("%d straight ways checked", checked)
		})
	}
}

// TestOneWayAndFootways checks on central Paris that car routes respect
// one-way streets and that footway-only nodes are not in the car network.
func TestOneWayAndFootways(t *testing.T) {
	const file = "paris-3e-10e-11e-clipped"
	nodes, ways, _ := scan(t, file)
	g := cachedExtract(t, file)
	car, err := NewEngine(g, mode(t, "car"), nil, EngineOptions{MaxSnapMetres: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	walk, _ := NewEngine(g, mode(t, "walk"), nil, EngineOptions{})
	// One-way streets: against the flow, the car must go round.
	longer, total := 0, 0
	carOnly := map[osm.NodeID]bool{} // nodes of ways cars may use
	footOnly := map[osm.NodeID]bool{}
	cp := travel.CarProfile()
	for _, w := range ways {
		f, b := cp.Speeds(w.Tags)
		for _, wn := range w.Nodes {
			if f > 0 || b > 0 {
				carOnly[wn.ID] = true
			}
			switch w.Tags.Find("highway") {
			case "footway", "pedestrian", "steps", "path":
				footOnly[wn.ID] = true
			}
		}
		if !(f > 0 && b == 0) || len(w.Nodes) < 2 {
			continue
		}
		pa, okA := nodes[w.Nodes[0].ID]
		pb, okB := nodes[w.Nodes[len(w.Nodes)-1].ID]
		if !okA || !okB {
			continue
		}
		sa, errA := car.Snap(pa)
		sb, errB := car.Snap(pb)
		if errA != nil || errB != nil || sa.Metres > snapEps || sb.Metres > snapEps || sa.Node == sb.Node {
			continue
		}
		fwd, err1 := car.Route(pa, pb)
		bwd, err2 := car.Route(pb, pa)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		total++
		if bwd.Seconds > fwd.Seconds+1 {
			longer++
		}
		// Walking ignores the one-way: both directions take the same time.
		w1, _ := walk.Route(pa, pb)
		w2, _ := walk.Route(pb, pa)
		if math.Abs(w1.Seconds-w2.Seconds) > 0.01 {
			t.Errorf("walk %v s one way, %v s back", w1.Seconds, w2.Seconds)
		}
	}
	if total < 30 || float64(longer) < 0.9*float64(total) {
		t.Errorf("against the flow longer on %d of %d one-way streets", longer, total)
	}
	t.Logf("against the flow longer on %d of %d one-way streets", longer, total)
	// Nodes only on footways: walkers snap onto them, cars never do.
	n := 0
	for id := range footOnly {
		p, ok := nodes[id]
		if !ok || carOnly[id] {
			continue
		}
		sw, err := walk.Snap(p)
		if err != nil || sw.Metres > snapEps {
			continue // dropped fragment
		}
		n++
		if sc, err := car.Snap(p); err == nil && sc.Metres <= snapEps {
			t.Errorf("footway node %d is in the car network", id)
		}
	}
	if n < 100 {
		t.Errorf("only %d footway-only nodes checked", n)
	}
}

// TestWalkVersusCar compares walking and driving on random pairs 2 to 8 km
// apart in Monaco and its French neighbours.
func TestWalkVersusCar(t *testing.T) {
	g := cachedExtract(t, "monaco-and-french-neighbours")
	car, _ := NewEngine(g, mode(t, "car"), nil, EngineOptions{})
	walk, _ := NewEngine(g, mode(t, "walk"), nil, EngineOptions{})
	rng := rand.New(rand.NewPCG(5, 5))
	n := 0
	for tries := 0; n < 40 && tries < 5000; tries++ {
		a, b := g.Node(rng.IntN(g.NumNodes())), g.Node(rng.IntN(g.NumNodes()))
		if d := geo.Distance(a, b); d < 2000 || d > 8000 {
			continue
		}
		rc, err1 := car.Route(a, b)
		rw, err2 := walk.Route(a, b)
		if err1 != nil || err2 != nil {
			continue
		}
		n++
		if rc.Seconds >= rw.Seconds {
			t.Errorf("car %v s not faster than walking %v s", rc.Seconds, rw.Seconds)
		}
		kmh := rc.Meters / rc.Seconds * 3.6
		if kmh < 10 || kmh > 90 {
			t.Errorf("car average %.1f km/h over %.0f m", kmh, rc.Meters)
		}
		// Walking is 4.5 km/h on the network (steps at half speed) plus
		// access at 4.5/1.3 km/h: never faster than 4.5 km/h.
		if wk := rw.Meters / rw.Seconds * 3.6; wk > 4.5+1e-3 || wk < 3 {
			t.Errorf("walking average %.3f km/h", wk)
		}
	}
	if n < 40 {
		t.Errorf("only %d pairs", n)
	}
}

func TestUnsortedFile(t *testing.T) {
	const file = "columbus-unsorted"
	_, _, order := scan(t, file)
	// Sorted files give nodes, ways, relations, each by increasing id.
	rank := map[osm.Type]int64{osm.TypeNode: 0, osm.TypeWay: 1, osm.TypeRelation: 2}
	key := func(o osm.ObjectID) int64 { return rank[o.Type()]<<50 + o.Ref() }
	if slices.IsSortedFunc(order, func(a, b osm.ObjectID) int { return cmp.Compare(key(a), key(b)) }) {
		t.Fatal("the file is sorted")
	}
	g := cachedExtract(t, file)
	e, err := NewEngine(g, mode(t, "car"), nil, EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Columbus downtown to Ohio State University, ≈ 4.5 km apart: a car
	// route exists and is no shorter than the great-circle distance.
	a, b := orb.Point{-82.9988, 39.9612}, orb.Point{-83.0305, 40.0076}
	r, err := e.Route(a, b)
	if err != nil {
		t.Skipf("route outside the extract: %v", err)
	}
	if d := geo.Distance(a, b); r.Meters < d || r.Meters > 2.5*d {
		t.Errorf("route %.0f m for %.0f m crow-fly", r.Meters, d)
	}
}

func TestBadPBF(t *testing.T) {
	data, err := os.ReadFile(shareddata.Path(t, "osm/saint-barthelemy-2014.osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	flipped := slices.Clone(data)
	for i := len(data) / 2; i < len(data)/2+64; i++ {
		flipped[i] ^= 0x5a
	}
	tests := map[string][]byte{
		"empty":     nil,
		"truncated": data[:len(data)/2],
		"header":    data[:200],
		"corrupt":   flipped,
		"garbage":   bytes.Repeat([]byte("not a pbf "), 100),
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			g, _, err := ReadPBF(context.Background(), bytes.NewReader(in), Options{})
			if !errors.Is(err, ErrBadPBF) || g != nil {
				t.Errorf("err = %v, want ErrBadPBF", err)
			}
		})
	}
}

func FuzzReadPBF(f *testing.F) {
	data, err := os.ReadFile(shareddata.Path(f, "osm/saint-barthelemy-2014.osm.pbf"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data[:4000])
	f.Add([]byte{0, 0, 0, 13, 10, 9, 'O', 'S', 'M', 'H', 'e', 'a', 'd', 'e', 'r'})
	f.Fuzz(func(t *testing.T, in []byte) {
		g, _, err := ReadPBF(context.Background(), bytes.NewReader(in), Options{})
		if err == nil && g.NumNodes() == 0 {
			t.Fatal("an empty graph without error")
		}
	})
}

// TestRouteRealFile is the `maillage route --osm` path on a real file (a
// walk in central Paris: the PBF read, an engine without demand points, one
// route), and the errors for points elsewhere.
func TestRouteRealFile(t *testing.T) {
	p := shareddata.Path(t, "osm/paris-3e-10e-11e-clipped.osm.pbf")
	// Place de la République to the Bataclan area, ≈ 900 m apart.
	from, to := orb.Point{2.3636, 48.8675}, orb.Point{2.3707, 48.8631}
	walk, _ := travel.DefaultModes().Get("walk")
	pg, _, err := ReadPBFFile(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(pg, walk, nil, EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Route(from, to)
	if err != nil {
		t.Fatal(err)
	}
	d := geo.Distance(from, to)
	if r.Meters < d || r.Meters > 1.6*d || math.Abs(r.Seconds-r.Meters/(4.5/3.6)) > 0.1*r.Seconds {
		t.Errorf("walk %.0f m in %.0f s for %.0f m crow-fly", r.Meters, r.Seconds, d)
	}
	bordeaux := orb.Point{-0.5792, 44.8378}
	if _, err := e.Route(bordeaux, to); !errors.Is(err, travel.ErrOffNetwork) {
		t.Errorf("from Bordeaux: %v, want ErrOffNetwork", err)
	}
	g := cachedExtract(t, "paris-3e-10e-11e-clipped")
	if _, err := NewEngine(g, walk, []orb.Point{bordeaux}, EngineOptions{}); !errors.Is(err, ErrNoOverlap) {
		t.Errorf("Bordeaux cells on the Paris graph: %v, want ErrNoOverlap", err)
	}
}
