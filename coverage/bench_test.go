package coverage

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/maillage/maillage"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// benchBox is a study area: cells and places are drawn in it.
type benchBox struct {
	lon0, lat0, lon1, lat1 float64
	towns                  int
}

var (
	// metropolitan France's bounding box (≈ 950 × 945 km, ≈ 900,000 km²)
	franceBox = benchBox{-4.5, 42.5, 8, 51, 600}
	// a département of ≈ 100 × 100 km (Gironde is 10,000 km²)
	departementBox = benchBox{-1.2, 44.4, 0.06, 45.3, 30}
)

// morton interleaves the bits of x and y (16 bits each): cells sorted by it
// are spatially coherent, like cells sorted by H3 index.
func morton(x, y uint32) uint64 {
	var k uint64
	for i := 0; i < 16; i++ {
		k |= uint64(x>>i&1)<<(2*i) | uint64(y>>i&1)<<(2*i+1)
	}
	return k
}

// cpuTime returns the CPU time (user + system) used by the process so far.
// On a shared machine it measures the work better than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchTerritory draws n cells (60 % uniform, 40 % around towns, σ ≈ 4 km),
// with random populations and one commune per 0.05° square, and m places
// (half at populated spots, half uniform; 80 % with known hours, 0-35 h a
// week). Cells have no parts (their Pop and Commune are used).
func benchTerritory(tb testing.TB, rng *rand.Rand, n, m int, box benchBox) *maillage.Territory {
	tb.Helper()
	w, h := box.lon1-box.lon0, box.lat1-box.lat0
	towns := make([]orb.Point, box.towns)
	for i := range towns {
		towns[i] = orb.Point{box.lon0 + w*rng.Float64(), box.lat0 + h*rng.Float64()}
	}
	draw := func() orb.Point {
		if rng.IntN(10) < 6 {
			return orb.Point{box.lon0 + w*rng.Float64(), box.lat0 + h*rng.Float64()}
		}
		c := towns[rng.IntN(len(towns))]
		return orb.Point{c[0] + 0.05*rng.NormFloat64(), c[1] + 0.036*rng.NormFloat64()}
	}
	type kc struct {
		k uint64
		p orb.Point
	}
	ks := make([]kc, n)
	for i := range ks {
		p := draw()
		ks[i] = kc{morton(uint32((p[0]+10)*3000), uint32((p[1]-35)*3000)), p}
	}
	slices.SortFunc(ks, func(a, b kc) int {
		switch {
		case a.k < b.k:
			return -1
		case a.k > b.k:
			return 1
		}
		return 0
	})
	t := &maillage.Territory{Name: "bench", Fictional: true, Resolution: 9, Cells: make([]maillage.Cell, n)}
	communes := map[[2]int]int32{}
	for i, e := range ks {
		key := [2]int{int(math.Floor(e.p[0] / 0.05)), int(math.Floor(e.p[1] / 0.05))}
		c, ok := communes[key]
		if !ok {
			c = int32(len(t.Communes))
			communes[key] = c
			t.Communes = append(t.Communes, maillage.Commune{Code: strconv.Itoa(10000 + int(c)), Name: "c"})
		}
		var pop maillage.Pop
		pop[maillage.Ind] = float64(rng.IntN(60))
		pop[maillage.Ind65_79] = pop[maillage.Ind] * 0.15
		pop[maillage.Ind80p] = pop[maillage.Ind] * 0.06
		t.Cells[i] = maillage.Cell{Center: e.p, Pop: pop, Commune: c}
	}
	for j := 0; j < m; j++ {
		p := orb.Point{box.lon0 + w*rng.Float64(), box.lat0 + h*rng.Float64()}
		if j%2 == 0 {
			c := t.Cells[rng.IntN(n)].Center
			p = orb.Point{c[0] + 0.002*rng.NormFloat64(), c[1] + 0.002*rng.NormFloat64()}
		}
		v := maillage.Venue{ID: "p" + strconv.Itoa(j), Point: p, Located: true, Services: maillage.ServiceDemarches}
		if rng.IntN(5) != 0 {
			v.Hours = week(float64(rng.IntN(36)))
		}
		t.Venues = append(t.Venues, v)
	}
	return t
}

// benchProfile: everyone, 20 min by car as the crow flies, E2SFCA.
func benchProfile() Profile {
	return Profile{Name: "bench-20min-car", Mode: builtinMode("car"), Engine: EngineCrowFly, MaxMinutes: 20, Decay: DecayE2SFCA}
}

