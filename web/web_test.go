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
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/scenario"
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
			// Independent count: a linear scan of the centres.
			want := map[string]*maillage.Cell{}
			for i := range tr.Cells {
				if c := tr.Cells[i].Center; tc.b.Contains(c) {
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
				t.Fatalf("%d features, %d cells centred in the bbox", len(fc.Features), len(want))
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
					if ft.Properties[a.String()] != c.Pop[a] {
						t.Fatalf("%v: %s = %v, want %v", ft.ID, a, ft.Properties[a.String()], c.Pop[a])
					}
				}
				if ft.Properties["commune"] != tr.Communes[c.Commune].Code {
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
		{&reqError{ErrInvalid, "x"}, 400},
		{&reqError{ErrTooLarge, "x"}, 413},
		{&reqError{ErrNotFound, "x"}, 404},
		{errors.New("disk on fire"), 500},
		{&reqError{ErrUnavailable, "x"}, 503},
		{&reqError{ErrUnprocessable, "x"}, 422},
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
// hexagons) as GeoJSON, and times in the same run the encoding through orb's
// geojson and encoding/json that the direct encoder replaces.
func BenchmarkCellsWholeDemo(b *testing.B) {
	tr := mustDemo(b)
	s := newTestServer(b, Config{}, tr)
	h := s.Handler()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/cells?bbox=1.4,45.8,2.7,46.6", nil)
	var direct float64
	b.Run("handler", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatal(rec.Code)
			}
		}
		direct = float64(b.Elapsed()) / float64(b.N)
	})
	b.Run("geojson", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fc := geojson.NewFeatureCollection()
			for i := range tr.Cells {
				f, err := s.CellFeature(int32(i))
				if err != nil {
					b.Fatal(err)
				}
				fc.Append(f)
			}
			if _, err := json.Marshal(fc); err != nil {
				b.Fatal(err)
			}
		}
		if direct > 0 {
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/direct, "x-slower-than-handler")
		}
	})
}

// TestAppendCellsMatchesCellFeature checks the hand-written encoder against
// orb's geojson encoding of CellFeature, value by value.
func TestAppendCellsMatchesCellFeature(t *testing.T) {
	tr := mustDemo(t)
	s := newTestServer(t, Config{}, tr)
	idx := []int32{0, 1, int32(len(tr.Cells) / 2), int32(len(tr.Cells) - 1)}
	fast, err := s.appendCells(nil, idx)
	if err != nil {
		t.Fatal(err)
	}
	fc := geojson.NewFeatureCollection()
	for _, i := range idx {
		f, err := s.CellFeature(i)
		if err != nil {
			t.Fatal(err)
		}
		fc.Append(f)
	}
	slow, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(fast, &a); err != nil {
		t.Fatalf("fast encoding is not JSON: %v\n%s", err, fast)
	}
	json.Unmarshal(slow, &b)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("encodings differ:\n%s\n%s", fast, slow)
	}
	bad := *tr
	bad.Cells = slices.Clone(tr.Cells)
	bad.Cells[0].Pop[maillage.Men] = math.NaN()
	if _, err := newTestServer(t, Config{}, &bad).appendCells(nil, []int32{0}); err == nil {
		t.Fatal("NaN attribute encoded")
	}
}
