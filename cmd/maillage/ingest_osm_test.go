package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/internal/shareddata"
)

// TestIngestOSMNoOverlap: an extract that lies nowhere near the grid (Paris
// roads for the Bordeaux grid) is an error naming the cause, not a territory
// whose road coverage would silently be empty.
func TestIngestOSMNoOverlap(t *testing.T) {
	grid := shareddata.Path(t, "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv")
	osm := shareddata.Path(t, "osm/paris-3e-10e-11e-clipped.osm.pbf")
	out := filepath.Join(t.TempDir(), "t.territory")
	err := NewMain(io.Discard, io.Discard).Run(context.Background(), []string{"ingest", "--grid", grid, "--osm", osm, "--out", out})
	if !errors.Is(err, road.ErrNoOverlap) {
		t.Fatalf("err = %v, want road.ErrNoOverlap", err)
	}
}
