package web

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/maillage/maillage/coverage/scenario"
)

// TestWritesTakeJSON: a POST or PUT whose body is not declared JSON is a 415
// (a web page can send text/plain or a form cross-site without a
// preflight), and nothing is written.
func TestWritesTakeJSON(t *testing.T) {
	logger, logs := testLogger()
	s, st := scenarioServerConfig(t, Config{Logger: logger})
	h := s.Handler()
	venue := mustDemo(t).Venues[0].ID
	body := `{"name":"w","changes":[{"op":"remove","venue_id":"` + venue + `"}]}`
	for _, target := range []string{"POST /api/v1/scenarios", "PUT /api/v1/scenarios/1", "POST /api/v1/proposals"} {
		m, path, _ := strings.Cut(target, " ")
		for _, ct := range []string{"", "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
			"multipart/form-data; boundary=x", "application/jsonx", "json", "application/"} {
			code, _, b := send(t, h, m, path, body, "Content-Type", ct)
			if code != http.StatusUnsupportedMediaType {
				t.Errorf("%s with Content-Type %q: %d %s, want 415", target, ct, code, b)
				continue
			}
			if e := errorOf(t, b); !strings.Contains(e.Error, "application/json") {
				t.Errorf("%s: message %q names no type to use", target, e.Error)
			}
		}
	}
	if _, n, _ := st.List(t.Context(), scenario.Filter{}); n != 0 {
		t.Fatalf("%d scenarios written by refused requests", n)
	}
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"} {
		if code, _, b := send(t, h, "POST", "/api/v1/scenarios", body, "Content-Type", ct); code != 201 {
			t.Errorf("Content-Type %q: %d %s, want 201", ct, code, b)
		}
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("ERROR logged:\n%s", logs)
	}
}

// TestBadBodies: malformed, truncated, huge, deeply nested, NaN or huge
// numbers are each a clear 4xx, with no ERROR log line and nothing written.
func TestBadBodies(t *testing.T) {
	logger, logs := testLogger()
	s, st := scenarioServerConfig(t, Config{Logger: logger})
	h := s.Handler()
	venue := mustDemo(t).Venues[0].ID
	good := `{"name":"w","changes":[{"op":"remove","venue_id":"` + venue + `"}]}`
	deep := strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000)
	deepArr := `{"name":"w","changes":` + strings.Repeat("[", 200_000) + strings.Repeat("]", 200_000) + "}"
	big := `{"name":"` + strings.Repeat("x", 10<<20) + `"}`
	for _, c := range []struct {
		name, body string
		status     int
	}{
		{"malformed", `{"name":`, 400},
		{"truncated", good[:len(good)/2], 400},
		{"not an object", `[1,2,3]`, 400},
		{"trailing data", good + `{}`, 400},
		{"empty", ``, 400},
		{"NaN", `{"name":"w","changes":[{"op":"add","venue":{"lat":NaN,"lon":1}}]}`, 400},
		{"huge number", `{"name":"w","version":1e999,"changes":[]}`, 400},
		{"huge integer", `{"name":"w","version":123456789012345678901234567890,"changes":[]}`, 400},
		{"deep nesting", deep, 400},
		{"deep arrays", deepArr, 400},
		{"10 MB", big, 413},
	} {
		for _, target := range []string{"POST /api/v1/scenarios", "POST /api/v1/proposals"} {
			m, path, _ := strings.Cut(target, " ")
			code, _, b := send(t, h, m, path, c.body, "Content-Type", "application/json")
			if code != c.status {
				t.Errorf("%s, %s: %d %.200s, want %d", target, c.name, code, b, c.status)
				continue
			}
			if e := errorOf(t, b); len(e.Error) > 500 {
				t.Errorf("%s, %s: a %d-byte message", target, c.name, len(e.Error))
			}
		}
	}
	if _, n, _ := st.List(t.Context(), scenario.Filter{}); n != 0 {
		t.Fatalf("%d scenarios written by refused requests", n)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("ERROR logged:\n%.2000s", logs)
	}
}

