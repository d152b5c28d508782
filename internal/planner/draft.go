package planner

import (
	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario"
)

// CellFlip is a populated cell whose coverage a scenario changes.
type CellFlip struct {
	H3      string  `json:"h3"`      // the cell's H3 index
	Covered bool    `json:"covered"` // after the scenario: true when it gains coverage
	Persons float64 `json:"persons"` // the profile's persons in the cell
}

// DraftEvaluation is Evaluation plus what the web map shows after a change:
// the cells that flip, and the persons newly covered (gained minus lost) in
// all and by age band (Filosofi column names, e.g. "Ind_80p"), whatever the
// profile counts.
type DraftEvaluation struct {
	Evaluation
	Flipped           []CellFlip         `json:"flipped"`
	NewlyCovered      float64            `json:"newly_covered"` // persons of every age
	NewlyCoveredByAge map[string]float64 `json:"newly_covered_by_age"`
}

// EvaluateDraft evaluates s as Evaluate does and lists the cells whose
// coverage for profile it changes, in H3 order. It is what the web map asks
// after each click; s need not be stored.
func (p *Planner) EvaluateDraft(s scenario.Scenario, profile string) (*DraftEvaluation, error) {
	ev, base, st, err := p.evaluate(s, profile)
	if err != nil {
		return nil, err
	}
	out := &DraftEvaluation{Evaluation: *ev, Flipped: []CellFlip{}, NewlyCoveredByAge: map[string]float64{}}
	var byAge [maillage.NumAttrs]float64
	persons := st.Persons()
	for i := range p.t.Cells {
		before, after := base.Covered(i), st.Covered(i)
		if before == after {
			continue
		}
		c := &p.t.Cells[i]
		out.Flipped = append(out.Flipped, CellFlip{H3: c.H3.String(), Covered: after, Persons: persons[i]})
		sign := 1.0
		if !after {
			sign = -1
		}
		out.NewlyCovered += sign * c.Pop[maillage.Ind]
		for _, a := range maillage.AgeBands {
			byAge[a] += sign * c.Pop[a]
		}
	}
	for _, a := range maillage.AgeBands {
		out.NewlyCoveredByAge[a.String()] = byAge[a]
	}
	return out, nil
}
