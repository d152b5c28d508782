package planner_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/data/demo"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/internal/layer"
	"github.com/maillage/maillage/internal/planner"
	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"github.com/uber/h3-go/v4"
)

// TestDemoRoadProposalReevaluated runs the proposal → scenario cross-check
// of TestBordeauxProposals on the road engine: the demo territory with its
// generated road network, where new sites and places are snapped to the
// network. Adding the proposed sites as places must raise weighted coverage
// by exactly the proposal's gain, and the incremental evaluation must equal
// a full computation on the applied territory.
func TestDemoRoadProposalReevaluated(t *testing.T) {
	p := demoRoadPlanner(t)
	terr := p.Territory()
	for _, profile := range []string{"seniors-20min-walk", "demarches-20min-car"} {
		t.Run(profile, func(t *testing.T) {
			pr, err := p.Profile(profile)
			if err != nil {
				t.Fatal(err)
			}
			if p.EngineKind(pr) != "road" {
				t.Fatalf("%s runs on %s, want road", profile, p.EngineKind(pr))
			}
			base, err := p.State(profile)
			if err != nil {
				t.Fatal(err)
			}
			baseSum := base.Summary()
			prop, err := p.Propose(planner.ProposeRequest{Profiles: []string{profile}, K: 4})
			if err != nil {
				t.Fatal(err)
			}
			if len(prop.Sites) != 4 || prop.Gain <= 0 || !relClose(prop.CoveredBefore, baseSum.WeightedCovered, 1e-9) {
				t.Fatalf("%d sites, gain %.1f, before %.1f (coverage %.1f)", len(prop.Sites), prop.Gain, prop.CoveredBefore, baseSum.WeightedCovered)
			}
			s := scenario.Scenario{Name: "proposal", Base: terr.Name}
			for i, site := range prop.Sites {
				lat, lon := site.Lat, site.Lon
				// Hours and services that pass every built-in filter.
				s.Changes = append(s.Changes, scenario.Change{Op: scenario.OpAdd, Name: fmt.Sprintf("site %d", i+1), Lat: &lat, Lon: &lon,
					OpeningHours: "Mo-Fr 09:00-12:00", Services: []string{"Aide aux démarches administratives"}})
			}
			ev, err := p.Evaluate(s, profile)
			if err != nil {
				t.Fatal(err)
			}
			got := ev.Summary.WeightedCovered - baseSum.WeightedCovered
			if !relClose(got, prop.Gain, 1e-6) {
				t.Errorf("adding the sites raises weighted coverage by %.4f; the proposal reported %.4f", got, prop.Gain)
			}
			t.Logf("%s: gain %.1f (bound %.1f, gap %.3f), re-evaluated %.1f", profile, prop.Gain, prop.UpperBound, prop.Gap, got)
			compareSummaries(t, ev.Summary, freshRoadSummary(t, p, s, profile))
		})
	}
}

