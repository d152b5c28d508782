package planner

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/maillage/maillage/coverage/scenario"
)

// FuzzWithBase fuzzes the defaulting of a scenario file's base: it never
// panics, leaves a non-object body unchanged, and a body that decodes
// afterwards names a base (the territory's unless the file named one).
func FuzzWithBase(f *testing.F) {
	for _, s := range []string{
		`{"name":"a","changes":[]}`, `{"name":"a","base":"x","changes":[]}`, `{"name":"a","base":"","changes":[]}`,
		`{"name":"a","base":null}`, `{"base":3}`, `{"Base":"x"}`, `{"BASE":"","base":"y"}`, `[1,2]`, `null`, ``, `{`, `"s"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		out := withBase(body, "terr")
		var obj map[string]json.RawMessage
		if json.Unmarshal(body, &obj) != nil || obj == nil {
			if !bytes.Equal(out, body) {
				t.Fatalf("non-object %q rewritten to %q", body, out)
			}
			return
		}
		s, err := scenario.Decode(bytes.NewReader(out))
		if err != nil {
			return
		}
		var orig struct{ Base string }
		json.Unmarshal(body, &orig)
		if orig.Base != "" && s.Base != orig.Base || orig.Base == "" && s.Base != "terr" {
			t.Fatalf("%q: base %q (file said %q)", body, s.Base, orig.Base)
		}
	})
}
