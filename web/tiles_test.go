package web

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/uber/h3-go/v4"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/internal/layer"
	"github.com/maillage/maillage/internal/planner"
)

func getWith(t testing.TB, h http.Handler, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	h.ServeHTTP(rec, req)
	return rec
}

// demoTile returns the tile at zoom z holding the demo's most populated cell.
func demoTile(t testing.TB, z int) maptile.Tile {
	tr := mustDemo(t)
	best := 0
	for i := range tr.Cells {
		if tr.Cells[i].Pop[maillage.Ind] > tr.Cells[best].Pop[maillage.Ind] {
			best = i
		}
	}
	return maptile.At(tr.Cells[best].Center, maptile.Zoom(z))
}

// TestCellTile checks a z10 cell tile against a recomputation: one feature
// per resolution-8 parent (the resolution a z10 tile draws) whose hexagon's
// box meets the tile's box, each with the sum of its children's Ind, every
// vertex within the tile's buffer.
func TestCellTile(t *testing.T) {
	s := newTestServer(t, Config{}, mustDemo(t))
	tr := mustDemo(t)
	tile := demoTile(t, 10)
	rec := getWith(t, s.Handler(), fmt.Sprintf("/tiles/cells/%d/%d/%d.pbf", tile.Z, tile.X, tile.Y), nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != mvtType {
		t.Fatalf("status %d, type %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
	}
	if rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("ETag") == "" || rec.Header().Get("Cache-Control") == "" {
		t.Fatalf("headers %v", rec.Header())
	}
	ls, err := mvt.Unmarshal(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 1 || ls[0].Name != "cells" || ls[0].Version != 2 {
		t.Fatalf("layers %+v", ls)
	}
	// Independent recomputation.
	tb := tile.Bound()
	want := map[uint64]float64{}
	for i := range tr.Cells {
		par, err := tr.Cells[i].H3.Parent(8)
		if err != nil {
			t.Fatal(err)
		}
		if geo.CellPolygon(par).Bound().Intersects(padBound(tb, 64.0/4096)) {
			want[uint64(par)] += tr.Cells[i].Pop[maillage.Ind]
		}
	}
	got := map[uint64]float64{}
	buf := 64.0
	for _, f := range ls[0].Features {
		// orb's decoder reads ids as float64, too coarse for H3: use the tag.
		hs, _ := f.Properties["h3"].(string)
		c := h3.Cell(h3.IndexFromString(hs))
		id := uint64(c)
		if !c.IsValid() || c.Resolution() != 8 || math.Abs(f.ID.(float64)-float64(id)) > 1e3 {
			t.Fatalf("feature h3 %q, id %v is not a resolution-8 cell", hs, f.ID)
		}
		got[id], _ = f.Properties["Ind"].(float64)
		for _, r := range f.Geometry.(orb.Polygon) {
			for _, p := range r {
				if p[0] < -buf || p[0] > 4096+buf || p[1] < -buf || p[1] > 4096+buf {
					t.Fatalf("vertex %v outside the tile's buffer", p)
				}
			}
		}
	}
	// A hexagon whose box only grazes the buffer may clip to nothing.
	for id, ind := range got {
		if w, ok := want[id]; !ok || math.Abs(w-ind) > 0.001 {
			t.Errorf("cell %x: Ind %v, want %v (present %v)", id, ind, w, ok)
		}
	}
	if len(got) < len(want)*9/10 || len(got) < 50 {
		t.Fatalf("%d features, want about %d", len(got), len(want))
	}

	// Conditional and compressed requests.
	tag := rec.Header().Get("ETag")
	target := fmt.Sprintf("/tiles/cells/%d/%d/%d.pbf", tile.Z, tile.X, tile.Y)
	if r := getWith(t, s.Handler(), target, map[string]string{"If-None-Match": tag}); r.Code != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", r.Code)
	}
	r := getWith(t, s.Handler(), target, map[string]string{"Accept-Encoding": "gzip, br"})
	if r.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip: %v", r.Header())
	}
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, rec.Body.Bytes()) {
		t.Fatal("gzipped tile differs")
	}
}

