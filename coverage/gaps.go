package coverage

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/uber/h3-go/v4"
)

// Zone is one gap: a set of contiguous uncovered, populated cells (H3
// neighbours) of one commune, for one profile. A connected uncovered area
// that spans several communes is split at their boundaries (each cell goes
// to the commune holding most of its people, Cell.Commune), so that every
// ranked zone is one commune's part, which a council can act on; Area links
// the parts of one connected area.
type Zone struct {
	Rank int // 1 for the zone with the largest weighted demand
	// Area is the id of the connected uncovered area the zone is part of: its
	// rank among the connected areas by weighted demand (1: the largest). The
	// parts of one area share it; AreaCells counts the area's cells.
	Area      int
	AreaCells int
	// Commune is the INSEE code of the commune the zone's cells belong to
	// ("" for cells in no known commune), CommuneName its name.
	Commune     string
	CommuneName string
	// Shares splits the zone's uncovered persons by commune through the
	// cells' parts (a cell straddling a boundary counts for both), largest
	// first; they sum to 1.
	Shares   []CommuneShare
	Cells    []int32 // indices in Territory.Cells, sorted
	Persons  float64 // uncovered persons counted by the profile
	Weighted float64 // their weighted demand
	// Pop sums every attribute over the zone's cells: uncovered persons by
	// age band, households…
	Pop      maillage.Pop
	Communes []string // INSEE codes of the communes the zone's cells belong to, sorted
	// TooFewHours counts the zone's cells that have a suitable place within
	// the limit but too few weekly opening hours there in total.
	TooFewHours int
	// NearestMin and NearestMax bound the time, in seconds, from the zone's
	// cells to their nearest suitable place; +Inf when beyond SearchSeconds.
	NearestMin, NearestMax float64
	// NearestPlace and NearestPlaceID name the suitable place nearest to
	// the zone's closest cell (the one NearestMin is measured at), ""
	// beyond SearchSeconds; see nameNearest.
	NearestPlace, NearestPlaceID string
	SearchSeconds                float64          // how far the nearest place was searched
	Geometry                     orb.MultiPolygon // WGS84, RFC 7946 winding (exterior rings counter-clockwise)

	closest int32 // the cell NearestMin is measured at, -1 when none
}

// CommuneShare is one commune's share of a zone's uncovered persons.
type CommuneShare struct {
	Code  string  `json:"code"`
	Name  string  `json:"name"`
	Share float64 `json:"share"` // in [0, 1]
}

// GapOptions configures Gaps.
type GapOptions struct {
	// SearchMinutes is how far to look for the nearest place from cells that
	// have none within the profile's limit; 0 means 3 × MaxMinutes.
	SearchMinutes float64
	// MinPersons drops zones with fewer uncovered persons; 0 keeps all.
	MinPersons float64
}

// Gaps groups the uncovered cells that hold persons of the profile into
// contiguous areas (cells sharing an edge, H3 GridDisk(1)), splits each area
// at commune boundaries into zones (each contiguous within one commune, with
// the area's id in Zone.Area), and ranks the zones by weighted demand (then
// persons, then first cell). Only cells of the grid
// can be gaps: places beyond the grid (the territory's buffer) count for
// coverage, so the grid's edge is never a false gap.
func (s *State) Gaps(opt GapOptions) ([]Zone, error) {
	t := s.t
	search := opt.SearchMinutes * 60
	if search <= 0 {
		search = 3 * s.maxSec
	}
	search = math.Max(search, s.maxSec)
	idx := map[h3.Cell]int32{}
	far := false
	for i := range s.cell {
		if s.persons[i] > 0 && !s.covered(&s.cell[i]) {
			idx[t.Cells[i].H3] = int32(i)
			if s.cell[i].count == 0 {
				far = true
			}
		}
	}
	if len(idx) == 0 {
		return []Zone{}, nil
	}
	var nearest []float32
	if far {
		var src []orb.Point
		for j := range s.places {
			if s.places[j].suitable {
				src = append(src, s.places[j].v.Point)
			}
		}
		nearest = s.eng.Nearest(src, search)
	}
	order := make([]int32, 0, len(idx))
	for _, i := range idx {
		order = append(order, i)
	}
	slices.Sort(order)
	// component collects the cells reachable from start through neighbours
	// that pass keep, marking them seen.
	seen := make(map[int32]bool, len(idx))
	component := func(start int32, keep func(int32) bool) ([]int32, error) {
		seen[start] = true
		cells := []int32{}
		queue := []int32{start}
		for len(queue) > 0 {
			i := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			cells = append(cells, i)
			ring, err := t.Cells[i].H3.GridDisk(1)
			if err != nil {
				return nil, fmt.Errorf("coverage: neighbours of cell %v: %w", t.Cells[i].H3, err)
			}
			for _, n := range ring {
				if k, ok := idx[n]; ok && !seen[k] && keep(k) {
					seen[k] = true
					queue = append(queue, k)
				}
			}
		}
		slices.Sort(cells)
		return cells, nil
	}
	// The connected areas, ranked by weighted demand: their rank is the
	// Area id of their parts.
	type area struct {
		cells             []int32
		weighted, persons float64
	}
	var areas []area
	for _, start := range order {
		if seen[start] {
			continue
		}
		cells, err := component(start, func(int32) bool { return true })
		if err != nil {
			return nil, err
		}
		a := area{cells: cells}
		for _, i := range cells {
			a.weighted += s.weighted[i]
			a.persons += s.persons[i]
		}
		areas = append(areas, a)
	}
	slices.SortFunc(areas, func(a, b area) int {
		if c := cmp.Compare(b.weighted, a.weighted); c != 0 {
			return c
		}
		if c := cmp.Compare(b.persons, a.persons); c != 0 {
			return c
		}
		return cmp.Compare(a.cells[0], b.cells[0])
	})
	var zones []Zone
	for ai, a := range areas {
		clear(seen)
		// The area's cells only, split by majority commune.
		inArea := make(map[int32]bool, len(a.cells))
		for _, i := range a.cells {
			inArea[i] = true
		}
		for _, start := range a.cells {
			if seen[start] {
				continue
			}
			com := t.Cells[start].Commune
			cells, err := component(start, func(k int32) bool { return inArea[k] && t.Cells[k].Commune == com })
			if err != nil {
				return nil, err
			}
			z := Zone{Area: ai + 1, AreaCells: len(a.cells), Cells: cells, NearestMin: math.Inf(1), NearestMax: math.Inf(-1), SearchSeconds: search}
			if com >= 0 && int(com) < len(t.Communes) {
				z.Commune, z.CommuneName = t.Communes[com].Code, t.Communes[com].Name
			}
			if err := s.fillZone(&z, nearest); err != nil {
				return nil, err
			}
			if z.Persons < opt.MinPersons {
				continue
			}
			s.nameNearest(&z)
			zones = append(zones, z)
		}
	}
	slices.SortFunc(zones, func(a, b Zone) int {
		if c := cmp.Compare(b.Weighted, a.Weighted); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Persons, a.Persons); c != 0 {
			return c
		}
		return cmp.Compare(a.Cells[0], b.Cells[0])
	})
	for k := range zones {
		zones[k].Rank = k + 1
	}
	return zones, nil
}

