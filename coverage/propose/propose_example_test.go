package propose_test

import (
	"fmt"

	"github.com/maillage/maillage/coverage/propose"
)

// Three candidate sites over six uncovered points of weight 1: greedy takes
// the big site first and ends with 5 of the reachable 6; the per-instance
// bound (6) certifies it is within 1 − 5/6 of the optimum, and one swap finds
// the optimum.
func ExampleMaxCover() {
	in := &propose.CoverInstance{
		Weight: []float64{1, 1, 1, 1, 1, 1},
		Sets:   [][]int32{{0, 1, 2, 3}, {0, 1, 4}, {2, 3, 5}},
	}
	r, _ := propose.MaxCover(in, 2)
	for _, s := range r.Sites {
		fmt.Printf("site %d: +%.0f\n", s.Candidate, s.Gain)
	}
	fmt.Printf("gain %.0f, upper bound %.0f, gap %.3f\n", r.Gain, r.UpperBound, r.Gap)
	s, _ := propose.SwapImprove(in, r, 10)
	fmt.Printf("after swaps: gain %.0f, gap %.3f\n", s.Gain, s.Gap)
	// Output:
	// site 0: +4
	// site 1: +1
	// gain 5, upper bound 6, gap 0.167
	// after swaps: gain 6, gap 0.000
}

// SetCover: fewest sites to cover 80 % of the weighted demand, of which 40 %
// is already covered by existing places (Base).
func ExampleSetCover() {
	in := &propose.CoverInstance{
		Weight: []float64{1, 1, 1, 1, 1, 1},
		Sets:   [][]int32{{0, 1, 2, 3}, {0, 1, 4}, {2, 3, 5}},
		Base:   4,
	}
	r, _ := propose.SetCover(in, 0.8)
	fmt.Printf("%d site(s), share %.2f → %.2f, reached %v, at least %d needed\n", len(r.Sites), r.ShareBefore(), r.ShareAfter(), r.Reached, r.MinSites)
	// Output:
	// 1 site(s), share 0.40 → 0.80, reached true, at least 1 needed
}
