package web

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/maillage/maillage"
)

// metricValue returns the value of the sample line that starts with
// name{labels} (labels as Prometheus prints them, sorted), or -1.
func metricValue(t *testing.T, text, sample string) float64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(sample) + ` (\S+)$`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestMetricsMove: request counts and latency histograms per route and
// status, proposal and evaluation durations, in-flight requests, store
// errors, territory size and build info move after requests.
func TestMetricsMove(t *testing.T) {
	s, st := scenarioServerConfig(t, Config{})
	h := s.Handler()
	scrape := func() string {
		code, hdr, b := send(t, h, "GET", "/metrics", "")
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain") {
			t.Fatalf("/metrics: %d %s", code, hdr.Get("Content-Type"))
		}
		return string(b)
	}
	before := scrape()
	if v := metricValue(t, before, `maillage_http_requests_total{method="GET",route="/api/v1/territory",status="200"}`); v != -1 {
		t.Fatalf("territory counted %v before any request", v)
	}
	for range 3 {
		send(t, h, "GET", "/api/v1/territory", "")
	}
	send(t, h, "GET", "/api/v1/gaps?profile=nope", "")
	send(t, h, "HEAD", "/api/v1/venues", "")
	send(t, h, "GET", "/no/such/thing", "")
	send(t, h, "BREW", "/api/v1/territory", "")
	send(t, h, "X-Y-Z", "/api/v1/territory", "")
	if code, _, b := send(t, h, "POST", "/api/v1/proposals", `{"profiles":["seniors-20min-walk"],"k":2}`, "Content-Type", "application/json"); code != 200 {
		t.Fatalf("proposal: %d %s", code, b)
	}
	venue := mustDemo(t).Venues[0].ID
	if code, _, b := send(t, h, "POST", "/api/v1/scenarios", `{"name":"m","changes":[{"op":"remove","venue_id":"`+venue+`"}]}`, "Content-Type", "application/json"); code != 201 {
		t.Fatalf("create: %d %s", code, b)
	}
	if code, _, b := send(t, h, "GET", "/api/v1/scenarios/1/evaluation?profile=seniors-20min-walk", ""); code != 200 {
		t.Fatalf("evaluation: %d %s", code, b)
	}
	text := scrape()
	tr := mustDemo(t)
	persons := 0.0
	for i := range tr.Cells {
		persons += tr.Cells[i].Pop[maillage.Ind]
	}
	for sample, want := range map[string]float64{
		`maillage_http_requests_total{method="GET",route="/api/v1/territory",status="200"}`:                 3,
		`maillage_http_request_duration_seconds_count{method="GET",route="/api/v1/territory",status="200"}`: 3,
		`maillage_http_requests_total{method="GET",route="/api/v1/gaps",status="400"}`:                      1,
		`maillage_http_requests_total{method="HEAD",route="/api/v1/venues",status="200"}`:                   1,
		`maillage_http_requests_total{method="GET",route="unmatched",status="404"}`:                         1,
		`maillage_http_requests_total{method="other",route="unmatched",status="405"}`:                       2,
		`maillage_http_requests_total{method="POST",route="/api/v1/proposals",status="200"}`:                1,
		`maillage_http_requests_total{method="GET",route="/metrics",status="200"}`:                          1,
		`maillage_proposal_duration_seconds_count`:                                                          1,
		`maillage_scenario_evaluation_duration_seconds_count`:                                               1,
		`maillage_http_requests_in_flight`:                                                                  1, // the scrape itself
		`maillage_territory_cells`:                                                                          float64(len(tr.Cells)),
		`maillage_territory_venues`:                                                                         float64(len(tr.Venues)),
		`maillage_territory_communes`:                                                                       float64(len(tr.Communes)),
	} {
		if got := metricValue(t, text, sample); got != want {
			t.Errorf("%s = %v, want %v", sample, got, want)
		}
	}
	if got := metricValue(t, text, "maillage_territory_persons"); got < persons*0.999999 || got > persons*1.000001 {
		t.Errorf("persons %v, want %v", got, persons)
	}
	if !regexp.MustCompile(`(?m)^maillage_build_info\{revision="[^"]*",version="[^"]*"\} 1$`).MatchString(text) ||
		!strings.Contains(text, "go_goroutines") || !strings.Contains(text, "process_resident_memory_bytes") {
		t.Error("build info, Go or process metrics missing")
	}
	if v := metricValue(t, text, `maillage_http_request_duration_seconds_bucket{method="GET",route="/api/v1/territory",status="200",le="+Inf"}`); v != 3 {
		t.Errorf("latency +Inf bucket %v, want 3", v)
	}

	// A broken store: its errors are counted, a missing id is not.
	send(t, h, "GET", "/api/v1/scenarios/99", "")
	if v := metricValue(t, scrape(), `maillage_scenario_store_errors_total{op="get"}`); v != -1 {
		t.Fatalf("a missing scenario counted as a store error: %v", v)
	}
	st.Close()
	if code, _, _ := send(t, h, "GET", "/api/v1/scenarios/1", ""); code != 500 {
		t.Fatalf("get on a closed store: %d", code)
	}
	if v := metricValue(t, scrape(), `maillage_scenario_store_errors_total{op="get"}`); v != 1 {
		t.Fatalf("store errors %v, want 1", v)
	}
}

// TestReadyz: ready with the territory and a writable store; without a
// store still ready (scenarios off, said so); a store that cannot write
// makes it 503 with the reason. /healthz stays 200.
func TestReadyz(t *testing.T) {
	s, st := scenarioServerConfig(t, Config{})
	h := s.Handler()
	code, _, b := send(t, h, "GET", "/readyz", "")
	if code != 200 || !strings.Contains(string(b), `"status":"ready"`) || !strings.Contains(string(b), `"store":"ok"`) ||
		!strings.Contains(string(b), `"territory":"ok: `+strconv.Itoa(len(mustDemo(t).Cells))+` cells"`) {
		t.Fatalf("readyz: %d %s", code, b)
	}
	if err := st.Ready(t.Context()); err != nil {
		t.Fatal(err)
	}
	noStore := newTestServer(t, Config{}, mustDemo(t)).Handler()
	if code, _, b := send(t, noStore, "GET", "/readyz", ""); code != 200 || !strings.Contains(string(b), "none configured") {
		t.Fatalf("readyz without store: %d %s", code, b)
	}
	st.Close()
	code, _, b = send(t, h, "GET", "/readyz", "")
	if code != 503 || !strings.Contains(string(b), `"status":"not ready"`) || !strings.Contains(string(b), "not writable") {
		t.Fatalf("readyz with a closed store: %d %s", code, b)
	}
	if code, _, _ := send(t, h, "GET", "/healthz", ""); code != 200 {
		t.Fatalf("healthz: %d", code)
	}
}
