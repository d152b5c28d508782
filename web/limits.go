package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/maillage/maillage/internal/labels"
)

// Limits that protect the server from slow, abusive or simply too many
// clients: a per-client rate limit (429 with Retry-After), a bounded pool
// for expensive work with a deadline (503 with Retry-After when full), the
// client's address (forwarded only by a trusted proxy) and the external
// base URL of a request.

// ParseCIDRs parses trusted proxy addresses: CIDR prefixes ("10.0.0.0/8")
// or single addresses ("192.0.2.1", taken as /32 or /128).
func ParseCIDRs(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("web: trusted proxy %q: not an address or CIDR prefix", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// trusted reports whether the request came straight from a trusted proxy.
func (s *Server) trusted(r *http.Request) bool {
	if len(s.cfg.TrustedProxies) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	a := ap.Addr().Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ExternalBase returns the base URL clients reach this request's server at,
// without a trailing slash ("https://sig.example.fr/maillage"): the
// request's own scheme and Host, or, when the request comes from a trusted
// proxy (Config.TrustedProxies), its X-Forwarded-Proto, X-Forwarded-Host and
// X-Forwarded-Prefix. Use it for absolute links (OGC API hrefs).
func (s *Server) ExternalBase(r *http.Request) string {
	scheme, host, prefix := "http", r.Host, ""
	if r.TLS != nil {
		scheme = "https"
	}
	if s.trusted(r) {
		first := func(h string) string {
			v, _, _ := strings.Cut(r.Header.Get(h), ",")
			return strings.TrimSpace(v)
		}
		if p := strings.ToLower(first("X-Forwarded-Proto")); p == "http" || p == "https" {
			scheme = p
		}
		if h := first("X-Forwarded-Host"); h != "" && plainHost(h) {
			host = h
		}
		if p := first("X-Forwarded-Prefix"); strings.HasPrefix(p, "/") && plainPath(p) {
			prefix = strings.TrimRight(p, "/")
		}
	}
	return scheme + "://" + host + prefix
}

func plainHost(h string) bool {
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-.:[]", r)) {
			return false
		}
	}
	return len(h) <= 255
}

func plainPath(p string) bool {
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~/", r)) {
			return false
		}
	}
	return len(p) <= 200
}

// clientKey is the address a client is counted under: gin's ClientIP,
// which reads X-Forwarded-For only from the trusted proxies given to the
// engine (none by default); an IPv6 client counts by its /64 (one site:
// a host can take any address of its /64).
func clientKey(c *gin.Context) string {
	ip := c.ClientIP()
	if a, err := netip.ParseAddr(ip); err == nil && a.Is6() && !a.Is4In6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return ip
}

// maxClients bounds the token buckets held at once: past it, an arbitrary
// one is forgotten for each new client.
const maxClients = 1 << 16

// rateLimiter holds one token bucket per client address. Clients idle for
// longer than idle are forgotten, so memory stays bounded by the number of
// clients seen within that time.
type rateLimiter struct {
	limit rate.Limit
	burst int
	idle  time.Duration

	mu      sync.Mutex
	clients map[string]*clientBucket
	sweep   time.Time
}

type clientBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newRateLimiter(perSecond float64, burst int) *rateLimiter {
	if burst < 1 {
		burst = max(1, int(math.Ceil(perSecond)))
	}
	return &rateLimiter{limit: rate.Limit(perSecond), burst: burst, idle: 5 * time.Minute, clients: map[string]*clientBucket{}}
}

// allow takes one token for key, or returns how long to wait for one.
func (l *rateLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > l.idle {
		for k, b := range l.clients {
			if now.Sub(b.seen) > l.idle {
				delete(l.clients, k)
			}
		}
		l.sweep = now
	}
	b := l.clients[key]
	if b == nil && len(l.clients) >= maxClients {
		for k := range l.clients { // map order: an arbitrary bucket
			delete(l.clients, k)
			break
		}
	}
	if b == nil {
		b = &clientBucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.clients[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// unlimited are the routes no limit applies to: an orchestrator's probes and
// the metrics scraper must get through an overloaded server.
var unlimited = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// limitRate answers 429 with Retry-After (whole seconds, at least 1) to a
// client over its rate.
func (s *Server) limitRate(c *gin.Context) {
	if s.rate == nil || unlimited[c.Request.URL.Path] {
		c.Next()
		return
	}
	ok, wait := s.rate.allow(clientKey(c), time.Now())
	if !ok {
		secs := int(math.Ceil(wait.Seconds()))
		c.Header("Retry-After", strconv.Itoa(max(1, secs)))
		s.fail(c, reqErrorf(ErrTooManyRequests, "too many requests from %s: at most %g a second (burst %d); retry in %d s",
			clientKey(c), float64(s.rate.limit), s.rate.burst, max(1, secs)))
		return
	}
	c.Next()
}

// pool bounds the number of expensive computations (proposals, a first
// coverage) running at once; a request finding it full waits at most wait
// for a slot (a page's first load asks for coverage, access and gaps at
// once), then is answered 503 rather than queued without end.
type pool struct {
	slots   chan struct{}
	timeout time.Duration
	wait    time.Duration
}

// poolWait is how long a request waits for a slot of a full pool.
const poolWait = 3 * time.Second

func newPool(n int, timeout time.Duration) *pool {
	return &pool{slots: make(chan struct{}, n), timeout: timeout, wait: poolWait}
}

// acquire takes a slot, waiting at most p.wait or until ctx ends; it
// reports whether it got one.
func (p *pool) acquire(ctx context.Context) bool {
	select {
	case p.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(p.wait)
	defer t.Stop()
	select {
	case p.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// expensive runs work in a slot of the pool with the request's context,
// bounded by the pool's deadline and cancelled when the client goes away.
// A pool still full after its wait is a 503 with Retry-After; running past
// the deadline is a 503 saying so.
func (s *Server) expensive(c *gin.Context, what labels.Message, work func(ctx context.Context) error) error {
	if !s.pool.acquire(c.Request.Context()) {
		c.Header("Retry-After", strconv.Itoa(retryBusy))
		return reqErrorf(ErrBusy, "%s: the server is computing %d already; retry in %d s", what, cap(s.pool.slots), retryBusy)
	}
	defer func() { <-s.pool.slots }()
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.pool.timeout)
	defer cancel()
	err := work(ctx)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil && c.Request.Context().Err() == nil:
		c.Header("Retry-After", strconv.Itoa(retryBusy))
		return reqErrorf(ErrBusy, "%s: stopped after %v, the limit for one request: ask for less (fewer sites, fewer candidates)", what, s.pool.timeout)
	case errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil:
		return reqErrorf(ErrClientGone, "%v: the client went away", what)
	}
	return err
}

// retryBusy is the Retry-After of a 503 from a full pool, in seconds.
const retryBusy = 2
