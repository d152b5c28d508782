package data

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/maillage/maillage"
)

// Errors returned by the opening-hours parsers. Callers test them with
// errors.Is; the wrapped message says where and why.
var (
	// ErrHoursEmpty: no opening hours were given (an empty field). The venue's
	// hours are unknown, which is not an error in the data.
	ErrHoursEmpty = errors.New("data: no opening hours given")
	// ErrHoursSyntax: the opening hours could not be parsed.
	ErrHoursSyntax = errors.New("data: opening hours syntax")
	// ErrHoursUnsupported: valid OpenStreetMap syntax that a weekly template
	// cannot represent (months, dates, week numbers, nth weekday, sunrise,
	// fallback rules, "unknown" state…).
	ErrHoursUnsupported = errors.New("data: opening hours not representable as a weekly template")
)

const hoursDay = 24 * 60 // minutes in a day

// hoursSpan is an opening span attached to the day it starts on, in minutes
// since that day's midnight; Close may exceed 1440 (the span runs past midnight).
type hoursSpan struct{ open, close int }

// hoursRule is one parsed opening_hours rule.
type hoursRule struct {
	days       [7]bool
	hasDays    bool // a weekday selector (or 24/7) was given
	holiday    bool // the selector named PH/SH only: the rule is ignored
	spans      []hoursSpan
	hasTimes   bool
	off        bool // off / closed
	additional bool // introduced by "," (adds to the days) rather than ";" (replaces)
}

// ParseOpeningHours parses s in the OpenStreetMap opening_hours syntax into a
// weekly template (maillage.Week, Known true, Days[0] = Monday, spans in
// minutes). It is safe for concurrent use.
//
// Supported: weekday ranges and lists (Mo-Fr, Mo,We,Fr, Su-Tu wraps), several
// time ranges (08:30-12:30,13:30-17:00), rules separated by ";" where a later
// rule replaces the days it names, additional rules separated by ","
// ("Mo 09:00-12:00, We 14:00-16:00": they add to the days they name),
// off/closed/open, 24/7, a rule without days (applies to every day), a day
// without times (open all day), times up to 24:00 as a start-of-range limit
// and up to 48:00 as an end, ranges past midnight (22:00-02:00 or 20:00-26:00:
// the part after midnight goes onto the next day, Sunday onto Monday), and
// comments in double quotes after a rule's times (ignored). Overlapping or
// touching ranges of a day are merged.
//
// Rules whose selector names only public or school holidays (PH off, PH
// 10:00-12:00, SH …) are ignored: the week describes an ordinary week; a mixed
// selector such as "Mo-Fr,PH" keeps its weekdays.
//
// Leniencies found in real exports and accepted: day names in any case, a
// colon after the day selector ("Mo-Fr: 09:00-12:00"), blanks around the dash
// of a time range, French "9h", "9h30", "10h00" times, one-digit hours.
//
// Everything else is an error (never a guess): the caller should keep the
// venue with unknown hours. In particular: a bare time with no end ("Tu
// 12:30"), chained times ("08:30-12:00-13:30"), an empty range ("14:00-14:00",
// 24 hours in OSM's reading, almost surely not what was meant), a rule made of
// a comment only, months, dates, week numbers, nth weekdays ("Mo[1]"),
// sunrise/sunset, open-ended "12:00+", "||" fallback rules, the "unknown"
// state (ErrHoursUnsupported), and input where no rule describes weekdays
// (e.g. only "PH off").
func ParseOpeningHours(s string) (maillage.Week, error) {
	var w maillage.Week
	p := hoursScanner{s: s}
	p.skipSpace()
	if p.eof() {
		return w, ErrHoursEmpty
	}
	var origin [7][]hoursSpan // spans by the day they start on
	applied := false
	additional := false
	for {
		r, err := p.rule()
		if err != nil {
			return w, err
		}
		r.additional = additional
		if hoursApply(&origin, r) {
			applied = true
		}
		p.skipSpace()
		if p.eof() {
			break
		}
		switch {
		case strings.HasPrefix(p.s[p.i:], "||"):
			return w, p.errorf(ErrHoursUnsupported, "fallback rule \"||\"")
		case p.s[p.i] == ';':
			additional = false
		case p.s[p.i] == ',':
			additional = true
		default:
			return w, p.errorf(ErrHoursSyntax, "unexpected %q", p.rest())
		}
		p.i++
		p.skipSpace()
		if p.eof() {
			if additional {
				return w, p.errorf(ErrHoursSyntax, "trailing \",\"")
			}
			break // a trailing ";" is tolerated
		}
	}
	if !applied {
		return w, fmt.Errorf("%w: no rule describes weekdays in %q", ErrHoursUnsupported, s)
	}
	w.Known = true
	for d := range origin {
		for _, sp := range origin[d] {
			if sp.close <= hoursDay {
				w.Days[d] = append(w.Days[d], maillage.Span{Open: uint16(sp.open), Close: uint16(sp.close)})
				continue
			}
			w.Days[d] = append(w.Days[d], maillage.Span{Open: uint16(sp.open), Close: hoursDay})
			next := (d + 1) % 7
			w.Days[next] = append(w.Days[next], maillage.Span{Open: 0, Close: uint16(sp.close - hoursDay)})
		}
	}
	for d := range w.Days {
		w.Days[d] = hoursNormalise(w.Days[d])
	}
	return w, nil
}

