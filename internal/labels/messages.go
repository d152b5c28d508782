package labels

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Messages: the sentences of errors a person reads. Core packages keep
// writing their errors in English (sentinels, typed errors with a Reason);
// a front end renders them for people at its edge. The catalogue below maps
// each English message — a fmt format, as the code that writes it spells it
// — to its French format, with the same verbs in the same order (or
// explicit indexes, %[2]s). Two ways in:
//
//   - Msg(format, args...).In(l): a message whose format is known (the
//     front end's own errors);
//   - l.Text(s): an English text already formatted (a sentinel's text, a
//     typed error's Reason), matched back against the catalogue's formats,
//     its arguments kept as they were written; a text the catalogue does
//     not know is returned unchanged, in English.
//
// TestMessagesCatalogue checks that both formats of an entry take the same
// arguments, and that every English format is still written by the code.

// Message is a sentence for a person: an English fmt format (its key in the
// catalogue) and its arguments.
type Message struct {
	Format string
	Args   []any
}

// Msg returns the message of format and args.
func Msg(format string, args ...any) Message { return Message{Format: format, Args: args} }

// In renders m in l: the catalogue's French format for FR (the English one
// when the catalogue lacks it), the English format for EN.
func (m Message) In(l Lang) string {
	f := m.Format
	if l != EN {
		if fr, ok := messagesFR[f]; ok {
			f = fr
		}
	}
	return fmt.Sprintf(f, m.Args...)
}

// String is the English message.
func (m Message) String() string { return m.In(EN) }

// Text translates s, an English message already formatted, into l: s itself
// in English or when no format of the catalogue matches it. An argument that
// is itself a message of the catalogue is translated too ("invalid value
// "de" for flag -lang: …").
func (l Lang) Text(s string) string {
	if l == EN || s == "" {
		return s
	}
	return translate(s, 3)
}

// Placeholder is how a front end marks, in the text of a wrapping error
// given to Text, where a wrapped error's text was: \x00N\x00. In such a
// text a %w of the catalogue matches one placeholder and nothing else, and
// the other verbs match no placeholder, so that the wrapping format is
// found whatever the wrapped errors say.
func Placeholder(n int) string { return fmt.Sprintf("\x00%d\x00", n) }

func translate(s string, depth int) string {
	if fr, ok := messagesFR[s]; ok {
		return fr
	}
	// A formatted text is tried first with each %w read as a sentinel's
	// text ("pkg: words", as the sentinels of this project read), then as
	// anything.
	template := strings.Contains(s, "\x00")
	pass := []func(p *pattern) *regexp.Regexp{func(p *pattern) *regexp.Regexp { return p.re }, func(p *pattern) *regexp.Regexp { return p.reAny }}
	if template {
		pass = []func(p *pattern) *regexp.Regexp{func(p *pattern) *regexp.Regexp { return p.template }}
	}
	for _, re := range pass {
		if out, ok := translateWith(s, depth, re); ok {
			return out
		}
	}
	return s
}

func translateWith(s string, depth int, pick func(p *pattern) *regexp.Regexp) (string, bool) {
	list := patterns()
	for k := range list {
		p := &list[k]
		m := pick(p).FindStringSubmatch(s)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, a := range m[1:] {
			if depth > 0 && p.text[i] {
				a = translate(a, depth-1)
			}
			args[i] = a
		}
		return fmt.Sprintf(p.fr, args...), true
	}
	return "", false
}

// pattern is one catalogue entry with verbs, as a regular expression over
// the English text and the French format rewritten to take every argument
// as a string (%[n]s).
type pattern struct {
	re       *regexp.Regexp // over a formatted text, a %w being a sentinel's text
	reAny    *regexp.Regexp // over a formatted text, a %w being anything
	template *regexp.Regexp // over a template with placeholders (see Placeholder)
	fr       string
	// text tells, per argument, whether it may be a message itself (%v,
	// %s, %w): a quoted string or a number is data, never translated.
	text []bool
	// literal is the length of the English format's literal text: longer
	// (more specific) formats are tried first.
	literal int
}

var (
	patternsOnce sync.Once
	patternList  []pattern
)

