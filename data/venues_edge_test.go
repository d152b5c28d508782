package data

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maillage/maillage"
)

var venueUpdate = flag.Bool("update-venues", false, "rewrite the venue golden files in testdata/venues")

// venueRender renders venues and findings as stable text for golden files.
func venueRender(vs []maillage.Venue, fs []maillage.Finding) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "venue %s line %d name=%q located=%v", v.ID, v.Line, v.Name, v.Located)
		if v.Located {
			fmt.Fprintf(&b, " lat=%.4f lon=%.4f", v.Point[1], v.Point[0])
		}
		fmt.Fprintf(&b, " postcode=%q commune=%q services=%q programmes=%q publics=%q support=%q fees=%q itinerant=%v hours=%s\n",
			v.Postcode, v.Commune, strings.Join(v.Services.Names(), "|"), strings.Join(v.Programmes, "|"),
			strings.Join(v.Publics, "|"), strings.Join(v.Support, "|"), v.Fees, v.Itinerant, hoursFmt(v.Hours))
	}
	for _, f := range fs {
		fmt.Fprintf(&b, "finding %s\n", f)
	}
	return b.String()
}

// TestReadVenuesEdgeCases reads small hand-made files exercising every
// validation rule; the golden files were checked by hand against the rules in
// venues.go (see the comments in the fixtures' expectations below).
func TestReadVenuesEdgeCases(t *testing.T) {
	for _, name := range []string{"edge-cases.csv", "edge-cases.json"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", "venues", name)
			vs, fs, err := ReadVenues(path)
			if err != nil {
				t.Fatal(err)
			}
			got := venueRender(vs, fs)
			golden := path + ".golden"
			if *venueUpdate {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s: output differs from %s:\n%s", name, golden, got)
			}
		})
	}
	// Key facts of the CSV fixture, asserted independently of the golden file.
	vs, fs, err := ReadVenues(filepath.Join("testdata", "venues", "edge-cases.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// 8 records: the repeated e-1 (identical) is rejected; the second e-2 (a
	// different place) is renamed; the record without id is named after its line.
	if len(vs) != 7 {
		t.Errorf("%d venues, want 7", len(vs))
	}
	ids := map[string]maillage.Venue{}
	for _, v := range vs {
		ids[v.ID] = v
	}
	if v := ids["e-2"]; !v.Located || !venueNear(v.Point[1], 44.8412) || !venueNear(v.Point[0], -0.5736) {
		t.Errorf("e-2 swapped coordinates not corrected: %+v", v)
	}
	if v, ok := ids["e-2~L7"]; !ok || v.Hours.Hours() != 168 || v.Address != "4 rue\ndu Port" {
		t.Errorf("second e-2 (line 7, address on two lines) = %+v", v)
	}
	if v, ok := ids["L9"]; !ok || v.Line != 9 || !v.Located || v.Hours.Hours() != 40 {
		t.Errorf("record without id (line 9, Réunion, PH off ignored) = %+v", v)
	}
	if v := ids["e-3"]; v.Located {
		t.Errorf("Madrid located")
	}
	if v := ids["e-9"]; v.Located {
		t.Errorf("0,0 located")
	}
	if v := ids["e-4"]; v.Hours.Known || !v.Itinerant || v.Services != maillage.ServiceLoisirs || len(v.Publics) != 0 {
		t.Errorf("e-4 = %+v", v)
	}
	if v := ids["e-1"]; v.Services != maillage.ServiceDemarches|maillage.ServiceQuotidien || v.Hours.Hours() != 33 ||
		strings.Join(v.Publics, "|") != "Seniors" || v.Fees != "Gratuit" || strings.Join(v.Programmes, "|") != "Conseillers numériques" {
		t.Errorf("e-1 = %+v", v)
	}
	rejected := 0
	for _, f := range fs {
		if f.Severity == maillage.Rejected {
			rejected++
			if f.Line != 6 || f.Field != "id" {
				t.Errorf("rejection %v, want line 6 id", f)
			}
		}
	}
	if rejected != 1 {
		t.Errorf("%d rejected, want 1", rejected)
	}
	for _, want := range []struct {
		line  int
		field string
	}{{3, "latitude"}, {4, "latitude"}, {5, "latitude"}, {5, "code_postal"}, {5, "services"}, {5, "horaires"},
		{5, "labels_nationaux"}, {7, "id"}, {9, "id"}, {9, "nom"}, {10, "latitude"}} {
		if !venueHasFinding(fs, want.line, want.field) {
			t.Errorf("no finding at line %d field %s", want.line, want.field)
		}
	}
}

func TestReadVenuesMalformed(t *testing.T) {
	header := "id,pivot,nom,commune,code_postal,adresse,latitude,longitude,date_maj\n"
	row := "a,12345678901234,Lieu,Cenon,33150,1 rue,44.85,-0.53,2023-01-01\n"
	fsHeader := "id_fs,lib_fs,latitude,longitude,h_lundi,itinerance\n"
	tests := []struct {
		name string
		in   string
		line int
		want error // nil: any error
	}{
		{"empty", "", 0, ErrVenueEmpty},
		{"blank", " \n\n", 0, ErrVenueEmpty},
		{"unknown columns", "a,b,c\n1,2,3\n", 1, ErrVenueFormat},
		{"too few columns", header + row + "b,123456789,Lieu 2,Cenon\n", 3, nil},
		{"too many columns", header + row + row[:len(row)-1] + ",extra\n", 3, nil},
		{"France Services wrong width", fsHeader + "1,Site,44.8,-0.5,09:00-12:00,Non\n2,Site 2,44.8\n", 3, nil},
		{"broken quote", header + row + "c,123456789,\"Lieu \"x\" ,Cenon,33150,1 rue,44.85,-0.53,2023-01-01\n", 3, nil},
		{"latin-1", header + row + "d,123456789,M\xe9diath\xe8que,Cenon,33150,1 rue,44.85,-0.53,2023-01-01\n", 3, ErrVenueEncoding},
		{"binary", header + "\x00\x01\x02garbage\n", 2, ErrVenueBinary},
		{"gzip", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 1, nil},
		{"truncated JSON", "[\n {\"id\": \"a\", \"nom\": \"X\"},\n {\"id\": \"b\",\n", 4, nil},
		{"JSON object", "{\"id\": \"a\"}", 1, ErrVenueFormat},
		{"JSON syntax", "[\n {\"id\": \"a\",,}\n]", 2, nil},
		{"JSON trailing", "[]\n[]", 2, nil},
		{"repeated column", "id,nom,nom\n1,a,b\n", 1, ErrVenueFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vs, _, err := ReadVenuesBytes([]byte(tc.in), "bad.txt")
			var fe *VenueFileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v (%d venues), want a *VenueFileError", err, len(vs))
			}
			if fe.File != "bad.txt" || fe.Line != tc.line {
				t.Errorf("error %q at %s:%d, want bad.txt:%d", err, fe.File, fe.Line, tc.line)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %q, want %v", err, tc.want)
			}
			if vs != nil {
				t.Errorf("%d venues returned with an error", len(vs))
			}
			if !strings.Contains(err.Error(), "bad.txt") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestReadVenuesVariants(t *testing.T) {
	csvIn := "id,nom,commune,code_postal,adresse,latitude,longitude\nx,Lieu,Cenon,33150,1 rue,44.85,-0.53\n"
	fsIn := "\xef\xbb\xbfid_fs;lib_fs;latitude;longitude;h_lundi;h_mardi;itinerance\n7;Site;44.85;-0.53;09:00 - 12:00 / 13:30 - 17:00;;Oui\n"
	jsonIn := `[{"id": "x", "nom": "Lieu", "latitude": 44.85, "longitude": -0.53}]`
	for _, tc := range []struct {
		name string
		read func() ([]maillage.Venue, []maillage.Finding, error)
		id   string
		line int
	}{
		{"ReadLieuxCSV", func() ([]maillage.Venue, []maillage.Finding, error) {
			return ReadLieuxCSV(strings.NewReader(csvIn), "l.csv")
		}, "x", 2},
		{"ReadLieuxJSON", func() ([]maillage.Venue, []maillage.Finding, error) {
			return ReadLieuxJSON(strings.NewReader(jsonIn), "l.json")
		}, "x", 1},
		{"ReadFranceServicesCSV", func() ([]maillage.Venue, []maillage.Finding, error) {
			return ReadFranceServicesCSV(strings.NewReader(fsIn), "fs.csv")
		}, "fs-7", 2},
		{"ReadVenuesFrom sniffs France Services with BOM and ;", func() ([]maillage.Venue, []maillage.Finding, error) {
			return ReadVenuesFrom(bytes.NewReader([]byte(fsIn)), "fs.csv")
		}, "fs-7", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs, _, err := tc.read()
			if err != nil || len(vs) != 1 || vs[0].ID != tc.id || !vs[0].Located || vs[0].Line != tc.line {
				t.Fatalf("%v, %+v", err, vs)
			}
			if tc.id == "fs-7" && (vs[0].Hours.Hours() != 6.5 || !vs[0].Itinerant) {
				t.Errorf("France Services hours %v h itinerant %v, want 6.5 h (h_lundi) and true", vs[0].Hours.Hours(), vs[0].Itinerant)
			}
		})
	}
}

// FuzzReadVenues feeds arbitrary bytes to the sniffing reader: it must never
// panic, and when it succeeds every venue must have a unique non-empty id, a
// line within the file and, if located, a position in France.
func FuzzReadVenues(f *testing.F) {
	for _, name := range []string{"edge-cases.csv", "edge-cases.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "venues", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("id_fs,lib_fs,latitude,longitude,h_lundi,itinerance\n1,\"Site\nsur deux lignes\",44.8,-0.5,09:00-12:00,Oui\n1,Site,x,y,,\n"))
	f.Add([]byte("[{\"id\":1,\"nom\":null,\"latitude\":[1,2],\"services\":{}}]"))
	f.Add([]byte("id,nom\n,\n,\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		vs, fs, err := ReadVenuesBytes(b, "fuzz")
		if err != nil {
			var fe *VenueFileError
			if !errors.As(err, &fe) || vs != nil {
				t.Fatalf("error %v is not a *VenueFileError, or venues returned", err)
			}
			return
		}
		lines := 1 + bytes.Count(b, []byte{'\n'})
		seen := map[string]bool{}
		for _, v := range vs {
			if v.ID == "" || seen[v.ID] {
				t.Fatalf("empty or repeated id %q", v.ID)
			}
			seen[v.ID] = true
			if v.Line < 1 || v.Line > lines {
				t.Fatalf("%s: line %d outside 1..%d", v.ID, v.Line, lines)
			}
			if v.Located && !VenueInFrance(v.Point[1], v.Point[0]) {
				t.Fatalf("%s: located outside France %v", v.ID, v.Point)
			}
		}
		for _, x := range fs {
			if x.Line < 1 || x.Line > lines || x.File != "fuzz" {
				t.Fatalf("finding %v outside the file", x)
			}
		}
	})
}
