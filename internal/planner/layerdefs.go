package planner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/internal/layer"
)

// ErrUnknownLayer is returned for a layer id the territory does not have.
var ErrUnknownLayer = errors.New("planner: unknown layer")

// communeColumns are the commune fields every layer tied to a commune
// carries (cells, coverage, venues, communes): adding a field here (an EPCI
// code, a département) adds it to all of them in every format.
var communeColumns = []struct {
	f   layer.Field
	val func(c *maillage.Commune) any
}{
	{layer.Field{Name: "commune", Title: "Code INSEE de la commune", Kind: layer.String}, func(c *maillage.Commune) any { return c.Code }},
	{layer.Field{Name: "commune_name", Title: "Nom de la commune", Kind: layer.String}, func(c *maillage.Commune) any { return c.Name }},
	{layer.Field{Name: "epci", Title: "Code SIREN de l'intercommunalité (vide sans la liste des EPCI)", Kind: layer.String}, func(c *maillage.Commune) any { return c.EPCI }},
	{layer.Field{Name: "departement", Title: "Code du département", Kind: layer.String}, func(c *maillage.Commune) any { return maillage.DepartementOf(c.Code) }},
}

func communeFields() []layer.Field {
	out := make([]layer.Field, len(communeColumns))
	for i, c := range communeColumns {
		out[i] = c.f
	}
	return out
}

// communeValues fills dst with the commune fields of commune i ("" for
// none).
func (p *Planner) communeValues(dst []any, i int32) {
	if i < 0 || int(i) >= len(p.t.Communes) {
		for k := range dst {
			dst[k] = ""
		}
		return
	}
	for k, c := range communeColumns {
		dst[k] = c.val(&p.t.Communes[i])
	}
}

// communeIndex returns the index of the commune with INSEE code code, or -1.
func (p *Planner) communeIndex(code string) int32 {
	p.codesOnce.Do(func() {
		p.codes = make(map[string]int32, len(p.t.Communes))
		for i, c := range p.t.Communes {
			if _, dup := p.codes[c.Code]; !dup {
				p.codes[c.Code] = int32(i)
			}
		}
	})
	if i, ok := p.codes[code]; ok {
		return i
	}
	return -1
}

// popFields are the INSEE attribute fields, in maillage.Attr order.
func popCols(agg agg, dec int) []hexCol {
	out := make([]hexCol, 0, maillage.NumAttrs)
	for a := range maillage.NumAttrs {
		unit := "personnes"
		if a == maillage.Men || a == maillage.MenPauv || a == maillage.Men1Ind {
			unit = "ménages"
		}
		out = append(out, hexCol{f: layer.Field{Name: a.String(), Title: "Filosofi " + a.String(), Unit: unit, Kind: layer.Number}, dec: dec, agg: agg})
	}
	return out
}

// LayerIDs returns the ids of the territory's layers in the order Layers
// lists them: venues, cells, communes, then for each profile
// coverage-{profile} and gaps-{profile}, then roads when the territory has
// a road network.
func (p *Planner) LayerIDs() []string {
	ids := []string{"venues", "cells", "communes"}
	for _, pr := range p.profiles {
		ids = append(ids, "coverage-"+pr.Name, "gaps-"+pr.Name)
	}
	if p.graph != nil && len(p.graph.Networks()) > 0 {
		ids = append(ids, "roads")
	}
	return ids
}

// Layers returns every layer of the territory (see LayerIDs). Defining them
// computes nothing: per-profile layers compute their profile's coverage on
// first iteration.
func (p *Planner) Layers() []*layer.Layer {
	ids := p.LayerIDs()
	out := make([]*layer.Layer, 0, len(ids))
	for _, id := range ids {
		l, err := p.Layer(id)
		if err == nil {
			out = append(out, l)
		}
	}
	return out
}

