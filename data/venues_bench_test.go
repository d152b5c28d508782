package data

import (
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/internal/shareddata"
	"github.com/paulmach/orb"
)

func BenchmarkParseOpeningHours(b *testing.B) {
	in := "Mo-Th 09:00-12:30,13:30-17:00; Tu 09:00-12:00; Fr 09:00-12:00,13:30-16:30; Sa 09:00-12:00; PH off"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseOpeningHours(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseFranceServicesWeek(b *testing.B) {
	h := "09:00 - 12:00 / 13:30 - 17:00"
	cells := [6]string{h, h, h, h, "09:00 - 12:00 / 13:30 - 16:00", ""}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFranceServicesWeek(cells); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadVenues reads the two largest real files (2,733 JSON objects,
// 2,683 CSV rows) and reports µs per record.
func BenchmarkReadVenues(b *testing.B) {
	for _, f := range []string{"venues/conseillers-numeriques-2022.lieux-mediation.json", "venues/france-services-2022-12-01.csv"} {
		raw, err := os.ReadFile(shareddata.Path(b, f))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(f[7:], func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				vs, _, err := ReadVenuesBytes(raw, f)
				if err != nil {
					b.Fatal(err)
				}
				n += len(vs)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n), "µs/record")
		})
	}
}

// BenchmarkMergeVenues merges two synthetic France-sized lists (3,000 and
// 30,000 venues, seeded) and reports, in the same run, the ratio against a
// naive all-pairs distance scan (what the grid index avoids).
func BenchmarkMergeVenues(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	mk := func(n int, src string) []maillage.Venue {
		vs := make([]maillage.Venue, n)
		for i := range vs {
			vs[i] = maillage.Venue{ID: src + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676%26)),
				Source: src, Name: "Lieu " + src, Located: true,
				Point: orb.Point{-4.5 + 12*rng.Float64(), 42.5 + 8*rng.Float64()}}
		}
		return vs
	}
	a, c := mk(3000, "fs"), mk(30000, "cn")
	b.ReportAllocs()
	var merged float64
	for b.Loop() {
		out, _ := MergeVenues(a, c)
		merged = float64(len(a) + len(c) - len(out))
	}
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(merged, "merged")
	// Naive scan of the same pairs once (haversine over all a×c pairs).
	start := time.Now()
	close := 0
	for i := range a {
		for j := range c {
			if venueHaversine(a[i].Point[1], a[i].Point[0], c[j].Point[1], c[j].Point[0]) <= VenueMergeDistance {
				close++
			}
		}
	}
	if close < 0 {
		b.Fatal(close)
	}
	b.ReportMetric(time.Since(start).Seconds()/perOp, "x-faster-than-all-pairs")
}
