package planner

import (
	"strconv"
	"sync"

	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/internal/layer"
)

// ScenarioResultsID is the layer id of scenario id's results for a profile.
func ScenarioResultsID(id int64, profile string) string {
	return "scenario-" + strconv.FormatInt(id, 10) + "-results-" + profile
}

// resultColumns are the figures of a scenario.Row the results layer carries
// for the base (base_*) and the scenario (after_*).
var resultColumns = []struct {
	name, title, unit string
	kind              layer.Kind
	val               func(r scenario.Row) any
}{
	{"population", "Personnes du profil", "personnes", layer.Number, func(r scenario.Row) any { return layer.Round(r.Population, 3) }},
	{"covered", "Personnes couvertes", "personnes", layer.Number, func(r scenario.Row) any { return layer.Round(r.Covered, 3) }},
	{"share", "Part couverte", "0-1", layer.Number, func(r scenario.Row) any { return layer.Round(r.Share(), 6) }},
	{"weighted", "Demande pondérée", "personnes pondérées", layer.Number, func(r scenario.Row) any { return layer.Round(r.Weighted, 3) }},
	{"weighted_covered", "Demande pondérée couverte", "personnes pondérées", layer.Number, func(r scenario.Row) any { return layer.Round(r.WeightedCovered, 3) }},
	{"access", "Accessibilité moyenne (2SFCA, pondérée par la population)", "heures/semaine pour 1 000 habitants pondérés", layer.Number, func(r scenario.Row) any { return layer.Round(r.Access, 6) }},
	{"uncovered_cells", "Cellules peuplées sans personne couverte", "cellules", layer.Integer, func(r scenario.Row) any { return r.UncoveredCells }},
}

// ScenarioResults returns the layer of scenario s's evaluation for the named
// profile (ScenarioResultsID): one feature per commune outline with the
// commune fields, the base_* and after_* figures of Evaluate's rows and the
// delta_* differences (scenario − base) of its Delta. Defining it computes
// nothing: the evaluation runs on first iteration.
func (p *Planner) ScenarioResults(s scenario.Scenario, profile string) (*layer.Layer, error) {
	if _, err := p.Profile(profile); err != nil {
		return nil, err
	}
	if _, err := p.scen.Resolve(p.t, s); err != nil {
		return nil, err
	}
	fields := communeFields()
	nc := len(fields)
	for _, pre := range []string{"base", "after"} {
		who := map[string]string{"base": " — territoire actuel", "after": " — avec le scénario"}[pre]
		for _, c := range resultColumns {
			fields = append(fields, layer.Field{Name: pre + "_" + c.name, Title: c.title + who, Unit: c.unit, Kind: c.kind})
		}
	}
	fields = append(fields,
		layer.Field{Name: "delta_covered", Title: "Écart de personnes couvertes (scénario − actuel)", Unit: "personnes", Kind: layer.Number},
		layer.Field{Name: "delta_share", Title: "Écart de part couverte (scénario − actuel)", Unit: "0-1", Kind: layer.Number},
		layer.Field{Name: "delta_weighted_covered", Title: "Écart de demande pondérée couverte (scénario − actuel)", Unit: "personnes pondérées", Kind: layer.Number},
		layer.Field{Name: "delta_access", Title: "Écart d'accessibilité moyenne (scénario − actuel)", Unit: "heures/semaine pour 1 000 habitants pondérés", Kind: layer.Number},
		layer.Field{Name: "delta_uncovered_cells", Title: "Écart de cellules sans personne couverte (scénario − actuel)", Unit: "cellules", Kind: layer.Integer},
	)
	communes, err := p.Layer("communes")
	if err != nil {
		return nil, err
	}
	var (
		once sync.Once
		rows map[string]scenario.RowDelta
		eerr error
	)
	t := p.t
	n := 0
	for i := range t.Communes {
		if t.Communes[i].Geometry != nil {
			n++
		}
	}
	return &layer.Layer{
		ID: ScenarioResultsID(s.ID, profile), Title: "Scénario « " + s.Name + " » — résultats par commune (" + profile + ")",
		Description: "Pour chaque commune, les chiffres de l'évaluation du scénario pour le profil " + profile + " : territoire actuel (base_*), avec le scénario (after_*) et l'écart (delta_*).",
		Geometry:    layer.MultiPolygon, Fields: fields, Bound: communes.Bound, Count: n, MinZoom: 0, MaxZoom: 16,
		Each: func(q layer.Query, fn func(*layer.Feature) error) error {
			once.Do(func() {
				ev, err := p.Evaluate(s, profile)
				if err != nil {
					eerr = err
					return
				}
				rows = make(map[string]scenario.RowDelta, len(ev.Delta.Communes))
				for _, d := range ev.Delta.Communes {
					rows[d.Code] = d
				}
			})
			if eerr != nil {
				return eerr
			}
			f := &layer.Feature{Values: make([]any, len(fields))}
			for i := range t.Communes {
				c := &t.Communes[i]
				if c.Geometry == nil || (q.HasBound() && !layer.Intersects(c.Geometry, q.Bound)) {
					continue
				}
				f.ID = c.Code
				f.NumID, _ = strconv.ParseUint(c.Code, 10, 64)
				f.Geom = c.Geometry
				p.communeValues(f.Values[:nc], int32(i))
				d := rows[c.Code] // a commune without people has zero rows
				k := nc
				for _, r := range []scenario.Row{d.A, d.B} {
					for _, col := range resultColumns {
						f.Values[k] = col.val(r)
						k++
					}
				}
				f.Values[k], f.Values[k+1], f.Values[k+2] = layer.Round(d.Covered, 3), layer.Round(d.Share, 6), layer.Round(d.WeightedCovered, 3)
				f.Values[k+3], f.Values[k+4] = layer.Round(d.Access, 6), d.UncoveredCells
				if err := fn(f); err != nil {
					return err
				}
			}
			return nil
		},
	}, nil
}
