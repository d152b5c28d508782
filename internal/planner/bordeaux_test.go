package planner_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/propose"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/internal/bordeauxtest"
	"github.com/maillage/maillage/internal/planner"
	"github.com/maillage/maillage/internal/shareddata"
)

// The real files of the Bordeaux Métropole territory (see ../shared/data/README.md).
const (
	gridFile     = "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv"
	cd33File     = "venues/gironde-cd33-2021.lieux-mediation.csv"
	fsFile       = "venues/france-services-2022-12-01.csv"
	communesFile = "boundaries/communes-33-gironde-2018.geojson"

	// bordeauxPopulation is the sum of Ind over the 6,735 squares of the
	// 200 m grid, as stated in ../shared/data/README.md.
	bordeauxPopulation = 725084.5
	// bufferKm is the default of `maillage ingest --buffer-km`.
	bufferKm = 50
)

// walk1km is the user profile of the independent check: 10 min at 6 km/h,
// no detour, that is a crow-fly radius of 1,000 m around every place.
const walk1km = `{"profiles":[{"name":"walk-1km","population":"all","mode":"walk","engine":"crowfly","speed_kmh":6,"detour":1.0,"max_minutes":10}]}`

// bordeaux is the territory built once per test binary through the real
// readers, the same way `maillage ingest` builds it.
type bordeaux struct {
	t     *maillage.Territory
	p     *planner.Planner
	files map[string]string // rel → absolute path
	err   error
}

var (
	bordeauxOnce sync.Once
	bordeauxVal  bordeaux
)

// loadBordeaux returns the shared Bordeaux territory and planner; it skips
// (or fails under MAILLAGE_REQUIRE_SHARED_DATA=1) when a file is missing.
func loadBordeaux(t testing.TB) bordeaux {
	t.Helper()
	files := map[string]string{}
	for _, rel := range []string{gridFile, cd33File, fsFile, communesFile} {
		files[rel] = shareddata.Path(t, rel)
	}
	bordeauxOnce.Do(func() {
		bordeauxVal.files = files
		bordeauxVal.t, bordeauxVal.err = buildBordeaux(files)
		if bordeauxVal.err != nil {
			return
		}
		profiles, err := coverage.ParseProfiles([]byte(walk1km))
		if err != nil {
			bordeauxVal.err = err
			return
		}
		bordeauxVal.p, bordeauxVal.err = planner.New(bordeauxVal.t, planner.Config{Profiles: profiles})
	})
	if bordeauxVal.err != nil {
		t.Fatalf("building the Bordeaux territory: %v", bordeauxVal.err)
	}
	return bordeauxVal
}

// buildBordeaux builds the territory as `maillage ingest` does (data.Build):
// grid → H3 res 9, Gironde communes, venues of both files near the cells,
// merged across sources and placed in communes.
func buildBordeaux(files map[string]string) (*maillage.Territory, error) {
	t, _, err := data.Build(context.Background(), data.Inputs{
		Grids: []string{files[gridFile]}, Venues: []string{files[cd33File], files[fsFile]}, Communes: files[communesFile],
	}, data.BuildOptions{Name: "bordeaux-metropole", Res: 9, BufferMetres: bufferKm * 1000})
	return t, err
}

// square is one 200 m square read straight from the INSEE CSV, independently
// of package data: its centre in WGS84 and the columns the tests need.
// square is one INSEE 200 m square, read independently of package data (and
// projected independently of package geo) by bordeauxtest.
type square struct {
	center  orb.Point
	commune string
	ind     float64
	seniors float64 // Ind_65_79 + Ind_80p
}

func readSquares(t *testing.T) []square {
	var out []square
	for _, q := range bordeauxtest.ReadSquares(t) {
		out = append(out, square{center: q.Center, commune: q.Commune, ind: q.Pop[maillage.Ind],
			seniors: q.Pop[maillage.Ind65_79] + q.Pop[maillage.Ind80p]})
	}
	return out
}

