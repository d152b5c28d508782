package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"

	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/data/demo"
	"github.com/maillage/maillage/internal/shareddata"
)

type routeJSON struct {
	Minutes *float64 `json:"minutes"`
	Meters  *float64 `json:"meters"`
	Mode    string   `json:"mode"`
	Engine  string   `json:"engine"`
}

// checkRoute checks one route answer against the great-circle distance
// between its ends and the speeds a person on foot or a car can hold.
func checkRoute(t *testing.T, r routeJSON, from, to orb.Point, minKmh, maxKmh float64) {
	t.Helper()
	if r.Minutes == nil || r.Meters == nil {
		t.Fatalf("route answer lacks minutes or meters: %+v", r)
	}
	gc := orbgeo.DistanceHaversine(from, to)
	if *r.Meters < gc*(1-1e-6) {
		t.Errorf("%s route of %.1f m is shorter than the great circle (%.1f m)", r.Mode, *r.Meters, gc)
	}
	if *r.Meters > 3*gc+500 {
		t.Errorf("%s route of %.1f m for %.1f m as the crow flies", r.Mode, *r.Meters, gc)
	}
	kmh := *r.Meters / 1000 / (*r.Minutes / 60)
	if kmh < minKmh || kmh > maxKmh {
		t.Errorf("%s: %.1f m in %.2f min = %.1f km/h, want %g–%g km/h", r.Mode, *r.Meters, *r.Minutes, kmh, minKmh, maxKmh)
	}
}

// TestE2ERouteOSM routes by car and on foot on the real Saint-Brieuc
// extract, between two points of its car network about 4.4 km apart.
func TestE2ERouteOSM(t *testing.T) {
	pbf := shareddata.Path(t, "osm/saint-brieuc-loudeac-22.osm.pbf")
	from, to := orb.Point{-2.678491, 48.488532}, orb.Point{-2.623843, 48.510258}
	ll := func(p orb.Point) string { return fmt.Sprintf("%.6f,%.6f", p[1], p[0]) }
	got := map[string]routeJSON{}
	for _, mode := range []string{"car", "walk"} {
		for _, engine := range []string{"road", "crowfly"} {
			r := decode[routeJSON](t, run(t, "route", "--osm", pbf, "--from", ll(from), "--to", ll(to), "--mode", mode, "--engine", engine, "--json"))
			got[mode+"/"+engine] = r
			if mode == "car" {
				checkRoute(t, r, from, to, 15, 130)
			} else {
				checkRoute(t, r, from, to, 3, 6)
			}
			t.Logf("%s %s: %.2f min, %.0f m (great circle %.0f m)", mode, engine, *r.Minutes, *r.Meters, orbgeo.DistanceHaversine(from, to))
		}
	}
	car, walk := got["car/road"], got["walk/road"]
	if *car.Minutes*3 > *walk.Minutes {
		t.Errorf("car %.1f min vs walk %.1f min: a car should be several times faster", *car.Minutes, *walk.Minutes)
	}
	// The road distance is the sum of the edges followed: it must be at
	// least the crow-fly distance, and the walk may take paths closed to cars.
	if *walk.Meters > *car.Meters*1.5 || *car.Meters > *walk.Meters*1.5 {
		t.Errorf("car %.0f m and walk %.0f m over the same roads differ too much", *car.Meters, *walk.Meters)
	}
}

// demoPoints returns two located venues of the demo territory at least 5 km
// apart.
func demoPoints(t *testing.T) (orb.Point, orb.Point) {
	t.Helper()
	d, _, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	var a orb.Point
	for _, v := range d.Venues {
		if !v.Located {
			continue
		}
		if a == (orb.Point{}) {
			a = v.Point
			continue
		}
		if orbgeo.DistanceHaversine(a, v.Point) > 5000 && !v.Itinerant {
			return a, v.Point
		}
	}
	t.Fatal("no two demo venues 5 km apart")
	return a, a
}

// TestE2ERouteDemo routes on the demo territory's generated road network.
func TestE2ERouteDemo(t *testing.T) {
	from, to := demoPoints(t)
	ll := func(p orb.Point) string { return fmt.Sprintf("%.6f,%.6f", p[1], p[0]) }
	car := decode[routeJSON](t, run(t, "route", "--from", ll(from), "--to", ll(to), "--mode", "car", "--json"))
	checkRoute(t, car, from, to, 15, 130)
	walk := decode[routeJSON](t, run(t, "route", "--from", ll(from), "--to", ll(to), "--mode", "walk", "--json"))
	checkRoute(t, walk, from, to, 3, 6)
	if *car.Minutes*3 > *walk.Minutes {
		t.Errorf("car %.1f min vs walk %.1f min", *car.Minutes, *walk.Minutes)
	}
	t.Logf("demo: car %.1f min %.0f m, walk %.1f min %.0f m, great circle %.0f m", *car.Minutes, *car.Meters, *walk.Minutes, *walk.Meters, orbgeo.DistanceHaversine(from, to))
}