func patterns() []pattern {
	patternsOnce.Do(func() {
		for en, fr := range messagesFR {
			lits, verbs := splitFormat(en)
			if len(verbs) == 0 {
				continue
			}
			var b, ab, tb strings.Builder
			n := 0
			text := make([]bool, len(verbs))
			for i, v := range verbs {
				text[i] = verbPattern(v) == "(.*?)"
			}
			for i, lit := range lits {
				b.WriteString(regexp.QuoteMeta(lit))
				ab.WriteString(regexp.QuoteMeta(lit))
				tb.WriteString(regexp.QuoteMeta(lit))
				n += len(lit)
				if i < len(verbs) {
					v := verbs[i]
					ab.WriteString(verbPattern(v))
					if strings.HasSuffix(v, "w") {
						b.WriteString(`((?:[a-z]+: )+[^:]*?)`)
					} else {
						b.WriteString(verbPattern(v))
					}
					switch {
					case strings.HasSuffix(v, "w"):
						tb.WriteString(`(\x00\d+\x00)`)
					case verbPattern(v) == "(.*?)":
						tb.WriteString(`([^\x00]*?)`)
					default:
						tb.WriteString(verbPattern(v))
					}
				}
			}
			patternList = append(patternList, pattern{
				re:       regexp.MustCompile("(?s)^" + b.String() + "$"),
				reAny:    regexp.MustCompile("(?s)^" + ab.String() + "$"),
				template: regexp.MustCompile("(?s)^" + tb.String() + "$"),
				fr:       asStrings(fr), text: text, literal: n})
		}
		sort.Slice(patternList, func(i, j int) bool {
			if patternList[i].literal != patternList[j].literal {
				return patternList[i].literal > patternList[j].literal
			}
			return patternList[i].re.String() < patternList[j].re.String()
		})
	})
	return patternList
}

// verbPattern is what verb v prints, as a regular expression group: a
// quoted string for %q, an integer for %d, a number for %f, %g and %e,
// anything (the shortest) otherwise. The narrower groups keep a text such as
// `data: opening hours syntax: "9-" is not…` from being cut at its first
// colon.
func verbPattern(v string) string {
	switch v[len(v)-1] {
	case 'q':
		return `("(?:[^"\\]|\\.)*"|` + "`[^`]*`)"
	case 'd':
		return `([-+]?\d+)`
	case 'f', 'g', 'e':
		return `([-+]?(?:\d+(?:\.\d*)?(?:e[-+]?\d+)?|Inf)|NaN)`
	}
	return "(.*?)"
}

// verbRE matches one fmt verb: %%, or % with an optional argument index,
// flags, width and precision, then the verb letter.
var verbRE = regexp.MustCompile(`%%|%(\[\d+\])?[-+# 0]*\d*(\.\d*)?[a-zA-Z]`)

// splitFormat cuts a format into its literal parts (one more than the
// verbs; "%%" stays in the literal as "%") and its verbs.
func splitFormat(f string) (lits []string, verbs []string) {
	var cur strings.Builder
	last := 0
	for _, loc := range verbRE.FindAllStringIndex(f, -1) {
		cur.WriteString(f[last:loc[0]])
		last = loc[1]
		v := f[loc[0]:loc[1]]
		if v == "%%" {
			cur.WriteString("%")
			continue
		}
		lits = append(lits, cur.String())
		cur.Reset()
		verbs = append(verbs, v)
	}
	cur.WriteString(f[last:])
	return append(lits, cur.String()), verbs
}

// verbIndexes returns the argument (0-based) each verb of f takes, as fmt
// counts them (an explicit [n] index moves the count).
func verbIndexes(f string) []int {
	_, verbs := splitFormat(f)
	out := make([]int, len(verbs))
	next := 0
	for i, v := range verbs {
		if j := strings.IndexByte(v, '['); j >= 0 {
			k := strings.IndexByte(v, ']')
			n, _ := strconv.Atoi(v[j+1 : k])
			next = n - 1
		}
		out[i] = next
		next++
	}
	return out
}

// asStrings rewrites format f so that each verb prints, as a string, the
// argument it takes: "%d lieux sur %[1]d" → "%[1]s lieux sur %[1]s".
func asStrings(f string) string {
	idx := verbIndexes(f)
	k := 0
	return verbRE.ReplaceAllStringFunc(f, func(v string) string {
		if v == "%%" {
			return v
		}
		s := fmt.Sprintf("%%[%d]s", idx[k]+1)
		k++
		return s
	})
}

// catalogueCheck returns what is wrong in the catalogue: entries whose
// French format does not take the English one's arguments.
func catalogueCheck() []string {
	var bad []string
	for en, fr := range messagesFR {
		a, b := verbIndexes(en), verbIndexes(fr)
		seen := map[int]bool{}
		for _, i := range b {
			seen[i] = true
		}
		ok := len(seen) == len(a)
		for i := range a {
			ok = ok && seen[i]
		}
		if !ok || fr == "" {
			bad = append(bad, fmt.Sprintf("%q → %q: %d arguments, French takes %v", en, fr, len(a), b))
		}
	}
	sort.Strings(bad)
	return bad
}
