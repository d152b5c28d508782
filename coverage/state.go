package coverage

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
)

// Errors of the incremental operations.
var (
	ErrUnknownPlace   = errors.New("coverage: unknown place id")
	ErrDuplicatePlace = errors.New("coverage: duplicate place id")
	ErrNoID           = errors.New("coverage: place without id")
)

// Options configures New.
type Options struct {
	// Engines builds the travel engine of the profile; nil means
	// CrowFlyEngines (crow-fly only).
	Engines EngineFor
	// Engine, when not nil, is used as is (it must be built over the
	// territory's cell centres with the profile's mode); Engines is then not
	// called. Callers computing several profiles share engines this way or
	// with CachedEngines.
	Engine travel.Engine
	// Fragility maps a commune's INSEE code to its digital-fragility index
	// (0..10, package data's ReadFragility); nil or a missing code counts 0.
	Fragility map[string]float64
	// Workers is the number of goroutines of a full computation; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
	// KeepCatchments makes the full computation keep every place's
	// catchment. It is implied for engines other than this package's CrowFly
	// (road engines), whose queries are costly; with CrowFly, catchments are
	// recomputed (deterministically) and kept only when an incremental
	// operation needs them, which saves the memory and the time of storing
	// tens of millions of (cell, time) pairs on a national territory.
	KeepCatchments bool
}

// Hit is one cell of a place's catchment: the cell's index in
// Territory.Cells and the travel time from the place, in seconds.
type Hit = travel.Hit

// CellCoverage is the coverage of one cell for one profile. NearestSeconds
// may be +Inf: convert it (e.g. to null) before encoding to JSON.
type CellCoverage struct {
	NearestSeconds float64 // time to the nearest suitable place; +Inf when none is within the limit
	Nearest        int     // that place's index in Venues(), -1 if none
	Places         int     // suitable places within the limit
	WeeklyHours    float64 // their known weekly opening hours, summed
	Covered        bool    // Places ≥ 1 and WeeklyHours ≥ Profile.MinWeeklyHours
	Access         float64 // 2SFCA accessibility, hours per week per 1,000 weighted inhabitants
}

// cellState is the per-cell state of a State; see CellCoverage.
type cellState struct {
	nearest float32
	place   int32
	count   int32
	minutes int32
	access  float64
}

// place is one venue slot. Slots are never reused: removing a place clears
// live, moving one makes a new slot.
type place struct {
	v        maillage.Venue
	live     bool
	match    bool // passes the profile's filter (position aside)
	suitable bool // live, located and match
	minutes  int32
	supply   float64   // S_j, hours per week
	demand   float64   // Σ_k P_k f(t_kj)
	ratio    float64   // R_j = 1000 S_j / demand
	catch    []Hit     // kept catchment; nil until computed (see State)
	reached  bool      // catch is computed
	bounded  bool      // bound is computed
	bound    orb.Bound // of the catchment's cell centres, see boundOf
}

// sums are the summary counters of one commune or of the territory.
type sums struct {
	persons, covered, weighted, weightedCovered float64
}

// partDemand is one commune part of a cell, with its demand.
type partDemand struct {
	commune  int32
	persons  float64
	weighted float64
}

// State is the coverage and accessibility of a territory for one profile,
// kept up to date by the incremental operations (Add, Remove, Update). For
// every suitable place it keeps its catchment (the cells within the limit,
// with times; for the crow-fly engine, whose queries are cheap, catchments
// are kept only once an incremental operation needs them, see
// Options.KeepCatchments) and, per cell, counters (places and opening minutes within the
// limit, the nearest place, the accessibility), so that one place changing
// costs a walk over its catchment instead of a recomputation.
//
// A State is not safe for concurrent mutation; its read methods may run
// concurrently when no mutation does. The territory must not change while a
// State uses it (the incremental operations do not modify t.Venues).
type State struct {
	t       *maillage.Territory
	prof    Profile
	eng     travel.Engine
	maxSec  float64
	minMin  float64 // minimum weekly minutes
	decay   decayFn
	workers int
	keep    bool // keep every catchment in a full computation

	pts       []orb.Point // cell centres
	persons   []float64   // per cell
	weighted  []float64   // per cell
	partStart []int32     // cell i has parts[partStart[i]:partStart[i+1]]
	parts     []partDemand

	places []place
	byID   map[string]int32

	cell    []cellState
	commune []sums
	total   sums

	mark  []uint32 // epoch marks for the nearest recomputation
	epoch uint32
}