// TestCellTileFull checks ?detail=full, what the planners' map asks for: a
// z8 coverage tile of the demo, whose cells are aggregated to a parent
// resolution without it, holds every resolution-9 cell reaching into it
// instead, each with the coverage /api/v1/access gives it.
func TestCellTileFull(t *testing.T) {
	s := newTestServer(t, Config{}, mustDemo(t))
	tr := mustDemo(t)
	const profile = "seniors-20min-walk"
	tile := demoTile(t, 8)
	target := fmt.Sprintf("/tiles/coverage-%s/%d/%d/%d.pbf", profile, tile.Z, tile.X, tile.Y)
	features := func(path string) mvt.Layers {
		rec := getWith(t, s.Handler(), path, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d: %s", path, rec.Code, rec.Body.Bytes())
		}
		ls, err := mvt.Unmarshal(rec.Body.Bytes())
		if err != nil || len(ls) != 1 {
			t.Fatalf("%s: %d layers, %v", path, len(ls), err)
		}
		return ls
	}
	res := func(f *geojson.Feature) int {
		hs, _ := f.Properties["h3"].(string)
		return h3.Cell(h3.IndexFromString(hs)).Resolution()
	}
	plain := features(target)[0].Features
	if len(plain) == 0 || res(plain[0]) >= tr.Resolution {
		t.Fatalf("plain z8 tile: %d features, want cells aggregated to a parent resolution", len(plain))
	}
	full := features(target + "?detail=full")[0].Features
	// What /api/v1/access says of each cell, and which reach into the tile
	// (its box widened by the buffer).
	rec := getWith(t, s.Handler(), "/api/v1/access?profile="+profile, nil)
	var access featureCollection
	if err := json.Unmarshal(rec.Body.Bytes(), &access); err != nil {
		t.Fatal(err)
	}
	inTile := padBound(tile.Bound(), 64.0/4096)
	want := map[string]bool{}
	for _, f := range access.Features {
		hs, _ := f.Properties["h3"].(string)
		if geo.CellPolygon(h3.Cell(h3.IndexFromString(hs))).Bound().Intersects(inTile) {
			want[hs], _ = f.Properties["covered"].(bool)
		}
	}
	got := map[string]bool{}
	for _, f := range full {
		hs, _ := f.Properties["h3"].(string)
		if res(f) != tr.Resolution {
			t.Fatalf("detail=full: cell %q at resolution %d, want %d", hs, res(f), tr.Resolution)
		}
		got[hs], _ = f.Properties["covered"].(bool)
		if cov, ok := want[hs]; !ok || cov != got[hs] {
			t.Errorf("cell %s: covered %v, /api/v1/access has %v (present %v)", hs, got[hs], cov, ok)
		}
	}
	// A hexagon whose box only grazes the buffer may clip to nothing.
	if len(got) < len(want)*9/10 || len(got) <= len(plain) {
		t.Fatalf("detail=full: %d cells, want about %d (and more than the %d parents)", len(got), len(want), len(plain))
	}
	t.Logf("z8 tile: %d parents, %d cells with detail=full (%d reach into it)", len(plain), len(got), len(want))
}

func padBound(b orb.Bound, f float64) orb.Bound {
	dx, dy := (b.Max[0]-b.Min[0])*f, (b.Max[1]-b.Min[1])*f
	return orb.Bound{Min: orb.Point{b.Min[0] - dx, b.Min[1] - dy}, Max: orb.Point{b.Max[0] + dx, b.Max[1] + dy}}
}

// TestTileLayers reads a tile of every layer at z12 over the demo's centre:
// each is one source layer named after the layer with the layer's fields.
func TestTileLayers(t *testing.T) {
	s := newTestServer(t, Config{}, mustDemo(t))
	tile := demoTile(t, 11)
	for _, l := range s.p.Layers() {
		rec := getWith(t, s.Handler(), fmt.Sprintf("/tiles/%s/%d/%d/%d.pbf", l.ID, tile.Z, tile.X, tile.Y), nil)
		if rec.Code == http.StatusNoContent {
			if strings.HasPrefix(l.ID, "gaps-") {
				continue // a profile may have no gap in the town centre
			}
			t.Fatalf("%s: empty tile", l.ID)
		}
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", l.ID, rec.Code, rec.Body.Bytes())
		}
		ls, err := mvt.Unmarshal(rec.Body.Bytes())
		if err != nil || len(ls) != 1 || ls[0].Name != l.ID || len(ls[0].Features) == 0 {
			t.Fatalf("%s: %v %+v", l.ID, err, ls)
		}
		known := map[string]bool{}
		for _, f := range l.Fields {
			known[f.Name] = true
		}
		for k := range ls[0].Features[0].Properties {
			if !known[k] {
				t.Fatalf("%s: tag %q is not a field", l.ID, k)
			}
		}
		// Its TileJSON names it with the same fields.
		rec = getWith(t, s.Handler(), "/tiles/"+l.ID+".json", nil)
		var tj tileJSON
		if err := json.Unmarshal(rec.Body.Bytes(), &tj); err != nil || rec.Code != 200 {
			t.Fatalf("%s tilejson: %d %v", l.ID, rec.Code, err)
		}
		if tj.TileJSON != "3.0.0" || len(tj.VectorLayers) != 1 || tj.VectorLayers[0].ID != l.ID ||
			len(tj.VectorLayers[0].Fields) != len(l.Fields) || len(tj.Bounds) != 4 ||
			tj.Tiles[0] != "http://example.com/tiles/"+l.ID+"/{z}/{x}/{y}.pbf" {
			t.Fatalf("%s tilejson %+v", l.ID, tj)
		}
		// The demo is fictional: its tiles credit no INSEE grid.
		if tj.Attribution != "Maillage" {
			t.Fatalf("%s attribution %q on the fictional demo", l.ID, tj.Attribution)
		}
		if !(tj.Bounds[0] < tj.Bounds[2] && tj.Bounds[1] < tj.Bounds[3]) {
			t.Fatalf("%s bounds %v", l.ID, tj.Bounds)
		}
	}
}

