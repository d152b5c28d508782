package scenario

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text limits of a scenario (see Validate). Lengths are in bytes of UTF-8,
// the unit the store and the request body cap count in: 200 bytes are 200
// ASCII characters, or about 100 to 200 accented French ones.
const (
	// MaxNameLen is the longest scenario name, base name, place name, place
	// id or programme, in bytes.
	MaxNameLen = 200
	// MaxDescriptionLen is the longest scenario description, in bytes.
	MaxDescriptionLen = 4000
	// MaxListLen is the most entries of a change's services or programmes.
	MaxListLen = 32
	// MaxProblems is the most problems a ValidationError lists; the count of
	// the others is its Omitted field.
	MaxProblems = 100
	// maxQuoted is the most bytes of an input value a problem's reason repeats.
	maxQuoted = 64
)

// checkText reports what is wrong with the text field of change i (-1 for
// the scenario): empty when required, longer than max bytes, not UTF-8, a
// U+FFFD replacement character (what a JSON decoder makes of invalid UTF-8
// or a lone surrogate escape), a bidirectional control character (U+202A to
// U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C: text that displays in
// another order than it reads, as in "Trojan Source" attacks), or another
// control character (newlines and tabs are allowed where multiline is set).
func checkText(ps *problems, i int, field, s string, max int, required, multiline bool) {
	switch {
	case strings.TrimSpace(s) == "":
		if required {
			ps.add(i, field, "empty")
		}
		return
	case len(s) > max:
		ps.add(i, field, "%d bytes, longer than the limit of %d", len(s), max)
		return
	case !utf8.ValidString(s):
		ps.add(i, field, "not valid UTF-8")
		return
	}
	for k, r := range s {
		switch {
		case r == utf8.RuneError:
			ps.add(i, field, "contains U+FFFD at byte %d (the text was not valid UTF-8 or UTF-16)", k)
		case unicode.Is(unicode.Bidi_Control, r):
			ps.add(i, field, "contains the bidirectional control character U+%04X at byte %d", r, k)
		case multiline && (r == '\n' || r == '\r' || r == '\t'):
			continue
		case unicode.IsControl(r):
			ps.add(i, field, "contains the control character U+%04X at byte %d", r, k)
		default:
			continue
		}
		return // one problem per field
	}
}

// checkName checks a required single-line name of at most MaxNameLen bytes.
func checkName(ps *problems, i int, field, name string) {
	checkText(ps, i, field, name, MaxNameLen, true, false)
}

// quote returns s quoted as %q does, cut to maxQuoted bytes (at a rune
// boundary, with "…") so that a problem never repeats a large input.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return fmt.Sprintf("%q", s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q…", s[:cut])
}

// errBadUTF8 stops the JSON decoder at the first byte that is not UTF-8.
var errBadUTF8 = errors.New("scenario: invalid UTF-8")

// bodyReader passes a request body to the JSON decoder, counting its bytes
// and checking that they are UTF-8 (RFC 8259 §8.1; encoding/json would
// silently replace invalid bytes with U+FFFD), as they are read. It reads
// only what the decoder asks for, so a body that is malformed early is
// rejected after its first buffer, whatever its length.
type bodyReader struct {
	r    io.Reader
	n    int64             // bytes read
	tail [utf8.UTFMax]byte // an incomplete UTF-8 sequence ending the last read
	nt   int               // bytes in tail
	bad  int64             // offset of the first byte that is not UTF-8; -1 if none
	err  error             // the first read error other than io.EOF
}

func newBodyReader(r io.Reader) *bodyReader { return &bodyReader{r: r, bad: -1} }

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.bad >= 0 {
		return 0, errBadUTF8
	}
	n, err := b.r.Read(p)
	b.check(p[:n], err == io.EOF)
	b.n += int64(n)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	if b.bad >= 0 {
		return n, errBadUTF8
	}
	return n, err
}

// check validates chunk, which starts at offset b.n of the body; at EOF an
// incomplete sequence is invalid.
func (b *bodyReader) check(chunk []byte, eof bool) {
	i := 0
	if b.nt > 0 { // complete the sequence left by the last read
		start := b.n - int64(b.nt)
		for b.nt < utf8.UTFMax && i < len(chunk) && !utf8.FullRune(b.tail[:b.nt]) {
			b.tail[b.nt] = chunk[i]
			b.nt++
			i++
		}
		if !utf8.FullRune(b.tail[:b.nt]) {
			if eof {
				b.bad = start
			}
			return
		}
		r, size := utf8.DecodeRune(b.tail[:b.nt])
		if r == utf8.RuneError && size == 1 {
			b.bad = start
			return
		}
		b.nt = 0 // the bytes taken from chunk were exactly the rest of the rune
	}
	for i < len(chunk) {
		if chunk[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(chunk[i:])
		if r == utf8.RuneError && size == 1 {
			if !eof && !utf8.FullRune(chunk[i:]) {
				b.nt = copy(b.tail[:], chunk[i:])
				return
			}
			b.bad = b.n + int64(i)
			return
		}
		i += size
	}
}
