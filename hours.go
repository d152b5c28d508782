package maillage

import "strings"

// Span is an opening interval within one day, in minutes since midnight
// [Open, Close). Close may be 1440 (midnight at the end of the day).
type Span struct {
	Open, Close uint16
}

// Week is a venue's weekly opening schedule. Days are indexed from Monday (0)
// to Sunday (6). The zero Week is "unknown", which is not the same as "closed
// all week" (Known true, no spans).
type Week struct {
	Known bool
	Days  [7][]Span
}

// Hours returns the weekly opening time in hours, or 0 if unknown.
func (w Week) Hours() float64 {
	m := 0
	for _, d := range w.Days {
		for _, s := range d {
			if s.Close > s.Open {
				m += int(s.Close - s.Open)
			}
		}
	}
	return float64(m) / 60
}

// DayKeys are the OpenStreetMap opening_hours day codes of Week.Days, Monday
// first: the one list of day names that parsers, scenario files, the API and
// the label catalogue use.
var DayKeys = [7]string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}

// ParseDay returns the index in Week.Days (0 = Monday) of the day code s
// ("Mo" … "Su", any case, surrounding spaces ignored).
func ParseDay(s string) (int, bool) {
	s = strings.TrimSpace(s)
	for i, d := range DayKeys {
		if strings.EqualFold(d, s) {
			return i, true
		}
	}
	return 0, false
}