// New computes the coverage and accessibility of t for profile p. The
// territory's venues are copied into places (slots 0..len(t.Venues)-1);
// the incremental operations find places by Venue.ID (when two venues share
// an ID, only the first can be named). The full computation runs on
// Options.Workers goroutines: each takes places in turn, queries the engine
// for their catchments and accumulates into its own per-cell counters,
// which are merged at the end.
func New(t *maillage.Territory, p Profile, opt Options) (*State, error) {
	if p.MaxMinutes <= 0 || !finite(p.MaxMinutes) {
		return nil, fmt.Errorf("coverage: profile %q: max_minutes must be > 0", p.Name)
	}
	s := &State{t: t, prof: p, maxSec: p.MaxSeconds(), minMin: p.MinWeeklyHours * 60, decay: newDecay(&p)}
	s.workers = opt.Workers
	if s.workers <= 0 {
		s.workers = runtime.GOMAXPROCS(0)
	}
	s.pts = make([]orb.Point, len(t.Cells))
	for i := range t.Cells {
		s.pts[i] = t.Cells[i].Center
	}
	s.eng = opt.Engine
	if s.eng == nil {
		f := opt.Engines
		if f == nil {
			f = CrowFlyEngines
		}
		e, err := f(p.Mode, p.Engine, s.pts)
		if err != nil {
			return nil, fmt.Errorf("coverage: profile %q: %w", p.Name, err)
		}
		s.eng = e
	}
	_, cheap := s.eng.(hitAppender)
	s.keep = opt.KeepCatchments || !cheap
	s.demand(opt.Fragility)
	s.byID = make(map[string]int32, len(t.Venues))
	s.places = make([]place, 0, len(t.Venues))
	for i := range t.Venues {
		v := t.Venues[i]
		if v.ID != "" {
			if _, dup := s.byID[v.ID]; !dup {
				s.byID[v.ID] = int32(i)
			}
		}
		s.places = append(s.places, s.newPlace(v))
	}
	s.Recompute()
	return s, nil
}

// demand fills the per-cell and per-part demand, on s.workers goroutines.
func (s *State) demand(frag map[string]float64) {
	t := s.t
	fc := make([]float64, len(t.Communes))
	for i, c := range t.Communes {
		fc[i] = frag[c.Code]
	}
	n := len(t.Cells)
	s.persons = make([]float64, n)
	s.weighted = make([]float64, n)
	s.partStart = make([]int32, n+1)
	ownParts := func(c *maillage.Cell) bool { return c.PartEnd > c.PartStart && int(c.PartEnd) <= len(t.Parts) }
	for i := range t.Cells {
		k := int32(1)
		if c := &t.Cells[i]; ownParts(c) {
			k = c.PartEnd - c.PartStart
		}
		s.partStart[i+1] = s.partStart[i] + k
	}
	s.parts = make([]partDemand, s.partStart[n])
	part := func(i int, k int32, commune int32, pop *maillage.Pop) {
		f := 0.0
		if commune >= 0 && int(commune) < len(fc) {
			f = fc[commune]
		}
		pd := partDemand{commune: commune, persons: s.prof.Persons(pop), weighted: s.prof.Weighted(pop, f)}
		s.parts[k] = pd
		s.persons[i] += pd.persons
		s.weighted[i] += pd.weighted
	}
	var wg sync.WaitGroup
	chunk := (n + s.workers - 1) / s.workers
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				c := &t.Cells[i]
				k := s.partStart[i]
				if !ownParts(c) {
					part(i, k, c.Commune, &c.Pop)
					continue
				}
				for q := c.PartStart; q < c.PartEnd; q++ {
					part(i, k, t.Parts[q].Commune, &t.Parts[q].Pop)
					k++
				}
			}
		}()
	}
	wg.Wait()
}

