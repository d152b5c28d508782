package propose

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo/travel"
	"github.com/maillage/maillage/internal/labels"
	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
)

// ProposalProfile is the demand of one profile over a territory's cells: the
// weighted demand per cell, which cells the existing places already cover,
// and how far a person of this profile goes (engine and time limit). Several
// profiles with mix coefficients make a weighted mix: the instance then has
// one demand point per (profile, uncovered cell) with weight α_p·w_pc, where
// the α_p are the Mix coefficients normalised to sum 1 — so the objective
// is Σ_p α_p·(newly covered weighted demand of p), exactly, and a candidate
// covers in each profile the cells that profile's engine reaches.
type ProposalProfile struct {
	Name       string
	Mix        float64       // mix coefficient ≥ 0 (all zero: equal shares)
	Weights    []float64     // per cell of the territory, weighted demand ≥ 0
	Covered    []bool        // per cell, covered by existing places (nil: none)
	Engine     travel.Engine // over the territory's cell centres, in order
	MaxSeconds float64       // travel-time limit; 0: ProposalOptions.MaxSeconds
	// Uncoverable, when not nil, marks the cells that one new site cannot
	// cover (for a profile with a minimum of weekly hours: the hours already
	// reachable there plus the new site's fall short). They stay in the
	// demand (and in Total) but in no candidate's set.
	Uncoverable []bool
}

// ProposalOptions configures Propose. Exactly one of K (maximal covering: k
// new sites) or Target (set cover: fewest sites to reach this share of the
// weighted demand, 0..1] is used; Target wins when set.
type ProposalOptions struct {
	K          int
	Target     float64
	MaxSeconds float64 // travel-time limit for Propose's single profile, seconds
	// Hours is the weekly opening of a new permanence whose candidate gives
	// none (hours; default 7, two half-days).
	Hours float64
	// PerHour, when > 0, turns on the capacity model: a site can take on
	// PerHour × its weekly hours × Weeks persons (see AssignCapacity).
	PerHour float64
	// Weeks is the planning horizon of the capacity model (default 1).
	Weeks float64
	// Swaps, when > 0, improves the greedy answer by at most this many
	// best-improvement site exchanges (see SwapImprove).
	Swaps int
	// Context, when not nil, stops the work once it is done (a client gone,
	// a deadline): checked between candidate catchments and between greedy
	// rounds; the error then wraps the context's.
	Context context.Context
	// Progress, when not nil, is told how many of the candidates'
	// catchments (one per candidate and profile: the bulk of a proposal's
	// time) are computed, done of total, as they are; the sites are chosen
	// once done == total. It is called from several goroutines at once, so
	// calls may arrive out of order: it must be safe for concurrent use,
	// quick, and keep the largest done it has seen.
	Progress func(done, total int)
}

// ProposedSite is one site of a proposal.
type ProposedSite struct {
	Rank         int                `json:"rank"` // 1 = chosen first
	Name         string             `json:"name"`
	Kind         CandidateKind      `json:"kind"`
	Lat          float64            `json:"lat"`
	Lon          float64            `json:"lon"`
	Commune      string             `json:"commune,omitempty"` // INSEE code of the site's commune
	CommuneName  string             `json:"commune_name,omitempty"`
	Venue        string             `json:"venue,omitempty"`
	Hours        float64            `json:"hours"`   // weekly hours assumed
	Gain         float64            `json:"gain"`    // weighted demand newly covered (marginal)
	Persons      float64            `json:"persons"` // persons newly covered (marginal)
	PersonsByAge map[string]float64 `json:"persons_by_age"`
	Cells        int                `json:"cells"`    // cells newly covered
	Communes     []string           `json:"communes"` // INSEE codes of communes with newly covered cells
	Capacity     float64            `json:"capacity,omitempty"`
	Served       float64            `json:"served,omitempty"`
	// Label names the site for people, in French: « Site 1 — Cenon, près de
	// Médiathèque (350 m) ». Near is the nearest known place (an existing
	// venue within NearMaxMetres, else the nearest commune centre) and
	// NearMetres its great-circle distance.
	Label      string  `json:"label"`
	Near       string  `json:"near,omitempty"`
	NearMetres float64 `json:"near_metres,omitempty"`
}

