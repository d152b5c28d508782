package propose

// Itinerant permanences: one mediator (or bus) with a weekly budget of hours
// holds half-day stops at candidate sites and drives between them.
//
// Model (partial coverage by hours). A demand point i reached (within the
// travel limit) by stops that together get h_i staffed hours a week is
// covered at the fraction c_i = min(1, h_i / FullHours): a village visited
// for one 3.5 h half-day when 7 h are needed for full service counts half.
// The objective Σ_i w_i c_i is monotone submodular on the multiset of
// half-days (a concave function of a sum), so stops are chosen by lazy greedy
// over "one more half-day at site j", at most min(Stops, ⌊Budget/StopHours⌋).
//
// Route. The distinct stops are ordered as a closed weekly loop (from the
// depot and back when one is given, else back to the first stop) by nearest
// neighbour then 2-opt, on travel times from Engine.Route. While stop hours +
// driving exceed the budget, the half-day with the least coverage lost per
// hour saved (its stop time, plus the driving saved when it is the site's
// last half-day) is dropped and the loop re-optimised; then freed time is
// refilled greedily with half-days that fit (extra hours at a visited stop
// cost no driving).

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// DefaultStopHours is the length of one stop of a tour when none is given:
// a half-day permanence.
const DefaultStopHours = 3.5

// TourOptions configures PlanTour.
type TourOptions struct {
	BudgetHours float64 // weekly hours available: stop hours + driving
	Stops       int     // maximum number of half-day stops a week
	StopHours   float64 // hours of one stop (0: DefaultStopHours)
	FullHours   float64 // weekly hours at which a stop fully covers its catchment (default StopHours)
	// Depot, when HasDepot, is where the loop starts and ends (WGS84).
	Depot    orb.Point
	HasDepot bool
	// Drive computes the mediator's driving times (Engine.Route); nil: the
	// engine given to PlanTour.
	Drive travel.Engine
}

// TourStop is one site of the weekly loop.
type TourStop struct {
	Candidate    int     `json:"candidate"`
	Name         string  `json:"name,omitempty"`
	Lat          float64 `json:"lat"`
	Lon          float64 `json:"lon"`
	Visits       int     `json:"visits"` // half-days a week
	Hours        float64 `json:"hours"`  // staffed hours a week
	Gain         float64 `json:"gain"`   // weighted demand covered, attributed pro rata of hours
	DriveSeconds float64 `json:"drive_seconds"`
}

// Tour is the weekly plan of an itinerant permanence.
type Tour struct {
	Stops         []TourStop `json:"stops"` // in route order
	Gain          float64    `json:"gain"`  // Σ w_i·min(1, h_i/FullHours)
	StopHours     float64    `json:"stop_hours"`
	DriveHours    float64    `json:"drive_hours"`
	TotalHours    float64    `json:"total_hours"`
	BudgetHours   float64    `json:"budget_hours"`
	ReturnSeconds float64    `json:"return_seconds"` // last stop back to the depot (or the first stop)
	Dropped       int        `json:"dropped"`        // half-days dropped to fit the budget
	Added         int        `json:"added"`          // half-days added back into freed time
	// Legs, when set (see RouteLegs), is the driven geometry of each leg:
	// leg k from stop k to the next, the last back to the first.
	Legs []orb.LineString `json:"-"`
}

// RouteLegs sets t.Legs to the routes eng drives between consecutive stops
// (on a road engine, along the roads; on crow-fly, straight). A leg that
// cannot be routed (a stop off the network) is drawn straight.
func (t *Tour) RouteLegs(eng travel.Engine) {
	t.Legs = nil
	if len(t.Stops) < 2 {
		return
	}
	for k, s := range t.Stops {
		n := t.Stops[(k+1)%len(t.Stops)]
		a, b := orb.Point{s.Lon, s.Lat}, orb.Point{n.Lon, n.Lat}
		leg := orb.LineString{a, b}
		if r, err := eng.Route(a, b); err == nil && len(r.Path) >= 2 {
			leg = r.Path
		}
		t.Legs = append(t.Legs, leg)
	}
}

