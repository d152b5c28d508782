package propose

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestWriteMILPGolden(t *testing.T) {
	var b bytes.Buffer
	if err := writeMILP(&b, propHandInstance(), 2); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "hand.lp")
	if os.Getenv("MAILLAGE_UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("LP differs from %s:\n%s", golden, b.String())
	}
}

func TestReadCBCSolution(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		obj     float64
		sites   []int
		optimal bool
		err     bool
	}{
		{"optimal", "Optimal - objective value 6.00000000\n      0 x1  1  0\n      3 y0  1  0\n      2 x2  1 -0\n", 6, []int{1, 2}, true, false},
		{"stopped", "Stopped on time - objective value 12.5\n 0 x4 1 0\n 1 x0 0.9999999 0\n", 12.5, []int{0, 4}, false, false},
		{"infeasible marker", "Optimal - objective value 1\n** 0 x0 1 0\n", 1, []int{0}, true, false},
		{"zero x dropped", "Optimal - objective value 0\n 0 x0 0 0\n", 0, nil, true, false},
		{"empty", "", 0, nil, false, true},
		{"no objective", "Infeasible\n", 0, nil, false, true},
		{"bad value", "Optimal - objective value 1\n 0 x0 one 0\n", 0, nil, false, true},
		{"bad name", "Optimal - objective value 1\n 0 xq 1 0\n", 0, nil, false, true},
		{"short line", "Optimal - objective value 1\n 0 x0\n", 0, nil, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sol, err := readCBCSolution(strings.NewReader(tc.in))
			if tc.err {
				if !errors.Is(err, errMILPSolution) {
					t.Fatalf("err = %v, want errMILPSolution", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sol.Objective != tc.obj || !slices.Equal(sol.Sites, tc.sites) || sol.Optimal != tc.optimal {
				t.Errorf("got %+v", sol)
			}
		})
	}
}

func FuzzReadCBCSolution(f *testing.F) {
	f.Add("Optimal - objective value 6.00000000\n      0 x1  1  0\n")
	f.Add("Stopped on time - objective value 12.5\n** 0 x4 1 0\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		sol, err := readCBCSolution(strings.NewReader(s))
		if err == nil && sol == nil {
			t.Fatal("nil solution without error")
		}
		if err == nil && !slices.IsSorted(sol.Sites) {
			t.Fatal("sites not sorted")
		}
	})
}

// milpSolveCBC writes in as LP, runs cbc on it and reads the solution. It
// skips the test when cbc is not on PATH (CI does not install it).
func milpSolveCBC(tb testing.TB, in *CoverInstance, k int) *milpSolution {
	tb.Helper()
	cbc, err := exec.LookPath("cbc")
	if err != nil {
		tb.Skip("cbc not on PATH (apt-get install coinor-cbc): skipping the exact-optimum check")
	}
	dir := tb.TempDir()
	lp := filepath.Join(dir, "m.lp")
	f, err := os.Create(lp)
	if err != nil {
		tb.Fatal(err)
	}
	if err := writeMILP(f, in, k); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	out := filepath.Join(dir, "m.sol")
	cmd := exec.Command(cbc, lp, "sec", "300", "threads", "1", "solve", "solu", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("cbc: %v\n%s", err, b)
	}
	sf, err := os.Open(out)
	if err != nil {
		tb.Fatal(err)
	}
	defer sf.Close()
	sol, err := readCBCSolution(sf)
	if err != nil {
		tb.Fatal(err)
	}
	return sol
}

// milpCoverage evaluates the coverage of a set of sites independently.
func milpCoverage(in *CoverInstance, sites []int) float64 {
	cov := make([]bool, len(in.Weight))
	f := 0.0
	for _, j := range sites {
		for _, i := range in.Sets[j] {
			if !cov[i] {
				cov[i] = true
				f += in.Weight[i]
			}
		}
	}
	return f
}

func TestMILPAgainstBruteForce(t *testing.T) {
	sol := milpSolveCBC(t, propHandInstance(), 2)
	if !sol.Optimal || math.Abs(sol.Objective-6) > 1e-6 || !slices.Equal(sol.Sites, []int{1, 2}) {
		t.Fatalf("hand instance: %+v, want optimum 6 with sites [1 2]", sol)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 4; trial++ {
		in := propRandomInstance(rng, 10+rng.IntN(6), 5+rng.IntN(6), 0.3)
		k := 1 + rng.IntN(3)
		opt, _ := propBrute(in, k, math.Inf(1))
		sol := milpSolveCBC(t, in, k)
		if math.Abs(sol.Objective-opt) > 1e-6 || math.Abs(milpCoverage(in, sol.Sites)-opt) > 1e-6 || len(sol.Sites) > k {
			t.Errorf("trial %d: cbc %v (sites %v, coverage %v), brute force %v", trial, sol.Objective, sol.Sites, milpCoverage(in, sol.Sites), opt)
		}
	}
}

// TestMILPQuality compares greedy with the exact optimum on clustered
// synthetic instances of up to a few thousand points × a few hundred
// candidates. It runs only with MAILLAGE_MILP=1 (and cbc on PATH):
//
//	MAILLAGE_MILP=1 go test ./coverage -run MILPQuality -v
func TestMILPQuality(t *testing.T) {
	if os.Getenv("MAILLAGE_MILP") != "1" {
		t.Skip("set MAILLAGE_MILP=1 to compare greedy with CBC's optimum")
	}
	cases := []struct {
		points, cands, clusters, k int
		radius                     float64
	}{
		{500, 60, 8, 5, 6},
		{1000, 100, 12, 10, 5},
		{2000, 200, 20, 10, 5},
		{2000, 200, 20, 20, 4},
		{3000, 300, 30, 15, 5},
		{3000, 300, 40, 30, 4},
		{4000, 400, 40, 25, 4},
	}
	sum, sumSwap := 0.0, 0.0
	for n, c := range cases {
		rng := rand.New(rand.NewPCG(uint64(n)+100, 3))
		in := propClustered(rng, c.points, c.cands, c.clusters, c.radius)
		r, err := MaxCover(in, c.k)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		sol := milpSolveCBC(t, in, c.k)
		opt := milpCoverage(in, sol.Sites)
		if math.Abs(opt-sol.Objective) > 1e-6*max(1, opt) {
			t.Errorf("case %d: cbc objective %v but its sites cover %v", n, sol.Objective, opt)
		}
		if r.Gain > opt+1e-6 && sol.Optimal {
			t.Errorf("case %d: greedy %v beats the 'optimum' %v", n, r.Gain, opt)
		}
		if r.UpperBound < opt-1e-6 {
			t.Errorf("case %d: bound %v below the optimum %v", n, r.UpperBound, opt)
		}
		sw, err := SwapImprove(in, r, 50)
		if err != nil {
			t.Fatal(err)
		}
		ratio := r.Gain / opt
		sum += ratio
		sumSwap += sw.Gain / opt
		t.Logf("%d points × %d candidates, k=%2d: greedy %.1f, optimum %.1f (%s, cbc %v), greedy/opt %.4f, with swaps %.4f, bound %.1f (bound gap %.3f)",
			c.points, c.cands, c.k, r.Gain, opt, sol.Status, time.Since(start).Round(time.Millisecond), ratio, sw.Gain/opt, r.UpperBound, r.Gap)
	}
	avg := sum / float64(len(cases))
	t.Logf("average greedy/optimum over %d instances: %.4f (with swap local search: %.4f)", len(cases), avg, sumSwap/float64(len(cases)))
	if avg < 0.98 {
		t.Errorf("average greedy/optimum %.4f below the 0.98 target", avg)
	}
}
