// Package errtext renders an error chain for people, in French or English,
// at the edge of a front end (the command line's messages, the web API's
// error answers). Core packages and front ends return English errors —
// sentinels, typed errors with fields, wrapped with context by fmt.Errorf —
// and never pick a language; Text renders the chain:
//
//   - a typed error with fields (which file, line, field, why) is rendered
//     from its fields, its Reason translated (labels.Lang.Text);
//   - an error of a front end that implements Texter says itself;
//   - a wrapping error is its own text with each wrapped error's text
//     replaced by that error's rendering, the rest translated by the
//     catalogue, whose keys are the formats as the source writes them
//     ("%s: %w");
//   - a leaf (a sentinel, an error of the standard library) is its text
//     translated by the catalogue (internal/labels, messages_fr.go).
//
// What the catalogue does not know stays in English: the message is never
// lost, only untranslated. In English, Text is the error's own text. Text
// is safe for concurrent use.
package errtext

import (
	"strings"

	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/planner"
)

// Texter is an error of a front end that says itself in a language (a
// catalogue message of its own, say): TextIn renders it in l, calling text
// to render any error it holds. Text calls TextIn for French only: in
// English an error is its own Error.
type Texter interface {
	error
	TextIn(l labels.Lang, text func(error) string) string
}

// Text renders err in l (see the package documentation).
func Text(err error, l labels.Lang) string {
	if err == nil {
		return ""
	}
	if l == labels.EN {
		return err.Error() // the errors' own text
	}
	text := func(e error) string { return Text(e, l) }
	// Typed errors are said from their fields; the sentences are the
	// catalogue's (labels.Msg), their reasons translated by it.
	switch e := err.(type) {
	case Texter:
		return e.TextIn(l, text)
	case *scenario.ValidationError:
		return validationText(e, l)
	case *data.GridError:
		var s string
		switch {
		case e.Line > 0 && e.Field != "":
			s = labels.Msg("grid file %s, line %d, field %s: %s", e.File, e.Line, e.Field, l.Text(e.Reason)).In(l)
		case e.Line > 0:
			s = labels.Msg("grid file %s, line %d: %s", e.File, e.Line, l.Text(e.Reason)).In(l)
		default:
			s = labels.Msg("grid file %s: %s", e.File, l.Text(e.Reason)).In(l)
		}
		if e.Err != nil {
			s = labels.Msg("%s: %s", s, text(e.Err)).In(l)
		}
		return s
	case *data.CandidateError:
		return labels.Msg("candidate list %s, line %d, field %s: %s", e.File, e.Line, e.Field, l.Text(e.Reason)).In(l)
	case *coverage.ProfileError:
		if e.Profile == "" {
			return labels.Msg("profile file: field %q: %s", e.Field, l.Text(e.Reason)).In(l)
		}
		return labels.Msg("profile %q, field %q: %s", e.Profile, e.Field, l.Text(e.Reason)).In(l)
	case *planner.RequestError:
		return labels.Msg("%s: %s", e.Field, l.Text(e.Reason)).In(l)
	case *data.VenueFileError:
		if e.Line > 0 {
			return labels.Msg("venue file %s, line %d: %s", e.File, e.Line, text(e.Err)).In(l)
		}
		return labels.Msg("venue file %s: %s", e.File, text(e.Err)).In(l)
	}
	return wrapText(err, l)
}

// Problems returns ps with each Reason translated into l (the fields are
// JSON paths and stay as they are); ps itself in English.
func Problems(ps []scenario.Problem, l labels.Lang) []scenario.Problem {
	if l == labels.EN || len(ps) == 0 {
		return ps
	}
	out := make([]scenario.Problem, len(ps))
	for i, p := range ps {
		p.Reason = l.Text(p.Reason)
		out[i] = p
	}
	return out
}

// wrapText renders a wrapping error: its text, each wrapped error's text
// replaced by a placeholder, translated by the catalogue, then each
// placeholder replaced by that error's rendering. A leaf is its text
// translated.
func wrapText(err error, l labels.Lang) string {
	var kids []error
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		kids = u.Unwrap()
	case interface{ Unwrap() error }:
		if k := u.Unwrap(); k != nil {
			kids = []error{k}
		}
	}
	msg := err.Error()
	type sub struct{ ph, text string }
	var subs []sub
	for i, k := range kids {
		ks := k.Error()
		j := strings.Index(msg, ks)
		if ks == "" || j < 0 {
			continue
		}
		ph := labels.Placeholder(i)
		msg = msg[:j] + ph + msg[j+len(ks):]
		subs = append(subs, sub{ph, Text(k, l)})
	}
	if len(subs) == 0 {
		return l.Text(msg)
	}
	// Translate the text between the placeholders: the whole template when
	// the catalogue has its format, else each literal piece.
	out := l.Text(msg)
	if out == msg {
		out = translatePieces(msg, l)
	}
	for _, s := range subs {
		out = strings.Replace(out, s.ph, s.text, 1)
	}
	return out
}

// translatePieces translates the literal pieces of a template around its
// placeholders, each trimmed of the ": " that joins them.
func translatePieces(tmpl string, l labels.Lang) string {
	parts := strings.Split(tmpl, "\x00")
	for i := 0; i < len(parts); i += 2 { // even: literal text; odd: a placeholder's number
		p := parts[i]
		lead, rest := cutAffix(p)
		core, trail := cutSuffix(rest)
		if core != "" {
			core = l.Text(core)
		}
		parts[i] = frColons(lead) + core + frColons(trail)
	}
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 {
			b.WriteString("\x00" + p + "\x00")
			continue
		}
		b.WriteString(p)
	}
	return b.String()
}

func cutAffix(s string) (string, string) {
	t := strings.TrimLeft(s, ": ")
	return s[:len(s)-len(t)], t
}

func cutSuffix(s string) (string, string) {
	t := strings.TrimRight(s, ": ")
	return t, s[len(t):]
}

// frColons writes a joining ": " the French way, " : ".
func frColons(s string) string {
	if strings.HasPrefix(s, ":") {
		return " " + s
	}
	return s
}

// validationText renders a scenario's problems: field and reason each.
func validationText(e *scenario.ValidationError, l labels.Lang) string {
	const listedMax = 5 // as ValidationError.Error
	listed := e.Problems
	if e.Omitted > 0 && len(listed) > 0 {
		listed = listed[:len(listed)-1]
	}
	var parts []string
	for i, p := range listed {
		if i == listedMax {
			parts = append(parts, labels.Msg("and %d more", len(listed)-listedMax+e.Omitted).In(l))
			break
		}
		parts = append(parts, labels.Msg("%s: %s", p.Field, l.Text(p.Reason)).In(l))
	}
	return labels.Msg("scenario: invalid: %s", strings.Join(parts, l.Pick(" ; ", "; "))).In(l)
}
