package coverage

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/maillage/maillage"
)

// Report is the coverage of a territory for several profiles, in the JSON
// shape of `maillage coverage --json` and GET /api/v1/coverage.
type Report struct {
	Territory string           `json:"territory,omitempty"`
	Profiles  []ProfileSummary `json:"profiles"`
}

// ProfileSummary is the coverage for one profile: persons (the profile's
// population), weighted persons, and the part of each within reach.
type ProfileSummary struct {
	Name               string  `json:"name"`
	Description        string  `json:"description,omitempty"`
	Population         float64 `json:"population"`          // persons counted by the profile
	Covered            float64 `json:"covered"`             // of whom covered
	CoveredShare       float64 `json:"covered_share"`       // Covered / Population (0 when no population)
	WeightedPopulation float64 `json:"weighted_population"` // weighted demand
	WeightedCovered    float64 `json:"weighted_covered"`
	MaxMinutes         float64 `json:"max_minutes"`
	Mode               string  `json:"mode"`
	MinWeeklyHours     float64 `json:"min_weekly_hours,omitempty"`
	// Places counts the places that count for the profile (filter passed,
	// with a position); UnlocatedPlaces those that pass the filter but have no
	// position (ignored for coverage); UnknownHoursPlaces those of Places whose
	// hours are unknown.
	Places             int `json:"places"`
	UnlocatedPlaces    int `json:"unlocated_places"`
	UnknownHoursPlaces int `json:"unknown_hours_places"`
	// OffNetworkCells counts the cells farther than the snap distance from
	// the profile's road network, OffNetworkPersons their inhabitants: the
	// engine never reaches them, so they are among the uncovered but are no
	// coverage gap (the road extract misses them). Zero on crow-fly times;
	// filled by the caller that knows the engine (internal/planner).
	OffNetworkCells   int              `json:"off_network_cells"`
	OffNetworkPersons float64          `json:"off_network_persons"`
	Access            float64          `json:"access"` // weighted mean 2SFCA accessibility, hours/week per 1,000 weighted inhabitants
	Statement         string           `json:"statement"`
	Communes          []CommuneSummary `json:"communes"`
}

// CommuneSummary is the coverage of one commune for one profile.
type CommuneSummary struct {
	Code               string  `json:"code"`
	Name               string  `json:"name"`
	Population         float64 `json:"population"`
	Covered            float64 `json:"covered"`
	CoveredShare       float64 `json:"covered_share"`
	WeightedPopulation float64 `json:"weighted_population"`
	WeightedCovered    float64 `json:"weighted_covered"`
	Access             float64 `json:"access"`
}

