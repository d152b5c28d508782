package propose

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
)

// BenchmarkMaxCoverFrance: a France-sized instance (1.5 million demand
// points, 20,000 candidates, coverage sets ≈ 2,800 points each: disks of
// radius 30 on a 1,225 × 1,225 grid, built synthetically — see propGridDisks —
// so that setup stays bounded), k = 50. In one run: lazy greedy once on the
// raw instance (its first pass reads every set), Prepare (caches the
// stand-alone gains), lazy greedy on the prepared instance (the timed loop),
// and plain greedy (every candidate re-evaluated every round) once; the
// x-faster metrics are ratios of these. Targets: ≤ 100 ms and ≥ 5×.
//
//	go test ./coverage -run '^$' -bench MaxCoverFrance -benchtime 3x
func BenchmarkMaxCoverFrance(b *testing.B) {
	in := propGridDisks(rand.New(rand.NewPCG(2026, 50)), 1_500_000, 20_000, 30)
	size := 0
	for _, s := range in.Sets {
		size += len(s)
	}
	// Unprepared: MaxCover's first pass reads all 56 million set entries.
	cpu0, start := propCPUTime(), time.Now()
	first, err := MaxCover(in, 50)
	if err != nil {
		b.Fatal(err)
	}
	unprepT, unprepCPU := time.Since(start), propCPUTime()-cpu0
	prepStart := time.Now()
	if err := in.Prepare(); err != nil {
		b.Fatal(err)
	}
	prepT := time.Since(prepStart)
	var r *CoverResult
	n := 0
	b.ReportAllocs()
	cpu0 = propCPUTime()
	for b.Loop() {
		if r, err = MaxCover(in, 50); err != nil {
			b.Fatal(err)
		}
		n++
	}
	lazy := b.Elapsed() / time.Duration(n)
	lazyCPU := (propCPUTime() - cpu0) / time.Duration(n)
	b.StopTimer()
	start, cpu1 := time.Now(), propCPUTime()
	plain := propPlainGreedy(in, 50)
	plainT, plainCPU := time.Since(start), propCPUTime()-cpu1
	if plain.Gain != r.Gain || first.Gain != r.Gain {
		b.Fatalf("plain greedy %v, unprepared lazy %v, prepared lazy %v differ", plain.Gain, first.Gain, r.Gain)
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(float64(size)/float64(len(in.Sets)), "points/set")
	b.ReportMetric(ms(lazy), "ms-lazy-prepared")
	b.ReportMetric(ms(lazyCPU), "cpu-ms-lazy-prepared")
	b.ReportMetric(ms(prepT), "ms-prepare")
	b.ReportMetric(ms(unprepT), "ms-lazy-unprepared")
	b.ReportMetric(ms(unprepCPU), "cpu-ms-lazy-unprepared")
	b.ReportMetric(ms(plainT), "ms-plain")
	b.ReportMetric(float64(plainT)/float64(unprepT), "x-faster-unprepared")
	b.ReportMetric(float64(plainT)/float64(lazy), "x-faster-prepared")
	b.ReportMetric(ms(plainCPU), "cpu-ms-plain")
	if unprepCPU > 0 {
		b.ReportMetric(float64(plainCPU)/float64(unprepCPU), "x-faster-cpu-unprepared")
	}
	b.ReportMetric(float64(r.Evaluations), "evals-lazy")
	b.ReportMetric(float64(plain.Evaluations), "evals-plain")
	b.ReportMetric(r.Gap, "gap")
}

// propDepartement is a synthetic département: n populated cells over
// ≈ 90 km × 100 km around Bordeaux, 60 % around 40 towns (σ ≈ 3 km), the rest
// scattered; persons per cell heavy-tailed, 10 % of them 80+.
func propDepartement(rng *rand.Rand, n int) *maillage.Territory {
	t := &maillage.Territory{Name: "synthetic département"}
	type town struct{ lon, lat float64 }
	towns := make([]town, 40)
	for i := range towns {
		towns[i] = town{-1.2 + rng.Float64()*1.15, 44.4 + rng.Float64()*0.9}
	}
	for range n {
		var p orb.Point
		if rng.Float64() < 0.6 {
			c := towns[rng.IntN(len(towns))]
			p = orb.Point{c.lon + rng.NormFloat64()*0.038, c.lat + rng.NormFloat64()*0.027}
		} else {
			p = orb.Point{-1.2 + rng.Float64()*1.15, 44.4 + rng.Float64()*0.9}
		}
		var pop maillage.Pop
		pop[maillage.Ind] = 1 + rng.ExpFloat64()*20
		pop[maillage.Ind80p] = pop[maillage.Ind] / 10
		pop[maillage.Ind25_39] = pop[maillage.Ind] - pop[maillage.Ind80p]
		t.Cells = append(t.Cells, maillage.Cell{Center: p, Pop: pop, Commune: -1})
	}
	return t
}

// BenchmarkProposeDepartement: a département-sized proposal (50,000 cells,
// 1,000 candidates, k = 20) END TO END: Propose computes the candidates'
// coverage sets with the crow-fly engine (in parallel), then chooses the
// sites. The territory and the engine (its spatial buckets) are built once,
// as they are in the server, by coverage.CrowFlyEngines, the factory the product uses
// for crow-fly profiles. Target ≤ 50 ms. Profiles: seniors on foot
// (20 min at 4 km/h, detour 1.3 → 1.03 km) and by car (15 min at 40 km/h,
// detour 1.3 → 7.7 km, sets of thousands of cells).
//
//	go test ./coverage -run '^$' -bench ProposeDepartement -benchtime 5x
func BenchmarkProposeDepartement(b *testing.B) {
	rng := rand.New(rand.NewPCG(33, 20))
	t := propDepartement(rng, 50_000)
	pts := make([]orb.Point, len(t.Cells))
	w := make([]float64, len(t.Cells))
	cov := make([]bool, len(t.Cells))
	for i, c := range t.Cells {
		pts[i], w[i] = c.Center, c.Pop[maillage.Ind80p]
		cov[i] = rng.Float64() < 0.5
	}
	cands := Candidates(t, CandidateOptions{Cells: true})
	rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	cands = cands[:1000]
	for _, bc := range []struct {
		name string
		mode travel.Mode
		max  float64
	}{
		{"walk20min", travel.Mode{Name: "senior", SpeedKmh: 4, Detour: 1.3}, 20 * 60},
		{"car15min", travel.Mode{Name: "car", SpeedKmh: 40, Detour: 1.3}, 15 * 60},
	} {
		b.Run(bc.name, func(b *testing.B) {
			eng, err := coverage.CrowFlyEngines(bc.mode, coverage.EngineCrowFly, pts)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var p *Proposal
			cpu0, n := propCPUTime(), 0
			for b.Loop() {
				n++
				var err error
				p, err = proposeOne(t, eng, w, cov, cands, ProposalOptions{K: 20, MaxSeconds: bc.max})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((propCPUTime()-cpu0).Microseconds())/1000/float64(n), "cpu-ms/op")
			b.ReportMetric(p.Gap, "gap")
			b.ReportMetric(float64(len(p.Sites)), "sites")
		})
	}
}

// BenchmarkCandSets isolates the coverage-set computation of
// BenchmarkProposeDepartement, on 1 worker and on GOMAXPROCS.
func BenchmarkCandSets(b *testing.B) {
	rng := rand.New(rand.NewPCG(33, 20))
	t := propDepartement(rng, 50_000)
	pts := make([]orb.Point, len(t.Cells))
	for i, c := range t.Cells {
		pts[i] = c.Center
	}
	cands := Candidates(t, CandidateOptions{Cells: true})[:1000]
	eng := coverage.NewCrowFly(travel.Mode{SpeedKmh: 4, Detour: 1.3}, pts)
	var once sync.Once
	for b.Loop() {
		sets, _ := candSets(context.Background(), eng, cands, 1200, nil, 0, nil)
		once.Do(func() {
			s := 0
			for _, x := range sets {
				s += len(x)
			}
			b.ReportMetric(float64(s)/float64(len(sets)), "points/set")
		})
	}
}

// TestProposeDepartementSmoke keeps the benchmark's builder honest in the
// normal test run (small size): every cell is a candidate, so k sites cover
// at least the k heaviest uncovered cells.
func TestProposeDepartementSmoke(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	terr := propDepartement(rng, 2000)
	pts := make([]orb.Point, len(terr.Cells))
	w := make([]float64, len(terr.Cells))
	for i, c := range terr.Cells {
		pts[i], w[i] = c.Center, c.Pop[maillage.Ind80p]
	}
	eng := travel.NewCrowFly(travel.Mode{SpeedKmh: 4, Detour: 1.3}, pts)
	p, err := proposeOne(terr, eng, w, nil, Candidates(terr, CandidateOptions{Cells: true}), ProposalOptions{K: 5, MaxSeconds: 1200})
	if err != nil {
		t.Fatal(err)
	}
	top := append([]float64(nil), w...)
	heaviest := 0.0
	for range 5 {
		bi := 0
		for i := range top {
			if top[i] > top[bi] {
				bi = i
			}
		}
		heaviest += top[bi]
		top[bi] = math.Inf(-1)
	}
	if len(p.Sites) != 5 || p.Gain < heaviest || p.UpperBound < p.Gain || p.CoveredBefore != 0 {
		t.Errorf("gain %v < 5 heaviest cells %v, or bound %v", p.Gain, heaviest, p.UpperBound)
	}
}
