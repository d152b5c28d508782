package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkCreateSync times one Create under synchronous=FULL (this
// package's default) and one under NORMAL per iteration, in the same run, and
// reports both and their ratio: the price of an fsync per commit.
func BenchmarkCreateSync(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	full := mustOpen(b, Config{Path: filepath.Join(dir, "full.db"), Synchronous: "FULL"})
	normal := mustOpen(b, Config{Path: filepath.Join(dir, "normal.db"), Synchronous: "NORMAL"})
	var tf, tn time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		if err := full.Create(ctx, sample(fmt.Sprint(i))); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := normal.Create(ctx, sample(fmt.Sprint(i))); err != nil {
			b.Fatal(err)
		}
		tf, tn = tf+t1.Sub(t0), tn+time.Since(t1)
	}
	b.ReportMetric(float64(tf.Microseconds())/float64(b.N), "µs/create-full")
	b.ReportMetric(float64(tn.Microseconds())/float64(b.N), "µs/create-normal")
	b.ReportMetric(float64(tf)/float64(tn), "x-slower-full")
}

// BenchmarkGet reads one scenario by id (a read connection, JSON decoding of
// its 2 changes).
func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	s := mustOpen(b, Config{})
	sc := sample("x")
	if err := s.Create(ctx, sc); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Get(ctx, sc.ID); err != nil {
			b.Fatal(err)
		}
	}
}
