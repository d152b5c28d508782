package propose

import (
	"math"
	"os"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo/travel"
	"github.com/maillage/maillage/internal/bordeauxtest"
	"github.com/maillage/maillage/internal/shareddata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// propBordeaux reads the real Bordeaux Métropole 200 m grid as a territory
// whose "cells" are the INSEE squares (centre = SW corner + 100 m), with
// communes from the Depcom codes (names and centroids from the 2018
// boundaries), and the CD33 venues' positions.
func propBordeaux(t *testing.T) (*maillage.Territory, []orb.Point) {
	bndPath := shareddata.Path(t, bordeauxtest.Communes)
	terr := &maillage.Territory{Name: "Bordeaux Métropole (200 m squares)"}
	byCode := map[string]int32{}
	b, err := os.ReadFile(bndPath)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	var bounds []maillage.Commune
	for _, f := range fc.Features {
		c := maillage.Commune{Code: f.Properties.MustString("code", ""), Name: f.Properties.MustString("nom", "")}
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			c.Geometry = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			c.Geometry = g
		}
		c.Center, _ = planar.CentroidArea(c.Geometry)
		bounds = append(bounds, c)
	}
	commune := func(code string) int32 {
		if i, ok := byCode[code]; ok {
			return i
		}
		c := maillage.Commune{Code: code}
		for _, bc := range bounds {
			if bc.Code == code {
				c = bc
			}
		}
		terr.Communes = append(terr.Communes, c)
		byCode[code] = int32(len(terr.Communes) - 1)
		return byCode[code]
	}
	var pts []orb.Point
	for _, sq := range bordeauxtest.ReadSquares(t) {
		terr.Cells = append(terr.Cells, maillage.Cell{Center: sq.Center, Pop: sq.Pop, Commune: commune(sq.Commune)})
		pts = append(pts, sq.Center)
	}
	var venues []orb.Point
	for _, v := range bordeauxtest.ReadCD33(t) {
		if v.Located {
			venues = append(venues, v.Point)
		}
	}
	// Independent check of the projection: a square's centre should fall in
	// the commune INSEE assigned it to (Depcom), except along boundaries.
	in := 0
	for i, c := range terr.Cells {
		if g := terr.Communes[c.Commune].Geometry; g != nil && planar.MultiPolygonContains(g, pts[i]) {
			in++
		}
	}
	if share := float64(in) / float64(len(pts)); share < 0.9 {
		t.Fatalf("only %.1f %% of square centres fall in their Depcom commune: projection wrong?", 100*share)
	} else {
		t.Logf("%.1f %% of square centres fall in their Depcom commune", 100*share)
	}
	return terr, venues
}

