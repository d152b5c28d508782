package planner

import (
	"errors"
	"math"
	"testing"
)

func TestProposeRequestValidate(t *testing.T) {
	ok := ProposeRequest{Profiles: []string{"a"}, K: 3}
	cases := []struct {
		name  string
		edit  func(*ProposeRequest)
		field string // "" = valid
	}{
		{"valid", func(*ProposeRequest) {}, ""},
		{"k at the limit", func(r *ProposeRequest) { r.K = MaxProposalK }, ""},
		{"target without k", func(r *ProposeRequest) { r.K, r.Target = 0, 0.9 }, ""},
		{"no profile", func(r *ProposeRequest) { r.Profiles = nil }, "profiles"},
		{"too many profiles", func(r *ProposeRequest) { r.Profiles = make([]string, MaxProposalProfiles+1) }, "profiles"},
		{"empty profile name", func(r *ProposeRequest) { r.Profiles = []string{"a", ""}; r.Mix = []float64{1, 1} }, "profiles[1]"},
		{"mix length", func(r *ProposeRequest) { r.Mix = []float64{1, 2} }, "mix"},
		{"negative mix", func(r *ProposeRequest) { r.Mix = []float64{-1} }, "mix[0]"},
		{"k zero", func(r *ProposeRequest) { r.K = 0 }, "k"},
		{"k over", func(r *ProposeRequest) { r.K = MaxProposalK + 1 }, "k"},
		{"k over with target", func(r *ProposeRequest) { r.K, r.Target = MaxProposalK+1, 0.5 }, "k"},
		{"target over 1", func(r *ProposeRequest) { r.Target = 1.5 }, "target"},
		{"target NaN", func(r *ProposeRequest) { r.Target = math.NaN() }, "target"},
		{"hours over a week", func(r *ProposeRequest) { r.Hours = 169 }, "hours"},
		{"negative capacity", func(r *ProposeRequest) { r.PerHour = -1 }, "per_hour"},
		{"infinite min persons", func(r *ProposeRequest) { r.Candidates.MinPersons = math.Inf(1) }, "candidates.min_persons"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := ok
			r.Profiles = append([]string(nil), ok.Profiles...)
			tc.edit(&r)
			err := r.Validate()
			var re *RequestError
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("valid request refused: %v", err)
			case tc.field != "" && (!errors.As(err, &re) || !errors.Is(err, ErrInvalid) || re.Field != tc.field):
				t.Fatalf("err %v, want a RequestError on %s", err, tc.field)
			}
		})
	}
}

func TestTourRequestValidate(t *testing.T) {
	cases := []struct {
		r     TourRequest
		field string
	}{
		{TourRequest{Profile: "a", Stops: 8, BudgetHours: 35}, ""}, // default stop of 3.5 h
		{TourRequest{Profile: "a", Stops: 1, BudgetHours: 3.5, StopHours: 3.5}, ""},
		{TourRequest{Stops: 8, BudgetHours: 35}, "profile"},
		{TourRequest{Profile: "a", Stops: 0, BudgetHours: 35}, "stops"},
		{TourRequest{Profile: "a", Stops: 8, BudgetHours: 200}, "budget_hours"},
		{TourRequest{Profile: "a", Stops: 8, BudgetHours: 3}, "stop_hours"},
		{TourRequest{Profile: "a", Stops: 8, BudgetHours: 35, StopHours: -1}, "stop_hours"},
	}
	for _, tc := range cases {
		err := tc.r.Validate()
		var re *RequestError
		if tc.field == "" && err != nil || tc.field != "" && (!errors.As(err, &re) || re.Field != tc.field) {
			t.Errorf("%+v: err %v, want field %q", tc.r, err, tc.field)
		}
	}
}
