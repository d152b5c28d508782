package propose

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// propHandInstance: six points of weight 1; A covers 0-3, B covers {0,1,4},
// C covers {2,3,5}. Greedy takes A (4) then B (1) = 5; the optimum for k = 2
// is B + C = 6. Bound by hand: r=0: 0+4+3 = 7; r=1: 4+1+1 = 6; r=2: 5+1 = 6.
func propHandInstance() *CoverInstance {
	return &CoverInstance{
		Weight: []float64{1, 1, 1, 1, 1, 1},
		Sets:   [][]int32{{0, 1, 2, 3}, {0, 1, 4}, {2, 3, 5}},
		Base:   4,
		// reporting: persons double the weight; two bands; communes 0,0,1,1,2,2
		Persons:   []float64{2, 2, 2, 2, 2, 2},
		Bands:     []float64{1, 1, 1, 1, 1, 1, 2, 0, 0, 2, 0, 2},
		BandNames: []string{"young", "old"},
		Commune:   []int32{0, 0, 1, 1, 2, 2},
	}
}

func TestMaxCoverHand(t *testing.T) {
	r, err := MaxCover(propHandInstance(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := []int{r.Sites[0].Candidate, r.Sites[1].Candidate}; !slices.Equal(got, []int{0, 1}) {
		t.Fatalf("sites %v, want [0 1] (A then B)", got)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"gain", r.Gain, 5},
		{"upper bound", r.UpperBound, 6},
		{"gap", r.Gap, 1 - 5.0/6},
		{"total", r.Total, 10},
		{"share before", r.ShareBefore(), 0.4},
		{"share after", r.ShareAfter(), 0.9},
		{"site A gain", r.Sites[0].Gain, 4},
		{"site A persons", r.Sites[0].Persons, 8},
		{"site A young", r.Sites[0].Bands[0], 1 + 1 + 1 + 2},
		{"site A old", r.Sites[0].Bands[1], 1 + 1 + 1 + 0},
		{"site B gain", r.Sites[1].Gain, 1},
		{"site B persons", r.Sites[1].Persons, 2},
		{"site B old", r.Sites[1].Bands[1], 2},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if math.Abs(c.got-c.want) > 1e-12 {
				t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
			}
		})
	}
	if !slices.Equal(r.Sites[0].Communes, []int32{0, 1}) || !slices.Equal(r.Sites[1].Communes, []int32{2}) {
		t.Errorf("communes %v %v, want [0 1] [2]", r.Sites[0].Communes, r.Sites[1].Communes)
	}
}