func relClose(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestBordeauxCoverage checks every profile's figures overall and per
// commune against the INSEE squares read independently: the persons of each
// commune (everyone, or the 65+ for the senior profile) are the squares'
// Depcom sums; covered never exceeds population; communes sum to the total.
func TestBordeauxCoverage(t *testing.T) {
	b := loadBordeaux(t)
	squares := readSquares(t)
	if len(squares) != 6735 {
		t.Fatalf("read %d squares, want 6,735 (README)", len(squares))
	}
	all, seniors := map[string]float64{}, map[string]float64{}
	var total float64
	for _, q := range squares {
		all[q.commune] += q.ind
		seniors[q.commune] += q.seniors
		total += q.ind
	}
	if !relClose(total, bordeauxPopulation, 1e-12) {
		t.Fatalf("squares sum to %.3f persons, want %.1f", total, bordeauxPopulation)
	}
	rep, err := b.p.Coverage()
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Profiles) != len(coverage.Builtins())+1 {
		t.Fatalf("%d profiles, want the %d built-ins and walk-1km", len(rep.Profiles), len(coverage.Builtins()))
	}
	for _, s := range rep.Profiles {
		t.Run(s.Name, func(t *testing.T) {
			want := all
			if s.Name == "seniors-20min-walk" {
				want = seniors
			}
			var wantTotal float64
			for _, v := range want {
				wantTotal += v
			}
			if !relClose(s.Population, wantTotal, 1e-9) {
				t.Errorf("population %.3f, want %.3f from the squares", s.Population, wantTotal)
			}
			if s.Covered < 0 || s.Covered > s.Population*(1+1e-12) || s.WeightedCovered > s.WeightedPopulation*(1+1e-12) {
				t.Errorf("covered %.3f of %.3f, weighted %.3f of %.3f", s.Covered, s.Population, s.WeightedCovered, s.WeightedPopulation)
			}
			if math.Abs(s.CoveredShare-s.Covered/s.Population) > 1e-12 {
				t.Errorf("covered_share %v, want %v", s.CoveredShare, s.Covered/s.Population)
			}
			var pop, cov, wpop, wcov float64
			got := map[string]float64{}
			for _, c := range s.Communes {
				pop += c.Population
				cov += c.Covered
				wpop += c.WeightedPopulation
				wcov += c.WeightedCovered
				got[c.Code] += c.Population
				if c.Covered > c.Population*(1+1e-9)+1e-9 || c.Covered < 0 {
					t.Errorf("commune %s %s: covered %.3f of %.3f", c.Code, c.Name, c.Covered, c.Population)
				}
			}
			for _, pair := range [][3]any{{"population", pop, s.Population}, {"covered", cov, s.Covered},
				{"weighted population", wpop, s.WeightedPopulation}, {"weighted covered", wcov, s.WeightedCovered}} {
				if !relClose(pair[1].(float64), pair[2].(float64), 1e-6) {
					t.Errorf("communes' %s sums to %.4f, profile says %.4f", pair[0], pair[1], pair[2])
				}
			}
			for code, v := range want {
				if v == 0 {
					continue
				}
				if !relClose(got[code], v, 1e-9) {
					t.Errorf("commune %s: population %.4f, squares say %.4f", code, got[code], v)
				}
			}
			t.Logf("%s: covered %.1f of %.1f (%.2f %%), weighted %.1f of %.1f, %d places, %d communes",
				s.Name, s.Covered, s.Population, 100*s.CoveredShare, s.WeightedCovered, s.WeightedPopulation, s.Places, len(s.Communes))
		})
	}
	for _, name := range []string{"france-services-30min-car", "demarches-20min-car", "needs-help-30min-car", "walk-1km"} {
		if s := find(t, rep, name); !relClose(s.Population, bordeauxPopulation, 1e-6) {
			t.Errorf("%s: population %.3f, want %.1f", name, s.Population, bordeauxPopulation)
		}
	}
}

