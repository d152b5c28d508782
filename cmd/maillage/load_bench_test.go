package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/internal/bordeauxtest"
	"github.com/maillage/maillage/internal/shareddata"
)

// The load benchmark: `maillage serve` on the Bordeaux Métropole territory
// (built from ../shared/data as the Bordeaux tests build it) runs in a child
// process (this test binary, re-executed) on 127.0.0.1, and 8 clients send it
// a mix of territory, venues, cell bbox, gaps, coverage and scenario
// evaluation requests for 30 s (MAILLAGE_LOAD_SECONDS to change), then stop.
// It reports the requests a second, errors, latency percentiles by kind and
// the server's resident memory over the run; "ratelimited" runs the same
// load against a server limited to 200 requests a second per client (all 8
// clients share 127.0.0.1): there must be 429s and no 5xx.
//
//	MAILLAGE_REQUIRE_SHARED_DATA=1 go test ./cmd/maillage -run '^$' -bench ServeLoad -benchtime 1x -v
func BenchmarkServeLoad(b *testing.B) {
	terr := loadTerritoryFile(b)
	secs := 30
	if v := os.Getenv("MAILLAGE_LOAD_SECONDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 600 {
			b.Fatalf("MAILLAGE_LOAD_SECONDS=%q: want 1..600", v)
		}
		secs = n
	}
	for _, c := range []struct {
		name  string
		flags []string
	}{
		{"open", []string{"--rate-limit", "0"}},
		{"ratelimited", []string{"--rate-limit", "200", "--rate-burst", "50"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			// One run whatever b.N: a run is the whole bounded load
			// (-benchtime 1x).
			{
				r := runLoad(b, terr, c.flags, time.Duration(secs)*time.Second)
				r.report(b)
				if c.name == "open" && r.errors > 0 {
					b.Errorf("%d errors without rate limiting", r.errors)
				}
				if c.name == "ratelimited" && (r.status[429] == 0 || r.fiveXX > 0) {
					b.Errorf("rate limited: %d × 429, %d × 5xx; want some 429 and no 5xx", r.status[429], r.fiveXX)
				}
				if r.errorLogs > 0 {
					b.Errorf("%d ERROR lines in the server's log", r.errorLogs)
				}
			}
		})
	}
}

var loadTerr struct {
	once sync.Once
	path string
	err  error
}

// loadTerritoryFile builds the Bordeaux territory once and writes it to a
// file for the child server.
func loadTerritoryFile(b *testing.B) string {
	in := data.Inputs{
		Grids:    []string{shareddata.Path(b, bordeauxtest.Grid200m)},
		Venues:   []string{shareddata.Path(b, bordeauxtest.CD33Venues), shareddata.Path(b, bordeauxtest.FranceServices)},
		Communes: shareddata.Path(b, bordeauxtest.Communes),
	}
	loadTerr.once.Do(func() {
		tr, _, err := data.Build(context.Background(), in, data.BuildOptions{Name: "bordeaux-metropole", Res: 9, BufferMetres: 50_000})
		if err != nil {
			loadTerr.err = err
			return
		}
		dir, err := os.MkdirTemp("", "maillage-load")
		if err != nil {
			loadTerr.err = err
			return
		}
		loadTerr.path = filepath.Join(dir, "bordeaux.territory")
		loadTerr.err = data.WriteTerritoryFile(loadTerr.path, tr, data.TerritoryFileOptions{})
	})
	if loadTerr.err != nil {
		b.Fatal(loadTerr.err)
	}
	return loadTerr.path
}

// serveChild, when MAILLAGE_LOAD_CHILD is set, makes this test binary the
// server of the load benchmark: `maillage serve` with the arguments after
// "--", stopped by SIGTERM or when its stdin closes (the parent gone).
func serveChild() (int, bool) {
	if os.Getenv("MAILLAGE_LOAD_CHILD") != "1" {
		return 0, false
	}
	gin.SetMode(gin.ReleaseMode)
	args := os.Args[slices.Index(os.Args, "--")+1:]
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	if err := Run(ctx, args, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "maillage:", err)
		return 1, true
	}
	return 0, true
}

