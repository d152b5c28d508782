package bordeauxtest

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/maillage/maillage"
)

func TestLAEAInverse(t *testing.T) {
	tests := []struct {
		e, n float64
		want orb.Point
	}{
		{4321000, 3210000, orb.Point{10, 52}},      // natural origin
		{3962799.45, 2999718.85, orb.Point{5, 50}}, // IOGP Guidance Note 7-2 worked example
	}
	for _, tc := range tests {
		got := LAEAInverse(tc.e, tc.n)
		if math.Abs(got[0]-tc.want[0]) > 1e-7 || math.Abs(got[1]-tc.want[1]) > 1e-7 {
			t.Errorf("(%v, %v) → %v, want %v", tc.e, tc.n, got, tc.want)
		}
	}
}

// TestReaders checks the counts the data README states.
func TestReaders(t *testing.T) {
	sq := ReadSquares(t)
	total := 0.0
	for _, s := range sq {
		total += s.Pop[maillage.Ind]
	}
	if len(sq) != 6735 || math.Abs(total-725084.5) > 1e-6 {
		t.Errorf("%d squares, %.2f inhabitants; want 6,735 and 725,084.5", len(sq), total)
	}
	if n := len(ReadCD33(t)); n != 347 {
		t.Errorf("CD33: %d venues, want 347", n)
	}
	if n := len(ReadFranceServices(t, "33")); n != 43 {
		t.Errorf("France Services in Gironde: %d, want 43", n)
	}
}
