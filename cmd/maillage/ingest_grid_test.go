package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/internal/shareddata"
)

// TestIngestRejectsOverlappingGrids: the same grid twice, or a 200 m and a
// 1 km grid of the same area, would count the same people twice; ingest
// refuses them and names the files, writing no territory.
func TestIngestRejectsOverlappingGrids(t *testing.T) {
	g200 := shareddata.Path(t, "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv")
	g1k := shareddata.Path(t, "population/filosofi2015-carreaux-1km-bordeaux-metropole.csv")
	for name, grids := range map[string][]string{"same file twice": {g200, g200}, "200 m and 1 km": {g200, g1k}} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "t.territory")
			args := []string{"ingest", "--out", out}
			for _, g := range grids {
				args = append(args, "--grid", g)
			}
			err := NewMain(io.Discard, io.Discard).Run(context.Background(), args)
			if !errors.Is(err, data.ErrGridOverlap) || !strings.Contains(err.Error(), filepath.Base(grids[1])) {
				t.Fatalf("err = %v, want data.ErrGridOverlap naming %s", err, filepath.Base(grids[1]))
			}
			if _, statErr := os.Stat(out); !errors.Is(statErr, fs.ErrNotExist) {
				t.Fatalf("a territory was written despite the error: %v", statErr)
			}
		})
	}
}

// TestIngestWarnsOnForeignBoundaries: Charente outlines for the Bordeaux
// grid name none of its 41 commune codes; ingest says so in a finding.
func TestIngestWarnsOnForeignBoundaries(t *testing.T) {
	grid := shareddata.Path(t, "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv")
	communes := shareddata.Path(t, "boundaries/communes-16-charente-2018.geojson")
	out := filepath.Join(t.TempDir(), "t.territory")
	if err := NewMain(io.Discard, io.Discard).Run(context.Background(), []string{"ingest", "--grid", grid, "--communes", communes, "--out", out}); err != nil {
		t.Fatal(err)
	}
	terr, err := data.ReadTerritoryFile(out)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range terr.Findings {
		if f.Field == "code" && strings.Contains(f.Reason, "only 0 of the grid's 41 commune codes") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d findings about foreign boundaries, want 1", n)
	}
}
