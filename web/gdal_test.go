package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/project"

	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/internal/bordeauxtest"
	"github.com/maillage/maillage/internal/gpkg"
	"github.com/maillage/maillage/internal/layer"
	"github.com/maillage/maillage/internal/planner"
	"github.com/maillage/maillage/internal/shareddata"
)

// needGDAL returns the path of tool, skipping the test when it is missing
// unless MAILLAGE_REQUIRE_GDAL=1, which makes a missing tool a failure.
func needGDAL(t *testing.T, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("MAILLAGE_REQUIRE_GDAL") == "1" {
			t.Fatalf("%s not found and MAILLAGE_REQUIRE_GDAL=1: install gdal-bin", tool)
		}
		t.Skipf("%s not found (gdal-bin); set MAILLAGE_REQUIRE_GDAL=1 to require it", tool)
	}
	return path
}

// bordeaux builds the Bordeaux Métropole territory from ../shared/data as
// `maillage ingest` does (data.Build on the 200 m grid, both venue files
// and the Gironde communes), once per test binary.
func bordeaux(t *testing.T) *planner.Planner {
	t.Helper()
	in := data.Inputs{
		Grids:    []string{shareddata.Path(t, bordeauxtest.Grid200m)},
		Venues:   []string{shareddata.Path(t, bordeauxtest.CD33Venues), shareddata.Path(t, bordeauxtest.FranceServices)},
		Communes: shareddata.Path(t, bordeauxtest.Communes),
	}
	bordeauxOnce.Do(func() {
		tr, _, err := data.Build(context.Background(), in, data.BuildOptions{Name: "bordeaux-metropole", Res: 9, BufferMetres: 50_000})
		if err != nil {
			bordeauxErr = err
			return
		}
		bordeauxP, bordeauxErr = planner.New(tr, planner.Config{})
	})
	if bordeauxErr != nil {
		t.Fatal(bordeauxErr)
	}
	return bordeauxP
}

var (
	bordeauxOnce sync.Once
	bordeauxP    *planner.Planner
	bordeauxErr  error
)

func openBordeaux(t *testing.T) (*planner.Planner, string) {
	p := bordeaux(t)
	s := NewServer(Config{Addr: "127.0.0.1:0"}, p, nil)
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return p, "http://" + s.Addr()
}

