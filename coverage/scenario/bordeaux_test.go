package scenario

import (
	"encoding/csv"
	"errors"
	"os"
	"strconv"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/internal/shareddata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// bordeaux builds a territory from real files: the communes of the INSEE
// 200 m grid of Bordeaux Métropole (their Depcom codes) with their 2018
// outlines, and every place of the Gironde CD33 file (id, name, position).
// It has no cells: only what validation needs.
func bordeaux(t *testing.T) *maillage.Territory {
	t.Helper()
	codes := map[string]bool{}
	readCSV(t, shareddata.Path(t, "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv"), func(h map[string]int, r []string) {
		codes[r[h["Depcom"]]] = true
	})
	raw, err := os.ReadFile(shareddata.Path(t, "boundaries/communes-33-gironde-2018.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	terr := &maillage.Territory{Name: "bordeaux-metropole"}
	for _, f := range fc.Features {
		code := f.Properties.MustString("code")
		if !codes[code] {
			continue
		}
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		}
		terr.Communes = append(terr.Communes, maillage.Commune{Code: code, Name: f.Properties.MustString("nom"), Geometry: mp})
	}
	readCSV(t, shareddata.Path(t, "venues/gironde-cd33-2021.lieux-mediation.csv"), func(h map[string]int, r []string) {
		lat, err1 := strconv.ParseFloat(r[h["latitude"]], 64)
		lon, err2 := strconv.ParseFloat(r[h["longitude"]], 64)
		terr.Venues = append(terr.Venues, maillage.Venue{ID: r[h["id"]], Name: r[h["nom"]],
			Point: orb.Point{lon, lat}, Located: err1 == nil && err2 == nil})
	})
	return terr
}

func readCSV(t *testing.T, path string, row func(h map[string]int, r []string)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]int{}
	for i, c := range recs[0] {
		h[c] = i
	}
	for _, r := range recs[1:] {
		row(h, r)
	}
}

func TestBordeauxScenario(t *testing.T) {
	terr := bordeaux(t)
	// 41 commune codes in the grid, all present in the 2018 outlines; 347 places in the CD33 file.
	if len(terr.Communes) != 41 || len(terr.Venues) != 347 {
		t.Fatalf("%d communes, %d places; want 41 and 347", len(terr.Communes), len(terr.Venues))
	}
	s := Scenario{Name: "Permanences 2027", Base: "bordeaux-metropole", Changes: []Change{
		// Hôtel de ville de Bordeaux (palais Rohan), 44.8378 N 0.5792 W.
		{Op: OpAdd, VenueID: "mairie-bordeaux", Name: "Permanence à l'hôtel de ville", Lat: f64(44.8378), Lon: f64(-0.5792),
			Hours: []DaySpan{{Day: "Tu", Open: "09:00", Close: "12:30"}}, Services: []string{"Aide aux démarches administratives"}},
		// Aéroport de Bordeaux-Mérignac, 44.8283 N 0.7156 W, in Mérignac.
		{Op: OpAdd, VenueID: "aeroport", Name: "Borne de l'aéroport", Lat: f64(44.8283), Lon: f64(-0.7156)},
		{Op: OpRemove, VenueID: "cd33-1"},
		{Op: OpHours, VenueID: "cd33-9", Hours: []DaySpan{{Day: "We", Open: "14:00", Close: "18:00"}}},
	}}
	eff, err := Resolve(terr, s)
	if err != nil {
		t.Fatal(err)
	}
	out := eff.Territory
	if len(out.Venues) != 347-1+2 {
		t.Errorf("%d places, want 348", len(out.Venues))
	}
	got := map[string]string{}
	for _, v := range out.Venues[len(out.Venues)-2:] {
		got[v.ID] = v.Commune + " " + v.CommuneName
	}
	if got["mairie-bordeaux"] != "33063 Bordeaux" || got["aeroport"] != "33281 Mérignac" {
		t.Errorf("communes of the added places = %v, want Bordeaux (33063) and Mérignac (33281)", got)
	}

	bad := []struct {
		name  string
		c     Change
		field string
	}{
		// Arcachon, 44.6586 N 1.1689 W: ≈ 40 km from the métropole.
		{"Arcachon", Change{Op: OpAdd, Name: "x", Lat: f64(44.6586), Lon: f64(-1.1689)}, "changes[4].lat"},
		// ACIFOP's own position in Libourne (cd33-2), east of the métropole.
		{"Libourne", Change{Op: OpMove, VenueID: "cd33-11", Lat: f64(44.93815), Lon: f64(-0.235791)}, "changes[4].lat"},
		{"unknown place", Change{Op: OpRemove, VenueID: "cd33-9999"}, "changes[4].venue_id"},
		{"negative hours", Change{Op: OpHours, VenueID: "cd33-11", Hours: []DaySpan{{Day: "Fr", Open: "17:00", Close: "09:00"}}}, "changes[4].hours[0].close"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			s2 := s
			s2.Changes = append(s.Changes[:4:4], tt.c)
			err := Validate(terr, s2)
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Field != tt.field {
				t.Errorf("Validate = %v, want one problem at %s", err, tt.field)
			}
		})
	}
}