func TestSetCoverHand(t *testing.T) {
	tests := []struct {
		target   float64
		sites    []int
		reached  bool
		minSites int
	}{
		{1.0, []int{0, 1, 2}, true, 2}, // needs 6: keys 4+3 ≥ 6 → at least 2 sites
		{0.8, []int{0}, true, 1},       // needs 8-4 = 4: A alone
		{0.85, []int{0, 1}, true, 2},   // needs 4.5
	}
	for _, tc := range tests {
		r, err := SetCover(propHandInstance(), tc.target)
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, s := range r.Sites {
			got = append(got, s.Candidate)
		}
		if !slices.Equal(got, tc.sites) || r.Reached != tc.reached || r.MinSites != tc.minSites {
			t.Errorf("target %v: sites %v reached %v min %d, want %v %v %d", tc.target, got, r.Reached, r.MinSites, tc.sites, tc.reached, tc.minSites)
		}
	}
	// Unreachable: point 6 is covered by nobody.
	in := propHandInstance()
	in.Weight = append(in.Weight, 5)
	in.Persons, in.Bands, in.Commune = nil, nil, nil
	r, err := SetCover(in, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Reached || len(r.Sites) != 3 || r.Gain != 6 {
		t.Errorf("unreachable target: reached %v sites %d gain %v", r.Reached, len(r.Sites), r.Gain)
	}
}

// propRandomInstance draws n points and m candidates with random sets.
func propRandomInstance(rng *rand.Rand, n, m int, p float64) *CoverInstance {
	in := &CoverInstance{Weight: make([]float64, n), Sets: make([][]int32, m)}
	for i := range in.Weight {
		in.Weight[i] = float64(rng.IntN(10)) // some zero weights
	}
	for j := range in.Sets {
		for i := 0; i < n; i++ {
			if rng.Float64() < p {
				in.Sets[j] = append(in.Sets[j], int32(i))
			}
		}
	}
	return in
}

// propBrute returns the best coverage of any k-subset, and the fewest sites
// reaching need (−1 if none).
func propBrute(in *CoverInstance, k int, need float64) (best float64, fewest int) {
	m := len(in.Sets)
	fewest = -1
	cov := make([]bool, len(in.Weight))
	for mask := 0; mask < 1<<m; mask++ {
		clear(cov)
		f, size := 0.0, 0
		for j := 0; j < m; j++ {
			if mask&(1<<j) == 0 {
				continue
			}
			size++
			for _, i := range in.Sets[j] {
				if !cov[i] {
					cov[i] = true
					f += in.Weight[i]
				}
			}
		}
		if size <= k {
			best = max(best, f)
		}
		if f >= need-1e-9 && (fewest < 0 || size < fewest) {
			fewest = size
		}
	}
	return best, fewest
}

func TestMaxCoverBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	worse := 0
	for trial := 0; trial < 300; trial++ {
		n, m := 6+rng.IntN(10), 3+rng.IntN(8)
		in := propRandomInstance(rng, n, m, 0.15+0.35*rng.Float64())
		k := 1 + rng.IntN(4)
		r, err := MaxCover(in, k)
		if err != nil {
			t.Fatal(err)
		}
		opt, _ := propBrute(in, k, math.Inf(1))
		const tol = 1e-9
		if r.UpperBound < opt-tol || opt < r.Gain-tol || r.Gain < (1-1/math.E)*opt-tol {
			t.Fatalf("trial %d (k=%d): bound %v ≥ opt %v ≥ greedy %v ≥ 0.632·opt fails", trial, k, r.UpperBound, opt, r.Gain)
		}
		if r.Gain < opt-tol {
			worse++
		}
		plain := propPlainGreedy(in, k)
		if plain.Gain != r.Gain || len(plain.Sites) != len(r.Sites) {
			t.Fatalf("trial %d: plain greedy %v (%d sites) ≠ lazy %v (%d sites)", trial, plain.Gain, len(plain.Sites), r.Gain, len(r.Sites))
		}
		for i := range r.Sites {
			if plain.Sites[i].Candidate != r.Sites[i].Candidate {
				t.Fatalf("trial %d: site %d plain %d lazy %d", trial, i, plain.Sites[i].Candidate, r.Sites[i].Candidate)
			}
		}
		// Set cover: MinSites ≤ optimum count ≤ greedy count.
		target := 0.5 + 0.5*rng.Float64()
		sc, err := SetCover(in, target)
		if err != nil {
			t.Fatal(err)
		}
		_, fewest := propBrute(in, m, target*in.TotalWeight())
		if fewest >= 0 {
			if !sc.Reached || sc.MinSites > fewest || fewest > len(sc.Sites) {
				t.Fatalf("trial %d: set cover min %d ≤ opt %d ≤ greedy %d (reached %v) fails", trial, sc.MinSites, fewest, len(sc.Sites), sc.Reached)
			}
		} else if sc.Reached {
			t.Fatalf("trial %d: set cover reached an unreachable target", trial)
		}
	}
	if worse == 0 {
		t.Errorf("greedy was optimal on every trial: the instances are too easy to test the bound")
	}
	t.Logf("greedy below optimum on %d of 300 instances", worse)
}

