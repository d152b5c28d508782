package planner

import (
	"fmt"

	"github.com/maillage/maillage/coverage"
)

// ProposeRequest asks for new permanence sites.
type ProposeRequest struct {
	// Profiles names the demand profiles; several make a weighted mix with
	// the coefficients Mix (same length, or nil for equal shares).
	Profiles []string
	Mix      []float64
	// K new sites (maximal covering), or the fewest sites reaching Target
	// (a share of weighted demand in (0, 1]) when Target > 0.
	K      int
	Target float64
	// Candidates says where sites may go; the zero value means every
	// populated cell centre and every commune centre.
	Candidates coverage.CandidateOptions
	// Hours is the weekly opening of a new permanence (default 7 h);
	// PerHour > 0 turns on the capacity model (persons per staffed hour).
	Hours   float64
	PerHour float64
}

// Propose chooses new sites over the planner's baseline coverage: existing
// places stay, only the demand they leave uncovered counts.
func (p *Planner) Propose(req ProposeRequest) (*coverage.Proposal, error) {
	if len(req.Profiles) == 0 {
		return nil, fmt.Errorf("planner: a proposal needs a profile")
	}
	if req.Mix != nil && len(req.Mix) != len(req.Profiles) {
		return nil, fmt.Errorf("planner: %d mix coefficients for %d profiles", len(req.Mix), len(req.Profiles))
	}
	demands := make([]coverage.ProposalProfile, len(req.Profiles))
	for i, name := range req.Profiles {
		s, err := p.State(name)
		if err != nil {
			return nil, err
		}
		pr := s.Profile()
		d := coverage.ProposalProfile{Name: name, Weights: s.Weights(), Covered: s.CoveredCells(),
			Engine: s.Engine(), MaxSeconds: pr.MaxSeconds()}
		if req.Mix != nil {
			d.Mix = req.Mix[i]
		}
		demands[i] = d
	}
	co := req.Candidates
	if !co.Cells && !co.Communes && !co.Venues && len(co.User) == 0 {
		co.Cells, co.Communes = true, true
	}
	cands := coverage.Candidates(p.t, co)
	return coverage.ProposeMix(p.t, demands, cands, coverage.ProposalOptions{
		K: req.K, Target: req.Target, Hours: req.Hours, PerHour: req.PerHour,
	})
}
