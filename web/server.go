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
	"time"

	"github.com/gin-gonic/gin"
	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/geo"
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
}

// DefaultConfig returns the configuration `maillage serve` starts from.
func DefaultConfig() Config {
	return Config{
		Addr:            ":8080",
		MaxFeatures:     50_000,
		MaxBBoxArea:     4, // about 300 × 200 km in France: a département or two
		ShutdownTimeout: 10 * time.Second,
		MaxBodyBytes:    1 << 20,
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
	cells   geo.Index[int32]
	// communeJSON[i] is `,"commune":"…","commune_name":"…"` for commune i.
	communeJSON [][]byte

	engine *gin.Engine
	srv    *http.Server
	ln     net.Listener
	done   chan error
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
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	t := p.Territory()
	s := &Server{cfg: cfg, log: log, p: p, store: store, t: t, summary: data.Summarize(t)}
	for i := range t.Cells {
		s.cells.InsertPoint(t.Cells[i].Center, int32(i))
	}
	s.venues = s.encodeVenues()
	for _, c := range t.Communes {
		code, _ := json.Marshal(c.Code)
		name, _ := json.Marshal(c.Name)
		s.communeJSON = append(s.communeJSON, []byte(`,"commune":`+string(code)+`,"commune_name":`+string(name)))
	}
	s.engine = s.router()
	return s
}

// Handler returns the HTTP handler of the API, for tests and for mounting
// under another server.
func (s *Server) Handler() http.Handler { return s.engine }

// Open starts listening on cfg.Addr and serving in the background.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("web: listen: %w", err)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.engine,
		ReadHeaderTimeout: 10 * time.Second,
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
	e.Use(s.logRequests, s.recover)
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
	v1.GET("/profiles", s.handleProfiles)
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
	sc.POST("", s.handleScenarioCreate)
	sc.GET("", s.handleScenarioList)
	sc.GET("/:id", s.handleScenarioGet)
	sc.PUT("/:id", s.handleScenarioUpdate)
	sc.DELETE("/:id", s.handleScenarioDelete)
	sc.GET("/:id/evaluation", s.handleScenarioEvaluation)
	sc.GET("/:id/geojson", s.handleScenarioGeoJSON)
	s.routePage(e)
	e.NoRoute(func(c *gin.Context) {
		s.fail(c, &reqError{ErrNotFound, "no such endpoint: " + c.Request.URL.Path})
	})
	return e
}

const geoJSONType = "application/geo+json"

func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.log.Info("request", "method", c.Request.Method, "path", c.Request.URL.Path,
		"status", c.Writer.Status(), "duration", time.Since(start))
}

func (s *Server) recover(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.fail(c, fmt.Errorf("panic: %v", r))
		}
	}()
	c.Next()
}
