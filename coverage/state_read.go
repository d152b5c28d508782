package coverage

import (
	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo/travel"
)

// Profile returns the profile of the state.
func (s *State) Profile() Profile { return s.prof }

// Territory returns the territory of the state.
func (s *State) Territory() *maillage.Territory { return s.t }

// Engine returns the travel engine of the state (safe for concurrent use).
func (s *State) Engine() travel.Engine { return s.eng }

// Len returns the number of cells.
func (s *State) Len() int { return len(s.cell) }

// Persons returns the persons counted by the profile, per cell (indexed like
// Territory.Cells). The slice is the state's own: do not modify it.
func (s *State) Persons() []float64 { return s.persons }

// Weights returns the weighted demand per cell (see Weight). The slice is
// the state's own: do not modify it.
func (s *State) Weights() []float64 { return s.weighted }

// Covered reports whether cell i is covered.
func (s *State) Covered(i int) bool { return s.covered(&s.cell[i]) }

// CoveredCells returns a new slice saying, per cell, whether it is covered.
func (s *State) CoveredCells() []bool {
	out := make([]bool, len(s.cell))
	for i := range s.cell {
		out[i] = s.covered(&s.cell[i])
	}
	return out
}

// Cell returns the coverage of cell i.
func (s *State) Cell(i int) CellCoverage {
	c := &s.cell[i]
	return CellCoverage{
		NearestSeconds: float64(c.nearest),
		Nearest:        int(c.place),
		Places:         int(c.count),
		WeeklyHours:    float64(c.minutes) / 60,
		Covered:        s.covered(c),
		Access:         c.access,
	}
}

// Venues returns the places of the state, by index (removed and moved places
// keep their slot; see Live).
func (s *State) Venues() []maillage.Venue {
	out := make([]maillage.Venue, len(s.places))
	for j := range s.places {
		out[j] = s.places[j].v
	}
	return out
}

// Venue returns place j.
func (s *State) Venue(j int) maillage.Venue { return s.places[j].v }

// Live reports whether place j is still present (not removed or moved).
func (s *State) Live(j int) bool { return s.places[j].live }

// Suitable reports whether place j counts for the profile: live, located and
// passing the filter.
func (s *State) Suitable(j int) bool { return s.places[j].suitable }

// Catchment returns the cells within the limit of place j with their times
// (whether or not the place is suitable). A kept catchment is the state's
// own slice: do not modify it; otherwise it is computed anew, without being
// kept, so that Catchment is safe for concurrent readers.
func (s *State) Catchment(j int) []Hit {
	p := &s.places[j]
	if p.reached {
		return p.catch
	}
	return s.query(p, nil)
}

// Index returns the index of the live place with id.
func (s *State) Index(id string) (int, bool) {
	j, ok := s.byID[id]
	return int(j), ok
}

// Ratio returns R_j of place j, hours per week per 1,000 weighted
// inhabitants of its catchment (0 for a place that does not count).
func (s *State) Ratio(j int) float64 {
	if !s.places[j].suitable {
		return 0
	}
	return s.places[j].ratio
}

// CommuneAccess returns, per commune (indexed like Territory.Communes), the
// weighted mean accessibility Σ P_i A_i / Σ P_i over the commune's parts, in
// hours per week per 1,000 weighted inhabitants (0 for a commune without
// demand).
func (s *State) CommuneAccess() []float64 {
	num := make([]float64, len(s.t.Communes))
	den := make([]float64, len(s.t.Communes))
	for i := range s.cell {
		for _, pd := range s.parts[s.partStart[i]:s.partStart[i+1]] {
			if pd.commune >= 0 && int(pd.commune) < len(num) {
				num[pd.commune] += pd.weighted * s.cell[i].access
				den[pd.commune] += pd.weighted
			}
		}
	}
	for c := range num {
		if den[c] > 0 {
			num[c] /= den[c]
		} else {
			num[c] = 0
		}
	}
	return num
}

// Clone returns an independent copy of s (for a scenario): per-cell state
// and places are copied, catchments (never modified in place) are shared.
func (s *State) Clone() *State {
	c := *s
	c.places = append([]place(nil), s.places...)
	c.byID = make(map[string]int32, len(s.byID))
	for k, v := range s.byID {
		c.byID[k] = v
	}
	c.cell = append([]cellState(nil), s.cell...)
	c.commune = append([]sums(nil), s.commune...)
	c.mark, c.epoch = nil, 0
	return &c
}
