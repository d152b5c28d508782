package coverage

import (
	"fmt"
	"math"

	"github.com/maillage/maillage"
	"github.com/paulmach/orb"
)

// apply adds (sign 1) or removes (sign −1) place j's contributions to the
// per-cell state and the summaries. Removing does not fix the nearest
// place: renearest does.
func (s *State) apply(j int32, sign int32) {
	p := &s.places[j]
	catch := s.catchment(p)
	if sign > 0 {
		s.settle(p, catch, nil)
	}
	r := float64(sign) * p.ratio
	m := sign * p.minutes
	for _, h := range catch {
		c := &s.cell[h.Cell]
		was := s.covered(c)
		c.count += sign
		c.minutes += m
		if r != 0 {
			c.access += r * s.decay.at(float64(h.Seconds))
		}
		if sign > 0 && (h.Seconds < c.nearest || h.Seconds == c.nearest && j < c.place) {
			c.nearest, c.place = h.Seconds, j
		}
		if now := s.covered(c); now != was {
			sg := 1.0
			if !now {
				sg = -1
			}
			s.addSums(int(h.Cell), true, sg, false)
		}
	}
}

// renearest recomputes the nearest place of the cells whose nearest was j,
// after j stopped being suitable: only places whose catchment's bounds meet
// those cells are scanned.
func (s *State) renearest(j int32) {
	inf := float32(math.Inf(1))
	if len(s.mark) != len(s.cell) {
		s.mark = make([]uint32, len(s.cell))
		s.epoch = 0
	}
	s.epoch++
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	n := 0
	for _, h := range s.catchment(&s.places[j]) {
		c := &s.cell[h.Cell]
		if c.place == j {
			c.nearest, c.place = inf, -1
			s.mark[h.Cell] = s.epoch
			b = b.Extend(s.t.Cells[h.Cell].Center)
			n++
		}
	}
	if n == 0 {
		return
	}
	for k := range s.places {
		p := &s.places[k]
		if !p.suitable || int32(k) == j || !s.boundOf(p).Intersects(b) {
			continue
		}
		for _, h := range s.catchment(p) {
			if s.mark[h.Cell] != s.epoch {
				continue
			}
			c := &s.cell[h.Cell]
			if h.Seconds < c.nearest || h.Seconds == c.nearest && int32(k) < c.place {
				c.nearest, c.place = h.Seconds, int32(k)
			}
		}
	}
}

// Add adds a place (a new permanence, a new site) and returns its index in
// Venues(). Its ID must be new and not empty.
func (s *State) Add(v maillage.Venue) (int, error) {
	if v.ID == "" {
		return 0, ErrNoID
	}
	if _, dup := s.byID[v.ID]; dup {
		return 0, fmt.Errorf("%w: %q", ErrDuplicatePlace, v.ID)
	}
	j := int32(len(s.places))
	s.places = append(s.places, s.newPlace(v))
	s.byID[v.ID] = j
	if s.places[j].suitable {
		s.apply(j, 1)
	}
	return int(j), nil
}

// Remove removes the place with id.
func (s *State) Remove(id string) error {
	j, ok := s.byID[id]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownPlace, id)
	}
	s.kill(j)
	delete(s.byID, id)
	return nil
}

func (s *State) kill(j int32) {
	p := &s.places[j]
	if p.suitable {
		s.apply(j, -1)
		p.suitable = false
		s.renearest(j)
	}
	p.live = false
}

// Update replaces the place with v.ID by v (new hours, services,
// programmes, position…). A place that keeps its position keeps its
// catchment; a moved place gets a new slot and a new catchment.
func (s *State) Update(v maillage.Venue) error {
	j, ok := s.byID[v.ID]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownPlace, v.ID)
	}
	old := &s.places[j]
	if old.v.Located != v.Located || v.Located && old.v.Point != v.Point {
		s.kill(j)
		delete(s.byID, v.ID)
		_, err := s.Add(v)
		return err
	}
	np := s.newPlace(v)
	np.catch, np.reached, np.bounded, np.bound = old.catch, old.reached, old.bounded, old.bound
	wasSuitable := old.suitable
	if wasSuitable {
		s.apply(j, -1)
	}
	s.places[j] = np
	if np.suitable {
		s.apply(j, 1)
	}
	if wasSuitable && !np.suitable {
		s.renearest(j)
	}
	return nil
}