// TestE2EScenarioRoundTrip adds a permanence in the demo territory's least
// covered commune (senior walking profile) and takes the scenario through
// every subcommand on a temporary database.
func TestE2EScenarioRoundTrip(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "scen.db")
	const profile = "seniors-20min-walk"
	cov := decode[coverageJSON](t, run(t, "coverage", "--json", "--profile", profile))
	if len(cov.Profiles) != 1 {
		t.Fatalf("%d profiles", len(cov.Profiles))
	}
	// The least covered commune: lowest covered share, then most uncovered.
	var code string
	best, bestUncovered := math.Inf(1), 0.0
	for _, c := range cov.Profiles[0].Communes {
		if *c.Population < 100 {
			continue
		}
		share, unc := *c.Covered / *c.Population, *c.Population-*c.Covered
		if share < best || share == best && unc > bestUncovered {
			best, bestUncovered, code = share, unc, *c.Code
		}
	}
	d, _, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	var center orb.Point
	for _, c := range d.Communes {
		if c.Code == code {
			center = c.Center
		}
	}
	if code == "" || center == (orb.Point{}) {
		t.Fatalf("no least covered commune (%q)", code)
	}
	body := fmt.Sprintf(`{"name":"permanence %s","description":"a weekly permanence at the town hall","changes":[
		{"op":"add","name":"Mairie","lat":%f,"lon":%f,"opening_hours":"Tu,Th 09:00-12:00"}]}`, code, center[1], center[0])
	file := filepath.Join(dir, "s.json")
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}

	created := decode[scenario.Scenario](t, run(t, "scenario", "create", "--db", db, "--file", file))
	if created.ID <= 0 || created.Base != demo.Name || len(created.Changes) != 1 || created.Version != 1 {
		t.Fatalf("created %+v", created)
	}
	id := fmt.Sprint(created.ID)
	if out := string(run(t, "scenario", "list", "--db", db)); !strings.Contains(out, "permanence "+code) || !strings.Contains(out, "(1 scénario)") {
		t.Errorf("list:\n%s", out)
	}
	shown := decode[scenario.Scenario](t, run(t, "scenario", "show", id, "--db", db))
	if shown.Name != created.Name || len(shown.Changes) != 1 || *shown.Changes[0].Lat != *created.Changes[0].Lat {
		t.Errorf("show %+v, created %+v", shown, created)
	}

	type evalJSON struct {
		Edits map[string]int  `json:"edits"`
		Base  scenario.Result `json:"base"`
		After scenario.Result `json:"after"`
		Delta scenario.Delta  `json:"delta"`
	}
	ev := decode[evalJSON](t, run(t, "scenario", "apply", id, "--db", db, "--profile", profile))
	if ev.Edits["added"] != 1 {
		t.Errorf("edits %v", ev.Edits)
	}
	var row *scenario.RowDelta
	for i := range ev.Delta.Communes {
		if ev.Delta.Communes[i].Code == code {
			row = &ev.Delta.Communes[i]
		}
	}
	if row == nil {
		t.Fatalf("commune %s not in the delta", code)
	}
	if row.Covered <= 0 || row.WeightedCovered <= 0 || ev.Delta.Total.Covered < row.Covered-1e-9 {
		t.Errorf("a permanence at the town hall of %s covers %.1f more persons there (%.1f weighted), %.1f in all",
			code, row.Covered, row.WeightedCovered, ev.Delta.Total.Covered)
	}
	if math.Abs(ev.After.Total.Covered-ev.Base.Total.Covered-ev.Delta.Total.Covered) > 1e-6 {
		t.Errorf("delta %.3f ≠ after %.3f − base %.3f", ev.Delta.Total.Covered, ev.After.Total.Covered, ev.Base.Total.Covered)
	}
	t.Logf("commune %s (covered share %.3f): +%.1f persons covered there, +%.1f in all", code, best, row.Covered, ev.Delta.Total.Covered)

	diff := decode[scenario.Delta](t, run(t, "scenario", "diff", "0", id, "--db", db, "--profile", profile))
	if diff.A != 0 || diff.B != created.ID || math.Abs(diff.Total.Covered-ev.Delta.Total.Covered) > 1e-6 {
		t.Errorf("diff 0 %s: %+v, apply says %+v", id, diff.Total, ev.Delta.Total)
	}

	fc, err := geojson.UnmarshalFeatureCollection(run(t, "scenario", "export", id, "--db", db))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fc.Features {
		if p, ok := f.Geometry.(orb.Point); ok && orbgeo.DistanceHaversine(p, center) < 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("export has no point at the added place %v (%d features)", center, len(fc.Features))
	}

	// The GeoPackage export takes the saved scenario and the proposals:
	// their tables are listed with a feature count.
	gp := filepath.Join(t.TempDir(), "territoire.gpkg")
	var stderr bytes.Buffer
	if err := Run(context.Background(), []string{"export", "--out", gp, "--db", db, "--profile", profile}, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	for _, table := range []string{"proposals-" + profile, "scenario-" + id + "-places", "scenario-" + id + "-results-" + profile} {
		if m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(table) + `: ([1-9]\d*)$`).FindStringSubmatch(stderr.String()); m == nil {
			t.Errorf("export: no table %s with features:\n%s", table, stderr.String())
		}
	}
	stderr.Reset()
	if err := Run(context.Background(), []string{"export", "--out", gp, "--profile", profile, "--no-proposals", "--db", filepath.Join(t.TempDir(), "absent.db")}, &bytes.Buffer{}, &stderr); err == nil || !strings.Contains(err.Error(), "absent.db") {
		t.Errorf("export with a missing --db: %v", err)
	}

	run(t, "scenario", "delete", id, "--db", db)
	if out := string(run(t, "scenario", "list", "--db", db)); !strings.Contains(out, "(0 scénario)") {
		t.Errorf("list after delete:\n%s", out)
	}
	err = Run(context.Background(), []string{"scenario", "show", id, "--db", db}, &bytes.Buffer{}, &bytes.Buffer{})
	if !errors.Is(err, scenario.ErrNotFound) {
		t.Errorf("show after delete: %v, want ErrNotFound", err)
	}
}