func TestTileBadRequests(t *testing.T) {
	s := newTestServer(t, Config{}, mustDemo(t))
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/tiles/cells/30/0/0.pbf", 400},
		{"/tiles/cells/23/0/0.pbf", 400},
		{"/tiles/cells/-1/0/0.pbf", 400},
		{"/tiles/cells/10/1024/0.pbf", 400},
		{"/tiles/cells/10/0/1024.pbf", 400},
		{"/tiles/cells/10/-1/0.pbf", 400},
		{"/tiles/cells/ten/0/0.pbf", 400},
		{"/tiles/cells/10/0/0x1.pbf", 400},
		{"/tiles/cells/99999999999999999999/0/0.pbf", 400},
		{"/tiles/cells/10/0/0.pbf?detail=2", 400},
		{"/tiles/cells/10/0/0.pbf?detail=", 400},
		{"/tiles/nope/10/0/0.pbf", 404},
		{"/tiles/nope.json", 404},
		{"/tiles/cells", 404},
		{"/styles/nope.json", 404},
		{"/tiles/cells/10/0/0.pbf", 204}, // the north-west corner of the world: empty
	} {
		rec := getWith(t, s.Handler(), tc.path, nil)
		if rec.Code != tc.want {
			t.Errorf("%s: %d, want %d: %s", tc.path, rec.Code, tc.want, rec.Body.Bytes())
			continue
		}
		if tc.want >= 400 {
			errorOf(t, rec.Body.Bytes())
		}
	}
}