// fillZone sums the demand of z's cells, its communes and their shares,
// the times to the nearest place, and its outline.
func (s *State) fillZone(z *Zone, nearest []float32) error {
	t := s.t
	communes := map[int32]float64{}
	h3s := make([]h3.Cell, len(z.Cells))
	for k, i := range z.Cells {
		h3s[k] = t.Cells[i].H3
		z.Persons += s.persons[i]
		z.Weighted += s.weighted[i]
		z.Pop.Add(t.Cells[i].Pop)
		for _, pd := range s.parts[s.partStart[i]:s.partStart[i+1]] {
			if pd.commune >= 0 && int(pd.commune) < len(t.Communes) {
				communes[pd.commune] += pd.persons
			}
		}
		c := &s.cell[i]
		tt := float64(c.nearest)
		if c.count > 0 {
			z.TooFewHours++
		} else if nearest != nil {
			tt = float64(nearest[i])
		}
		if k == 0 || tt < z.NearestMin {
			z.closest = i
		}
		z.NearestMin = math.Min(z.NearestMin, tt)
		z.NearestMax = math.Max(z.NearestMax, tt)
	}
	var sum float64
	for _, p := range communes {
		sum += p
	}
	for c, p := range communes {
		z.Communes = append(z.Communes, t.Communes[c].Code)
		if sum > 0 {
			z.Shares = append(z.Shares, CommuneShare{Code: t.Communes[c].Code, Name: t.Communes[c].Name, Share: p / sum})
		}
	}
	slices.Sort(z.Communes)
	slices.SortFunc(z.Shares, func(a, b CommuneShare) int {
		if c := cmp.Compare(b.Share, a.Share); c != 0 {
			return c
		}
		return cmp.Compare(a.Code, b.Code)
	})
	g, err := geo.CellsPolygon(h3s)
	if err != nil {
		return err
	}
	z.Geometry = g
	return nil
}

// nearestCandidates is how many suitable places, the nearest as the crow
// flies, nameNearest times from a zone: on roads the nearest in time is
// almost always among them.
const nearestCandidates = 5

// nameNearest sets z's NearestPlace and NearestPlaceID: of the
// nearestCandidates suitable places nearest as the crow flies to the zone's
// closest cell, the one the engine's route from that cell's centre reaches
// first (ties: the nearer as the crow flies, then the lower index). A zone
// whose nearest place is beyond the search gets none. The multi-source
// search that measured NearestMin gives times, not which place, hence these
// few routes per zone.
func (s *State) nameNearest(z *Zone) {
	z.NearestPlace, z.NearestPlaceID = "", ""
	if math.IsInf(z.NearestMin, 1) || z.closest < 0 || int(z.closest) >= len(s.t.Cells) {
		return
	}
	from := geo.CellCenter(s.t.Cells[z.closest].H3)
	type cand struct {
		j int
		d float64
	}
	var cands []cand
	for j := range s.places {
		if !s.places[j].suitable {
			continue
		}
		c := cand{j, orbgeo.DistanceHaversine(from, s.places[j].v.Point)}
		k, _ := slices.BinarySearchFunc(cands, c, func(a, b cand) int { return cmp.Compare(a.d, b.d) })
		if k < nearestCandidates {
			cands = slices.Insert(cands, k, c)
			if len(cands) > nearestCandidates {
				cands = cands[:nearestCandidates]
			}
		}
	}
	best, bestSec := -1, math.Inf(1)
	for _, c := range cands {
		r, err := s.eng.Route(from, s.places[c.j].v.Point)
		if err != nil {
			continue
		}
		if r.Seconds < bestSec {
			best, bestSec = c.j, r.Seconds
		}
	}
	if best < 0 && len(cands) > 0 {
		best = cands[0].j // no route (off network): the nearest as the crow flies
	}
	if best >= 0 {
		z.NearestPlace, z.NearestPlaceID = s.places[best].v.Name, s.places[best].v.ID
	}
}
