package scenario

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/maillage/maillage"
)

// Row is the evaluation of one commune (or of the whole territory).
// Population and Covered are persons (CellValues.Persons: the profile's people,
// everyone by default; INSEE counts are fractional); Weighted and
// WeightedCovered are weighted persons (the profile's weights); Access is the
// population-weighted mean of the cells' accessibility scores (in the
// engine's units, e.g. staffed hours per 1,000 persons for 2SFCA);
// UncoveredCells counts the populated cells (by majority commune) where
// nobody is covered: the gaps.
type Row struct {
	Code            string  `json:"code"`
	Name            string  `json:"name"`
	Population      float64 `json:"population"`
	Weighted        float64 `json:"weighted"`
	Covered         float64 `json:"covered"`
	WeightedCovered float64 `json:"weighted_covered"`
	Access          float64 `json:"access"`
	UncoveredCells  int     `json:"uncovered_cells"`
}

// Share returns the covered share of the population, in [0, 1] (0 if empty).
func (r Row) Share() float64 {
	if r.Population <= 0 {
		return 0
	}
	return r.Covered / r.Population
}

// Result is the evaluation of a territory (the base, Scenario 0, or a
// scenario's): totals and one row per commune, sorted by code. People in no
// commune are in a row with an empty code.
type Result struct {
	Scenario  int64  `json:"scenario"` // 0 for the base territory
	Name      string `json:"name"`
	Territory string `json:"territory"`
	Profile   string `json:"profile,omitempty"` // the demand profile, e.g. "seniors"
	Mode      string `json:"mode,omitempty"`    // the travel mode, e.g. "walk"
	Total     Row    `json:"total"`
	Communes  []Row  `json:"communes"`
}

// CellValues is a coverage engine's per-cell output, indexed like
// Territory.Cells.
type CellValues struct {
	// Covered is the covered share of each cell's people, in [0, 1]: 0 or 1
	// for binary coverage, in between for partial coverage (e.g. by the
	// hours of an itinerant stop).
	Covered []float64
	// Access is each cell's accessibility score; nil when not computed.
	Access []float64
	// Weight is the weighted demand of a population living in the commune of
	// index commune in Territory.Communes (-1: none), e.g. seniors counted
	// twice, or a commune's fragility index; nil counts persons
	// (Pop[maillage.Ind]).
	Weight func(p maillage.Pop, commune int) float64
	// Persons counts the people of a population that the evaluation is about
	// (e.g. those aged 65+ for a seniors' profile); nil counts everyone
	// (Pop[maillage.Ind]). Population, Covered and the access mean use it.
	Persons func(p maillage.Pop) float64
}

// Summarize aggregates per-cell values over the communes of t, splitting
// each cell's people by commune through t.Parts (a cell without parts goes
// to its majority commune), so that per-commune totals are exact. The
// returned Result has its Territory set; the caller sets Scenario, Name,
// Profile and Mode.
func Summarize(t *maillage.Territory, v CellValues) (Result, error) {
	if len(v.Covered) != len(t.Cells) || (v.Access != nil && len(v.Access) != len(t.Cells)) {
		return Result{}, fmt.Errorf("scenario: summarize: %d covered and %d access values for %d cells",
			len(v.Covered), len(v.Access), len(t.Cells))
	}
	persons := v.Persons
	if persons == nil {
		persons = func(p maillage.Pop) float64 { return p[maillage.Ind] }
	}
	weight := v.Weight
	if weight == nil {
		weight = func(p maillage.Pop, _ int) float64 { return p[maillage.Ind] }
	}
	rows := make([]Row, len(t.Communes)+1) // last: outside every commune
	accSum := make([]float64, len(rows))
	for i, c := range t.Communes {
		rows[i].Code, rows[i].Name = c.Code, c.Name
	}
	none := len(t.Communes)
	rows[none].Name = "(no commune)"
	used := make([]bool, len(rows))
	add := func(k int, p maillage.Pop, cov, acc float64) {
		if k < 0 || k >= none {
			k = none
		}
		used[k] = true
		r := &rows[k]
		c := k
		if c == none {
			c = -1
		}
		n, w := persons(p), weight(p, c)
		r.Population += n
		r.Weighted += w
		r.Covered += n * cov
		r.WeightedCovered += w * cov
		accSum[k] += n * acc
	}
	for i, c := range t.Cells {
		cov := math.Max(0, math.Min(1, v.Covered[i]))
		acc := 0.0
		if v.Access != nil {
			acc = v.Access[i]
		}
		if c.PartEnd > c.PartStart {
			for _, p := range t.Parts[c.PartStart:c.PartEnd] {
				add(int(p.Commune), p.Pop, cov, acc)
			}
		} else {
			add(int(c.Commune), c.Pop, cov, acc)
		}
		if cov == 0 && persons(c.Pop) > 0 {
			k := int(c.Commune)
			if k < 0 || k >= none {
				k = none
			}
			used[k] = true
			rows[k].UncoveredCells++
		}
	}
	res := Result{Territory: t.Name, Total: Row{Name: t.Name}}
	accTotal := 0.0
	for k := range rows {
		if !used[k] {
			continue
		}
		r := rows[k]
		if r.Population > 0 {
			r.Access = accSum[k] / r.Population
		}
		accTotal += accSum[k]
		res.Total.Population += r.Population
		res.Total.Weighted += r.Weighted
		res.Total.Covered += r.Covered
		res.Total.WeightedCovered += r.WeightedCovered
		res.Total.UncoveredCells += r.UncoveredCells
		res.Communes = append(res.Communes, r)
	}
	if res.Total.Population > 0 {
		res.Total.Access = accTotal / res.Total.Population
	}
	slices.SortFunc(res.Communes, func(a, b Row) int { return strings.Compare(a.Code, b.Code) })
	return res, nil
}