func TestCoverInstanceValidate(t *testing.T) {
	tests := []struct {
		name string
		in   CoverInstance
	}{
		{"negative weight", CoverInstance{Weight: []float64{1, -1}}},
		{"NaN weight", CoverInstance{Weight: []float64{math.NaN()}}},
		{"out of range", CoverInstance{Weight: []float64{1}, Sets: [][]int32{{1}}}},
		{"unsorted", CoverInstance{Weight: []float64{1, 1}, Sets: [][]int32{{1, 0}}}},
		{"duplicate", CoverInstance{Weight: []float64{1, 1}, Sets: [][]int32{{0, 0}}}},
		{"times length", CoverInstance{Weight: []float64{1}, Sets: [][]int32{{0}}, Times: [][]float32{{}}}},
		{"persons length", CoverInstance{Weight: []float64{1}, Persons: []float64{1, 2}}},
		{"bands length", CoverInstance{Weight: []float64{1}, BandNames: []string{"a"}, Bands: []float64{1, 2}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := MaxCover(&tc.in, 1); !errors.Is(err, ErrCoverInstance) {
				t.Errorf("err = %v, want ErrCoverInstance", err)
			}
		})
	}
	if _, err := SetCover(propHandInstance(), 1.5); !errors.Is(err, ErrCoverInstance) {
		t.Errorf("target 1.5: err = %v", err)
	}
}

func TestCoverInstancePrepare(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 20; trial++ {
		in := propRandomInstance(rng, 30, 12, 0.2)
		want, err := MaxCover(in, 4)
		if err != nil {
			t.Fatal(err)
		}
		if err := in.Prepare(); err != nil {
			t.Fatal(err)
		}
		got, err := MaxCover(in, 4)
		if err != nil {
			t.Fatal(err)
		}
		if got.Gain != want.Gain || got.UpperBound != want.UpperBound || len(got.Sites) != len(want.Sites) || got.Evaluations != want.Evaluations-int64(len(in.Sets)) {
			t.Fatalf("prepared %+v ≠ unprepared %+v", got, want)
		}
	}
	bad := &CoverInstance{Weight: []float64{1, 1}, Sets: [][]int32{{0}, {1, 1}}}
	if err := bad.Prepare(); !errors.Is(err, ErrCoverInstance) {
		t.Errorf("Prepare on a bad set: %v", err)
	}
}

func TestSwapImprove(t *testing.T) {
	// Hand instance: greedy A+B = 5, one swap A→C gives B+C = 6, the optimum.
	in := propHandInstance()
	r, err := MaxCover(in, 2)
	if err != nil {
		t.Fatal(err)
	}
	s, err := SwapImprove(in, r, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := []int{s.Sites[0].Candidate, s.Sites[1].Candidate}
	slices.Sort(got)
	if s.Gain != 6 || !slices.Equal(got, []int{1, 2}) || s.UpperBound != 6 || s.Gap != 0 || s.Sites[0].Gain != 3 || s.Sites[1].Gain != 3 {
		t.Fatalf("swap: %+v", s)
	}
	// Random: greedy ≤ swapped ≤ optimum, and a reported gain is what the sites cover.
	rng := rand.New(rand.NewPCG(9, 9))
	better := 0
	for trial := 0; trial < 200; trial++ {
		in := propRandomInstance(rng, 8+rng.IntN(10), 4+rng.IntN(8), 0.15+0.3*rng.Float64())
		k := 1 + rng.IntN(4)
		r, err := MaxCover(in, k)
		if err != nil {
			t.Fatal(err)
		}
		s, err := SwapImprove(in, r, 20)
		if err != nil {
			t.Fatal(err)
		}
		opt, _ := propBrute(in, k, math.Inf(1))
		var sites []int
		for _, x := range s.Sites {
			sites = append(sites, x.Candidate)
		}
		if s.Gain < r.Gain-1e-9 || s.Gain > opt+1e-9 || math.Abs(milpCoverage(in, sites)-s.Gain) > 1e-9 || len(sites) > k ||
			s.UpperBound < opt-1e-9 || s.UpperBound > r.UpperBound {
			t.Fatalf("trial %d: greedy %v, swapped %v (covers %v, %d sites), optimum %v, bounds %v → %v", trial, r.Gain, s.Gain, milpCoverage(in, sites), len(sites), opt, r.UpperBound, s.UpperBound)
		}
		if s.Gain > r.Gain+1e-9 {
			better++
		}
	}
	t.Logf("swaps improved greedy on %d of 200 instances", better)
}
