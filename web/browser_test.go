package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario/sqlite"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/internal/bordeauxtest"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/planner"
	"github.com/maillage/maillage/internal/shareddata"
)

// browser is headless Chromium driven by chromedp, with every console error
// and uncaught exception of its pages collected.
type browser struct {
	ctx    context.Context
	mu     sync.Mutex
	errors []string
}

// chromium returns the path of Debian's chromium; the test skips when it is
// missing, unless MAILLAGE_REQUIRE_BROWSER is set.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("MAILLAGE_REQUIRE_BROWSER") != "" {
		t.Fatal("chromium not found on PATH and MAILLAGE_REQUIRE_BROWSER is set (apt-get install chromium)")
	}
	t.Skip("chromium not found on PATH: skipping the browser test (set MAILLAGE_REQUIRE_BROWSER=1 to make this a failure)")
	return ""
}

// newBrowser starts headless Chromium (WebGL2 through SwiftShader, no
// sandbox as root, no network of its own, a fresh profile) at 1280×800.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	b := &browser{ctx: ctx}
	if err := chromedp.Do(ctx); err != nil { // starts the browser and its tab
		t.Fatalf("starting chromium: %v", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.errors = append(b.errors, m.String()+" "+m.URL)
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// noErrors fails the test on any console error or exception seen so far,
// except those whose text contains one of allowed.
func (b *browser) noErrors(t *testing.T, allowed ...string) {
	t.Helper()
	time.Sleep(20 * time.Millisecond) // let the console's last messages arrive
	b.mu.Lock()
	defer b.mu.Unlock()
next:
	for _, e := range b.errors {
		for _, a := range allowed {
			if strings.Contains(e, a) {
				continue next
			}
		}
		t.Errorf("%s", e)
	}
	b.errors = nil
}

func (b *browser) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(t, err)
	}
}

