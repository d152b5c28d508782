package road_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/internal/osmgen"
	"github.com/maillage/maillage/internal/shareddata"
)

// The scale benchmarks measure a build's peak memory in a child process
// (this test binary run again with MAILLAGE_ROAD_MEASURE set, so that the
// parent's own heap does not count): the child runs TestMeasureChild, which
// builds (or loads) and prints its figures with its peak resident set
// (VmHWM of /proc/self/status). The parent also reads the child's rusage
// maxrss, but on Linux that figure can include the parent's own resident
// set at the fork (Go starts children with vfork), so the peak reported is
// the child's VmHWM.

// measure is what the child reports.
type measure struct {
	Seconds   float64 `json:"seconds"`
	CPU       float64 `json:"cpu_seconds"`
	VmHWM     int64   `json:"vmhwm_bytes"`
	Nodes     int     `json:"nodes"`
	NodesRead int     `json:"nodes_read"`
	Arcs      int     `json:"arcs"` // over all networks
	Junctions int     `json:"junctions"`
	Edges     int     `json:"edges"`
	Graph     int     `json:"graph_bytes"`
	Encoded   int     `json:"encoded_bytes"`
	File      int64   `json:"file_bytes"`
	MaxRSS    int64   `json:"-"` // filled by the parent
}

// TestMeasureChild is the child side of the scale benchmarks; it skips
// unless MAILLAGE_ROAD_MEASURE is set ("build PBF [OUT]" or "load
// TERRITORY").
func TestMeasureChild(t *testing.T) {
	spec := os.Getenv("MAILLAGE_ROAD_MEASURE")
	if spec == "" {
		t.Skip("the child process of the scale benchmarks")
	}
	args := strings.Fields(spec)
	var m measure
	t0, c0 := time.Now(), cpuSeconds()
	var g *road.Graph
	switch args[0] {
	case "build":
		var st *road.Stats
		var err error
		g, st, err = road.ReadPBFFile(context.Background(), args[1], road.Options{})
		if err != nil {
			t.Fatal(err)
		}
		m.NodesRead = st.NodesRead
		m.Seconds, m.CPU = time.Since(t0).Seconds(), cpuSeconds()-c0
		fi, _ := os.Stat(args[1])
		m.File = fi.Size()
		enc, err := g.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		m.Encoded = len(enc)
		if len(args) > 2 {
			terr := &maillage.Territory{Name: "synthétique", Roads: enc}
			if err := data.WriteTerritoryFile(args[2], terr, data.TerritoryFileOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	case "load":
		terr, err := data.ReadTerritoryFile(args[1])
		if err != nil {
			t.Fatal(err)
		}
		if g, err = road.UnmarshalGraph(terr.Roads); err != nil {
			t.Fatal(err)
		}
		m.Seconds, m.CPU = time.Since(t0).Seconds(), cpuSeconds()-c0
		m.Encoded = len(terr.Roads)
	default:
		t.Fatalf("MAILLAGE_ROAD_MEASURE=%q", spec)
	}
	m.Nodes = g.NumNodes()
	m.Junctions, m.Edges = g.NumJunctions(), g.NumEdges()
	for _, n := range g.Networks() {
		m.Arcs += g.NumArcs(n)
	}
	m.Graph = g.MemoryBytes()
	m.VmHWM = vmHWM()
	b, _ := json.Marshal(m)
	fmt.Printf("MEASURE %s\n", b)
}

// runChild runs the child with spec and returns its figures.
func runChild(tb testing.TB, spec string) measure {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMeasureChild$", "-test.v")
	cmd.Env = append(os.Environ(), "MAILLAGE_ROAD_MEASURE="+spec, "GOMAXPROCS=2")
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("child %q: %v\n%s", spec, err, out)
	}
	var m measure
	found := false
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MEASURE "); ok {
			if err := json.Unmarshal([]byte(rest), &m); err != nil {
				tb.Fatal(err)
			}
			found = true
		}
	}
	if !found {
		tb.Fatalf("child %q printed no figures:\n%s", spec, out)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.MaxRSS = ru.Maxrss << 10 // KiB on Linux
	}
	return m
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// vmHWM returns the peak resident set of this process, /proc/self/status.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

