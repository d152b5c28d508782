package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/planner"
)

// The errors a person sees, in --lang. Commands and core packages return
// errors in English — sentinels, typed errors with fields, wrapped with
// context by fmt.Errorf — and never pick a language; errorText, at the edge
// of the program, renders the chain for people:
//
//   - a typed error with fields (which file, line, field, why) is rendered
//     from its fields, its Reason translated (labels.Lang.Text);
//   - a wrapping error is its own text with each wrapped error's text
//     replaced by that error's rendering, the rest translated by the
//     catalogue, whose keys are the formats as the source writes them
//     ("%s: %w");
//   - a leaf (a sentinel, an error of the standard library) is its text
//     translated by the catalogue (internal/labels, messages_fr.go).
//
// What the catalogue does not know stays in English: the message is never
// lost, only untranslated. TestErrorsInFrench runs a set of bad command
// lines and checks both languages.

// ErrorText is the message main prints for err, in the language of the
// command line (--lang; French by default).
func (m *Main) ErrorText(err error) string {
	return m.lang.Pick("maillage : ", "maillage: ") + errorText(err, m.lang)
}

// msgError is an error of the CLI whose text is a catalogue message: its
// Error is the English one, errorText says it in --lang.
type msgError struct {
	msg labels.Message
	err error // wrapped (a sentinel, for errors.Is), or nil
}

func (e *msgError) Error() string {
	if e.err != nil {
		return e.msg.String() + ": " + e.err.Error()
	}
	return e.msg.String()
}

func (e *msgError) Unwrap() error { return e.err }

// errorf returns a msgError of format and args (English, a key of the
// catalogue).
func errorf(format string, args ...any) error {
	return &msgError{msg: labels.Msg(format, args...)}
}

// usagef is errorf for a bad command line: it wraps ErrUsage.
func usagef(format string, args ...any) error {
	return &msgError{msg: labels.Msg(format, args...), err: ErrUsage}
}

// errorText renders err in l (see above).
func errorText(err error, l labels.Lang) string {
	if err == nil {
		return ""
	}
	if l == labels.EN {
		return err.Error() // the errors' own text
	}
	var (
		ve  *scenario.ValidationError
		ge  *data.GridError
		ce  *data.CandidateError
		pe  *coverage.ProfileError
		re  *planner.RequestError
		vfe *data.VenueFileError
		me  *msgError
	)
	switch e := err.(type) {
	case commandUsageError:
		s := errorText(e.err, l)
		s = strings.TrimSuffix(s, " : "+errorText(ErrUsage, l))
		s = strings.TrimSuffix(s, ": "+errorText(ErrUsage, l))
		return s + " (usage ci-dessus)"
	}
	switch {
	case errors.As(err, &me) && err == error(me):
		if me.err != nil {
			return me.msg.In(l) + " : " + errorText(me.err, l)
		}
		return me.msg.In(l)
	case errors.As(err, &ve) && err == error(ve):
		return validationText(ve, l)
	case errors.As(err, &ge) && err == error(ge):
		s := "fichier " + ge.File
		if ge.Line > 0 {
			s += fmt.Sprintf(", ligne %d", ge.Line)
		}
		if ge.Field != "" {
			s += ", champ " + ge.Field
		}
		s += " : " + l.Text(ge.Reason)
		if ge.Err != nil {
			s += " : " + errorText(ge.Err, l)
		}
		return s
	case errors.As(err, &ce) && err == error(ce):
		return fmt.Sprintf("liste de sites candidats %s, ligne %d, champ %s : %s", ce.File, ce.Line, ce.Field, l.Text(ce.Reason))
	case errors.As(err, &pe) && err == error(pe):
		if pe.Profile == "" {
			return fmt.Sprintf("fichier de profils : champ %q : %s", pe.Field, l.Text(pe.Reason))
		}
		return fmt.Sprintf("profil %q, champ %q : %s", pe.Profile, pe.Field, l.Text(pe.Reason))
	case errors.As(err, &re) && err == error(re):
		return fmt.Sprintf("%s : %s", re.Field, l.Text(re.Reason))
	case errors.As(err, &vfe) && err == error(vfe):
		where := vfe.File
		if vfe.Line > 0 {
			where += fmt.Sprintf(", ligne %d", vfe.Line)
		}
		return "fichier de lieux " + where + " : " + errorText(vfe.Err, l)
	}
	return wrapText(err, l)
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
		subs = append(subs, sub{ph, errorText(k, l)})
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
	var b strings.Builder
	b.WriteString("scénario invalide : ")
	listed := e.Problems
	if e.Omitted > 0 && len(listed) > 0 {
		listed = listed[:len(listed)-1]
	}
	for i, p := range listed {
		if i == 5 {
			fmt.Fprintf(&b, " ; et %d de plus", len(listed)-5+e.Omitted)
			break
		}
		if i > 0 {
			b.WriteString(" ; ")
		}
		b.WriteString(p.Field + " : " + l.Text(p.Reason))
	}
	return b.String()
}