// TestBodyCutShort: a client that announces more body than it sends and
// stops is answered 400, not 500, and no ERROR is logged.
func TestBodyCutShort(t *testing.T) {
	logger, logs := testLogger()
	s, _ := scenarioServerConfig(t, Config{Addr: "127.0.0.1:0", Logger: logger})
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, path := range []string{"/api/v1/scenarios", "/api/v1/proposals"} {
		conn, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"name\":\"cut", path)
		conn.(*net.TCPConn).CloseWrite()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		conn.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(b), "cut short") && !strings.Contains(string(b), "unexpected EOF") {
			t.Errorf("%s cut short: %d %s, want 400", path, resp.StatusCode, b)
		}
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("ERROR logged:\n%s", logs)
	}
}

// TestMethodNotAllowed: a known path with another method is a 405 with
// Allow (HEAD wherever GET); an unknown path stays a 404.
func TestMethodNotAllowed(t *testing.T) {
	s, _ := scenarioServerConfig(t, Config{})
	h := s.Handler()
	for _, c := range []struct{ method, path, allow string }{
		{"DELETE", "/api/v1/territory", "GET, HEAD"},
		{"POST", "/healthz", "GET, HEAD"},
		{"GET", "/api/v1/proposals", "POST"},
		{"HEAD", "/api/v1/proposals", "POST"},
		{"PATCH", "/api/v1/scenarios/3", "GET, PUT, DELETE, HEAD"},
	} {
		code, hdr, b := send(t, h, c.method, c.path, "{}", "Content-Type", "application/json")
		if code != 405 || !sameSet(hdr.Get("Allow"), c.allow) {
			t.Errorf("%s %s: %d Allow %q %s, want 405 Allow %q", c.method, c.path, code, hdr.Get("Allow"), b, c.allow)
			continue
		}
		if c.method != "HEAD" {
			errorOf(t, b)
		}
	}
	if code, _, _ := send(t, h, "DELETE", "/api/v1/nothing", ""); code != 404 {
		t.Errorf("unknown path: %d, want 404", code)
	}
}

func sameSet(a, b string) bool {
	as, bs := strings.Split(a, ", "), strings.Split(b, ", ")
	if len(as) != len(bs) {
		return false
	}
	seen := map[string]bool{}
	for _, x := range as {
		seen[x] = true
	}
	for _, x := range bs {
		if !seen[x] {
			return false
		}
	}
	return true
}