// TestStyle checks every source of a profile's MapLibre style resolves to a
// TileJSON of this server and every style layer uses a source it declares.
func TestStyle(t *testing.T) {
	s := newTestServer(t, Config{}, mustDemo(t))
	prof := s.p.Profiles()[0].Name
	rec := getWith(t, s.Handler(), "/styles/"+prof+".json", nil)
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body.Bytes())
	}
	var st struct {
		Version int `json:"version"`
		Sources map[string]struct {
			Type, URL string
		} `json:"sources"`
		Layers []struct {
			ID, Type, Source string
			SourceLayer      string `json:"source-layer"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil || st.Version != 8 {
		t.Fatalf("%v %s", err, rec.Body.Bytes())
	}
	for name, src := range st.Sources {
		path := strings.TrimPrefix(src.URL, "http://example.com")
		if r := getWith(t, s.Handler(), path, nil); src.Type != "vector" || r.Code != 200 {
			t.Fatalf("source %s: %s → %d", name, src.URL, r.Code)
		}
	}
	for _, l := range st.Layers {
		if l.Type == "background" {
			continue
		}
		if _, ok := st.Sources[l.Source]; !ok || l.SourceLayer != l.Source {
			t.Fatalf("layer %s: source %q, source-layer %q", l.ID, l.Source, l.SourceLayer)
		}
	}
}

// BenchmarkTileZ10Cells is one z10 cell tile over the demo's densest town,
// through the handler (target ≤ 4 ms median).
func BenchmarkTileZ10Cells(b *testing.B) {
	s := newTestServer(b, Config{}, mustDemo(b))
	tile := demoTile(b, 10)
	target := fmt.Sprintf("/tiles/cells/%d/%d/%d.pbf", tile.Z, tile.X, tile.Y)
	getWith(b, s.Handler(), target, nil) // builds the aggregated level once
	loopbackMedian(b, s, target)
}

// loopbackMedian serves s on 127.0.0.1 and times GET target over one
// keep-alive connection per iteration, reporting the median (ms-median)
// beside Go's mean.
func loopbackMedian(b *testing.B, s *Server, target string) {
	b.Helper()
	s.cfg.Addr = "127.0.0.1:0"
	if err := s.Open(); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	url := "http://" + s.Addr() + target
	client := &http.Client{}
	var times []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatal(resp.StatusCode)
		}
		times = append(times, time.Since(t0))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
}

func TestExportGPKGEndpoint(t *testing.T) {
	s := newTestServer(t, Config{}, mustDemo(t))
	prof := s.p.Profiles()[0].Name
	rec := getWith(t, s.Handler(), "/api/v1/export.gpkg?profile="+prof, nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != gpkgType || !bytes.HasPrefix(rec.Body.Bytes(), []byte("SQLite format 3\x00")) {
		t.Fatalf("%d %q %d bytes", rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
	}
	for _, target := range []string{"/api/v1/export.gpkg?profile=nope", "/api/v1/export.gpkg?foo=1"} {
		if rec := getWith(t, s.Handler(), target, nil); rec.Code != 400 {
			t.Fatalf("%s: %d", target, rec.Code)
		}
	}
	// An export takes a slot of the pool: with every slot taken, it is a
	// 503 after the pool's wait, and no temporary file is left.
	busy := newTestServer(t, Config{MaxExpensive: 1}, mustDemo(t))
	busy.pool.wait = 50 * time.Millisecond
	busy.pool.slots <- struct{}{}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	if rec := getWith(t, busy.Handler(), "/api/v1/export.gpkg?profile="+prof, nil); rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("full pool: %d %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// nationalTerritory is a synthetic France-sized territory: resolution-9
// cells under a seeded, clustered half of the resolution-6 cells covering
// metropolitan France's box (about 1.5 million cells), with random
// populations; built once per benchmark binary.
var nationalTerritory = sync.OnceValues(func() (*planner.Planner, error) {
	rng := rand.New(rand.NewPCG(6, 2026))
	box := h3.GeoPolygon{GeoLoop: h3.GeoLoop{{Lat: 42.3, Lng: -4.8}, {Lat: 42.3, Lng: 8.2}, {Lat: 51.1, Lng: 8.2}, {Lat: 51.1, Lng: -4.8}}}
	parents, err := h3.PolygonToCells(box, 6)
	if err != nil {
		return nil, err
	}
	var cells []maillage.Cell
	for _, p := range parents {
		if rng.Float64() > 0.15 {
			continue
		}
		kids, err := p.Children(9)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			var pop maillage.Pop
			pop[maillage.Ind] = rng.ExpFloat64() * 10
			for a := maillage.Men; a < maillage.NumAttrs; a++ {
				pop[a] = pop[maillage.Ind] * rng.Float64() / 3
			}
			cells = append(cells, maillage.Cell{H3: k, Pop: pop, Commune: -1})
		}
	}
	slices.SortFunc(cells, func(a, b maillage.Cell) int { return cmp.Compare(a.H3, b.H3) })
	for i := range cells {
		cells[i].Center = geo.CellCenter(cells[i].H3)
	}
	return planner.New(&maillage.Territory{Name: "france-synthétique", Resolution: 9, Cells: cells}, planner.Config{})
})

// BenchmarkNationalTileZ6 is the z6 cell tile over the middle of France on
// the national synthetic territory (budget: ≤ 50 ms, ≤ 500 kB). Run:
//
//	go test ./web -run '^$' -bench NationalTileZ6 -benchtime 20x
func BenchmarkNationalTileZ6(b *testing.B) {
	p, err := nationalTerritory()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d cells", len(p.Territory().Cells))
	s := NewServer(Config{}, p, nil)
	tile := maptile.At(orb.Point{2.5, 46.5}, 6)
	target := fmt.Sprintf("/tiles/cells/%d/%d/%d.pbf", tile.Z, tile.X, tile.Y)
	first := getWith(b, s.Handler(), target, nil) // builds the resolution-6 level once
	if first.Code != 200 {
		b.Fatalf("%d", first.Code)
	}
	size := first.Body.Len()
	if size > 500_000 {
		b.Errorf("tile of %d bytes, over the 500 kB budget", size)
	}
	loopbackMedian(b, s, target)
	b.ReportMetric(float64(size)/1000, "kB/tile") // after the loop, whose start deletes reported metrics
}

// BenchmarkNationalItems pages the national synthetic territory's 1.5
// million cells as OGC items, 1,000 a page, from the middle of the layer:
// the first request of the selection counts numberMatched (timed once and
// reported as ms-first), the pages after it stop at their last feature.
func BenchmarkNationalItems(b *testing.B) {
	p, err := nationalTerritory()
	if err != nil {
		b.Fatal(err)
	}
	s := NewServer(Config{}, p, nil)
	mid := len(p.Territory().Cells) / 2
	t0 := time.Now()
	if r := getWith(b, s.Handler(), fmt.Sprintf("/ogc/collections/cells/items?limit=1000&offset=%d", mid), nil); r.Code != 200 {
		b.Fatalf("%d", r.Code)
	}
	first := time.Since(t0)
	loopbackMedian(b, s, fmt.Sprintf("/ogc/collections/cells/items?limit=1000&offset=%d", mid+1000))
	b.ReportMetric(float64(first.Microseconds())/1000, "ms-first") // after the loop, whose start deletes reported metrics
}

// BenchmarkNationalItem asks the national synthetic territory for one
// cell, the layer's last, as OGC item: looked up by its H3 index, and, for
// comparison in the same run, found by walking the layer (reported as
// ms-walk), as it was before cells were looked up.
func BenchmarkNationalItem(b *testing.B) {
	p, err := nationalTerritory()
	if err != nil {
		b.Fatal(err)
	}
	s := NewServer(Config{}, p, nil)
	cells := p.Territory().Cells
	last := cells[len(cells)-1].H3.String()
	l, err := p.Layer("cells")
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	found := 0
	l.Iterate(layer.Query{}, func(f *layer.Feature) error {
		if f.ID == last {
			found++
			return layer.ErrStop
		}
		return nil
	})
	if found != 1 {
		b.Fatalf("walk: %d found", found)
	}
	walk := time.Since(t0)
	loopbackMedian(b, s, "/ogc/collections/cells/items/"+last)
	b.ReportMetric(float64(walk.Microseconds())/1000, "ms-walk") // after the loop, whose start deletes reported metrics
}

// TestRoadTiles: the demo's roads are drawn whole from zoom 9, and at
// zooms 8 and 7 only the fastest (faster than the speed under which 75 %,
// then 90 %, of the network's length lies, recomputed here), each tile's
// features all inside it; below zoom 7 the tile is empty (204).
func TestRoadTiles(t *testing.T) {
	s := newTestServer(t, Config{}, mustDemo(t))
	l, err := s.p.Layer("roads")
	if err != nil {
		t.Fatal(err)
	}
	var metres, total float64
	type edge struct{ kmh, m float64 }
	var edges []edge
	l.Iterate(layer.Query{}, func(f *layer.Feature) error {
		e := edge{f.Values[0].(float64), f.Values[1].(float64)}
		edges = append(edges, e)
		total += e.m
		return nil
	})
	slices.SortFunc(edges, func(a, b edge) int { return cmp.Compare(a.kmh, b.kmh) })
	threshold := func(share float64) float64 {
		metres = 0
		for _, e := range edges {
			if metres += e.m; metres >= share*total {
				return e.kmh
			}
		}
		return math.Inf(1)
	}
	centre := l.Bound.Center()
	counts := map[int]int{}
	for z, share := range map[int]float64{7: 0.9, 8: 0.75, 9: 0} {
		tile := maptile.At(centre, maptile.Zoom(z))
		rec := getWith(t, s.Handler(), fmt.Sprintf("/tiles/roads/%d/%d/%d.pbf", z, tile.X, tile.Y), nil)
		if rec.Code != 200 {
			t.Fatalf("z%d: %d", z, rec.Code)
		}
		ls, err := mvt.Unmarshal(rec.Body.Bytes())
		if err != nil || len(ls) != 1 || ls[0].Name != "roads" {
			t.Fatalf("z%d: %v %v", z, err, ls)
		}
		min := math.Inf(-1)
		if z < 9 {
			min = threshold(share)
		}
		for _, f := range ls[0].Features {
			if v := f.Properties["kmh"].(float64); v <= min+0.05 { // kmh is rounded to 0.1
				t.Fatalf("z%d: a road at %v km/h, want faster than %v", z, v, min)
			}
		}
		counts[z] = len(ls[0].Features)
		t.Logf("z%d: %d roads faster than %.1f km/h, %d bytes", z, counts[z], min, rec.Body.Len())
	}
	if !(counts[7] > 0 && counts[7] < counts[8] && counts[8] < counts[9]) {
		t.Fatalf("road counts by zoom %v: want 0 < z7 < z8 < z9", counts)
	}
	tile := maptile.At(centre, 6)
	if rec := getWith(t, s.Handler(), fmt.Sprintf("/tiles/roads/6/%d/%d.pbf", tile.X, tile.Y), nil); rec.Code != http.StatusNoContent {
		t.Fatalf("z6: %d", rec.Code)
	}
}