func count(t *testing.T, l *layer.Layer, q layer.Query) int {
	t.Helper()
	n := 0
	if err := l.Iterate(q, func(*layer.Feature) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func run(t *testing.T, name string, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.String(), errb.String()
}

var featureCount = regexp.MustCompile(`(?m)^Layer name: (\S+)$|^Feature Count: (\d+)$`)

// gpkgCounts runs ogrinfo -so -al on a GeoPackage and returns the feature
// count of each layer, failing on any warning.
func gpkgCounts(t *testing.T, path string) (map[string]int, string) {
	t.Helper()
	out, errs := run(t, "ogrinfo", "-ro", "-so", "-al", path)
	if strings.TrimSpace(errs) != "" {
		t.Fatalf("ogrinfo warned on %s:\n%s", path, errs)
	}
	got := map[string]int{}
	cur := ""
	for _, m := range featureCount.FindAllStringSubmatch(out, -1) {
		if m[1] != "" {
			cur = m[1]
		} else {
			got[cur], _ = strconv.Atoi(m[2])
		}
	}
	return got, out
}

// TestGDALReadsOAPIF copies every collection of the Bordeaux territory
// through GDAL's OGC API - Features client (default page size, then
// PAGE_SIZE=50) into a GeoPackage and checks each full count.
func TestGDALReadsOAPIF(t *testing.T) {
	needGDAL(t, "ogr2ogr")
	needGDAL(t, "ogrinfo")
	p, base := openBordeaux(t)
	want := map[string]int{}
	for _, l := range p.Layers() {
		want[l.ID] = count(t, l, layer.Query{})
	}
	for _, opts := range [][]string{nil, {"-oo", "PAGE_SIZE=50"}} {
		out := filepath.Join(t.TempDir(), "copy.gpkg")
		args := append([]string{"-f", "GPKG", out}, opts...)
		args = append(args, "OAPIF:"+base+"/ogc")
		if opts != nil {
			// Page through the smaller collections only: at 50 a page, the
			// cell layers would take hundreds of requests each.
			args = append(args, "venues", "communes", "gaps-seniors-20min-walk", "coverage-seniors-20min-walk")
		}
		run(t, "ogr2ogr", args...)
		got, _ := gpkgCounts(t, out)
		for id, n := range want {
			if opts != nil && id != "venues" && id != "communes" && id != "gaps-seniors-20min-walk" && id != "coverage-seniors-20min-walk" {
				continue
			}
			// Car profiles leave no gap on this territory (crow-fly 30 min).
			if got[id] != n || (n == 0 && !strings.HasPrefix(id, "gaps-")) {
				t.Errorf("%v: %s: GDAL read %d features, the layer has %d", opts, id, got[id], n)
			}
		}
	}
}

// TestGDALSpatialFilter: ogr2ogr -spat over central Bordeaux returns the
// cells the layer's own bbox rule selects (GDAL then also tests the exact
// geometry, so it may drop a hexagon whose box only grazes the filter, but
// never one whose centre is inside).
func TestGDALSpatialFilter(t *testing.T) {
	needGDAL(t, "ogr2ogr")
	p, base := openBordeaux(t)
	box := orb.Bound{Min: orb.Point{-0.60, 44.82}, Max: orb.Point{-0.54, 44.86}}
	out, _ := run(t, "ogr2ogr", "-f", "CSV", "/vsistdout/", "-select", "h3", "-spat",
		fmt.Sprint(box.Min[0]), fmt.Sprint(box.Min[1]), fmt.Sprint(box.Max[0]), fmt.Sprint(box.Max[1]),
		"OAPIF:"+base+"/ogc", "cells")
	got := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		got[strings.Trim(line, `"`)] = true
	}
	cells, _ := p.Layer("cells")
	local, centred := map[string]bool{}, 0
	cells.Iterate(layer.Query{Bound: box}, func(f *layer.Feature) error {
		local[f.ID] = true
		g, _ := f.Geometry()
		if box.Contains(layer.LabelPoint(g)) {
			centred++
			if !got[f.ID] {
				t.Errorf("cell %s (centre in the box) missing from GDAL's answer", f.ID)
			}
		}
		return nil
	})
	for id := range got {
		if !local[id] {
			t.Errorf("GDAL returned %s, outside the local filter", id)
		}
	}
	if centred < 100 || len(got) < centred {
		t.Fatalf("%d cells from GDAL, %d locally, %d centred", len(got), len(local), centred)
	}
}

// TestGDALReadsTile opens a z10 cell tile over central Bordeaux with GDAL's
// MVT driver: its features are those of the tile and lie inside it.
func TestGDALReadsTile(t *testing.T) {
	needGDAL(t, "ogrinfo")
	p, _ := openBordeaux(t)
	s := NewServer(Config{}, p, nil)
	tile := maptile.At(orb.Point{-0.5792, 44.8378}, 10) // Bordeaux, place de la Comédie
	rec := getWith(t, s.Handler(), fmt.Sprintf("/tiles/cells/%d/%d/%d.pbf", tile.Z, tile.X, tile.Y), nil)
	if rec.Code != 200 {
		t.Fatalf("%d", rec.Code)
	}
	ls, err := mvt.Unmarshal(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "10", strconv.Itoa(int(tile.X)))
	os.MkdirAll(dir, 0o755)
	file := filepath.Join(dir, strconv.Itoa(int(tile.Y))+".pbf")
	if err := os.WriteFile(file, rec.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs := run(t, "ogrinfo", "-ro", "-so", "-al", "MVT:"+file)
	if strings.TrimSpace(errs) != "" {
		t.Fatalf("ogrinfo warned:\n%s", errs)
	}
	m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(out)
	if m == nil || m[1] != strconv.Itoa(len(ls[0].Features)) || len(ls[0].Features) < 100 {
		t.Fatalf("GDAL counts %v, the tile has %d features:\n%s", m, len(ls[0].Features), out)
	}
	e := regexp.MustCompile(`Extent: \((-?[\d.]+), (-?[\d.]+)\) - \((-?[\d.]+), (-?[\d.]+)\)`).FindStringSubmatch(out)
	if e == nil {
		t.Fatalf("no extent:\n%s", out)
	}
	var x [4]float64
	for i := range x {
		x[i], _ = strconv.ParseFloat(e[i+1], 64)
	}
	tb := tile.Bound()
	lo, hi := project.WGS84.ToMercator(tb.Min), project.WGS84.ToMercator(tb.Max)
	pad := (hi[0] - lo[0]) * (layer.TileBuffer + 1) / 4096
	if x[0] < lo[0]-pad || x[1] < lo[1]-pad || x[2] > hi[0]+pad || x[3] > hi[1]+pad {
		t.Fatalf("features' extent %v outside the tile %v – %v (± %g m)", x, lo, hi, pad)
	}
}

// TestGDALOpensGeoPackage writes the Bordeaux export, with one saved
// scenario, and opens it with ogrinfo: every table (the proposals and the
// scenario's places and results too) with its layer's count, SRS
// EPSG:4326, no warning.
func TestGDALOpensGeoPackage(t *testing.T) {
	needGDAL(t, "ogrinfo")
	p := bordeaux(t)
	st := openTestStore(t, p, nil)
	lon, lat := -0.5322, 44.8571
	sc := &scenario.Scenario{Name: "une permanence à Cenon", Base: p.Territory().Name, Changes: []scenario.Change{
		{Op: scenario.OpAdd, Name: "Permanence de Cenon", Lon: &lon, Lat: &lat, OpeningHours: "Mo-Fr 09:00-12:00"},
	}}
	if err := st.Create(t.Context(), sc); err != nil {
		t.Fatal(err)
	}
	const profile = "seniors-20min-walk"
	layers, warnings, err := p.ExportLayers(t.Context(), planner.ExportRequest{Profiles: []string{profile}, Store: st})
	if err != nil || len(warnings) > 0 {
		t.Fatal(err, warnings)
	}
	var ids []string
	for _, l := range layers {
		ids = append(ids, l.ID)
	}
	for _, want := range []string{"proposals-" + profile, planner.ScenarioLayerID(sc.ID), planner.ScenarioResultsID(sc.ID, profile)} {
		if !slices.Contains(ids, want) {
			t.Fatalf("no %s in the export: %v", want, ids)
		}
	}
	path := filepath.Join(t.TempDir(), "territoire.gpkg")
	if _, err := gpkg.Write(context.Background(), path, layers); err != nil {
		t.Fatal(err)
	}
	got, out := gpkgCounts(t, path)
	if len(got) != len(layers) {
		t.Fatalf("%d tables, want %d", len(got), len(layers))
	}
	for _, l := range layers {
		if n := count(t, l, layer.Query{}); got[l.ID] != n || n == 0 {
			t.Errorf("%s: %d features in the GeoPackage, %d in the layer", l.ID, got[l.ID], n)
		}
	}
	if strings.Count(out, `ID["EPSG",4326]]`) != len(layers) {
		t.Fatalf("not every table is in EPSG:4326:\n%s", out)
	}
	// The spatial index answers a box query like the layer.
	box := "-0.60 44.82 -0.54 44.86"
	q, _ := run(t, "ogrinfo", append([]string{"-ro", "-so", "-spat"}, append(strings.Fields(box), path, "venues")...)...)
	if !strings.Contains(q, "Feature Count:") {
		t.Fatalf("no count:\n%s", q)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}
