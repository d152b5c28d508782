package web

import (
	"bytes"
	"testing"

	"github.com/maillage/maillage/internal/planner"
)

// TestLayerETags: gaps, access and coverage answers carry a strong ETag
// that names the request (another profile, format or parameter: another
// tag), the same on a fresh server over the same territory when the bytes
// are (and only then); If-None-Match
// with it is a 304 without a body; the answer is computed once.
func TestLayerETags(t *testing.T) {
	h := newTestServer(t, Config{}, mustDemo(t)).Handler()
	targets := []string{
		"/api/v1/gaps?profile=seniors-20min-walk",
		"/api/v1/gaps?profile=seniors-20min-walk&format=csv",
		"/api/v1/gaps?profile=seniors-20min-walk&min_persons=50",
		"/api/v1/gaps?profile=france-services-30min-car",
		"/api/v1/access?profile=seniors-20min-walk",
		"/api/v1/coverage",
		"/api/v1/coverage?profile=seniors-20min-walk",
		"/api/v1/coverage?format=csv",
	}
	tags := map[string]string{}
	p2, err := planner.New(mustDemo(t), planner.Config{})
	if err != nil {
		t.Fatal(err)
	}
	fresh := NewServer(Config{}, p2, nil).Handler()
	for _, target := range targets {
		code, hdr, body := send(t, h, "GET", target, "")
		tag := hdr.Get("ETag")
		if code != 200 || len(tag) != 34 || tag[0] != '"' || len(body) == 0 {
			t.Fatalf("%s: %d ETag %q", target, code, tag)
		}
		if other, ok := tags[tag]; ok {
			t.Fatalf("%s and %s share the ETag %s", target, other, tag)
		}
		tags[tag] = target
		code, hdr2, body2 := send(t, h, "GET", target, "", "If-None-Match", `"abc", `+tag)
		if code != 304 || len(body2) != 0 || hdr2.Get("ETag") != tag {
			t.Fatalf("%s with If-None-Match: %d (%d bytes) ETag %q", target, code, len(body2), hdr2.Get("ETag"))
		}
		code, _, body3 := send(t, h, "GET", target, "", "If-None-Match", `"abc"`)
		if code != 200 || !bytes.Equal(body3, body) {
			t.Fatalf("%s with another tag: %d, the same bytes %v", target, code, bytes.Equal(body3, body))
		}
		code, hdr4, body4 := send(t, fresh, "GET", target, "")
		if code != 200 || (hdr4.Get("ETag") == tag) != bytes.Equal(body4, body) {
			t.Fatalf("%s on a fresh server: %d ETag %q (%q before), same bytes %v", target, code, hdr4.Get("ETag"), tag, bytes.Equal(body4, body))
		}
	}
	if code, hdr, _ := send(t, h, "GET", "/api/v1/gaps?profile=nope", ""); code != 400 || hdr.Get("ETag") != "" {
		t.Fatalf("unknown profile: %d ETag %q", code, hdr.Get("ETag"))
	}
	if n, size := mustPlanner(t).AnswersKept(); n < len(targets) || size <= 0 {
		t.Fatalf("%d answers kept (%d bytes) after %d layers", n, size, len(targets))
	}
}
