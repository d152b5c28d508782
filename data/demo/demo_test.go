package demo_test

import (
	"bytes"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/data/demo"
	"github.com/maillage/maillage/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"github.com/uber/h3-go/v4"
)

func mustDemo(t testing.TB, seed uint64) (*maillage.Territory, *osm.OSM) {
	t.Helper()
	tr, o, err := demo.Territory(seed)
	if err != nil {
		t.Fatal(err)
	}
	return tr, o
}

func TestDemoDeterministic(t *testing.T) {
	a, oa := mustDemo(t, demo.DefaultSeed)
	b, ob := mustDemo(t, demo.DefaultSeed)
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(oa, ob) {
		t.Fatal("two calls with the same seed differ")
	}
	c, _ := mustDemo(t, demo.DefaultSeed+1)
	if reflect.DeepEqual(a.Cells, c.Cells) {
		t.Fatal("another seed gives the same cells")
	}
}

func TestDemoPopulation(t *testing.T) {
	tr, _ := mustDemo(t, demo.DefaultSeed)
	if !tr.Fictional || tr.Name != demo.Name || tr.Resolution != 9 {
		t.Fatalf("labels: %q fictional=%v res %d", tr.Name, tr.Fictional, tr.Resolution)
	}
	var tot maillage.Pop
	if len(tr.Parts) != 0 {
		t.Fatalf("%d parts, want none", len(tr.Parts))
	}
	for i, c := range tr.Cells {
		tot.Add(c.Pop)
		var bands float64
		for _, a := range maillage.AgeBands {
			if c.Pop[a] < 0 {
				t.Fatalf("cell %d: negative %s", i, a)
			}
			bands += c.Pop[a]
		}
		if math.Abs(bands-c.Pop[maillage.Ind]) > 1e-9*c.Pop[maillage.Ind] {
			t.Fatalf("cell %d: bands sum to %g, Ind %g", i, bands, c.Pop[maillage.Ind])
		}
		if c.Pop[maillage.MenPauv] > c.Pop[maillage.Men] || c.Pop[maillage.Men1Ind] > c.Pop[maillage.Men] || c.Pop[maillage.Men] > c.Pop[maillage.Ind] {
			t.Fatalf("cell %d: households implausible: %v", i, c.Pop)
		}
		if i > 0 && tr.Cells[i-1].H3 >= c.H3 {
			t.Fatalf("cells not sorted at %d", i)
		}
		if c.H3.Resolution() != 9 || !c.H3.IsValid() {
			t.Fatalf("cell %d: %v not a valid resolution-9 cell", i, c.H3)
		}
		ll, _ := h3.CellToLatLng(c.H3)
		if c.Center != (orb.Point{ll.Lng, ll.Lat}) {
			t.Fatalf("cell %d: centre %v, H3 says %v", i, c.Center, ll)
		}
		// Every cell lies in one commune: no parts, its Commune holds all.
		if c.PartEnd != c.PartStart || c.Commune < 0 || int(c.Commune) >= len(tr.Communes) {
			t.Fatalf("cell %d: parts %d..%d, commune %d", i, c.PartStart, c.PartEnd, c.Commune)
		}
	}
	ind := tot[maillage.Ind]
	if ind < 100_000 || ind > 300_000 {
		t.Fatalf("population %.0f, want 100k-300k", ind)
	}
	if hh := ind / tot[maillage.Men]; hh < 1.8 || hh > 2.6 {
		t.Fatalf("%.2f persons per household", hh)
	}
	if len(tr.Cells) < 2000 {
		t.Fatalf("only %d cells", len(tr.Cells))
	}

	// Older countryside, poorer towns: compare the three town communes with the rest.
	var town, rural maillage.Pop
	for _, c := range tr.Cells {
		if c.Commune < 3 {
			town.Add(c.Pop)
		} else {
			rural.Add(c.Pop)
		}
	}
	old := func(p maillage.Pop) float64 { return (p[maillage.Ind65_79] + p[maillage.Ind80p]) / p[maillage.Ind] }
	poor := func(p maillage.Pop) float64 { return p[maillage.MenPauv] / p[maillage.Men] }
	if old(rural) < old(town)+0.05 {
		t.Errorf("65+ share: rural %.3f, towns %.3f; want rural clearly older", old(rural), old(town))
	}
	if town[maillage.Ind] < 0.3*ind || rural[maillage.Ind] < 0.3*ind {
		t.Errorf("towns %.0f, rest %.0f: want both substantial", town[maillage.Ind], rural[maillage.Ind])
	}
	// Poverty pockets: some town cells have a poverty rate above 30 %.
	pockets := 0
	for _, c := range tr.Cells {
		if c.Commune < 3 && c.Pop[maillage.Ind] > 50 && poor(c.Pop) > 0.3 {
			pockets++
		}
	}
	if pockets < 5 || poor(town) > 0.25 {
		t.Errorf("%d poverty-pocket cells, town poverty %.3f", pockets, poor(town))
	}
}