// demoRoadPlanner returns a planner over the demo territory with its
// generated road network.
func demoRoadPlanner(t *testing.T) *planner.Planner {
	t.Helper()
	terr, o, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := road.FromOSM(o, road.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if terr.Roads, err = g.MarshalBinary(); err != nil {
		t.Fatal(err)
	}
	p, err := planner.New(terr, planner.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCoverageReportsOffNetwork: with the demo's roads kept only west of the
// territory's middle, the cells of the east lie off the network; the coverage
// report counts them, and their persons, for road profiles (the same cells
// OffNetwork lists) and none for crow-fly ones.
func TestCoverageReportsOffNetwork(t *testing.T) {
	profiles, err := coverage.ParseProfiles([]byte(`{"profiles":[
		{"name":"fs-car","population":"all","mode":"car","engine":"road","max_minutes":30},
		{"name":"fs-crow","population":"all","mode":"car","engine":"crowfly","max_minutes":30}]}`))
	if err != nil {
		t.Fatal(err)
	}
	// plan returns a planner over the demo with the ways keep accepts.
	var cut float64
	plan := func(keep func(w *osm.Way, lon map[osm.NodeID]float64) bool) (*planner.Planner, *maillage.Territory) {
		terr, o, err := demo.Territory(demo.DefaultSeed)
		if err != nil {
			t.Fatal(err)
		}
		lon := map[osm.NodeID]float64{}
		lo, hi := 180.0, -180.0
		for _, n := range o.Nodes {
			lon[n.ID] = n.Lon
			lo, hi = min(lo, n.Lon), max(hi, n.Lon)
		}
		cut = (lo + hi) / 2
		kept := o.Ways[:0]
		for _, w := range o.Ways {
			if keep(w, lon) {
				kept = append(kept, w)
			}
		}
		o.Ways = kept
		g, _, err := road.FromOSM(o, road.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if terr.Roads, err = g.MarshalBinary(); err != nil {
			t.Fatal(err)
		}
		p, err := planner.New(terr, planner.Config{Profiles: profiles})
		if err != nil {
			t.Fatal(err)
		}
		return p, terr
	}
	full, _ := plan(func(*osm.Way, map[osm.NodeID]float64) bool { return true })
	offFull, err := full.OffNetwork("fs-car")
	if err != nil {
		t.Fatal(err)
	}
	p, terr := plan(func(w *osm.Way, lon map[osm.NodeID]float64) bool {
		for _, wn := range w.Nodes {
			if lon[wn.ID] >= cut {
				return false
			}
		}
		return true
	})
	rep, err := p.Coverage("fs-car", "fs-crow")
	if err != nil {
		t.Fatal(err)
	}
	off, err := p.OffNetwork("fs-car")
	if err != nil {
		t.Fatal(err)
	}
	// Off the network: east of the cut, just west of it where the ways that
	// crossed it were dropped (0.1° ≈ 8 km), or off the full network too.
	var persons float64
	east := 0
	for _, c := range off {
		persons += terr.Cells[c].Pop[maillage.Ind]
		if x := terr.Cells[c].Center[0]; x < cut-0.1 && !slices.Contains(offFull, c) {
			t.Errorf("cell %d at lon %.4f, well west of the cut %.4f, is off the network", c, x, cut)
		} else if x > cut {
			east++
		}
	}
	if east < len(off)*9/10 || len(off) < 100 {
		t.Errorf("%d of %d off-network cells east of the cut", east, len(off))
	}
	car, crow := rep.Profiles[0], rep.Profiles[1]
	if car.OffNetworkCells != len(off) || math.Abs(car.OffNetworkPersons-persons) > 1e-6 {
		t.Errorf("road profile: report %d cells / %.1f persons off network, OffNetwork %d cells / %.1f persons",
			car.OffNetworkCells, car.OffNetworkPersons, len(off), persons)
	}
	if car.Covered > car.Population-car.OffNetworkPersons+1e-6 {
		t.Errorf("covered %.1f of %.1f, with %.1f off the network", car.Covered, car.Population, car.OffNetworkPersons)
	}
	if crow.OffNetworkCells != 0 || crow.OffNetworkPersons != 0 {
		t.Errorf("crow-fly profile: %d cells, %.1f persons off network", crow.OffNetworkCells, crow.OffNetworkPersons)
	}
	t.Logf("%d cells (%.0f persons) off the western network, %d off the full one", len(off), persons, len(offFull))
}

// TestScenarioBaseDigest: a scenario decoded on the planner gets the
// territory's digest; evaluated with another digest (the territory was
// re-ingested since) it says so, with the same results.
func TestScenarioBaseDigest(t *testing.T) {
	p := demoPlanner(t)
	terr := p.Territory()
	s, err := p.DecodeScenario([]byte(`{"name":"close one","changes":[{"op":"remove","venue_id":"` + terr.Venues[0].ID + `"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.BaseDigest != p.Digest() || !strings.HasPrefix(s.BaseDigest, "sha256:") {
		t.Fatalf("base digest %q, territory %q", s.BaseDigest, p.Digest())
	}
	kept, err := p.DecodeScenario([]byte(`{"name":"old","base_digest":"sha256:0123456789abcdef"}`))
	if err != nil || kept.BaseDigest != "sha256:0123456789abcdef" {
		t.Fatalf("a given digest is kept: %q, %v", kept.BaseDigest, err)
	}
	same, err := p.Evaluate(s, "seniors-20min-walk")
	if err != nil {
		t.Fatal(err)
	}
	if len(same.Warnings) != 0 {
		t.Errorf("same territory: warnings %v", same.Warnings)
	}
	s.BaseDigest = "sha256:0123456789abcdef"
	other, err := p.Evaluate(s, "seniors-20min-walk")
	if err != nil {
		t.Fatal(err)
	}
	if len(other.Warnings) != 1 || !strings.Contains(other.Warnings[0], "sha256:0123456789abcdef") || !strings.Contains(other.Warnings[0], p.Digest()) {
		t.Errorf("other version: warnings %v", other.Warnings)
	}
	if other.Delta.Total != same.Delta.Total {
		t.Errorf("the warning changes the results: %+v vs %+v", other.Delta.Total, same.Delta.Total)
	}
}

// TestHexLayerSkip: the hex layers pass over Query.Skip features
// themselves, yielding what a full iteration yields after them, with or
// without a box, for cells and for a profile's coverage.
func TestHexLayerSkip(t *testing.T) {
	p := demoPlanner(t)
	terr := p.Territory()
	c := terr.Communes[0].Center
	box := layer.Query{Bound: orb.Bound{Min: orb.Point{c[0] - 0.05, c[1] - 0.04}, Max: orb.Point{c[0] + 0.05, c[1] + 0.04}}}
	for _, id := range []string{"cells", "coverage-seniors-20min-walk"} {
		l, err := p.Layer(id)
		if err != nil {
			t.Fatal(err)
		}
		if !l.Skips {
			t.Fatalf("%s does not skip by itself", id)
		}
		for _, q := range []layer.Query{{}, box} {
			ids := func(q layer.Query) []string {
				var out []string
				if err := l.Iterate(q, func(f *layer.Feature) error { out = append(out, f.ID); return nil }); err != nil {
					t.Fatal(err)
				}
				return out
			}
			all := ids(q)
			if len(all) < 50 {
				t.Fatalf("%s: %d features", id, len(all))
			}
			for _, skip := range []int{1, 37, len(all) - 1, len(all), len(all) + 5} {
				q.Skip = skip
				if got := ids(q); !slices.Equal(got, all[min(skip, len(all)):]) {
					t.Fatalf("%s, skip %d: %d features, want %d", id, skip, len(got), len(all)-min(skip, len(all)))
				}
			}
		}
	}
}

// demoPlanner is a planner over the demo territory with the default
// configuration.
func demoPlanner(t *testing.T) *planner.Planner {
	t.Helper()
	terr, _, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	p, err := planner.New(terr, planner.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHexLayerFullUpTo checks Query.FullUpTo: a box seen at a zoom that
// aggregates cells gets them at full resolution, the same features as with
// no zoom, when it holds few enough; more than FullUpTo, and it stays
// aggregated.
func TestHexLayerFullUpTo(t *testing.T) {
	p := demoPlanner(t)
	terr := p.Territory()
	c := terr.Communes[0].Center
	box := orb.Bound{Min: orb.Point{c[0] - 0.05, c[1] - 0.04}, Max: orb.Point{c[0] + 0.05, c[1] + 0.04}}
	l, err := p.Layer("coverage-seniors-20min-walk")
	if err != nil {
		t.Fatal(err)
	}
	type feat struct {
		id  string
		res int
	}
	feats := func(q layer.Query) []feat {
		var out []feat
		if err := l.Iterate(q, func(f *layer.Feature) error {
			out = append(out, feat{f.ID, h3.Cell(f.NumID).Resolution()})
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	full := feats(layer.Query{Bound: box})
	if len(full) < 50 || full[0].res != terr.Resolution {
		t.Fatalf("full detail: %d features, the first at resolution %d", len(full), full[0].res)
	}
	coarse := feats(layer.Query{Bound: box, Zoom: 8})
	if len(coarse) == 0 || coarse[0].res >= terr.Resolution || len(coarse) >= len(full) {
		t.Fatalf("zoom 8: %d features at resolution %d, want fewer parents than the %d cells", len(coarse), coarse[0].res, len(full))
	}
	// Enough room: the cells themselves, as at full detail.
	if got := feats(layer.Query{Bound: box, Zoom: 8, FullUpTo: 10 * len(full)}); !slices.Equal(got, full) {
		t.Errorf("zoom 8, full up to %d: %d features, want the %d cells", 10*len(full), len(got), len(full))
	}
	// Zoomed out so far that the cells would be specks: aggregated anyway.
	far := feats(layer.Query{Bound: box, Zoom: 4})
	if got := feats(layer.Query{Bound: box, Zoom: 4, FullUpTo: 10 * len(full)}); !slices.Equal(got, far) || len(far) >= len(full) {
		t.Errorf("zoom 4, full up to %d: %d features, want the %d parents", 10*len(full), len(got), len(far))
	}
	// Too many cells in the box: aggregated as without FullUpTo.
	if got := feats(layer.Query{Bound: box, Zoom: 8, FullUpTo: len(full) / 2}); !slices.Equal(got, coarse) {
		t.Errorf("zoom 8, full up to %d: %d features, want the %d parents", len(full)/2, len(got), len(coarse))
	}
	t.Logf("%d cells in the box, %d parents at zoom 8", len(full), len(coarse))
}

// TestHexLayerFindsID checks Query.ID on the H3 layers, found by binary
// search, against a walk over every feature: the same feature for the
// first, middle and last cells, none for ids that are not a feature (a
// parent cell, a cell the profile leaves out, a malformed id, an id in
// capitals), and none when the box leaves the cell out.
func TestHexLayerFindsID(t *testing.T) {
	p := demoPlanner(t)
	cells := p.Territory().Cells
	for _, id := range []string{"cells", "coverage-france-services-30min-car"} {
		l, err := p.Layer(id)
		if err != nil {
			t.Fatal(err)
		}
		if !l.FindsID {
			t.Fatalf("%s does not find ids by itself", id)
		}
		walk := map[string][]any{}
		if err := l.Iterate(layer.Query{}, func(f *layer.Feature) error {
			walk[f.ID] = slices.Clone(f.Values)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		parent, _ := cells[0].H3.Parent(7)
		missing := ""
		for i := range cells {
			if _, ok := walk[cells[i].H3.String()]; !ok {
				missing = cells[i].H3.String() // a cell the layer leaves out
				break
			}
		}
		ids := []string{cells[0].H3.String(), cells[len(cells)/2].H3.String(), cells[len(cells)-1].H3.String(),
			parent.String(), missing, "nope", strings.ToUpper(cells[1].H3.String())}
		for _, fid := range ids {
			if fid == "" {
				continue
			}
			var got [][]any
			if err := l.Iterate(layer.Query{ID: fid}, func(f *layer.Feature) error {
				got = append(got, slices.Clone(f.Values))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			want, ok := walk[fid]
			switch {
			case !ok && len(got) != 0:
				t.Errorf("%s: id %q is no feature, found %v", id, fid, got)
			case ok && (len(got) != 1 || !slices.Equal(got[0], want)):
				t.Errorf("%s: id %q: found %v, the walk has %v", id, fid, got, want)
			}
		}
		// The box still applies.
		c := cells[0].Center
		far := orb.Bound{Min: orb.Point{c[0] + 1, c[1] + 1}, Max: orb.Point{c[0] + 1.1, c[1] + 1.1}}
		n := 0
		l.Iterate(layer.Query{ID: cells[0].H3.String(), Bound: far}, func(*layer.Feature) error { n++; return nil })
		if n != 0 {
			t.Errorf("%s: the cell found outside the box", id)
		}
	}
}

// TestHexLayerConcurrent iterates one H3 layer from several goroutines at
// once, as parallel tile requests do: every feature's geometry is its own
// cell's hexagon (a geometry shared between the iterations would give some
// feature another cell's; the race detector flags the sharing itself).
func TestHexLayerConcurrent(t *testing.T) {
	p := demoPlanner(t)
	l, err := p.Layer("coverage-seniors-20min-walk")
	if err != nil {
		t.Fatal(err)
	}
	b := p.Territory().Communes[0].Center
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Aggregated (zoom 8) and full-detail cells, in boxes that cut hexagons.
			q := layer.Query{Zoom: 8 + 3*(g%2), Bound: orb.Bound{Min: orb.Point{b[0] - 0.2, b[1] - 0.15}, Max: orb.Point{b[0] + 0.01*float64(g), b[1] + 0.15}}}
			errs <- l.Iterate(q, func(f *layer.Feature) error {
				g, err := f.Geometry()
				if err != nil {
					return err
				}
				if want := geo.CellPolygon(h3.Cell(f.NumID)).Bound(); g.Bound() != want {
					return fmt.Errorf("feature %s: geometry %v, its hexagon %v", f.ID, g.Bound(), want)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
