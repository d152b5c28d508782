package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/internal/labels"
)

const (
	testKey  = "k3y-for-the-tests-0123456789"
	otherKey = "another-key-kept-as-digest"
)

// testKeys holds testKey as it is and otherKey as a sha256: digest.
func testKeys(t testing.TB) *APIKeys {
	t.Helper()
	d := sha256.Sum256([]byte(otherKey))
	k, err := ParseAPIKeys(strings.NewReader("# keys of the tests\n\n  "+testKey+"  # the SIG\nsha256:"+hex.EncodeToString(d[:])+"\n"), "keys.txt")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParseAPIKeys(t *testing.T) {
	k := testKeys(t)
	if k.Len() != 2 {
		t.Fatalf("%d keys, want 2", k.Len())
	}
	for key, want := range map[string]bool{testKey: true, otherKey: true, "": false, testKey[:10]: false,
		testKey + "x": false, " " + testKey: false, strings.ToUpper(testKey): false, "sha256:" + otherKey: false} {
		if got := k.Check(key); got != want {
			t.Errorf("Check(%q) = %v, want %v", key, got, want)
		}
	}
	// Only digests are kept: no dump of the keys shows a key.
	for _, dump := range []string{fmt.Sprintf("%#v", *k), fmt.Sprintf("%v", k), fmt.Sprintf("%+v", *k), k.String()} {
		if strings.Contains(dump, testKey) || strings.Contains(dump, hex.EncodeToString([]byte(testKey))) {
			t.Errorf("a dump of the keys shows one: %s", dump)
		}
	}
	if k.String() != "2 API key(s)" {
		t.Errorf("String() = %q", k.String())
	}
	var none *APIKeys
	if none.Len() != 0 || none.Check("") || none.Check(testKey) {
		t.Error("a nil APIKeys accepts a key")
	}
	for _, c := range []struct{ in, want string }{
		{"# only a comment\n\n", "keys.txt: no key"},
		{"good\nsha256:abcd\n", "keys.txt line 2: a sha256: key needs 64 hex digits"},
		{"good\n\nsha256:" + strings.Repeat("zz", 32) + "\n", "keys.txt line 3: a sha256: key needs 64 hex digits"},
		{"two words\n", "keys.txt line 1: a key holds no space"},
	} {
		_, err := ParseAPIKeys(strings.NewReader(c.in), "keys.txt")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseAPIKeys(%q) = %v, want %q", c.in, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "good") {
			t.Errorf("the error shows a key: %v", err)
		}
	}
	path := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(path, []byte(testKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if k, err := ReadAPIKeysFile(path); err != nil || !k.Check(testKey) || k.Len() != 1 {
		t.Fatalf("ReadAPIKeysFile: %v %v", k, err)
	}
	if _, err := ReadAPIKeysFile(path + ".missing"); err == nil {
		t.Fatal("a missing keys file is accepted")
	}
}

// BenchmarkAPIKeyCheck shows the comparison's time does not depend on the
// guess: a right key, a guess right but for its last byte and a guess wrong
// from its first byte take the same time (compare the ns/op of the three).
func BenchmarkAPIKeyCheck(b *testing.B) {
	var lines strings.Builder
	for i := range 16 {
		fmt.Fprintf(&lines, "key-number-%02d-%s\n", i, strings.Repeat("x", 40))
	}
	k, err := ParseAPIKeys(strings.NewReader(lines.String()), "bench")
	if err != nil {
		b.Fatal(err)
	}
	last := "key-number-15-" + strings.Repeat("x", 40)
	for name, guess := range map[string]string{"right": last, "wrong-last-byte": last[:len(last)-1] + "y",
		"wrong-first-byte": "X" + last[1:]} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				k.Check(guess)
			}
		})
	}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// send sends one request with headers (key: value pairs) and body.
func send(t testing.TB, h http.Handler, method, target, body string, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Header(), rec.Body.Bytes()
}

// publicPosts are the POST routes that change nothing (a computation that
// needs a body) and so need no key.
var publicPosts = map[string]bool{"POST /api/v1/proposals": true, "POST /api/v1/evaluation": true}