// weeklyMinutes returns a schedule's weekly opening time in minutes, and
// whether it is known.
func weeklyMinutes(w *maillage.Week) (int32, bool) {
	if !w.Known {
		return 0, false
	}
	m := 0
	for _, d := range w.Days {
		for _, sp := range d {
			if sp.Close > sp.Open {
				m += int(sp.Close - sp.Open)
			}
		}
	}
	return int32(min(m, 7*1440)), true
}

func (s *State) newPlace(v maillage.Venue) place {
	p := place{v: v, live: true, match: s.prof.Filter.Match(&v)}
	p.suitable = p.match && v.Located
	var known bool
	p.minutes, known = weeklyMinutes(&v.Hours)
	if known {
		p.supply = float64(p.minutes) / 60
	} else {
		p.supply = s.prof.UnknownHoursSupply
	}
	return p
}

// Recompute recomputes everything from the current places, on
// Options.Workers goroutines, reusing the catchments already computed. It
// is what New does; the incremental operations make it unnecessary.
func (s *State) Recompute() {
	n := len(s.t.Cells)
	inf := float32(math.Inf(1))
	var todo []int32
	for j := range s.places {
		if s.places[j].suitable {
			todo = append(todo, int32(j))
		}
	}
	w := max(1, min(s.workers, len(todo)))
	if len(s.cell) != n {
		s.cell = make([]cellState, n)
	}
	accs := make([][]cellState, w) // per-worker accumulators, merged into s.cell
	accs[0] = s.cell
	for k := 1; k < w; k++ {
		accs[k] = make([]cellState, n)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		wg.Add(1)
		go func(acc []cellState) {
			defer wg.Done()
			for i := range acc {
				acc[i] = cellState{nearest: inf, place: -1}
			}
			var arena, buf []Hit
			var f []float64
			for {
				from := int(next.Add(8)) - 8
				if from >= len(todo) {
					return
				}
				for _, j := range todo[from:min(from+8, len(todo))] {
					p := &s.places[j]
					catch := p.catch
					switch {
					case p.reached:
					case s.keep:
						if cap(arena)-len(arena) < 1<<14 {
							arena = make([]Hit, 0, 1<<18) // 2 MB
						}
						arena = s.reach(p, arena)
						catch = p.catch
					default:
						buf = s.query(p, buf[:0])
						catch = buf
					}
					f = s.settle(p, catch, f[:0])
					addPlace(acc, p, j, catch, f)
				}
			}
		}(accs[k])
	}
	wg.Wait()
	if w > 1 {
		s.merge(accs)
	}
	s.resum()
}

// reach computes the catchment of p with the engine, appending it to arena
// (the catchment is arena's new tail, capped so that it is never written
// again), and returns arena.
func (s *State) reach(p *place, arena []Hit) []Hit {
	start := len(arena)
	arena = s.query(p, arena)
	p.catch = arena[start:len(arena):len(arena)]
	p.reached = true
	p.bounded = false
	return arena
}

// query appends the catchment of p to dst (without keeping it).
func (s *State) query(p *place, dst []Hit) []Hit {
	if a, ok := s.eng.(hitAppender); ok {
		return a.AppendReach(dst, p.v.Point, s.maxSec)
	}
	s.eng.Reach(p.v.Point, s.maxSec, func(i int32, t float32) {
		dst = append(dst, Hit{Cell: i, Seconds: t})
	})
	return dst
}

// catchment returns p's catchment, computing and keeping it if needed.
func (s *State) catchment(p *place) []Hit {
	if !p.reached {
		s.reach(p, nil)
	}
	return p.catch
}

// hitAppender is implemented by engines that can append a catchment to a
// slice directly (CrowFly), sparing a callback per cell, and bound it
// without computing it.
type hitAppender interface {
	AppendReach(dst []Hit, p orb.Point, maxSec float64) []Hit
	ReachBound(p orb.Point, maxSec float64) orb.Bound
}

