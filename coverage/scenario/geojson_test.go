package scenario

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestGeoJSON(t *testing.T) {
	terr := testTerritory()
	s := good()
	s.ID, s.Version = 42, 3
	s.Changes = append(s.Changes, Change{Op: OpRemove, VenueID: "v3"}) // a place without a position
	fc, err := GeoJSON(terr, s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(fc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "good.geojson")
	if *update {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != string(got)+"\n" {
		t.Errorf("GeoJSON differs from %s (run go test -update to accept):\n%s", golden, got)
	}

	// Independent checks on the decoded collection.
	back, err := geojson.UnmarshalFeatureCollection(got)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Features) != 3 {
		t.Fatalf("%d features, want 3 (v1 changed, v2 removed, new-1 added)", len(back.Features))
	}
	ops := map[string]orb.Point{}
	for _, f := range back.Features {
		ops[f.Properties.MustString("op")+" "+f.Properties.MustString("venue_id")] = f.Point()
	}
	want3 := map[string]orb.Point{"change v1": {0.02, 45.02}, "remove v2": {0.18, 45.08}, "add new-1": {0.12, 45.05}}
	for k, p := range want3 {
		if ops[k] != p {
			t.Errorf("feature %q at %v, want %v (all: %v)", k, ops[k], p, ops)
		}
	}
	removed, _ := back.ExtraMembers["removed"].([]any)
	if len(removed) != 2 || removed[0] != "v2" || removed[1] != "v3" {
		t.Errorf("removed = %v, want [v2 v3]", back.ExtraMembers["removed"])
	}
}
