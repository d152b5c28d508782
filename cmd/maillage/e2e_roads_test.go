package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/data/demo"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/internal/osmgen"
	"github.com/maillage/maillage/internal/shareddata"
)

// TestE2EIngestRoadsMustOverlap ingests the Bordeaux grid with the
// Saint-Brieuc road extract, 400 km away: ingest must refuse it with an
// error naming both extents, and write no territory file (before, it wrote a
// territory in which every cell was silently uncovered by road).
func TestE2EIngestRoadsMustOverlap(t *testing.T) {
	grid := shareddata.Path(t, "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv")
	pbf := shareddata.Path(t, "osm/saint-brieuc-loudeac-22.osm.pbf")
	out := filepath.Join(t.TempDir(), "x.territory")
	err := Run(context.Background(), []string{"ingest", "--grid", grid, "--osm", pbf, "--out", out}, &bytes.Buffer{}, &bytes.Buffer{})
	if !errors.Is(err, data.ErrRoadsNoOverlap) || !strings.Contains(err.Error(), "saint-brieuc-loudeac-22.osm.pbf") || !strings.Contains(err.Error(), "lat 44.") {
		t.Fatalf("err %v, want data.ErrRoadsNoOverlap naming the extract and the grid's extent", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatal("a refused ingest wrote a territory file")
	}
}

// TestRoadFindingsDemo checks the off-network report on the demo territory,
// whose generated roads miss a few outlying cells: ingest's finding and the
// coverage command's warning must report the same cells.
func TestRoadFindingsDemo(t *testing.T) {
	d, o, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	roads, err := demoRoads(o)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := data.RoadFindings(roads, d.Cells, "demo.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.File != "demo.osm.pbf" || f.Severity != maillage.Warning || !strings.Contains(f.Reason, "cells") {
			t.Errorf("finding %+v", f)
		}
	}
	var stderr bytes.Buffer
	if err := Run(context.Background(), []string{"coverage", "--json", "--lang", "en", "--profile", "demarches-20min-car"}, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatal(err)
	}
	carFinding := ""
	for _, f := range fs {
		if f.Field == "car" {
			carFinding = f.Reason
		}
	}
	// The same count of cells in the ingest finding and the coverage warning.
	warn := stderr.String()
	if carFinding == "" {
		if strings.Contains(warn, "warning") {
			t.Fatalf("coverage warns %q but ingest found every cell near a road", warn)
		}
		return
	}
	n := strings.Fields(carFinding)[0]
	if !strings.Contains(warn, "demarches-20min-car: "+n+" of ") {
		t.Errorf("coverage warning %q does not report the %s off-network cells of the finding %q", warn, n, carFinding)
	}
	t.Logf("finding: %s; warning: %s", carFinding, strings.TrimSpace(warn))
}

// TestE2EIngestBadRoads: each bad --osm input is refused with a clear
// error and no territory file; a clipped extract is read, with a warning
// counting its missing nodes.
func TestE2EIngestBadRoads(t *testing.T) {
	grid := shareddata.Path(t, "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv")
	dir := t.TempDir()
	notPBF := filepath.Join(dir, "communes.osm.pbf")
	if err := os.WriteFile(notPBF, []byte(`{"type":"FeatureCollection","features":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	porto := shareddata.Path(t, "osm/porto-portugal.osm.pbf")
	tests := []struct {
		name string
		args []string
		want error
		text string
	}{
		{"not a PBF", []string{"--osm", notPBF}, road.ErrBadPBF, "communes.osm.pbf"},
		{"over the memory budget", []string{"--osm", porto, "--max-memory", "50"}, road.ErrTooLarge, "more than the memory budget of 50 MB"},
	}
	if _, err := exec.LookPath("osmium"); err == nil || os.Getenv("MAILLAGE_REQUIRE_OSMIUM") == "1" {
		osmium := osmgen.Osmium(t)
		noRoad := filepath.Join(dir, "buildings.osm.pbf")
		o := filepath.Join(dir, "b.opl")
		os.WriteFile(o, []byte("n1 v1 x-0.57 y44.83\nn2 v1 x-0.571 y44.83\nn3 v1 x-0.571 y44.831\nw1 v1 Tbuilding=yes Nn1,n2,n3,n1\n"), 0o644)
		if err := osmgen.ToPBF(context.Background(), osmium, o, noRoad); err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct {
			name string
			args []string
			want error
			text string
		}{"no routable way", []string{"--osm", noRoad}, road.ErrNoRoads, "1 ways read"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, "x.territory")
			args := append([]string{"ingest", "--grid", grid, "--out", out}, tt.args...)
			err := Run(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{})
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("err %v, want %v mentioning %q", err, tt.want, tt.text)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Fatal("a refused ingest wrote a territory file")
			}
		})
	}
}