// fail ends the test with err and the page's message and panels, and a
// screenshot of the page as it was.
func (b *browser) fail(t *testing.T, err error) {
	t.Helper()
	if png, e := chromedp.Run(b.ctx, chromedp.CaptureScreenshot()); e == nil {
		os.WriteFile(filepath.Join(outputDir(t), "failure.png"), png, 0o644)
	}
	state, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.getElementById('message')?.textContent + ' | ' + document.querySelector('[role=tabpanel]:not([hidden])')?.textContent`))
	t.Fatalf("%v\npage: %s", err, strings.Join(strings.Fields(state), " "))
}

// eval evaluates js in the page (awaiting a promise) and returns its value.
func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	return v
}

// poll waits until js is true in the page.
func (b *browser) poll(t *testing.T, js string, timeout time.Duration) {
	t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(timeout))); err != nil {
		b.fail(t, fmt.Errorf("waiting for %s: %w", js, err))
	}
}

// waitReady waits for the page's ready flag (the map idle, nothing pending).
func (b *browser) waitReady(t *testing.T) {
	t.Helper()
	b.poll(t, `window.maillage && window.maillage.ready === true`, 60*time.Second)
}

// settle gives the page's event handlers the moment to start their work,
// then waits until it is ready again.
func (b *browser) settle(t *testing.T) {
	t.Helper()
	time.Sleep(50 * time.Millisecond)
	b.waitReady(t)
}

func (b *browser) screenshot(t *testing.T, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// outputDir is where the browser tests write their screenshots and PDF:
// $MAILLAGE_TEST_OUT if set, else web/testdata/out (ignored by git).
func outputDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("MAILLAGE_TEST_OUT")
	if dir == "" {
		dir = filepath.Join("testdata", "out")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// liveServer serves p with a fresh scenario store on a loopback port.
func liveServer(t *testing.T, p *planner.Planner) string {
	t.Helper()
	return liveServerConfig(t, p, Config{})
}

// liveServerConfig is liveServer with cfg (its Addr is set).
func liveServerConfig(t *testing.T, p *planner.Planner, cfg Config) string {
	t.Helper()
	tr := p.Territory()
	sc := sqlite.DefaultConfig(filepath.Join(t.TempDir(), "scenarios.db"))
	sc.Options = p.ScenarioOptions()
	sc.Synchronous = "NORMAL"
	sc.Territory = func(name string) *maillage.Territory {
		if name == "" || name == tr.Name {
			return tr
		}
		return nil
	}
	st, err := sqlite.OpenConfig(sc)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = "127.0.0.1:0"
	s := NewServer(cfg, p, st)
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); st.Close() })
	return "http://" + s.Addr()
}

func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// frNumber, frSigned and frShare format as the page does, which formats as
// every French output (internal/labels): 12 345, +607, 78,5 %.
func frNumber(n float64) string { return labels.FR.Int(n) }
func frSigned(n float64) string { return labels.FR.Signed(n, 0) }
func frShare(s float64) string  { return labels.FR.Percent(s) }

// checkCellsInView zooms on the most populous cell of access (zoom 13) and
// checks that the cells drawn there are exactly the API's: each one drawn
// is an API cell, and every API cell whose centre is in view is drawn. The
// view is put back.
func checkCellsInView(t *testing.T, b *browser, p *planner.Planner, access featureCollection, what string) {
	t.Helper()
	if n := eval[int](t, b, `new Set(window.maillage.map.queryRenderedFeatures({layers: ['cellules']}).map(f => f.properties.h3)).size`); n == 0 {
		t.Fatalf("%s: no cell drawn", what)
	}
	api := map[string]bool{}
	best, bestPersons := "", -1.0
	for _, f := range access.Features {
		h, _ := f.Properties["h3"].(string)
		api[h] = true
		if v, _ := f.Properties["persons"].(float64); v > bestPersons {
			best, bestPersons = h, v
		}
	}
	centre := map[string][2]float64{}
	for _, c := range p.Territory().Cells {
		if api[c.H3.String()] {
			centre[c.H3.String()] = [2]float64{c.Center.Lon(), c.Center.Lat()}
		}
	}
	c := centre[best]
	got := eval[struct {
		H3     []string
		Bounds [2][2]float64
	}](t, b, fmt.Sprintf(`new Promise(r => { const m = window.maillage.map, back = {center: m.getCenter(), zoom: m.getZoom()};
		m.once('idle', () => {
			const out = {H3: [...new Set(m.queryRenderedFeatures({layers: ['cellules']}).map(f => f.properties.h3))], Bounds: m.getBounds().toArray()};
			m.once('idle', () => r(out)); m.jumpTo(back);
		});
		m.jumpTo({center: [%f, %f], zoom: 13}); })`, c[0], c[1]))
	b.waitReady(t)
	drawn := map[string]bool{}
	for _, h := range got.H3 {
		drawn[h] = true
		if !api[h] {
			t.Errorf("%s: cell %s drawn at zoom 13 is not one of the API's", what, h)
		}
	}
	inView := 0
	for h, pt := range centre {
		if pt[0] >= got.Bounds[0][0] && pt[0] <= got.Bounds[1][0] && pt[1] >= got.Bounds[0][1] && pt[1] <= got.Bounds[1][1] {
			inView++
			if !drawn[h] {
				t.Errorf("%s: cell %s has its centre in view at zoom 13 and is not drawn", what, h)
			}
		}
	}
	if inView == 0 {
		t.Errorf("%s: no API cell in view at zoom 13", what)
	}
	t.Logf("%s: at zoom 13, %d cells drawn, %d of the API's with their centre in view, all drawn", what, len(got.H3), inView)
}

// TestBrowserAPIKey: on a server whose writes need a key, saving asks for
// it in a dialog (the draft kept), a wrong key is refused with the server's
// word and asked again, and the right one saves.
func TestBrowserAPIKey(t *testing.T) {
	b := newBrowser(t)
	base := liveServerConfig(t, mustPlanner(t), Config{APIKeys: testKeys(t)})
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitReady(t)
	b.do(t, chromedp.Click(chromedp.CSS("#t-scenario")), chromedp.SetValue(chromedp.CSS("#nom-scenario"), "Avec clé"),
		chromedp.Click(chromedp.CSS(`#enregistrer button[type=submit]`)))
	b.poll(t, `document.getElementById('cle').open`, 10*time.Second)
	b.do(t, chromedp.SetValue(chromedp.CSS("#cle-valeur"), "mauvaise-clé"), chromedp.Click(chromedp.CSS(`#form-cle button[value=ok]`)))
	b.poll(t, `document.getElementById('cle').open && document.getElementById('cle-texte').textContent.includes('refusée')`, 10*time.Second)
	b.do(t, chromedp.SetValue(chromedp.CSS("#cle-valeur"), testKey), chromedp.Click(chromedp.CSS(`#form-cle button[value=ok]`)))
	b.poll(t, `document.getElementById('message').textContent.includes('« Avec clé » enregistré')`, 10*time.Second)
	var list struct {
		Total int `json:"total"`
	}
	getJSON(t, base+"/api/v1/scenarios", &list)
	if list.Total != 1 {
		t.Errorf("%d scenarios stored after saving with the key, want 1", list.Total)
	}
	b.noErrors(t, "status of 401", "status of 403")
}

