package coverage

import "math"

// Accessibility: the two-step floating catchment area (2SFCA) family.
//
// For a profile with time limit T (seconds) and decay f (f(t) = 0 for t > T):
//
//	S_j = weekly staffed hours of suitable place j (its known opening hours;
//	      Profile.UnknownHoursSupply when its hours are unknown, default 0,
//	      i.e. left out of the supply)
//	P_k = weighted demand of cell k (Profile.Weighted, persons × weights)
//	R_j = 1000 · S_j / Σ_k P_k · f(t_kj)     (step 1: supply-to-demand ratio
//	                                           of place j over its catchment)
//	A_i = Σ_j R_j · f(t_ij)                   (step 2: what cell i can reach)
//
// A_i is in hours per week per 1,000 weighted inhabitants. A place whose
// catchment holds no demand (Σ_k P_k f(t_kj) = 0) has R_j = 0: nobody can
// reach it, so nobody's accessibility changes. The same f weighs both steps
// (the E2SFCA of Luo & Qi 2009 when f is the E2SFCA step weights). Per
// commune, accessibility is the weighted mean of A_i over the commune's
// parts, Σ P_i A_i / Σ P_i.
//
// Since R_j depends only on place j's own catchment, adding, removing or
// changing place j changes A_i only for the cells i in that catchment: the
// incremental update adds ΔR_j · f(t_ij) to them.

// decayFn evaluates a profile's decay function. The zero value is the step.
type decayFn struct {
	kind  Decay
	limit float64 // T, seconds
	beta  float64 // exponential rate, per second
}

func newDecay(p *Profile) decayFn {
	d := decayFn{kind: p.Decay, limit: p.MaxSeconds()}
	if d.kind == "" {
		d.kind = DecayStep
	}
	if d.kind == DecayExponential {
		if p.DecayParam > 0 {
			d.beta = p.DecayParam / 60
		} else if d.limit > 0 {
			d.beta = 3 / d.limit
		}
	}
	return d
}

// gaussFloor is exp(−½), the Gaussian decay's value at T before rescaling.
var gaussFloor = math.Exp(-0.5)

// at returns f(t) for t seconds.
func (d decayFn) at(t float64) float64 {
	if t > d.limit || t < 0 {
		return 0
	}
	switch d.kind {
	case DecayE2SFCA:
		switch {
		case t < d.limit/3:
			return 1
		case t < 2*d.limit/3:
			return 0.68
		default:
			return 0.22
		}
	case DecayAPL:
		switch {
		case t < 300:
			return 1
		case t < 600:
			return 0.3
		case t < 900:
			return 0.1
		default:
			return 0
		}
	case DecayLinear:
		return 1 - t/d.limit
	case DecayExponential:
		return math.Exp(-d.beta * t)
	case DecayGaussian:
		x := t / d.limit
		return (math.Exp(-0.5*x*x) - gaussFloor) / (1 - gaussFloor)
	}
	return 1 // step
}