// NearMaxMetres is how far a proposed site looks for an existing place to be
// named after; beyond, the nearest commune centre names it.
const NearMaxMetres = 3000

// SiteLabel is the readable name of site s in lang: « Site 1 — Cenon, près
// de Médiathèque (350 m) ».
func SiteLabel(s *ProposedSite, lang labels.Lang) string {
	where := s.CommuneName
	if where == "" {
		where = s.Commune
	}
	if where == "" {
		where = lang.Pick("hors commune connue", "outside any known commune")
	}
	out := lang.Sprintf("Site %d — %s", "Site %d — %s", s.Rank, where)
	centre, isCentre := strings.CutPrefix(s.Near, "centre de ")
	switch {
	case s.Near == "":
	case isCentre && centre == s.CommuneName && s.NearMetres < 100:
		out += lang.Pick(", au centre", ", in the centre")
	case isCentre && centre == s.CommuneName:
		out += lang.Sprintf(", à %s du centre", ", %s from the centre", lang.Km(s.NearMetres))
	case isCentre:
		out += lang.Sprintf(", près du centre %s (%s)", ", near the centre of %s (%s)", lang.Pick(labels.De(centre), centre), lang.Km(s.NearMetres))
	default:
		out += lang.Sprintf(", près %s (%s)", ", near %s (%s)", lang.Pick(labels.De(s.Near), s.Near), lang.Km(s.NearMetres))
	}
	return out
}

// nameSites sets the nearest known place and the label of every site.
func nameSites(t *maillage.Territory, sites []ProposedSite) {
	for i := range sites {
		s := &sites[i]
		p := orb.Point{s.Lon, s.Lat}
		best, bestD := "", math.Inf(1)
		for k := range t.Venues {
			v := &t.Venues[k]
			if !v.Located || v.ID == s.Venue {
				continue
			}
			if d := orbgeo.DistanceHaversine(p, v.Point); d < bestD {
				best, bestD = v.Name, d
			}
		}
		if bestD > NearMaxMetres {
			best, bestD = "", math.Inf(1)
			for k := range t.Communes {
				c := &t.Communes[k]
				if d := orbgeo.DistanceHaversine(p, c.Center); c.Name != "" && d < bestD {
					best, bestD = c.Name, d
				}
			}
			if best != "" {
				best = "centre de " + best
			}
		}
		if best != "" {
			s.Near, s.NearMetres = best, math.Round(bestD)
		}
		s.Label = SiteLabel(s, labels.FR)
	}
}

// Proposal is the answer of Propose: the new sites in the order chosen, the
// weighted demand covered before and after, and the optimality certificate.
type Proposal struct {
	Mode       string         `json:"mode"` // "max_cover" or "set_cover"
	K          int            `json:"k,omitempty"`
	Target     float64        `json:"target,omitempty"`
	Profiles   []string       `json:"profiles,omitempty"`
	Candidates int            `json:"candidates"`
	Sites      []ProposedSite `json:"sites"`
	// CoveredBefore / CoveredAfter are weighted demand (units of the
	// profile weights) covered by the existing places, and with the new
	// sites; Total is all weighted demand.
	CoveredBefore float64 `json:"covered_before"`
	CoveredAfter  float64 `json:"covered_after"`
	Total         float64 `json:"total"`
	ShareBefore   float64 `json:"share_before"`
	ShareAfter    float64 `json:"share_after"`
	Gain          float64 `json:"gain"` // CoveredAfter − CoveredBefore
	// UpperBound bounds from above the weighted demand that the best choice
	// of the same number of sites could newly cover; Gap = 1 − Gain/UpperBound.
	UpperBound float64 `json:"upper_bound"`
	Gap        float64 `json:"gap"`
	// Warning says, in plain words, when a set cover did not reach its target.
	Warning  string `json:"warning,omitempty"`
	MinSites int    `json:"min_sites,omitempty"` // set cover: lower bound on the sites needed
	Reached  bool   `json:"reached,omitempty"`   // set cover: target reached
	// Capacity, with PerHour > 0: served / over capacity / uncovered.
	Capacity    *CapacityAssignment `json:"capacity,omitempty"`
	Evaluations int64               `json:"evaluations"`
}