// Layer returns the layer called id, defined once per planner.
func (p *Planner) Layer(id string) (*layer.Layer, error) {
	p.layerMu.Lock()
	defer p.layerMu.Unlock()
	if l, ok := p.layers[id]; ok {
		return l, nil
	}
	var l *layer.Layer
	switch {
	case id == "venues":
		l = p.venueLayer()
	case id == "cells":
		l = p.cellLayer()
	case id == "communes":
		l = p.communeLayer()
	case id == "roads" && p.graph != nil && len(p.graph.Networks()) > 0:
		l = p.roadLayer()
	case strings.HasPrefix(id, "coverage-"):
		if _, err := p.Profile(strings.TrimPrefix(id, "coverage-")); err == nil {
			l = p.coverageLayer(strings.TrimPrefix(id, "coverage-"))
		}
	case strings.HasPrefix(id, "proposals-"):
		if _, err := p.Profile(strings.TrimPrefix(id, "proposals-")); err == nil {
			l = p.proposalLayer(strings.TrimPrefix(id, "proposals-"))
		}
	case strings.HasPrefix(id, "gaps-"):
		if _, err := p.Profile(strings.TrimPrefix(id, "gaps-")); err == nil {
			l = p.gapLayer(strings.TrimPrefix(id, "gaps-"), 0)
		}
	}
	if l == nil {
		return nil, fmt.Errorf("%w %q (layers: %s)", ErrUnknownLayer, id, strings.Join(p.LayerIDs(), ", "))
	}
	if p.layers == nil {
		p.layers = map[string]*layer.Layer{}
	}
	p.layers[id] = l
	return l, nil
}