// TestBrowserBaseMap: with an outside base map configured (here a style
// served by another local server, with a layer of its own), the page draws
// the base map's layer first, then the cells over it (added once the style
// is loaded, under the page's other layers), every cell in view.
func TestBrowserBaseMap(t *testing.T) {
	style := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"version":8,"sources":{},"layers":[{"id":"fond-externe","type":"background","paint":{"background-color":"#fafaf0"}}]}`)
	}))
	t.Cleanup(style.Close)
	b := newBrowser(t)
	p := mustPlanner(t)
	base := liveServerConfig(t, p, Config{BaseMapStyle: style.URL + "/style.json"})
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitReady(t)
	order := eval[[]string](t, b, `window.maillage.map.getStyle().layers.map(l => l.id)`)
	at := func(id string) int { return slices.Index(order, id) }
	if at("fond-externe") != 0 || at("cellules") != 1 || at("population") < at("cellules") || at("lieux") < at("cellules") {
		t.Errorf("layers in order %v: want the base map's first, then the cells, under the others", order)
	}
	var access featureCollection
	getJSON(t, base+"/api/v1/access?profile=seniors-20min-walk", &access)
	if n := eval[int](t, b, `new Set(window.maillage.map.queryRenderedFeatures({layers: ['cellules']}).map(f => f.properties.h3)).size`); n != len(access.Features) {
		t.Errorf("%d cells drawn over the base map, the API has %d (all in view)", n, len(access.Features))
	}
	b.noErrors(t)
}

// clickToAdd zooms on the most populous uncovered cell of access, clicks
// its centre, asks « Ajouter une permanence ici » and fills the form (two
// half-days) without sending it; it returns the cell's centre and pixel.
func clickToAdd(t *testing.T, b *browser, p *planner.Planner, access featureCollection) (cell struct{ Lat, Lon float64 }, px struct{ X, Y float64 }) {
	t.Helper()
	best, bestPersons := -1, -1.0
	for i, f := range access.Features {
		if cov, _ := f.Properties["covered"].(bool); !cov {
			if v, _ := f.Properties["persons"].(float64); v > bestPersons {
				best, bestPersons = i, v
			}
		}
	}
	h3id := access.Features[best].Properties["h3"].(string)
	for _, c := range p.Territory().Cells {
		if c.H3.String() == h3id {
			cell.Lat, cell.Lon = c.Center.Lat(), c.Center.Lon()
		}
	}
	// Zoom there so the click lands in that cell.
	eval[bool](t, b, fmt.Sprintf(`new Promise(r => { const m = window.maillage.map; m.once('idle', () => r(true)); m.jumpTo({center: [%f, %f], zoom: 14}); })`, cell.Lon, cell.Lat))
	b.waitReady(t)
	px = eval[struct{ X, Y float64 }](t, b, fmt.Sprintf(`(() => { const m = window.maillage.map, r = m.getCanvas().getBoundingClientRect(), q = m.project([%f, %f]); return {X: r.left + q.x, Y: r.top + q.y}; })()`, cell.Lon, cell.Lat))
	if el := eval[string](t, b, fmt.Sprintf(`document.elementFromPoint(%f, %f).tagName`, px.X, px.Y)); el != "CANVAS" {
		t.Fatalf("the cell's pixel is covered by a %s", el)
	}
	b.do(t, chromedp.MouseClickXY(px.X, px.Y))
	b.do(t, chromedp.WaitVisible(chromedp.CSS(`.maplibregl-popup [data-a=add]`)), chromedp.Click(chromedp.CSS(`.maplibregl-popup [data-a=add]`)))
	b.do(t, chromedp.WaitVisible(chromedp.CSS(`#lieu-nom`)), chromedp.SetValue(chromedp.CSS(`#lieu-nom`), "Permanence de la mairie"),
		chromedp.Click(chromedp.CSS(`#cr-Tu-09\:00`)), chromedp.Click(chromedp.CSS(`#cr-Th-14\:00`)))
	return cell, px
}