// BuildCoverInstance turns profiles and candidates over t into a covering
// instance: demand points are the (profile, cell) pairs not yet covered, in
// profile then cell order, with weight α_p·w, persons and age bands α_p·Pop,
// and the cell's commune; candidate sets come from each profile's engine
// (in parallel). Base is the mixed weighted demand already covered.
func BuildCoverInstance(t *maillage.Territory, profiles []ProposalProfile, cands []Candidate, defaultMax float64) (*CoverInstance, error) {
	return propBuild(context.Background(), t, profiles, cands, defaultMax, nil)
}

func propBuild(ctx context.Context, t *maillage.Territory, profiles []ProposalProfile, cands []Candidate, defaultMax float64, progress func(done, total int)) (*CoverInstance, error) {
	if len(profiles) == 0 {
		return nil, fmt.Errorf("%w: no profile", ErrCoverInstance)
	}
	n := len(t.Cells)
	sumMix := 0.0
	for p, pr := range profiles {
		if pr.Uncoverable != nil && len(pr.Uncoverable) != n {
			return nil, fmt.Errorf("%w: profile %d: %d uncoverable flags for %d cells", ErrCoverInstance, p, len(pr.Uncoverable), n)
		}
		if len(pr.Weights) != n || (pr.Covered != nil && len(pr.Covered) != n) {
			return nil, fmt.Errorf("%w: profile %d: %d weights, %d covered flags for %d cells", ErrCoverInstance, p, len(pr.Weights), len(pr.Covered), n)
		}
		if pr.Engine == nil {
			return nil, fmt.Errorf("%w: profile %d has no travel engine", ErrCoverInstance, p)
		}
		if !(pr.Mix >= 0) || math.IsInf(pr.Mix, 0) {
			return nil, fmt.Errorf("%w: profile %d: mix %v", ErrCoverInstance, p, pr.Mix)
		}
		sumMix += pr.Mix
	}
	nb := len(maillage.AgeBands)
	in := &CoverInstance{BandNames: make([]string, nb)}
	npts := 0
	for _, pr := range profiles {
		for c := range t.Cells {
			if pr.Covered == nil || !pr.Covered[c] {
				npts++
			}
		}
	}
	in.Weight = make([]float64, 0, npts)
	in.Persons = make([]float64, 0, npts)
	in.Bands = make([]float64, 0, npts*nb)
	in.Commune = make([]int32, 0, npts)
	for b, a := range maillage.AgeBands {
		in.BandNames[b] = a.String()
	}
	index := make([]int32, n)
	offsets := make([]int32, len(profiles))
	profSets := make([][][]int32, len(profiles))
	profTimes := make([][][]float32, len(profiles))
	for p, pr := range profiles {
		alpha := 1 / float64(len(profiles))
		if sumMix > 0 {
			alpha = pr.Mix / sumMix
		}
		offsets[p] = int32(len(in.Weight))
		local := int32(0)
		for c := range t.Cells {
			w := pr.Weights[c]
			if !(w >= 0) || math.IsInf(w, 0) {
				return nil, fmt.Errorf("%w: profile %d: weight %v at cell %d", ErrCoverInstance, p, w, c)
			}
			if pr.Covered != nil && pr.Covered[c] {
				in.Base += alpha * w
				index[c] = -1
				continue
			}
			cell := &t.Cells[c]
			index[c] = local
			local++
			in.Weight = append(in.Weight, alpha*w)
			in.Persons = append(in.Persons, alpha*cell.Pop[maillage.Ind])
			for _, a := range maillage.AgeBands {
				in.Bands = append(in.Bands, alpha*cell.Pop[a])
			}
			in.Commune = append(in.Commune, cell.Commune)
		}
		maxS := pr.MaxSeconds
		if maxS <= 0 {
			maxS = defaultMax
		}
		if !(maxS > 0) {
			return nil, fmt.Errorf("%w: profile %d: no travel-time limit", ErrCoverInstance, p)
		}
		setIndex := index
		if pr.Uncoverable != nil {
			setIndex = slices.Clone(index)
			for c, u := range pr.Uncoverable {
				if u {
					setIndex[c] = -1
				}
			}
		}
		var tick func()
		if progress != nil {
			total, before := len(cands)*len(profiles), p*len(cands)
			var done atomic.Int64
			tick = func() { progress(before+int(done.Add(1)), total) }
		}
		profSets[p], profTimes[p] = candSets(ctx, pr.Engine, cands, maxS, setIndex, offsets[p], tick)
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("propose: stopped computing the candidates' catchments: %w", err)
		}
	}
	if len(profiles) == 1 {
		in.Sets, in.Times = profSets[0], profTimes[0]
	} else {
		in.Sets = make([][]int32, len(cands))
		in.Times = make([][]float32, len(cands))
		for j := range cands {
			for p := range profiles { // profile ranges are increasing: concatenation stays sorted
				in.Sets[j] = append(in.Sets[j], profSets[p][j]...)
				in.Times[j] = append(in.Times[j], profTimes[p][j]...)
			}
		}
	}
	return in, nil
}