// TestHead: HEAD answers as GET does (status, type, Content-Length) without
// a body, on the real server (net/http drops the body of an answer to HEAD).
func TestHead(t *testing.T) {
	s := newTestServer(t, Config{Addr: "127.0.0.1:0"}, mustDemo(t))
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, path := range []string{"/healthz", "/api/v1/territory", "/api/v1/venues", "/api/v1/cells?bbox=1.4,45.8,2.7,46.6", "/api/v1/gaps?profile=seniors-20min-walk"} {
		gcode, ghdr, gbody := send(t, s.Handler(), "GET", path, "")
		resp, err := http.Head("http://" + s.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		hbody, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if gcode != 200 || resp.StatusCode != 200 || len(hbody) != 0 || ghdr.Get("Content-Type") != resp.Header.Get("Content-Type") ||
			len(gbody) == 0 || resp.ContentLength >= 0 && resp.ContentLength != int64(len(gbody)) {
			t.Errorf("HEAD %s: %d %q (%d bytes, Content-Length %d); GET %d %q (%d bytes)", path, resp.StatusCode, resp.Header.Get("Content-Type"),
				len(hbody), resp.ContentLength, gcode, ghdr.Get("Content-Type"), len(gbody))
		}
	}
	resp, err := http.Head("http://" + s.Addr() + "/api/v1/territory")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, _, gbody := send(t, s.Handler(), "GET", "/api/v1/territory", "")
	if resp.ContentLength != int64(len(gbody)) {
		t.Fatalf("HEAD /api/v1/territory: Content-Length %d, want %d", resp.ContentLength, len(gbody))
	}
}

// TestCORS: off by default; with an allow-list, listed origins get the CORS
// headers and their preflights are answered, others get none.
func TestCORS(t *testing.T) {
	const portal = "https://sig.example.fr"
	off := newTestServer(t, Config{}, mustDemo(t)).Handler()
	if _, hdr, _ := send(t, off, "GET", "/api/v1/territory", "", "Origin", portal); hdr.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("CORS on by default: %v", hdr)
	}
	if code, hdr, _ := send(t, off, "OPTIONS", "/api/v1/scenarios", "", "Origin", portal, "Access-Control-Request-Method", "POST"); hdr.Get("Access-Control-Allow-Origin") != "" || code == 204 {
		t.Fatalf("preflight answered by default: %d %v", code, hdr)
	}
	h := newTestServer(t, Config{CORSOrigins: []string{portal}}, mustDemo(t)).Handler()
	code, hdr, _ := send(t, h, "GET", "/api/v1/territory", "", "Origin", portal)
	if code != 200 || hdr.Get("Access-Control-Allow-Origin") != portal || !strings.Contains(hdr.Get("Access-Control-Expose-Headers"), "Etag") && !strings.Contains(hdr.Get("Access-Control-Expose-Headers"), "ETag") {
		t.Fatalf("GET from the portal: %d %v", code, hdr)
	}
	code, hdr, _ = send(t, h, "OPTIONS", "/api/v1/scenarios/1", "", "Origin", portal,
		"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization,content-type")
	if code != 204 || hdr.Get("Access-Control-Allow-Origin") != portal || !strings.Contains(hdr.Get("Access-Control-Allow-Methods"), "PUT") ||
		!strings.Contains(strings.ToLower(hdr.Get("Access-Control-Allow-Headers")), "authorization") {
		t.Fatalf("preflight from the portal: %d %v", code, hdr)
	}
	if _, hdr, _ := send(t, h, "GET", "/api/v1/territory", "", "Origin", "https://evil.example"); hdr.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("another origin allowed: %v", hdr)
	}
	if _, hdr, _ := send(t, h, "OPTIONS", "/api/v1/scenarios", "", "Origin", "https://evil.example", "Access-Control-Request-Method", "POST"); hdr.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("another origin's preflight allowed: %v", hdr)
	}
}

// TestRequestID: every answer carries X-Request-Id (the client's when plain,
// else a new one), and the access log line has it with the route pattern.
func TestRequestID(t *testing.T) {
	logger, logs := testLogger()
	h := newTestServer(t, Config{Logger: logger}, mustDemo(t)).Handler()
	_, hdr, _ := send(t, h, "GET", "/api/v1/territory", "", "X-Request-Id", "abc-123")
	if hdr.Get("X-Request-Id") != "abc-123" {
		t.Fatalf("X-Request-Id %q, want the client's", hdr.Get("X-Request-Id"))
	}
	_, hdr, _ = send(t, h, "GET", "/api/v1/cells?bbox=1,2,3", "", "X-Request-Id", "bad id\x01")
	id := hdr.Get("X-Request-Id")
	if len(id) != 16 || id == "abc-123" {
		t.Fatalf("X-Request-Id %q, want a new 16-hex id", id)
	}
	log := logs.String()
	for _, want := range []string{"method=GET route=/api/v1/territory path=/api/v1/territory status=200",
		"route=/api/v1/cells path=/api/v1/cells status=400", "request_id=abc-123", "request_id=" + id} {
		if !strings.Contains(log, want) {
			t.Errorf("log misses %q:\n%s", want, log)
		}
	}
}
