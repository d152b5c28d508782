package planner

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// withBase returns the scenario JSON body with its base set to name when the
// body names none (absent, null or ""). encoding/json matches field names
// case-insensitively, so any spelling of "base" with another value stands.
// A body that is not a JSON object is returned unchanged.
func withBase(body []byte, name string) []byte {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil || obj == nil {
		return body
	}
	for k, raw := range obj {
		if !strings.EqualFold(k, "base") {
			continue
		}
		var base string
		if json.Unmarshal(raw, &base) != nil || base != "" {
			return body
		}
		delete(obj, k)
	}
	obj["base"], _ = json.Marshal(name)
	out, err := json.Marshal(obj)
	if err != nil {
		return body
	}
	return out
}