// TestBrowserBordeauxTiming measures, on the real Bordeaux Métropole
// territory (12,000 cells) served on loopback with its baseline coverage
// computed, the time from navigation to the map idle with every layer
// drawn (target 2 s), and from a click adding a permanence to its delta
// shown (target 300 ms). The figures are logged, not asserted (timings are
// for benchmarks; this machine's load varies), and fail nothing.
func TestBrowserBordeauxTiming(t *testing.T) {
	if testing.Short() {
		t.Skip("short: the Bordeaux browser timing is skipped")
	}
	files := map[string]string{}
	for _, rel := range []string{bordeauxtest.Grid200m, bordeauxtest.CD33Venues, bordeauxtest.FranceServices, bordeauxtest.Communes} {
		files[rel] = shareddata.Path(t, rel)
	}
	b := newBrowser(t)
	terr, _, err := data.Build(t.Context(), data.Inputs{Grids: []string{files[bordeauxtest.Grid200m]},
		Venues:   []string{files[bordeauxtest.CD33Venues], files[bordeauxtest.FranceServices]},
		Communes: files[bordeauxtest.Communes]}, data.BuildOptions{Name: "Bordeaux Métropole", Res: 9, BufferMetres: 50_000})
	if err != nil {
		t.Fatal(err)
	}
	p, err := planner.New(terr, planner.Config{})
	if err != nil {
		t.Fatal(err)
	}
	base := liveServer(t, p)
	const profile = "seniors-20min-walk"
	var access featureCollection
	getJSON(t, base+"/api/v1/access?profile="+profile, &access)
	var warm any
	getJSON(t, base+"/api/v1/coverage", &warm) // baseline states of every profile, as a running server has them
	// A first visit loads the browser's caches of the page's code; the
	// measured one is the second.
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitReady(t)
	start := time.Now()
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitReady(t)
	idle := time.Since(start)
	for _, m := range eval[[]struct {
		Name string
		At   float64
	}](t, b, `performance.getEntriesByType('mark').map(m => ({Name: m.name, At: m.startTime}))`) {
		t.Logf("  %s at %.0f ms", m.Name, m.At)
	}
	cells := eval[int](t, b, `new Set(window.maillage.map.queryRenderedFeatures({layers: ['cellules']}).map(f => f.properties.h3)).size`)
	if cells == 0 {
		t.Fatalf("no Bordeaux cell rendered")
	}
	// The sources are named once (the tiles' TileJSON names them; nothing else may repeat them).
	if attr := b.text(t, ".maplibregl-ctrl-attrib-inner"); strings.Count(attr, "INSEE Filosofi") != 1 {
		t.Errorf("attribution %q: want the sources named once", attr)
	}
	b.screenshot(t, outputDir(t), "bordeaux-map.png")
	clickToAdd(t, b, p, access)
	delta := measureDelta(t, b, `#lieu button[type=submit]`)
	b.waitReady(t)
	if txt := b.text(t, "#delta-couverts"); txt == "" {
		t.Errorf("no delta shown on Bordeaux")
	}
	b.screenshot(t, outputDir(t), "bordeaux-delta.png")
	b.noErrors(t)
	t.Logf("Bordeaux Métropole (%d cells, %d in view): map idle %v after navigation (target 2 s); delta figures shown %.0f ms after the click (the evaluation request %.0f ms of it), map redrawn and idle after %.0f ms (target 300 ms)",
		len(access.Features), cells, idle.Round(time.Millisecond), delta.Shown, delta.Request, delta.Idle)
}

// deltaTimes are the milliseconds from a click to the delta's figures in
// the panel, and to the map redrawn with the flipped cells and idle.
type deltaTimes struct{ Shown, Idle, Request float64 }

// measureDelta clicks the button sel (which changes the draft) and times,
// in the page, until the delta panel's figures change (a MutationObserver:
// the DOM, before the next frame paints it) and until the page is ready
// again (the map redrawn and idle).
func measureDelta(t *testing.T, b *browser, sel string) deltaTimes {
	t.Helper()
	return eval[deltaTimes](t, b, fmt.Sprintf(`new Promise(resolve => {
		const out = {}, panel = document.getElementById('delta');
		const seen = new MutationObserver(() => { if (!out.Shown) out.Shown = performance.now() - t0; });
		seen.observe(panel, {childList: true, subtree: true, characterData: true});
		const t0 = performance.now();
		document.querySelector(%q).click();
		const tick = () => {
			if (out.Shown && window.maillage.ready) {
				seen.disconnect();
				out.Idle = performance.now() - t0;
				const r = performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/evaluation')).pop();
				out.Request = r ? r.duration : -1;
				resolve(out); return;
			}
			setTimeout(tick, 5);
		};
		tick();
	})`, sel))
}

