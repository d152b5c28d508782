package data

import (
	"fmt"
	"strings"

	"github.com/maillage/maillage"
)

// hoursFSColumns are the France Services CSV's weekday columns, Monday to
// Saturday (there is no Sunday column: Sunday is closed). Read-only.
var hoursFSColumns = [6]string{"h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi"}

// ParseFranceServicesDay parses one weekday cell of the France Services CSV,
// e.g. "09:00 - 12:00 / 13:30 - 17:00" (6.5 hours), into sorted, merged spans
// in minutes. An empty cell, "-", "Fermé"/"ferme"/"closed" mean closed (nil,
// nil). Tolerated: "9h00", "9h", "12h30", blanks anywhere around ":" "h" "-",
// ranges separated by "/", ",", ";" or blanks/newlines, and four chained
// strictly increasing times "09:00-12:30-13:30-17:00" read as two ranges (a
// form found in the 2022 file). An empty range ("00:00 - 00:00", 12 cells of
// the 2022 file, sometimes beside real ranges) adds no time: unlike
// OpenStreetMap, this format has no "equal times mean 24 hours" reading.
// Anything else is an error wrapping
// ErrHoursSyntax. Safe for concurrent use.
func ParseFranceServicesDay(s string) ([]maillage.Span, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch t {
	case "", "-", "fermé", "ferme", "fermée", "closed", "off":
		return nil, nil
	}
	// Remove blanks around ':', 'h' and '-' so that "08 :00 - 12 h 00" reads "08:00-12h00".
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		c := t[i]
		if hoursIsBlank(c) {
			j := i
			for j < len(t) && hoursIsBlank(t[j]) {
				j++
			}
			prev := byte(0)
			if b.Len() > 0 {
				prev = b.String()[b.Len()-1]
			}
			if hoursGlue(prev) || (j < len(t) && hoursGlue(t[j])) {
				i = j - 1
				continue
			}
			b.WriteByte(' ')
			i = j - 1
			continue
		}
		b.WriteByte(c)
	}
	chunks := strings.FieldsFunc(b.String(), func(r rune) bool {
		return r == '/' || r == ',' || r == ';' || r == ' '
	})
	if len(chunks) == 0 {
		return nil, fmt.Errorf("%w: no time range in %q", ErrHoursSyntax, s)
	}
	var out []maillage.Span
	for _, c := range chunks {
		parts := strings.Split(c, "-")
		if len(parts) != 2 && len(parts) != 4 {
			return nil, fmt.Errorf("%w: %q is not a time range in %q", ErrHoursSyntax, c, s)
		}
		mins := make([]int, len(parts))
		for k, part := range parts {
			q := hoursScanner{s: part}
			m, err := q.clock()
			if err != nil || !q.eof() || m > hoursDay {
				return nil, fmt.Errorf("%w: bad time %q in %q", ErrHoursSyntax, part, s)
			}
			if k > 0 && m < mins[k-1] || k > 1 && m == mins[k-1] {
				return nil, fmt.Errorf("%w: times not increasing in %q", ErrHoursSyntax, s)
			}
			mins[k] = m
		}
		for k := 0; k < len(mins); k += 2 {
			if mins[k] == mins[k+1] {
				continue // "00:00 - 00:00": an empty placeholder, no opening time
			}
			out = append(out, maillage.Span{Open: uint16(mins[k]), Close: uint16(mins[k+1])})
		}
	}
	return hoursNormalise(out), nil
}

func hoursIsBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func hoursGlue(c byte) bool { return c == ':' || c == 'h' || c == '-' }

// FranceServicesHoursError is a France Services weekday cell that failed to
// parse: Column is e.g. "h_mardi".
type FranceServicesHoursError struct {
	Column string
	Err    error
}

func (e *FranceServicesHoursError) Error() string { return e.Column + ": " + e.Err.Error() }

func (e *FranceServicesHoursError) Unwrap() error { return e.Err }

// ParseFranceServicesWeek builds the week from the six cells h_lundi,
// h_mardi, h_mercredi, h_jeudi, h_vendredi, h_samedi in that order; Sunday is
// closed. If every cell is empty (or "-"), the hours are unknown:
// ErrHoursEmpty. If any cell fails to parse, the whole week is unknown (a
// *FranceServicesHoursError names the column): a partly known week is never
// returned. Safe for concurrent use.
func ParseFranceServicesWeek(cells [6]string) (maillage.Week, error) {
	var w maillage.Week
	empty := true
	for i, c := range cells {
		if t := strings.TrimSpace(c); t != "" && t != "-" {
			empty = false
		}
		spans, err := ParseFranceServicesDay(c)
		if err != nil {
			return maillage.Week{}, &FranceServicesHoursError{Column: hoursFSColumns[i], Err: err}
		}
		w.Days[i] = spans
	}
	if empty {
		return maillage.Week{}, ErrHoursEmpty
	}
	w.Known = true
	return w, nil
}
