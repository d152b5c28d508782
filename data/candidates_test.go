package data

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestReadCandidatesCSV(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []CandidateSite // Name, Point, Hours, Line checked
		line  int             // error line (0: no error)
		field string
	}{
		{"header", "name,lat,lon,hours\nMairie de Blaye,45.127,-0.662,3.5\nSalle des fêtes,44.5,-0.2,\n",
			[]CandidateSite{{Name: "Mairie de Blaye", Point: orb.Point{-0.662, 45.127}, Hours: 3.5, Line: 2}, {Name: "Salle des fêtes", Point: orb.Point{-0.2, 44.5}, Line: 3}}, 0, ""},
		{"french header, semicolons, decimal commas, reordered", "\ufefflongitude;nom;latitude\n-0,5;Bibliothèque;44,8\n",
			[]CandidateSite{{Name: "Bibliothèque", Point: orb.Point{-0.5, 44.8}, Line: 2}}, 0, ""},
		{"no header", "A,44.1,-0.1\n,44.2,-0.2,7\n",
			[]CandidateSite{{Name: "A", Point: orb.Point{-0.1, 44.1}, Line: 1}, {Name: "site 2", Point: orb.Point{-0.2, 44.2}, Hours: 7, Line: 2}}, 0, ""},
		{"quoted multi-line name", "name,lat,lon\n\"Mairie\nannexe\",44,0\nB,45,1\n",
			[]CandidateSite{{Name: "Mairie\nannexe", Point: orb.Point{0, 44}, Line: 2}, {Name: "B", Point: orb.Point{1, 45}, Line: 4}}, 0, ""},
		{"bad lat", "name,lat,lon\nA,44,0\nB,north,0\n", nil, 3, "lat"},
		{"lat out of range", "name,lat,lon\nA,95,0\n", nil, 2, "lat"},
		{"missing lon", "name,lat,lon\nA,44,\n", nil, 2, "lon"},
		{"negative hours", "name,lat,lon,hours\nA,44,0,-2\n", nil, 2, "hours"},
		{"no lat column", "name,lon\nA,0\n", nil, 1, "lat"},
		{"bad quote", "name,lat,lon\n\"A,44,0\n", nil, 2, "csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadCandidatesCSV(strings.NewReader(tc.in), "sites.csv")
			if tc.line > 0 {
				var ce *CandidateError
				if !errors.As(err, &ce) || !errors.Is(err, ErrCandidates) || ce.Line != tc.line || ce.Field != tc.field || ce.File != "sites.csv" {
					t.Fatalf("err = %v, want sites.csv line %d field %s", err, tc.line, tc.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d candidates %+v", len(got), got)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Name != w.Name || g.Point != w.Point || g.Hours != w.Hours || g.Line != w.Line {
					t.Errorf("candidate %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestReadCandidatesGeoJSON(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		n     int
		line  int
		field string
	}{
		{"collection", `{"type":"FeatureCollection","features":[
			{"type":"Feature","geometry":{"type":"Point","coordinates":[-0.57,44.84]},"properties":{"name":"Mairie","hours":3.5}},
			{"type":"Feature","geometry":{"type":"Point","coordinates":[-0.6,44.9]},"properties":{"nom":"Salle","heures":"7"}}]}`, 2, 0, ""},
		{"single feature", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,45]},"properties":null}`, 1, 0, ""},
		{"polygon", `{"type":"FeatureCollection","features":[
			{"type":"Feature","geometry":{"type":"Point","coordinates":[1,45]},"properties":{}},
			{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},"properties":{}}]}`, 0, 2, "geometry"},
		{"bad hours", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,45]},"properties":{"hours":"lots"}}]}`, 0, 1, "hours"},
		{"latitude out of range", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,145]},"properties":{}}]}`, 0, 1, "geometry.lat"},
		{"no geometry", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{}}]}`, 0, 1, "geometry"},
		{"wrong type", `{"type":"Point","coordinates":[1,45]}`, 0, 0, "type"},
		{"not json", `{"type":`, 0, 0, "json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadCandidatesGeoJSON(strings.NewReader(tc.in), "sites.geojson")
			if tc.field != "" {
				var ce *CandidateError
				if !errors.As(err, &ce) || ce.Line != tc.line || ce.Field != tc.field {
					t.Fatalf("err = %v, want line %d field %s", err, tc.line, tc.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.n {
				t.Fatalf("%d candidates", len(got))
			}
		})
	}
	got, err := ReadCandidatesGeoJSON(strings.NewReader(tests[0].in), "x")
	if err != nil || got[0].Name != "Mairie" || got[0].Hours != 3.5 || got[0].Point != (orb.Point{-0.57, 44.84}) || got[1].Name != "Salle" || got[1].Hours != 7 {
		t.Errorf("collection: %+v %v", got, err)
	}
}

func TestReadCandidatesFiles(t *testing.T) {
	for _, name := range []string{"candidates.csv", "candidates.geojson"} {
		f, err := os.Open(filepath.Join("testdata", "candidates", name))
		if err != nil {
			t.Fatal(err)
		}
		var cs []CandidateSite
		if strings.HasSuffix(name, ".csv") {
			cs, err = ReadCandidatesCSV(f, name)
		} else {
			cs, err = ReadCandidatesGeoJSON(f, name)
		}
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		// Both files list the same three Gironde town halls.
		if len(cs) != 3 || cs[0].Name != "Mairie de Saint-Aubin-de-Médoc" || cs[2].Hours != 7 {
			t.Errorf("%s: %+v", name, cs)
		}
	}
}

func FuzzReadCandidatesCSV(f *testing.F) {
	f.Add("name,lat,lon,hours\nA,45,0,3\n")
	f.Add("nom;latitude;longitude\nB;44,8;-0,5\n")
	f.Add("A,44.1,-0.1\n\"x\ny\",1,2\n")
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := ReadCandidatesCSV(strings.NewReader(s), "f")
		if err != nil {
			if !errors.Is(err, ErrCandidates) {
				t.Fatalf("error %v does not wrap ErrCandidates", err)
			}
			return
		}
		for _, c := range cs {
			if !(c.Point[1] >= -90 && c.Point[1] <= 90 && c.Point[0] >= -180 && c.Point[0] <= 180 && c.Hours >= 0 && c.Hours <= 168) {
				t.Fatalf("accepted bad candidate %+v", c)
			}
		}
	})
}

func FuzzReadCandidatesGeoJSON(f *testing.F) {
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,45]},"properties":{"name":"a","hours":2}}]}`)
	f.Add(`{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,45],[2,46]]}}`)
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := ReadCandidatesGeoJSON(strings.NewReader(s), "f")
		if err != nil {
			if !errors.Is(err, ErrCandidates) {
				t.Fatalf("error %v does not wrap ErrCandidates", err)
			}
			return
		}
		for _, c := range cs {
			if !(c.Point[1] >= -90 && c.Point[1] <= 90 && c.Hours >= 0 && c.Hours <= 168) {
				t.Fatalf("accepted bad candidate %+v", c)
			}
		}
	})
}