// VenueFields are the properties of a place, in every format: the one
// encoding of a venue (GET /api/v1/venues, the venues layer, scenario
// exports).
func VenueFields() []layer.Field {
	f := []layer.Field{{Name: "id", Title: "Identifiant du lieu", Kind: layer.String},
		{Name: "name", Title: "Nom", Kind: layer.String}}
	f = append(f, communeFields()...)
	return append(f,
		layer.Field{Name: "address", Title: "Adresse", Kind: layer.String},
		layer.Field{Name: "postcode", Title: "Code postal", Kind: layer.String},
		layer.Field{Name: "services", Title: "Services proposés", Kind: layer.Strings},
		layer.Field{Name: "publics", Title: "Publics spécifiquement adressés", Kind: layer.Strings},
		layer.Field{Name: "support", Title: "Prise en charge spécifique", Kind: layer.Strings},
		layer.Field{Name: "programmes", Title: "Dispositifs et programmes nationaux", Kind: layer.Strings},
		layer.Field{Name: "fees", Title: "Frais à charge", Kind: layer.String},
		layer.Field{Name: "itinerant", Title: "Itinérant", Kind: layer.Boolean},
		layer.Field{Name: "hours_known", Title: "Horaires connus", Kind: layer.Boolean},
		layer.Field{Name: "weekly_hours", Title: "Heures d'ouverture par semaine", Unit: "heures/semaine", Kind: layer.Number},
		layer.Field{Name: "opening_hours", Title: "Horaires (syntaxe OSM opening_hours)", Kind: layer.String},
		layer.Field{Name: "source", Title: "Fichier source", Kind: layer.String},
	)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// venueValues fills dst (len(VenueFields())) with v's values.
func (p *Planner) venueValues(dst []any, v *maillage.Venue) {
	dst[0], dst[1] = v.ID, v.Name
	nc := len(communeColumns)
	ci := p.communeIndex(v.Commune)
	p.communeValues(dst[2:2+nc], ci)
	if ci < 0 {
		dst[2] = v.Commune
		if nc > 1 {
			dst[3] = v.CommuneName
		}
	}
	rest := dst[2+nc:]
	rest[0], rest[1] = v.Address, v.Postcode
	rest[2] = nonNil(v.Services.Names())
	rest[3], rest[4], rest[5] = nonNil(v.Publics), nonNil(v.Support), nonNil(v.Programmes)
	rest[6], rest[7] = v.Fees, v.Itinerant
	rest[8] = v.Hours.Known
	rest[9] = layer.Round(v.Hours.Hours(), 2)
	rest[10] = nil
	if v.Hours.Known {
		rest[10] = scenario.FormatWeek(v.Hours)
	}
	rest[11] = v.Source
}

func pointsBound(n int, at func(i int) (orb.Point, bool)) orb.Bound {
	var b orb.Bound
	first := true
	for i := range n {
		pt, ok := at(i)
		if !ok {
			continue
		}
		if first {
			b, first = orb.Bound{Min: pt, Max: pt}, false
		} else {
			b = b.Extend(pt)
		}
	}
	return b
}

func (p *Planner) venueLayer() *layer.Layer {
	t := p.t
	fields := VenueFields()
	return &layer.Layer{
		ID: "venues", Title: "Lieux de médiation numérique",
		Description: "Les lieux localisés du territoire, avec leurs services, publics et horaires.",
		Geometry:    layer.Point, Fields: fields, MinZoom: 0, MaxZoom: 18,
		Bound: pointsBound(len(t.Venues), func(i int) (orb.Point, bool) { return t.Venues[i].Point, t.Venues[i].Located }),
		Each: func(q layer.Query, fn func(*layer.Feature) error) error {
			f := &layer.Feature{Values: make([]any, len(fields))}
			for i := range t.Venues {
				v := &t.Venues[i]
				if !v.Located || (q.HasBound() && !q.Bound.Contains(v.Point)) {
					continue
				}
				f.ID = v.ID
				f.Geom = v.Point
				p.venueValues(f.Values, v)
				if err := fn(f); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func (p *Planner) cellLayer() *layer.Layer {
	t := p.t
	return p.hexLayer(hexSpec{
		id: "cells", title: "Population par cellule H3",
		desc: "Chaque cellule H3 peuplée avec tous les attributs INSEE Filosofi (personnes, ménages, tranches d'âge).",
		cols: popCols(aggSum, 3),
		row: func(i int, v []float64) bool {
			for a := range maillage.NumAttrs {
				v[a] = t.Cells[i].Pop[a]
			}
			return true
		},
	})
}

// coverageLayer is one profile's coverage per populated cell: what
// `maillage access` writes.
func (p *Planner) coverageLayer(profile string) *layer.Layer {
	var once sync.Once
	var st *coverage.State
	var stErr error
	state := func() (*coverage.State, error) {
		once.Do(func() { st, stErr = p.State(profile) })
		return st, stErr
	}
	spec := hexSpec{
		id: "coverage-" + profile, title: "Couverture — " + profile,
		desc: "Pour chaque cellule peuplée : personnes du profil, couverture, temps jusqu'au lieu le plus proche, accessibilité 2SFCA.",
		cols: []hexCol{
			{f: layer.Field{Name: "persons", Title: "Personnes du profil", Unit: "personnes", Kind: layer.Number}, dec: 3, agg: aggSum},
			{f: layer.Field{Name: "weighted", Title: "Demande pondérée", Unit: "personnes pondérées", Kind: layer.Number}, dec: 3, agg: aggSum},
			{f: layer.Field{Name: "covered", Title: "Couverte", Kind: layer.Boolean}, agg: aggWMean},
			{f: layer.Field{Name: "covered_share", Title: "Part des personnes couvertes", Unit: "0-1", Kind: layer.Number}, dec: 4, agg: aggWMean},
			{f: layer.Field{Name: "nearest_minutes", Title: "Temps jusqu'au lieu adapté le plus proche (null au-delà de la limite)", Unit: "minutes", Kind: layer.Number}, dec: 2, agg: aggMax},
			{f: layer.Field{Name: "places", Title: "Lieux adaptés dans la limite", Unit: "lieux", Kind: layer.Integer}, agg: aggMax},
			{f: layer.Field{Name: "weekly_hours", Title: "Heures d'ouverture hebdomadaires de ces lieux", Unit: "heures/semaine", Kind: layer.Number}, dec: 2, agg: aggMax},
			{f: layer.Field{Name: "access", Title: "Accessibilité 2SFCA", Unit: "heures/semaine pour 1 000 habitants pondérés", Kind: layer.Number}, dec: 6, agg: aggWMean},
		},
	}
	spec.row = func(i int, v []float64) bool {
		s, err := state()
		if err != nil {
			return false
		}
		pers, w := s.Persons()[i], s.Weights()[i]
		if pers <= 0 && w <= 0 {
			return false
		}
		c := s.Cell(i)
		cov := 0.0
		if c.Covered {
			cov = 1
		}
		v[0], v[1], v[2], v[3] = pers, w, cov, cov
		v[4] = c.NearestSeconds / 60
		v[5], v[6], v[7] = float64(c.Places), c.WeeklyHours, c.Access
		return true
	}
	l := p.hexLayer(spec)
	each := l.Each
	l.Each = func(q layer.Query, fn func(*layer.Feature) error) error {
		if _, err := state(); err != nil {
			return err
		}
		return each(q, fn)
	}
	return l
}

// gapLayer is one profile's gap zones with at least minPersons uncovered
// persons: what `maillage gaps` writes.
func (p *Planner) gapLayer(profile string, minPersons float64) *layer.Layer {
	var once sync.Once
	var zones []coverage.Zone
	var zErr error
	get := func() ([]coverage.Zone, error) {
		once.Do(func() {
			s, err := p.State(profile)
			if err != nil {
				zErr = err
				return
			}
			zones, zErr = s.Gaps(coverage.GapOptions{MinPersons: minPersons})
		})
		return zones, zErr
	}
	fields := []layer.Field{
		{Name: "rank", Title: "Rang (1 : la plus forte demande pondérée)", Kind: layer.Integer},
		{Name: "profile", Title: "Profil", Kind: layer.String},
		{Name: "cells", Title: "Cellules", Unit: "cellules", Kind: layer.Integer},
		{Name: "persons", Title: "Personnes non couvertes", Unit: "personnes", Kind: layer.Number},
		{Name: "weighted", Title: "Demande pondérée non couverte", Unit: "personnes pondérées", Kind: layer.Number},
		{Name: "communes", Title: "Codes INSEE des communes touchées", Kind: layer.Strings},
		{Name: "too_few_hours_cells", Title: "Cellules avec un lieu proche mais trop peu d'heures", Unit: "cellules", Kind: layer.Integer},
		{Name: "nearest_min_minutes", Title: "Temps minimal jusqu'au lieu le plus proche (null au-delà de la recherche)", Unit: "minutes", Kind: layer.Number},
		{Name: "nearest_max_minutes", Title: "Temps maximal jusqu'au lieu le plus proche (null au-delà de la recherche)", Unit: "minutes", Kind: layer.Number},
		{Name: "search_minutes", Title: "Rayon de recherche du lieu le plus proche", Unit: "minutes", Kind: layer.Number},
		{Name: "area", Title: "Zone blanche d'un seul tenant dont la zone est la part d'une commune (1 : la plus forte demande)", Kind: layer.Integer},
		{Name: "area_cells", Title: "Cellules de cette zone d'un seul tenant", Unit: "cellules", Kind: layer.Integer},
		{Name: "commune", Title: "Code INSEE de la commune de la zone", Kind: layer.String},
		{Name: "commune_name", Title: "Nom de la commune de la zone", Kind: layer.String},
		{Name: "commune_names", Title: "Communes des personnes de la zone, de la plus grande part à la plus petite", Kind: layer.Strings},
		{Name: "commune_shares", Title: "Part des personnes de la zone dans chacune de ces communes", Unit: "0-1", Kind: layer.Strings},
		{Name: "nearest_place", Title: "Nom du lieu adapté le plus proche (vide au-delà de la recherche)", Kind: layer.String},
		{Name: "nearest_place_id", Title: "Identifiant (venue_id) du lieu adapté le plus proche", Kind: layer.String},
	}
	na := len(fields)
	for _, c := range popCols(aggSum, 3) {
		fields = append(fields, c.f)
	}
	return &layer.Layer{
		ID: "gaps-" + profile, Title: "Zones blanches — " + profile,
		Description: "Zones contiguës de cellules peuplées non couvertes, classées par demande pondérée.",
		Geometry:    layer.MultiPolygon, Fields: fields, Bound: p.cellBound(), MinZoom: 0, MaxZoom: 16,
		Each: func(q layer.Query, fn func(*layer.Feature) error) error {
			zs, err := get()
			if err != nil {
				return err
			}
			f := &layer.Feature{Values: make([]any, len(fields))}
			for k := range zs {
				z := &zs[k]
				if q.HasBound() && !layer.Intersects(z.Geometry, q.Bound) {
					continue
				}
				f.ID = strconv.Itoa(z.Rank)
				f.NumID = uint64(z.Rank)
				f.Geom = z.Geometry
				v := f.Values
				v[0], v[1], v[2] = z.Rank, profile, len(z.Cells)
				v[3], v[4] = layer.Round(z.Persons, 3), layer.Round(z.Weighted, 3)
				v[5] = nonNil(z.Communes)
				v[6] = z.TooFewHours
				v[7], v[8] = layer.Round(z.NearestMin/60, 2), layer.Round(z.NearestMax/60, 2)
				v[9] = layer.Round(z.SearchSeconds/60, 2)
				v[10], v[11], v[12], v[13] = z.Area, z.AreaCells, z.Commune, z.CommuneName
				names, shares := make([]string, len(z.Shares)), make([]string, len(z.Shares))
				for k, c := range z.Shares {
					names[k], shares[k] = c.Name, layer.Text(layer.Round(c.Share, 6))
				}
				v[14], v[15] = names, shares
				v[16], v[17] = z.NearestPlace, z.NearestPlaceID
				for a := range maillage.NumAttrs {
					v[na+int(a)] = layer.Round(z.Pop[a], 3)
				}
				if err := fn(f); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// communeSums are the per-commune figures of the communes layer.
type communeSums struct {
	pop    []maillage.Pop
	cells  []int
	venues []int
}

func (p *Planner) communeSums() *communeSums {
	p.sumsOnce.Do(func() {
		t := p.t
		s := &communeSums{pop: make([]maillage.Pop, len(t.Communes)), cells: make([]int, len(t.Communes)), venues: make([]int, len(t.Communes))}
		ok := func(i int32) bool { return i >= 0 && int(i) < len(t.Communes) }
		for i := range t.Cells {
			c := &t.Cells[i]
			if ok(c.Commune) {
				s.cells[c.Commune]++
			}
			if c.PartStart == c.PartEnd {
				if ok(c.Commune) {
					s.pop[c.Commune].Add(c.Pop)
				}
				continue
			}
			for _, pt := range t.Parts[c.PartStart:c.PartEnd] {
				if ok(pt.Commune) {
					s.pop[pt.Commune].Add(pt.Pop)
				}
			}
		}
		for i := range t.Venues {
			if ci := p.communeIndex(t.Venues[i].Commune); ci >= 0 && t.Venues[i].Located {
				s.venues[ci]++
			}
		}
		p.sums = s
	})
	return p.sums
}

func (p *Planner) communeLayer() *layer.Layer {
	t := p.t
	fields := communeFields()
	nc := len(fields)
	fields = append(fields,
		layer.Field{Name: "cells", Title: "Cellules H3 rattachées", Unit: "cellules", Kind: layer.Integer},
		layer.Field{Name: "venues", Title: "Lieux localisés", Unit: "lieux", Kind: layer.Integer},
		layer.Field{Name: "seniors", Title: "Personnes de 65 ans et plus", Unit: "personnes", Kind: layer.Number},
	)
	ns := len(fields)
	for _, c := range popCols(aggSum, 3) {
		fields = append(fields, c.f)
	}
	var b orb.Bound
	first := true
	for i := range t.Communes {
		if t.Communes[i].Geometry == nil {
			continue
		}
		if cb := t.Communes[i].Geometry.Bound(); first {
			b, first = cb, false
		} else {
			b = b.Union(cb)
		}
	}
	return &layer.Layer{
		ID: "communes", Title: "Communes",
		Description: "Le contour de chaque commune lue à l'ingestion, avec sa population (somme des parts de cellules), ses cellules et ses lieux.",
		Geometry:    layer.MultiPolygon, Fields: fields, Bound: b, MinZoom: 0, MaxZoom: 16,
		Each: func(q layer.Query, fn func(*layer.Feature) error) error {
			s := p.communeSums()
			f := &layer.Feature{Values: make([]any, len(fields))}
			for i := range t.Communes {
				c := &t.Communes[i]
				if c.Geometry == nil || (q.HasBound() && !layer.Intersects(c.Geometry, q.Bound)) {
					continue
				}
				f.ID = c.Code
				f.NumID, _ = strconv.ParseUint(c.Code, 10, 64) // Corsican codes (2A…) have none
				f.Geom = c.Geometry
				p.communeValues(f.Values[:nc], int32(i))
				f.Values[nc], f.Values[nc+1] = s.cells[i], s.venues[i]
				f.Values[nc+2] = layer.Round(s.pop[i][maillage.Ind65_79]+s.pop[i][maillage.Ind80p], 3)
				for a := range maillage.NumAttrs {
					f.Values[ns+int(a)] = layer.Round(s.pop[i][a], 3)
				}
				if err := fn(f); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// ExportRequest says what a full export (GeoPackage) holds.
type ExportRequest struct {
	// Profiles whose coverage, gaps and proposals are exported; every
	// profile when empty.
	Profiles []string
	// Store, when not nil, adds each saved scenario's places and its
	// results for each exported profile (MaxListedScenarios at most, the
	// most recent first).
	Store scenario.Store
	// NoProposals leaves out the proposals-{profile} layers (each is a
	// proposal of ProposalLayerK sites, computed when first read).
	NoProposals bool
}

// MaxListedScenarios bounds how many saved scenarios a listing of layers
// (an export, the OGC collections) takes: each brings a layer per profile.
const MaxListedScenarios = 200

// ExportLayers returns the layers of a full export: venues, cells and
// communes, then the coverage, gaps and proposals of each profile, then the
// saved scenarios' layers (see SavedScenarioLayers), with the warnings of
// the scenarios left out.
func (p *Planner) ExportLayers(ctx context.Context, req ExportRequest) ([]*layer.Layer, []string, error) {
	profiles := p.namesOrAll(req.Profiles)
	ids := []string{"venues", "cells", "communes"}
	for _, name := range profiles {
		if _, err := p.Profile(name); err != nil {
			return nil, nil, err
		}
		ids = append(ids, "coverage-"+name, "gaps-"+name)
		if !req.NoProposals {
			ids = append(ids, "proposals-"+name)
		}
	}
	out := make([]*layer.Layer, 0, len(ids))
	for _, id := range ids {
		l, err := p.Layer(id)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, l)
	}
	if req.Store == nil {
		return out, nil, nil
	}
	more, warnings, err := p.SavedScenarioLayers(ctx, req.Store, MaxListedScenarios, profiles)
	if err != nil {
		return nil, nil, err
	}
	return append(out, more...), warnings, nil
}

// namesOrAll returns names, or every profile's name when it is empty.
func (p *Planner) namesOrAll(names []string) []string {
	if len(names) > 0 {
		return names
	}
	out := make([]string, len(p.profiles))
	for i, pr := range p.profiles {
		out[i] = pr.Name
	}
	return out
}

// SavedScenarioLayers returns, for each scenario of store (at most limit,
// the most recent first, as the store lists them), its places layer then
// its results layer for each named profile (every profile when none is
// named). A scenario that does not apply to this territory is left out
// with a warning, as are the ones beyond limit.
func (p *Planner) SavedScenarioLayers(ctx context.Context, store scenario.Store, limit int, profiles []string) ([]*layer.Layer, []string, error) {
	profiles = p.namesOrAll(profiles)
	list, total, err := store.List(ctx, scenario.Filter{Limit: limit})
	if err != nil {
		return nil, nil, err
	}
	var out []*layer.Layer
	var warnings []string
	if total > len(list) {
		warnings = append(warnings, fmt.Sprintf("%d saved scenarios, only the %d most recent are taken", total, len(list)))
	}
	for _, sum := range list {
		sc, err := store.Get(ctx, sum.ID)
		if errors.Is(err, scenario.ErrNotFound) {
			continue // deleted since the listing
		}
		if err != nil {
			return nil, nil, err
		}
		l, err := p.ScenarioPlaces(*sc)
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("scenario %d (%s) left out: %v", sc.ID, sc.Name, err))
			continue
		}
		out = append(out, l)
		for _, name := range profiles {
			l, err := p.ScenarioResults(*sc, name)
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("scenario %d (%s): results for %s left out: %v", sc.ID, sc.Name, name, err))
				continue
			}
			out = append(out, l)
		}
	}
	return out, warnings, nil
}

// RoadsMinZoom is the lowest zoom the roads layer is drawn at, and
// RoadsFullZoom the lowest at which every road is: below it a tile would
// hold most of a département's streets, so the layer keeps the fastest
// roads only — those faster than the speed under which roadShares[z] of the
// network's length lies (the départementales and main roads at zoom 8, the
// main roads at zoom 7), a class read from the network's own speeds.
const (
	RoadsMinZoom  = 7
	RoadsFullZoom = 9
)

// roadShares[z] is the share of the network's length, slowest first, left
// out at zoom z < RoadsFullZoom.
var roadShares = map[int]float64{7: 0.9, 8: 0.75}

// speedAbove returns the speed (km/h) under which share of the edges'
// length lies: the edges strictly faster than it are kept.
func speedAbove(kmh, metres []float64, share float64) float64 {
	idx := make([]int, len(kmh))
	total := 0.0
	for i := range idx {
		idx[i] = i
		total += metres[i]
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(kmh[a], kmh[b]) })
	acc := 0.0
	for _, i := range idx {
		if acc += metres[i]; acc >= share*total {
			return kmh[i]
		}
	}
	return math.Inf(1)
}

func (p *Planner) roadLayer() *layer.Layer {
	g := p.graph
	nets := g.Networks()
	network := nets[0]
	for _, n := range nets {
		if n == "car" {
			network = n
		}
	}
	fields := []layer.Field{
		{Name: "kmh", Title: "Vitesse sur le tronçon (profil " + network + ")", Unit: "km/h", Kind: layer.Number},
		{Name: "metres", Title: "Longueur", Unit: "mètres", Kind: layer.Number},
		{Name: "oneway", Title: "Sens unique", Kind: layer.Boolean},
	}
	// The speed each low zoom keeps roads faster than, from the network's
	// speeds and lengths (read once, on the first low-zoom tile).
	thresholds := sync.OnceValue(func() map[int]float64 {
		var kmh, metres []float64
		g.Edges(network, orb.Bound{}, math.MaxFloat64, func(e road.Edge) bool {
			kmh, metres = append(kmh, e.Kmh), append(metres, e.Metres)
			return true
		})
		out := map[int]float64{}
		for z, share := range roadShares {
			out[z] = speedAbove(kmh, metres, share)
		}
		return out
	})
	return &layer.Layer{
		ID: "roads", Title: "Réseau routier (" + network + ")",
		Description: "Les tronçons du réseau routier du territoire, pour situer les autres couches sans fond de carte extérieur " +
			"(aux zooms 7 et 8, les routes les plus rapides seulement).",
		Geometry: layer.LineString, Fields: fields, Bound: g.Bound(), MinZoom: RoadsMinZoom, MaxZoom: 18,
		Each: func(q layer.Query, fn func(*layer.Feature) error) error {
			tol, faster := -1.0, math.Inf(-1) // road.ShapeTolerance, every road
			if q.Zoom > 0 {
				if q.Zoom < RoadsMinZoom {
					return nil
				}
				tol = 156543.03 * 0.7 / math.Exp2(float64(q.Zoom)) / 2 // half a pixel at 46° N
				if q.Zoom < RoadsFullZoom {
					faster = thresholds()[q.Zoom]
				}
			}
			f := &layer.Feature{Values: make([]any, len(fields))}
			var ferr error
			err := g.Edges(network, q.Bound, tol, func(e road.Edge) bool {
				if e.Kmh <= faster {
					return true
				}
				f.ID = strconv.Itoa(e.ID)
				f.NumID = uint64(e.ID) + 1
				f.Geom = e.Shape
				f.Values[0], f.Values[1], f.Values[2] = layer.Round(e.Kmh, 1), layer.Round(e.Metres, 1), e.Forward != e.Backward
				ferr = fn(f)
				return ferr == nil
			})
			if ferr != nil {
				return ferr
			}
			return err
		},
	}
}
