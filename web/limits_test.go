package web

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// openTest opens s on loopback and closes it at the end of the test.
func openTest(t *testing.T, s *Server) string {
	t.Helper()
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return "http://" + s.Addr()
}

// TestSlowClientsCut: a client trickling its headers, or its body, one
// byte at a time is disconnected once the read-header (or read) timeout has
// passed, while /healthz keeps answering meanwhile.
func TestSlowClientsCut(t *testing.T) {
	const headerTimeout, readTimeout = 400 * time.Millisecond, 800 * time.Millisecond
	s := newTestServer(t, Config{Addr: "127.0.0.1:0", ReadHeaderTimeout: headerTimeout, ReadTimeout: readTimeout}, mustDemo(t))
	base := openTest(t, s)
	for _, c := range []struct {
		name, head string
		limit      time.Duration
	}{
		{"headers", "GET /api/v1/territory HTTP/1.1\r\nHost: x\r\n", headerTimeout},
		{"body", "POST /api/v1/proposals HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n", readTimeout},
	} {
		conn, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if _, err := io.WriteString(conn, c.head); err != nil {
			t.Fatal(err)
		}
		cut := make(chan time.Duration, 1)
		go func() { // the server closing the connection ends this read
			conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			io.Copy(io.Discard, conn)
			cut <- time.Since(start)
		}()
		healthy := 0
		var took time.Duration
	trickle:
		for i := 0; ; i++ {
			select {
			case took = <-cut:
				break trickle
			case <-time.After(50 * time.Millisecond):
			}
			conn.Write([]byte("X")) // one byte of a header line or body
			if i%2 == 0 {
				resp, err := http.Get(base + "/healthz")
				if err != nil || resp.StatusCode != 200 {
					t.Fatalf("%s: /healthz while a client trickles: %v", c.name, err)
				}
				resp.Body.Close()
				healthy++
			}
		}
		conn.Close()
		if took < c.limit/2 || took > c.limit+5*time.Second || healthy < 1 {
			t.Errorf("%s trickled: cut after %v (timeout %v), /healthz answered %d times meanwhile", c.name, took, c.limit, healthy)
		}
	}
}

// TestRateLimit: past its burst a client gets 429 with Retry-After and a
// JSON error; probes are not limited; another address has its own bucket;
// X-Forwarded-For counts only from a trusted proxy.
func TestRateLimit(t *testing.T) {
	h := newTestServer(t, Config{RateLimit: 0.5, RateBurst: 3}, mustDemo(t)).Handler()
	from := func(addr string, hdr ...string) (int, http.Header, []byte) {
		req, _ := http.NewRequest("GET", "/api/v1/territory", nil)
		req.RemoteAddr = addr
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Header(), rec.Body.Bytes()
	}
	for i := range 3 {
		if code, _, b := from("192.0.2.1:1000"); code != 200 {
			t.Fatalf("request %d within the burst: %d %s", i+1, code, b)
		}
	}
	code, hdr, b := from("192.0.2.1:1001", "X-Forwarded-For", "198.51.100.7")
	if code != 429 {
		t.Fatalf("past the burst (with a spoofed X-Forwarded-For): %d %s", code, b)
	}
	if ra, err := strconv.Atoi(hdr.Get("Retry-After")); err != nil || ra < 1 || ra > 2 {
		t.Fatalf("Retry-After %q, want 1 or 2 s at 0.5 request a second", hdr.Get("Retry-After"))
	}
	if e := errorOf(t, b); !strings.Contains(e.Error, "too many requests from 192.0.2.1") {
		t.Fatalf("message: %s", e.Error)
	}
	if code, _, _ := from("192.0.2.2:1000"); code != 200 {
		t.Fatalf("another client: %d", code)
	}
	// IPv6 clients count by /64.
	for i := range 3 {
		if code, _, _ := from(fmt.Sprintf("[2001:db8:1:2::%x]:1000", i+1)); code != 200 {
			t.Fatalf("IPv6 request %d: %d", i+1, code)
		}
	}
	if code, _, _ := from("[2001:db8:1:2:ffff::9]:1000"); code != 429 {
		t.Fatalf("another address of the same /64: %d, want 429", code)
	}
	if code, _, _ := from("[2001:db8:1:3::1]:1000"); code != 200 {
		t.Fatalf("another /64: %d", code)
	}
	req, _ := http.NewRequest("GET", "/healthz", nil)
	req.RemoteAddr = "192.0.2.1:1000"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("/healthz limited: %d", rec.Code)
	}

	// Behind a trusted proxy, each forwarded client has its own bucket.
	proxy := netip.MustParsePrefix("10.0.0.0/8")
	h = newTestServer(t, Config{RateLimit: 0.5, RateBurst: 1, TrustedProxies: []netip.Prefix{proxy}}, mustDemo(t)).Handler()
	for _, client := range []string{"198.51.100.1", "198.51.100.2", "198.51.100.3"} {
		if code, _, b := from("10.1.2.3:5000", "X-Forwarded-For", "203.0.113.9, "+client); code != 200 {
			t.Fatalf("forwarded client %s: %d %s", client, code, b)
		}
	}
	if code, _, _ := from("10.1.2.3:5000", "X-Forwarded-For", "198.51.100.1"); code != 429 {
		t.Fatalf("the same forwarded client again: %d, want 429", code)
	}
}