// hoursApply applies rule r to the per-day spans; it reports whether the rule
// concerned weekdays (holiday-only rules are ignored).
func hoursApply(origin *[7][]hoursSpan, r hoursRule) bool {
	if r.holiday {
		return false
	}
	days := r.days
	if !r.hasDays {
		days = [7]bool{true, true, true, true, true, true, true}
	}
	spans := r.spans
	if !r.hasTimes && !r.off {
		spans = []hoursSpan{{0, hoursDay}}
	}
	for d, on := range days {
		if !on {
			continue
		}
		switch {
		case r.off:
			origin[d] = nil
		case r.additional:
			origin[d] = append(origin[d], spans...)
		default:
			origin[d] = append([]hoursSpan(nil), spans...)
		}
	}
	return true
}

// hoursNormalise sorts spans and merges overlapping or touching ones.
func hoursNormalise(in []maillage.Span) []maillage.Span {
	if len(in) < 2 {
		return in
	}
	sort.Slice(in, func(i, j int) bool { return in[i].Open < in[j].Open })
	out := in[:1]
	for _, s := range in[1:] {
		last := &out[len(out)-1]
		if s.Open <= last.Close {
			if s.Close > last.Close {
				last.Close = s.Close
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// hoursScanner walks an opening_hours string.
type hoursScanner struct {
	s string
	i int
}

func (p *hoursScanner) eof() bool { return p.i >= len(p.s) }

func (p *hoursScanner) rest() string {
	r := p.s[p.i:]
	if len(r) > 20 {
		r = r[:20] + "…"
	}
	return r
}

func (p *hoursScanner) errorf(kind error, format string, args ...any) error {
	return fmt.Errorf("%w: %s at offset %d in %q", kind, fmt.Sprintf(format, args...), p.i, p.s)
}

func (p *hoursScanner) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

// word returns the run of ASCII letters at the cursor, lower-cased, without
// consuming it.
func (p *hoursScanner) word() string {
	j := p.i
	for j < len(p.s) && hoursIsLetter(p.s[j]) {
		j++
	}
	return strings.ToLower(p.s[p.i:j])
}

func hoursIsLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func hoursIsDigit(c byte) bool  { return c >= '0' && c <= '9' }

// hoursUnsupportedWords are OSM selector or time keywords a weekly template
// cannot represent.
var hoursUnsupportedWords = map[string]bool{
	"jan": true, "feb": true, "mar": true, "apr": true, "may": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "oct": true, "nov": true, "dec": true,
	"week": true, "easter": true, "sunrise": true, "sunset": true, "dawn": true, "dusk": true,
	"unknown": true,
}

// rule parses one rule up to (not including) a rule separator or the end.
func (p *hoursScanner) rule() (hoursRule, error) {
	var r hoursRule
	p.skipSpace()
	start := p.i
	if strings.HasPrefix(p.s[p.i:], "24/7") {
		p.i += 4
		r.hasDays, r.hasTimes = true, true
		r.days = [7]bool{true, true, true, true, true, true, true}
		r.spans = []hoursSpan{{0, hoursDay}}
	} else {
		if err := p.selector(&r); err != nil {
			return r, err
		}
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ':' && r.hasDays {
			p.i++ // lenient "Mo-Fr: 09:00-12:00"
			p.skipSpace()
		}
		if p.i < len(p.s) && hoursIsDigit(p.s[p.i]) {
			if err := p.times(&r); err != nil {
				return r, err
			}
		}
	}
	p.skipSpace()
	switch w := p.word(); w {
	case "open":
		p.i += len(w)
	case "off", "closed":
		if r.hasTimes {
			return r, p.errorf(ErrHoursUnsupported, "closed time ranges")
		}
		p.i += len(w)
		r.off = true
	case "":
	default:
		if hoursUnsupportedWords[w] {
			return r, p.errorf(ErrHoursUnsupported, "%q", w)
		}
		return r, p.errorf(ErrHoursSyntax, "unexpected word %q", w)
	}
	p.skipSpace()
	hasComment := false
	if p.i < len(p.s) && p.s[p.i] == '"' {
		end := strings.IndexByte(p.s[p.i+1:], '"')
		if end < 0 {
			return r, p.errorf(ErrHoursSyntax, "unterminated comment")
		}
		p.i += end + 2
		hasComment = true
	}
	if p.i == start {
		return r, p.errorf(ErrHoursSyntax, "empty rule")
	}
	if hasComment && !r.hasTimes && !r.off && !r.holiday {
		// "Sa \"sur rendez-vous\"" or a lone comment: the hours are not given.
		return r, p.errorf(ErrHoursUnsupported, "comment instead of times")
	}
	p.skipSpace()
	if !p.eof() && p.s[p.i] != ';' && p.s[p.i] != ',' && p.s[p.i] != '|' {
		return r, p.errorf(ErrHoursSyntax, "unexpected %q", p.rest())
	}
	return r, nil
}

// selector parses an optional weekday/holiday selector.
func (p *hoursScanner) selector(r *hoursRule) error {
	sawWeekday, sawHoliday := false, false
	for {
		w := p.word()
		if len(w) > 2 && !hoursUnsupportedWords[w] {
			if _, ok := maillage.ParseDay(w[:2]); ok || w[:2] == "ph" || w[:2] == "sh" {
				return p.errorf(ErrHoursSyntax, "unknown word %q", w)
			}
		}
		if hoursUnsupportedWords[w] || (w != "" && len(w) == 3 && hoursUnsupportedWords[w[:3]]) {
			return p.errorf(ErrHoursUnsupported, "selector %q", w)
		}
		if p.i+4 <= len(p.s) && hoursIsDigit(p.s[p.i]) && hoursIsDigit(p.s[p.i+1]) &&
			hoursIsDigit(p.s[p.i+2]) && hoursIsDigit(p.s[p.i+3]) {
			return p.errorf(ErrHoursUnsupported, "year selector")
		}
		switch {
		case w == "ph" || w == "sh":
			p.i += 2
			sawHoliday = true
			if p.i < len(p.s) && (p.s[p.i] == '[' || p.s[p.i] == '+' || p.s[p.i] == '-') {
				return p.errorf(ErrHoursUnsupported, "holiday offset")
			}
		default:
			d, ok := maillage.ParseDay(w)
			if !ok {
				if sawWeekday || sawHoliday {
					return p.errorf(ErrHoursSyntax, "expected a day after \",\"")
				}
				return nil // no selector
			}
			p.i += 2
			if p.i < len(p.s) && p.s[p.i] == '[' {
				return p.errorf(ErrHoursUnsupported, "nth weekday")
			}
			last := d
			if p.i < len(p.s) && p.s[p.i] == '-' {
				p.i++
				e, ok := maillage.ParseDay(p.word())
				if !ok || len(p.word()) != 2 {
					return p.errorf(ErrHoursSyntax, "expected a day after \"-\"")
				}
				p.i += 2
				last = e
			}
			for k := d; ; k = (k + 1) % 7 {
				r.days[k] = true
				if k == last {
					break
				}
			}
			sawWeekday = true
		}
		// Another day after a comma continues the selector.
		if p.i < len(p.s) && p.s[p.i] == ',' {
			j := p.i + 1
			for j < len(p.s) && p.s[j] == ' ' {
				j++
			}
			q := hoursScanner{s: p.s, i: j}
			w := q.word()
			if _, ok := maillage.ParseDay(w); ok || w == "ph" || w == "sh" {
				p.i = j
				continue
			}
		}
		break
	}
	r.hasDays = sawWeekday
	r.holiday = sawHoliday && !sawWeekday
	return nil
}

// times parses a comma-separated list of time ranges. A comma followed by
// something else than a digit is left for the rule loop (additional rule).
func (p *hoursScanner) times(r *hoursRule) error {
	for {
		open, err := p.clock()
		if err != nil {
			return err
		}
		j := p.i
		for j < len(p.s) && p.s[j] == ' ' {
			j++
		}
		if j >= len(p.s) || p.s[j] != '-' {
			if j < len(p.s) && p.s[j] == '+' {
				return p.errorf(ErrHoursUnsupported, "open-ended time")
			}
			return p.errorf(ErrHoursSyntax, "time without an end")
		}
		p.i = j + 1
		p.skipSpace()
		if !p.eof() && !hoursIsDigit(p.s[p.i]) {
			if w := p.word(); hoursUnsupportedWords[w] {
				return p.errorf(ErrHoursUnsupported, "event time %q", w)
			}
			return p.errorf(ErrHoursSyntax, "expected a time after \"-\"")
		}
		close, err := p.clock()
		if err != nil {
			return err
		}
		if p.i < len(p.s) && (p.s[p.i] == '-' || p.s[p.i] == ':') {
			return p.errorf(ErrHoursSyntax, "chained times")
		}
		if p.i < len(p.s) && p.s[p.i] == '/' {
			return p.errorf(ErrHoursUnsupported, "time interval")
		}
		if open >= hoursDay {
			return p.errorf(ErrHoursSyntax, "range starts at or after 24:00")
		}
		switch {
		case close == open:
			return p.errorf(ErrHoursSyntax, "empty time range")
		case close < open:
			close += hoursDay // past midnight
		}
		r.spans = append(r.spans, hoursSpan{open, close})
		r.hasTimes = true
		j = p.i
		for j < len(p.s) && p.s[j] == ' ' {
			j++
		}
		if j < len(p.s) && p.s[j] == ',' {
			k := j + 1
			for k < len(p.s) && p.s[k] == ' ' {
				k++
			}
			if k < len(p.s) && hoursIsDigit(p.s[k]) {
				p.i = k
				continue
			}
		}
		return nil
	}
}

// clock parses HH:MM (H:MM, HHhMM, HHh) and returns minutes since midnight,
// at most 48:00.
func (p *hoursScanner) clock() (int, error) {
	j := p.i
	for j < len(p.s) && hoursIsDigit(p.s[j]) {
		j++
	}
	if j == p.i || j-p.i > 2 {
		return 0, p.errorf(ErrHoursSyntax, "bad hour")
	}
	h := hoursAtoi(p.s[p.i:j])
	m := 0
	if j >= len(p.s) || (p.s[j] != ':' && p.s[j] != 'h' && p.s[j] != 'H') {
		return 0, p.errorf(ErrHoursSyntax, "bad time")
	}
	sep := p.s[j]
	j++
	k := j
	for k < len(p.s) && hoursIsDigit(p.s[k]) {
		k++
	}
	switch {
	case k-j == 2:
		m = hoursAtoi(p.s[j:k])
	case k == j && sep != ':':
		// "9h"
	default:
		return 0, p.errorf(ErrHoursSyntax, "bad minutes")
	}
	if m >= 60 || h*60+m > 2*hoursDay {
		return 0, p.errorf(ErrHoursSyntax, "time out of range")
	}
	p.i = k
	return h*60 + m, nil
}

func hoursAtoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
