package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/maillage/maillage/coverage/scenario"
)

// FuzzStoreRoundTrip decodes arbitrary bodies as scenarios and stores those
// that decode: Create must succeed, and Get return the same name,
// description, base and changes.
func FuzzStoreRoundTrip(f *testing.F) {
	b, _ := json.Marshal(sample("seed"))
	f.Add(b)
	f.Add([]byte(`{"name":"a\u0000b","base":"t\u00e9st","description":"'; DROP TABLE scenarios; --","changes":[]}`))
	f.Add([]byte(`{"name":"x","base":"y","changes":[{"op":"remove","venue_id":"\"v1\""}]}`))
	s := mustOpen(f, Config{})
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte) {
		sc, err := scenario.Decode(strings.NewReader(string(body)))
		if err != nil {
			return
		}
		want := sc
		if err := s.Create(ctx, &sc); err != nil {
			t.Fatalf("Create of a decoded scenario: %v", err)
		}
		got, err := s.Get(ctx, sc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != want.Name || got.Description != want.Description || got.Base != want.Base ||
			len(got.Changes) != len(want.Changes) || (len(want.Changes) > 0 && !reflect.DeepEqual(got.Changes, want.Changes)) {
			t.Fatalf("stored %+v, read back %+v", want, got)
		}
		if err := s.Delete(ctx, sc.ID); err != nil && !errors.Is(err, scenario.ErrNotFound) {
			t.Fatal(err)
		}
	})
}
