package propose

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// propLineTerritory: ten cells on the 45° N parallel, 0.01° of longitude
// apart (786.3 m), communes 33001 (cells 0-4) and 33002 (cells 5-9). With the
// 1 m/s test mode and a 1,000 s limit a site reaches its own cell and the two
// neighbours, never two cells away (1,572 m).
func propLineTerritory() (*maillage.Territory, *travel.CrowFly) {
	t := &maillage.Territory{Name: "line", Communes: []maillage.Commune{
		{Code: "33001", Name: "Ouest", Center: orb.Point{0.02, 45}},
		{Code: "33002", Name: "Est", Center: orb.Point{0.07, 45}},
	}}
	weights := []float64{5, 5, 1, 1, 8, 9, 7, 1, 1, 1}
	var pts []orb.Point
	for i, w := range weights {
		var pop maillage.Pop
		pop[maillage.Ind] = w
		pop[maillage.Ind80p] = w / 2 // half of everyone is 80+
		pop[maillage.Ind25_39] = w / 2
		p := orb.Point{0.01 * float64(i), 45}
		t.Cells = append(t.Cells, maillage.Cell{Center: p, Pop: pop, Commune: int32(i / 5)})
		pts = append(pts, p)
	}
	return t, travel.NewCrowFly(travel.Mode{Name: "test", SpeedKmh: 3.6, Detour: 1}, pts)
}

func propLineDemand(t *maillage.Territory) ([]float64, []bool) {
	w := make([]float64, len(t.Cells))
	for i, c := range t.Cells {
		w[i] = c.Pop[maillage.Ind]
	}
	cov := make([]bool, len(t.Cells))
	cov[0], cov[1] = true, true
	return w, cov
}

