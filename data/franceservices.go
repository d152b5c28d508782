package data

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/maillage/maillage"
)

// venueFSRequired are the France Services columns every row should fill.
var venueFSRequired = []string{"id_fs", "lib_fs", "adresse", "lib_com", "code_postal"}

// venueReadFranceServices reads the France Services CSV. Each site becomes a
// venue with ID "fs-<id_fs>", programme "France Services", service "Aide aux
// démarches administratives", Itinerant from itinerance (Oui/Non) and hours
// from h_lundi … h_samedi (Sunday closed; all cells empty: unknown).
func venueReadFranceServices(b []byte, name string) ([]maillage.Venue, []maillage.Finding, error) {
	cr, header, err := venueCSV(b, name)
	if err != nil {
		return nil, nil, err
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, need := range []string{"id_fs", "lib_fs"} {
		if _, ok := col[need]; !ok {
			return nil, nil, &VenueFileError{File: name, Line: 1, Err: fmt.Errorf("%w: no %q column in the France Services header", ErrVenueFormat, need)}
		}
	}
	var vs []maillage.Venue
	var keys []string
	var fs []maillage.Finding
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, venueCSVError(err, name)
		}
		line, _ := cr.FieldPos(0)
		g := func(k string) string {
			if i, ok := col[k]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		v := maillage.Venue{
			Source: name, Line: line, Name: g("lib_fs"), Address: g("adresse"),
			Postcode: g("code_postal"), CommuneName: g("lib_com"),
			Services: maillage.ServiceDemarches, Programmes: []string{"France Services"},
		}
		row := &venueRow{file: name, line: line}
		if id := g("id_fs"); id != "" {
			v.ID = "fs-" + id
		} else {
			v.ID = fmt.Sprintf("fs-L%d", line)
		}
		row.id = v.ID
		for _, f := range venueFSRequired {
			if g(f) == "" && f != "code_postal" {
				row.warn(f, "missing required field")
			}
		}
		venueCheckPostcode(row, "code_postal", v.Postcode)
		if c := g("insee_com"); c != "" {
			if venueInseeRe.MatchString(c) {
				v.Commune = c
			} else {
				row.warn("insee_com", "bad INSEE code %q", c)
			}
		}
		venueLocate(&v, row, "latitude", "longitude", g("latitude"), g("longitude"))
		switch it := strings.ToLower(g("itinerance")); it {
		case "oui":
			v.Itinerant = true
		case "non":
		default:
			row.warn("itinerance", "itinerance %q is neither Oui nor Non: read as fixed", g("itinerance"))
		}
		var cells [6]string
		for i, d := range hoursFSColumns {
			cells[i] = g(d)
		}
		w, err := ParseFranceServicesWeek(cells)
		var he *FranceServicesHoursError
		switch {
		case err == nil:
			v.Hours = w
		case errors.Is(err, ErrHoursEmpty):
		case errors.As(err, &he):
			row.warn(he.Column, "unparseable opening hours, week kept as unknown: %v", he.Err)
		default:
			row.warn("h_lundi", "unparseable opening hours, week kept as unknown: %v", err)
		}
		vs = append(vs, v)
		keys = append(keys, strings.Join(rec, "\x1f"))
		fs = append(fs, row.findings...)
	}
	vs, f := venueDedupIDs(vs, keys, name)
	return vs, venueSortFindings(append(fs, f...)), nil
}
