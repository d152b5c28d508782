package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/maillage/maillage"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/data/demo"
)

func TestMain(m *testing.M) {
	if code, ok := serveChild(); ok { // the server of BenchmarkServeLoad
		os.Exit(code)
	}
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// syncBuffer is a bytes.Buffer safe for a writer and a poller.
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

// serveURL finds the address serve says it listens on, in French
// (« servi sur URL ») or English ("on URL").
var serveURL = regexp.MustCompile(`(?:servi sur|on) (http://127\.0\.0\.1:\d+)`)

func TestServeEndToEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "scenarios.db")}, &stdout, &stderr)
	}()

	re := serveURL
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve returned early: %v; stderr %s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start; stdout %q stderr %q", stdout.String(), stderr.String())
		}
	}
	getJSON := func(path string, v any) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	var health map[string]string
	getJSON("/healthz", &health)
	if health["status"] != "ok" {
		t.Fatalf("healthz %v", health)
	}
	var sum data.Summary
	getJSON("/api/v1/territory", &sum)
	want, _, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Name != demo.Name || !sum.Fictional || sum.Cells != len(want.Cells) || sum.Communes != len(want.Communes) {
		t.Fatalf("territory summary %+v", sum)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(stdout.String(), "maillage : arrêté") {
		t.Fatalf("stdout %q", stdout.String())
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}

func TestStatsDemo(t *testing.T) {
	want, _, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	var pop float64
	for _, c := range want.Cells {
		pop += c.Pop[maillage.Ind]
	}
	t.Run("json", func(t *testing.T) {
		var out bytes.Buffer
		if err := Run(context.Background(), []string{"stats", "--json"}, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(out.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		if math.Abs(m["population"].(float64)-pop) > 1e-6 || int(m["cells"].(float64)) != len(want.Cells) ||
			m["h3_resolution"].(float64) != 9 || int(m["communes"].(float64)) != len(want.Communes) {
			t.Fatalf("stats %v; want population %.1f, %d cells", m, pop, len(want.Cells))
		}
		v := m["venues"].(map[string]any)
		if int(v["read"].(float64)) != len(want.Venues)+1 || int(v["rejected"].(float64)) != 1 || int(v["located"].(float64)) != len(want.Venues)-1 {
			t.Fatalf("venues %v", v)
		}
		if len(m["age_bands"].(map[string]any)) != 11 || len(m["issues"].([]any)) != 3 {
			t.Fatalf("age bands %v issues %v", m["age_bands"], m["issues"])
		}
	})
	t.Run("text", func(t *testing.T) {
		var out bytes.Buffer
		if err := Run(context.Background(), []string{"stats"}, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "(fictif)") || !strings.Contains(out.String(), "69 communes") || strings.HasPrefix(out.String(), "{") {
			t.Fatalf("%s", out.String())
		}
	})
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	grid := filepath.Join(dir, "grid.csv")
	os.WriteFile(grid, []byte("x"), 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{nil, "usage: maillage"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"stats", "--bogus"}, "stats: flag provided but not defined: -bogus (usage above)"},
		{[]string{"stats", "extra"}, `unexpected argument "extra"`},
		{[]string{"stats", "--territory", filepath.Join(dir, "missing")}, "no such file"},
		{[]string{"stats", "--territory", grid}, "not a maillage territory file"},
		{[]string{"ingest", "--out", filepath.Join(dir, "t")}, "at least one --grid is required"},
		{[]string{"ingest", "--grid", grid}, "--out is required"},
		{[]string{"ingest", "--grid", grid, "--out", filepath.Join(dir, "t"), "--res", "12"}, "--res 12: want 7 to 10"},
		{[]string{"ingest", "--grid", grid + ",nope.csv", "--venues", "v.json", "--out", filepath.Join(dir, "t")}, "--grid nope.csv: stat nope.csv: no such file"},
		{[]string{"ingest", "--grid", grid, "--venues", "v.json", "--out", filepath.Join(dir, "t")}, "--venues v.json"},
		{[]string{"ingest", "--grid", grid, "--out", filepath.Join(dir, "no", "t")}, "does not exist"},
		{[]string{"ingest", "--grid", grid, "--out", filepath.Join(dir, "t")}, "missing square id column"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			err := Run(context.Background(), tc.args, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
	// A missing flag prints that command's usage, not the list of commands.
	var usageOut bytes.Buffer
	err := Run(context.Background(), []string{"propose"}, io.Discard, &usageOut)
	if !errors.Is(err, ErrUsage) || strings.Contains(err.Error(), "commands:") || !strings.Contains(err.Error(), "--profile is required") ||
		!strings.HasPrefix(usageOut.String(), "usage : maillage propose") || !strings.Contains(usageOut.String(), "-save-scenario") {
		t.Errorf("propose without --profile: %v; stderr %.200q", err, usageOut.String())
	}
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"help"}, &out, io.Discard); err != nil || !strings.Contains(out.String(), "maillage ingest --grid") || !strings.Contains(out.String(), "Sans --territory") {
		t.Fatalf("help: %v %q", err, out.String())
	}
	out.Reset()
	if err := Run(context.Background(), []string{"help", "--lang", "en"}, &out, io.Discard); err != nil || !strings.Contains(out.String(), "Without --territory") {
		t.Fatalf("help --lang en: %v %q", err, out.String())
	}
	var errOut bytes.Buffer
	if err := Run(context.Background(), []string{"serve", "-h"}, io.Discard, &errOut); err != nil || !strings.Contains(errOut.String(), "-addr") {
		t.Fatalf("serve -h: %v %q", err, errOut.String())
	}
}

// TestIngest: ingest passes its flags to data.Build (fake readers serving
// the demo territory's cells and venues: TestBuild in package data checks
// the build itself), writes the file, which stats reads back, and writes
// nothing when a reader fails.
func TestIngest(t *testing.T) {
	want, _, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	grid, venues := filepath.Join(dir, "a.csv"), filepath.Join(dir, "lieux.csv")
	for _, p := range []string{grid, venues} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var gotRes int
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, DemoSeed: demo.DefaultSeed, Readers: data.Readers{
		Cells: func(_ context.Context, _ []string, res int, _ data.Counter) ([]maillage.Cell, []maillage.Part, []maillage.Commune, []maillage.Finding, error) {
			gotRes = res
			return slices.Clone(want.Cells), nil, slices.Clone(want.Communes), nil, nil
		},
		Venues: func(string) ([]maillage.Venue, []maillage.Finding, error) { return slices.Clone(want.Venues), nil, nil },
	}}
	out := filepath.Join(dir, "test.territory")
	if err := m.Run(context.Background(), []string{"ingest", "--grid", grid, "--venues", venues, "--res", "8", "--out", out}); err != nil {
		t.Fatal(err)
	}
	got, err := data.ReadTerritoryFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if gotRes != 8 || got.Name != "test" || got.Resolution != 8 || len(got.Cells) != len(want.Cells) || len(got.Venues) != len(want.Venues) ||
		!slices.Equal(got.Sources, []string{"a.csv", "lieux.csv"}) {
		t.Fatalf("res %d; territory %q res %d: %d cells, %d venues, sources %v", gotRes, got.Name, got.Resolution, len(got.Cells), len(got.Venues), got.Sources)
	}
	var js bytes.Buffer
	m.Stdout = &js
	if err := m.Run(context.Background(), []string{"stats", "--territory", out, "--json"}); err != nil {
		t.Fatal(err)
	}
	var s data.Summary
	if err := json.Unmarshal(js.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	if s.Venues.Read != len(want.Venues) || s.Communes != len(want.Communes) || s.Fictional {
		t.Fatalf("stats %+v", s.Venues)
	}

	t.Run("reader error", func(t *testing.T) {
		m.Readers.Venues = func(string) ([]maillage.Venue, []maillage.Finding, error) {
			return nil, nil, errors.New("lieux.csv: line 1: wrong column count")
		}
		err := m.Run(context.Background(), []string{"ingest", "--grid", grid, "--venues", venues, "--out", filepath.Join(dir, "x.territory")})
		if err == nil || !strings.Contains(err.Error(), "wrong column count") {
			t.Fatalf("err %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "x.territory")); !os.IsNotExist(err) {
			t.Fatal("a failed ingest left a territory file")
		}
	})
}