func share(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// Summary returns the summary of the state: overall and per commune (the
// communes with population, in territory order). It reads the counters kept
// by the incremental operations; only the accessibility means walk the cells.
func (s *State) Summary() ProfileSummary {
	p := &s.prof
	out := ProfileSummary{
		Name: p.Name, Description: p.Description,
		Population: s.total.persons, Covered: s.total.covered,
		CoveredShare:       share(s.total.covered, s.total.persons),
		WeightedPopulation: s.total.weighted, WeightedCovered: s.total.weightedCovered,
		MaxMinutes: p.MaxMinutes, Mode: p.Mode.Name, MinWeeklyHours: p.MinWeeklyHours,
		Communes: []CommuneSummary{},
	}
	for j := range s.places {
		q := &s.places[j]
		if !q.live || !q.match {
			continue
		}
		if !q.v.Located {
			out.UnlocatedPlaces++
			continue
		}
		out.Places++
		if !q.v.Hours.Known {
			out.UnknownHoursPlaces++
		}
	}
	acc := s.CommuneAccess()
	num := 0.0
	for c, sm := range s.commune {
		num += acc[c] * sm.weighted
		if sm.persons == 0 && sm.weighted == 0 {
			continue
		}
		co := s.t.Communes[c]
		out.Communes = append(out.Communes, CommuneSummary{
			Code: co.Code, Name: co.Name, Population: sm.persons, Covered: sm.covered,
			CoveredShare: share(sm.covered, sm.persons), WeightedPopulation: sm.weighted,
			WeightedCovered: sm.weightedCovered, Access: acc[c],
		})
	}
	// cells without commune still count in the overall mean
	other, den := 0.0, 0.0
	for i := range s.cell {
		for _, pd := range s.parts[s.partStart[i]:s.partStart[i+1]] {
			if pd.commune < 0 || int(pd.commune) >= len(s.commune) {
				other += pd.weighted * s.cell[i].access
			}
			den += pd.weighted
		}
	}
	out.Access = share(num+other, den)
	out.Statement = statement(p, s.total)
	return out
}

// Summarize returns the report of several states (one per profile).
func Summarize(t *maillage.Territory, states ...*State) Report {
	r := Report{Profiles: []ProfileSummary{}}
	if t != nil {
		r.Territory = t.Name
	}
	for _, s := range states {
		r.Profiles = append(r.Profiles, s.Summary())
	}
	return r
}

// statement states the uncovered population plainly, e.g. "12,345 people
// (3.2 %) live more than 30 min by car from a France Services site".
func statement(p *Profile, t sums) string {
	un := math.Max(0, t.persons-t.covered)
	who := "people" + whoLabel(p.Population)
	by := map[string]string{"walk": "on foot", "senior": "on foot at a senior's pace", "car": "by car", "bike": "by bike"}[p.Mode.Name]
	if by == "" {
		by = "by " + p.Mode.Name
	}
	what := "a mediation place"
	switch {
	case len(p.Filter.Programmes) == 1:
		what = "a " + p.Filter.Programmes[0] + " site"
	case len(p.Filter.Programmes) > 1:
		what = "a place of " + strings.Join(p.Filter.Programmes, " or ")
	case p.Filter.Services != 0:
		what = "a place offering « " + strings.Join(p.Filter.Services.Names(), " » or « ") + " »"
	}
	if p.Filter.Free {
		what += " free of charge"
	}
	hours := ""
	if p.MinWeeklyHours > 0 {
		hours = fmt.Sprintf(" open %g h a week or more in total", p.MinWeeklyHours)
	}
	pct := 100 * share(un, t.persons)
	s := fmt.Sprintf("%s %s (%.1f %%) live more than %g min %s from %s%s", thousands(un), who, pct, p.MaxMinutes, by, what, hours)
	if len(p.Filter.Programmes) == 1 && p.Filter.Programmes[0] == "France Services" && p.MaxMinutes == 30 &&
		p.Mode.Name == "car" && p.MinWeeklyHours == 0 {
		if un < 0.5 {
			s += ": the national 30-minute target is met"
		} else {
			s += fmt.Sprintf(": the national target (everyone within 30 min of a France Services) is missed by %s people", thousands(un))
		}
	}
	return s
}

// ageFrom gives the lower bound of each age band, for labels.
var ageFrom = map[maillage.Attr]int{maillage.Ind0_3: 0, maillage.Ind4_5: 4, maillage.Ind6_10: 6, maillage.Ind11_17: 11,
	maillage.Ind18_24: 18, maillage.Ind25_39: 25, maillage.Ind40_54: 40, maillage.Ind55_64: 55, maillage.Ind65_79: 65, maillage.Ind80p: 80}

// whoLabel describes a profile's population: "" for everyone, " aged 65+"
// for contiguous bands up to 80+, else " aged 18-24, 65-79".
func whoLabel(pop []maillage.Attr) string {
	if len(pop) == 0 || len(pop) == 1 && pop[0] == maillage.Ind {
		return ""
	}
	bands := slices.Clone(pop)
	slices.Sort(bands)
	contiguous := bands[len(bands)-1] == maillage.Ind80p
	for i := 1; i < len(bands); i++ {
		contiguous = contiguous && bands[i] == bands[i-1]+1
	}
	if _, ok := ageFrom[bands[0]]; contiguous && ok {
		return fmt.Sprintf(" aged %d+", ageFrom[bands[0]])
	}
	var parts []string
	for _, a := range bands {
		switch {
		case a == maillage.Ind80p:
			parts = append(parts, "80+")
		case a == maillage.IndInc:
			parts = append(parts, "of unknown age")
		default:
			if lo, ok := ageFrom[a]; ok {
				parts = append(parts, fmt.Sprintf("%d-%d", lo, ageFrom[a+1]-1))
			} else {
				parts = append(parts, a.String())
			}
		}
	}
	return " aged " + strings.Join(parts, ", ")
}

// thousands formats x rounded to a whole number with commas: 12345.4 → "12,345".
func thousands(x float64) string {
	s := strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
