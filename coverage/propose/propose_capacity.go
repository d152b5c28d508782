package propose

import (
	"cmp"
	"fmt"
	"slices"
)

// Capacity model. A permanence open h hours a week that serves at most c
// persons per staffed hour can take on c·h persons (Capacity[j]). Demand is
// assigned nearest first: every (point, open site) pair within reach is taken
// in increasing travel time (ties: earlier site, then lower point), and the
// point's remaining demand goes to the site while the site has room; what a
// full site cannot take spills to the next nearest open site in reach. The
// demand unit is the instance weight (persons when the profile counts
// persons). Points reached by no new site are uncovered; demand reached but
// left unassigned is covered-but-over-capacity.

// CapacityAssignment splits the weighted demand that was uncovered before the new
// sites into served, reached-but-over-capacity and still uncovered; the
// three sum to the instance's Σ Weight.
type CapacityAssignment struct {
	Served       float64   `json:"served"`
	OverCapacity float64   `json:"over_capacity"`
	Uncovered    float64   `json:"uncovered"`
	SiteServed   []float64 `json:"site_served"` // per site, in the order given
	SiteCapacity []float64 `json:"site_capacity"`
}

// AssignCapacity assigns the demand of in to the open sites (candidate
// indices) with the given capacities (same length; +Inf for unlimited), by
// the nearest-first rule above. Travel times come from in.Times; without
// them every pair ties and sites are preferred in the order given.
func AssignCapacity(in *CoverInstance, sites []int, capacity []float64) (*CapacityAssignment, error) {
	if len(sites) != len(capacity) {
		return nil, fmt.Errorf("%w: %d sites and %d capacities", ErrCoverInstance, len(sites), len(capacity))
	}
	type pair struct {
		t    float32
		site int32
		pt   int32
	}
	var pairs []pair
	for s, j := range sites {
		if j < 0 || j >= len(in.Sets) {
			return nil, fmt.Errorf("%w: site %d out of range", ErrCoverInstance, j)
		}
		if !(capacity[s] >= 0) {
			return nil, fmt.Errorf("%w: capacity %v of site %d", ErrCoverInstance, capacity[s], j)
		}
		for k, i := range in.Sets[j] {
			p := pair{site: int32(s), pt: i}
			if in.Times != nil {
				p.t = in.Times[j][k]
			}
			pairs = append(pairs, p)
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.site, b.site), cmp.Compare(a.pt, b.pt))
	})
	rep := &CapacityAssignment{SiteServed: make([]float64, len(sites)), SiteCapacity: slices.Clone(capacity)}
	left := slices.Clone(in.Weight)
	reached := make([]bool, len(in.Weight))
	for _, p := range pairs {
		reached[p.pt] = true
		room := capacity[p.site] - rep.SiteServed[p.site]
		if left[p.pt] <= 0 || room <= 0 {
			continue
		}
		x := min(left[p.pt], room)
		left[p.pt] -= x
		rep.SiteServed[p.site] += x
		rep.Served += x
	}
	for i, w := range left {
		if reached[i] {
			rep.OverCapacity += w
		} else {
			rep.Uncovered += w
		}
	}
	return rep, nil
}
