package data

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/internal/shareddata"
	"github.com/uber/h3-go/v4"
)

// gridSynthFrance writes a synthetic Filosofi 2019-style CSV of n 200 m
// squares (seeded). Clustered: over metropolitan France's EPSG:3035 extent,
// 80 % of the squares cluster around 5,000 towns of Pareto-distributed size,
// the rest are scattered. Filled: a square block centred on France, written
// column by column (so the spreader must sort it). Communes are 5 km blocks;
// bands sum to Ind.
func gridSynthFrance(w io.Writer, n int, seed uint64, clustered bool) error {
	rng := rand.New(rand.NewPCG(seed, 3035))
	const (
		e0, e1 = 3_250_000, 4_300_000 // metropolitan France (without Corsica) in LAEA, metres
		n0, n1 = 2_080_000, 3_130_000
	)
	type town struct{ e, n, r float64 }
	towns := make([]town, 5000)
	cum := make([]float64, len(towns))
	total := 0.0
	for i := range towns {
		wgt := math.Pow(1-rng.Float64(), -1/1.1) // Pareto, α = 1.1
		wgt = min(wgt, 2000)
		towns[i] = town{e0 + rng.Float64()*(e1-e0), n0 + rng.Float64()*(n1-n0), 400 * math.Sqrt(wgt)}
		total += wgt
		cum[i] = total
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("idcar_200m,lcog_geo,ind,men,men_pauv,men_1ind,ind_0_3,ind_4_5,ind_6_10,ind_11_17,ind_18_24,ind_25_39,ind_40_54,ind_55_64,ind_65_79,ind_80p,ind_inc\n")
	seen := make(map[[2]int32]struct{}, n)
	var bands [11]float64
	side := int(math.Ceil(math.Sqrt(float64(n))))
	for i := 0; len(seen) < n; i++ {
		var e, nn float64
		switch {
		case !clustered:
			e, nn = float64(3_600_000+200*(i/side)), float64(2_450_000+200*(i%side))
		case rng.Float64() < 0.8:
			x := rng.Float64() * total
			lo, hi := 0, len(cum)-1
			for lo < hi {
				mid := (lo + hi) / 2
				if cum[mid] < x {
					lo = mid + 1
				} else {
					hi = mid
				}
			}
			t := towns[lo]
			e, nn = t.e+rng.NormFloat64()*t.r, t.n+rng.NormFloat64()*t.r
		default:
			e, nn = e0+rng.Float64()*(e1-e0), n0+rng.Float64()*(n1-n0)
		}
		key := [2]int32{int32(math.Floor(e / 200)), int32(math.Floor(nn / 200))}
		if _, ok := seen[key]; ok || e < 2_000_000 || nn < 1_500_000 {
			continue
		}
		seen[key] = struct{}{}
		ind := math.Round(math.Exp(rng.NormFloat64()*1.2+3)*10) / 10
		sum := 0.0
		for i := range bands {
			bands[i] = rng.Float64()
			sum += bands[i]
		}
		commune := fmt.Sprintf("%02d%03d", 1+int(key[1])/25%95, int(key[0])/25%1000)
		fmt.Fprintf(bw, "CRS3035RES200mN%dE%d,%s,%g,%g,%g,%g", key[1]*200, key[0]*200, commune,
			ind, math.Round(ind/2.2*10)/10, math.Round(ind/30*10)/10, math.Round(ind/8*10)/10)
		left := ind
		for i := range bands {
			v := ind * bands[i] / sum
			if i == len(bands)-1 {
				v = left
			}
			left -= v
			bw.WriteString(",")
			bw.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
		bw.WriteString("\n")
	}
	return bw.Flush()
}

// gridCPUTime returns the process's user + system CPU time. On this shared
// machine it is a steadier measure than wall time.
func gridCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// gridMinorFaults returns the process's minor page faults so far: each is
// the first touch of a fresh page (4 KiB), which costs this VM about 12 µs.
func gridMinorFaults() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Minflt
}

// gridVmHWM returns the process's peak resident memory (VmHWM), in MiB, or
// NaN where /proc is missing.
func gridVmHWM() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return math.NaN()
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return math.NaN()
}