func find(t *testing.T, rep coverage.Report, name string) coverage.ProfileSummary {
	t.Helper()
	for _, s := range rep.Profiles {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no profile %q in the report", name)
	return coverage.ProfileSummary{}
}

// haversine is the great-circle distance in metres on the sphere of radius
// 6,371,008.8 m (the mean Earth radius that orb/geo and travel use).
func haversine(a, b orb.Point) float64 {
	const r = 6371008.8
	la1, la2 := a[1]*math.Pi/180, b[1]*math.Pi/180
	dla, dlo := la2-la1, (b[0]-a[0])*math.Pi/180
	h := math.Sin(dla/2)*math.Sin(dla/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dlo/2)*math.Sin(dlo/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// TestBordeauxIndependentRadius checks two crow-fly profiles against a
// brute-force computation on the INSEE squares: the share of the profile's
// persons whose square centre lies within the profile's radius (haversine)
// of a located place. walk-1km (10 min at 6 km/h, detour 1) is a radius of
// 1,000 m around every place; seniors-20min-walk (the 65+, 20 min at the
// senior mode's speed and detour) one of 20/60 × speed / detour km.
//
// Tolerance: the H3 pipeline moves a piece of a square to the centre of the
// res-9 cell holding it. A point of a 200 m square lies within 100·√2 m of
// the square's centre, and within R of its cell's centre, R being the
// largest centre-to-vertex distance of the territory's cells (measured here,
// ≈ 0.2 km at res 9). So every person moves by at most δ = R + 141 m between
// the two computations, and the distance to the nearest place (1-Lipschitz)
// changes by at most δ: squares whose nearest place is closer than r − δ are
// covered in both, those farther than r + δ in neither. The shares can only
// differ by the share of persons in the annulus (r − δ, r + δ], which the
// test computes and uses as the bound. Since the displacements have no
// preferred direction, the actual difference is expected far below that
// bound: the test also requires it under 2 points.
func TestBordeauxIndependentRadius(t *testing.T) {
	b := loadBordeaux(t)
	squares := readSquares(t)
	var places []orb.Point
	for _, v := range b.t.Venues {
		if v.Located {
			places = append(places, v.Point)
		}
	}
	if len(places) < 100 {
		t.Fatalf("only %d located places", len(places))
	}
	var cellR float64
	for _, c := range b.t.Cells {
		for _, v := range geo.CellPolygon(c.H3)[0] {
			cellR = math.Max(cellR, haversine(c.Center, v))
		}
	}
	if cellR < 150 || cellR > 250 {
		t.Fatalf("largest res-9 cell radius %.1f m: not a res-9 grid?", cellR)
	}
	delta := cellR + 100*math.Sqrt2
	nearest := make([]float64, len(squares))
	for i, q := range squares {
		d := math.Inf(1)
		for _, p := range places {
			d = math.Min(d, haversine(q.center, p))
		}
		nearest[i] = d
	}
	for _, tc := range []struct {
		profile string
		persons func(q square) float64
	}{
		{"walk-1km", func(q square) float64 { return q.ind }},
		{"seniors-20min-walk", func(q square) float64 { return q.seniors }},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			pr, err := b.p.Profile(tc.profile)
			if err != nil {
				t.Fatal(err)
			}
			if pr.Filter.Services != 0 || len(pr.Filter.Programmes) > 0 || len(pr.Filter.Publics) > 0 || pr.Filter.Free || pr.MinWeeklyHours > 0 {
				t.Fatalf("%s filters places: the brute force counts them all", tc.profile)
			}
			radius := pr.MaxMinutes / 60 * pr.Mode.SpeedKmh * 1000 / pr.Mode.Detour
			var total, within, annulus float64
			for i, q := range squares {
				n, d := tc.persons(q), nearest[i]
				total += n
				if d <= radius {
					within += n
				}
				if d > radius-delta && d <= radius+delta {
					annulus += n
				}
			}
			s, err := b.p.State(tc.profile)
			if err != nil {
				t.Fatal(err)
			}
			sum := s.Summary()
			if !relClose(sum.Population, total, 1e-9) {
				t.Fatalf("population %.3f, squares %.3f", sum.Population, total)
			}
			indep, h3share, bound := within/total, sum.CoveredShare, annulus/total
			t.Logf("%s (radius %.0f m): squares %.1f of %.1f (%.4f); H3 %.1f (%.4f); |diff| %.4f ≤ annulus bound %.4f (δ = %.0f m: cell radius %.0f m + 141 m)",
				tc.profile, radius, within, total, indep, sum.Covered, h3share, math.Abs(indep-h3share), bound, delta, cellR)
			if math.Abs(indep-h3share) > bound {
				t.Errorf("H3 share %.4f and square share %.4f differ by more than the annulus bound %.4f", h3share, indep, bound)
			}
			// At least half the persons must be decided by both computations
			// for the bound to mean something.
			if bound > 0.5 {
				t.Errorf("annulus bound %.3f too loose to check anything", bound)
			}
			if math.Abs(indep-h3share) > 0.02 {
				t.Errorf("shares differ by %.4f (> 2 points)", math.Abs(indep-h3share))
			}
		})
	}
}

// TestBordeauxProposals asks for 5 and 20 sites for the senior walking
// profile and checks the proposal's certificate, then adds the 5 sites as
// places in a scenario: the incremental coverage engine must see exactly the
// gain the proposal engine reported.
func TestBordeauxProposals(t *testing.T) {
	b := loadBordeaux(t)
	const profile = "seniors-20min-walk"
	base, err := b.p.State(profile)
	if err != nil {
		t.Fatal(err)
	}
	baseSum := base.Summary()
	props := map[int]*propose.Proposal{}
	for _, k := range []int{5, 20} {
		t.Run(fmt.Sprintf("k=%d", k), func(t *testing.T) {
			pr, err := b.p.Propose(planner.ProposeRequest{Profiles: []string{profile}, K: k})
			if err != nil {
				t.Fatal(err)
			}
			props[k] = pr
			if len(pr.Sites) != k {
				t.Fatalf("%d sites, want %d", len(pr.Sites), k)
			}
			if !relClose(pr.CoveredBefore, baseSum.WeightedCovered, 1e-9) || !relClose(pr.Total, baseSum.WeightedPopulation, 1e-9) {
				t.Errorf("covered_before %.3f of %.3f, coverage says %.3f of %.3f", pr.CoveredBefore, pr.Total, baseSum.WeightedCovered, baseSum.WeightedPopulation)
			}
			var sum float64
			for i, s := range pr.Sites {
				sum += s.Gain
				if s.Gain <= 0 {
					t.Errorf("site %d gains %.3f", i+1, s.Gain)
				}
				if i > 0 && s.Gain > pr.Sites[i-1].Gain*(1+1e-12) {
					t.Errorf("site %d gains %.3f > site %d's %.3f: greedy gains must not increase", i+1, s.Gain, i, pr.Sites[i-1].Gain)
				}
			}
			if !relClose(pr.CoveredAfter, pr.CoveredBefore+sum, 1e-9) || !relClose(pr.Gain, sum, 1e-9) {
				t.Errorf("covered_after %.3f, want before %.3f + Σ gains %.3f", pr.CoveredAfter, pr.CoveredBefore, sum)
			}
			if pr.UpperBound < pr.Gain*(1-1e-12) {
				t.Errorf("upper bound %.3f below the gain %.3f", pr.UpperBound, pr.Gain)
			}
			if pr.Gap < 0 || pr.Gap > 1 || math.Abs(pr.Gap-(1-pr.Gain/pr.UpperBound)) > 1e-9 {
				t.Errorf("gap %v, want 1 − gain/bound = %v", pr.Gap, 1-pr.Gain/pr.UpperBound)
			}
			gains := make([]string, len(pr.Sites))
			for i, s := range pr.Sites {
				gains[i] = fmt.Sprintf("%.0f", s.Gain)
			}
			t.Logf("k=%d: covered %.1f → %.1f of %.1f weighted (%.2f %% → %.2f %%), gain %.1f, upper bound %.1f, gap %.4f; gains %s",
				k, pr.CoveredBefore, pr.CoveredAfter, pr.Total, 100*pr.ShareBefore, 100*pr.ShareAfter, pr.Gain, pr.UpperBound, pr.Gap, strings.Join(gains, " "))
		})
	}
	if props[5] == nil || props[20] == nil {
		t.FailNow()
	}
	// Greedy is deterministic: the first 5 of k=20 are the sites of k=5.
	for i := range props[5].Sites {
		a, c := props[5].Sites[i], props[20].Sites[i]
		if a.Lat != c.Lat || a.Lon != c.Lon || !relClose(a.Gain, c.Gain, 1e-12) {
			t.Errorf("site %d: k=5 chose %v,%v (gain %.3f), k=20 %v,%v (gain %.3f)", i+1, a.Lat, a.Lon, a.Gain, c.Lat, c.Lon, c.Gain)
		}
	}
	if props[20].Gain < props[5].Gain {
		t.Errorf("k=20 gains %.1f < k=5's %.1f", props[20].Gain, props[5].Gain)
	}

	for _, k := range []int{5, 20} {
		t.Run(fmt.Sprintf("re-evaluated k=%d", k), func(t *testing.T) {
			pr := props[k]
			s := scenario.Scenario{Name: fmt.Sprintf("proposal k=%d", k), Base: b.t.Name}
			for i, site := range pr.Sites {
				lat, lon := site.Lat, site.Lon
				s.Changes = append(s.Changes, scenario.Change{Op: scenario.OpAdd, Name: fmt.Sprintf("site %d", i+1),
					Lat: &lat, Lon: &lon, OpeningHours: "Tu 09:00-12:00,14:00-18:00"})
			}
			ev, err := b.p.Evaluate(s, profile)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Edits["added"] != k {
				t.Fatalf("edits %v, want %d added", ev.Edits, k)
			}
			got := ev.Summary.WeightedCovered - baseSum.WeightedCovered
			if !relClose(got, pr.Gain, 1e-6) {
				t.Errorf("adding the %d sites raises weighted covered by %.4f, the proposal reported %.4f", k, got, pr.Gain)
			}
			if !relClose(ev.Delta.Total.WeightedCovered, pr.Gain, 1e-6) {
				t.Errorf("scenario delta weighted covered %.4f, proposal gain %.4f", ev.Delta.Total.WeightedCovered, pr.Gain)
			}
			// Sites report everyone newly covered (Ind) and by age band; the
			// profile counts the 65+.
			var persons, seniors float64
			for _, site := range pr.Sites {
				persons += site.Persons
				seniors += site.PersonsByAge["Ind_65_79"] + site.PersonsByAge["Ind_80p"]
			}
			// The scenario's rows count the profile's people (the 65+).
			if !relClose(ev.Delta.Total.Covered, seniors, 1e-6) {
				t.Errorf("scenario delta: 65+ newly covered %.4f, proposal says %.4f", ev.Delta.Total.Covered, seniors)
			}
			if persons < seniors {
				t.Errorf("sites report %.4f inhabitants newly covered, fewer than the %.4f aged 65+", persons, seniors)
			}
			if !relClose(ev.Summary.Covered-baseSum.Covered, seniors, 1e-6) {
				t.Errorf("persons aged 65+ newly covered %.4f, proposal says %.4f", ev.Summary.Covered-baseSum.Covered, seniors)
			}
			fresh := freshSummary(t, b.p, s, profile)
			compareSummaries(t, ev.Summary, fresh)
		})
	}
}

// freshSummary applies s to the planner's territory and computes the
// profile's coverage from scratch on the result, on crow-fly times.
func freshSummary(t *testing.T, p *planner.Planner, s scenario.Scenario, profile string) coverage.ProfileSummary {
	t.Helper()
	return fresh(t, p, s, profile, coverage.Options{})
}

// freshRoadSummary is freshSummary on the planner's engines (the road
// network when the territory has one): a new State on the applied territory.
func freshRoadSummary(t *testing.T, p *planner.Planner, s scenario.Scenario, profile string) coverage.ProfileSummary {
	t.Helper()
	return fresh(t, p, s, profile, coverage.Options{Engines: p.Engines()})
}

func fresh(t *testing.T, p *planner.Planner, s scenario.Scenario, profile string, opt coverage.Options) coverage.ProfileSummary {
	t.Helper()
	applied, err := p.ScenarioOptions().Apply(p.Territory(), s)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := p.Profile(profile)
	if err != nil {
		t.Fatal(err)
	}
	st, err := coverage.New(applied, pr, opt)
	if err != nil {
		t.Fatal(err)
	}
	return st.Summary()
}

// compareSummaries checks that the incremental and full summaries agree,
// overall and per commune.
func compareSummaries(t *testing.T, inc, full coverage.ProfileSummary) {
	t.Helper()
	for _, f := range []struct {
		name string
		a, b float64
	}{{"population", inc.Population, full.Population}, {"covered", inc.Covered, full.Covered},
		{"weighted covered", inc.WeightedCovered, full.WeightedCovered}, {"access", inc.Access, full.Access}} {
		if !relClose(f.a, f.b, 1e-9) {
			t.Errorf("incremental %s %.6f, full recomputation %.6f", f.name, f.a, f.b)
		}
	}
	if inc.Places != full.Places {
		t.Errorf("incremental counts %d places, full %d", inc.Places, full.Places)
	}
	byCode := map[string]coverage.CommuneSummary{}
	for _, c := range full.Communes {
		byCode[c.Code] = c
	}
	if len(inc.Communes) != len(full.Communes) {
		t.Errorf("incremental lists %d communes, full %d", len(inc.Communes), len(full.Communes))
	}
	for _, c := range inc.Communes {
		f, ok := byCode[c.Code]
		if !ok {
			t.Errorf("commune %s missing from the full summary", c.Code)
			continue
		}
		if !relClose(c.Covered, f.Covered, 1e-9) || !relClose(c.WeightedCovered, f.WeightedCovered, 1e-9) || !relClose(c.Access, f.Access, 1e-9) {
			t.Errorf("commune %s: incremental covered %.4f / weighted %.4f / access %.6f, full %.4f / %.4f / %.6f",
				c.Code, c.Covered, c.WeightedCovered, c.Access, f.Covered, f.WeightedCovered, f.Access)
		}
	}
}

// TestBordeauxScenarioRemoveCommune removes every place of the commune with
// the most places: coverage there must drop, never rise anywhere, and the
// incremental evaluation must equal a full computation on the applied
// territory.
func TestBordeauxScenarioRemoveCommune(t *testing.T) {
	b := loadBordeaux(t)
	populated := map[string]bool{}
	for _, pt := range b.t.Parts {
		if pt.Commune >= 0 && pt.Pop[maillage.Ind] > 0 {
			populated[b.t.Communes[pt.Commune].Code] = true
		}
	}
	count := map[string]int{}
	for _, v := range b.t.Venues {
		if v.Located && populated[v.Commune] {
			count[v.Commune]++
		}
	}
	codes := make([]string, 0, len(count))
	for c := range count {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool {
		return count[codes[i]] > count[codes[j]] || count[codes[i]] == count[codes[j]] && codes[i] < codes[j]
	})
	// The two communes of the grid with the most places.
	for _, code := range codes[:2] {
		s := scenario.Scenario{Name: "close " + code, Base: b.t.Name}
		for _, v := range b.t.Venues {
			if v.Located && v.Commune == code {
				s.Changes = append(s.Changes, scenario.Change{Op: scenario.OpRemove, VenueID: v.ID})
			}
		}
		for _, profile := range []string{"seniors-20min-walk", "walk-1km", "demarches-20min-car"} {
			t.Run(code+"/"+profile, func(t *testing.T) {
				ev, err := b.p.Evaluate(s, profile)
				if err != nil {
					t.Fatal(err)
				}
				if ev.Edits["removed"] != len(s.Changes) {
					t.Fatalf("edits %v, want %d removed", ev.Edits, len(s.Changes))
				}
				row := func(r scenario.Result) scenario.Row {
					for _, c := range r.Communes {
						if c.Code == code {
							return c
						}
					}
					t.Fatalf("commune %s missing from the result", code)
					return scenario.Row{}
				}
				before, after := row(ev.Base), row(ev.After)
				if after.Covered > before.Covered+1e-9 || ev.After.Total.Covered > ev.Base.Total.Covered+1e-9 {
					t.Errorf("removing places raised coverage: commune %.1f → %.1f, total %.1f → %.1f",
						before.Covered, after.Covered, ev.Base.Total.Covered, ev.After.Total.Covered)
				}
				if profile != "demarches-20min-car" && after.Covered >= before.Covered {
					t.Errorf("removing the %d places of %s leaves its coverage at %.1f (was %.1f)", len(s.Changes), code, after.Covered, before.Covered)
				}
				if after.Access >= before.Access {
					t.Errorf("removing the %d places of %s leaves its accessibility at %.4f (was %.4f)", len(s.Changes), code, after.Access, before.Access)
				}
				for i, c := range ev.After.Communes {
					if c.Covered > ev.Base.Communes[i].Covered+1e-9 {
						t.Errorf("commune %s gains coverage (%.2f → %.2f) when places close", c.Code, ev.Base.Communes[i].Covered, c.Covered)
					}
				}
				t.Logf("%s, %d places removed, %s: commune covered %.1f → %.1f of %.1f, access %.3f → %.3f; total %.1f → %.1f",
					code, len(s.Changes), profile, before.Covered, after.Covered, before.Population, before.Access, after.Access,
					ev.Base.Total.Covered, ev.After.Total.Covered)
				compareSummaries(t, ev.Summary, freshSummary(t, b.p, s, profile))
			})
		}
	}
}

// TestEvaluateEmptyScenario evaluates a scenario with no changes and no base
// (what `maillage scenario diff 0 N` asks for the base side): it must
// succeed, on the planner's territory, with a zero delta.
func TestEvaluateEmptyScenario(t *testing.T) {
	b := loadBordeaux(t)
	ev, err := b.p.Evaluate(scenario.Scenario{Name: "base"}, "walk-1km")
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Edits) != 0 || ev.Delta.Total.Covered != 0 || ev.Base.Total.Covered != ev.After.Total.Covered ||
		!relClose(ev.Base.Total.Population, bordeauxPopulation, 1e-9) {
		t.Fatalf("empty scenario: edits %v, delta %+v, base population %.3f", ev.Edits, ev.Delta.Total, ev.Base.Total.Population)
	}
}