// boundOf returns bounds containing the centres of p's catchment: those of
// the kept catchment (computed on first use; only renearest needs them), or
// the engine's bound of a catchment not computed yet.
func (s *State) boundOf(p *place) orb.Bound {
	if !p.reached {
		if a, ok := s.eng.(hitAppender); ok {
			return a.ReachBound(p.v.Point, s.maxSec)
		}
		s.reach(p, nil)
	}
	if !p.bounded {
		x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, h := range p.catch {
			c := s.pts[h.Cell]
			x0, y0, x1, y1 = min(x0, c[0]), min(y0, c[1]), max(x1, c[0]), max(y1, c[1])
		}
		p.bound = orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}
		p.bounded = true
	}
	return p.bound
}

// settle computes the demand and ratio of p from its catchment catch, appending
// the decay weights f(t) of its hits to f.
func (s *State) settle(p *place, catch []Hit, f []float64) []float64 {
	d := 0.0
	for _, h := range catch {
		w := s.decay.at(float64(h.Seconds))
		f = append(f, w)
		d += s.weighted[h.Cell] * w
	}
	p.demand = d
	p.ratio = 0
	if d > 0 {
		p.ratio = 1000 * p.supply / d
	}
	return f
}

// addPlace adds the counters and accessibility of place j to acc, given
// the decay weights f of its catchment, and updates the nearest place.
func addPlace(acc []cellState, p *place, j int32, catch []Hit, f []float64) {
	r := p.ratio
	m := p.minutes
	for k, h := range catch {
		c := &acc[h.Cell]
		c.count++
		c.minutes += m
		c.access += r * f[k]
		if h.Seconds < c.nearest || h.Seconds == c.nearest && j < c.place {
			c.nearest, c.place = h.Seconds, j
		}
	}
}

// merge folds accs[1:] into accs[0], in parallel over cell ranges.
func (s *State) merge(accs [][]cellState) {
	n := len(accs[0])
	var wg sync.WaitGroup
	chunk := (n + len(accs) - 1) / len(accs)
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			dst := accs[0][lo:hi]
			for _, a := range accs[1:] {
				for i, c := range a[lo:hi] {
					d := &dst[i]
					d.count += c.count
					d.minutes += c.minutes
					d.access += c.access
					if c.nearest < d.nearest || c.nearest == d.nearest && c.place >= 0 && c.place < d.place {
						d.nearest, d.place = c.nearest, c.place
					}
				}
			}
		}()
	}
	wg.Wait()
}

// covered reports whether a cell state is covered.
func (s *State) covered(c *cellState) bool {
	return c.count > 0 && float64(c.minutes) >= s.minMin
}

// resum recomputes the summary counters from the per-cell state.
func (s *State) resum() {
	s.commune = make([]sums, len(s.t.Communes))
	s.total = sums{}
	for i := range s.cell {
		s.addSums(i, s.covered(&s.cell[i]), 1, true)
	}
}

// addSums adds (sign 1) or removes (sign −1) cell i's parts to the summary
// counters: population too when all is set, covered figures when covered.
func (s *State) addSums(i int, covered bool, sign float64, all bool) {
	for _, pd := range s.parts[s.partStart[i]:s.partStart[i+1]] {
		var d sums
		if all {
			d.persons, d.weighted = pd.persons, pd.weighted
		}
		if covered {
			d.covered, d.weightedCovered = pd.persons, pd.weighted
		}
		s.total.add(d, sign)
		if pd.commune >= 0 && int(pd.commune) < len(s.commune) {
			s.commune[pd.commune].add(d, sign)
		}
	}
}

func (a *sums) add(d sums, sign float64) {
	a.persons += sign * d.persons
	a.covered += sign * d.covered
	a.weighted += sign * d.weighted
	a.weightedCovered += sign * d.weightedCovered
}

// --- incremental operations ---

// --- read access ---