func report(b *testing.B, m measure, build bool) {
	b.ReportMetric(float64(m.VmHWM)/1e6, "peak-RSS-MB")
	b.ReportMetric(m.Seconds, "s")
	b.ReportMetric(m.CPU, "cpu-s")
	if build {
		b.ReportMetric(float64(m.NodesRead)/1e6, "M-nodes-read")
		b.ReportMetric(float64(m.File)/1e6, "PBF-MB")
		b.ReportMetric(float64(m.VmHWM)/float64(m.File), "peak-RSS/PBF-byte")
		b.ReportMetric(float64(m.VmHWM)/float64(m.NodesRead), "peak-RSS-B/node-read")
	}
	b.ReportMetric(float64(m.Nodes), "graph-nodes")
	b.ReportMetric(float64(m.Arcs), "arcs")
	b.ReportMetric(float64(m.Graph)/float64(m.Nodes), "graph-B/node")
	b.ReportMetric(float64(m.Junctions), "junctions")
	b.ReportMetric(float64(m.Edges), "edges")
	b.ReportMetric(float64(m.Encoded)/1e6, "encoded-MB")
}

// BenchmarkPortoPeakRSS builds Porto's graph (3.2 MB of roads only) in a
// child process and reports its peak resident memory; the bar is 60 MB.
func BenchmarkPortoPeakRSS(b *testing.B) {
	p := shareddata.Path(b, "osm/porto-portugal.osm.pbf")
	for range b.N {
		report(b, runChild(b, "build "+p), true)
	}
}

// benchSynthetic generates a synthetic extract of about nodes nodes
// (osmgen: 60 % unroutable), builds it in a child process, writes it in a
// territory file, loads that in another child, and reports both. The files
// go to a temporary directory removed afterwards.
func benchSynthetic(b *testing.B, nodes int) {
	osmium := osmgen.Osmium(b)
	dir := b.TempDir()
	pbf := filepath.Join(dir, "synthetic.osm.pbf")
	t0 := time.Now()
	st, err := osmgen.WritePBF(context.Background(), osmium, pbf, osmgen.Options{Nodes: nodes, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %+v in %v", st, time.Since(t0).Round(time.Second))
	terr := filepath.Join(dir, "synthetic.territory")
	b.ResetTimer()
	for range b.N {
		m := runChild(b, "build "+pbf+" "+terr)
		report(b, m, true)
		l := runChild(b, "load "+terr)
		b.ReportMetric(l.Seconds, "load-s")
		b.ReportMetric(float64(l.VmHWM)/1e6, "load-peak-RSS-MB")
		b.Logf("build: %+v", m)
		b.Logf("load: %+v", l)
	}
}

// BenchmarkSynthetic20M is a large département: about 20 M nodes, 8 M of
// them on roads. Bars: build peak RSS ≤ 2 GB and ≤ 60 s on 2 cores, load
// from the territory file ≤ 3 s. Needs osmium and about 1.5 GB of disk.
func BenchmarkSynthetic20M(b *testing.B) { benchSynthetic(b, 20_000_000) }

// BenchmarkSynthetic2M is the same at a tenth of the size.
func BenchmarkSynthetic2M(b *testing.B) { benchSynthetic(b, 2_000_000) }

// BenchmarkSynthetic100M is the national-scale check (about 100 M nodes,
// 40 M on roads; about 7 GB of disk while it runs). Run it alone, once:
// go test ./geo/road -run '^$' -bench Synthetic100M -benchtime 1x.
func BenchmarkSynthetic100M(b *testing.B) { benchSynthetic(b, 100_000_000) }
