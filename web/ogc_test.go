package web

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/layer"
	"github.com/maillage/maillage/internal/planner"
)

// itemsPage is a decoded /items answer.
type itemsAnswer struct {
	Type           string             `json:"type"`
	Features       []*geojson.Feature `json:"features"`
	NumberMatched  int                `json:"numberMatched"`
	NumberReturned int                `json:"numberReturned"`
	TimeStamp      string             `json:"timeStamp"`
	Links          []Link             `json:"links"`
}

func linkOf(ls []Link, rel string) *Link {
	for i := range ls {
		if ls[i].Rel == rel {
			return &ls[i]
		}
	}
	return nil
}

func getItems(t *testing.T, h http.Handler, target string) itemsAnswer {
	t.Helper()
	rec := getWith(t, h, target, nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != geoJSONType {
		t.Fatalf("%s: %d %q %s", target, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
	}
	var a itemsAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	if a.Type != "FeatureCollection" || a.NumberReturned != len(a.Features) || a.TimeStamp == "" {
		t.Fatalf("%s: type %q, numberReturned %d for %d features, timeStamp %q", target, a.Type, a.NumberReturned, len(a.Features), a.TimeStamp)
	}
	for _, l := range a.Links {
		if !strings.HasPrefix(l.Href, "http://example.com/") {
			t.Fatalf("%s: relative href %q", target, l.Href)
		}
	}
	return a
}

// pathOf turns an absolute href of the test server into a request target.
func pathOf(href string) string { return strings.TrimPrefix(href, "http://example.com") }

func TestOGCLandingAndConformance(t *testing.T) {
	h := newTestServer(t, Config{}, mustDemo(t)).Handler()
	rec := getWith(t, h, "/ogc", nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != jsonType {
		t.Fatalf("%d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var land struct {
		Title string `json:"title"`
		Links []Link `json:"links"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &land); err != nil || land.Title == "" {
		t.Fatal(err, rec.Body.String())
	}
	want := map[string]string{"self": jsonType, "alternate": htmlType, "service-desc": oasType,
		"service-doc": htmlType, "conformance": jsonType, "data": jsonType}
	for rel, typ := range want {
		l := linkOf(land.Links, rel)
		if l == nil || l.Type != typ || !strings.HasPrefix(l.Href, "http://example.com/") {
			t.Fatalf("link %s: %+v", rel, l)
		}
		r := getWith(t, h, pathOf(l.Href), nil)
		if r.Code != 200 || !strings.HasPrefix(r.Header().Get("Content-Type"), strings.Split(typ, ";")[0]) {
			t.Fatalf("%s → %s: %d %q", rel, l.Href, r.Code, r.Header().Get("Content-Type"))
		}
	}
	if l := linkOf(land.Links, "service-desc"); l.Href != "http://example.com/api/openapi.json" {
		t.Fatalf("service-desc %s", l.Href)
	}
	// HTML by Accept and by f=html.
	for _, r := range []*struct {
		target string
		hdr    map[string]string
	}{{"/ogc", map[string]string{"Accept": "text/html,application/xhtml+xml"}}, {"/ogc?f=html", nil}} {
		rec := getWith(t, h, r.target, r.hdr)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), htmlType) || !strings.Contains(rec.Body.String(), "/ogc/collections") {
			t.Fatalf("%s html: %d %q", r.target, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
	rec = getWith(t, h, "/ogc/conformance", nil)
	var conf struct {
		ConformsTo []string `json:"conformsTo"`
	}
	json.Unmarshal(rec.Body.Bytes(), &conf)
	got := strings.Join(conf.ConformsTo, " ")
	for _, c := range []string{confCore, confGeoJSON, confHTML, confOAS30} {
		if !strings.Contains(got, c) {
			t.Fatalf("conformance lacks %s: %v", c, conf.ConformsTo)
		}
	}
	for _, target := range []string{"/ogc?foo=1", "/ogc/conformance?f=xml", "/ogc/collections?limit=3"} {
		if rec := getWith(t, h, target, nil); rec.Code != 400 {
			t.Fatalf("%s: %d", target, rec.Code)
		}
	}
}

func TestOGCCollections(t *testing.T) {
	s := newTestServer(t, Config{}, mustDemo(t))
	h := s.Handler()
	rec := getWith(t, h, "/ogc/collections", nil)
	var cols struct {
		Collections []struct {
			ID       string `json:"id"`
			ItemType string `json:"itemType"`
			Extent   struct {
				Spatial struct {
					BBox [][]float64 `json:"bbox"`
					CRS  string      `json:"crs"`
				} `json:"spatial"`
			} `json:"extent"`
			Links []Link `json:"links"`
		} `json:"collections"`
		Links []Link `json:"links"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &cols); err != nil {
		t.Fatal(err)
	}
	ids := append(s.p.LayerIDs(), s.p.ProposalLayerIDs()...)
	if len(cols.Collections) != len(ids) {
		t.Fatalf("%d collections, want %d", len(cols.Collections), len(ids))
	}
	for i, c := range cols.Collections {
		if c.ID != ids[i] || c.ItemType != "feature" || len(c.Extent.Spatial.BBox) != 1 || len(c.Extent.Spatial.BBox[0]) != 4 || c.Extent.Spatial.CRS != crs84 {
			t.Fatalf("collection %+v", c)
		}
		b := c.Extent.Spatial.BBox[0]
		if !(b[0] < b[2] && b[1] < b[3]) || b[0] < -5 || b[2] > 10 || b[1] < 41 || b[3] > 52 {
			t.Fatalf("%s: bbox %v not a box in France", c.ID, b)
		}
		items := linkOf(c.Links, "items")
		if items == nil || items.Type != geoJSONType {
			t.Fatalf("%s: items link %+v", c.ID, items)
		}
		one := getWith(t, h, "/ogc/collections/"+c.ID, nil)
		if one.Code != 200 || !strings.Contains(one.Body.String(), `"id":"`+c.ID+`"`) {
			t.Fatalf("%s: %d", c.ID, one.Code)
		}
	}
	if rec := getWith(t, h, "/ogc/collections/nope", nil); rec.Code != 404 {
		t.Fatalf("unknown collection: %d", rec.Code)
	}
	if rec := getWith(t, h, "/ogc/collections/nope/items", nil); rec.Code != 404 {
		t.Fatalf("unknown collection items: %d", rec.Code)
	}
}

// allFeatures is every feature of l, by the layer itself.
func allFeatures(t *testing.T, l *layer.Layer, q layer.Query) []string {
	t.Helper()
	var ids []string
	if err := l.Iterate(q, func(f *layer.Feature) error { ids = append(ids, f.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestOGCPaging follows next links through every collection: the pages'
// union is the collection, in order, each id once, numberMatched the same
// on every page; next is on every page but the last, prev on every page
// but the first, and they keep the other parameters.
func TestOGCPaging(t *testing.T) {
	s := newTestServer(t, Config{}, mustDemo(t))
	h := s.Handler()
	for _, l := range s.p.Layers() {
		want := allFeatures(t, l, layer.Query{})
		limit := max(7, len(want)/4) // a handful of pages
		target := fmt.Sprintf("/ogc/collections/%s/items?limit=%d", l.ID, limit)
		var got []string
		pages := 0
		for target != "" {
			a := getItems(t, h, target)
			if a.NumberMatched != len(want) {
				t.Fatalf("%s: numberMatched %d, want %d", target, a.NumberMatched, len(want))
			}
			if pages > 0 && linkOf(a.Links, "prev") == nil {
				t.Fatalf("%s: no prev link", target)
			}
			if pages == 0 && linkOf(a.Links, "prev") != nil {
				t.Fatalf("%s: prev on the first page", target)
			}
			for _, f := range a.Features {
				got = append(got, fmt.Sprint(f.ID))
			}
			target = ""
			if n := linkOf(a.Links, "next"); n != nil {
				if len(a.Features) != limit {
					t.Fatalf("next after a short page of %d", len(a.Features))
				}
				target = pathOf(n.Href)
			} else if len(got) != len(want) {
				t.Fatalf("%s: no next link after %d of %d", l.ID, len(got), len(want))
			}
			pages++
			if pages > 20 {
				t.Fatalf("%s: too many pages", l.ID)
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("%s: pages' union differs from the collection (%d vs %d)", l.ID, len(got), len(want))
		}
		seen := map[string]bool{}
		for _, id := range got {
			if seen[id] {
				t.Fatalf("%s: id %s twice", l.ID, id)
			}
			seen[id] = true
		}
	}
}

func TestOGCItemsParameters(t *testing.T) {
	s := newTestServer(t, Config{}, mustDemo(t))
	h := s.Handler()
	cells, _ := s.p.Layer("cells")
	all := allFeatures(t, cells, layer.Query{})

	// Default and clamped limits.
	a := getItems(t, h, "/ogc/collections/cells/items")
	if a.NumberReturned != ItemsDefaultLimit || a.NumberMatched != len(all) {
		t.Fatalf("default page: %d of %d", a.NumberReturned, a.NumberMatched)
	}
	a = getItems(t, h, "/ogc/collections/cells/items?limit=999999999999999999999")
	if a.NumberReturned != min(ItemsMaxLimit, len(all)) {
		t.Fatalf("clamped page: %d", a.NumberReturned)
	}
	if n := linkOf(a.Links, "next"); len(all) > ItemsMaxLimit && (n == nil || !strings.Contains(n.Href, fmt.Sprintf("limit=%d", ItemsMaxLimit))) {
		t.Fatalf("next after a clamped page: %+v", n)
	}
	// Coordinates to 6 decimals.
	for _, f := range a.Features[:5] {
		for _, p := range f.Geometry.(orb.Polygon)[0] {
			for _, x := range p {
				if s := fmt.Sprint(x); len(s) > len(strings.Split(s, ".")[0])+7 {
					t.Fatalf("coordinate %s has more than 6 decimals", s)
				}
			}
		}
	}
	// An offset past the end is an empty last page.
	a = getItems(t, h, fmt.Sprintf("/ogc/collections/cells/items?offset=%d", len(all)+5))
	if a.NumberReturned != 0 || linkOf(a.Links, "next") != nil || linkOf(a.Links, "prev") == nil {
		t.Fatalf("past the end: %d features, links %+v", a.NumberReturned, a.Links)
	}

	// Property filter and bbox agree with the layer filtered locally.
	commune := s.t.Communes[s.t.Cells[len(s.t.Cells)/2].Commune].Code
	want := 0
	box := orb.Bound{Min: orb.Point{s.t.Cells[100].Center[0] - 0.05, s.t.Cells[100].Center[1] - 0.03}, Max: orb.Point{s.t.Cells[100].Center[0] + 0.05, s.t.Cells[100].Center[1] + 0.03}}
	inBox, inBoth := 0, 0
	ci := cells.Field("commune")
	cells.Iterate(layer.Query{}, func(f *layer.Feature) error {
		g, _ := f.Geometry()
		in := layer.Intersects(g, box)
		if f.Values[ci] == commune {
			want++
			if in {
				inBoth++
			}
		}
		if in {
			inBox++
		}
		return nil
	})
	a = getItems(t, h, "/ogc/collections/cells/items?limit=10000&commune="+commune)
	if a.NumberMatched != want || want == 0 {
		t.Fatalf("commune=%s: %d, want %d", commune, a.NumberMatched, want)
	}
	for _, f := range a.Features {
		if f.Properties["commune"] != commune {
			t.Fatalf("commune=%s gave %v", commune, f.Properties["commune"])
		}
	}
	bb := fmt.Sprintf("%g,%g,%g,%g", box.Min[0], box.Min[1], box.Max[0], box.Max[1])
	a = getItems(t, h, "/ogc/collections/cells/items?limit=7&bbox="+bb+"&commune="+commune)
	if a.NumberMatched != inBoth {
		t.Fatalf("bbox and commune: %d, want %d", a.NumberMatched, inBoth)
	}
	if inBoth > 7 {
		next := linkOf(a.Links, "next")
		u, _ := url.Parse(next.Href)
		if u.Query().Get("bbox") != bb || u.Query().Get("commune") != commune || u.Query().Get("offset") != "7" {
			t.Fatalf("next link lost parameters: %s", next.Href)
		}
	}
	a = getItems(t, h, "/ogc/collections/cells/items?bbox="+bb)
	if a.NumberMatched != inBox || inBox == 0 {
		t.Fatalf("bbox: %d, want %d", a.NumberMatched, inBox)
	}

	// One feature by id equals its item.
	first := getItems(t, h, "/ogc/collections/venues/items?limit=1").Features[0]
	rec := getWith(t, h, "/ogc/collections/venues/items/"+url.PathEscape(fmt.Sprint(first.ID)), nil)
	one, err := geojson.UnmarshalFeature(rec.Body.Bytes())
	if rec.Code != 200 || err != nil || one.ID != first.ID || one.Properties["name"] != first.Properties["name"] {
		t.Fatalf("feature: %d %v %s", rec.Code, err, rec.Body.Bytes())
	}
}

// TestOGCBadInput: each bad request is a 400 (or 404) JSON error.
func TestOGCBadInput(t *testing.T) {
	h := newTestServer(t, Config{}, mustDemo(t)).Handler()
	for _, tc := range []struct {
		query string
		want  int
		says  string
	}{
		{"bbox=1,2,3", 400, "want 4"},
		{"bbox=a,b,c,d", 400, "not a finite number"},
		{"bbox=1,44,2,45,0,100", 400, "3D"},
		{"bbox=170,-10,-170,10", 400, "antimeridian"},
		{"bbox=1,46,2,45", 400, "minLat"},
		{"bbox=1,44,2,95", 400, "latitude"},
		{"bbox=NaN,44,2,45", 400, "finite"},
		{"offset=-1", 400, "offset"},
		{"offset=1000000000000", 400, "offset"},
		{"offset=99999999999999999999999", 400, "offset"},
		{"limit=0", 400, "limit"},
		{"limit=-5", 400, "limit"},
		{"limit=unlimited", 400, "limit"},
		{"limit=1.5", 400, "limit"},
		{"foo=bar", 400, "unknown parameter"},
		{"Ind=3", 400, ""}, // a field of cells, not of venues
		{"services=x", 400, "unknown parameter"},
		{"limit=1&limit=2", 400, "once"},
		{"bbox-crs=EPSG:2154", 400, "bbox-crs"},
		{"f=xml", 400, "f="},
	} {
		rec := getWith(t, h, "/ogc/collections/venues/items?"+tc.query, nil)
		if rec.Code != tc.want {
			t.Errorf("%s: %d, want %d: %s", tc.query, rec.Code, tc.want, rec.Body.Bytes())
			continue
		}
		if e := errorOf(t, rec.Body.Bytes()); !strings.Contains(e.Error, tc.says) {
			t.Errorf("%s: %q does not say %q", tc.query, e.Error, tc.says)
		}
	}
	for _, target := range []string{"/ogc/collections/venues/items/no-such-place", "/ogc/collections/nope/items/1",
		"/ogc/collections/scenario-1-places", "/ogc/collections/scenario-x-places/items"} {
		if rec := getWith(t, h, target, nil); rec.Code != 404 {
			t.Errorf("%s: %d, want 404", target, rec.Code)
		}
	}
}

// BenchmarkItems1000 is one page of 1,000 cell features over loopback
// (target ≤ 20 ms median; pg_featureserv: 21.7 ms).
func BenchmarkItems1000(b *testing.B) {
	s := newTestServer(b, Config{}, mustDemo(b))
	loopbackMedian(b, s, "/ogc/collections/cells/items?limit=1000")
}

// TestOGCLandingLinksTrustedProxy: hrefs follow X-Forwarded-Proto/Host only from a
// trusted proxy.
func TestOGCLandingLinksTrustedProxy(t *testing.T) {
	fwd := map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "sig.example.fr"}
	for _, tc := range []struct {
		trusted []netip.Prefix
		want    string
	}{
		{nil, "http://example.com/ogc/collections"},
		{[]netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, "https://sig.example.fr/ogc/collections"},
	} {
		s := newTestServer(t, Config{TrustedProxies: tc.trusted}, mustDemo(t))
		rec := getWith(t, s.Handler(), "/ogc", fwd) // httptest's RemoteAddr is 192.0.2.1
		var land struct{ Links []Link }
		json.Unmarshal(rec.Body.Bytes(), &land)
		if l := linkOf(land.Links, "data"); l == nil || l.Href != tc.want {
			t.Fatalf("trusted %v: data link %+v, want %s", tc.trusted, l, tc.want)
		}
	}
}

// TestOGCScenarioResults: scenario-{id}-results-{profile} is listed, has one
// feature per commune outline and carries the planner's evaluation; an
// unknown scenario or profile is a 404.
func TestOGCScenarioResults(t *testing.T) {
	h, _ := scenarioServer(t)
	p := mustPlanner(t)
	tr := p.Territory()
	const profile = "seniors-20min-walk"
	code, _, body := do(t, h, "POST", "/api/v1/scenarios", strings.NewReader(`{"name":"close one","changes":[{"op":"remove","venue_id":"`+tr.Venues[0].ID+`"}]}`))
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	var sc scenario.Scenario
	json.Unmarshal(body, &sc)
	id := planner.ScenarioResultsID(sc.ID, profile)

	rec := getWith(t, h, "/ogc/collections", nil)
	var cols struct{ Collections []struct{ ID string } }
	json.Unmarshal(rec.Body.Bytes(), &cols)
	listed := 0
	for _, c := range cols.Collections {
		for _, pr := range p.Profiles() {
			if c.ID == planner.ScenarioResultsID(sc.ID, pr.Name) {
				listed++
			}
		}
	}
	if listed != len(p.Profiles()) {
		t.Fatalf("%d results collections listed, want %d (one per profile)", listed, len(p.Profiles()))
	}

	ev, err := p.Evaluate(sc, profile)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]scenario.RowDelta{}
	for _, d := range ev.Delta.Communes {
		want[d.Code] = d
	}
	outlines := 0
	for i := range tr.Communes {
		if tr.Communes[i].Geometry != nil {
			outlines++
		}
	}
	a := getItems(t, h, "/ogc/collections/"+id+"/items?limit=10000")
	if a.NumberMatched != outlines || a.NumberReturned != outlines || outlines == 0 {
		t.Fatalf("%d matched, %d returned, want %d communes", a.NumberMatched, a.NumberReturned, outlines)
	}
	changed := 0
	for _, f := range a.Features {
		d := want[f.Properties.MustString("commune")]
		for name, w := range map[string]float64{"base_covered": d.A.Covered, "after_covered": d.B.Covered,
			"after_share": d.B.Share(), "delta_weighted_covered": d.WeightedCovered, "delta_covered": d.Covered} {
			if got := f.Properties.MustFloat64(name); math.Abs(got-w) > 1e-3 {
				t.Fatalf("commune %v %s = %g, evaluation says %g", f.ID, name, got, w)
			}
		}
		if d.Covered != 0 {
			changed++
		}
	}
	if changed == 0 && ev.Delta.Total.Covered != 0 {
		t.Fatalf("no commune changed, total delta %g", ev.Delta.Total.Covered)
	}
	for _, target := range []string{"/ogc/collections/" + planner.ScenarioResultsID(sc.ID+99, profile) + "/items",
		"/ogc/collections/" + planner.ScenarioResultsID(sc.ID, "nope"), "/ogc/collections/scenario-1-results-"} {
		if rec := getWith(t, h, target, nil); rec.Code != 404 {
			t.Errorf("%s: %d, want 404: %s", target, rec.Code, rec.Body.Bytes())
		}
	}
}

// TestOGCProposals: proposals-{profile} is the default proposal's sites,
// with the planner's figures; an unknown profile is a 404.
func TestOGCProposals(t *testing.T) {
	h := newTestServer(t, Config{}, mustDemo(t)).Handler()
	p := mustPlanner(t)
	const profile = "seniors-20min-walk"
	prop, err := p.Propose(planner.DefaultProposal(profile))
	if err != nil {
		t.Fatal(err)
	}
	a := getItems(t, h, "/ogc/collections/proposals-"+profile+"/items?limit=100")
	if a.NumberMatched != len(prop.Sites) || len(prop.Sites) != planner.ProposalLayerK {
		t.Fatalf("%d items, proposal has %d sites, want %d", a.NumberMatched, len(prop.Sites), planner.ProposalLayerK)
	}
	cum := prop.CoveredBefore
	for i, f := range a.Features {
		s := prop.Sites[i]
		cum += s.Gain
		if f.Properties.MustInt("rank") != s.Rank || f.Properties.MustString("label") != s.Label ||
			math.Abs(f.Properties.MustFloat64("gain")-s.Gain) > 1e-3 || math.Abs(f.Properties.MustFloat64("cumulative_covered")-cum) > 1e-3 {
			t.Fatalf("site %d: %v, proposal says %+v (cumulative %g)", i, f.Properties, s, cum)
		}
	}
	if math.Abs(cum-prop.CoveredAfter) > 1e-6*prop.Total {
		t.Fatalf("cumulative %g, covered after %g", cum, prop.CoveredAfter)
	}
	if rec := getWith(t, h, "/ogc/collections/proposals-nope/items", nil); rec.Code != 404 {
		t.Fatalf("unknown profile: %d", rec.Code)
	}
}

// TestItemsCountKept: numberMatched is counted by the first page of a
// selection; the next pages of it stop after their last feature, with the
// same numberMatched, and another selection is counted anew.
func TestItemsCountKept(t *testing.T) {
	s := newTestServer(t, Config{}, mustDemo(t))
	visited := 0
	l := &layer.Layer{ID: "n", Geometry: layer.Point, Fields: []layer.Field{{Name: "even", Kind: layer.Boolean}},
		Each: func(q layer.Query, fn func(*layer.Feature) error) error {
			for i := range 1000 {
				visited++
				if err := fn(&layer.Feature{ID: strconv.Itoa(i), Geom: orb.Point{float64(i) / 1000, 45}, Values: []any{i%2 == 0}}); err != nil {
					return err
				}
			}
			return nil
		}}
	page := func(iq ItemsQuery) (int, int) {
		t.Helper()
		visited = 0
		_, matched, returned, err := s.itemsPage(l, iq, nil)
		if err != nil {
			t.Fatal(err)
		}
		return matched, returned
	}
	if m, r := page(ItemsQuery{Limit: 10}); m != 1000 || r != 10 || visited != 1000 {
		t.Fatalf("first page: matched %d, returned %d, %d visited", m, r, visited)
	}
	if m, r := page(ItemsQuery{Limit: 10, Offset: 20}); m != 1000 || r != 10 || visited != 31 {
		t.Fatalf("third page: matched %d, returned %d, %d visited (want 31)", m, r, visited)
	}
	even := ItemsQuery{Limit: 10, Offset: 10, Filters: map[int]string{0: "true"}}
	if m, r := page(even); m != 500 || r != 10 || visited != 1000 {
		t.Fatalf("filtered: matched %d, returned %d, %d visited", m, r, visited)
	}
	box := ItemsQuery{Limit: 10, Bound: orb.Bound{Min: orb.Point{0, 44}, Max: orb.Point{0.1, 46}}}
	if m, _ := page(box); m != 1000 || visited != 1000 {
		t.Fatalf("box (the layer does not filter): matched %d, %d visited", m, visited)
	}
	if m, _ := page(even); m != 500 || visited != 41 {
		t.Fatalf("filtered again: matched %d, %d visited (want 41)", m, visited)
	}
}

// TestOGCHTMLPages follows the HTML pages as a person would: the
// collections page lists every collection, linked; an items page has one
// table row per feature returned, prev and next, a title with the French
// count equal to numberMatched, and each id links to the feature's page.
func TestOGCHTMLPages(t *testing.T) {
	h := newTestServer(t, Config{}, mustDemo(t)).Handler()
	var cols struct{ Collections []struct{ ID string } }
	json.Unmarshal(getWith(t, h, "/ogc/collections", nil).Body.Bytes(), &cols)
	page := getWith(t, h, "/ogc/collections?f=html", nil).Body.String()
	for _, c := range cols.Collections {
		if !strings.Contains(page, `href="http://example.com/ogc/collections/`+c.ID+`/items?f=html"`) {
			t.Fatalf("collections page has no link to %s's items", c.ID)
		}
	}
	if len(cols.Collections) < 5 {
		t.Fatalf("%d collections", len(cols.Collections))
	}
	var fc struct{ NumberMatched int }
	json.Unmarshal(getWith(t, h, "/ogc/collections/cells/items?limit=5&offset=5", nil).Body.Bytes(), &fc)
	rec := getWith(t, h, "/ogc/collections/cells/items?limit=5&offset=5&f=html", nil)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), htmlType) {
		t.Fatalf("%d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	tbody := body[strings.Index(body, "<tbody>"):strings.Index(body, "</tbody>")]
	if n := strings.Count(tbody, "<tr>"); n != 5 {
		t.Fatalf("%d rows, want 5", n)
	}
	if want := "objets 6 à 10 sur " + labels.FR.Int(float64(fc.NumberMatched)); fc.NumberMatched < 1000 || !strings.Contains(body, want) {
		t.Fatalf("no %q in the page (numberMatched %d)", want, fc.NumberMatched)
	}
	for _, rel := range []string{`rel="prev"`, `rel="next"`} {
		if !strings.Contains(body, rel) {
			t.Fatalf("no %s link", rel)
		}
	}
	m := regexp.MustCompile(`<td><a href="http://example\.com(/ogc/collections/cells/items/([0-9a-f]+)\?f=html)">`).FindStringSubmatch(tbody)
	if m == nil {
		t.Fatalf("no feature link in\n%.600s", tbody)
	}
	feat := getWith(t, h, m[1], nil)
	if feat.Code != 200 || !strings.Contains(feat.Body.String(), "<h1>Population par cellule H3 — "+m[2]+"</h1>") || !strings.Contains(feat.Body.String(), `<td class="num">`) {
		t.Fatalf("feature page %s: %d\n%.800s", m[1], feat.Code, feat.Body.String())
	}
}