// RowDelta compares one commune (or the totals) between two results: the two
// rows and the differences B − A of persons covered, weighted persons
// covered, covered share (in [−1, 1]), mean accessibility and gap cells.
// OnlyIn is "a" or "b" when the commune appears in one result only.
type RowDelta struct {
	Code            string  `json:"code"`
	Name            string  `json:"name"`
	A               Row     `json:"a"`
	B               Row     `json:"b"`
	Covered         float64 `json:"covered"`
	WeightedCovered float64 `json:"weighted_covered"`
	Share           float64 `json:"share"`
	Access          float64 `json:"access"`
	UncoveredCells  int     `json:"uncovered_cells"`
	OnlyIn          string  `json:"only_in,omitempty"`
}

// Delta compares two results: B − A overall and per commune (sorted by code).
type Delta struct {
	A        int64      `json:"a"` // scenario ids (0: the base)
	B        int64      `json:"b"`
	Total    RowDelta   `json:"total"`
	Communes []RowDelta `json:"communes"`
}

func rowDelta(a, b Row) RowDelta {
	d := RowDelta{Code: b.Code, Name: b.Name, A: a, B: b,
		Covered:         b.Covered - a.Covered,
		WeightedCovered: b.WeightedCovered - a.WeightedCovered,
		Share:           b.Share() - a.Share(),
		Access:          b.Access - a.Access,
		UncoveredCells:  b.UncoveredCells - a.UncoveredCells,
	}
	if d.Code == "" && d.Name == "" {
		d.Code, d.Name = a.Code, a.Name
	}
	return d
}

// Compare returns how b differs from a (b − a), overall and per commune.
// Communes are matched by code.
func Compare(a, b Result) Delta {
	d := Delta{A: a.Scenario, B: b.Scenario, Total: rowDelta(a.Total, b.Total)}
	ia := make(map[string]Row, len(a.Communes))
	for _, r := range a.Communes {
		ia[r.Code] = r
	}
	seen := make(map[string]bool, len(b.Communes))
	for _, rb := range b.Communes {
		seen[rb.Code] = true
		ra, ok := ia[rb.Code]
		rd := rowDelta(ra, rb)
		if !ok {
			rd.OnlyIn = "b"
		}
		d.Communes = append(d.Communes, rd)
	}
	for _, ra := range a.Communes {
		if !seen[ra.Code] {
			rd := rowDelta(ra, Row{})
			rd.OnlyIn = "a"
			d.Communes = append(d.Communes, rd)
		}
	}
	slices.SortFunc(d.Communes, func(x, y RowDelta) int { return strings.Compare(x.Code, y.Code) })
	return d
}

// RollUp returns d with its communes summed into the areas that group
// gives each commune code (an EPCI, a département: the planner passes
// coverage.CodeGrouper's), sorted by area code: persons, weighted persons
// and gap cells add up, accessibility is the mean weighted by persons (as
// Summarize computes it per commune), and the differences are recomputed.
// The totals are unchanged.
func (d Delta) RollUp(group func(commune string) (code, name string)) Delta {
	var a, b []Row
	for _, c := range d.Communes {
		a = append(a, c.A)
		b = append(b, c.B)
	}
	out := Compare(Result{Scenario: d.A, Communes: rollUpRows(a, group)}, Result{Scenario: d.B, Communes: rollUpRows(b, group)})
	out.Total = d.Total
	return out
}

// rollUpRows sums rows into areas; a row with neither code nor name (a
// commune absent from one side of a Delta) adds nothing.
func rollUpRows(rows []Row, group func(commune string) (code, name string)) []Row {
	byCode := map[string]*Row{}
	accNum := map[string]float64{}
	var order []string
	for _, r := range rows {
		if r.Code == "" && r.Name == "" {
			continue
		}
		code, name := group(r.Code)
		s := byCode[code]
		if s == nil {
			s = &Row{Code: code, Name: name}
			byCode[code] = s
			order = append(order, code)
		}
		s.Population += r.Population
		s.Weighted += r.Weighted
		s.Covered += r.Covered
		s.WeightedCovered += r.WeightedCovered
		s.UncoveredCells += r.UncoveredCells
		accNum[code] += r.Access * r.Population
	}
	out := make([]Row, 0, len(order))
	for _, code := range order {
		s := byCode[code]
		if s.Population > 0 {
			s.Access = accNum[code] / s.Population
		}
		out = append(out, *s)
	}
	slices.SortFunc(out, func(x, y Row) int { return strings.Compare(x.Code, y.Code) })
	return out
}

// Largest returns the n communes whose weighted coverage changed most (by
// absolute value, ties by code), for a report's "where it matters" table.
func (d Delta) Largest(n int) []RowDelta {
	out := slices.Clone(d.Communes)
	slices.SortStableFunc(out, func(x, y RowDelta) int {
		ax, ay := math.Abs(x.WeightedCovered), math.Abs(y.WeightedCovered)
		switch {
		case ax > ay:
			return -1
		case ax < ay:
			return 1
		}
		return strings.Compare(x.Code, y.Code)
	})
	if n < len(out) {
		out = out[:max(n, 0)]
	}
	return out
}
