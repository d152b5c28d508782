package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

func get(t *testing.T, h http.Handler, target string) (int, http.Header, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec.Code, rec.Header(), rec.Body.Bytes()
}

func TestHealthzAndTerritory(t *testing.T) {
	tr := mustDemo(t)
	h := newTestServer(t, Config{}, tr).Handler()
	code, _, body := get(t, h, "/healthz")
	if code != 200 || string(body) != `{"status":"ok"}` {
		t.Fatalf("healthz: %d %s", code, body)
	}
	code, hdr, body := get(t, h, "/api/v1/territory")
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("territory: %d %s", code, hdr.Get("Content-Type"))
	}
	var sum struct {
		Name         string             `json:"name"`
		Fictional    bool               `json:"fictional"`
		Population   float64            `json:"population"`
		Cells        int                `json:"cells"`
		H3Resolution int                `json:"h3_resolution"`
		AgeBands     map[string]float64 `json:"age_bands"`
		Communes     int                `json:"communes"`
		Venues       struct{ Read, Located, Rejected int }
		Issues       []map[string]any `json:"issues"`
	}
	if err := json.Unmarshal(body, &sum); err != nil {
		t.Fatal(err)
	}
	var pop float64
	located := 0
	for _, c := range tr.Cells {
		pop += c.Pop[maillage.Ind]
	}
	for _, v := range tr.Venues {
		if v.Located {
			located++
		}
	}
	if math.Abs(sum.Population-pop) > 1e-6 || sum.Cells != len(tr.Cells) || sum.H3Resolution != 9 || sum.Communes != len(tr.Communes) ||
		!sum.Fictional || sum.Venues.Located != located || sum.Venues.Read != len(tr.Venues)+1 || sum.Venues.Rejected != 1 ||
		len(sum.Issues) != len(tr.Findings) || len(sum.AgeBands) != 11 {
		t.Fatalf("summary %+v; want population %.1f, %d cells, %d located", sum, pop, len(tr.Cells), located)
	}
}

func TestVenues(t *testing.T) {
	tr := mustDemo(t)
	h := newTestServer(t, Config{}, tr).Handler()
	code, hdr, body := get(t, h, "/api/v1/venues")
	if code != 200 || hdr.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("%d %s", code, hdr.Get("Content-Type"))
	}
	fc, err := geojson.UnmarshalFeatureCollection(body)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*maillage.Venue{}
	for i := range tr.Venues {
		if tr.Venues[i].Located {
			want[tr.Venues[i].ID] = &tr.Venues[i]
		}
	}
	if len(fc.Features) != len(want) {
		t.Fatalf("%d features, %d located venues", len(fc.Features), len(want))
	}
	for _, f := range fc.Features {
		v := want[f.ID.(string)]
		if v == nil {
			t.Fatalf("feature %v is not a located venue", f.ID)
		}
		if f.Point() != v.Point {
			t.Fatalf("%s at %v, want %v", v.ID, f.Point(), v.Point)
		}
		p := f.Properties
		if p["id"] != v.ID || p["name"] != v.Name || p["commune"] != v.Commune || p["itinerant"] != v.Itinerant ||
			p["hours_known"] != v.Hours.Known || math.Abs(p["weekly_hours"].(float64)-v.Hours.Hours()) > 1e-9 ||
			len(p["services"].([]any)) != len(v.Services.Names()) || len(p["programmes"].([]any)) != len(v.Programmes) ||
			(v.Hours.Known && p["opening_hours"] != scenario.FormatWeek(v.Hours)) || (!v.Hours.Known && p["opening_hours"] != nil) {
			t.Fatalf("%s properties %v", v.ID, p)
		}
	}
}