// itinState is a tour under construction.
type itinState struct {
	in     *CoverInstance
	pts    []orb.Point
	eng    travel.Engine
	opts   TourOptions
	h      []float64 // staffed hours reaching each point
	visits []int     // half-days per candidate
	dist   map[[2]int]float64
	evals  int64
}

// cover is the coverage fraction of a point with h hours.
func (s *itinState) cover(h float64) float64 { return min(1, h/s.opts.FullHours) }

// delta is the change of weighted coverage if site j gets dh more hours.
func (s *itinState) delta(j int, dh float64) float64 {
	s.evals++
	g := 0.0
	for _, i := range s.in.Sets[j] {
		h := s.h[i]
		g += s.in.Weight[i] * (s.cover(h+dh) - s.cover(h))
	}
	return g
}

func (s *itinState) add(j int, dh float64) {
	for _, i := range s.in.Sets[j] {
		s.h[i] += dh
	}
	if dh > 0 {
		s.visits[j]++
	} else {
		s.visits[j]--
	}
}

// time returns the travel time in seconds between nodes (−1 = depot).
func (s *itinState) time(a, b int) float64 {
	if a == b {
		return 0
	}
	if d, ok := s.dist[[2]int{a, b}]; ok {
		return d
	}
	pa, pb := s.opts.Depot, s.opts.Depot
	if a >= 0 {
		pa = s.pts[a]
	}
	if b >= 0 {
		pb = s.pts[b]
	}
	r, err := s.eng.Route(pa, pb)
	d := r.Seconds
	if err != nil || math.IsNaN(d) {
		d = math.Inf(1)
	}
	s.dist[[2]int{a, b}] = d
	return d
}

// route orders nodes (distinct sites, plus the depot first when there is
// one) as a closed loop: nearest neighbour, then 2-opt. It returns the order
// and the driving seconds of the loop.
func (s *itinState) route(sites []int) ([]int, float64) {
	var nodes []int
	if s.opts.HasDepot {
		nodes = append(nodes, -1)
	}
	nodes = append(nodes, sites...)
	if len(nodes) <= 1 {
		return nodes, 0
	}
	// Nearest neighbour from nodes[0].
	order := []int{nodes[0]}
	left := slices.Clone(nodes[1:])
	for len(left) > 0 {
		last := order[len(order)-1]
		bi := 0
		for k := range left {
			if s.time(last, left[k]) < s.time(last, left[bi]) {
				bi = k
			}
		}
		order = append(order, left[bi])
		left = slices.Delete(left, bi, bi+1)
	}
	cost := s.loopCost(order)
	// 2-opt: reverse order[a..b] (node 0 stays first) while it helps.
	for improved := true; improved; {
		improved = false
		for a := 1; a < len(order)-1; a++ {
			for b := a + 1; b < len(order); b++ {
				slices.Reverse(order[a : b+1])
				if c := s.loopCost(order); c < cost-1e-9 {
					cost, improved = c, true
				} else {
					slices.Reverse(order[a : b+1])
				}
			}
		}
	}
	return order, cost
}

func (s *itinState) loopCost(order []int) float64 {
	c := 0.0
	for k := range order {
		c += s.time(order[k], order[(k+1)%len(order)])
	}
	return c
}

func (s *itinState) sites() []int {
	var out []int
	for j, v := range s.visits {
		if v > 0 {
			out = append(out, j)
		}
	}
	return out
}

func (s *itinState) halfDays() int {
	n := 0
	for _, v := range s.visits {
		n += v
	}
	return n
}