// TestExternalBase: the base URL is the request's own unless a trusted
// proxy forwards another.
func TestExternalBase(t *testing.T) {
	s := newTestServer(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}, mustDemo(t))
	for _, c := range []struct {
		remote string
		hdr    []string
		want   string
	}{
		{"192.0.2.1:1", nil, "http://api.local:8080"},
		{"192.0.2.1:1", []string{"X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.example"}, "http://api.local:8080"},
		{"10.0.0.5:1", []string{"X-Forwarded-Proto", "https", "X-Forwarded-Host", "sig.example.fr", "X-Forwarded-Prefix", "/maillage/"}, "https://sig.example.fr/maillage"},
		{"10.0.0.5:1", []string{"X-Forwarded-Proto", "gopher", "X-Forwarded-Host", "bad host/x"}, "http://api.local:8080"},
		{"10.0.0.5:1", []string{"X-Forwarded-Proto", "https, http", "X-Forwarded-Host", "a.fr, b.fr"}, "https://a.fr"},
	} {
		req, _ := http.NewRequest("GET", "http://api.local:8080/ogc", nil)
		req.RemoteAddr = c.remote
		for i := 0; i+1 < len(c.hdr); i += 2 {
			req.Header.Set(c.hdr[i], c.hdr[i+1])
		}
		if got := s.ExternalBase(req); got != c.want {
			t.Errorf("%s %v: %s, want %s", c.remote, c.hdr, got, c.want)
		}
	}
	if _, err := ParseCIDRs([]string{"10.0.0.0/8", "192.0.2.1", " ::1 ", "nonsense"}); err == nil || !strings.Contains(err.Error(), `"nonsense"`) {
		t.Fatalf("ParseCIDRs: %v", err)
	}
	if ps, err := ParseCIDRs([]string{"10.1.0.0/8", "192.0.2.1"}); err != nil || len(ps) != 2 || ps[0].String() != "10.0.0.0/8" || ps[1].String() != "192.0.2.1/32" {
		t.Fatalf("ParseCIDRs: %v %v", ps, err)
	}
}

// TestProposalPoolFull: with every slot of the pool taken a proposal waits
// the pool's short wait, then is answered 503 with Retry-After; a slot
// freed during the wait, it is computed.
func TestProposalPoolFull(t *testing.T) {
	logger, logs := testLogger()
	s := newTestServer(t, Config{MaxExpensive: 2, Logger: logger}, mustDemo(t))
	s.pool.wait = 200 * time.Millisecond
	h := s.Handler()
	body := `{"profiles":["seniors-20min-walk"],"k":3}`
	s.pool.slots <- struct{}{}
	s.pool.slots <- struct{}{}
	start := time.Now()
	code, hdr, b := send(t, h, "POST", "/api/v1/proposals", body, "Content-Type", "application/json")
	if waited := time.Since(start); waited < s.pool.wait {
		t.Errorf("full pool answered after %v, before its wait of %v", waited, s.pool.wait)
	}
	if code != 503 || hdr.Get("Retry-After") != strconv.Itoa(retryBusy) || !strings.Contains(errorOf(t, b).Error, "computing 2 already") {
		t.Fatalf("full pool: %d Retry-After %q %s", code, hdr.Get("Retry-After"), b)
	}
	s.pool.wait = 10 * time.Second
	go func() { time.Sleep(100 * time.Millisecond); <-s.pool.slots }()
	if code, _, b := send(t, h, "POST", "/api/v1/proposals", body, "Content-Type", "application/json"); code != 200 {
		t.Fatalf("a slot freed during the wait: %d %s", code, b)
	}
	if len(s.pool.slots) != 1 {
		t.Fatalf("%d slots taken after the proposal, want the 1 the test holds", len(s.pool.slots))
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("ERROR logged:\n%s", logs)
	}
}

// TestProposalDeadline: a proposal running past ExpensiveTimeout is stopped
// and answered 503 saying so.
func TestProposalDeadline(t *testing.T) {
	s := newTestServer(t, Config{ExpensiveTimeout: time.Millisecond}, mustDemo(t))
	code, hdr, b := send(t, s.Handler(), "POST", "/api/v1/proposals", heavyProposal, "Content-Type", "application/json")
	if code != 503 || hdr.Get("Retry-After") == "" || !strings.Contains(errorOf(t, b).Error, "stopped after 1ms") {
		t.Fatalf("past the deadline: %d %v %s", code, hdr, b)
	}
}

// heavyProposal takes about a second on the demo territory (four profiles,
// every kind of candidate, 500 sites).
const heavyProposal = `{"profiles":["france-services-30min-car","demarches-20min-car","seniors-20min-walk","needs-help-30min-car"],"k":500,"candidates":{"cells":true,"communes":true,"venues":true}}`