func TestCellsBBox(t *testing.T) {
	tr := mustDemo(t)
	s := newTestServer(t, Config{}, tr)
	h := s.Handler()
	town := tr.Communes[0].Center
	tests := []struct {
		name string
		b    orb.Bound
	}{
		{"town centre", orb.Bound{Min: orb.Point{town[0] - 0.02, town[1] - 0.015}, Max: orb.Point{town[0] + 0.02, town[1] + 0.015}}},
		{"whole territory", orb.Bound{Min: orb.Point{1.4, 45.8}, Max: orb.Point{2.7, 46.6}}},
		{"empty sea", orb.Bound{Min: orb.Point{-5, 45}, Max: orb.Point{-4.9, 45.1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Independent count: a linear scan of the hexagons' boxes.
			want := map[string]*maillage.Cell{}
			for i := range tr.Cells {
				ring, err := geo.AppendCellRing(nil, tr.Cells[i].H3)
				if err != nil {
					t.Fatal(err)
				}
				if rb := ring.Bound(); rb.Intersects(tc.b) {
					want[tr.Cells[i].H3.String()] = &tr.Cells[i]
				}
			}
			q := url.Values{"bbox": {strings.Join([]string{f(tc.b.Min[0]), f(tc.b.Min[1]), f(tc.b.Max[0]), f(tc.b.Max[1])}, ",")}}
			code, hdr, body := get(t, h, "/api/v1/cells?"+q.Encode())
			if code != 200 || hdr.Get("Content-Type") != "application/geo+json" {
				t.Fatalf("%d %s", code, body)
			}
			fc, err := geojson.UnmarshalFeatureCollection(body)
			if err != nil {
				t.Fatal(err)
			}
			if len(fc.Features) != len(want) {
				t.Fatalf("%d features, %d cells meeting the bbox", len(fc.Features), len(want))
			}
			for _, ft := range fc.Features {
				c := want[ft.ID.(string)]
				if c == nil {
					t.Fatalf("feature %v not expected", ft.ID)
				}
				poly, ok := ft.Geometry.(orb.Polygon)
				if !ok || len(poly) != 1 || len(poly[0]) < 7 || poly[0][0] != poly[0][len(poly[0])-1] || poly[0].Orientation() != orb.CCW {
					t.Fatalf("%v: geometry %v is not a closed CCW hexagon (6 vertices, more where it crosses an icosahedron edge)", ft.ID, ft.Geometry)
				}
				if !poly[0].Bound().Contains(c.Center) {
					t.Fatalf("%v: hexagon does not surround the centre", ft.ID)
				}
				for a := range maillage.NumAttrs {
					if v, ok := ft.Properties[a.String()].(float64); !ok || math.Abs(v-c.Pop[a]) > 0.0005 {
						t.Fatalf("%v: %s = %v, want %v to 3 decimals", ft.ID, a, ft.Properties[a.String()], c.Pop[a])
					}
				}
				if ft.Properties["commune"] != tr.Communes[c.Commune].Code || ft.Properties["h3"] != ft.ID {
					t.Fatalf("%v: commune %v", ft.ID, ft.Properties["commune"])
				}
			}
			if tc.name == "town centre" && len(want) < 20 {
				t.Fatalf("only %d cells in the town-centre box: test box wrong", len(want))
			}
			if tc.name == "whole territory" && len(want) != len(tr.Cells) {
				t.Fatalf("whole-territory box holds %d of %d cells", len(want), len(tr.Cells))
			}
		})
	}
	t.Run("too many features", func(t *testing.T) {
		small := newTestServer(t, Config{MaxFeatures: 10}, tr).Handler()
		b := tests[0].b
		code, _, body := get(t, small, "/api/v1/cells?bbox="+f(b.Min[0])+","+f(b.Min[1])+","+f(b.Max[0])+","+f(b.Max[1]))
		if code != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "more than 10 cells") {
			t.Fatalf("%d %s", code, body)
		}
	})
}

func f(v float64) string { return strings.TrimRight(strings.TrimRight(jsonNum(v), "0"), ".") }

func jsonNum(v float64) string { b, _ := json.Marshal(v); return string(b) }

func TestCellsBadRequests(t *testing.T) {
	h := newTestServer(t, Config{}, mustDemo(t)).Handler()
	tests := []struct {
		query string
		code  int
		msg   string
	}{
		{"", 400, "bbox: missing"},
		{"bbox=1,2,3", 400, "3 values, want 4"},
		{"bbox=1,2,3,4,5", 400, "5 values, want 4"},
		{"bbox=a,2,3,4", 400, `value 1 ("a") is not a finite number`},
		{"bbox=NaN,2,3,4", 400, "not a finite number"},
		{"bbox=1,2,Inf,4", 400, "not a finite number"},
		{"bbox=-181,2,3,4", 400, "longitude -181 outside"},
		{"bbox=1,-91,3,4", 400, "latitude -91 outside"},
		{"bbox=1,2,3,95", 400, "latitude 95 outside"},
		{"bbox=3,2,1,4", 400, "min must be less than max"},
		{"bbox=1,2,1,4", 400, "min must be less than max"},
		{"bbox=-10,40,10,50", 413, "area 200 square degrees exceeds 4"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			code, hdr, body := get(t, h, "/api/v1/cells?"+tc.query)
			var e struct{ Error string }
			if err := json.Unmarshal(body, &e); err != nil || code != tc.code || !strings.Contains(e.Error, tc.msg) ||
				!strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
				t.Fatalf("%d %s; want %d with %q", code, body, tc.code, tc.msg)
			}
		})
	}
	code, _, body := get(t, h, "/api/v2/nothing")
	if code != 404 || string(body) != `{"error":"no such endpoint: /api/v2/nothing"}` {
		t.Fatalf("%d %s", code, body)
	}
}