// TestE2EBadInput checks that bad command lines and files give clear errors
// naming what is wrong.
func TestE2EBadInput(t *testing.T) {
	dir := t.TempDir()
	write := fileWriter(t, dir)
	negative := write("neg.json", `{"profiles":[{"name":"walk-1km","population":"all","mode":"walk","engine":"crowfly","speed_kmh":6,"detour":1.0,"max_minutes":-10}]}`)
	column := write("col.json", `{"profiles":[{"name":"x","population":["Ind_65_79","Ind_99p"],"mode":"walk","max_minutes":10}]}`)
	service := write("svc.json", `{"profiles":[{"name":"x","population":"all","mode":"walk","max_minutes":10,"services":["Réparer des vélos"]}]}`)
	outside := write("out.json", `{"name":"far","changes":[{"op":"add","name":"Paris","lat":48.8566,"lon":2.3522,"opening_hours":"Mo 09:00-12:00"}]}`)
	unknownPlace := write("unk.json", `{"name":"rm","changes":[{"op":"remove","venue_id":"no-such-place"}]}`)
	db := filepath.Join(dir, "s.db")
	tests := []struct {
		name   string
		args   []string
		want   []string // in the error or on stderr
		usage  bool
		stored bool
	}{
		{"unknown profile", []string{"coverage", "--profile", "nope"}, []string{`unknown profile "nope"`, "seniors-20min-walk"}, false, false},
		{"unknown profile in propose", []string{"propose", "--profile", "nope", "-k", "2"}, []string{`unknown profile "nope"`}, false, false},
		{"negative time", []string{"coverage", "--profiles", negative}, []string{"max_minutes", "-10", "neg.json"}, false, false},
		{"unknown column", []string{"coverage", "--profiles", column}, []string{"population", "Ind_99p"}, false, false},
		{"unknown service", []string{"coverage", "--profiles", service}, []string{"services", "Réparer des vélos"}, false, false},
		{"garbage from", []string{"route", "--from", "garbage", "--to", "45,1"}, []string{`invalid value "garbage" for flag -from`}, true, false},
		{"latitude out of range", []string{"route", "--from", "91,2", "--to", "45,1"}, []string{"latitude -90..90"}, true, false},
		{"missing to", []string{"route", "--from", "45,1"}, []string{"--from and --to are required"}, true, false},
		{"place outside the territory", []string{"scenario", "create", "--db", db, "--file", outside}, []string{"changes[0]", "outside territory"}, false, false},
		{"unknown place", []string{"scenario", "create", "--db", db, "--file", unknownPlace}, []string{"no-such-place"}, false, false},
		{"bad scenario id", []string{"scenario", "show", "x1", "--db", db}, []string{`"x1" is not a scenario id`}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			err := Run(context.Background(), tc.args, &bytes.Buffer{}, &stderr)
			if err == nil {
				t.Fatalf("maillage %s: no error", strings.Join(tc.args, " "))
			}
			msg := err.Error() + "\n" + stderr.String()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q (stderr %q) does not mention %q", err, stderr.String(), w)
				}
			}
			if errors.Is(err, ErrUsage) != tc.usage {
				t.Errorf("errors.Is(err, ErrUsage) = %v, want %v (%v)", !tc.usage, tc.usage, err)
			}
		})
	}
	// Nothing was stored by the rejected scenarios.
	if out := string(run(t, "scenario", "list", "--db", db)); !strings.Contains(out, "(0 scénario)") {
		t.Errorf("rejected scenarios were stored:\n%s", out)
	}
}

// fileWriter returns a function writing a file of the given name and body
// in dir, returning its path (the test fails if it cannot).
func fileWriter(t *testing.T, dir string) func(name, body string) string {
	return func(name, body string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
}
