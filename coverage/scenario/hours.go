package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/maillage/maillage"
)

// DaySpan is one opening interval in structured form:
// {"day":"Mo","open":"09:00","close":"12:00"}. Day is an OpenStreetMap day
// abbreviation (Mo Tu We Th Fr Sa Su, any case); Open and Close are "HH:MM"
// local times, Close may be "24:00" and must be after Open.
type DaySpan struct {
	Day   string `json:"day"`
	Open  string `json:"open"`
	Close string `json:"close"`
}

// parseClock parses "HH:MM" (00:00 to 24:00) into minutes since midnight.
func parseClock(s string) (uint16, error) {
	s = strings.TrimSpace(s)
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("%s is not a HH:MM time", quote(s))
	}
	var hm [2]int
	for i, part := range []string{s[:2], s[3:]} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("%s is not a HH:MM time", quote(s))
			}
			hm[i] = hm[i]*10 + int(c-'0')
		}
	}
	if hm[1] > 59 || hm[0] > 24 || (hm[0] == 24 && hm[1] != 0) {
		return 0, fmt.Errorf("%s is not a time of day (00:00 to 24:00)", quote(s))
	}
	return uint16(hm[0]*60 + hm[1]), nil
}

func formatClock(m uint16) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// parseSpans turns structured spans into a Week, reporting each bad field of
// change i. Spans are sorted within a day; overlapping spans are an error.
func parseSpans(ps *problems, i int, spans []DaySpan) maillage.Week {
	w := maillage.Week{Known: true}
	for j, sp := range spans {
		field := fmt.Sprintf("hours[%d]", j)
		d, ok := maillage.ParseDay(sp.Day)
		if !ok {
			ps.add(i, field+".day", "unknown day %s (want one of Mo Tu We Th Fr Sa Su)", quote(sp.Day))
		}
		o, err1 := parseClock(sp.Open)
		if err1 != nil {
			ps.add(i, field+".open", "%v", err1)
		}
		c, err2 := parseClock(sp.Close)
		if err2 != nil {
			ps.add(i, field+".close", "%v", err2)
		}
		if !ok || err1 != nil || err2 != nil {
			continue
		}
		if c <= o {
			ps.add(i, field+".close", "closes at %s, not after it opens at %s (negative or zero hours)", sp.Close, sp.Open)
			continue
		}
		w.Days[d] = append(w.Days[d], maillage.Span{Open: o, Close: c})
	}
	for d := range w.Days {
		slices.SortFunc(w.Days[d], func(a, b maillage.Span) int { return int(a.Open) - int(b.Open) })
	}
	return w
}

// checkWeek reports what is wrong with a week, whatever its origin: spans
// with a negative or zero length, past midnight, overlapping, or a total over
// 168 hours.
func checkWeek(w maillage.Week) error {
	total := 0
	for d, spans := range w.Days {
		for k, s := range spans {
			if s.Close <= s.Open {
				return fmt.Errorf("%s %s-%s has negative or zero hours", maillage.DayKeys[d], formatClock(s.Open), formatClock(s.Close))
			}
			if s.Close > 24*60 {
				return fmt.Errorf("%s closes after midnight (%d min)", maillage.DayKeys[d], s.Close)
			}
			if k > 0 && s.Open < spans[k-1].Close {
				return fmt.Errorf("%s %s-%s overlaps %s-%s", maillage.DayKeys[d],
					formatClock(s.Open), formatClock(s.Close), formatClock(spans[k-1].Open), formatClock(spans[k-1].Close))
			}
			total += int(s.Close - s.Open)
		}
	}
	if total > 168*60 {
		return fmt.Errorf("%.1f hours a week is over 168", float64(total)/60)
	}
	return nil
}

// FormatWeek writes w in the simple form of the OpenStreetMap opening_hours
// syntax ("Mo 09:00-12:00,14:00-17:00; We 09:00-12:00"), "" if unknown and
// "off" if closed all week.
func FormatWeek(w maillage.Week) string {
	if !w.Known {
		return ""
	}
	var parts []string
	for d, spans := range w.Days {
		if len(spans) == 0 {
			continue
		}
		times := make([]string, len(spans))
		for k, s := range spans {
			times[k] = formatClock(s.Open) + "-" + formatClock(s.Close)
		}
		parts = append(parts, maillage.DayKeys[d]+" "+strings.Join(times, ","))
	}
	if len(parts) == 0 {
		return "off"
	}
	return strings.Join(parts, "; ")
}

// WeekSpans returns w as structured spans, Monday first.
func WeekSpans(w maillage.Week) []DaySpan {
	var out []DaySpan
	for d, spans := range w.Days {
		for _, s := range spans {
			out = append(out, DaySpan{Day: maillage.DayKeys[d], Open: formatClock(s.Open), Close: formatClock(s.Close)})
		}
	}
	return out
}

func sameWeek(a, b maillage.Week) bool {
	if a.Known != b.Known {
		return false
	}
	for d := range a.Days {
		if !slices.Equal(a.Days[d], b.Days[d]) {
			return false
		}
	}
	return true
}
