package maillage

import "testing"

func TestParseDay(t *testing.T) {
	for i, k := range DayKeys {
		for _, s := range []string{k, " " + k + " "} {
			if d, ok := ParseDay(s); !ok || d != i {
				t.Errorf("ParseDay(%q) = %d, %v; want %d", s, d, ok, i)
			}
		}
	}
	for s, want := range map[string]int{"mo": 0, "SU": 6, "fR": 4} {
		if d, ok := ParseDay(s); !ok || d != want {
			t.Errorf("ParseDay(%q) = %d, %v; want %d", s, d, ok, want)
		}
	}
	for _, s := range []string{"", "Mon", "lu", "M"} {
		if _, ok := ParseDay(s); ok {
			t.Errorf("ParseDay(%q) accepted", s)
		}
	}
}
