package planner

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/internal/layer"
)

// ScenarioLayerID is the layer id of scenario id's places.
func ScenarioLayerID(id int64) string { return "scenario-" + strconv.FormatInt(id, 10) + "-places" }

// scenarioFields are the venue fields (VenueFields) then what the scenario
// did to the place: op ("add", "change", "remove", or "" for a place it left
// alone) and, for a change, the base's opening hours, services and position.
func scenarioFields() []layer.Field {
	return append(VenueFields(),
		layer.Field{Name: "op", Title: "Effet du scénario : add, change, remove, ou vide si le lieu est inchangé", Kind: layer.String},
		layer.Field{Name: "before_opening_hours", Title: "Horaires avant le changement", Kind: layer.String},
		layer.Field{Name: "before_services", Title: "Services avant le changement", Kind: layer.Strings},
		layer.Field{Name: "before_lon", Title: "Longitude avant un déplacement", Unit: "degrés", Kind: layer.Number},
		layer.Field{Name: "before_lat", Title: "Latitude avant un déplacement", Unit: "degrés", Kind: layer.Number},
	)
}

// scenarioPlace is one feature of a scenario's places layer.
type scenarioPlace struct {
	v    *maillage.Venue
	op   string
	base *maillage.Venue // for a change
}

// scenarioPlaces returns the places of the territory s makes (located
// ones: every place it keeps, adds or changes, in the scenario territory's
// order), then those it removes at their base position, and the ids of
// edited places without a position.
func (p *Planner) scenarioPlaces(s scenario.Scenario) ([]scenarioPlace, []string, []string, error) {
	eff, err := p.scen.Resolve(p.t, s)
	if err != nil {
		return nil, nil, nil, err
	}
	op := map[int]scenario.Edit{}
	var places []scenarioPlace
	removed := []string{}
	var unlocated []string
	for _, ed := range eff.Edits {
		if ed.Kind == scenario.Removed {
			v := &p.t.Venues[ed.Base]
			removed = append(removed, v.ID)
			if !v.Located {
				unlocated = append(unlocated, v.ID)
			}
			continue
		}
		op[ed.New] = ed
		if !eff.Territory.Venues[ed.New].Located {
			unlocated = append(unlocated, ed.ID)
		}
	}
	for i := range eff.Territory.Venues {
		v := &eff.Territory.Venues[i]
		if !v.Located {
			continue
		}
		sp := scenarioPlace{v: v}
		if ed, ok := op[i]; ok {
			switch ed.Kind {
			case scenario.Added:
				sp.op = "add"
			case scenario.Changed:
				sp.op, sp.base = "change", &p.t.Venues[ed.Base]
			}
		}
		places = append(places, sp)
	}
	for _, ed := range eff.Edits {
		if ed.Kind == scenario.Removed && p.t.Venues[ed.Base].Located {
			places = append(places, scenarioPlace{v: &p.t.Venues[ed.Base], op: "remove"})
		}
	}
	return places, removed, unlocated, nil
}

// ScenarioPlaces returns the layer of the places of scenario s
// (ScenarioLayerID): the venue encoding plus op and before_* fields.
func (p *Planner) ScenarioPlaces(s scenario.Scenario) (*layer.Layer, error) {
	places, _, _, err := p.scenarioPlaces(s)
	if err != nil {
		return nil, err
	}
	return p.scenarioLayer(s, places), nil
}

func (p *Planner) scenarioLayer(s scenario.Scenario, places []scenarioPlace) *layer.Layer {
	fields := scenarioFields()
	nv := len(VenueFields())
	return &layer.Layer{
		ID: ScenarioLayerID(s.ID), Title: "Scénario « " + s.Name + " » — lieux",
		Description: "Les lieux du territoire après le scénario, avec ce qu'il leur fait (op).",
		Geometry:    layer.Point, Fields: fields, MinZoom: 0, MaxZoom: 18,
		Bound: pointsBound(len(places), func(i int) (orb.Point, bool) { return places[i].v.Point, true }),
		Each: func(q layer.Query, fn func(*layer.Feature) error) error {
			f := &layer.Feature{Values: make([]any, len(fields))}
			for _, sp := range places {
				if q.HasBound() && !q.Bound.Contains(sp.v.Point) {
					continue
				}
				f.ID, f.Geom = sp.v.ID, sp.v.Point
				if sp.op == "remove" {
					f.ID = sp.v.ID + "@removed" // a moved-away id may be reused by an added place
				}
				p.venueValues(f.Values[:nv], sp.v)
				rest := f.Values[nv:]
				rest[0], rest[1], rest[2], rest[3], rest[4] = sp.op, nil, nil, nil, nil
				if b := sp.base; b != nil {
					rest[1] = scenario.FormatWeek(b.Hours)
					rest[2] = nonNil(b.Services.Names())
					if b.Located && b.Point != sp.v.Point {
						rest[3], rest[4] = b.Point[0], b.Point[1]
					}
				}
				if err := fn(f); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// WriteScenarioGeoJSON writes what scenario s changes as a GeoJSON
// FeatureCollection for GIS tools (`maillage scenario export`, GET
// /api/v1/scenarios/ID/geojson): the features of its places layer whose op
// is not empty, and the foreign members "scenario" (id, name, base,
// version), "removed" (the removed ids) and "unlocated" (edited places
// without a position, when there are some).
func (p *Planner) WriteScenarioGeoJSON(w io.Writer, s scenario.Scenario) error {
	places, removed, unlocated, err := p.scenarioPlaces(s)
	if err != nil {
		return err
	}
	l := p.scenarioLayer(s, places)
	opField := l.Field("op")
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	n := 0
	var buf []byte
	err = l.Iterate(layer.Query{}, func(f *layer.Feature) error {
		if f.Values[opField] == "" {
			return nil
		}
		buf = buf[:0]
		if n > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '\n')
		var err error
		if buf, err = layer.AppendFeature(buf, l, f, layer.FullPrecision); err != nil {
			return err
		}
		n++
		_, err = bw.Write(buf)
		return err
	})
	if err != nil {
		return err
	}
	meta, err := json.Marshal(map[string]any{"id": s.ID, "name": s.Name, "base": s.Base, "version": s.Version})
	if err != nil {
		return err
	}
	rm, _ := json.Marshal(removed)
	bw.WriteString("\n],\"scenario\":")
	bw.Write(meta)
	bw.WriteString(`,"removed":`)
	bw.Write(rm)
	if len(unlocated) > 0 {
		ul, _ := json.Marshal(unlocated)
		bw.WriteString(`,"unlocated":`)
		bw.Write(ul)
	}
	bw.WriteString("}\n")
	return bw.Flush()
}
