package labels

import (
	"slices"

	"github.com/maillage/maillage"
)

// Catalogue is every label in one language, as GET /api/v1/labels serves it
// for the web page. Keys are the stable identifiers the API's JSON and CSV
// use (profile names, Filosofi columns, the schema's service labels, mode
// names…); values are for people.
type Catalogue struct {
	Lang   Lang         `json:"lang"`
	Number NumberFormat `json:"number"`
	// Profiles maps each profile's name to its label and rule.
	Profiles map[string]ProfileLabel `json:"profiles"`
	// AgeBands maps each age band's Filosofi column to its label, in
	// AgeBandOrder.
	AgeBands     map[string]string `json:"age_bands"`
	AgeBandOrder []string          `json:"age_band_order"`
	// Attributes labels every population attribute (Ind, Men, … Ind_inc).
	Attributes map[string]string `json:"attributes"`
	// Services maps each of the schema's 9 service labels to the label in
	// this language, ServiceShort to a short form.
	Services     map[string]string `json:"services"`
	ServiceShort map[string]string `json:"service_short"`
	Programmes   map[string]string `json:"programmes"`
	Publics      map[string]string `json:"publics"`
	Modes        map[string]string `json:"modes"`
	Engines      map[string]string `json:"engines"`
	Units        map[string]Unit   `json:"units"`
	Kinds        map[string]string `json:"kinds"`
	Levels       map[string]string `json:"levels"`
	EPCITypes    map[string]string `json:"epci_types"`
	// Days maps the opening_hours day codes (Mo … Su) to day names; DayOrder
	// lists the codes from Monday.
	Days     map[string]string `json:"days"`
	DayOrder []string          `json:"day_order"`
}

// NumberFormat tells a page how this language writes numbers, so that it
// formats as the CLI does: Group between thousands, Decimal mark,
// PercentSuffix after a percentage (U+202F then "%" in French), and the
// locale tag for Intl.NumberFormat.
type NumberFormat struct {
	Locale        string `json:"locale"`
	Group         string `json:"group"`
	Decimal       string `json:"decimal"`
	PercentSuffix string `json:"percent_suffix"`
}

// Catalogue returns every label in l, with the labels of the given
// profiles.
func (l Lang) Catalogue(profiles []ProfileFacts) Catalogue {
	c := Catalogue{
		Lang: l,
		Number: NumberFormat{Locale: l.Pick("fr-FR", "en-GB"), Group: l.Pick(Group, ","),
			Decimal: l.Pick(",", "."), PercentSuffix: l.Pick(Group+"%", "%")},
		Profiles:     make(map[string]ProfileLabel, len(profiles)),
		AgeBands:     map[string]string{},
		Attributes:   map[string]string{},
		Services:     map[string]string{},
		ServiceShort: map[string]string{},
		Programmes:   map[string]string{},
		Publics:      map[string]string{},
		Modes:        map[string]string{},
		Engines:      map[string]string{},
		Units:        map[string]Unit{},
		Kinds:        map[string]string{},
		Levels:       map[string]string{},
		EPCITypes:    map[string]string{},
		Days:         map[string]string{},
	}
	for _, f := range profiles {
		c.Profiles[f.Name] = l.Profile(f)
	}
	for a := maillage.Attr(0); a < maillage.NumAttrs; a++ {
		c.Attributes[a.String()] = l.Attr(a)
	}
	for _, a := range maillage.AgeBands {
		c.AgeBands[a.String()] = l.Attr(a)
		c.AgeBandOrder = append(c.AgeBandOrder, a.String())
	}
	for i, name := range maillage.ServiceNames {
		s := maillage.Service(1 << i)
		c.Services[name] = l.Service(s)
		c.ServiceShort[name] = l.ServiceShort(s)
	}
	for p := range programmeEN {
		c.Programmes[p] = l.Programme(p)
	}
	for p := range publicEN {
		c.Publics[p] = l.Public(p)
	}
	for m := range modeTerms {
		c.Modes[m] = l.Mode(m)
	}
	for e := range engineTerms {
		c.Engines[e] = l.Engine(e)
	}
	for u := range unitTerms {
		c.Units[u] = l.Unit(u)
	}
	for k := range kindTerms {
		c.Kinds[k] = l.Kind(k)
	}
	for k := range levelTerms {
		c.Levels[k] = l.Level(k)
	}
	for k := range epciTypeTerms {
		c.EPCITypes[k] = l.EPCIType(k)
	}
	for d, k := range DayKeys {
		c.Days[k] = l.Day(d)
	}
	c.DayOrder = slices.Clone(DayKeys[:])
	return c
}