func TestStatusOf(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{reqErrorf(ErrInvalid, "x"), 400},
		{reqErrorf(ErrTooLarge, "x"), 413},
		{reqErrorf(ErrNotFound, "x"), 404},
		{errors.New("disk on fire"), 500},
		{reqErrorf(ErrUnavailable, "x"), 503},
		{reqErrorf(ErrUnprocessable, "x"), 422},
		{fmt.Errorf("x: %w", scenario.ErrNotFound), 404},
		{fmt.Errorf("x: %w", scenario.ErrConflict), 409},
		{&scenario.ValidationError{}, 400},
		{&scenario.ValidationError{TooLarge: true}, 413}, // also matches ErrInvalid
		{&http.MaxBytesError{Limit: 1}, 413},
		{fmt.Errorf("x: %w", coverage.ErrUnknownProfile), 400},
		{fmt.Errorf("x: %w", coverage.ErrNoRoads), 422},
		{fmt.Errorf("x: %w", travel.ErrOffNetwork), 422},
		{fmt.Errorf("x: %w", travel.ErrUnknownMode), 400},
	}
	for _, tc := range tests {
		if got := statusOf(tc.err); got != tc.want {
			t.Errorf("statusOf(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
	// Internal errors are hidden from the client.
	s := newTestServer(t, Config{}, &maillage.Territory{})
	s.engine.GET("/boom", func(c *gin.Context) { s.fail(c, errors.New("secret path /etc/x")) })
	code, _, body := get(t, s.Handler(), "/boom")
	if code != 500 || string(body) != `{"error":"internal error"}` {
		t.Fatalf("%d %s", code, body)
	}
	s.engine.GET("/panic", func(c *gin.Context) { panic("oops") })
	code, _, body = get(t, s.Handler(), "/panic")
	if code != 500 || string(body) != `{"error":"internal error"}` {
		t.Fatalf("panic: %d %s", code, body)
	}
}

func TestOpenClose(t *testing.T) {
	s := newTestServer(t, Config{Addr: "127.0.0.1:0"}, mustDemo(t))
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + s.Addr() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"status":"ok"}` {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + s.Addr() + "/healthz"); err == nil {
		t.Fatal("server still answers after Close")
	}
}

func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"1,2,3,4", "-0.6,44.8,-0.5,44.9", "", "1,2,3", "NaN,1,2,3", "1e308,1,2,3", "-180,-90,180,90", " 1 , 2 , 3 , 4 ", "0x1p-2,0,1,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBBox(s, 4)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v of no known kind", err)
			}
			return
		}
		for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("accepted non-finite %v", b)
			}
		}
		if b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 || b.Min[0] >= b.Max[0] || b.Min[1] >= b.Max[1] ||
			(b.Max[0]-b.Min[0])*(b.Max[1]-b.Min[1]) > 4 {
			t.Fatalf("accepted %v", b)
		}
	})
}

// BenchmarkCellsWholeDemo serves every cell of the demo territory (≈3,500
// hexagons) as GeoJSON through the cells layer's encoder.
func BenchmarkCellsWholeDemo(b *testing.B) {
	s := newTestServer(b, Config{}, mustDemo(b))
	h := s.Handler()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/cells?bbox=1.4,45.8,2.7,46.6", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// TestCellsMatchItems: /api/v1/cells and the OGC items of the cells
// collection give the same features, values and geometry for one box (one
// layer definition behind both).
func TestCellsMatchItems(t *testing.T) {
	tr := mustDemo(t)
	h := newTestServer(t, Config{}, tr).Handler()
	town := tr.Communes[0].Center
	bbox := strings.Join([]string{f(town[0] - 0.02), f(town[1] - 0.015), f(town[0] + 0.02), f(town[1] + 0.015)}, ",")
	_, _, api := get(t, h, "/api/v1/cells?bbox="+bbox)
	_, _, items := get(t, h, "/ogc/collections/cells/items?limit=10000&bbox="+bbox)
	a, err := geojson.UnmarshalFeatureCollection(api)
	if err != nil {
		t.Fatal(err)
	}
	o, err := geojson.UnmarshalFeatureCollection(items)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Features) < 20 || len(a.Features) != len(o.Features) {
		t.Fatalf("%d cells from the API, %d items", len(a.Features), len(o.Features))
	}
	for i := range a.Features {
		x, y := a.Features[i], o.Features[i]
		if x.ID != y.ID || !reflect.DeepEqual(x.Properties, y.Properties) {
			t.Fatalf("feature %d: %v %v\n%v", i, x.ID, x.Properties, y.Properties)
		}
		if !orb.Equal(x.Geometry, y.Geometry) {
			if len(x.Geometry.(orb.Polygon)[0]) != len(y.Geometry.(orb.Polygon)[0]) {
				t.Fatalf("%v: geometry %v, items %v", x.ID, x.Geometry, y.Geometry)
			}
			for j, p := range x.Geometry.(orb.Polygon)[0] { // items are to 6 decimals
				if q := y.Geometry.(orb.Polygon)[0][j]; math.Abs(p[0]-q[0]) > 5e-7 || math.Abs(p[1]-q[1]) > 5e-7 {
					t.Fatalf("%v: vertex %v, items %v", x.ID, p, q)
				}
			}
		}
	}
}