func TestDemoCommunes(t *testing.T) {
	tr, _ := mustDemo(t, demo.DefaultSeed)
	if len(tr.Communes) < 40 || len(tr.Communes) > 90 {
		t.Fatalf("%d communes", len(tr.Communes))
	}
	codes, names := map[string]bool{}, map[string]bool{}
	for _, c := range tr.Communes {
		if !strings.HasPrefix(c.Code, "99") || len(c.Code) != 5 || codes[c.Code] || names[c.Name] {
			t.Fatalf("commune %q %q: code not 99xxx or not unique", c.Code, c.Name)
		}
		codes[c.Code], names[c.Name] = true, true
		if len(c.Geometry) != 1 || c.Geometry[0][0].Orientation() != orb.CCW {
			t.Fatalf("commune %s: want one polygon with a counter-clockwise exterior", c.Code)
		}
	}
	ci := geo.NewCommuneIndex(tr.Communes)
	for i, c := range tr.Cells {
		if got := ci.Locate(c.Center); got != int(c.Commune) {
			t.Fatalf("cell %d centre in commune %d, cell says %d", i, got, c.Commune)
		}
	}
	for i, c := range tr.Communes {
		if got := ci.Locate(c.Center); got != i {
			t.Fatalf("commune %s: centre in %d", c.Code, got)
		}
	}
}

func TestDemoVenues(t *testing.T) {
	tr, _ := mustDemo(t, demo.DefaultSeed)
	ci := geo.NewCommuneIndex(tr.Communes)
	ids := map[string]bool{}
	var located, itinerant, fs, inTowns, unknown, seniors int
	for _, v := range tr.Venues {
		if ids[v.ID] {
			t.Fatalf("duplicate venue id %s", v.ID)
		}
		ids[v.ID] = true
		if v.Itinerant {
			itinerant++
			if h := v.Hours.Hours(); h < 2.5 || h > 3.5 {
				t.Errorf("%s: itinerant stop open %.1f h a week, want a half-day", v.Name, h)
			}
		}
		if v.HasProgramme("France Services") && !v.Itinerant {
			fs++
		}
		if !v.Hours.Known {
			unknown++
		} else if h := v.Hours.Hours(); h <= 0 || h > 60 {
			t.Errorf("%s: %.1f h a week", v.Name, h)
		}
		if slices.Contains(v.Publics, "Seniors") {
			seniors++
		}
		if !v.Located {
			continue
		}
		located++
		i := ci.Locate(v.Point)
		if i < 0 || tr.Communes[i].Code != v.Commune {
			t.Fatalf("%s at %v: in commune %d, venue says %s", v.Name, v.Point, i, v.Commune)
		}
		if i < 3 {
			inTowns++
		}
	}
	if located != len(tr.Venues)-1 || itinerant != 6 || fs != 4 || unknown != 1 || seniors < 5 {
		t.Fatalf("%d venues: %d located, %d itinerant, %d fixed France Services, %d hours unknown, %d for seniors",
			len(tr.Venues), located, itinerant, fs, unknown, seniors)
	}
	if inTowns*2 < located {
		t.Fatalf("%d of %d located venues in towns, want most", inTowns, located)
	}
	s := data.Summarize(tr)
	if s.Venues.Read != len(tr.Venues)+1 || s.Venues.Rejected != 1 || s.Venues.Located != located || len(s.Issues) != 3 {
		t.Fatalf("summary venues %+v, %d issues", s.Venues, len(s.Issues))
	}
}

