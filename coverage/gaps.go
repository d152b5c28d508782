package coverage

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// Zone is one gap: a set of contiguous uncovered, populated cells (H3
// neighbours) for one profile.
type Zone struct {
	Rank     int     // 1 for the zone with the largest weighted demand
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
	SearchSeconds          float64          // how far the nearest place was searched
	Geometry               orb.MultiPolygon // WGS84, RFC 7946 winding (exterior rings counter-clockwise)
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
// contiguous zones (cells sharing an edge, H3 GridDisk(1)), ranked by
// weighted demand (then persons, then first cell). Only cells of the grid
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
	seen := make(map[int32]bool, len(idx))
	var zones []Zone
	order := make([]int32, 0, len(idx))
	for _, i := range idx {
		order = append(order, i)
	}
	slices.Sort(order)
	for _, start := range order {
		if seen[start] {
			continue
		}
		seen[start] = true
		z := Zone{NearestMin: math.Inf(1), NearestMax: math.Inf(-1), SearchSeconds: search}
		queue := []int32{start}
		for len(queue) > 0 {
			i := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			z.Cells = append(z.Cells, i)
			ring, err := t.Cells[i].H3.GridDisk(1)
			if err != nil {
				return nil, fmt.Errorf("coverage: neighbours of cell %v: %w", t.Cells[i].H3, err)
			}
			for _, n := range ring {
				if k, ok := idx[n]; ok && !seen[k] {
					seen[k] = true
					queue = append(queue, k)
				}
			}
		}
		slices.Sort(z.Cells)
		communes := map[string]bool{}
		h3s := make([]h3.Cell, len(z.Cells))
		for k, i := range z.Cells {
			h3s[k] = t.Cells[i].H3
			z.Persons += s.persons[i]
			z.Weighted += s.weighted[i]
			z.Pop.Add(t.Cells[i].Pop)
			for _, pd := range s.parts[s.partStart[i]:s.partStart[i+1]] {
				if pd.commune >= 0 && int(pd.commune) < len(t.Communes) {
					communes[t.Communes[pd.commune].Code] = true
				}
			}
			c := &s.cell[i]
			tt := float64(c.nearest)
			if c.count > 0 {
				z.TooFewHours++
			} else if nearest != nil {
				tt = float64(nearest[i])
			}
			z.NearestMin = math.Min(z.NearestMin, tt)
			z.NearestMax = math.Max(z.NearestMax, tt)
		}
		if z.Persons < opt.MinPersons {
			continue
		}
		for c := range communes {
			z.Communes = append(z.Communes, c)
		}
		slices.Sort(z.Communes)
		g, err := geo.CellsPolygon(h3s)
		if err != nil {
			return nil, err
		}
		z.Geometry = g
		zones = append(zones, z)
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
