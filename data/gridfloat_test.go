package data

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestGridParseFloat compares gridParseFloat with strconv.ParseFloat, bit
// for bit, on the decimals of grids (random values with 0 to 17
// significant digits and 0 to 20 decimals) and on strings it must hand over.
func TestGridParseFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	check := func(s string) {
		t.Helper()
		got, gerr := gridParseFloat(s)
		want, werr := strconv.ParseFloat(s, 64)
		if (gerr == nil) != (werr == nil) || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%q: %v (%v), strconv %v (%v)", s, got, gerr, want, werr)
		}
	}
	for range 500_000 {
		digits := rng.IntN(18)
		var b []byte
		for range digits {
			b = append(b, byte('0'+rng.IntN(10)))
		}
		if len(b) == 0 {
			b = append(b, '0')
		}
		if d := rng.IntN(21); d > 0 && d < len(b) {
			b = append(b[:len(b)-d:len(b)-d], append([]byte{'.'}, b[len(b)-d:]...)...)
		}
		check(string(b))
	}
	for _, s := range []string{"", ".", "1.", ".5", "0", "00", "007.50", "-1", "+2", "1e3", "1E-2", "NaN", "Inf",
		"1..2", "1.2.3", " 1", "1 ", "0x1p3", "1_000", "123456789012345", "1234567890123456", "0.000000000000000000001",
		"0.0000000000000000000001", "999999999999999.9", "0.1", "0.2", "0.3", "725084.5", "18446744073709551616"} {
		check(s)
	}
}

func FuzzGridParseFloat(f *testing.F) {
	for _, s := range []string{"0", "12.5", "1.", ".5", "1e3", "0.0000000001", "999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gerr := gridParseFloat(s)
		want, werr := strconv.ParseFloat(s, 64)
		if (gerr == nil) != (werr == nil) || (gerr == nil && math.Float64bits(got) != math.Float64bits(want)) {
			t.Fatalf("%q: %v (%v), strconv %v (%v)", s, got, gerr, want, werr)
		}
	})
}
