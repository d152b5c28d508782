package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

func loadOpenAPI(t *testing.T, h http.Handler) *openapi3.T {
	t.Helper()
	rec := getWith(t, h, "/api/openapi.json", nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != oasType {
		t.Fatalf("%d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI 3.0: %v", err)
	}
	return doc
}

// TestOpenAPIDescribesEveryRoute: every route of the router has its path
// (and method) in the document, and limit states its bounds.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	s := newTestServer(t, Config{}, mustDemo(t))
	doc := loadOpenAPI(t, s.Handler())
	for _, r := range s.engine.Routes() {
		p := r.Path
		for _, seg := range strings.Split(p, "/") {
			if strings.HasPrefix(seg, ":") || strings.HasPrefix(seg, "*") {
				p = strings.Replace(p, seg, "{"+seg[1:]+"}", 1)
			}
		}
		p = strings.Replace(p, "/ogc/collections/{id}", "/ogc/collections/{collectionId}", 1)
		p = strings.Replace(p, "{fid}", "{featureId}", 1)
		item := doc.Paths.Find(p)
		for _, suffix := range []string{".json", ".pbf"} {
			if item == nil {
				item = doc.Paths.Find(p + suffix)
			}
		}
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("route %s %s (%s) is not in the OpenAPI document", r.Method, r.Path, p)
		}
	}
	lim := doc.Components.Parameters["limit"].Value.Schema.Value
	if lim.Min == nil || *lim.Min != 1 || lim.Max == nil || *lim.Max != ItemsMaxLimit || lim.Default != float64(ItemsDefaultLimit) {
		t.Fatalf("limit schema %+v", lim)
	}
	if rec := getWith(t, s.Handler(), "/api/docs", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "/ogc/collections/{collectionId}/items") {
		t.Fatalf("docs: %d", rec.Code)
	}
}

// TestOpenAPISampleAnswers validates sample requests and their answers
// against the document.
func TestOpenAPISampleAnswers(t *testing.T) {
	s := newTestServer(t, Config{}, mustDemo(t))
	h := s.Handler()
	doc := loadOpenAPI(t, h)
	doc.Servers = openapi3.Servers{{URL: "http://example.com"}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	prof := s.p.Profiles()[0].Name
	for _, target := range []string{
		"/ogc", "/ogc/conformance", "/ogc/collections", "/ogc/collections/cells", "/ogc/collections/venues",
		"/ogc/collections/cells/items?limit=5", "/ogc/collections/venues/items?limit=3&offset=2",
		"/ogc/collections/gaps-" + prof + "/items?limit=2", "/ogc/collections/communes/items?limit=2",
		"/ogc/collections/cells/items?bbox=1,44,3,47&limit=2",
		"/ogc/collections/cells/items?bbox=1,2,3", "/ogc/collections/cells/items?limit=0",
		"/ogc/collections/nope", "/ogc/collections/venues/items/nope",
		"/api/v1/venues", "/api/v1/profiles", "/tiles/cells.json", "/styles/" + prof + ".json",
		"/api/v1/gaps?profile=" + prof, "/healthz",
	} {
		req := httptest.NewRequest(http.MethodGet, "http://example.com"+target, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{ExcludeRequestQueryParams: rec.Code >= 400}}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && rec.Code < 400 {
			t.Errorf("%s: request: %v", target, err)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code,
			Header: rec.Header(), Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes()))}
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s: %d answer: %v", target, rec.Code, err)
		}
	}
}
