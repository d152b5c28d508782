package planner

import (
	"errors"
	"fmt"
	"math"

	"github.com/maillage/maillage/coverage/propose"
)

// ErrInvalid is wrapped by every *RequestError: a request the planner
// refuses before computing (the limits of proposals and tours).
var ErrInvalid = errors.New("planner: invalid request")

// RequestError names the field of a request that is out of its limits and
// why. Fields are the JSON names of POST /api/v1/proposals (k, target,
// hours…), which the CLI flags mirror.
type RequestError struct {
	Field  string
	Reason string
}

func (e *RequestError) Error() string { return e.Field + ": " + e.Reason }

// Unwrap returns ErrInvalid.
func (e *RequestError) Unwrap() error { return ErrInvalid }

// The limits of a proposal request.
const (
	MaxProposalK        = 500 // most sites of one proposal
	MaxProposalProfiles = 16  // most profiles of one mix
)

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func invalid(field, format string, a ...any) error {
	return &RequestError{Field: field, Reason: fmt.Sprintf(format, a...)}
}

// Validate checks r against the limits every front end shares: 1 to
// MaxProposalProfiles named profiles, one mix coefficient ≥ 0 per profile
// (or none), k in 1..MaxProposalK (0..MaxProposalK with a target), a target
// share in [0, 1], weekly hours in [0, 168], a capacity ≥ 0 and candidates
// with a finite minimum of persons. Errors are *RequestError.
func (r *ProposeRequest) Validate() error {
	switch {
	case len(r.Profiles) == 0:
		return invalid("profiles", "at least one profile is needed")
	case len(r.Profiles) > MaxProposalProfiles:
		return invalid("profiles", "%d profiles, at most %d", len(r.Profiles), MaxProposalProfiles)
	case len(r.Mix) > 0 && len(r.Mix) != len(r.Profiles):
		return invalid("mix", "%d coefficients for %d profiles", len(r.Mix), len(r.Profiles))
	case !finite(r.Target) || r.Target < 0 || r.Target > 1:
		return invalid("target", "%g is not in [0, 1]", r.Target)
	case r.Target == 0 && (r.K < 1 || r.K > MaxProposalK):
		return invalid("k", "%d is not in 1..%d", r.K, MaxProposalK)
	case r.Target > 0 && (r.K < 0 || r.K > MaxProposalK):
		return invalid("k", "%d is not in 0..%d", r.K, MaxProposalK)
	case !finite(r.Hours) || r.Hours < 0 || r.Hours > 168:
		return invalid("hours", "%g is not in [0, 168]", r.Hours)
	case !finite(r.PerHour) || r.PerHour < 0:
		return invalid("per_hour", "%g is not a finite number ≥ 0", r.PerHour)
	case !finite(r.Candidates.MinPersons) || r.Candidates.MinPersons < 0:
		return invalid("candidates.min_persons", "%g is not a finite number ≥ 0", r.Candidates.MinPersons)
	}
	for i, m := range r.Mix {
		if !finite(m) || m < 0 {
			return invalid(fmt.Sprintf("mix[%d]", i), "%g is not a finite number ≥ 0", m)
		}
	}
	for i, p := range r.Profiles {
		if p == "" {
			return invalid(fmt.Sprintf("profiles[%d]", i), "empty name")
		}
	}
	return nil
}

// Validate checks a tour request: a profile, at least one stop, and
// 0 < stop hours ≤ budget hours ≤ 168 (a zero StopHours means the default
// 3.5 h). Errors are *RequestError.
func (r *TourRequest) Validate() error {
	stop := r.StopHours
	if stop == 0 {
		stop = propose.DefaultStopHours
	}
	switch {
	case r.Profile == "":
		return invalid("profile", "a tour needs one profile")
	case r.Stops < 1:
		return invalid("stops", "%d: want at least 1", r.Stops)
	case !finite(r.BudgetHours) || r.BudgetHours <= 0 || r.BudgetHours > 168:
		return invalid("budget_hours", "%g is not in (0, 168]", r.BudgetHours)
	case !finite(stop) || stop <= 0 || stop > r.BudgetHours:
		return invalid("stop_hours", "%g is not in (0, budget_hours %g]", stop, r.BudgetHours)
	}
	return nil
}
