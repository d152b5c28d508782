package propose

import (
	"fmt"
	"math"
)

// CoverInstance is an abstract covering problem: weighted demand points and
// candidate sites with the sets of demand points they cover. Only Weight and
// Sets are required; the other per-point slices are optional and only feed the
// per-site reports. An CoverInstance is read-only for MaxCover and SetCover, which
// may run concurrently on the same CoverInstance.
type CoverInstance struct {
	// Weight is the weighted demand of each point not yet covered (≥ 0).
	Weight []float64
	// Sets[j] lists, in strictly increasing order, the demand points that
	// candidate j covers.
	Sets [][]int32
	// Times[j], when not nil, holds the travel time in seconds from candidate
	// j to each point of Sets[j] (same order). Used by the capacity model.
	Times [][]float32
	// Base is the weighted demand already covered by the existing places; it
	// only enters the shares reported (covered before/after).
	Base float64

	// Persons, optional, is the number of persons at each point.
	Persons []float64
	// Bands, optional, is a row-major matrix len(Weight) × len(BandNames):
	// persons by age band (or any breakdown) at each point.
	Bands     []float64
	BandNames []string
	// Commune, optional, is the commune index of each point (−1 if none).
	Commune []int32

	singles []float64 // stand-alone gains cached by Prepare
}

// Validate checks the instance: lengths, non-negative finite weights, and
// sets strictly increasing within [0, len(Weight)). It returns an error
// wrapping ErrCoverInstance.
func (in *CoverInstance) Validate() error {
	if err := in.validateShape(); err != nil {
		return err
	}
	for j := range in.Sets {
		if err := in.validateSet(j); err != nil {
			return err
		}
	}
	return nil
}

// validateShape checks everything but the order and range of set members
// (O(points + candidates)); validateSet checks one set. MaxCover and SetCover
// check sets during their first evaluation pass instead of a separate one.
func (in *CoverInstance) validateShape() error {
	n := len(in.Weight)
	for i, w := range in.Weight {
		if !(w >= 0) || math.IsInf(w, 0) {
			return fmt.Errorf("%w: weight %d is %v", ErrCoverInstance, i, w)
		}
	}
	if in.Times != nil && len(in.Times) != len(in.Sets) {
		return fmt.Errorf("%w: %d time lists for %d sets", ErrCoverInstance, len(in.Times), len(in.Sets))
	}
	if in.Times != nil {
		for j, s := range in.Sets {
			if len(in.Times[j]) != len(s) {
				return fmt.Errorf("%w: set %d has %d points and %d times", ErrCoverInstance, j, len(s), len(in.Times[j]))
			}
		}
	}
	if in.Persons != nil && len(in.Persons) != n {
		return fmt.Errorf("%w: %d persons for %d points", ErrCoverInstance, len(in.Persons), n)
	}
	if in.Commune != nil && len(in.Commune) != n {
		return fmt.Errorf("%w: %d communes for %d points", ErrCoverInstance, len(in.Commune), n)
	}
	if nb := len(in.BandNames); in.Bands != nil && len(in.Bands) != n*nb {
		return fmt.Errorf("%w: %d band values for %d points × %d bands", ErrCoverInstance, len(in.Bands), n, nb)
	}
	return nil
}

func (in *CoverInstance) validateSet(j int) error {
	n := len(in.Weight)
	prev := int32(-1)
	for _, i := range in.Sets[j] {
		if i <= prev || int(i) >= n {
			return fmt.Errorf("%w: set %d: point %d out of order or out of range [0,%d)", ErrCoverInstance, j, i, n)
		}
		prev = i
	}
	return nil
}

// TotalWeight returns Base plus the weight of every demand point.
func (in *CoverInstance) TotalWeight() float64 {
	t := in.Base
	for _, w := range in.Weight {
		t += w
	}
	return t
}

// SiteGain is what one chosen site adds, given the sites chosen before it.
type SiteGain struct {
	Candidate int       `json:"candidate"` // index in CoverInstance.Sets
	Gain      float64   `json:"gain"`      // weighted demand newly covered
	Points    int       `json:"points"`    // demand points newly covered
	Persons   float64   `json:"persons"`   // persons newly covered (0 without CoverInstance.Persons)
	Bands     []float64 `json:"bands,omitempty"`
	Communes  []int32   `json:"communes,omitempty"` // sorted commune indices with newly covered points
}

// CoverResult is the answer of MaxCover or SetCover.
type CoverResult struct {
	Sites []SiteGain `json:"sites"` // in the order chosen
	// Gain is the weighted demand newly covered by all sites (Σ Sites[i].Gain).
	Gain float64 `json:"gain"`
	// Base and Total are CoverInstance.Base and Base + Σ Weight: the shares
	// covered before and after are Base/Total and (Base+Gain)/Total.
	Base  float64 `json:"base"`
	Total float64 `json:"total"`
	// UpperBound bounds from above the gain of the best k sites (MaxCover; for
	// SetCover, the best len(Sites) sites). Gap is 1 − Gain/UpperBound.
	UpperBound float64 `json:"upper_bound"`
	Gap        float64 `json:"gap"`
	// SetCover only: the target share, whether it was reached, and a lower
	// bound on the number of sites any solution needs to reach it.
	Target   float64 `json:"target,omitempty"`
	Reached  bool    `json:"reached,omitempty"`
	MinSites int     `json:"min_sites,omitempty"`
	// Evaluations counts marginal-gain evaluations (the work measure).
	Evaluations int64 `json:"evaluations"`
}

// ShareBefore returns the share of the total weighted demand covered before
// the new sites (0 when the total is 0).
func (r *CoverResult) ShareBefore() float64 { return propShare(r.Base, r.Total) }

// ShareAfter returns the share covered with the new sites.
func (r *CoverResult) ShareAfter() float64 { return propShare(r.Base+r.Gain, r.Total) }

func propShare(a, t float64) float64 {
	if t <= 0 {
		return 0
	}
	return a / t
}
