package main

import (
	"strings"

	"github.com/maillage/maillage/internal/errtext"
	"github.com/maillage/maillage/internal/labels"
)

// The errors a person sees, in --lang. Commands and core packages return
// errors in English and never pick a language; errorText, at the edge of
// the program, renders the chain for people with the renderer the web API
// shares (internal/errtext: typed errors from their fields, wrapping errors
// with their context, leaves through the catalogue). The CLI's own errors
// (msgError, commandUsageError) say themselves (errtext.Texter).
// TestErrorsInFrench runs a set of bad command lines and checks both
// languages.

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

// errorText renders err in l (internal/errtext).
func errorText(err error, l labels.Lang) string { return errtext.Text(err, l) }

// TextIn says e in l (errtext.Texter).
func (e *msgError) TextIn(l labels.Lang, text func(error) string) string {
	if e.err != nil {
		return labels.Msg("%s: %s", e.msg.In(l), text(e.err)).In(l)
	}
	return e.msg.In(l)
}

// TextIn says e in l: the command's error, without the list of commands,
// then a pointer to the usage printed above (errtext.Texter).
func (e commandUsageError) TextIn(l labels.Lang, text func(error) string) string {
	s := text(e.err)
	s = strings.TrimSuffix(s, " : "+text(ErrUsage))
	s = strings.TrimSuffix(s, ": "+text(ErrUsage))
	return s + labels.Msg(" (usage above)").In(l)
}
