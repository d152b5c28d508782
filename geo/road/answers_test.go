package road_test

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/maillage/maillage/data/demo"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/geo/travel"
	"github.com/maillage/maillage/internal/shareddata"
	"github.com/paulmach/orb"
)

var updateAnswers = flag.Bool("update-answers", false, "rewrite testdata/answers.json from the current engine")

// answers are the travel figures of one network: routes between seeded
// random points of the graph's bounding box and near its nodes, and catchments and nearest
// times over seeded random demand points. testdata/answers.json was written
// by the engine as it was before the two-pass reader (commit f9ca49b, one
// pass, every node held in memory, a node-level graph), so this test shows that rewrites of the
// reader and of the graph's layout give the same answers.
type answers struct {
	Routes     []routeAnswer `json:"routes"`
	Catchments []catchAnswer `json:"catchments"`
	Nearest    catchAnswer   `json:"nearest"`
}

type routeAnswer struct {
	Seconds float64 `json:"seconds"` // -1: off network or no route
	Meters  float64 `json:"meters"`
}

type catchAnswer struct {
	Points  int     `json:"points"`  // demand points reached
	Seconds float64 `json:"seconds"` // sum of their times
}

// answerSets names the networks checked: the French extracts, Porto and
// the demo territory's generated roads.
var answerSets = []string{"saint-brieuc-loudeac-22", "monaco-and-french-neighbours", "paris-3e-10e-11e-clipped", "porto-portugal", "demo"}

func answerGraph(t *testing.T, name string) *road.Graph {
	t.Helper()
	if name == "demo" {
		_, o, err := demo.Territory(demo.DefaultSeed)
		if err != nil {
			t.Fatal(err)
		}
		g, _, err := road.FromOSM(o, road.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	g, _, err := road.ReadPBFFile(context.Background(), shareddata.Path(t, "osm/"+name+".osm.pbf"), road.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func computeAnswers(t *testing.T, g *road.Graph, modeName string) answers {
	mode, err := travel.DefaultModes().Get(modeName)
	if err != nil {
		t.Fatal(err)
	}
	b := g.Bound()
	rng := rand.New(rand.NewPCG(15, uint64(len(modeName))))
	// The graph's node positions, sorted: the sample does not depend on
	// how a layout numbers them.
	nodes := make([]orb.Point, g.NumNodes())
	for v := range nodes {
		nodes[v] = g.Node(v)
	}
	slices.SortFunc(nodes, func(p, q orb.Point) int {
		if c := cmp.Compare(p[0], q[0]); c != 0 {
			return c
		}
		return cmp.Compare(p[1], q[1])
	})
	// Points within about 300 m of a random road node, so that sparse
	// extracts (a corridor in a wide box) are sampled too.
	pt := func() orb.Point {
		if rng.IntN(4) == 0 {
			return orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		}
		p := nodes[rng.IntN(len(nodes))]
		return orb.Point{p[0] + 0.008*(rng.Float64()-0.5), p[1] + 0.006*(rng.Float64()-0.5)}
	}
	demand := make([]orb.Point, 3000)
	for i := range demand {
		demand[i] = pt()
	}
	e, err := road.NewEngine(g, mode, demand, road.EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var a answers
	for range 60 {
		r, err := e.Route(pt(), pt())
		if err != nil {
			a.Routes = append(a.Routes, routeAnswer{-1, 0})
			continue
		}
		a.Routes = append(a.Routes, routeAnswer{r.Seconds, r.Meters})
	}
	var places []orb.Point
	for range 8 {
		p := pt()
		places = append(places, p)
		var c catchAnswer
		e.Reach(p, 10*60, func(_ int32, s float32) {
			c.Points++
			c.Seconds += float64(s)
		})
		a.Catchments = append(a.Catchments, c)
	}
	for _, s := range e.Nearest(places, 15*60) {
		if !math.IsInf(float64(s), 1) {
			a.Nearest.Points++
			a.Nearest.Seconds += float64(s)
		}
	}
	return a
}

// TestSameAnswers compares routes (seconds and metres), catchments and
// nearest times with the figures of testdata/answers.json. Times are kept
// in integer milliseconds per arc (scaled by the mode's speed): they must
// agree to 1 ms per route and catchment sums to 1 ms per point; metres to
// 1 mm.
func TestSameAnswers(t *testing.T) {
	path := filepath.Join("testdata", "answers.json")
	got := map[string]answers{}
	for _, name := range answerSets {
		g := answerGraph(t, name)
		for _, m := range []string{"car", "walk"} {
			got[name+"/"+m] = computeAnswers(t, g, m)
		}
	}
	if *updateAnswers {
		b, err := json.MarshalIndent(got, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]answers{}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(got) {
		t.Fatalf("%d answer sets, golden file has %d", len(got), len(want))
	}
	totalRouted := 0
	defer func() {
		// Saint-Brieuc's car network is tiny (530 arcs): most of its
		// pairs have no route; elsewhere most have one.
		if totalRouted < 400 {
			t.Errorf("only %d of %d golden routes found", totalRouted, 60*len(want))
		}
	}()
	for k, w := range want {
		g := got[k]
		routed := 0
		for i, r := range w.Routes {
			if r.Seconds >= 0 {
				routed++
			}
			if math.Abs(g.Routes[i].Seconds-r.Seconds) > 1e-3 || math.Abs(g.Routes[i].Meters-r.Meters) > 1e-3 {
				t.Errorf("%s route %d: %.4f s %.4f m, want %.4f s %.4f m", k, i, g.Routes[i].Seconds, g.Routes[i].Meters, r.Seconds, r.Meters)
			}
		}
		totalRouted += routed
		check := func(what string, g, w catchAnswer) {
			if g.Points != w.Points || math.Abs(g.Seconds-w.Seconds) > 1e-3*float64(w.Points)+1e-6 {
				t.Errorf("%s %s: %d points %.3f s, want %d points %.3f s", k, what, g.Points, g.Seconds, w.Points, w.Seconds)
			}
		}
		for i := range w.Catchments {
			check(fmt.Sprintf("catchment %d", i), g.Catchments[i], w.Catchments[i])
		}
		check("nearest", g.Nearest, w.Nearest)
	}
}
