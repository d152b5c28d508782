package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/rs/cors"
)

// The server's cross-cutting rules live here, apart from the routes: every
// request gets a request id and an access log line; its body is capped; a
// write must send JSON; HEAD is served wherever GET is; a known path with
// another method is a 405 with Allow; CORS answers the configured origins.

// wrap wraps the gin engine with what works before routing: CORS
// (preflight included) and HEAD as GET.
func (s *Server) wrap(e *gin.Engine) http.Handler {
	var h http.Handler = headAsGet(e)
	if len(s.cfg.CORSOrigins) > 0 {
		h = cors.New(cors.Options{
			AllowedOrigins: s.cfg.CORSOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete},
			AllowedHeaders: []string{"Authorization", "Content-Type", "If-None-Match", "X-Request-Id"},
			ExposedHeaders: []string{"ETag", "Location", "Retry-After", "X-Request-Id"},
			MaxAge:         600,
		}).Handler(h)
	}
	return h
}

type headKey struct{}

// headAsGet serves HEAD as GET: net/http's server drops the body of an
// answer to HEAD (and keeps its Content-Length), so every GET route answers
// HEAD without registering it twice.
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			r = r.WithContext(context.WithValue(r.Context(), headKey{}, true))
			r.Method = http.MethodGet
		}
		next.ServeHTTP(w, r)
	})
}

// method returns the request's method as the client sent it.
func method(c *gin.Context) string {
	if head, _ := c.Request.Context().Value(headKey{}).(bool); head {
		return http.MethodHead
	}
	return c.Request.Method
}

// requestID gives the request an id (the client's X-Request-Id when it is
// short and plain, else a random one), echoes it as X-Request-Id, and logs
// the request when it is done: method, route pattern, status, duration,
// bytes written.
func (s *Server) requestID(c *gin.Context) {
	start := time.Now()
	id := c.GetHeader("X-Request-Id")
	if !plainID(id) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Set("request_id", id)
	c.Header("X-Request-Id", id)
	s.metrics.inFlight.Inc()
	c.Next()
	s.metrics.inFlight.Dec()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	s.metrics.observe(route, method(c), c.Writer.Status(), time.Since(start))
	s.log.Info("request", "method", method(c), "route", route, "path", c.Request.URL.Path,
		"status", c.Writer.Status(), "duration_ms", float64(time.Since(start).Microseconds())/1000,
		"bytes", max(c.Writer.Size(), 0), "request_id", id)
}

func plainID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// capBody caps every request body at cfg.MaxBodyBytes: reading past it is
// an *http.MaxBytesError, answered 413.
func (s *Server) capBody(c *gin.Context) {
	if c.Request.Body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBodyBytes)
	}
	c.Next()
}

// requireJSON answers 415 to a POST, PUT or PATCH whose Content-Type is not
// application/json (or a +json type): a web page can send text/plain or a
// form to another origin without asking, JSON only after a CORS preflight.
func (s *Server) requireJSON(c *gin.Context) {
	switch c.Request.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
	default:
		c.Next()
		return
	}
	ct := c.GetHeader("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !(mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		if ct == "" {
			ct = "none"
		}
		s.fail(c, reqErrorf(ErrUnsupportedMedia, "Content-Type %s: this endpoint takes application/json", ct))
		return
	}
	c.Next()
}

// noMethod answers a known path asked with another method: 405, with the
// Allow header gin sets (plus HEAD wherever GET is allowed).
func (s *Server) noMethod(c *gin.Context) {
	allow := strings.Split(c.Writer.Header().Get("Allow"), ", ")
	if slices.Contains(allow, http.MethodGet) && !slices.Contains(allow, http.MethodHead) {
		allow = append(allow, http.MethodHead)
	}
	c.Header("Allow", strings.Join(allow, ", "))
	s.fail(c, reqErrorf(ErrMethod, "%s %s: method not allowed (allowed: %s)", method(c), c.Request.URL.Path, strings.Join(allow, ", ")))
}

// readBody reads the whole request body. A body over the cap is an
// *http.MaxBytesError (413); one cut short or unreadable is ErrInvalid
// (400): the client's fault, not the server's.
func readBody(c *gin.Context) ([]byte, error) {
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, err
		}
		return nil, reqErrorf(ErrInvalid, "request body: cut short or unreadable (%v)", err)
	}
	return raw, nil
}
