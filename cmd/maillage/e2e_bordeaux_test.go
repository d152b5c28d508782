package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"

	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/internal/shareddata"
)

// run runs one maillage command and returns its standard output; it fails
// the test on error.
func run(t *testing.T, args ...string) []byte {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := Run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("maillage %s: %v\nstderr: %s", strings.Join(args, " "), err, errOut.String())
	}
	return out.Bytes()
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("output is not the expected JSON: %v\n%.500s", err, b)
	}
	return v
}

func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// coverageJSON is the documented shape of `maillage coverage --json`.
type coverageJSON struct {
	Profiles []struct {
		Name               string   `json:"name"`
		Population         *float64 `json:"population"`
		Covered            *float64 `json:"covered"`
		CoveredShare       *float64 `json:"covered_share"`
		WeightedPopulation *float64 `json:"weighted_population"`
		WeightedCovered    *float64 `json:"weighted_covered"`
		Communes           []struct {
			Code       *string  `json:"code"`
			Name       *string  `json:"name"`
			Population *float64 `json:"population"`
			Covered    *float64 `json:"covered"`
		} `json:"communes"`
	} `json:"profiles"`
}

// TestE2EBordeaux ingests the real Bordeaux Métropole files once with the
// CLI, then runs every analysis command on the territory file and checks the
// outputs against the INSEE figures, the readers and each other.
func TestE2EBordeaux(t *testing.T) {
	grid := shareddata.Path(t, "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv")
	cd33 := shareddata.Path(t, "venues/gironde-cd33-2021.lieux-mediation.csv")
	fs := shareddata.Path(t, "venues/france-services-2022-12-01.csv")
	communes := shareddata.Path(t, "boundaries/communes-33-gironde-2018.geojson")
	dir := t.TempDir()
	terr := filepath.Join(dir, "bm.territory")
	run(t, "ingest", "--grid", grid, "--venues", cd33, "--venues", fs, "--communes", communes, "--out", terr)

	type statsJSON struct {
		Population   *float64           `json:"population"`
		Cells        *int               `json:"cells"`
		H3Resolution *int               `json:"h3_resolution"`
		AgeBands     map[string]float64 `json:"age_bands"`
		Communes     *int               `json:"communes"`
		Venues       *struct {
			Read     int `json:"read"`
			Kept     int `json:"kept"`
			Located  int `json:"located"`
			Rejected int `json:"rejected"`
			Merged   int `json:"merged"`
			Outside  int `json:"outside"`
		} `json:"venues"`
		Issues []map[string]any `json:"issues"`
	}
	st := decode[statsJSON](t, run(t, "stats", "--territory", terr, "--json"))
	t.Run("stats", func(t *testing.T) {
		if st.Population == nil || st.Cells == nil || st.H3Resolution == nil || st.Communes == nil || st.Venues == nil || st.AgeBands == nil || st.Issues == nil {
			t.Fatalf("stats lacks a documented key: %+v", st)
		}
		if !near(*st.Population, 725084.5, 1e-9) {
			t.Errorf("population %.4f, want 725,084.5 (README)", *st.Population)
		}
		var bands float64
		for _, v := range st.AgeBands {
			bands += v
		}
		if len(st.AgeBands) != 11 || !near(bands, 725084.5, 1e-9) {
			t.Errorf("%d age bands summing to %.4f, want 11 summing to 725,084.5", len(st.AgeBands), bands)
		}
		// 6,735 squares of 200 m cover at least 6,735 × 0.04 / 0.105 km²
		// of res-9 cells (mean area 0.105 km²) and at most a few per square.
		if *st.Cells < 2500 || *st.Cells > 4*6735 || *st.H3Resolution != 9 {
			t.Errorf("%d cells at resolution %d", *st.Cells, *st.H3Resolution)
		}
		// The 41 communes of the grid are all in the Gironde boundaries: the
		// territory knows exactly the communes of the GeoJSON file.
		raw, err := os.ReadFile(communes)
		if err != nil {
			t.Fatal(err)
		}
		var gj struct{ Features []json.RawMessage }
		if err := json.Unmarshal(raw, &gj); err != nil {
			t.Fatal(err)
		}
		if *st.Communes != len(gj.Features) {
			t.Errorf("%d communes, the boundaries file has %d", *st.Communes, len(gj.Features))
		}
		// The readers' own counts: records read (kept + rejected), located.
		read, rejected, located := 0, 0, 0
		for _, p := range []string{cd33, fs} {
			vs, fnd, err := data.ReadVenues(p)
			if err != nil {
				t.Fatal(err)
			}
			read += len(vs) + data.RejectedRecords(fnd)
			rejected += data.RejectedRecords(fnd)
			for _, v := range vs {
				if v.Located {
					located++
				}
			}
		}
		v := st.Venues
		if read != 347+2683 || v.Read != read || v.Rejected != rejected {
			t.Errorf("venues read %d rejected %d; readers say %d and %d (CD33 347 rows + France Services 2,683)", v.Read, v.Rejected, read, rejected)
		}
		if v.Kept+v.Outside+v.Merged+v.Rejected != v.Read || v.Located > v.Kept || v.Located > located {
			t.Errorf("venues %+v do not add up (readers located %d)", *v, located)
		}
		// France Services is national: only the sites near Bordeaux stay.
		if v.Outside < 2000 || v.Kept < 347-v.Merged-26 {
			t.Errorf("venues %+v: want the national list cut to the area and the CD33 places kept", *v)
		}
		for _, is := range st.Issues {
			for _, k := range []string{"file", "line", "field", "reason"} {
				if _, ok := is[k]; !ok {
					t.Fatalf("issue %v lacks %q", is, k)
				}
			}
		}
		t.Logf("stats: %.1f persons, %d cells, %d communes, venues %+v, %d issues", *st.Population, *st.Cells, *st.Communes, *v, len(st.Issues))
	})

	cov := decode[coverageJSON](t, run(t, "coverage", "--territory", terr, "--json"))
	seniorsWeightedCovered := math.NaN()
	t.Run("coverage", func(t *testing.T) {
		if len(cov.Profiles) != 4 {
			t.Fatalf("%d profiles, want the 4 built-ins", len(cov.Profiles))
		}
		for _, p := range cov.Profiles {
			if p.Population == nil || p.Covered == nil || p.CoveredShare == nil || p.WeightedPopulation == nil || p.WeightedCovered == nil || len(p.Communes) == 0 {
				t.Fatalf("profile %q lacks a documented key", p.Name)
			}
			want := 725084.5
			if p.Name == "seniors-20min-walk" {
				want = st.AgeBands["Ind_65_79"] + st.AgeBands["Ind_80p"]
				seniorsWeightedCovered = *p.WeightedCovered
			}
			if !near(*p.Population, want, 1e-9) {
				t.Errorf("%s: population %.3f, want %.3f", p.Name, *p.Population, want)
			}
			var pop, covd float64
			for _, c := range p.Communes {
				if c.Code == nil || c.Name == nil || c.Population == nil || c.Covered == nil {
					t.Fatalf("%s: a commune lacks a documented key", p.Name)
				}
				if *c.Covered > *c.Population*(1+1e-9)+1e-9 {
					t.Errorf("%s: commune %s covered %.3f > population %.3f", p.Name, *c.Code, *c.Covered, *c.Population)
				}
				pop += *c.Population
				covd += *c.Covered
			}
			if !near(pop, *p.Population, 1e-6) || !near(covd, *p.Covered, 1e-6) || *p.Covered > *p.Population {
				t.Errorf("%s: communes sum to %.3f covered of %.3f; profile %.3f of %.3f", p.Name, covd, pop, *p.Covered, *p.Population)
			}
			t.Logf("%s: %.1f of %.1f covered (%.2f %%)", p.Name, *p.Covered, *p.Population, 100**p.CoveredShare)
		}
	})

	t.Run("gaps", func(t *testing.T) {
		fc, err := geojson.UnmarshalFeatureCollection(run(t, "gaps", "--territory", terr, "--format", "geojson"))
		if err != nil {
			t.Fatal(err)
		}
		if fc.Type != "FeatureCollection" || len(fc.Features) == 0 {
			t.Fatalf("type %q, %d features", fc.Type, len(fc.Features))
		}
		var persons, prev float64 = 0, math.Inf(1)
		for _, f := range fc.Features {
			switch g := f.Geometry.(type) {
			case orb.Polygon:
				if len(g) == 0 || len(g[0]) < 4 {
					t.Fatalf("degenerate polygon %v", g)
				}
			case orb.MultiPolygon:
			default:
				t.Fatalf("gap geometry %T, want a polygon", f.Geometry)
			}
			persons += f.Properties.MustFloat64("persons")
			// A zone within the search names its nearest place.
			if _, within := f.Properties["nearest_min_minutes"].(float64); within != (f.Properties.MustString("nearest_place", "") != "") {
				t.Errorf("zone %v: nearest %v min, nearest place %q", f.Properties["rank"], f.Properties["nearest_min_minutes"], f.Properties["nearest_place"])
			}
			w := f.Properties.MustFloat64("weighted")
			if w > prev+1e-6 {
				t.Errorf("zones not ranked by weighted demand: %.1f after %.1f", w, prev)
			}
			prev = w
		}
		// Zones hold every uncovered senior (default profile).
		for _, p := range cov.Profiles {
			if p.Name == "seniors-20min-walk" && !near(persons, *p.Population-*p.Covered, 1e-6) {
				t.Errorf("gap zones hold %.2f persons, coverage leaves %.2f uncovered", persons, *p.Population-*p.Covered)
			}
		}
	})

	t.Run("access", func(t *testing.T) {
		rows, err := csv.NewReader(bytes.NewReader(run(t, "access", "--territory", terr, "--format", "csv"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows)-1 != *st.Cells {
			t.Errorf("%d data rows, want one per cell (%d)", len(rows)-1, *st.Cells)
		}
		seen := map[string]bool{}
		for _, r := range rows[1:] {
			if seen[r[0]] {
				t.Fatalf("cell %s listed twice", r[0])
			}
			seen[r[0]] = true
		}
	})

	t.Run("propose", func(t *testing.T) {
		type proposeJSON struct {
			Sites []struct {
				Lat, Lon, Gain *float64
			} `json:"sites"`
			CoveredBefore *float64 `json:"covered_before"`
			CoveredAfter  *float64 `json:"covered_after"`
			UpperBound    *float64 `json:"upper_bound"`
			Gap           *float64 `json:"gap"`
		}
		p := decode[proposeJSON](t, run(t, "propose", "--territory", terr, "--profile", "seniors-20min-walk", "-k", "5", "--format", "json"))
		if len(p.Sites) != 5 || p.CoveredBefore == nil || p.CoveredAfter == nil || p.UpperBound == nil || p.Gap == nil {
			t.Fatalf("proposal lacks a documented key or has %d sites", len(p.Sites))
		}
		var gains float64
		for _, s := range p.Sites {
			if s.Lat == nil || s.Lon == nil || s.Gain == nil {
				t.Fatal("site lacks lat, lon or gain")
			}
			// Bordeaux Métropole lies within 44.7–45.0 N, 0.8–0.4 W.
			if *s.Lat < 44.7 || *s.Lat > 45.05 || *s.Lon < -0.85 || *s.Lon > -0.35 || *s.Gain <= 0 {
				t.Errorf("site %v,%v gain %v", *s.Lat, *s.Lon, *s.Gain)
			}
			gains += *s.Gain
		}
		if !near(*p.CoveredBefore, seniorsWeightedCovered, 1e-9) {
			t.Errorf("covered_before %.3f, coverage --json says %.3f", *p.CoveredBefore, seniorsWeightedCovered)
		}
		gain := *p.CoveredAfter - *p.CoveredBefore
		if !near(gain, gains, 1e-9) || *p.UpperBound < gain || *p.Gap < 0 || *p.Gap > 1 || !near(*p.Gap, 1-gain/(*p.UpperBound), 1e-9) {
			t.Errorf("before %.1f after %.1f (Σ gains %.1f), bound %.1f, gap %.4f", *p.CoveredBefore, *p.CoveredAfter, gains, *p.UpperBound, *p.Gap)
		}

		// Set cover: the fewest sites reaching 90 % of the weighted seniors.
		type setCoverJSON struct {
			Sites        []struct{ Gain float64 } `json:"sites"`
			CoveredAfter float64                  `json:"covered_after"`
			Total        float64                  `json:"total"`
			ShareAfter   float64                  `json:"share_after"`
			MinSites     int                      `json:"min_sites"`
			Reached      bool                     `json:"reached"`
		}
		sc := decode[setCoverJSON](t, run(t, "propose", "--territory", terr, "--profile", "seniors-20min-walk", "--target", "0.9"))
		if !sc.Reached || sc.ShareAfter < 0.9 || !near(sc.ShareAfter, sc.CoveredAfter/sc.Total, 1e-9) ||
			sc.MinSites < 1 || sc.MinSites > len(sc.Sites) {
			t.Errorf("target 0.9: %d sites (at least %d needed), share %.4f, reached %v", len(sc.Sites), sc.MinSites, sc.ShareAfter, sc.Reached)
		}
		// One site fewer must not reach the target (greedy stops at once).
		last := sc.Sites[len(sc.Sites)-1].Gain
		if (sc.CoveredAfter-last)/sc.Total >= 0.9 {
			t.Errorf("the last site was not needed: %.4f without it", (sc.CoveredAfter-last)/sc.Total)
		}
		t.Logf("target 0.9: %d sites (lower bound %d), share %.4f", len(sc.Sites), sc.MinSites, sc.ShareAfter)
	})
}

// TestE2EBufferKeepsNearbyPlaces checks that ingest's 50 km buffer keeps
// exactly the located venues within 50 km of the cells' bounding box: the
// France Services sites are counted here from the reader directly.
func TestE2EBufferKeepsNearbyPlaces(t *testing.T) {
	grid := shareddata.Path(t, "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv")
	fs := shareddata.Path(t, "venues/france-services-2022-12-01.csv")
	terr := filepath.Join(t.TempDir(), "fs.territory")
	run(t, "ingest", "--grid", grid, "--venues", fs, "--out", terr, "--buffer-km", "20")
	got, err := data.ReadTerritoryFile(terr)
	if err != nil {
		t.Fatal(err)
	}
	b := orb.Bound{Min: got.Cells[0].Center, Max: got.Cells[0].Center}
	for _, c := range got.Cells {
		b = b.Extend(c.Center)
	}
	vs, _, err := data.ReadVenues(fs)
	if err != nil {
		t.Fatal(err)
	}
	// Independent distance: a venue is within 20 km of the box when its
	// distance to the nearest point of the box is ≤ 20 km; near Bordeaux the
	// box padding of orb/geo agrees with it to a few metres, so venues
	// within 19.9 km must be kept and those beyond 20.1 km dropped.
	kept := map[string]bool{}
	for _, v := range got.Venues {
		kept[v.ID] = true
	}
	var in int
	for _, v := range vs {
		if !v.Located {
			continue
		}
		q := orb.Point{math.Max(b.Min[0], math.Min(b.Max[0], v.Point[0])), math.Max(b.Min[1], math.Min(b.Max[1], v.Point[1]))}
		d := orbgeo.DistanceHaversine(q, v.Point)
		switch {
		case d <= 19900 && !kept[v.ID]:
			t.Errorf("venue %s %q at %.0f m from the grid's box left out", v.ID, v.Name, d)
		case d > 20100 && kept[v.ID]:
			t.Errorf("venue %s %q at %.0f m from the grid's box kept", v.ID, v.Name, d)
		}
		if d <= 20000 {
			in++
		}
	}
	if in == 0 || in > 100 {
		t.Errorf("%d France Services within 20 km of Bordeaux Métropole", in)
	}
	t.Logf("%d France Services sites within 20 km of the grid's box; territory keeps %d venues", in, len(got.Venues))
	for _, v := range got.Venues {
		if !v.Located {
			if len(v.Postcode) >= 2 && v.Postcode[:2] != "33" {
				t.Errorf("unlocated venue %s with postcode %s kept", v.ID, v.Postcode)
			}
		}
	}
}