type featureCollection struct {
	Features []struct {
		ID         any             `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	} `json:"features"`
}

// TestBrowserDemo drives the page on the demo territory as a planner
// would: the map idle with cells, gaps and places drawn, a profile switch,
// a permanence added by clicking and its figures checked against the
// stored scenario's evaluation, a 3-site proposal with one site added,
// saving, bad input, and the report printed to PDF.
func TestBrowserDemo(t *testing.T) {
	b := newBrowser(t)
	p := mustPlanner(t)
	base := liveServer(t, p)
	out := outputDir(t)

	// 1. The map, idle, with no error. The server has computed its baseline
	// coverage first, as a running one has (a cold one answers the page's
	// first requests 503 with Retry-After, which the page retries, but the
	// browser logs the 503s as errors).
	var warm any
	getJSON(t, base+"/api/v1/coverage", &warm)
	start := time.Now()
	b.do(t, chromedp.Navigate(base+"/"))
	b.waitReady(t)
	t.Logf("demo: map ready %v after navigation", time.Since(start).Round(time.Millisecond))
	for _, r := range eval[[]struct {
		Name     string
		Start    float64 `json:"startTime"`
		Duration float64
	}](t, b, `performance.getEntriesByType('resource').map(e => ({name: e.name, startTime: e.startTime, duration: e.duration}))`) {
		t.Logf("  %s at %.0f ms for %.0f ms", r.Name, r.Start, r.Duration)
	}
	b.noErrors(t)

	profile := "seniors-20min-walk"
	var access, venues, gaps featureCollection
	getJSON(t, base+"/api/v1/access?profile="+profile, &access)
	getJSON(t, base+"/api/v1/venues", &venues)
	getJSON(t, base+"/api/v1/gaps?profile="+profile, &gaps)
	counts := eval[struct{ Venues, Gaps int }](t, b, `(() => {
		const m = window.maillage.map, u = (layer, key) => new Set(m.queryRenderedFeatures({layers: [layer]}).map(f => f.properties[key])).size;
		return {Venues: u('lieux', 'id'), Gaps: u('zones-contour', 'rank')};
	})()`)
	if counts.Venues == 0 || counts.Gaps == 0 {
		t.Fatalf("rendered: %+v, want cells, places and gap zones", counts)
	}
	// Every place is drawn (icons may overlap): all of the API's are in view.
	if counts.Venues != len(venues.Features) {
		t.Errorf("%d places rendered, the API has %d (all in view)", counts.Venues, len(venues.Features))
	}
	if n := eval[int](t, b, `new Set(window.maillage.map.queryRenderedFeatures({layers: ['cellules']}).map(f => f.properties.h3)).size`); n != len(access.Features) {
		t.Errorf("%d cells drawn, the API has %d (all in view)", n, len(access.Features))
	}
	checkCellsInView(t, b, p, access, "seniors")
	if counts.Gaps != len(gaps.Features) {
		t.Errorf("%d gap zones rendered, the API has %d (all in view)", counts.Gaps, len(gaps.Features))
	}
	t.Logf("rendered %d places, %d gap zones (all of the API's)", counts.Venues, counts.Gaps)
	// The legend is in view at 1280×800 (a 657-pixel-high page), the panel not scrolled.
	if l := eval[struct{ Bottom, Height, Scroll float64 }](t, b, `({Bottom: document.getElementById('legende').getBoundingClientRect().bottom, Height: innerHeight, Scroll: document.getElementById('panneau').scrollTop})`); l.Bottom > l.Height || l.Scroll != 0 {
		t.Errorf("the legend ends at %.0f px, below the page's %.0f px (the panel scrolled by %.0f px)", l.Bottom, l.Height, l.Scroll)
	}
	b.screenshot(t, out, "demo-map.png")

	// 2. Switch profile.
	b.do(t, chromedp.SetValue(chromedp.CSS("#profil"), "france-services-30min-car"))
	eval[bool](t, b, `document.getElementById('profil').dispatchEvent(new Event('change'))`)
	b.settle(t)
	var fsAccess featureCollection
	getJSON(t, base+"/api/v1/access?profile=france-services-30min-car", &fsAccess)
	legend := eval[string](t, b, `document.getElementById('legende').textContent`)
	if !strings.Contains(legend, "30 min") {
		t.Errorf("legend after switching to the 30-min car profile: %q", legend)
	}
	checkCellsInView(t, b, p, fsAccess, "after the switch")
	b.noErrors(t)
	// Back to seniors for the rest.
	b.do(t, chromedp.SetValue(chromedp.CSS("#profil"), profile))
	eval[bool](t, b, `document.getElementById('profil').dispatchEvent(new Event('change'))`)
	b.settle(t)

	// What the hexagons show: 2SFCA accessibility (classes from the
	// profile's cells), then a population, then back to travel times.
	for _, m := range []struct{ value, legend, layer, key string }{
		{"acces", "Accessibilité (2SFCA)", "cellules", "access"},
		{"Ind_80p", "Habitants de 80 ans et plus", "population", "Ind_80p"},
		{"temps", "Temps jusqu'au lieu adapté le plus proche", "cellules", "nearest_minutes"},
	} {
		b.do(t, chromedp.SetValue(chromedp.CSS("#couche"), m.value))
		eval[bool](t, b, `document.getElementById('couche').dispatchEvent(new Event('change'))`)
		b.settle(t)
		if txt := b.text(t, "#legende"); !strings.Contains(txt, m.legend) {
			t.Errorf("layer %s: legend %q, want %q", m.value, txt, m.legend)
		}
		got := eval[struct {
			Drawn  int
			Colour string
		}](t, b, fmt.Sprintf(`(() => { const m = window.maillage.map; return {Drawn: m.queryRenderedFeatures({layers: [%q]}).length, Colour: JSON.stringify(m.getPaintProperty(%[1]q, 'fill-color'))}; })()`, m.layer))
		if got.Drawn == 0 || !strings.Contains(got.Colour, `"`+m.key+`"`) {
			t.Errorf("layer %s: %d features of %s drawn, coloured by %s (want by %s)", m.value, got.Drawn, m.layer, got.Colour, m.key)
		}
	}
	b.noErrors(t)

	// A commune found by name: its summary shown, the map zoomed to its cells.
	name := eval[string](t, b, `document.getElementById('commune').placeholder.match(/ex\. (.*) ou /)[1]`)
	zoom := eval[float64](t, b, `window.maillage.map.getZoom()`)
	b.do(t, chromedp.SetValue(chromedp.CSS("#commune"), name), chromedp.Click(chromedp.CSS(`#recherche button[type=submit]`)))
	b.settle(t)
	if txt := b.text(t, "#fiche-commune"); !strings.Contains(txt, name) || !strings.Contains(txt, "couvertes") {
		t.Errorf("commune %q looked up: the summary shows %q", name, txt)
	}
	b.poll(t, fmt.Sprintf(`window.maillage.map.getZoom() > %f`, zoom+0.5), 10*time.Second) // zoomed in to the commune
	b.poll(t, `!window.maillage.map.isMoving()`, 10*time.Second)

	// 3. Add a permanence by clicking in the most populous uncovered cell.
	clickToAdd(t, b, p, access)
	delta := measureDelta(t, b, `#lieu button[type=submit]`)
	t.Logf("demo: delta figures shown %.0f ms after the click (the evaluation request %.0f ms of it), map redrawn and idle after %.0f ms", delta.Shown, delta.Request, delta.Idle)
	b.waitReady(t)
	shownCovered, shownAfter := b.text(t, "#delta-couverts"), b.text(t, "#delta-apres")
	flipped := eval[int](t, b, `new Set(window.maillage.map.queryRenderedFeatures({layers: ['bascules']}).map(f => f.properties.h3)).size`)
	if flipped == 0 {
		t.Errorf("no flipped cell highlighted after adding a permanence in an uncovered cell")
	}
	b.screenshot(t, out, "demo-delta.png")
	b.noErrors(t)

	// 4. Save it, find it in the list, and compare the figures shown with
	// the stored scenario's evaluation.
	b.do(t, chromedp.SetValue(chromedp.CSS("#nom-scenario"), "Permanence test navigateur"), chromedp.Click(chromedp.CSS(`#enregistrer button[type=submit]`)))
	b.poll(t, `[...document.querySelectorAll('#scenarios li')].some(li => li.textContent.includes('Permanence test navigateur'))`, 10*time.Second)
	var list struct {
		Scenarios []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"scenarios"`
	}
	getJSON(t, base+"/api/v1/scenarios", &list)
	if len(list.Scenarios) != 1 || list.Scenarios[0].Name != "Permanence test navigateur" {
		t.Fatalf("stored scenarios %+v", list.Scenarios)
	}
	id := list.Scenarios[0].ID
	var ev planner.Evaluation
	getJSON(t, fmt.Sprintf("%s/api/v1/scenarios/%d/evaluation?profile=%s", base, id, profile), &ev)
	if ev.Edits["added"] != 1 {
		t.Fatalf("stored scenario edits %v, want one added place", ev.Edits)
	}
	if want := frSigned(ev.Delta.Total.Covered); shownCovered != want {
		t.Errorf("page shows %q newly covered, the evaluation %q (%.3f)", shownCovered, want, ev.Delta.Total.Covered)
	}
	if want := frShare(ev.After.Total.Share()); shownAfter != want {
		t.Errorf("page shows %q covered after, the evaluation %q", shownAfter, want)
	}
	if ev.Delta.Total.Covered <= 0 {
		t.Errorf("a permanence in the most populous uncovered cell covers %.1f more", ev.Delta.Total.Covered)
	}

	// 4b. Someone else changes the stored scenario: saving the draft is a
	// 409, explained, with the draft kept; replacing it saves version 3.
	var stored map[string]any
	getJSON(t, fmt.Sprintf("%s/api/v1/scenarios/%d", base, id), &stored)
	stored["description"] = "modifié par un collègue"
	raw, _ := json.Marshal(stored)
	req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/api/v1/scenarios/%d", base, id), bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("PUT by a colleague: %v %v", res, err)
	}
	b.do(t, chromedp.Click(chromedp.CSS(`#enregistrer button[type=submit]`)))
	b.poll(t, `!document.getElementById('conflit').hidden`, 10*time.Second)
	if txt := b.text(t, "#conflit"); !strings.Contains(txt, "modifié ailleurs") || !strings.Contains(txt, "version 1") || !strings.Contains(txt, "conservé") {
		t.Errorf("409: the page says %q", txt)
	}
	if n := eval[int](t, b, `document.querySelectorAll('#changements > li').length`); n != 1 {
		t.Errorf("after the 409 the draft lists %d changes, want 1", n)
	}
	b.do(t, chromedp.Click(chromedp.CSS(`#conflit [data-a=ecraser]`)))
	b.poll(t, `document.getElementById('message').textContent.includes('version 3')`, 10*time.Second)
	b.noErrors(t, "status of 409")

	// 4c. Compared with the base: side-by-side figures equal the diff's.
	b.do(t, chromedp.SetValue(chromedp.CSS("#cmp-a"), "0"), chromedp.SetValue(chromedp.CSS("#cmp-b"), fmt.Sprint(id)),
		chromedp.Click(chromedp.CSS(`#comparer button[type=submit]`)))
	b.settle(t)
	if txt := b.text(t, "#comparaison"); !strings.Contains(txt, frSigned(ev.Delta.Total.Covered)) || !strings.Contains(txt, frNumber(ev.After.Total.Covered)) {
		t.Errorf("comparison with the base shows %q, want %s more covered (%s)", txt, frSigned(ev.Delta.Total.Covered), frNumber(ev.After.Total.Covered))
	}

	// 5. A 3-site proposal, and one of its sites added to the draft.
	b.do(t, chromedp.Click(chromedp.CSS("#t-propositions")), chromedp.SetValue(chromedp.CSS("#prop-k"), "3"),
		chromedp.Click(chromedp.CSS("#lancer")))
	b.settle(t)
	b.do(t, chromedp.WaitVisible(chromedp.CSS(`#resultat-proposition .sites`)))
	sites := eval[int](t, b, `document.querySelectorAll('#resultat-proposition .sites > li').length`)
	markers := eval[int](t, b, `document.querySelectorAll('.site-numero').length`)
	if sites != 3 || markers != 3 {
		t.Errorf("proposal shows %d sites and %d markers, want 3", sites, markers)
	}
	// The progress bar showed the server's own count of catchments (done == total at the end).
	if pr := eval[struct{ Value, Max float64 }](t, b, `(() => { const p = document.getElementById('progression-barre'); return {Value: p.value, Max: p.max}; })()`); pr.Max <= 1 || pr.Value != pr.Max {
		t.Errorf("proposal progress bar at %v of %v, want the candidates' catchments counted to the end", pr.Value, pr.Max)
	}
	b.do(t, chromedp.Click(chromedp.CSS(`#resultat-proposition button[data-i="0"]`)))
	b.settle(t)
	changes := eval[int](t, b, `document.querySelectorAll('#changements > li').length`)
	if changes != 2 {
		t.Errorf("draft lists %d changes after adding a proposed site, want 2", changes)
	}
	b.screenshot(t, out, "demo-proposal.png")
	// Saved again: the same scenario, version 4.
	b.do(t, chromedp.Click(chromedp.CSS("#t-scenario")), chromedp.Click(chromedp.CSS(`#enregistrer button[type=submit]`)))
	b.poll(t, `document.getElementById('message').textContent.includes('version 4')`, 10*time.Second)
	b.noErrors(t)

	// 6. Bad input: the server's error text, never a blank panel.
	free := eval[struct{ X, Y float64 }](t, b, `(() => {
		const m = window.maillage.map, c = m.getCanvas(), r = c.getBoundingClientRect();
		for (let d = 30; d < 400; d += 17) for (const [dx, dy] of [[d, 0], [0, d], [-d, 0], [0, -d]]) {
			const x = r.left + r.width / 2 + dx, y = r.top + r.height / 2 + dy;
			if (document.elementFromPoint(x, y) === c && !m.queryRenderedFeatures([x - r.left, y - r.top], {layers: ['lieux', 'brouillon']}).length) return {X: x, Y: y};
		}
		return null;
	})()`)
	b.do(t, chromedp.MouseClickXY(free.X, free.Y))
	b.do(t, chromedp.WaitVisible(chromedp.CSS(`.maplibregl-popup [data-a=add]`)), chromedp.Click(chromedp.CSS(`.maplibregl-popup [data-a=add]`)))
	b.do(t, chromedp.WaitVisible(chromedp.CSS(`#lieu-oh`)), chromedp.SetValue(chromedp.CSS(`#lieu-oh`), "Lundi 9h-12h"),
		chromedp.Click(chromedp.CSS(`#lieu button[type=submit]`)))
	b.settle(t)
	if txt := b.text(t, "#delta"); !strings.Contains(txt, "horaires mal écrits") || strings.Contains(txt, "opening hours") || !strings.Contains(txt, "refuse") ||
		!strings.Contains(txt, ", horaires :") || strings.Contains(txt, "changes[") || strings.Count(txt, "horaires mal écrits") != 1 {
		t.Errorf("rejected scenario: the panel shows %q, want the server's error text in French, once, placed by change and field", txt)
	}
	b.screenshot(t, out, "demo-refus.png")
	b.noErrors(t, "status of 400") // the refused evaluation is logged by the browser as a failed request

	// 7. An unknown profile and scenario in the URL fall back with a message.
	b.do(t, chromedp.Navigate(base+"/?profile=inconnu&scenario=999"))
	b.waitReady(t)
	if msg := b.text(t, "#message"); !strings.Contains(msg, "« inconnu » inconnu") || !strings.Contains(msg, "999") {
		t.Errorf("unknown profile and scenario: message %q", msg)
	}
	if v := b.text(t, "#regle"); v == "" {
		t.Errorf("no profile rule shown after the fallback")
	}
	b.noErrors(t, "status of 400", "status of 404") // the unknown scenario, and the late log of the refused evaluation

	// Keyboard: the first Tab reaches the skip link, and the arrow keys move
	// between the panel's tabs.
	b.do(t, chromedp.KeyEvent(kb.Tab))
	if cls := eval[string](t, b, `document.activeElement.className`); cls != "skip" {
		t.Errorf("the first Tab focuses %q, want the skip link", cls)
	}
	b.do(t, chromedp.Focus(chromedp.CSS("#t-carte")), chromedp.KeyEvent(kb.ArrowRight))
	if id := eval[string](t, b, `document.activeElement.id + ' ' + document.getElementById('t-zones').getAttribute('aria-selected') + ' ' + document.getElementById('p-zones').hidden`); id != "t-zones true false" {
		t.Errorf("ArrowRight on the first tab: %q, want the gap zones' tab focused, selected and shown", id)
	}

	// A tablet in portrait: the panel goes under the map.
	b.do(t, chromedp.EmulateViewport(820, 1180), chromedp.Navigate(base+"/"))
	b.waitReady(t)
	if h := eval[float64](t, b, `document.getElementById('map').getBoundingClientRect().height`); h < 300 {
		t.Errorf("on a tablet the map is %.0f px high", h)
	}
	b.screenshot(t, out, "demo-tablet.png")
	b.do(t, chromedp.EmulateViewport(1280, 800))

	// 8. The report, printed to PDF.
	b.do(t, chromedp.Navigate(fmt.Sprintf("%s/report?scenario=%d&profile=%s", base, id, profile)))
	b.do(t, chromedp.WaitVisible(chromedp.CSS("table")))
	b.screenshot(t, out, "demo-report.png")
	pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(chromedp.PDFPrintBackground(), chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("printToPDF gave %d bytes that are not a PDF", len(pdf))
	}
	pages := bytes.Count(pdf, []byte("/Type /Page")) - bytes.Count(pdf, []byte("/Type /Pages"))
	if pages < 1 {
		t.Errorf("report PDF has %d pages", pages)
	}
	if err := os.WriteFile(filepath.Join(out, "demo-report.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("report: %d bytes of PDF, %d page(s)", len(pdf), pages)
	b.noErrors(t, "status of 400") // the draft, kept in localStorage across visits, still holds the refused change
}