// ProposeMix chooses new permanence sites among cands for a weighted mix of
// profiles (see ProposalProfile; one profile of Mix 1 for a single one):
// each profile's weights and covered flags are per cell of t (weighted
// demand, covered by existing places), its engine computes travel times over
// t's cell centres within its MaxSeconds. Safe for concurrent use (inputs
// are only read).
func ProposeMix(t *maillage.Territory, profiles []ProposalProfile, cands []Candidate, opts ProposalOptions) (*Proposal, error) {
	if opts.Target == 0 && opts.K <= 0 {
		return nil, fmt.Errorf("%w: need k > 0 or a target share", ErrCoverInstance)
	}
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	in, err := propBuild(ctx, t, profiles, cands, opts.MaxSeconds, opts.Progress)
	if err != nil {
		return nil, err
	}
	var res *CoverResult
	prop := &Proposal{Candidates: len(cands)}
	if opts.Target != 0 {
		prop.Mode, prop.Target = "set_cover", opts.Target
		res, err = propSetCover(ctx, in, opts.Target)
	} else {
		prop.Mode, prop.K = "max_cover", opts.K
		if err = in.validateShape(); err == nil {
			res, err = propMaxCover(ctx, in, opts.K, nil)
		}
	}
	if err != nil {
		return nil, err
	}
	if opts.Swaps > 0 && len(res.Sites) > 0 {
		if res, err = SwapImprove(in, res, opts.Swaps); err != nil {
			return nil, err
		}
	}
	for _, p := range profiles {
		prop.Profiles = append(prop.Profiles, p.Name)
	}
	if len(profiles) == 1 && profiles[0].Name == "" {
		prop.Profiles = nil
	}
	hours := opts.Hours
	if hours <= 0 {
		hours = 7
	}
	weeks := opts.Weeks
	if weeks <= 0 {
		weeks = 1
	}
	prop.CoveredBefore, prop.Total = res.Base, res.Total
	prop.Gain, prop.CoveredAfter = res.Gain, res.Base+res.Gain
	prop.ShareBefore, prop.ShareAfter = res.ShareBefore(), res.ShareAfter()
	prop.UpperBound, prop.Gap = res.UpperBound, res.Gap
	prop.MinSites, prop.Reached = res.MinSites, res.Reached
	if prop.Mode == "set_cover" && !prop.Reached {
		prop.Warning = fmt.Sprintf("target %.1f %% not reached: %d sites reach %.2f %% of the weighted demand (the rest is out of every candidate's reach)",
			100*opts.Target, len(res.Sites), 100*prop.ShareAfter)
	}
	prop.Evaluations = res.Evaluations
	var chosen []int
	var caps []float64
	for r, sg := range res.Sites {
		c := cands[sg.Candidate]
		s := ProposedSite{
			Rank: r + 1, Name: c.Name, Kind: c.Kind, Lat: c.Point[1], Lon: c.Point[0], Venue: c.Venue,
			Hours: c.Hours, Gain: sg.Gain, Persons: sg.Persons, Cells: sg.Points,
			PersonsByAge: make(map[string]float64, len(in.BandNames)), Communes: []string{},
		}
		if s.Hours <= 0 {
			s.Hours = hours
		}
		if c.Commune >= 0 && int(c.Commune) < len(t.Communes) {
			s.Commune, s.CommuneName = t.Communes[c.Commune].Code, t.Communes[c.Commune].Name
		}
		for b, name := range in.BandNames {
			s.PersonsByAge[name] = sg.Bands[b]
		}
		for _, ci := range sg.Communes {
			if int(ci) < len(t.Communes) {
				s.Communes = append(s.Communes, t.Communes[ci].Code)
			}
		}
		prop.Sites = append(prop.Sites, s)
		chosen = append(chosen, sg.Candidate)
		caps = append(caps, opts.PerHour*s.Hours*weeks)
	}
	if opts.PerHour > 0 {
		rep, err := AssignCapacity(in, chosen, caps)
		if err != nil {
			return nil, err
		}
		prop.Capacity = rep
		for i := range prop.Sites {
			prop.Sites[i].Capacity, prop.Sites[i].Served = caps[i], rep.SiteServed[i]
		}
	}
	if prop.Sites == nil {
		prop.Sites = []ProposedSite{}
	}
	nameSites(t, prop.Sites)
	return prop, nil
}