func TestProposeLine(t *testing.T) {
	terr, eng := propLineTerritory()
	w, cov := propLineDemand(terr)
	cands := Candidates(terr, CandidateOptions{Cells: true})
	if len(cands) != 10 {
		t.Fatalf("%d cell candidates, want 10", len(cands))
	}
	p, err := proposeOne(terr, eng, w, cov, cands, ProposalOptions{K: 2, MaxSeconds: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// Hand: site at cell 5 covers 4,5,6 = 8+9+7 = 24; then cell 8 covers
	// 7,8,9 = 3 (cell 3 would add only 1+1 = 2).
	if len(p.Sites) != 2 || p.Sites[0].Lon != 0.05 || p.Sites[1].Lon != 0.08 {
		t.Fatalf("sites %+v, want cells 5 and 8", p.Sites)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"gain 1", p.Sites[0].Gain, 24},
		{"gain 2", p.Sites[1].Gain, 3},
		{"persons 1", p.Sites[0].Persons, 24},
		{"80+ 1", p.Sites[0].PersonsByAge["Ind_80p"], 12},
		{"covered before", p.CoveredBefore, 10},
		{"covered after", p.CoveredAfter, 37},
		{"total", p.Total, 39},
		{"share after", p.ShareAfter, 37.0 / 39},
		{"hours default", p.Sites[0].Hours, 7},
		// bound r=1: 24 + (3 + 2) = 29 (cells 8 and 3, or 2/3); r=2: 27 + 2 = 29; r=0: 24+17=41
		{"upper bound", p.UpperBound, 29},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if !slices.Equal(p.Sites[0].Communes, []string{"33001", "33002"}) || p.Sites[0].Commune != "33002" || p.Sites[0].Cells != 3 {
		t.Errorf("site 1 commune %s touches %v (%d cells)", p.Sites[0].Commune, p.Sites[0].Communes, p.Sites[0].Cells)
	}
}

func TestProposeFilters(t *testing.T) {
	terr, eng := propLineTerritory()
	w, cov := propLineDemand(terr)
	// Square around cells 4..6 (lon 0.035..0.065).
	hole := orb.Polygon{{{0.035, 44.9}, {0.065, 44.9}, {0.065, 45.1}, {0.035, 45.1}, {0.035, 44.9}}}
	tests := []struct {
		name string
		opts CandidateOptions
		lon  float64 // first site
		gain float64
	}{
		{"allowed 33001", CandidateOptions{Cells: true, AllowedCommunes: []string{"33001"}}, 0.04, 1 + 8 + 9},
		// cells 3 (2,3,4: 1+1+8) beats 7 (6,7,8: 7+1+1)
		{"exclude 4-6", CandidateOptions{Cells: true, Exclude: []orb.Polygon{hole}}, 0.03, 1 + 1 + 8},
		// centres at cells 2 (1,2,3: 0+1+1) and 7 (6,7,8)
		{"commune centres", CandidateOptions{Communes: true}, 0.07, 7 + 1 + 1},
		// half-way between cells 4 and 5: 393 m to each, 1,179 m to 3 and 6
		{"user site", CandidateOptions{User: []data.CandidateSite{{Name: "mairie", Point: orb.Point{0.045, 45}}}}, 0.045, 8 + 9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cands := Candidates(terr, tc.opts)
			p, err := proposeOne(terr, eng, w, cov, cands, ProposalOptions{K: 1, MaxSeconds: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Sites) != 1 || math.Abs(p.Sites[0].Lon-tc.lon) > 1e-12 || math.Abs(p.Sites[0].Gain-tc.gain) > 1e-9 {
				t.Errorf("got %+v, want lon %v gain %v", p.Sites, tc.lon, tc.gain)
			}
		})
	}
}

func TestProposeCapacity(t *testing.T) {
	terr, eng := propLineTerritory()
	w, cov := propLineDemand(terr)
	cands := Candidates(terr, CandidateOptions{Cells: true})
	p, err := proposeOne(terr, eng, w, cov, cands, ProposalOptions{K: 1, MaxSeconds: 1000, PerHour: 1, Hours: 7})
	if err != nil {
		t.Fatal(err)
	}
	// Site 5 can take 7 persons: its own cell (9, at 0 s) first → 7 served;
	// cells 4 and 6 (8 + 7) reached but over capacity: 2 + 15 = 17; the
	// other uncovered cells 2, 3, 7, 8, 9 hold 5.
	c := p.Capacity
	if c == nil || c.Served != 7 || c.OverCapacity != 17 || c.Uncovered != 5 || p.Sites[0].Served != 7 || p.Sites[0].Capacity != 7 {
		t.Fatalf("capacity %+v", c)
	}
	// Two sites with room to spare: everything covered is served.
	in := &CoverInstance{Weight: []float64{4, 4, 4}, Sets: [][]int32{{0, 1}, {1, 2}}, Times: [][]float32{{10, 50}, {20, 10}}}
	rep, err := AssignCapacity(in, []int{0, 1}, []float64{5, 5})
	if err != nil {
		t.Fatal(err)
	}
	// Pairs by time: (0→s0,10) 4; (2→s1,10) 4; (1→s1,20) 1 (s1 full at 5); (1→s0,50) 1 → s0 = 5.
	if rep.Served != 10 || rep.OverCapacity != 2 || !slices.Equal(rep.SiteServed, []float64{5, 5}) {
		t.Errorf("spill: %+v", rep)
	}
}

func TestProposeMix(t *testing.T) {
	terr, eng := propLineTerritory()
	w, cov := propLineDemand(terr)
	wb := []float64{0, 0, 0, 0, 0, 0, 0, 0, 10, 10}
	cands := Candidates(terr, CandidateOptions{Cells: true})
	p, err := ProposeMix(terr, []ProposalProfile{
		{Name: "a", Mix: 3, Weights: w, Covered: cov, Engine: eng},
		{Name: "b", Mix: 1, Weights: wb, Engine: eng},
	}, cands, ProposalOptions{K: 2, MaxSeconds: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// α = 0.75, 0.25. Cell 5: 0.75·24 = 18. Then cell 8: 0.75·3 + 0.25·20 = 7.25.
	if len(p.Sites) != 2 || p.Sites[0].Lon != 0.05 || p.Sites[1].Lon != 0.08 ||
		math.Abs(p.Sites[0].Gain-18) > 1e-9 || math.Abs(p.Sites[1].Gain-7.25) > 1e-9 ||
		math.Abs(p.CoveredBefore-7.5) > 1e-9 || math.Abs(p.Total-34.25) > 1e-9 {
		t.Fatalf("mix: %+v", p)
	}
}

// TestProposeProgress: Progress is told of every catchment, one per
// candidate and profile, up to done == total, and the answer is the same as
// without it.
func TestProposeProgress(t *testing.T) {
	terr, eng := propLineTerritory()
	w, cov := propLineDemand(terr)
	wb := []float64{0, 0, 0, 0, 0, 0, 0, 0, 10, 10}
	cands := Candidates(terr, CandidateOptions{Cells: true})
	profiles := []ProposalProfile{{Name: "a", Mix: 3, Weights: w, Covered: cov, Engine: eng}, {Name: "b", Mix: 1, Weights: wb, Engine: eng}}
	var mu sync.Mutex
	calls, best, totals := 0, 0, map[int]bool{}
	opts := ProposalOptions{K: 2, MaxSeconds: 1000, Progress: func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		best = max(best, done)
		totals[total] = true
	}}
	got, err := ProposeMix(terr, profiles, cands, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := 2 * len(cands)
	if calls != want || best != want || len(totals) != 1 || !totals[want] {
		t.Fatalf("%d calls, largest done %d, totals %v: want %d calls up to done == total == %d", calls, best, totals, want, want)
	}
	opts.Progress = nil
	plain, err := ProposeMix(terr, profiles, cands, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Sites) != len(plain.Sites) || got.Gain != plain.Gain {
		t.Fatalf("with progress %+v, without %+v", got, plain)
	}
}

func TestProposalWriters(t *testing.T) {
	terr, eng := propLineTerritory()
	w, cov := propLineDemand(terr)
	p, err := proposeOne(terr, eng, w, cov, Candidates(terr, CandidateOptions{Cells: true}), ProposalOptions{K: 2, MaxSeconds: 1000})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("json", func(t *testing.T) {
		var b bytes.Buffer
		if err := p.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Sites []struct {
				Lat, Lon, Gain float64
			}
			CoveredBefore float64 `json:"covered_before"`
			CoveredAfter  float64 `json:"covered_after"`
			UpperBound    float64 `json:"upper_bound"`
			Gap           *float64
		}
		if err := json.Unmarshal(b.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Sites) != 2 || got.Sites[0].Lat != 45 || got.Sites[0].Lon != 0.05 || got.Sites[0].Gain != 24 ||
			got.CoveredBefore != 10 || got.CoveredAfter != 37 || got.UpperBound != 29 || got.Gap == nil || math.Abs(*got.Gap-(1-27.0/29)) > 1e-12 {
			t.Errorf("json: %s", b.String())
		}
	})
	t.Run("geojson", func(t *testing.T) {
		var b bytes.Buffer
		if err := p.WriteGeoJSON(&b); err != nil {
			t.Fatal(err)
		}
		fc, err := geojson.UnmarshalFeatureCollection(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if len(fc.Features) != 2 || fc.Features[1].Point() != (orb.Point{0.08, 45}) || fc.Features[1].Properties.MustFloat64("gain") != 3 ||
			fc.ExtraMembers.MustFloat64("upper_bound") != 29 {
			t.Errorf("geojson: %s", b.String())
		}
	})
	t.Run("csv golden", func(t *testing.T) {
		var b bytes.Buffer
		if err := p.WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
		if err != nil || len(rows) != 3 || len(rows[0]) != 9+len(maillage.AgeBands)+8 || rows[1][25] != "Site 1 — Est, à 1,6 km du centre" {
			t.Fatalf("csv: %v %q", err, rows)
		}
		golden := filepath.Join("testdata", "line.csv")
		if os.Getenv("MAILLAGE_UPDATE_GOLDEN") == "1" {
			os.WriteFile(golden, b.Bytes(), 0o644)
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("csv differs from %s:\n%s", golden, b.String())
		}
	})
}

func TestProposeErrors(t *testing.T) {
	terr, eng := propLineTerritory()
	w, cov := propLineDemand(terr)
	cands := Candidates(terr, CandidateOptions{Cells: true})
	tests := []struct {
		name string
		w    []float64
		cov  []bool
		opts ProposalOptions
	}{
		{"no k", w, cov, ProposalOptions{MaxSeconds: 1000}},
		{"short weights", w[:3], cov, ProposalOptions{K: 1, MaxSeconds: 1000}},
		{"short covered", w, cov[:3], ProposalOptions{K: 1, MaxSeconds: 1000}},
		{"negative weight", append(slices.Clone(w[:9]), -1), cov, ProposalOptions{K: 1, MaxSeconds: 1000}},
		{"no limit", w, cov, ProposalOptions{K: 1}},
		{"bad target", w, cov, ProposalOptions{Target: 2, MaxSeconds: 1000}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := proposeOne(terr, eng, tc.w, tc.cov, cands, tc.opts); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestProposeSetCoverMode(t *testing.T) {
	terr, eng := propLineTerritory()
	w, cov := propLineDemand(terr)
	cands := Candidates(terr, CandidateOptions{Cells: true})
	// 90 % of 39 = 35.1, 10 covered: need 25.1 more. Cell 5 alone gives 24,
	// so two sites (5 then 8: 27) and no fewer can do (24 < 25.1).
	p, err := proposeOne(terr, eng, w, cov, cands, ProposalOptions{Target: 0.9, MaxSeconds: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if p.Mode != "set_cover" || len(p.Sites) != 2 || !p.Reached || p.MinSites != 2 || p.CoveredAfter != 37 || p.UpperBound != 29 {
		t.Errorf("set cover: %+v", p)
	}
}

// cancelAfter is an engine that cancels a context after n catchments.
type cancelAfter struct {
	travel.Engine
	n      atomic.Int64
	cancel context.CancelFunc
	calls  atomic.Int64
}

func (c *cancelAfter) Reach(p orb.Point, maxSeconds float64, visit func(int32, float32)) {
	if c.calls.Add(1) == c.n.Load() {
		c.cancel()
	}
	c.Engine.Reach(p, maxSeconds, visit)
}

// TestProposeCancelled: a cancelled context stops a proposal while the
// catchments are computed (no more than one per worker after the cancel)
// and between greedy rounds, with an error wrapping context.Canceled.
func TestProposeCancelled(t *testing.T) {
	terr, eng := propLineTerritory()
	w, cov := propLineDemand(terr)
	cands := Candidates(terr, CandidateOptions{Cells: true})
	ctx, cancel := context.WithCancel(context.Background())
	ce := &cancelAfter{Engine: eng, cancel: cancel}
	ce.n.Store(3)
	_, err := ProposeMix(terr, []ProposalProfile{{Name: "a", Mix: 1, Weights: w, Covered: cov, Engine: ce}}, cands,
		ProposalOptions{K: 2, MaxSeconds: 1000, Context: ctx})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled while building: %v", err)
	}
	if n := ce.calls.Load(); n > 3+int64(runtime.GOMAXPROCS(0)) || n >= int64(len(cands)) {
		t.Fatalf("%d catchments computed after a cancel at the 3rd of %d", n, len(cands))
	}
	in, err := BuildCoverInstance(terr, []ProposalProfile{{Name: "a", Mix: 1, Weights: w, Covered: cov, Engine: eng}}, cands, 1000)
	if err != nil {
		t.Fatal(err)
	}
	done, stop := context.WithCancel(context.Background())
	stop()
	if _, err := propMaxCover(done, in, 2, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("max cover on a cancelled context: %v", err)
	}
	if _, err := propSetCover(done, in, 0.9); !errors.Is(err, context.Canceled) {
		t.Fatalf("set cover on a cancelled context: %v", err)
	}
	if r, err := propMaxCover(context.Background(), in, 2, nil); err != nil || len(r.Sites) != 2 {
		t.Fatalf("max cover: %v %v", r, err)
	}
}

// proposeOne is ProposeMix for one profile of weights w and covered flags
// cov, at opts.MaxSeconds with eng.
func proposeOne(t *maillage.Territory, eng travel.Engine, w []float64, cov []bool, cands []Candidate, opts ProposalOptions) (*Proposal, error) {
	return ProposeMix(t, []ProposalProfile{{Mix: 1, Weights: w, Covered: cov, Engine: eng, MaxSeconds: opts.MaxSeconds}}, cands, opts)
}
