// Package web serves a territory over HTTP with gin: a health check, the
// territory summary, venues and population cells as RFC 7946 GeoJSON, and
// the planner's answers — demand profiles, coverage, gap zones,
// accessibility, site proposals, routes — and the saved what-if scenarios
// (create, read, update, delete, evaluate, compare, export). It is a thin
// adapter: the answers are computed by internal/planner, the coverage
// packages and a scenario.Store, and this package is the only one that
// imports net/http and gin. Every error is JSON {"error": "…"} with the
// status given by the one table in errors.go.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/internal/planner"
)

// Config configures a Server.
type Config struct {
	// Addr is the TCP address to listen on, e.g. ":8080" or "127.0.0.1:0".
	Addr string
	// MaxFeatures caps the number of cells one /api/v1/cells answer may hold;
	// a larger answer is refused with 413 and a message asking to zoom in.
	MaxFeatures int
	// MaxBBoxArea caps the area of a bbox query, in square degrees.
	MaxBBoxArea float64
	// ShutdownTimeout bounds how long Close waits for requests in flight.
	ShutdownTimeout time.Duration
	// MaxBodyBytes caps the size of a request body (proposals, scenarios);
	// a larger body is refused with 413.
	MaxBodyBytes int64
	// Logger receives request and error logs; nil discards them.
	Logger *slog.Logger
	// BaseMapStyle is an optional outside base map for the web page (the URL
	// of a MapLibre style); empty, the page draws only this server's layers.
	BaseMapStyle string
	// APIKeys are the keys writes need (Authorization: Bearer KEY); with
	// none, writes are open and Open listens only on loopback unless
	// InsecureOpenWrites is set.
	APIKeys            *APIKeys
	InsecureOpenWrites bool
	// CORSOrigins are the origins (e.g. "https://sig.example.fr") whose
	// pages may call the API from a browser; none: CORS is off.
	CORSOrigins []string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For (client
	// address), X-Forwarded-Proto, -Host and -Prefix (ExternalBase) are
	// believed; none: the headers are ignored.
	TrustedProxies []netip.Prefix
	// RateLimit is the sustained number of requests a second one client
	// (address) may make, RateBurst how many at once; 0: no limit.
	RateLimit float64
	RateBurst int
	// MaxExpensive bounds the proposals (and first coverage computations)
	// running at once; ExpensiveTimeout bounds each one.
	MaxExpensive     int
	ExpensiveTimeout time.Duration
	// The http.Server's limits: time to read the headers, the whole
	// request, to write the answer, and to keep an idle connection; the
	// largest request header.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	MaxHeaderBytes                                            int
}

// DefaultConfig returns the configuration `maillage serve` starts from.
func DefaultConfig() Config {
	return Config{
		Addr:            ":8080",
		MaxFeatures:     50_000,
		MaxBBoxArea:     4, // about 300 × 200 km in France: a département or two
		ShutdownTimeout: 10 * time.Second,
		MaxBodyBytes:    1 << 20,

		MaxExpensive:      max(1, runtime.GOMAXPROCS(0)),
		ExpensiveTimeout:  60 * time.Second,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      90 * time.Second, // past ExpensiveTimeout: a slow proposal still gets its answer
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// Server serves one territory through its planner. The territory must not be
// modified while the server runs. A Server is safe for concurrent requests.
type Server struct {
	cfg     Config
	log     *slog.Logger
	p       *planner.Planner
	store   scenario.Store // nil: the scenario endpoints answer 503
	t       *maillage.Territory
	summary data.Summary
	venues  []byte // the venues FeatureCollection, encoded once

	openapi []byte        // the OpenAPI document (openapi.go), encoded once
	matched matchedCounts // numberMatched of recent OGC item selections

	rate    *rateLimiter // nil: no rate limit
	metrics *metrics
	pool    *pool

	engine  *gin.Engine
	handler http.Handler // engine wrapped in CORS and HEAD (middleware.go)
	srv     *http.Server
	ln      net.Listener
	done    chan error
}

// NewServer returns a server for the planner p's territory with cfg; zero
// fields of cfg take their DefaultConfig values. store keeps the scenarios;
// it may be nil, and then the scenario endpoints answer 503. Call Open to
// start listening.
func NewServer(cfg Config, p *planner.Planner, store scenario.Store) *Server {
	def := DefaultConfig()
	if cfg.Addr == "" {
		cfg.Addr = def.Addr
	}
	if cfg.MaxFeatures <= 0 {
		cfg.MaxFeatures = def.MaxFeatures
	}
	if cfg.MaxBBoxArea <= 0 {
		cfg.MaxBBoxArea = def.MaxBBoxArea
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = def.ShutdownTimeout
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = def.MaxBodyBytes
	}
	for _, d := range []struct{ v, def *time.Duration }{{&cfg.ExpensiveTimeout, &def.ExpensiveTimeout},
		{&cfg.ReadHeaderTimeout, &def.ReadHeaderTimeout}, {&cfg.ReadTimeout, &def.ReadTimeout},
		{&cfg.WriteTimeout, &def.WriteTimeout}, {&cfg.IdleTimeout, &def.IdleTimeout}} {
		if *d.v <= 0 {
			*d.v = *d.def
		}
	}
	if cfg.MaxExpensive <= 0 {
		cfg.MaxExpensive = def.MaxExpensive
	}
	if cfg.MaxHeaderBytes <= 0 {
		cfg.MaxHeaderBytes = def.MaxHeaderBytes
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	t := p.Territory()
	s := &Server{cfg: cfg, log: log, p: p, store: store, t: t, summary: data.Summarize(t),
		pool: newPool(cfg.MaxExpensive, cfg.ExpensiveTimeout)}
	if cfg.RateLimit > 0 {
		s.rate = newRateLimiter(cfg.RateLimit, cfg.RateBurst)
	}
	s.venues = s.encodeVenues()
	s.openapi, _ = json.Marshal(openAPI()) // maps, strings and numbers only
	s.metrics = newMetrics(s)
	if store != nil {
		s.store = countingStore{store, s.metrics.storeErrors}
	}
	s.engine = s.router()
	s.handler = s.wrap(s.engine)
	return s
}

// Handler returns the HTTP handler of the API, for tests and for mounting
// under another server.
func (s *Server) Handler() http.Handler { return s.handler }

// Open starts listening on cfg.Addr and serving in the background.
func (s *Server) Open() error {
	addr, err := s.listenAddr()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("web: listen: %w", err)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.done = make(chan error, 1)
	go func() {
		err := s.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return nil
}

// Addr returns the address the server listens on (with the real port when
// cfg.Addr asked for port 0), or "" before Open.
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Close shuts the server down gracefully: it stops accepting connections and
// waits up to cfg.ShutdownTimeout for requests in flight.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	return s.Shutdown(ctx)
}

// Shutdown is Close with the caller's deadline.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	if err := s.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	return <-s.done
}

func (s *Server) router() *gin.Engine {
	e := gin.New()
	e.HandleMethodNotAllowed = true
	proxies := make([]string, len(s.cfg.TrustedProxies))
	for i, p := range s.cfg.TrustedProxies {
		proxies[i] = p.String()
	}
	if err := e.SetTrustedProxies(proxies); err != nil { // cannot happen: parsed prefixes
		s.log.Error("trusted proxies", "err", err)
	}
	e.Use(s.requestID, s.recover, s.limitRate, s.capBody, s.requireJSON)
	e.NoMethod(s.noMethod)
	e.GET("/readyz", s.handleReady)
	e.GET("/metrics", s.metrics.handler())
	e.GET("/healthz", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
	v1 := e.Group("/api/v1")
	v1.GET("/territory", func(c *gin.Context) {
		c.JSON(http.StatusOK, s.summary)
	})
	v1.GET("/venues", func(c *gin.Context) {
		c.Data(http.StatusOK, geoJSONType, s.venues)
	})
	v1.GET("/cells", s.handleCells)
	v1.GET("/export.gpkg", s.handleExportGPKG)
	v1.GET("/profiles", s.handleProfiles)
	v1.GET("/labels", s.handleLabels)
	v1.GET("/coverage", s.handleCoverage)
	v1.GET("/gaps", s.handleGaps)
	v1.GET("/access", s.handleAccess)
	v1.POST("/proposals", s.handleProposals)
	v1.POST("/evaluation", s.handleDraftEvaluation)
	v1.GET("/route", s.handleRoute)
	// The diff of the base with itself needs no store: it checks for one
	// only when a stored scenario is asked for.
	v1.GET("/scenarios/diff", s.handleScenarioDiff)
	sc := v1.Group("/scenarios", s.needStore)
	sc.GET("", s.handleScenarioList)
	sc.GET("/:id", s.handleScenarioGet)
	// Every write goes on a writes group (access.go): the key is checked
	// before anything else.
	scw := s.writes(v1.Group("/scenarios"))
	scw.Use(s.needStore)
	scw.POST("", s.handleScenarioCreate)
	scw.POST("/from-proposal", s.handleScenarioFromProposal)
	scw.PUT("/:id", s.handleScenarioUpdate)
	scw.DELETE("/:id", s.handleScenarioDelete)
	sc.GET("/:id/evaluation", s.handleScenarioEvaluation)
	sc.GET("/:id/geojson", s.handleScenarioGeoJSON)
	e.GET("/api/openapi.json", s.handleOpenAPI)
	e.GET("/api/docs", s.handleDocs)
	e.GET("/ogc", s.handleOGCLanding)
	e.GET("/ogc/conformance", s.handleOGCConformance)
	e.GET("/ogc/collections", s.handleOGCCollections)
	e.GET("/ogc/collections/:id", s.handleOGCCollection)
	e.GET("/ogc/collections/:id/items", s.handleOGCItems)
	e.GET("/ogc/collections/:id/items/:fid", s.handleOGCItem)
	e.GET("/tiles/:layer", s.handleTileIndex)
	e.GET("/tiles/:layer/:z/:x/:y", s.handleTile)
	e.GET("/styles/:profile", s.handleStyle)
	s.routePage(e)
	e.NoRoute(func(c *gin.Context) {
		s.fail(c, reqErrorf(ErrNotFound, "no such endpoint: %s", c.Request.URL.Path))
	})
	return e
}

const geoJSONType = "application/geo+json"

func (s *Server) recover(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.fail(c, fmt.Errorf("panic: %v", r))
		}
	}()
	c.Next()
}