// WriteJSON writes the proposal as indented JSON.
func (p *Proposal) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// WriteGeoJSON writes the sites as an RFC 7946 FeatureCollection of Points
// (WGS84 lon/lat) with the site fields as properties, and the proposal's
// totals as foreign members of the collection.
func (p *Proposal) WriteGeoJSON(w io.Writer) error {
	fc := geojson.NewFeatureCollection()
	for _, s := range p.Sites {
		f := geojson.NewFeature(orb.Point{s.Lon, s.Lat})
		f.Properties = geojson.Properties{
			"rank": s.Rank, "name": s.Name, "kind": string(s.Kind), "commune": s.Commune,
			"commune_name": s.CommuneName, "hours": s.Hours, "gain": s.Gain, "persons": s.Persons,
			"persons_by_age": s.PersonsByAge, "cells": s.Cells, "communes": s.Communes,
			"label": s.Label, "near": s.Near, "near_metres": s.NearMetres,
		}
		if s.Venue != "" {
			f.Properties["venue"] = s.Venue
		}
		if p.Capacity != nil {
			f.Properties["capacity"], f.Properties["served"] = s.Capacity, s.Served
		}
		fc.Append(f)
	}
	fc.ExtraMembers = geojson.Properties{
		"mode": p.Mode, "covered_before": p.CoveredBefore, "covered_after": p.CoveredAfter,
		"total": p.Total, "upper_bound": p.UpperBound, "gap": p.Gap,
	}
	b, err := json.Marshal(fc)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteCSV writes one row per site: rank, name, kind, lat, lon, commune,
// hours, gain, persons, the persons per age band (2015 Filosofi column
// names), cells, communes touched ('|'-separated), capacity, served, then
// commune_name, label, near, near_metres.
func (p *Proposal) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"rank", "name", "kind", "lat", "lon", "commune", "hours", "gain", "persons"}
	for _, a := range maillage.AgeBands {
		head = append(head, a.String())
	}
	head = append(head, "cells", "communes", "capacity", "served", "commune_name", "label", "near", "near_metres")
	if err := cw.Write(head); err != nil {
		return err
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	for _, s := range p.Sites {
		row := []string{strconv.Itoa(s.Rank), s.Name, string(s.Kind), f(s.Lat), f(s.Lon), s.Commune, f(s.Hours), f(s.Gain), f(s.Persons)}
		for _, a := range maillage.AgeBands {
			row = append(row, f(s.PersonsByAge[a.String()]))
		}
		row = append(row, strconv.Itoa(s.Cells), strings.Join(s.Communes, "|"), f(s.Capacity), f(s.Served), s.CommuneName, s.Label, s.Near, f(s.NearMetres))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
