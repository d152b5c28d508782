package coverage

import (
	"encoding/csv"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo/travel"
	"github.com/maillage/maillage/internal/shareddata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// propLAEAInverse converts ETRS89-LAEA (EPSG:3035) easting/northing in metres
// to WGS84 {lon, lat}, by the EPSG Guidance Note 7-2 formulas (GRS80). It is
// a test helper only: the project's projection code lives in package geo,
// which this test does not depend on.
func propLAEAInverse(e, n float64) orb.Point {
	const (
		a    = 6378137.0
		invF = 298.257222101
		lat0 = 52 * math.Pi / 180
		lon0 = 10 * math.Pi / 180
		fe   = 4321000.0
		fn   = 3210000.0
	)
	f := 1 / invF
	e2 := 2*f - f*f
	ec := math.Sqrt(e2)
	q := func(phi float64) float64 {
		s := math.Sin(phi)
		return (1 - e2) * (s/(1-e2*s*s) - 1/(2*ec)*math.Log((1-ec*s)/(1+ec*s)))
	}
	qp, q0 := q(math.Pi/2), q(lat0)
	beta0 := math.Asin(q0 / qp)
	rq := a * math.Sqrt(qp/2)
	d := a * (math.Cos(lat0) / math.Sqrt(1-e2*math.Sin(lat0)*math.Sin(lat0))) / (rq * math.Cos(beta0))
	x, y := e-fe, n-fn
	rho := math.Hypot(x/d, d*y)
	if rho == 0 {
		return orb.Point{lon0 * 180 / math.Pi, lat0 * 180 / math.Pi}
	}
	c := 2 * math.Asin(rho/(2*rq))
	beta := math.Asin(math.Cos(c)*math.Sin(beta0) + d*y*math.Sin(c)*math.Cos(beta0)/rho)
	lon := lon0 + math.Atan2(x*math.Sin(c), d*rho*math.Cos(beta0)*math.Cos(c)-d*d*y*math.Sin(beta0)*math.Sin(c))
	e4, e6 := e2*e2, e2*e2*e2
	lat := beta + (e2/3+31*e4/180+517*e6/5040)*math.Sin(2*beta) + (23*e4/360+251*e6/3780)*math.Sin(4*beta) + (761*e6/45360)*math.Sin(6*beta)
	return orb.Point{lon * 180 / math.Pi, lat * 180 / math.Pi}
}

func TestPropLAEAInverse(t *testing.T) {
	tests := []struct {
		e, n float64
		want orb.Point
	}{
		{4321000, 3210000, orb.Point{10, 52}},      // natural origin
		{3962799.45, 2999718.85, orb.Point{5, 50}}, // EPSG Guidance Note 7-2 example
	}
	for _, tc := range tests {
		got := propLAEAInverse(tc.e, tc.n)
		if math.Abs(got[0]-tc.want[0]) > 1e-4 || math.Abs(got[1]-tc.want[1]) > 1e-4 {
			t.Errorf("(%v, %v) → %v, want %v", tc.e, tc.n, got, tc.want)
		}
	}
}

// propBordeaux reads the real Bordeaux Métropole 200 m grid as a territory
// whose "cells" are the INSEE squares (centre = SW corner + 100 m), with
// communes from the Depcom codes (names and centroids from the 2018
// boundaries), and the CD33 venues' positions.
func propBordeaux(t *testing.T) (*maillage.Territory, []orb.Point) {
	popPath := shareddata.Path(t, "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv")
	venPath := shareddata.Path(t, "venues/gironde-cd33-2021.lieux-mediation.csv")
	bndPath := shareddata.Path(t, "boundaries/communes-33-gironde-2018.geojson")
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
	f, err := os.Open(popPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	var pts []orb.Point
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		id := row[col["IdINSPIRE"]] // CRS3035RES200mN2466800E3482800
		ni, ei := strings.Index(id, "N"), strings.LastIndex(id, "E")
		nn, err1 := strconv.ParseFloat(id[ni+1:ei], 64)
		ee, err2 := strconv.ParseFloat(id[ei+1:], 64)
		if ni < 0 || ei < 0 || err1 != nil || err2 != nil {
			t.Fatalf("bad square id %q", id)
		}
		var pop maillage.Pop
		for a := maillage.Attr(0); a < maillage.NumAttrs; a++ {
			if i, ok := col[a.String()]; ok {
				pop[a], _ = strconv.ParseFloat(row[i], 64)
			}
		}
		p := propLAEAInverse(ee+100, nn+100)
		terr.Cells = append(terr.Cells, maillage.Cell{Center: p, Pop: pop, Commune: commune(row[col["Depcom"]])})
		pts = append(pts, p)
	}
	vf, err := os.Open(venPath)
	if err != nil {
		t.Fatal(err)
	}
	defer vf.Close()
	vr := csv.NewReader(vf)
	vh, err := vr.Read()
	if err != nil {
		t.Fatal(err)
	}
	lat, lon := slices.Index(vh, "latitude"), slices.Index(vh, "longitude")
	var venues []orb.Point
	for {
		row, err := vr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		la, e1 := strconv.ParseFloat(row[lat], 64)
		lo, e2 := strconv.ParseFloat(row[lon], 64)
		if e1 == nil && e2 == nil {
			venues = append(venues, orb.Point{lo, la})
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
		p, err := Propose(terr, eng, w, cov, cands, ProposalOptions{K: k, MaxSeconds: limit, PerHour: 2, Hours: 7, Weeks: 47})
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
		sp, err := Propose(terr, eng, w, cov, cands, ProposalOptions{K: k, MaxSeconds: limit, Swaps: 100})
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