func TestDemoRoads(t *testing.T) {
	tr, o := mustDemo(t, demo.DefaultSeed)
	nodes := map[osm.NodeID]*osm.Node{}
	for _, n := range o.Nodes {
		if nodes[n.ID] != nil {
			t.Fatalf("duplicate node %d", n.ID)
		}
		nodes[n.ID] = n
	}
	parent := map[osm.NodeID]osm.NodeID{}
	find := func(x osm.NodeID) osm.NodeID {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for id := range nodes {
		parent[id] = id
	}
	kinds := map[string]int{}
	oneway, maxspeed := 0, 0
	for _, w := range o.Ways {
		kinds[w.Tags.Find("highway")]++
		if w.Tags.Find("oneway") == "yes" {
			oneway++
		}
		if w.Tags.Find("maxspeed") != "" {
			maxspeed++
		}
		if len(w.Nodes) < 2 {
			t.Fatalf("way %d has %d nodes", w.ID, len(w.Nodes))
		}
		for _, wn := range w.Nodes {
			n := nodes[wn.ID]
			if n == nil {
				t.Fatalf("way %d references missing node %d", w.ID, wn.ID)
			}
			if n.Lat != wn.Lat || n.Lon != wn.Lon {
				t.Fatalf("way %d node %d position differs", w.ID, wn.ID)
			}
			parent[find(wn.ID)] = find(w.Nodes[0].ID)
		}
	}
	roots := map[osm.NodeID]bool{}
	for id := range nodes {
		roots[find(id)] = true
	}
	if len(roots) != 1 {
		t.Fatalf("road network has %d connected components, want 1", len(roots))
	}
	for _, k := range []string{"primary", "secondary", "tertiary", "residential", "unclassified", "track", "footway"} {
		if kinds[k] == 0 {
			t.Errorf("no %s way", k)
		}
	}
	if len(kinds) != 7 || oneway != 2 || maxspeed < 50 {
		t.Errorf("highway kinds %v, %d one-way, %d with maxspeed", kinds, oneway, maxspeed)
	}
	// Every populated cell has a road node within 1.5 km (so snapping works).
	var idx geo.Index[int]
	for i, n := range o.Nodes {
		idx.InsertPoint(orb.Point{n.Lon, n.Lat}, i)
	}
	for i, c := range tr.Cells {
		var deg float64 = math.Inf(1)
		idx.Nearby(c.Center, func(_ orb.Bound, _ int, d float64) bool { deg = d; return false })
		if km := deg * 111.2; km > 1.5 {
			t.Fatalf("cell %d is %.2f km from the nearest road node", i, km)
		}
	}
}

func BenchmarkDemoTerritory(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := demo.Territory(demo.DefaultSeed); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDemoTerritoryFileRoundTrip(t *testing.T) {
	tr, _ := mustDemo(t, demo.DefaultSeed)
	tr.Roads = []byte{1, 2, 3}
	var buf bytes.Buffer
	if err := data.WriteTerritory(&buf, tr); err != nil {
		t.Fatal(err)
	}
	got, err := data.ReadTerritory(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, tr) {
		t.Fatal("demo territory differs after a territory-file round trip")
	}
}
