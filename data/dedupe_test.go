package data

import (
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/paulmach/orb"
)

// venueAt builds a located venue; dNorth moves it north by that many metres
// (1 m = 1/111,195 degree of latitude).
func venueAt(id, src, name string, dNorth float64, progs ...string) maillage.Venue {
	return maillage.Venue{ID: id, Source: src, Line: 2, Name: name, Located: true,
		Point: orb.Point{-0.2646, 44.7345 + dNorth/111195}, Programmes: progs}
}

func TestMergeVenues(t *testing.T) {
	tests := []struct {
		name       string
		a, b       []maillage.Venue
		wantOut    int
		wantMerged int
	}{
		{"same name word, 50 m", []maillage.Venue{venueAt("fs-1", "fs.csv", "France services Targon", 0, "France Services")},
			[]maillage.Venue{venueAt("c1", "cn.json", "Mairie de TARGON", 50, "Conseillers numériques")}, 1, 1},
		{"accents and case", []maillage.Venue{venueAt("fs-1", "fs.csv", "France services Réolais", 0)},
			[]maillage.Venue{venueAt("c1", "cn.json", "ESPACE REOLAIS", 10)}, 1, 1},
		{"both France Services, no common word, 20 m", []maillage.Venue{venueAt("fs-1", "fs.csv", "France services Sauveterre de Guyenne", 0, "France Services")},
			[]maillage.Venue{venueAt("c1", "cn.json", "CC RURALES DE L'ENTRE-DEUX-MERS", 20, "Conseillers numériques", "France Services")}, 1, 1},
		{"only generic words in common", []maillage.Venue{venueAt("fs-1", "fs.csv", "France services de la commune", 0, "France Services")},
			[]maillage.Venue{venueAt("c1", "cn.json", "Médiathèque de la commune", 5, "Conseillers numériques")}, 2, 0},
		{"same name, 150 m", []maillage.Venue{venueAt("fs-1", "fs.csv", "France services Targon", 0)},
			[]maillage.Venue{venueAt("c1", "cn.json", "Targon", 150)}, 2, 0},
		{"same source never merged", []maillage.Venue{venueAt("c1", "cn.json", "Targon", 0), venueAt("c2", "cn.json", "Targon", 0)},
			nil, 2, 0},
		{"one per source in a group", []maillage.Venue{venueAt("fs-1", "fs.csv", "France services Targon", 0)},
			[]maillage.Venue{venueAt("c1", "cn.json", "Targon", 1), venueAt("c2", "cn.json", "Targon", 2)}, 2, 1},
		{"three sources", []maillage.Venue{venueAt("fs-1", "fs.csv", "France services Targon", 0)},
			append([]maillage.Venue{venueAt("c1", "cn.json", "Targon", 1)}, venueAt("x1", "cd33.csv", "EPN Targon", 2)), 1, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, fs := MergeVenues(tc.a, tc.b)
			merged := 0
			for _, f := range fs {
				if f.Severity == maillage.Merged {
					merged++
				}
			}
			if len(out) != tc.wantOut || merged != tc.wantMerged {
				t.Errorf("out %d merged %d, want %d and %d; findings %v", len(out), merged, tc.wantOut, tc.wantMerged, fs)
			}
		})
	}
}

func TestMergeVenuesRicherRecord(t *testing.T) {
	fsv := venueAt("fs-1", "fs.csv", "France services Targon", 0, "France Services")
	fsv.Services = maillage.ServiceDemarches
	fsv.Hours = maillage.Week{Known: true}
	fsv.Hours.Days[0] = []maillage.Span{{Open: 540, Close: 720}}
	fsv.Itinerant = false
	cn := venueAt("c1", "cn.json", "Espace France services Targon", 9, "Conseillers numériques", "Aidants Connect")
	cn.Pivot, cn.Fees, cn.Postcode = "24330052100012", "Gratuit", "33760"
	cn.Services = maillage.ServiceQuotidien
	cn.Line = 17082
	in := []maillage.Venue{fsv}
	out, fs := MergeVenues(in, []maillage.Venue{cn})
	if len(out) != 1 || len(fs) != 1 {
		t.Fatalf("out %v findings %v", out, fs)
	}
	v := out[0]
	// cn has pivot, fees, postcode, programmes, services, position, name: richer than fsv (no pivot, fees, postcode).
	if v.ID != "c1" || v.Services != maillage.ServiceDemarches|maillage.ServiceQuotidien || !v.Hours.Known ||
		strings.Join(v.Programmes, "|") != "Conseillers numériques|Aidants Connect|France Services" {
		t.Errorf("kept %+v", v)
	}
	if f := fs[0]; f.File != "fs.csv" || f.Line != 2 || f.ID != "fs-1" || f.Severity != maillage.Merged {
		t.Errorf("finding %+v", f)
	}
	// The caller's slices are untouched.
	if len(in[0].Programmes) != 1 || len(cn.Programmes) != 2 {
		t.Errorf("inputs modified: %v %v", in[0].Programmes, cn.Programmes)
	}
	// An itinerant site is not merged with a fixed one.
	bus := fsv
	bus.Itinerant = true
	if out, _ := MergeVenues([]maillage.Venue{bus}, []maillage.Venue{cn}); len(out) != 2 {
		t.Errorf("bus merged with a fixed place")
	}
}

func TestMergeVenuesUniqueIDs(t *testing.T) {
	a := []maillage.Venue{{ID: "1", Source: "a.csv", Line: 2, Name: "A"}, {ID: "2", Source: "a.csv", Line: 3, Name: "B"}}
	b := []maillage.Venue{{ID: "1", Source: "b.json", Line: 5, Name: "C"}, {ID: "b:1", Source: "b.json", Line: 9, Name: "D"}}
	out, fs := MergeVenues(a, b)
	var ids []string
	for _, v := range out {
		ids = append(ids, v.ID)
	}
	// "1" of b.json collides with a.csv's: "b:1"; then b.json's own "b:1"
	// collides with that new id: "b:b:1".
	if got := strings.Join(ids, ","); got != "1,2,b:1,b:b:1" {
		t.Errorf("ids %s", got)
	}
	if len(fs) == 0 || fs[0].Field != "id" || fs[0].File != "b.json" {
		t.Errorf("findings %v", fs)
	}
}
