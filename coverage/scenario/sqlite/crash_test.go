package sqlite

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/maillage/maillage/coverage/scenario"
)

// Environment of the helper process that TestCrashSafety kills.
const (
	crashDBEnv   = "MAILLAGE_SQLITE_CRASH_DB"
	crashSeedEnv = "MAILLAGE_SQLITE_CRASH_SEED"
)

// crashScenario is the content of the scenario with seed at version v, so
// that a reader can tell an intact row from a torn one. Every tenth is large
// (800 changes, ≈ 130 kB of JSON, many database pages).
func crashScenario(seed, v int) *scenario.Scenario {
	n := 1 + seed%7
	if seed%10 == 3 {
		n = 800
	}
	sc := &scenario.Scenario{Name: fmt.Sprintf("crash-%d", seed), Base: "crash",
		Description: fmt.Sprintf("seed %d version %d", seed, v)}
	for k := range n {
		lat, lon := 44.8+float64(k%97)/1000, -0.6+float64(seed%89)/1000
		sc.Changes = append(sc.Changes, scenario.Change{Op: scenario.OpAdd,
			VenueID: fmt.Sprintf("p-%d-%d", seed, k), Name: fmt.Sprintf("Permanence %d, version %d", k, v),
			Lat: &lat, Lon: &lon,
			Hours: []scenario.DaySpan{{Day: []string{"Mo", "Tu", "We", "Th", "Fr"}[k%5], Open: "09:00", Close: fmt.Sprintf("%02d:30", 10+k%8)}}})
	}
	return sc
}

// TestHelperProcess is not a test: it is the child process of
// TestCrashSafety, writing scenarios in a loop until it is killed and
// printing "B seed" before each write and a line after each commit: "C id
// seed 1" for a create, "U id seed version" for an update.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(crashDBEnv)
	if path == "" {
		t.Skip("helper process of TestCrashSafety")
	}
	start, _ := strconv.Atoi(os.Getenv(crashSeedEnv))
	ctx := context.Background()
	s, err := OpenConfig(Config{Path: path, Options: scenario.Options{MaxChanges: 5000}})
	if err != nil {
		fmt.Printf("E %v\n", err)
		os.Exit(3)
	}
	type rec struct {
		id            int64
		seed, version int
	}
	var made []rec
	for seed := start; ; seed++ {
		sc := crashScenario(seed, 1)
		fmt.Printf("B %d\n", seed) // a write begins
		if err := s.Create(ctx, sc); err != nil {
			fmt.Printf("E %v\n", err)
			os.Exit(3)
		}
		fmt.Printf("C %d %d 1\n", sc.ID, seed) // os.Stdout is unbuffered: the line is out when Printf returns
		made = append(made, rec{sc.ID, seed, 1})
		if seed%2 == 0 {
			r := &made[(seed*7)%len(made)]
			up := crashScenario(r.seed, r.version+1)
			up.ID, up.Version = r.id, int64(r.version)
			fmt.Printf("B %d\n", r.seed)
			if err := s.Update(ctx, up); err != nil {
				fmt.Printf("E %v\n", err)
				os.Exit(3)
			}
			r.version++
			fmt.Printf("U %d %d %d\n", r.id, r.seed, r.version)
		}
	}
}

// TestCrashSafety runs a child process writing scenarios, kills it with
// SIGKILL in the middle of its writes, reopens the database and checks that
// the file is sound and that every write the child reported as committed is
// there, whole, at least at the reported version; and that the rows it did
// not report (a commit that finished just before the kill) are whole too.
// Three rounds on the same file.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	type logged struct{ seed, version int }
	committed := map[int64]logged{}
	inFlight := 0 // rounds where the kill hit a write in progress
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), crashDBEnv+"="+path, crashSeedEnv+"="+strconv.Itoa(round*100000))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		killAt := 40 + 15*round // lines before the kill
		lines := 0
		last := ""
		killed := false
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 0 {
				continue
			}
			switch f[0] {
			case "C", "U":
				id, _ := strconv.ParseInt(f[1], 10, 64)
				seed, _ := strconv.Atoi(f[2])
				v, _ := strconv.Atoi(f[3])
				committed[id] = logged{seed, v}
				lines++
				last = f[0]
			case "B":
				last = "B"
				if lines >= killAt && !killed {
					// A write has begun: let it get going, then kill.
					time.Sleep(time.Duration(round) * time.Millisecond)
					if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
						t.Fatal(err)
					}
					killed = true
				}
				continue
			case "E":
				t.Fatalf("child failed: %s", sc.Text())
			default:
				continue
			}
		}
		err = cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("child ended with %v, want killed by SIGKILL (stderr: %s)", err, stderr.String())
		}
		if lines < killAt {
			t.Fatalf("child wrote %d lines, fewer than %d", lines, killAt)
		}

		if last == "B" {
			inFlight++
		}
		wal, _ := os.Stat(path + "-wal")

		// Reopen: SQLite recovers from the WAL; check everything.
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := s.Check(ctx); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		all, n, err := s.List(ctx, scenario.Filter{Limit: MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		unlogged := 0
		for _, sum := range all {
			got, err := s.Get(ctx, sum.ID)
			if err != nil {
				t.Fatal(err)
			}
			var seed int
			if _, err := fmt.Sscanf(got.Name, "crash-%d", &seed); err != nil {
				t.Fatalf("row %d: name %q", got.ID, got.Name)
			}
			want := crashScenario(seed, int(got.Version))
			if got.Description != want.Description || !reflect.DeepEqual(got.Changes, want.Changes) {
				t.Errorf("round %d: scenario %d (seed %d, version %d) is not whole", round, got.ID, seed, got.Version)
			}
			l, ok := committed[got.ID]
			switch {
			case !ok:
				unlogged++
			case l.seed != seed || int(got.Version) < l.version || int(got.Version) > l.version+1:
				t.Errorf("round %d: scenario %d is seed %d version %d; the child committed seed %d version %d",
					round, got.ID, seed, got.Version, l.seed, l.version)
			}
		}
		for id := range committed {
			if _, err := s.Get(ctx, id); err != nil {
				t.Errorf("round %d: committed scenario %d: %v", round, id, err)
			}
		}
		// At most one create per round can commit without its line reaching us.
		if unlogged > round+1 {
			t.Errorf("round %d: %d rows never reported as committed", round, unlogged)
		}
		t.Logf("round %d: killed after %d reported writes, a write in progress: %v, WAL left: %d bytes; %d scenarios on reopen, %d committed but unreported",
			round, lines, last == "B", wal.Size(), n, unlogged)
		s.Close()
	}
	if inFlight == 0 {
		t.Error("no kill hit a write in progress: the test showed nothing")
	}
}