// TestDisconnectCancelsProposal: a client that goes away while its proposal
// runs stops it: the handler ends with the proposal cancelled (logged as
// 499, not computed to the end), the pool slot is freed and no goroutine is
// left behind.
func TestDisconnectCancelsProposal(t *testing.T) {
	logger, logs := testLogger()
	s := newTestServer(t, Config{Addr: "127.0.0.1:0", Logger: logger}, mustDemo(t))
	base := openTest(t, s)
	// Build the four baseline states first, so the request below spends its
	// time in the proposal itself.
	if code, _, b := send(t, s.Handler(), "GET", "/api/v1/coverage", ""); code != 200 {
		t.Fatalf("coverage: %d %s", code, b)
	}
	http.DefaultClient.CloseIdleConnections()
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/proposals", strings.NewReader(heavyProposal))
	req.Header.Set("Content-Type", "application/json")
	tr := &http.Transport{}
	errc := make(chan error, 1)
	go func() {
		resp, err := tr.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
			err = fmt.Errorf("answered %d before the cancel", resp.StatusCode)
		}
		errc <- err
	}()
	// Wait until the proposal holds its slot, then go away.
	for deadline := time.Now().Add(10 * time.Second); len(s.pool.slots) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the proposal never started")
		}
	}
	time.Sleep(50 * time.Millisecond)
	cancel()
	if err := <-errc; !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("client: %v", err)
	}
	tr.CloseIdleConnections()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if strings.Contains(logs.String(), "route=/api/v1/proposals path=/api/v1/proposals status=499") &&
			len(s.pool.slots) == 0 && runtime.NumGoroutine() <= before {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("after the disconnect: %d slots taken, %d goroutines (%d before); log:\n%s\n%s", len(s.pool.slots),
				runtime.NumGoroutine(), before, logs, buf[:runtime.Stack(buf, true)])
		}
	}
	if strings.Contains(logs.String(), "status=200") && strings.Contains(logs.String(), "route=/api/v1/proposals path=/api/v1/proposals status=200") {
		t.Fatal("the proposal ran to its end")
	}
}

// TestRateLimiterBounded: the buckets held stay within maxClients however
// many addresses come, and idle ones are forgotten.
func TestRateLimiterBounded(t *testing.T) {
	l := newRateLimiter(1, 1)
	now := time.Now()
	for i := range maxClients + 100 {
		l.allow(fmt.Sprint(i), now)
	}
	if len(l.clients) != maxClients {
		t.Fatalf("%d buckets, want at most %d", len(l.clients), maxClients)
	}
	l.allow("late", now.Add(l.idle+time.Second))
	if len(l.clients) != 1 {
		t.Fatalf("%d buckets after the idle time, want 1", len(l.clients))
	}
}

// TestOGCLinksBehindProxy: the OGC API's links use the forwarded scheme,
// host and prefix behind a trusted proxy, and the request's own otherwise.
func TestOGCLinksBehindProxy(t *testing.T) {
	h := newTestServer(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}, mustDemo(t)).Handler()
	for remote, want := range map[string]string{
		"10.0.0.5:1":  `"https://sig.example.fr/maillage/ogc`,
		"192.0.2.1:1": `"http://example.com/ogc`,
	} {
		req := httptest.NewRequest("GET", "/ogc", nil)
		req.RemoteAddr = remote
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Header.Set("X-Forwarded-Host", "sig.example.fr")
		req.Header.Set("X-Forwarded-Prefix", "/maillage")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/ogc from %s: %d, want links starting %s:\n%.600s", remote, rec.Code, want, rec.Body.String())
		}
	}
}

// TestManySlowClientsCut: 50 clients trickling a body one byte at a time
// are all disconnected by the read timeout, and /healthz answers meanwhile.
func TestManySlowClientsCut(t *testing.T) {
	const readTimeout = 700 * time.Millisecond
	s := newTestServer(t, Config{Addr: "127.0.0.1:0", ReadTimeout: readTimeout}, mustDemo(t))
	base := openTest(t, s)
	const n = 50
	cut := make(chan time.Duration, n)
	start := time.Now()
	for range n {
		conn, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "POST /api/v1/scenarios HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
		go func() {
			done := make(chan struct{})
			go func() {
				conn.SetReadDeadline(time.Now().Add(20 * time.Second))
				io.Copy(io.Discard, conn)
				close(done)
			}()
			for {
				select {
				case <-done:
					cut <- time.Since(start)
					return
				case <-time.After(100 * time.Millisecond):
					conn.Write([]byte(" "))
				}
			}
		}()
	}
	for range 5 {
		resp, err := http.Get(base + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("/healthz with %d slow clients: %v", n, err)
		}
		resp.Body.Close()
		time.Sleep(50 * time.Millisecond)
	}
	for range n {
		if d := <-cut; d < readTimeout/2 || d > readTimeout+10*time.Second {
			t.Fatalf("a slow client was cut after %v (read timeout %v)", d, readTimeout)
		}
	}
}