// PlanTour chooses the half-day stops of one itinerant mediator among the
// candidates of in (sites[j] is candidate j's position) and orders them into
// a weekly loop that fits the budget (see the model above). Safe for
// concurrent use on the same CoverInstance.
func PlanTour(in *CoverInstance, sites []orb.Point, eng travel.Engine, opts TourOptions) (*Tour, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if len(sites) != len(in.Sets) {
		return nil, fmt.Errorf("%w: %d positions for %d candidates", ErrCoverInstance, len(sites), len(in.Sets))
	}
	if opts.StopHours == 0 {
		opts.StopHours = DefaultStopHours
	}
	if opts.FullHours == 0 {
		opts.FullHours = opts.StopHours
	}
	if !(opts.BudgetHours >= 0) || !(opts.StopHours > 0) || !(opts.FullHours > 0) || opts.Stops < 0 || math.IsInf(opts.BudgetHours, 0) {
		return nil, fmt.Errorf("%w: tour budget %v h, %d stops of %v h, full at %v h", ErrCoverInstance, opts.BudgetHours, opts.Stops, opts.StopHours, opts.FullHours)
	}
	if opts.Drive != nil {
		eng = opts.Drive
	}
	if eng == nil {
		return nil, fmt.Errorf("%w: no engine for driving times", ErrCoverInstance)
	}
	s := &itinState{in: in, pts: sites, eng: eng, opts: opts, h: make([]float64, len(in.Weight)),
		visits: make([]int, len(in.Sets)), dist: map[[2]int]float64{}}
	sh := opts.StopHours
	n := min(opts.Stops, int(opts.BudgetHours/sh+1e-9))

	// Lazy greedy over half-days.
	h := make(propHeap, 0, len(in.Sets))
	for j := range in.Sets {
		h = append(h, propEntry{gain: s.delta(j, sh), cand: int32(j)})
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
	for r := int32(1); int(r) <= n && len(h) > 0; r++ {
		for h[0].round != r {
			h[0].gain, h[0].round = s.delta(int(h[0].cand), sh), r
			h.down(0)
		}
		if h[0].gain <= 0 {
			break
		}
		s.add(int(h[0].cand), sh) // stays in the heap: a further half-day is stale-bounded
	}

	tour := &Tour{BudgetHours: opts.BudgetHours}
	order, drive := s.route(s.sites())
	total := func() float64 { return float64(s.halfDays())*sh + drive/3600 }
	// Drop half-days until the loop fits.
	for total() > opts.BudgetHours+1e-9 && s.halfDays() > 0 {
		best, bestScore := -1, math.Inf(1)
		for _, j := range s.sites() {
			loss := -s.delta(j, -sh)
			saved := sh
			if s.visits[j] == 1 {
				rest := slices.DeleteFunc(s.sites(), func(x int) bool { return x == j })
				_, d := s.route(rest)
				saved += (drive - d) / 3600
			}
			if score := loss / math.Max(saved, 1e-9); score < bestScore {
				best, bestScore = j, score
			}
		}
		if best < 0 {
			break
		}
		s.add(best, -sh)
		tour.Dropped++
		order, drive = s.route(s.sites())
	}
	// Refill freed time with half-days that fit.
	for s.halfDays() < opts.Stops && total()+sh <= opts.BudgetHours+1e-9 {
		type cg struct {
			j int
			g float64
		}
		var cands []cg
		for j := range in.Sets {
			if g := s.delta(j, sh); g > 0 {
				cands = append(cands, cg{j, g})
			}
		}
		slices.SortFunc(cands, func(a, b cg) int {
			if a.g != b.g {
				if a.g > b.g {
					return -1
				}
				return 1
			}
			return a.j - b.j
		})
		added := false
		for _, c := range cands[:min(len(cands), 50)] {
			d := drive
			var o []int
			if s.visits[c.j] == 0 {
				o, d = s.route(append(s.sites(), c.j))
			}
			if float64(s.halfDays()+1)*sh+d/3600 <= opts.BudgetHours+1e-9 {
				s.add(c.j, sh)
				if o != nil {
					order, drive = o, d
				}
				tour.Added++
				added = true
				break
			}
		}
		if !added {
			break
		}
	}

	// Report, in route order.
	for i, w := range in.Weight {
		tour.Gain += w * s.cover(s.h[i])
	}
	prev := -2
	for k, node := range order {
		if node < 0 {
			prev = node
			continue
		}
		st := TourStop{Candidate: node, Lat: sites[node][1], Lon: sites[node][0], Visits: s.visits[node], Hours: float64(s.visits[node]) * sh}
		for _, i := range in.Sets[node] {
			if s.h[i] > 0 {
				st.Gain += in.Weight[i] * s.cover(s.h[i]) * st.Hours / s.h[i]
			}
		}
		if k > 0 {
			st.DriveSeconds = s.time(prev, node)
		}
		prev = node
		tour.Stops = append(tour.Stops, st)
	}
	if len(order) > 1 {
		tour.ReturnSeconds = s.time(order[len(order)-1], order[0])
	}
	tour.StopHours = float64(s.halfDays()) * sh
	tour.DriveHours = drive / 3600
	tour.TotalHours = tour.StopHours + tour.DriveHours
	if tour.Stops == nil {
		tour.Stops = []TourStop{}
	}
	return tour, nil
}

// ProposeTour plans an itinerant permanence over t for one profile (as
// Propose: weights and covered per cell, eng over the cell centres,
// maxSeconds the travel limit of the people served), with stop names filled
// from the candidates.
func ProposeTour(t *maillage.Territory, eng travel.Engine, weights []float64, covered []bool, maxSeconds float64, cands []Candidate, opts TourOptions) (*Tour, error) {
	in, err := BuildCoverInstance(t, []ProposalProfile{{Mix: 1, Weights: weights, Covered: covered, Engine: eng, MaxSeconds: maxSeconds}}, cands, maxSeconds)
	if err != nil {
		return nil, err
	}
	pts := make([]orb.Point, len(cands))
	for j, c := range cands {
		pts[j] = c.Point
	}
	tour, err := PlanTour(in, pts, eng, opts)
	if err != nil {
		return nil, err
	}
	for k := range tour.Stops {
		tour.Stops[k].Name = cands[tour.Stops[k].Candidate].Name
	}
	return tour, nil
}

// WriteGeoJSON writes the tour as an RFC 7946 FeatureCollection: one Point
// per stop (properties order, name, visits, hours, gain, drive_seconds) and
// a LineString of the weekly loop in route order, along the driven legs when
// RouteLegs set them (property legs "routed"), else straight between stops
// ("straight"), with the totals as foreign members.
func (t *Tour) WriteGeoJSON(w io.Writer) error {
	fc := geojson.NewFeatureCollection()
	var line orb.LineString
	for k, s := range t.Stops {
		p := orb.Point{s.Lon, s.Lat}
		f := geojson.NewFeature(p)
		f.Properties = geojson.Properties{"order": k + 1, "name": s.Name, "visits": s.Visits, "hours": s.Hours,
			"gain": s.Gain, "drive_seconds": s.DriveSeconds}
		fc.Append(f)
		line = append(line, p)
	}
	if len(line) > 1 {
		legs := "straight"
		if len(t.Legs) == len(t.Stops) {
			legs, line = "routed", line[:0]
			for _, l := range t.Legs {
				if len(line) > 0 && len(l) > 0 && line[len(line)-1] == l[0] {
					l = l[1:] // the stop ends one leg and starts the next
				}
				line = append(line, l...)
			}
		} else {
			line = append(line, line[0])
		}
		f := geojson.NewFeature(line)
		f.Properties = geojson.Properties{"route": "weekly loop", "legs": legs}
		fc.Append(f)
	}
	fc.ExtraMembers = geojson.Properties{"gain": t.Gain, "stop_hours": t.StopHours, "drive_hours": t.DriveHours,
		"total_hours": t.TotalHours, "budget_hours": t.BudgetHours}
	b, err := json.Marshal(fc)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
