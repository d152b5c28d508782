package road

import (
	"container/heap"
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/maillage/maillage/geo/travel"
	"github.com/maillage/maillage/internal/shareddata"
	"github.com/paulmach/orb"
)

// fixtures built once per test binary for the benchmarks.
type fixtures struct {
	synthOnce sync.Once
	synth     *Graph
	portoOnce sync.Once
	porto     *Graph
	portoErr  error
}

var fx fixtures

func synthetic1M(b *testing.B) *Graph {
	fx.synthOnce.Do(func() { fx.synth = Synthetic(1_000_000, 1) })
	return fx.synth
}

func portoGraph(b *testing.B) *Graph {
	p := shareddata.Path(b, "osm/porto-portugal.osm.pbf")
	fx.portoOnce.Do(func() { fx.porto, _, fx.portoErr = ReadPBFFile(context.Background(), p, Options{}) })
	if fx.portoErr != nil {
		b.Fatal(fx.portoErr)
	}
	return fx.porto
}

func carMode(tb testing.TB) travel.Mode {
	m, err := travel.DefaultModes().Get("car")
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// nodePoints returns the positions of every node of g.
func nodePoints(g *Graph) []orb.Point {
	pts := make([]orb.Point, g.NumNodes())
	for v := range pts {
		pts[v] = g.Node(v)
	}
	return pts
}

// randomPoints returns k random positions of nodes of g with car arcs.
func randomPoints(g *Graph, k int, seed uint64) []orb.Point {
	rng := rand.New(rand.NewPCG(seed, 7))
	net := g.net("car")
	out := make([]orb.Point, 0, k)
	for len(out) < k {
		v := rng.IntN(g.NumNodes())
		if hasOut(g, net, v) {
			out = append(out, g.Node(v))
		}
	}
	return out
}

// baseline is the straightforward Dijkstra one writes first: adjacency
// lists of structs, float64 seconds, container/heap with lazy deletion.
type baseline struct {
	adj [][]baseArc
}

type baseArc struct {
	to int
	s  float64
}

type baseItem struct {
	v int
	d float64
}

type baseHeap []baseItem

func (h baseHeap) Len() int           { return len(h) }
func (h baseHeap) Less(i, j int) bool { return h[i].d < h[j].d }
func (h baseHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *baseHeap) Push(x any)        { *h = append(*h, x.(baseItem)) }
func (h *baseHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// hasOut reports whether node v has an arc of net leaving it.
func hasOut(g *Graph, net *network, v int) bool {
	if v >= g.NumJunctions() {
		ed, _ := g.nodeEdge(v)
		return net.open(ed)
	}
	for _, a := range g.adj[g.adjFirst[v]:g.adjFirst[v+1]] {
		if net.cost[a.code] != unreached {
			return true
		}
	}
	return false
}

// newBaseline expands the edges of the engine's network into every
// node-to-node arc (segment costs in milliseconds, as the build rounds
// them), reversed when the engine times trips to the places, so that the
// baseline searches the node-level graph the edges stand for.
func newBaseline(e *Engine) *baseline {
	g, net, p := e.g, e.net, e.netIndex()
	b := &baseline{adj: make([][]baseArc, g.NumNodes())}
	add := func(u, v int, c uint32) {
		if e.flip == 1 {
			u, v = v, u
		}
		b.adj[u] = append(b.adj[u], baseArc{v, float64(c) * e.scale})
	}
	for ed := range g.ea {
		var nodes []int
		g.edgeNodes(uint32(ed), func(v int) { nodes = append(nodes, v) })
		f, r := g.speeds(uint32(ed), p)
		if net.cost[2*ed] != unreached {
			g.segCosts(uint32(ed), f, func(i int, c uint32) { add(nodes[i], nodes[i+1], c) })
		}
		if net.cost[2*ed+1] != unreached {
			g.segCosts(uint32(ed), r, func(i int, c uint32) { add(nodes[i+1], nodes[i], c) })
		}
	}
	return b
}

// nearest returns the distance from the nearest source to every node.
func (b *baseline) nearest(sources []int, seeds []float64, max float64) []float64 {
	dist := make([]float64, len(b.adj))
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	h := &baseHeap{}
	for i, s := range sources {
		if seeds[i] < dist[s] {
			dist[s] = seeds[i]
			heap.Push(h, baseItem{s, seeds[i]})
		}
	}
	for h.Len() > 0 {
		it := heap.Pop(h).(baseItem)
		if it.d > dist[it.v] || it.d > max {
			continue
		}
		for _, a := range b.adj[it.v] {
			if d := it.d + a.s; d < dist[a.to] && d <= max {
				dist[a.to] = d
				heap.Push(h, baseItem{a.to, d})
			}
		}
	}
	return dist
}

// BenchmarkMultiSource1M times one multi-source search (200 sources,
// unbounded) over the synthetic 1-million-node graph by car, against the
// container/heap baseline on the same graph and sources, in the same run.
func BenchmarkMultiSource1M(b *testing.B) {
	g := synthetic1M(b)
	benchMultiSource(b, g, 200, math.Inf(1))
}

func benchMultiSource(b *testing.B, g *Graph, k int, max float64) {
	e, err := NewEngine(g, carMode(b), nodePoints(g), EngineOptions{})
	if err != nil {
		b.Fatal(err)
	}
	sources := randomPoints(g, k, 1)
	out := make([]float32, g.NumNodes())
	base := newBaseline(e)
	var srcNodes []int
	var seeds []float64
	for _, p := range sources {
		sn, err := e.Snap(p)
		if err != nil {
			b.Fatal(err)
		}
		srcNodes = append(srcNodes, sn.Node)
		seeds = append(seeds, float64(e.units(sn.Seconds))*e.scale)
	}
	b.ReportAllocs()
	b.ResetTimer()
	s0 := e.Settled()
	t0, c0 := time.Now(), cpuTime()
	for range b.N {
		e.NearestInto(out, sources, max)
	}
	fast, fastCPU := time.Since(t0), cpuTime()-c0
	settled := e.Settled() - s0
	b.StopTimer()
	t1, c1 := time.Now(), cpuTime()
	var ref []float64
	for range b.N {
		ref = base.nearest(srcNodes, seeds, max)
	}
	slow, slowCPU := time.Since(t1), cpuTime()-c1
	for i, u := range e.ptNode { // both must agree (to rounding of the units)
		if u < 0 || math.IsInf(ref[u], 1) {
			continue
		}
		want := ref[u] + float64(e.ptAccess[i])*e.scale
		if d := math.Abs(float64(out[i]) - want); d > 0.05 {
			b.Fatalf("point %d at node %d: fast %v baseline %v", i, u, out[i], want)
		}
	}
	b.ReportMetric(float64(fast.Nanoseconds())/float64(settled), "ns/labelled-node")
	b.ReportMetric(float64(settled)/float64(b.N), "labelled/op")
	b.ReportMetric(float64(fastCPU.Nanoseconds())/float64(settled), "cpu-ns/labelled-node")
	b.ReportMetric(fastCPU.Seconds()*1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(slow)/float64(fast), "x-faster-than-container/heap")
	b.ReportMetric(float64(slowCPU)/float64(fastCPU), "x-faster-cpu")
}

// BenchmarkCatchments20k times 15-minute car catchments from 20,000 random
// places over the synthetic 1-million-node graph (demand points: every
// node) on every core.
func BenchmarkCatchments20k(b *testing.B) {
	g := synthetic1M(b)
	benchCatchments(b, g, 20_000)
}

func benchCatchments(b *testing.B, g *Graph, places int) {
	e, err := NewEngine(g, carMode(b), nodePoints(g), EngineOptions{})
	if err != nil {
		b.Fatal(err)
	}
	ps := randomPoints(g, places, 2)
	workers := runtime.GOMAXPROCS(0)
	b.ReportAllocs()
	b.ResetTimer()
	s0 := e.Settled()
	var reached [64]int64
	c0 := cpuTime()
	for range b.N {
		e.ReachMany(ps, 15*60, workers, func(place int, _ int32, _ float32) { reached[place%64]++ })
	}
	b.StopTimer()
	cpu := cpuTime() - c0
	var total int64
	for _, r := range reached {
		total += r
	}
	el := b.Elapsed()
	b.ReportMetric(el.Seconds()/float64(b.N), "s/all-places")
	b.ReportMetric(float64(el.Microseconds())/float64(b.N*places), "µs/place")
	b.ReportMetric(float64(total)/float64(b.N*places), "points/place")
	b.ReportMetric(float64(e.Settled()-s0)/float64(b.N*places), "labelled/place")
	b.ReportMetric(float64(workers), "workers")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/all-places")
	b.ReportMetric(cpu.Seconds()/float64(b.N*workers), "cpu-s/all-places/core")
}

// BenchmarkPortoBuild times reading and building the Porto graph from its
// PBF (3.2 MB).
func BenchmarkPortoBuild(b *testing.B) {
	p := shareddata.Path(b, "osm/porto-portugal.osm.pbf")
	b.ReportAllocs()
	var bytes int64
	var g *Graph
	c0 := cpuTime()
	for range b.N {
		var st *Stats
		var err error
		g, st, err = ReadPBFFile(context.Background(), p, Options{})
		if err != nil {
			b.Fatal(err)
		}
		bytes += st.Bytes
	}
	b.StopTimer()
	cpu := cpuTime() - c0
	b.ReportMetric(float64(bytes)/1e6/b.Elapsed().Seconds(), "MB/s")
	b.ReportMetric(float64(bytes)/1e6/cpu.Seconds(), "MB/cpu-s")
	b.ReportMetric(float64(g.MemoryBytes())/1e6, "graph-MB")
	enc, _ := g.MarshalBinary()
	b.ReportMetric(float64(len(enc))/1e6, "encoded-MB")
	t0 := time.Now()
	if _, err := UnmarshalGraph(enc); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(time.Since(t0).Milliseconds()), "decode-ms")
}

// BenchmarkPortoCatchments1000 times 1,000 catchments of 15 minutes by car
// on Porto (demand points: every node); the bar is 3 s.
func BenchmarkPortoCatchments1000(b *testing.B) {
	benchCatchments(b, portoGraph(b), 1000)
}

// BenchmarkPortoNearest200 times the time to the nearest of 200 places by
// car for every vertex of Porto; the bar is 20 ms.
func BenchmarkPortoNearest200(b *testing.B) {
	benchMultiSource(b, portoGraph(b), 200, math.Inf(1))
}

// BenchmarkPortoRoute times one-to-one car routes between random nodes of
// Porto; the bar is 5 ms.
func BenchmarkPortoRoute(b *testing.B) {
	g := portoGraph(b)
	e, err := NewEngine(g, carMode(b), nil, EngineOptions{})
	if err != nil {
		b.Fatal(err)
	}
	ps := randomPoints(g, 512, 3)
	t0 := time.Now()
	buildLandmarks(g, e.net)
	lmTime := time.Since(t0)
	defer func() { b.ReportMetric(float64(lmTime.Milliseconds()), "landmarks-build-ms") }()
	b.ReportAllocs()
	b.ResetTimer()
	s0 := e.Settled()
	c0 := cpuTime()
	defer func() { b.ReportMetric(float64((cpuTime()-c0).Microseconds())/1000/float64(b.N), "cpu-ms/route") }()
	for i := range b.N {
		if _, err := e.Route(ps[i%512], ps[(i*7+1)%512]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(e.Settled()-s0)/float64(b.N), "labelled/op")
}

// cpuTime returns the CPU time used by the process so far: on this shared
// machine, wall-clock times depend on the other processes; CPU time (user +
// system, all threads) is what a dedicated machine would spend.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
