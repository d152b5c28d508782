package scenario

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	b, err := json.Marshal(good())
	if err != nil {
		t.Fatal(err)
	}
	s, err := Decode(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("Decode(good) = %v", err)
	}
	if !reflect.DeepEqual(s, good()) {
		t.Errorf("round trip = %+v, want %+v", s, good())
	}
	if !strings.Contains(string(b), `"venue_id":"v1","hours":[{"day":"Mo","open":"09:00","close":"12:00"}`) {
		t.Errorf("JSON is not snake_case as documented: %s", b)
	}

	tests := []struct {
		name, body   string
		opt          Options
		field, cause string
		large        bool
	}{
		{"unknown field", `{"nmae":"x","base":"test","changes":[]}`, Options{}, "nmae", "unknown field", false},
		{"wrong type", `{"name":"x","base":"test","changes":[{"op":"add","lat":"45"}]}`, Options{}, "changes.lat", "a JSON string cannot be a float64", false},
		{"malformed", `{"name":"x",`, Options{}, "body", "truncated", false},
		{"syntax", `{"name" "x"}`, Options{}, "body", "malformed JSON at byte", false},
		{"trailing data", `{"name":"x","base":"test"} {}`, Options{}, "body", "data after", false},
		{"empty", ``, Options{}, "body", "empty", false},
		{"oversized", `{"name":"` + strings.Repeat("x", 200) + `","base":"test"}`, Options{MaxBytes: 100}, "body", "more than 100 bytes", true},
		{"valid JSON, invalid scenario", `{"name":"x","base":"test","changes":[{"op":"hours","venue_id":"v1","hours":[{"day":"Mo","open":"10:00","close":"09:00"}]}]}`,
			Options{}, "changes[0].hours[0].close", "negative or zero hours", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.opt.Decode(strings.NewReader(tt.body))
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) || errors.Is(err, ErrTooLarge) != tt.large {
				t.Fatalf("Decode = %v, want a validation error (too large: %v)", err, tt.large)
			}
			if p := ve.Problems[0]; p.Field != tt.field || !strings.Contains(p.Reason, tt.cause) {
				t.Errorf("problem = %q: %q, want %q containing %q", p.Field, p.Reason, tt.field, tt.cause)
			}
		})
	}
}

// FuzzDecode feeds arbitrary bodies to the decoder and, when they decode, to
// the validator and Apply: no panic, only validation errors, and a valid
// scenario always applies with the expected number of places.
func FuzzDecode(f *testing.F) {
	b, _ := json.Marshal(good())
	f.Add(b)
	f.Add([]byte(`{"name":"x","base":"test","changes":[{"op":"move","venue_id":"v3","lat":45.05,"lon":0.1}]}`))
	f.Add([]byte(`{"name":"x","base":"test","changes":[{"op":"add","venue_id":"a","name":"n","lat":1e308,"lon":-1e308}]}`))
	f.Add([]byte(`{"name":"x","base":"test","changes":[{"op":"add","name":"n","lat":45.01,"lon":0.01},{"op":"remove","venue_id":"new-1"},{"op":"add","venue_id":"new-1","name":"m","lat":45.02,"lon":0.02}]}`))
	f.Add([]byte(`{"name":"x","base":"test","changes":[{"op":"hours","venue_id":"v1","hours":[{"day":"su","open":"00:00","close":"24:00"}]}]}`))
	f.Add([]byte(`{"changes":[{"op":"services","services":["\u0000"]}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte("{\"name\":\"B\xe9ville\",\"base\":\"test\",\"changes\":[]}"))
	f.Add([]byte(`{"name":"x\u202e","description":"l1\nl2","base":"test","changes":[]}`))
	f.Add([]byte(`{"name":"x","base":"test","changes":null,"version":-1,"created":"2026-01-01T00:00:00Z"}`))
	terr := testTerritory()
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := Decode(strings.NewReader(string(body)))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode error %v does not match ErrInvalid", err)
			}
			return
		}
		eff, err := Resolve(terr, s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Resolve error %v does not match ErrInvalid", err)
			}
			return
		}
		n := len(terr.Venues) + eff.Count(Added) - eff.Count(Removed)
		if len(eff.Territory.Venues) != n {
			t.Fatalf("%d places after the scenario, want %d", len(eff.Territory.Venues), n)
		}
		if len(terr.Venues) != 3 || terr.Venues[0].Hours.Hours() != 3 {
			t.Fatal("the base territory was modified")
		}
		// What decodes and validates re-encodes to something equally valid.
		again, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := Decode(strings.NewReader(string(again)))
		if err != nil {
			t.Fatalf("re-encoded scenario rejected: %v\n%s", err, again)
		}
		if err := Validate(terr, s2); err != nil {
			t.Fatalf("re-encoded scenario invalid: %v", err)
		}
	})
}

func TestCode(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("%w: scenario 3", ErrNotFound), "not_found"},
		{fmt.Errorf("%w: version 2", ErrConflict), "conflict"},
		{fmt.Errorf("%w: 10000 scenarios", ErrStoreFull), "store_full"},
		{&ValidationError{TooLarge: true}, "too_large"},
		{&ValidationError{}, "invalid"},
		{errors.New("disk full"), "internal"},
	}
	for _, tt := range tests {
		if got := Code(tt.err); got != tt.want {
			t.Errorf("Code(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// TestDecodeDefaultBase: a scenario that names no base (absent, null, "")
// gets Options.DefaultBase; any other base stands, whatever the case of
// its key, since encoding/json matches keys case-insensitively.
func TestDecodeDefaultBase(t *testing.T) {
	o := Options{DefaultBase: "terr"}
	for _, tt := range []struct{ body, want string }{
		{`{"name":"a","changes":[]}`, "terr"},
		{`{"name":"a","base":null,"changes":[]}`, "terr"},
		{`{"name":"a","base":"","changes":[]}`, "terr"},
		{`{"name":"a","base":"x","changes":[]}`, "x"},
		{`{"name":"a","Base":"x"}`, "x"},
		{`{"name":"a","BASE":"","base":"y"}`, "y"},
	} {
		s, err := o.Decode(strings.NewReader(tt.body))
		if err != nil || s.Base != tt.want {
			t.Errorf("%s: base %q, %v; want %q", tt.body, s.Base, err, tt.want)
		}
	}
	if _, err := Decode(strings.NewReader(`{"name":"a"}`)); err == nil || !strings.Contains(err.Error(), "base: empty") {
		t.Errorf("no base and no default: %v, want base: empty", err)
	}
}
