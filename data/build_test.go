package data_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/data/demo"
	"github.com/paulmach/orb/geojson"
)

// TestBuild runs Build with fake readers serving the demo territory's data:
// the grid reader names the communes in reverse order and without outlines,
// and the communes file gives the outlines, so the cells' and parts'
// communes must be remapped and the venues placed in their communes.
func TestBuild(t *testing.T) {
	want, _, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	touch := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	gridA, gridB, venues := touch("a.csv"), touch("b.csv"), touch("lieux.csv")
	fc := geojson.NewFeatureCollection()
	for _, c := range want.Communes {
		f := geojson.NewFeature(c.Geometry)
		f.Properties = geojson.Properties{"code": c.Code, "nom": c.Name}
		fc.Append(f)
	}
	b, _ := json.Marshal(fc)
	communes := filepath.Join(dir, "communes.geojson")
	os.WriteFile(communes, b, 0o644)

	n := len(want.Communes)
	var gotGrids []string
	var gotRes int
	readers := data.Readers{
		Cells: func(_ context.Context, grids []string, res int, bar data.Counter) ([]maillage.Cell, []maillage.Part, []maillage.Commune, []maillage.Finding, error) {
			gotGrids, gotRes = grids, res
			cells := slices.Clone(want.Cells)
			rev := make([]maillage.Commune, n)
			for i, c := range want.Communes {
				rev[n-1-i] = maillage.Commune{Code: c.Code}
			}
			for i := range cells {
				cells[i].Commune = int32(n-1) - cells[i].Commune
				cells[i].PartStart, cells[i].PartEnd = 2, 2
				bar.Add(1)
			}
			// Cell 0 straddles its commune and one code the boundaries do
			// not know: two parts (the demo's cells have none).
			rev = append(rev, maillage.Commune{Code: "98001"})
			half := cells[0].Pop
			for a := range half {
				half[a] /= 2
			}
			parts := []maillage.Part{{Cell: 0, Commune: int32(n), Pop: half}, {Cell: 0, Commune: cells[0].Commune, Pop: half}}
			cells[0].PartStart = 0
			return cells, parts, rev, []maillage.Finding{{File: "a.csv", Line: 3, Field: "Ind", Reason: "negative", Severity: maillage.Rejected}}, nil
		},
		Venues: func(path string) ([]maillage.Venue, []maillage.Finding, error) {
			vs := slices.Clone(want.Venues)
			for i := range vs {
				vs[i].Commune = "" // ingest places them
			}
			return vs, []maillage.Finding{
				{File: "lieux.csv", Line: 7, Field: "latitude", Reason: "outside France", Severity: maillage.Rejected},
				{File: "lieux.csv", Line: 7, Field: "services", Reason: "unknown", Severity: maillage.Rejected},
				{File: "lieux.csv", Line: 9, Field: "horaires", Reason: "unparseable", Severity: maillage.Warning},
			}, nil
		},
	}
	got, rep, err := data.Build(context.Background(), data.Inputs{Grids: []string{gridA, gridB}, Venues: []string{venues}, Communes: communes},
		data.BuildOptions{Name: "test", Res: 9, BufferMetres: 50000, Readers: readers})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(gotGrids, []string{gridA, gridB}) || gotRes != 9 {
		t.Fatalf("grid reader got %v res %d", gotGrids, gotRes)
	}
	if len(rep.Warnings) != 0 {
		t.Errorf("warnings %v", rep.Warnings)
	}
	if got.Name != "test" || got.Fictional || len(got.Cells) != len(want.Cells) || len(got.Communes) != n+1 || got.Communes[n].Code != "98001" {
		t.Fatalf("territory %q: %d cells, %d communes", got.Name, len(got.Cells), len(got.Communes))
	}
	for i, c := range got.Cells {
		if got.Communes[c.Commune].Code != want.Communes[want.Cells[i].Commune].Code || c.Pop != want.Cells[i].Pop {
			t.Fatalf("cell %d: commune %s, want %s", i, got.Communes[c.Commune].Code, want.Communes[want.Cells[i].Commune].Code)
		}
	}
	if len(got.Parts) != 2 || got.Parts[0].Commune != int32(n) || got.Communes[got.Parts[1].Commune].Code != want.Communes[want.Cells[0].Commune].Code {
		t.Fatalf("parts not remapped")
	}
	for i, v := range got.Venues {
		if v.Commune != want.Venues[i].Commune && v.Located {
			t.Fatalf("venue %s placed in %q, want %s", v.ID, v.Commune, want.Venues[i].Commune)
		}
	}
	if got.VenuesRead != len(want.Venues)+1 || len(got.Findings) != 4 ||
		!slices.Equal(got.Sources, []string{"communes.geojson", "a.csv", "b.csv", "lieux.csv"}) {
		t.Fatalf("read %d, %d findings, sources %v", got.VenuesRead, len(got.Findings), got.Sources)
	}

	t.Run("reader error", func(t *testing.T) {
		readers.Venues = func(string) ([]maillage.Venue, []maillage.Finding, error) {
			return nil, nil, errors.New("lieux.csv: line 1: wrong column count")
		}
		_, _, err := data.Build(context.Background(), data.Inputs{Grids: []string{gridA}, Venues: []string{venues}}, data.BuildOptions{Res: 9, Readers: readers})
		if err == nil || !strings.Contains(err.Error(), "wrong column count") {
			t.Fatalf("err %v", err)
		}
	})
}