// TestProposeBordeaux: the real Bordeaux Métropole data. Profile: persons
// aged 65+ on foot (4 km/h, detour 1.3, 15 minutes: 770 m crow-fly), covered
// when a CD33 venue (any, all of Gironde kept) is within reach. Candidates:
// every populated square and every commune centroid. Proposals for k = 5 and
// k = 20 are logged with their gains, bound and gap.
func TestProposeBordeaux(t *testing.T) {
	terr, venues := propBordeaux(t)
	total := 0.0
	pts := make([]orb.Point, len(terr.Cells))
	w := make([]float64, len(terr.Cells))
	for i, c := range terr.Cells {
		total += c.Pop[maillage.Ind]
		pts[i] = c.Center
		w[i] = c.Pop[maillage.Ind65_79] + c.Pop[maillage.Ind80p]
	}
	// Independent fact (data README): the grid sums to 725,084.5 inhabitants.
	if len(terr.Cells) != 6735 || math.Abs(total-725084.5) > 0.01 {
		t.Fatalf("%d squares, %v inhabitants; want 6735 and 725,084.5", len(terr.Cells), total)
	}
	const limit = 15 * 60
	eng := travel.NewCrowFly(travel.Mode{Name: "senior", Network: "foot", SpeedKmh: 4, Detour: 1.3}, pts)
	near := eng.Nearest(venues, limit)
	cov := make([]bool, len(near))
	for i, s := range near {
		cov[i] = !math.IsInf(float64(s), 1)
	}
	cands := Candidates(terr, CandidateOptions{Cells: true, Communes: true})
	var prev *Proposal
	for _, k := range []int{5, 20} {
		p, err := proposeOne(terr, eng, w, cov, cands, ProposalOptions{K: k, MaxSeconds: limit, PerHour: 2, Hours: 7, Weeks: 47})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("k=%d: %d candidates; 65+ covered %.0f → %.0f of %.0f (%.1f %% → %.1f %%); gain %.0f, upper bound %.0f, gap %.3f; capacity (2 persons/h × 7 h × 47 weeks): served %.0f, over capacity %.0f, uncovered %.0f",
			k, p.Candidates, p.CoveredBefore, p.CoveredAfter, p.Total, 100*p.ShareBefore, 100*p.ShareAfter, p.Gain, p.UpperBound, p.Gap,
			p.Capacity.Served, p.Capacity.OverCapacity, p.Capacity.Uncovered)
		sum := 0.0
		for i, s := range p.Sites {
			if i < 5 || k == 5 {
				t.Logf("  #%d %-8s %-24s (%.5f, %.5f) gain %.1f (65-79 %.1f, 80+ %.1f), persons %.0f, communes %v",
					s.Rank, s.Kind, s.Name, s.Lat, s.Lon, s.Gain, s.PersonsByAge["Ind_65_79"], s.PersonsByAge["Ind_80p"], s.Persons, s.Communes)
			}
			if i > 0 && s.Gain > p.Sites[i-1].Gain+1e-9 {
				t.Errorf("k=%d: gain of site %d (%v) exceeds the previous one (%v): greedy gains must not increase", k, i+1, s.Gain, p.Sites[i-1].Gain)
			}
			if math.Abs(s.PersonsByAge["Ind_65_79"]+s.PersonsByAge["Ind_80p"]-s.Gain) > 1e-6 {
				t.Errorf("site %d: 65-79 + 80+ = %v ≠ gain %v (the weight is 65+ persons)", i+1, s.PersonsByAge["Ind_65_79"]+s.PersonsByAge["Ind_80p"], s.Gain)
			}
			sum += s.Gain
		}
		if len(p.Sites) != k || p.UpperBound < p.Gain || math.Abs(p.CoveredAfter-p.CoveredBefore-sum) > 1e-6 || p.CoveredAfter > p.Total {
			t.Errorf("k=%d: %d sites, gain %v, bound %v", k, len(p.Sites), sum, p.UpperBound)
		}
		if c := p.Capacity; math.Abs(c.Served+c.OverCapacity+c.Uncovered-(p.Total-p.CoveredBefore)) > 1e-6 || c.Served > 2*7*47*float64(k)+1e-6 {
			t.Errorf("capacity split %+v does not add up", c)
		}
		if prev != nil {
			for i := range prev.Sites { // greedy: the k=5 answer is the prefix of the k=20 one
				if prev.Sites[i].Name != p.Sites[i].Name {
					t.Errorf("site %d differs between k=5 and k=20", i+1)
				}
			}
		}
		prev = p
		// The same with the swap local search.
		sp, err := proposeOne(terr, eng, w, cov, cands, ProposalOptions{K: k, MaxSeconds: limit, Swaps: 100})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("k=%d with swap local search: gain %.0f (greedy %.0f), covered %.1f %%, upper bound %.0f, gap %.3f",
			k, sp.Gain, p.Gain, 100*sp.ShareAfter, sp.UpperBound, sp.Gap)
		if sp.Gain < p.Gain || sp.UpperBound > p.UpperBound || len(sp.Sites) != k {
			t.Errorf("k=%d: swaps %v < greedy %v, or bound changed", k, sp.Gain, p.Gain)
		}
	}
}

// TestProposeBordeauxOptimum compares the Bordeaux proposals (same profile as
// TestProposeBordeaux) with CBC's exact optimum. MAILLAGE_MILP=1 only.
func TestProposeBordeauxOptimum(t *testing.T) {
	if os.Getenv("MAILLAGE_MILP") != "1" {
		t.Skip("set MAILLAGE_MILP=1 to solve the Bordeaux instances exactly with CBC")
	}
	terr, venues := propBordeaux(t)
	pts := make([]orb.Point, len(terr.Cells))
	w := make([]float64, len(terr.Cells))
	for i, c := range terr.Cells {
		pts[i], w[i] = c.Center, c.Pop[maillage.Ind65_79]+c.Pop[maillage.Ind80p]
	}
	const limit = 15 * 60
	eng := travel.NewCrowFly(travel.Mode{Name: "senior", Network: "foot", SpeedKmh: 4, Detour: 1.3}, pts)
	near := eng.Nearest(venues, limit)
	cov := make([]bool, len(near))
	for i, s := range near {
		cov[i] = !math.IsInf(float64(s), 1)
	}
	cands := Candidates(terr, CandidateOptions{Cells: true, Communes: true})
	in, err := BuildCoverInstance(terr, []ProposalProfile{{Mix: 1, Weights: w, Covered: cov, Engine: eng}}, cands, limit)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{5, 20} {
		r, err := MaxCover(in, k)
		if err != nil {
			t.Fatal(err)
		}
		sol := milpSolveCBC(t, in, k)
		opt := milpCoverage(in, sol.Sites)
		if r.UpperBound < opt-1e-6 || (sol.Optimal && r.Gain > opt+1e-6) {
			t.Errorf("k=%d: bound %v ≥ optimum %v ≥ greedy %v fails", k, r.UpperBound, opt, r.Gain)
		}
		sw, err := SwapImprove(in, r, 100)
		if err != nil {
			t.Fatal(err)
		}
		if sw.UpperBound < opt-1e-6 {
			t.Errorf("k=%d: swap bound %v below the optimum %v", k, sw.UpperBound, opt)
		}
		t.Logf("Bordeaux k=%d: greedy %.1f, optimum %.1f (%s), greedy/opt %.4f, with swaps %.1f (%.4f), top-k bound %.1f (after swaps %.1f)",
			k, r.Gain, opt, sol.Status, r.Gain/opt, sw.Gain, sw.Gain/opt, r.UpperBound, sw.UpperBound)
	}
}
