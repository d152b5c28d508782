package coverage

import (
	"errors"
	"fmt"
	"sort"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/internal/labels"
)

// ErrLevel is returned for a roll-up level the territory cannot give: an
// unknown level, or EPCIs on a territory built without the EPCI list.
var ErrLevel = errors.New("coverage: roll-up level unavailable")

// Group names the area of a commune at a roll-up level: the commune itself,
// its EPCI, or its département.
type Group struct{ Code, Name string }

// Grouper returns the function that gives the area of each commune (by
// index in t.Communes) at level (maillage.LevelCommune, LevelEPCI,
// LevelDepartement; "" is commune). The département comes from the INSEE
// code, named from labels.Departement (a fictional territory's unknown
// département takes the territory's name). EPCI needs the territory's EPCI
// list (ingest --epci): without it, or for an unknown level, the error wraps
// ErrLevel.
func Grouper(t *maillage.Territory, level string) (func(commune int) Group, error) {
	switch level {
	case "", maillage.LevelCommune:
		return func(c int) Group { return Group{t.Communes[c].Code, t.Communes[c].Name} }, nil
	case maillage.LevelDepartement:
		return func(c int) Group {
			d := maillage.DepartementOf(t.Communes[c].Code)
			name := labels.Departement(d)
			if name == "" && t.Fictional {
				name = t.Name
			}
			return Group{d, name}
		}, nil
	case maillage.LevelEPCI:
		if len(t.EPCIs) == 0 {
			return nil, fmt.Errorf("%w: territory %q was built without the EPCI list (maillage ingest --epci FILE --commune-list FILE)", ErrLevel, t.Name)
		}
		names := make(map[string]string, len(t.EPCIs))
		for _, e := range t.EPCIs {
			names[e.Code] = e.Name
		}
		return func(c int) Group {
			code := t.Communes[c].EPCI
			return Group{code, names[code]}
		}, nil
	}
	return nil, fmt.Errorf("%w: level %q: want commune, epci or departement", ErrLevel, level)
}

// CodeGrouper is Grouper keyed by commune code (a code the territory does
// not know gives the empty Group): what every roll-up of per-commune rows
// uses, RollUp here and the scenarios' (scenario.Delta.RollUp, through the
// planner).
func CodeGrouper(t *maillage.Territory, level string) (func(code string) Group, error) {
	group, err := Grouper(t, level)
	if err != nil {
		return nil, err
	}
	index := make(map[string]int, len(t.Communes))
	for i := range t.Communes {
		index[t.Communes[i].Code] = i
	}
	return func(code string) Group {
		if i, ok := index[code]; ok {
			return group(i)
		}
		return Group{}
	}, nil
}

// RollUp sums per-commune summaries into areas of level (see Grouper):
// persons and weighted persons add up, shares are recomputed, accessibility
// is the mean weighted by weighted demand (as the commune figures are). At
// commune level rows come back unchanged; other levels are sorted by code.
// Rows whose commune code the territory does not know are grouped under an
// empty code.
func RollUp(t *maillage.Territory, rows []CommuneSummary, level string) ([]CommuneSummary, error) {
	group, err := CodeGrouper(t, level)
	if err != nil {
		return nil, err
	}
	if level == "" || level == maillage.LevelCommune {
		return rows, nil
	}
	byCode := map[string]*CommuneSummary{}
	accNum := map[string]float64{}
	for _, r := range rows {
		g := group(r.Code)
		a := byCode[g.Code]
		if a == nil {
			a = &CommuneSummary{Code: g.Code, Name: g.Name}
			byCode[g.Code] = a
		}
		a.Population += r.Population
		a.Covered += r.Covered
		a.WeightedPopulation += r.WeightedPopulation
		a.WeightedCovered += r.WeightedCovered
		accNum[g.Code] += r.Access * r.WeightedPopulation
	}
	out := make([]CommuneSummary, 0, len(byCode))
	for code, a := range byCode {
		a.CoveredShare = share(a.Covered, a.Population)
		a.Access = share(accNum[code], a.WeightedPopulation)
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}