// BenchmarkNationalIngest reads a synthetic France-sized grid (2.3 million
// 200 m squares, as a CSV file generated before the timer; a filled block, then a clustered
// France, see gridSynthFrance) and moves it onto H3 resolution 9 with
// BuildCells. In the same run it times one h3.LatLngToCell per square (the
// square's centre, inverse-projected) and reports the ratio, in wall time
// (x-one-call) and CPU time (x-one-call-cpu), and the output's floor: the
// CPU of making and first writing cells and parts of the sizes returned
// (x-output-floor-cpu; on these VMs fresh memory costs ~3 s per GiB).
// epsg3035-share is the share of squares spread the EPSG:3035 way (near an
// icosahedron face edge), h3-calls/square the calls into the H3 library.
// MAILLAGE_BENCH_SQUARES=n sets another number of squares. Run it alone:
//
//	go test ./data -run '^$' -bench NationalIngest -benchtime 1x
func BenchmarkNationalIngest(b *testing.B) {
	nSquares := 2_300_000
	if v, err := strconv.Atoi(os.Getenv("MAILLAGE_BENCH_SQUARES")); err == nil && v > 0 {
		nSquares = v // a smaller run, for profiling
	}
	for _, clustered := range []bool{false, true} {
		name := "filled"
		if clustered {
			name = "clustered"
		}
		b.Run(name, func(b *testing.B) { gridBenchIngest(b, nSquares, clustered) })
	}
}

func gridBenchIngest(b *testing.B, nSquares int, clustered bool) {
	b.ReportAllocs()
	var read, build, single time.Duration
	var buildCPU, singleCPU time.Duration
	var buildFaults, outFaults int64
	var outCPU time.Duration
	var hwmBuild float64
	var cells, parts int
	var squares []Square
	// Generate the CSV text before any timing: the benchmark times reading
	// a file, not making one.
	path := filepath.Join(b.TempDir(), "synthetic-france.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := gridSynthFrance(f, nSquares, 1, clustered); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		t0 := time.Now()
		g, err := ReadGrid(path)
		if err != nil {
			b.Fatal(err)
		}
		read += time.Since(t0)
		squares = g.Squares
		if len(squares) != nSquares {
			b.Fatalf("%d squares", len(squares))
		}

		t0, c0, f0 := time.Now(), gridCPUTime(), gridMinorFaults()
		c, p, _, err := BuildCells(squares, geo.DefaultResolution)
		if err != nil {
			b.Fatal(err)
		}
		build += time.Since(t0)
		buildCPU += gridCPUTime() - c0
		buildFaults += gridMinorFaults() - f0
		hwmBuild = max(hwmBuild, gridVmHWM()) // before the floor below allocates
		cells, parts = len(c), len(p)
		var want, got float64
		for _, q := range squares {
			want += q.Pop[maillage.Ind]
		}
		for _, x := range c {
			got += x.Pop[maillage.Ind]
		}
		if math.Abs(got-want) > 1e-9*want {
			b.Fatalf("Ind %v after, %v before", got, want)
		}

		t0, c0 = time.Now(), gridCPUTime()
		for _, q := range squares {
			ll := geo.ToLatLng(geo.FromLAEA([2]float64{float64(q.E) + 100, float64(q.N) + 100}))
			if _, err := h3.LatLngToCell(ll, geo.DefaultResolution); err != nil {
				b.Fatal(err)
			}
		}
		single += time.Since(t0)
		singleCPU += gridCPUTime() - c0

		// The floor the output sets: making and first writing cells and
		// parts of the sizes BuildCells returned (fresh memory, which this
		// VM faults in at ~3 s per GiB).
		c0, f0 = gridCPUTime(), gridMinorFaults()
		oc, op := make([]maillage.Cell, cells), make([]maillage.Part, parts)
		for i := range oc {
			oc[i].PartStart = int32(i)
		}
		for i := range op {
			op[i].Cell = int32(i)
		}
		outCPU += gridCPUTime() - c0
		outFaults += gridMinorFaults() - f0
		runtime.KeepAlive(oc)
		runtime.KeepAlive(op)
	}
	// How the squares were spread, and the H3 calls made (untimed: a
	// second pass).
	sp, _ := geo.NewSpreader(geo.DefaultResolution)
	gs := make([]geo.Square, len(squares))
	for i, q := range squares {
		gs[i] = q.GeoSquare()
	}
	if err := sp.Spread(gs, func(int, int32, float64) {}); err != nil {
		b.Fatal(err)
	}
	st := sp.Stats()
	sq := float64(st.Squares)
	b.ReportMetric(float64(st.Whole)/sq, "whole-share")
	b.ReportMetric(float64(st.Fallback)/sq, "epsg3035-share") // near a face edge
	b.ReportMetric(float64(st.Corners+st.Probes+st.Boundaries+st.Neighbours+st.Asked)/sq, "h3-calls/square")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	n := float64(b.N * nSquares)
	b.ReportMetric(float64(build.Nanoseconds())/1e3/n, "µs/square")
	b.ReportMetric(float64(single.Nanoseconds())/1e3/n, "µs/LatLngToCell")
	b.ReportMetric(float64(build)/float64(single), "x-one-call")
	b.ReportMetric(float64(buildCPU)/float64(singleCPU), "x-one-call-cpu")
	b.ReportMetric(float64(outCPU)/float64(singleCPU), "x-output-floor-cpu")
	b.ReportMetric(float64(buildCPU-outCPU)/float64(singleCPU), "x-one-call-cpu-beyond-output")
	b.ReportMetric(float64(outFaults)*float64(os.Getpagesize())/(1<<20)/float64(b.N), "MiB-faulted-output-floor")
	b.ReportMetric(read.Seconds()/float64(b.N), "s-read")
	b.ReportMetric(build.Seconds()/float64(b.N), "s-build")
	b.ReportMetric((read+build).Seconds()/float64(b.N), "s-ingest")
	b.ReportMetric(float64(cells), "cells")
	b.ReportMetric(float64(parts), "parts")
	b.ReportMetric(hwmBuild, "MiB-VmHWM") // the process's peak after reading and building
	// Fresh memory BuildCells touched (minor page faults × page size): 3-4 s
	// per GiB on this VM, so it weighs on s-build as much as the arithmetic.
	b.ReportMetric(float64(buildFaults)*float64(os.Getpagesize())/(1<<20)/float64(b.N), "MiB-faulted-build")
	b.ReportMetric(float64(ms.Sys)/(1<<20), "MiB-Sys")
	runtime.KeepAlive(squares)
}