// TestWritesNeedKey walks every route the router has: each write (any
// method but GET and HEAD, except publicPosts) answers 401 without a key and
// 403 with a wrong one, as JSON, and writes nothing; with a right key the
// scenario writes work. Reads stay public.
func TestWritesNeedKey(t *testing.T) {
	logger, logs := testLogger()
	s, st := scenarioServerConfig(t, Config{APIKeys: testKeys(t), Logger: logger})
	h := s.Handler()
	venue := mustDemo(t).Venues[0].ID
	body := `{"name":"w","version":1,"changes":[{"op":"remove","venue_id":"` + venue + `"}]}`
	writes := 0
	for _, r := range s.engine.Routes() {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || publicPosts[r.Method+" "+r.Path] {
			continue
		}
		writes++
		path := strings.NewReplacer(":id", "1").Replace(r.Path)
		for _, c := range []struct {
			name   string
			auth   []string
			status int
		}{
			{"no key", nil, 401},
			{"bearer without key", []string{"Authorization", "Bearer "}, 401},
			{"basic auth", []string{"Authorization", "Basic " + testKey}, 401},
			{"wrong key", []string{"Authorization", "Bearer wrong-" + testKey}, 403},
			{"digest as key", []string{"Authorization", "Bearer sha256:" + testKey}, 403},
		} {
			hdr := append([]string{"Content-Type", "application/json"}, c.auth...)
			code, h2, b := send(t, h, r.Method, path, body, hdr...)
			if code != c.status {
				t.Errorf("%s %s, %s: %d %s, want %d", r.Method, r.Path, c.name, code, b, c.status)
				continue
			}
			if e := errorOf(t, b); code == 401 && (h2.Get("WWW-Authenticate") == "" || !strings.Contains(e.Error, "Bearer")) {
				t.Errorf("%s %s: 401 without WWW-Authenticate or a hint: %v %q", r.Method, r.Path, h2, e.Error)
			}
		}
	}
	if writes < 3 {
		t.Fatalf("%d write routes found, want at least the 3 scenario writes", writes)
	}
	if _, n, err := st.List(t.Context(), scenario.Filter{}); err != nil || n != 0 {
		t.Fatalf("%d scenarios stored after refused writes (%v)", n, err)
	}
	// Right keys, raw and by digest.
	create := `{"name":"w","changes":[{"op":"remove","venue_id":"` + venue + `"}]}`
	code, _, b := send(t, h, "POST", "/api/v1/scenarios", create, "Content-Type", "application/json", "Authorization", "Bearer "+testKey)
	if code != 201 {
		t.Fatalf("create with the key: %d %s", code, b)
	}
	code, _, b = send(t, h, "PUT", "/api/v1/scenarios/1", body, "Content-Type", "application/json", "Authorization", "bearer  "+otherKey)
	if code != 200 {
		t.Fatalf("update with the other key: %d %s", code, b)
	}
	for _, read := range []string{"/api/v1/scenarios", "/api/v1/scenarios/1", "/api/v1/territory"} {
		if code, _, b := send(t, h, "GET", read, ""); code != 200 {
			t.Errorf("GET %s without key: %d %s", read, code, b)
		}
	}
	code, _, b = send(t, h, "DELETE", "/api/v1/scenarios/1", "", "Authorization", "Bearer "+testKey)
	if code != 204 {
		t.Fatalf("delete with the key: %d %s", code, b)
	}
	if strings.Contains(logs.String(), testKey) || strings.Contains(logs.String(), otherKey) {
		t.Fatal("a key is in the logs")
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("ERROR logged:\n%s", logs)
	}
}

// TestOpenWritesWithoutKey: without keys writes are open and the server
// listens only on loopback, unless InsecureOpenWrites.
func TestOpenWritesWithoutKey(t *testing.T) {
	p := mustPlanner(t)
	for _, c := range []struct {
		cfg  Config
		want string // address listened on, or the error's start
	}{
		{Config{Addr: ":8080"}, "127.0.0.1:8080"},
		{Config{Addr: "127.0.0.1:9000"}, "127.0.0.1:9000"},
		{Config{Addr: "[::1]:9000"}, "[::1]:9000"},
		{Config{Addr: "localhost:9000"}, "localhost:9000"},
		{Config{Addr: "0.0.0.0:8080"}, `error: web: address "0.0.0.0:8080": without API keys`},
		{Config{Addr: "192.168.1.10:8080"}, `error: web: address "192.168.1.10:8080": without API keys`},
		{Config{Addr: "0.0.0.0:8080", InsecureOpenWrites: true}, "0.0.0.0:8080"},
		{Config{Addr: ":8080", InsecureOpenWrites: true}, ":8080"},
		{Config{Addr: ":8080", APIKeys: testKeys(t)}, ":8080"},
	} {
		got, err := NewServer(c.cfg, p, nil).listenAddr()
		if err != nil {
			got = "error: " + err.Error()
		}
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%+v: %s, want %s", c.cfg, got, c.want)
		}
	}
	s := NewServer(Config{Addr: ":0"}, p, nil)
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Fatalf("listening on %s without keys, want loopback", s.Addr())
	}
	for _, tc := range []struct {
		s      *Server
		en, fr string
	}{
		{s, "loopback only", "boucle locale"},
		{NewServer(Config{InsecureOpenWrites: true}, p, nil), "WARNING", "ATTENTION"},
		{NewServer(Config{APIKeys: testKeys(t)}, p, nil), "2 API key(s)", "2 clés d'API"},
	} {
		if note := tc.s.AccessNote(labels.EN); !strings.Contains(note, tc.en) {
			t.Errorf("note: %s, want %q", note, tc.en)
		}
		if note := tc.s.AccessNote(labels.FR); !strings.Contains(note, tc.fr) {
			t.Errorf("note: %s, want %q", note, tc.fr)
		}
	}
	// Open writes: a scenario is created without a key.
	h, _ := scenarioServer(t)
	venue := mustDemo(t).Venues[0].ID
	if code, _, b := send(t, h, "POST", "/api/v1/scenarios", `{"name":"w","changes":[{"op":"remove","venue_id":"`+venue+`"}]}`,
		"Content-Type", "application/json"); code != 201 {
		t.Fatalf("open write: %d %s", code, b)
	}
}
