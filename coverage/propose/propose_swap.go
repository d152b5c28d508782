package propose

import (
	"fmt"
	"slices"
)

// Swap local search. Starting from a set of k sites, repeatedly apply the
// best exchange "remove site s, add candidate c" that increases the covered
// weight. With cnt[i] the number of chosen sites covering point i, and
// owner[i] the site covering it when cnt[i] = 1, the change of a swap is
//
//	Δ(s, c) = gain(c | S) + Σ_{i ∈ S_c, cnt[i] = 1, owner[i] = s} w_i − loss(s)
//
// where loss(s) is the weight only s covers. One pass over every candidate's
// set yields gain(c | S) and the middle term for every s at once, so a pass
// costs Σ|S_c| + (#candidates)·k: the same order as greedy's first pass.

// SwapImprove improves a MaxCover (or SetCover) answer by at most maxSwaps
// best-improvement exchanges, and returns a new CoverResult: the same number of
// sites, reordered greedily (each site's gain is its marginal gain given
// those before it), UpperBound the smaller of the input's and f(S') + the k
// largest gains w.r.t. the final set S', and the resulting Gap. It is safe
// for concurrent use on the same CoverInstance.
func SwapImprove(in *CoverInstance, res *CoverResult, maxSwaps int) (*CoverResult, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	chosen := make([]int32, len(res.Sites))
	isChosen := make([]bool, len(in.Sets))
	for k, s := range res.Sites {
		if s.Candidate < 0 || s.Candidate >= len(in.Sets) || isChosen[s.Candidate] {
			return nil, fmt.Errorf("%w: site %d repeated or out of range", ErrCoverInstance, s.Candidate)
		}
		chosen[k] = int32(s.Candidate)
		isChosen[s.Candidate] = true
	}
	k := len(chosen)
	cnt := make([]int32, len(in.Weight))
	owner := make([]int32, len(in.Weight)) // position in chosen when cnt == 1
	for p, j := range chosen {
		for _, i := range in.Sets[j] {
			cnt[i]++
			owner[i] = int32(p)
		}
	}
	fixOwner := func(i int32) { // after a change, find the single site left covering i
		for p, j := range chosen {
			if _, ok := slices.BinarySearch(in.Sets[j], i); ok {
				owner[i] = int32(p)
				return
			}
		}
	}
	loss := make([]float64, k)
	term := make([]float64, k)
	var evals int64
	eps := 1e-12 * max(1, res.Total)
	swaps := 0
	for ; swaps < maxSwaps && k > 0; swaps++ {
		clear(loss)
		for i, c := range cnt {
			if c == 1 {
				loss[owner[i]] += in.Weight[i]
			}
		}
		bestD, bestS, bestC := eps, -1, int32(-1)
		for c := range in.Sets {
			if isChosen[c] {
				continue
			}
			evals++
			clear(term)
			g := 0.0
			for _, i := range in.Sets[c] {
				switch cnt[i] {
				case 0:
					g += in.Weight[i]
				case 1:
					term[owner[i]] += in.Weight[i]
				}
			}
			for p := range k {
				if d := g + term[p] - loss[p]; d > bestD {
					bestD, bestS, bestC = d, p, int32(c)
				}
			}
		}
		if bestS < 0 {
			break
		}
		out := chosen[bestS]
		chosen[bestS] = bestC
		isChosen[out], isChosen[bestC] = false, true
		for _, i := range in.Sets[out] {
			cnt[i]--
		}
		for _, i := range in.Sets[bestC] {
			cnt[i]++
			if cnt[i] == 1 {
				owner[i] = int32(bestS)
			}
		}
		for _, i := range in.Sets[out] {
			if cnt[i] == 1 {
				fixOwner(i)
			}
		}
	}
	// A second certificate: for ANY set S', OPT ≤ f(S') + the k largest
	// gains Δ(c | S') (submodularity), so the final set gives a bound too,
	// often tighter than greedy's since f(S') is larger.
	var top []float64
	for c := range in.Sets {
		if isChosen[c] {
			continue
		}
		evals++
		g := 0.0
		for _, i := range in.Sets[c] {
			if cnt[i] == 0 {
				g += in.Weight[i]
			}
		}
		if len(top) < k {
			top = append(top, g)
			slices.Sort(top)
		} else if k > 0 && g > top[0] {
			top[0] = g
			slices.Sort(top)
		}
	}
	covered := 0.0
	for i, c := range cnt {
		if c > 0 {
			covered += in.Weight[i]
		}
	}
	bound := covered
	for _, g := range top {
		bound += g
	}
	// Reorder the final sites greedily and rebuild the reports.
	sub := &CoverInstance{Weight: in.Weight, Base: in.Base, Persons: in.Persons, Bands: in.Bands, BandNames: in.BandNames, Commune: in.Commune,
		Sets: make([][]int32, k)}
	for p, j := range chosen {
		sub.Sets[p] = in.Sets[j]
	}
	r, err := MaxCover(sub, k)
	if err != nil {
		return nil, err
	}
	out := &CoverResult{Base: res.Base, Total: res.Total, UpperBound: min(res.UpperBound, bound), Target: res.Target, MinSites: res.MinSites,
		Evaluations: res.Evaluations + evals + r.Evaluations}
	for _, sg := range r.Sites {
		sg.Candidate = int(chosen[sg.Candidate])
		out.Sites = append(out.Sites, sg)
		out.Gain += sg.Gain
	}
	if out.Gain < res.Gain { // cannot happen: swaps only improve
		return res, nil
	}
	out.UpperBound = max(out.UpperBound, out.Gain)
	out.Gap = propGap(out.Gain, out.UpperBound)
	out.Reached = res.Target > 0 && out.Base+out.Gain >= res.Target*out.Total-1e-9*max(1, out.Total)
	return out, nil
}