// BenchmarkBordeauxIngest moves the real Bordeaux Métropole 200 m grid
// (6,735 squares, ../shared/data) onto H3 resolution 9 with BuildCells, 50
// times, and in the same run times one h3.LatLngToCell per square, 50 times:
// the ratio on real data.
//
//	go test ./data -run '^$' -bench BordeauxIngest -benchtime 5x
func BenchmarkBordeauxIngest(b *testing.B) {
	g, err := ReadGrid(shareddata.Path(b, grid200))
	if err != nil {
		b.Fatal(err)
	}
	const reps = 50
	var build, single, buildCPU, singleCPU time.Duration
	cells := 0
	for b.Loop() {
		t0, c0 := time.Now(), gridCPUTime()
		for range reps {
			c, _, _, err := BuildCells(g.Squares, geo.DefaultResolution)
			if err != nil {
				b.Fatal(err)
			}
			cells = len(c)
		}
		build += time.Since(t0)
		buildCPU += gridCPUTime() - c0
		t0, c0 = time.Now(), gridCPUTime()
		for range reps {
			for _, q := range g.Squares {
				ll := geo.ToLatLng(geo.FromLAEA([2]float64{float64(q.E) + float64(q.Size)/2, float64(q.N) + float64(q.Size)/2}))
				if _, err := h3.LatLngToCell(ll, geo.DefaultResolution); err != nil {
					b.Fatal(err)
				}
			}
		}
		single += time.Since(t0)
		singleCPU += gridCPUTime() - c0
	}
	n := float64(b.N * reps * len(g.Squares))
	b.ReportMetric(float64(build.Nanoseconds())/1e3/n, "µs/square")
	b.ReportMetric(float64(single.Nanoseconds())/1e3/n, "µs/LatLngToCell")
	b.ReportMetric(float64(build)/float64(single), "x-one-call")
	b.ReportMetric(float64(buildCPU)/float64(singleCPU), "x-one-call-cpu")
	b.ReportMetric(float64(cells)/float64(len(g.Squares)), "cells/square")
}
