package geo

import (
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/uber/h3-go/v4"
)

// benchScattered returns n 200 m squares at random over metropolitan France
// (no two sharing a corner, most of them): the worst case, every square
// needing its own corners and cells.
func benchScattered(n int) []Square {
	rng := rand.New(rand.NewPCG(7, 10))
	out := make([]Square, n)
	for i := range out {
		out[i] = Square{E: int32(3_250_000 + 200*rng.IntN(5250)), N: int32(2_080_000 + 200*rng.IntN(5250)), Size: 200}
	}
	return out
}

// benchSquares returns n 200 m squares filling a block of metropolitan France
// in LAEA (in random order), seeded.
func benchSquares(n int) []Square {
	side := int(math.Sqrt(float64(n))) + 1
	out := make([]Square, 0, n)
	for i := 0; len(out) < n; i++ {
		out = append(out, Square{E: int32(3500000 + 200*(i%side)), N: int32(2500000 + 200*(i/side)), Size: 200})
	}
	rng := rand.New(rand.NewPCG(7, 9))
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// cpuTime returns the process's user + system CPU time, steadier than wall
// time on a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSpread times the spreading of a block of squares and, in the same
// run, one h3.LatLngToCell per square (after FromLAEA of the square's
// centre); it reports the ratio of the fastest iterations.
func BenchmarkSpread(b *testing.B) {
	for _, bc := range []struct {
		name string
		res  int
		sq   func(int) []Square
	}{{"res08", 8, benchSquares}, {"res09", 9, benchSquares}, {"res10", 10, benchSquares}, {"scattered-res09", 9, benchScattered}} {
		res := bc.res
		b.Run(bc.name, func(b *testing.B) {
			squares := bc.sq(100_000)
			b.ReportAllocs()
			// The machine is shared: keep the fastest iteration of each phase,
			// measured alternately in the same run.
			spread, single := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
			spreadCPU, singleCPU := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
			for b.Loop() {
				t0, c0 := time.Now(), cpuTime()
				s, _ := NewSpreader(res)
				var sink float64
				if err := s.Spread(squares, func(i int, c int32, f float64) { sink += f }); err != nil {
					b.Fatal(err)
				}
				spread = min(spread, time.Since(t0))
				spreadCPU = min(spreadCPU, cpuTime()-c0)
				t0, c0 = time.Now(), cpuTime()
				for _, q := range squares {
					p := FromLAEA([2]float64{float64(q.E) + 100, float64(q.N) + 100})
					if _, err := h3.LatLngToCell(ToLatLng(p), res); err != nil {
						b.Fatal(err)
					}
				}
				single = min(single, time.Since(t0))
				singleCPU = min(singleCPU, cpuTime()-c0)
			}
			n := float64(len(squares))
			b.ReportMetric(float64(spread.Microseconds())/n, "µs/square")
			b.ReportMetric(float64(single.Microseconds())/n, "µs/LatLngToCell")
			b.ReportMetric(float64(spread)/float64(single), "x-one-call")
			b.ReportMetric(float64(spreadCPU)/float64(singleCPU), "x-one-call-cpu")
		})
	}
}
