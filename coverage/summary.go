package coverage

import (
	"github.com/maillage/maillage"
	"github.com/maillage/maillage/internal/labels"
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
	// Level and Areas are set when a roll-up was asked for (level=epci or
	// departement): the summaries of those areas (RollUp), Communes staying
	// as they are.
	Level string           `json:"level,omitempty"`
	Areas []CommuneSummary `json:"areas,omitempty"`
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

// RollUp sets Level and Areas of every profile of r to the roll-up at level
// (see RollUp); at commune level (or "") it leaves r as it is.
func (r *Report) RollUp(t *maillage.Territory, level string) error {
	if _, err := Grouper(t, level); err != nil {
		return err
	}
	if level == "" || level == maillage.LevelCommune {
		return nil
	}
	for i := range r.Profiles {
		areas, err := RollUp(t, r.Profiles[i].Communes, level)
		if err != nil {
			return err
		}
		r.Profiles[i].Level, r.Profiles[i].Areas = level, areas
	}
	return nil
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

// statement states the uncovered population plainly, in English (the JSON
// statement; the CLI's text says it in the chosen language with the same
// labels.Lang.Statement), e.g. "12,345 people (3.2 %) live more than 30 min
// by car from a France Services site".
func statement(p *Profile, t sums) string {
	return labels.EN.Statement(p.Facts(), t.persons-t.covered, t.persons)
}
