package scenario

import (
	"github.com/maillage/maillage"
	"github.com/paulmach/orb/geojson"
)

// GeoJSON exports the effect of s on t as a FeatureCollection for GIS
// tools: one Point feature per added or changed place (at its new position,
// properties: op "add" or "change", venue_id, name, opening_hours, hours_per_week,
// services, programmes, itinerant, commune, and for a change the base's
// opening_hours and position as before_*), and one per removed place at its
// base position (op "remove"). The collection's foreign members "scenario"
// (id, name, base, version) and "removed" (the removed ids) carry the rest.
// Places without a position are listed in "removed" or "unlocated" only.
func (o Options) GeoJSON(t *maillage.Territory, s Scenario) (*geojson.FeatureCollection, error) {
	eff, err := o.Resolve(t, s)
	if err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	removed := []string{}
	var unlocated []string
	for _, ed := range eff.Edits {
		var v maillage.Venue
		if ed.Kind == Removed {
			v = t.Venues[ed.Base]
			removed = append(removed, v.ID)
		} else {
			v = eff.Territory.Venues[ed.New]
		}
		if !v.Located {
			unlocated = append(unlocated, v.ID)
			continue
		}
		f := geojson.NewFeature(v.Point)
		f.Properties = venueProperties(v)
		switch ed.Kind {
		case Added:
			f.Properties["op"] = "add"
		case Removed:
			f.Properties["op"] = "remove"
		case Changed:
			f.Properties["op"] = "change"
			b := t.Venues[ed.Base]
			f.Properties["before_opening_hours"] = FormatWeek(b.Hours)
			f.Properties["before_services"] = serviceNames(b.Services)
			if b.Located && b.Point != v.Point {
				f.Properties["before_lon"], f.Properties["before_lat"] = b.Point[0], b.Point[1]
			}
		}
		fc.Append(f)
	}
	fc.ExtraMembers = geojson.Properties{
		"scenario": map[string]any{"id": s.ID, "name": s.Name, "base": s.Base, "version": s.Version},
		"removed":  removed,
	}
	if len(unlocated) > 0 {
		fc.ExtraMembers["unlocated"] = unlocated
	}
	return fc, nil
}

// GeoJSON is Options{}.GeoJSON.
func GeoJSON(t *maillage.Territory, s Scenario) (*geojson.FeatureCollection, error) {
	return Options{}.GeoJSON(t, s)
}

func venueProperties(v maillage.Venue) geojson.Properties {
	p := geojson.Properties{
		"venue_id":   v.ID,
		"name":       v.Name,
		"services":   serviceNames(v.Services),
		"programmes": nonNil(v.Programmes),
		"itinerant":  v.Itinerant,
		"commune":    v.Commune,
	}
	if v.Hours.Known {
		p["opening_hours"] = FormatWeek(v.Hours)
		p["hours_per_week"] = v.Hours.Hours()
	}
	return p
}

func serviceNames(s maillage.Service) []string { return nonNil(s.Names()) }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