type loadResult struct {
	seconds   float64
	requests  int
	errors    int // transport errors and statuses other than 200 (and 429 when rate limited)
	fiveXX    int
	status    map[int]int
	latency   map[string][]time.Duration
	rss       []int64 // kB, once a second
	errorLogs int
	logLines  int
}

// logCounter counts the child's log lines and those at level ERROR.
type logCounter struct {
	mu            sync.Mutex
	partial       []byte
	lines, errors int
}

func (l *logCounter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		line := l.partial[:i]
		l.lines++
		if bytes.Contains(line, []byte(`"level":"ERROR"`)) || bytes.Contains(line, []byte("level=ERROR")) {
			l.errors++
			if l.errors <= 3 {
				fmt.Fprintf(os.Stderr, "server ERROR: %s\n", line)
			}
		}
		l.partial = l.partial[i+1:]
	}
	return len(p), nil
}

func runLoad(b *testing.B, terr string, flags []string, dur time.Duration) *loadResult {
	db := filepath.Join(b.TempDir(), "scenarios.db")
	args := append([]string{"-test.run=^$", "--", "serve", "--territory", terr, "--db", db, "--addr", "127.0.0.1:0"}, flags...)
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "MAILLAGE_LOAD_CHILD=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	logs := &logCounter{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	base := ""
	re := serveURL
	sc := bufio.NewScanner(out)
	for base == "" && sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		b.Fatalf("the server did not start")
	}
	go io.Copy(io.Discard, out)

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	do := func(method, path, body string) (int, error) {
		var r io.Reader
		if body != "" {
			r = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, base+path, r)
		if err != nil {
			return 0, err
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, err
	}

	// Scenarios to evaluate: close, move and add places of the territory.
	var venues struct {
		Features []struct {
			ID         string `json:"id"`
			Properties struct {
				ID string `json:"id"`
			} `json:"properties"`
		} `json:"features"`
	}
	resp, err := client.Get(base + "/api/v1/venues")
	if err != nil {
		b.Fatal(err)
	}
	if err := jsonDecode(resp.Body, &venues); err != nil || len(venues.Features) < 4 {
		b.Fatalf("venues: %v (%d)", err, len(venues.Features))
	}
	bodies := []string{
		`{"name":"fermer un lieu","changes":[{"op":"remove","venue_id":"` + venues.Features[0].Properties.ID + `"}]}`,
		`{"name":"ouvrir","changes":[{"op":"add","name":"Nouvelle permanence","lat":44.86,"lon":-0.62,"opening_hours":"Mo-Fr 09:00-12:00"}]}`,
		`{"name":"deux","changes":[{"op":"remove","venue_id":"` + venues.Features[1].Properties.ID + `"},{"op":"add","name":"Mairie annexe","lat":44.80,"lon":-0.55,"opening_hours":"Tu,Th 14:00-17:00"}]}`,
	}
	var ids []string
	for _, body := range bodies {
		req, _ := http.NewRequest("POST", base+"/api/v1/scenarios", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		loc := resp.Header.Get("Location")
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 {
			b.Fatalf("create scenario: %d %s", resp.StatusCode, msg)
		}
		ids = append(ids, loc[strings.LastIndexByte(loc, '/')+1:])
	}
	profiles := []string{"france-services-30min-car", "demarches-20min-car", "seniors-20min-walk", "needs-help-30min-car"}
	type req struct{ kind, path string }
	var mix []req
	for i, p := range profiles {
		mix = append(mix,
			req{"territory", "/api/v1/territory"},
			req{"venues", "/api/v1/venues"},
			req{"cells", fmt.Sprintf("/api/v1/cells?bbox=%.3f,%.3f,%.3f,%.3f", -0.60+0.01*float64(i), 44.83, -0.56+0.01*float64(i), 44.86)},
			req{"gaps", "/api/v1/gaps?profile=" + p},
			req{"coverage", "/api/v1/coverage?profile=" + p},
			req{"evaluation", "/api/v1/scenarios/" + ids[i%len(ids)] + "/evaluation?profile=" + p},
		)
	}
	// First answers (cold) are timed apart, then the load.
	res := &loadResult{status: map[int]int{}, latency: map[string][]time.Duration{}}
	for _, r := range mix {
		start := time.Now()
		code, err := do("GET", r.path, "")
		if err != nil || code != 200 {
			b.Fatalf("warm-up %s: %d %v", r.path, code, err)
		}
		res.latency["first "+r.kind] = append(res.latency["first "+r.kind], time.Since(start))
	}

	rssDone := make(chan struct{})
	var rssWG sync.WaitGroup
	rssWG.Add(1)
	go func() {
		defer rssWG.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-rssDone:
				return
			case <-tick.C:
				if kb := rssKB(cmd.Process.Pid); kb > 0 {
					res.rss = append(res.rss, kb)
				}
			}
		}
	}()
	const clients = 8
	var mu sync.Mutex
	var total atomic.Int64
	deadline := time.Now().Add(dur)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			lat := map[string][]time.Duration{}
			status := map[int]int{}
			errs := 0
			for time.Now().Before(deadline) {
				r := mix[rng.IntN(len(mix))]
				t0 := time.Now()
				code, err := do("GET", r.path, "")
				d := time.Since(t0)
				total.Add(1)
				if err != nil {
					errs++
					continue
				}
				status[code]++
				if code == 200 {
					lat[r.kind] = append(lat[r.kind], d)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for k, v := range lat {
				res.latency[k] = append(res.latency[k], v...)
			}
			for k, v := range status {
				res.status[k] += v
			}
			res.errors += errs
		}()
	}
	wg.Wait()
	res.seconds = time.Since(start).Seconds()
	close(rssDone)
	rssWG.Wait()
	res.requests = int(total.Load())
	for code, n := range res.status {
		if code >= 500 {
			res.fiveXX += n
		}
		if code != 200 && code != 429 {
			res.errors += n
		}
	}
	if !slices.Contains(flags, "200") { // open: a 429 is an error too
		res.errors += res.status[429]
	}
	time.Sleep(200 * time.Millisecond) // the last log lines
	logs.mu.Lock()
	res.errorLogs, res.logLines = logs.errors, logs.lines
	logs.mu.Unlock()
	return res
}

