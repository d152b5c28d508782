package scenario

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// firstInvalid is the reference for bodyReader: the offset of the first
// byte of b that does not start a valid UTF-8 sequence, -1 if none.
func firstInvalid(b []byte) int64 {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return int64(i)
		}
		i += size
	}
	return -1
}

// TestBodyReader compares bodyReader with a whole-slice scan on random
// mixtures of ASCII, multi-byte runes and stray bytes, read whole, one byte
// at a time and in random chunks (sequences cut across reads).
func TestBodyReader(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 1))
	pieces := []string{"a", "{", "é", "€", "𝄞", "\u202e", "\xe2", "\x82", "\xf0\x9f", "\xc3", "\xed\xa0\x80", "\xff"}
	var invalid, valid int
	for n := 0; n < 3000; n++ {
		var b []byte
		for k := rng.IntN(12); k >= 0; k-- {
			p := pieces[rng.IntN(len(pieces))]
			if rng.IntN(3) > 0 { // mostly valid text
				p = pieces[rng.IntN(6)]
			}
			b = append(b, p...)
		}
		want := firstInvalid(b)
		if want < 0 {
			valid++
		} else {
			invalid++
		}
		readers := map[string]io.Reader{
			"whole":    bytes.NewReader(b),
			"one byte": iotest.OneByteReader(bytes.NewReader(b)),
			"half":     iotest.HalfReader(bytes.NewReader(b)),
		}
		for name, r := range readers {
			br := newBodyReader(r)
			got, err := io.ReadAll(br)
			if want < 0 && (err != nil || !bytes.Equal(got, b)) {
				t.Fatalf("%q read %s: %q, %v; want it all", b, name, got, err)
			}
			if want >= 0 && (!errors.Is(err, errBadUTF8) || br.bad != want) {
				t.Fatalf("%q read %s: bad at %d (%v), want %d", b, name, br.bad, err, want)
			}
		}
	}
	if valid < 500 || invalid < 500 {
		t.Fatalf("%d valid and %d invalid bodies: the generator does not cover both", valid, invalid)
	}
}

// countReader counts the bytes read from it.
type countReader struct {
	r io.Reader
	n int
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestDecodeStopsAtFirstBadByte is the regression test of the FuzzDecode
// stall: Decode used to read the whole body (io.ReadAll) before parsing it,
// so the work on a body that is malformed from its first byte grew with its
// length; the fuzzer took each longer run of junk for new coverage and spent
// its minimisation budget (60 s) on it at 0 execs/s. testdata/fuzz/FuzzDecode
// keeps such an input. Decode now parses as it reads and stops at the first
// bad byte, after one buffer.
func TestDecodeStopsAtFirstBadByte(t *testing.T) {
	seed, err := os.ReadFile("testdata/fuzz/FuzzDecode/junk-1700-bytes")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(seed, []byte(`\x1a\x1a\x1a`)) {
		t.Fatalf("the kept fuzz input is not the run of junk it should be: %.80q", seed)
	}
	for _, tt := range []struct{ name, body, reason string }{
		{"junk", strings.Repeat("\x1a", DefaultMaxBytes), "malformed JSON at byte 1"},
		{"JSON then junk", `{"name":"x",` + strings.Repeat("\x1a", DefaultMaxBytes-20), "malformed JSON at byte 13"},
		{"not UTF-8", `{"name":"x` + strings.Repeat("\xe9", DefaultMaxBytes-20), "not UTF-8 at byte 10"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cr := &countReader{r: strings.NewReader(tt.body)}
			_, err := Decode(cr)
			var ve *ValidationError
			if !errors.As(err, &ve) || !strings.Contains(ve.Problems[0].Reason, tt.reason) {
				t.Fatalf("Decode = %v, want a problem %q", err, tt.reason)
			}
			if cr.n > 4096 {
				t.Errorf("Decode read %d bytes of a %d-byte body malformed at its start, want at most one buffer (4096)", cr.n, len(tt.body))
			}
		})
	}
}

// TestDecodeBadText checks what the JSON decoder would otherwise let through
// or repeat: raw invalid UTF-8 (encoding/json turns it into U+FFFD), a lone
// surrogate escape, bidi controls written as escapes, and huge values that a
// problem must not repeat whole.
func TestDecodeBadText(t *testing.T) {
	tests := []struct{ name, body, field, reason string }{
		{"raw Latin-1 byte", "{\"name\":\"Mairie de B\xe9ville\",\"base\":\"test\"}", "body", "not UTF-8 at byte 20"},
		{"sequence cut by the end of the body", "{\"name\":\"x\xe2\x82", "body", "not UTF-8 at byte 10"},
		{"lone surrogate escape", `{"name":"a\udc00b","base":"test"}`, "name", "U+FFFD at byte 1"},
		{"escaped right-to-left override", `{"name":"\u202etxt.exe","base":"test"}`, "name", "U+202E at byte 0"},
		{"escaped isolate in a description", `{"name":"x","description":"a\u2066b","base":"test"}`, "description", "U+2066 at byte 1"},
		{"huge number", `{"name":"x","base":"test","version":` + strings.Repeat("9", 500000) + `}`, "version", "cannot be a int64"},
		{"huge unknown field", `{"` + strings.Repeat("k", 500000) + `":1}`, strings.Repeat("k", 2*maxQuoted) + "…", "unknown field"},
		{"huge bad time", `{"name":"x","base":"test","created":"` + strings.Repeat("9", 500000) + `"}`, "body", "parsing time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tt.body))
			var ve *ValidationError
			if !errors.As(err, &ve) || errors.Is(err, ErrTooLarge) {
				t.Fatalf("Decode = %v, want a validation error", err)
			}
			p := ve.Problems[0]
			if p.Field != tt.field || !strings.Contains(p.Reason, tt.reason) {
				t.Errorf("problem = %.300q: %.300q, want %.300q containing %q", p.Field, p.Reason, tt.field, tt.reason)
			}
			if n := len(p.Field) + len(p.Reason); n > 400 {
				t.Errorf("problem is %d bytes long: it repeats the input", n)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	if got := quote("é"); got != `"é"` {
		t.Errorf("quote(é) = %s", got)
	}
	long := strings.Repeat("a", maxQuoted-1) + "é" + strings.Repeat("b", 10)
	if got, want := quote(long), `"`+strings.Repeat("a", maxQuoted-1)+`"…`; got != want {
		t.Errorf("quote(long) = %s, want %s (cut before the rune that crosses the limit)", got, want)
	}
}