// bruteForce checks every cell against each of the first k places with the
// haversine distance (on as many goroutines as the full computation) and
// returns the time it took, extrapolated to all the places.
func bruteForce(ter *maillage.Territory, p Profile, k int) time.Duration {
	v := p.Mode.SpeedKmh / 3.6 / p.Mode.Detour
	limit := p.MaxSeconds()
	w := runtime.GOMAXPROCS(0)
	t0 := time.Now()
	var wg sync.WaitGroup
	for g := 0; g < w; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			count := make([]int32, len(ter.Cells))
			nearest := make([]float32, len(ter.Cells))
			for j := g; j < k; j += w {
				pl := ter.Venues[j].Point
				for i := range ter.Cells {
					if t := geo.Distance(pl, ter.Cells[i].Center) / v; t <= limit {
						count[i]++
						nearest[i] = min(nearest[i], float32(t))
					}
				}
			}
		}()
	}
	wg.Wait()
	return time.Duration(float64(time.Since(t0)) * float64(len(ter.Venues)) / float64(k))
}

// incremental times ops one-place operations on s (cycling: add a place,
// change a place's hours, remove the added place) and returns the mean.
func incremental(tb testing.TB, s *State, rng *rand.Rand, ops int) time.Duration {
	tb.Helper()
	ter := s.Territory()
	var d time.Duration
	for k := 0; k < ops; k++ {
		t0 := time.Now()
		var err error
		switch k % 3 {
		case 0:
			c := ter.Cells[rng.IntN(len(ter.Cells))].Center
			_, err = s.Add(maillage.Venue{ID: "new" + strconv.Itoa(k), Point: c, Located: true, Hours: week(6), Services: maillage.ServiceDemarches})
		case 1:
			v := ter.Venues[rng.IntN(len(ter.Venues))]
			if _, ok := s.Index(v.ID); !ok {
				continue
			}
			v.Hours = week(float64(rng.IntN(30)))
			err = s.Update(v)
		case 2:
			err = s.Remove("new" + strconv.Itoa(k-2))
		}
		d += time.Since(t0)
		if err != nil {
			tb.Fatal(err)
		}
	}
	return d / time.Duration(ops)
}

// benchCoverage times full coverage (engine built, demand, catchments,
// counters, 2SFCA, summaries) with New, then in the same run estimates the
// brute force on a sample of places and times one-place incremental updates.
// Metrics:
//   - full-ms: wall time of New; full-cpu-ms: CPU time of the process during
//     New (user + system, all threads), which a shared machine distorts less;
//   - brute-est-s: checking every cell against every place (haversine), timed
//     on the first `sample` places on as many goroutines, extrapolated
//     linearly to all places; x-faster-than-brute = brute-est / full;
//   - incr-ms: mean of 300 one-place operations (add a place, change a
//     place's hours, remove the added place; the first removal also computes
//     the catchments' bounds, lazily); incr-x-faster = full / incr;
//   - cells/place: mean catchment size.
func benchCoverage(b *testing.B, cells, places int, box benchBox, sample int) {
	rng := rand.New(rand.NewPCG(42, uint64(cells)))
	ter := benchTerritory(b, rng, cells, places, box)
	p := benchProfile()
	var s *State
	var total time.Duration
	n := 0
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		t0 := time.Now()
		var err error
		s, err = New(ter, p, Options{})
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(t0)
		n++
	}
	b.StopTimer()
	cpu := (cpuTime() - cpu0) / time.Duration(n)
	full := total / time.Duration(n)
	hits := 0
	for j := range s.places {
		hits += len(s.Catchment(j))
	}
	brute := bruteForce(ter, p, sample)
	inc := incremental(b, s, rng, 300)
	b.ReportMetric(float64(full.Microseconds())/1000, "full-ms")
	b.ReportMetric(float64(cpu.Microseconds())/1000, "full-cpu-ms")
	b.ReportMetric(brute.Seconds(), "brute-est-s")
	b.ReportMetric(float64(brute)/float64(full), "x-faster-than-brute")
	b.ReportMetric(float64(inc.Microseconds())/1000, "incr-ms")
	b.ReportMetric(float64(full)/float64(inc), "incr-x-faster")
	b.ReportMetric(float64(hits)/float64(places), "cells/place")
}

// BenchmarkCoverageFrance: 1.5 million cells, 20,000 places, 20 min by car
// as the crow flies. Run with -benchtime=1x (it needs ≈ 1 GB).
func BenchmarkCoverageFrance(b *testing.B) {
	benchCoverage(b, 1_500_000, 20_000, franceBox, 40)
}

// BenchmarkCoverageDepartement: 50,000 cells, 1,000 places.
func BenchmarkCoverageDepartement(b *testing.B) {
	benchCoverage(b, 50_000, 1_000, departementBox, 100)
}