// TestOffNetwork gives the Bordeaux cells the road network of Saint-Brieuc,
// 400 km away: every cell is off the network for road profiles, none for a
// crow-fly profile, and coverage by road is then nil (which the commands
// report as off-network rather than as a gap).
func TestOffNetwork(t *testing.T) {
	b := loadBordeaux(t)
	g, _, err := road.ReadPBFFile(context.Background(), shareddata.Path(t, "osm/saint-brieuc-loudeac-22.osm.pbf"), road.Options{})
	if err != nil {
		t.Fatal(err)
	}
	roads, err := g.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	terr := *b.t
	terr.Roads = roads
	profiles, err := coverage.ParseProfiles([]byte(walk1km))
	if err != nil {
		t.Fatal(err)
	}
	p, err := planner.New(&terr, planner.Config{Profiles: profiles})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		profile string
		want    int
	}{{"seniors-20min-walk", len(terr.Cells)}, {"demarches-20min-car", len(terr.Cells)}, {"walk-1km", 0}} {
		off, err := p.OffNetwork(tc.profile)
		if err != nil {
			t.Fatal(err)
		}
		if len(off) != tc.want {
			t.Errorf("%s: %d cells off network, want %d", tc.profile, len(off), tc.want)
		}
	}
	if _, err := p.OffNetwork("nope"); !errors.Is(err, coverage.ErrUnknownProfile) {
		t.Errorf("unknown profile: %v", err)
	}
}
