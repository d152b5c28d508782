package planner

import (
	"testing"

	"github.com/maillage/maillage/data"
)

// TestOpeningHoursFor: the weekly hours of a proposed site become an
// opening_hours string that the reader parses back to those hours.
func TestOpeningHoursFor(t *testing.T) {
	for _, h := range []float64{7, 3.5, 1, 10, 17.5, 35, 40, 49, 60, 0.25} {
		s := OpeningHoursFor(h)
		w, err := data.ParseOpeningHours(s)
		tol := 1.0 / 60
		if h > 49 {
			tol = 7.0 / 60 // each day to the minute
		}
		if err != nil || w.Hours() < h-tol || w.Hours() > h+tol {
			t.Errorf("%g h: %q parses to %g h (%v)", h, s, w.Hours(), err)
		}
	}
	if got := OpeningHoursFor(7); got != "Mo,Tu 09:00-12:30" {
		t.Errorf("7 h: %q", got)
	}
	if got := OpeningHoursFor(10); got != "Mo,Tu 09:00-12:30; We 09:00-12:00" {
		t.Errorf("10 h: %q", got)
	}
}
