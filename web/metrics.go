package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario"
)

// metrics are the Prometheus metrics of one Server, on a registry of its
// own (no global state: several servers in one process, as in the tests,
// do not mix their counts), served at /metrics.
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	inFlight    prometheus.Gauge
	proposals   prometheus.Histogram
	evaluations prometheus.Histogram
	storeErrors *prometheus.CounterVec
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "maillage_http_requests_total", Help: "HTTP requests answered, by route pattern, method and status.",
	}, []string{"route", "method", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "maillage_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route pattern, method and status.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"route", "method", "status"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "maillage_http_requests_in_flight", Help: "HTTP requests being answered.",
	})
	m.proposals = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "maillage_proposal_duration_seconds", Help: "Time to compute a site proposal (finished or stopped).",
		Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 14),
	})
	m.evaluations = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "maillage_scenario_evaluation_duration_seconds", Help: "Time to evaluate a scenario against the base territory.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 14),
	})
	m.storeErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "maillage_scenario_store_errors_total", Help: "Scenario store operations that failed for another reason than the request (not a missing id, a stale version or an invalid scenario), by operation.",
	}, []string{"op"})
	t := s.t
	persons := 0.0
	for i := range t.Cells {
		persons += t.Cells[i].Pop[maillage.Ind]
	}
	gauge := func(name, help string, v float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return v })
	}
	version, revision := "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.Main.Version
		for _, st := range bi.Settings {
			if st.Key == "vcs.revision" {
				revision = st.Value
			}
		}
	}
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "maillage_build_info", Help: "Always 1: the version and VCS revision of the running program.",
	}, []string{"version", "revision"})
	build.WithLabelValues(version, revision).Set(1)
	m.reg.MustRegister(m.requests, m.latency, m.inFlight, m.proposals, m.evaluations, m.storeErrors, build,
		gauge("maillage_territory_cells", "Populated H3 cells of the served territory.", float64(len(t.Cells))),
		gauge("maillage_territory_venues", "Places (venues) of the served territory, located or not.", float64(len(t.Venues))),
		gauge("maillage_territory_communes", "Communes of the served territory.", float64(len(t.Communes))),
		gauge("maillage_territory_persons", "Inhabitants of the served territory.", persons),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "maillage_answers_kept", Help: "Coverage, gaps and access answers kept in memory."},
			func() float64 { n, _ := s.p.AnswersKept(); return float64(n) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "maillage_answers_kept_bytes", Help: "Bytes of the answers kept in memory."},
			func() float64 { _, b := s.p.AnswersKept(); return float64(b) }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// handler serves the metrics in the Prometheus text format.
func (m *metrics) handler() gin.HandlerFunc {
	return gin.WrapH(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
}

// observe counts a finished request. A method outside HTTP's usual ones
// counts as "other", so that clients cannot grow the label set.
func (m *metrics) observe(route, method string, status int, d time.Duration) {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
	default:
		method = "other"
	}
	st := strconv.Itoa(status)
	m.requests.WithLabelValues(route, method, st).Inc()
	m.latency.WithLabelValues(route, method, st).Observe(d.Seconds())
}

// timed runs f and records its duration in h.
func timed[T any](h prometheus.Histogram, f func() (T, error)) (T, error) {
	start := time.Now()
	v, err := f()
	h.Observe(time.Since(start).Seconds())
	return v, err
}

// countingStore is the scenario store counting its failures.
type countingStore struct {
	scenario.Store
	errs *prometheus.CounterVec
}

// count counts err under op unless it is the request's fault.
func (s countingStore) count(op string, err error) error {
	if err != nil && !errors.Is(err, context.Canceled) && statusOf(err) == http.StatusInternalServerError {
		s.errs.WithLabelValues(op).Inc()
	}
	return err
}

func (s countingStore) Create(ctx context.Context, sc *scenario.Scenario) error {
	return s.count("create", s.Store.Create(ctx, sc))
}

func (s countingStore) Get(ctx context.Context, id int64) (*scenario.Scenario, error) {
	sc, err := s.Store.Get(ctx, id)
	return sc, s.count("get", err)
}

func (s countingStore) List(ctx context.Context, f scenario.Filter) ([]scenario.Summary, int, error) {
	l, n, err := s.Store.List(ctx, f)
	return l, n, s.count("list", err)
}

func (s countingStore) Update(ctx context.Context, sc *scenario.Scenario) error {
	return s.count("update", s.Store.Update(ctx, sc))
}

func (s countingStore) Delete(ctx context.Context, id int64) error {
	return s.count("delete", s.Store.Delete(ctx, id))
}

// Ready reports whether the store can take writes, when it can tell.
func (s countingStore) Ready(ctx context.Context) error {
	r, ok := s.Store.(interface{ Ready(context.Context) error })
	if !ok {
		return nil
	}
	return s.count("ready", r.Ready(ctx))
}

// handleReady is /readyz: 200 when the territory is loaded and the
// scenario store (if any) takes writes, else 503 saying what is not ready.
func (s *Server) handleReady(c *gin.Context) {
	checks := gin.H{}
	ready := true
	if len(s.t.Cells) == 0 {
		checks["territory"], ready = "no populated cell loaded", false
	} else {
		checks["territory"] = fmt.Sprintf("ok: %d cells", len(s.t.Cells))
	}
	switch st := s.store.(type) {
	case nil:
		checks["store"] = "none configured (scenarios off)"
	case countingStore:
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := st.Ready(ctx); err != nil {
			s.log.Warn("readiness: scenario store not writable", "err", err)
			checks["store"], ready = "not writable: "+err.Error(), false
		} else {
			checks["store"] = "ok"
		}
	}
	status, word := http.StatusOK, "ready"
	if !ready {
		status, word = http.StatusServiceUnavailable, "not ready"
	}
	c.JSON(status, gin.H{"status": word, "checks": checks})
}
