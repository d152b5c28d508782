package planner

import (
	"bytes"
	"encoding/json"
	"io"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// missingBase reports whether raw is a JSON object whose "base" is absent,
// null or empty.
func missingBase(raw []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	b, ok := m["base"]
	return !ok || string(b) == `""` || string(b) == "null"
}

// withBase returns raw with its "base" set to name (raw is a JSON object).
func withBase(raw []byte, name string) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	m["base"], _ = json.Marshal(name)
	out, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return out
}