func jsonDecode(r io.ReadCloser, v any) error {
	defer r.Close()
	return json.NewDecoder(r).Decode(v)
}

// rssKB returns the resident set of process pid in kB (Linux), or 0.
func rssKB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

func (r *loadResult) report(b *testing.B) {
	rate := float64(r.requests) / r.seconds
	b.ReportMetric(rate, "req/s")
	b.ReportMetric(float64(r.errors), "errors")
	b.ReportMetric(float64(r.status[429]), "429s")
	b.ReportMetric(float64(r.fiveXX), "5xx")
	b.ReportMetric(float64(percentile(r.latency["gaps"], 0.99).Microseconds())/1000, "gaps-p99-ms")
	var kinds []string
	for k := range r.latency {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d requests in %.1f s: %.0f req/s; statuses %v; %d errors; %d log lines, %d at ERROR\n",
		r.requests, r.seconds, rate, r.status, r.errors, r.logLines, r.errorLogs)
	fmt.Fprintf(&sb, "%-18s %7s %9s %9s %9s %9s\n", "kind", "n", "p50", "p90", "p99", "max")
	for _, k := range kinds {
		ds := r.latency[k]
		fmt.Fprintf(&sb, "%-18s %7d %9v %9v %9v %9v\n", k, len(ds), percentile(ds, 0.5).Round(time.Microsecond),
			percentile(ds, 0.9).Round(time.Microsecond), percentile(ds, 0.99).Round(time.Microsecond), percentile(ds, 1).Round(time.Microsecond))
	}
	if n := len(r.rss); n >= 4 {
		mid, end := r.rss[n/2], r.rss[n-1]
		lastMax := slices.Max(r.rss[n/2:])
		fmt.Fprintf(&sb, "server RSS: %d samples; first %.1f MB, middle %.1f MB, end %.1f MB, max over the last half %.1f MB (growth over the last half %+.1f %%)\n",
			n, float64(r.rss[0])/1024, float64(mid)/1024, float64(end)/1024, float64(lastMax)/1024, 100*float64(end-mid)/float64(mid))
		b.ReportMetric(float64(end)/1024, "rss-end-MB")
		b.ReportMetric(100*float64(end-mid)/float64(mid), "rss-growth-%")
	}
	b.Log("\n" + sb.String())
}
