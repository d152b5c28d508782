package coverage

import (
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkCrowFlyFrance isolates the crow-fly engine of
// BenchmarkCoverageFrance: building it over 1.5 million cells (build-ms,
// build-cpu-ms), then the catchments of 20,000 places, 20 min by car, on one
// goroutine (reach-ms, reach-cpu-ms for all of them; ns/hit).
//
//	go test ./coverage -run '^$' -bench CrowFly -benchtime 1x
func BenchmarkCrowFlyFrance(b *testing.B) {
	benchCrowFly(b, 1_500_000, 20_000, franceBox)
}

// BenchmarkCrowFlyDepartement: the same for BenchmarkCoverageDepartement
// (50,000 cells, 1,000 places).
func BenchmarkCrowFlyDepartement(b *testing.B) {
	benchCrowFly(b, 50_000, 1_000, departementBox)
}

func benchCrowFly(b *testing.B, cells, places int, box benchBox) {
	rng := rand.New(rand.NewPCG(42, uint64(cells)))
	ter := benchTerritory(b, rng, cells, places, box)
	pts := cellCenters(ter)
	prof := benchProfile()
	mode, maxSec := prof.Mode, prof.MaxSeconds()
	var hits []Hit
	total := 0
	var build, buildCPU, reach, reachCPU time.Duration
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		t0, c0 := time.Now(), cpuTime()
		e := NewCrowFly(mode, pts)
		t1, c1 := time.Now(), cpuTime()
		total = 0
		for j := range ter.Venues {
			hits = e.AppendReach(hits[:0], ter.Venues[j].Point, maxSec)
			total += len(hits)
		}
		build, buildCPU = build+t1.Sub(t0), buildCPU+c1-c0
		reach, reachCPU = reach+time.Since(t1), reachCPU+cpuTime()-c1
		n++
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
	b.ReportMetric(ms(build), "build-ms")
	b.ReportMetric(ms(buildCPU), "build-cpu-ms")
	b.ReportMetric(ms(reach), "reach-ms")
	b.ReportMetric(ms(reachCPU), "reach-cpu-ms")
	b.ReportMetric(float64(reach.Nanoseconds())/float64(n)/float64(total), "ns/hit")
	b.ReportMetric(float64(total)/float64(len(ter.Venues)), "cells/place")
}
