package propose

import (
	"context"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// CandidateKind says where a candidate site comes from.
type CandidateKind string

// The candidate kinds.
const (
	CandidateCell    CandidateKind = "cell"    // the centre of a populated cell
	CandidateCommune CandidateKind = "commune" // a commune's representative point (town hall)
	CandidateUser    CandidateKind = "user"    // a site from a user list
	CandidateVenue   CandidateKind = "venue"   // an existing place that could extend its hours
)

// Candidate is a place where a new permanence could be held.
type Candidate struct {
	Name    string        `json:"name"`
	Kind    CandidateKind `json:"kind"`
	Point   orb.Point     `json:"-"`               // WGS84 {lon, lat}
	Hours   float64       `json:"hours,omitempty"` // weekly hours offered; 0: ProposalOptions.Hours
	Cell    int32         `json:"-"`               // index in Territory.Cells for kind cell, else −1
	Commune int32         `json:"-"`               // index in Territory.Communes, −1 when unknown
	Venue   string        `json:"venue,omitempty"` // venue ID for kind venue
	Line    int           `json:"-"`               // line (CSV) or feature number (GeoJSON) for kind user
}

// CandidateOptions says which candidates to build and which to keep.
type CandidateOptions struct {
	Cells    bool // every populated cell centre
	Communes bool // every commune's Center
	Venues   bool // every located venue (extending its hours)
	// MinPersons keeps only cells with at least this many inhabitants (0: any
	// populated cell, Ind > 0).
	MinPersons float64
	User       []data.CandidateSite // from data.ReadCandidatesCSV / ReadCandidatesGeoJSON
	// Exclude drops candidates inside any of these polygons (WGS84).
	Exclude []orb.Polygon
	// AllowedCommunes, when not empty, keeps only candidates in these communes
	// (INSEE codes); a candidate whose commune is unknown is dropped.
	AllowedCommunes []string
}

// Candidates builds the candidate sites of t per opts, in a fixed order
// (cells, communes, venues, user list), with their commune resolved: cells
// carry theirs, venues by INSEE code, communes are their own, user sites by
// point-in-polygon on the communes' outlines (−1 without outlines).
func Candidates(t *maillage.Territory, opts CandidateOptions) []Candidate {
	var communes *geo.CommuneIndex // built on first use
	communeAt := func(p orb.Point) int32 {
		if communes == nil {
			communes = geo.NewCommuneIndex(t.Communes)
		}
		return int32(communes.Locate(p))
	}
	var out []Candidate
	if opts.Cells {
		for i, c := range t.Cells {
			if ind := c.Pop[maillage.Ind]; ind > 0 && ind >= opts.MinPersons {
				name := c.H3.String()
				if c.H3 == 0 {
					name = "cell " + strconv.Itoa(i)
				}
				out = append(out, Candidate{Name: name, Kind: CandidateCell, Point: c.Center, Cell: int32(i), Commune: c.Commune})
			}
		}
	}
	if opts.Communes {
		for i, c := range t.Communes {
			if c.Center == (orb.Point{}) {
				continue // no representative point
			}
			out = append(out, Candidate{Name: c.Name, Kind: CandidateCommune, Point: c.Center, Cell: -1, Commune: int32(i)})
		}
	}
	byCode := make(map[string]int32, len(t.Communes))
	for i, c := range t.Communes {
		byCode[c.Code] = int32(i)
	}
	if opts.Venues {
		for _, v := range t.Venues {
			if !v.Located {
				continue
			}
			ci, ok := byCode[v.Commune]
			if !ok {
				ci = communeAt(v.Point)
			}
			out = append(out, Candidate{Name: v.Name, Kind: CandidateVenue, Point: v.Point, Hours: v.Hours.Hours(), Cell: -1, Commune: ci, Venue: v.ID})
		}
	}
	for _, u := range opts.User {
		out = append(out, Candidate{Name: u.Name, Kind: CandidateUser, Point: u.Point, Hours: u.Hours, Cell: -1, Commune: communeAt(u.Point), Line: u.Line})
	}
	return candFilter(t, out, opts)
}

func candFilter(t *maillage.Territory, cs []Candidate, opts CandidateOptions) []Candidate {
	allowed := map[string]bool{}
	for _, c := range opts.AllowedCommunes {
		allowed[strings.TrimSpace(c)] = true
	}
	bounds := make([]orb.Bound, len(opts.Exclude))
	for i, p := range opts.Exclude {
		bounds[i] = p.Bound()
	}
	return slices.DeleteFunc(cs, func(c Candidate) bool {
		for i, p := range opts.Exclude {
			if bounds[i].Contains(c.Point) && planar.PolygonContains(p, c.Point) {
				return true
			}
		}
		if len(allowed) > 0 {
			return c.Commune < 0 || int(c.Commune) >= len(t.Communes) || !allowed[t.Communes[c.Commune].Code]
		}
		return false
	})
}

// candSets computes, for every candidate, the demand points it reaches
// within maxSeconds with eng, in parallel over GOMAXPROCS goroutines. A
// reached engine point p becomes instance point index[p] + offset when
// index[p] ≥ 0 (dropped otherwise; index nil keeps every point as is). The
// sets are sorted by instance index, times in seconds in the same order.
//
// The workers stop taking candidates once ctx is done (the sets left are
// nil); the caller checks ctx.Err(). tick, when not nil, is called after
// each candidate's set, from the worker that computed it.
func candSets(ctx context.Context, eng travel.Engine, cands []Candidate, maxSeconds float64, index []int32, offset int32, tick func()) ([][]int32, [][]float32) {
	sets := make([][]int32, len(cands))
	times := make([][]float32, len(cands))
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), max(1, len(cands)))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Reached points go to buf; their times to the dense tm (indexed
			// by point) so that only the int32 indices need sorting.
			var buf, tmp []int32
			var tm []float32
			add := func(p int32, s float32) {
				if index != nil {
					if int(p) >= len(index) || index[p] < 0 {
						return
					}
					p = index[p]
				}
				if int(p) >= len(tm) {
					tm = append(tm, make([]float32, int(p)+1-len(tm)+len(tm)/2)...)
				}
				buf = append(buf, p)
				tm[p] = s
			}
			for {
				j := int(next.Add(1) - 1)
				if j >= len(cands) || ctx.Err() != nil {
					return
				}
				buf = buf[:0]
				eng.Reach(cands[j].Point, maxSeconds, add)
				buf, tmp = candRadixSort(buf, tmp)
				buf = slices.Compact(buf) // an engine may report a point twice (last time kept)
				set := make([]int32, len(buf))
				ts := make([]float32, len(buf))
				for k, p := range buf {
					set[k], ts[k] = p+offset, tm[p]
				}
				sets[j], times[j] = set, ts
				if tick != nil {
					tick()
				}
			}
		}()
	}
	wg.Wait()
	return sets, times
}

// candRadixSort sorts non-negative keys by least-significant-digit radix
// sort on bytes (only as many passes as the largest key needs), using tmp as
// scratch; it returns the sorted slice and the scratch to reuse (the two
// backing arrays may have swapped). O(n) where pdqsort is O(n log n): sets
// are thousands of points long.
func candRadixSort(a, tmp []int32) ([]int32, []int32) {
	if len(a) < 64 {
		slices.Sort(a)
		return a, tmp
	}
	mx := int32(0)
	for _, v := range a {
		mx = max(mx, v)
	}
	if cap(tmp) < len(a) {
		tmp = make([]int32, len(a), 2*len(a))
	}
	tmp = tmp[:len(a)]
	for shift := uint(0); shift < 32 && mx>>shift > 0; shift += 8 {
		var count [257]int
		for _, v := range a {
			count[(v>>shift)&0xff+1]++
		}
		for i := 1; i < 257; i++ {
			count[i] += count[i-1]
		}
		for _, v := range a {
			d := (v >> shift) & 0xff
			tmp[count[d]] = v
			count[d]++
		}
		a, tmp = tmp, a
	}
	return a, tmp
}
