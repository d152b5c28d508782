package planner

import (
	"context"

	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/propose"
	"github.com/maillage/maillage/geo/travel"
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
	Candidates propose.CandidateOptions
	// Hours is the weekly opening of a new permanence (default 7 h);
	// PerHour > 0 turns on the capacity model (persons per staffed hour).
	Hours   float64
	PerHour float64
}

// defaultSiteHours is the weekly opening of a new permanence when a request
// gives none (propose.ProposalOptions uses the same default).
const defaultSiteHours = 7

func siteHours(h float64) float64 {
	if h > 0 {
		return h
	}
	return defaultSiteHours
}

// uncoverable marks, for a profile with a minimum of weekly hours, the
// uncovered cells where one new site open hours a week would still leave
// the reachable hours short of the minimum: a proposal must not count them
// (the scenario evaluation would not). Nil when the profile has no minimum.
func uncoverable(s *coverage.State, hours float64) []bool {
	min := s.Profile().MinWeeklyHours
	if min <= 0 {
		return nil
	}
	out := make([]bool, s.Len())
	for i := range out {
		if c := s.Cell(i); !c.Covered && c.WeeklyHours+hours < min {
			out[i] = true
		}
	}
	return out
}

// Propose chooses new sites over the planner's baseline coverage: existing
// places stay, only the demand they leave uncovered counts.
func (p *Planner) Propose(req ProposeRequest) (*propose.Proposal, error) {
	return p.ProposeContext(context.Background(), req)
}

// ProposeContext is Propose stopping once ctx is done (between candidate
// catchments and between chosen sites), with an error wrapping ctx's.
func (p *Planner) ProposeContext(ctx context.Context, req ProposeRequest) (*propose.Proposal, error) {
	return p.ProposeProgress(ctx, req, nil)
}

// ProposeProgress is ProposeContext telling progress, when not nil, how many
// of the candidates' catchments are computed (see
// propose.ProposalOptions.Progress: called concurrently, maybe out of order).
func (p *Planner) ProposeProgress(ctx context.Context, req ProposeRequest, progress func(done, total int)) (*propose.Proposal, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	demands := make([]propose.ProposalProfile, len(req.Profiles))
	for i, name := range req.Profiles {
		s, err := p.State(name)
		if err != nil {
			return nil, err
		}
		pr := s.Profile()
		d := propose.ProposalProfile{Name: name, Weights: s.Weights(), Covered: s.CoveredCells(),
			Engine: s.Engine(), MaxSeconds: pr.MaxSeconds(), Uncoverable: uncoverable(s, siteHours(req.Hours))}
		if len(req.Mix) > 0 {
			d.Mix = req.Mix[i]
		}
		demands[i] = d
	}
	co := req.Candidates
	if !co.Cells && !co.Communes && !co.Venues && len(co.User) == 0 {
		co.Cells, co.Communes = true, true
	}
	cands := propose.Candidates(p.t, co)
	return propose.ProposeMix(p.t, demands, cands, propose.ProposalOptions{
		K: req.K, Target: req.Target, Hours: req.Hours, PerHour: req.PerHour, Context: ctx, Progress: progress,
	})
}

// TourRequest asks for an itinerant permanence: one mediator or bus with a
// weekly budget of hours and a number of half-day stops.
type TourRequest struct {
	Profile     string
	Candidates  propose.CandidateOptions // zero value: cells and commune centres
	BudgetHours float64                  // weekly hours: stops + driving
	Stops       int                      // most half-day stops a week
	StopHours   float64                  // hours of one stop (0: propose.DefaultStopHours)
}

// Tour chooses the stops of an itinerant permanence for one profile over the
// baseline coverage, and orders them into a weekly loop whose driving time
// (by car, on the road network when the territory has one) fits the budget.
func (p *Planner) Tour(req TourRequest) (*propose.Tour, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	s, err := p.State(req.Profile)
	if err != nil {
		return nil, err
	}
	car, err := travel.DefaultModes().Get("car")
	if err != nil {
		return nil, err
	}
	drive, err := p.engines(car, coverage.EngineAuto, p.points)
	if err != nil {
		return nil, err
	}
	co := req.Candidates
	if !co.Cells && !co.Communes && !co.Venues && len(co.User) == 0 {
		co.Cells, co.Communes = true, true
	}
	pr := s.Profile()
	tour, err := propose.ProposeTour(p.t, s.Engine(), s.Weights(), s.CoveredCells(), pr.MaxSeconds(),
		propose.Candidates(p.t, co), propose.TourOptions{
			BudgetHours: req.BudgetHours, Stops: req.Stops, StopHours: req.StopHours, Drive: drive,
			// With a minimum of weekly hours, a stop covers its catchment in
			// proportion to its hours up to that minimum.
			FullHours: pr.MinWeeklyHours,
		})
	if err != nil {
		return nil, err
	}
	tour.RouteLegs(drive) // the map draws the loop along the roads driven
	return tour, nil
}
