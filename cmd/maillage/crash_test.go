package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/coverage/scenario/sqlite"
	"github.com/maillage/maillage/data/demo"
)

// crashDBEnv names the database of the child server of TestServeCrash.
const crashDBEnv = "MAILLAGE_CRASH_TEST_DB"

// TestCrashChild is not a test: it is the server that TestServeCrash runs
// in a child process (this test binary again) and kills.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashDBEnv)
	if path == "" {
		t.Skip("the child server of TestServeCrash")
	}
	// No rate limit: the test writes as fast as it can, and a 429 under a
	// loaded machine is no failure of durability.
	err := Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", path, "--rate-limit", "0"}, os.Stdout, io.Discard)
	fmt.Printf("E %v\n", err)
	os.Exit(3)
}

// crashBody is the scenario of seed at version v: its content tells an
// intact row from a torn one or from another version.
func crashBody(seed, v int, lat, lon float64, version int64) []byte {
	sc := map[string]any{"name": fmt.Sprintf("crash-%d", seed), "description": fmt.Sprintf("seed %d version %d", seed, v)}
	var changes []map[string]any
	for k := range 1 + seed%6 {
		changes = append(changes, map[string]any{"op": "add", "name": fmt.Sprintf("Permanence %d.%d v%d", seed, k, v),
			"lat": lat + float64(k)/10000, "lon": lon, "hours": []map[string]string{{"day": "Tu", "open": "09:00", "close": fmt.Sprintf("1%d:00", k%9)}}})
	}
	sc["changes"] = changes
	if version > 0 {
		sc["version"] = version
	}
	b, _ := json.Marshal(sc)
	return b
}

// TestServeCrash is the crash test of issue 14: a child `maillage serve`
// on a scenario database takes 200 scenario writes (creates and updates)
// from a client that records each acknowledged one (a 201 or 200 received),
// and is killed with SIGKILL at seeded random moments, at least 20 times,
// then restarted on the same file. At the end every acknowledged scenario is
// in the database at its acknowledged version (or the next, when an update
// of it was in flight at a kill), whole, and PRAGMA integrity_check is ok.
func TestServeCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("runs and kills child servers")
	}
	const writes, minKills = 200, 20
	rng := rand.New(rand.NewPCG(14, 7))
	path := filepath.Join(t.TempDir(), "crash.db")
	dt, _, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	lat, lon := dt.Cells[0].Center.Lat(), dt.Cells[0].Center.Lon()

	type ack struct{ seed, version int }
	acked := map[int64]ack{}     // id → last acknowledged
	inFlight := map[int64]bool{} // ids with an update in flight at a kill
	var ids []int64              // acknowledged creates, for updates
	nextSeed, done, kills, midWrite := 0, 0, 0, 0
	client := &http.Client{Timeout: 10 * time.Second}
	re := serveURL
	start := time.Now()
	for done < writes || kills < minKills {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), crashDBEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		base := ""
		for base == "" && sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				base = m[1]
			} else if strings.HasPrefix(sc.Text(), "E ") {
				t.Fatalf("child server failed: %s", sc.Text())
			}
		}
		if base == "" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("child server did not start")
		}
		go io.Copy(io.Discard, out)
		// Kill at a random moment of this life: 0 to 250 ms after start-up,
		// so that kills fall before, during and after writes and their fsyncs.
		kill := time.AfterFunc(time.Duration(rng.IntN(250))*time.Millisecond, func() { cmd.Process.Signal(syscall.SIGKILL) })
		for done < writes || kills < minKills {
			var req *http.Request
			seed, version, id := nextSeed, 1, int64(0)
			if len(ids) > 0 && rng.IntN(3) == 0 { // an update of an acknowledged scenario
				id = ids[rng.IntN(len(ids))]
				a := acked[id]
				seed, version = a.seed, a.version+1
				req, _ = http.NewRequest("PUT", fmt.Sprintf("%s/api/v1/scenarios/%d", base, id),
					bytes.NewReader(crashBody(seed, version, lat, lon, int64(a.version))))
			} else {
				req, _ = http.NewRequest("POST", base+"/api/v1/scenarios", bytes.NewReader(crashBody(seed, 1, lat, lon, 0)))
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil { // killed: the write may or may not have committed
				midWrite++
				if id != 0 {
					inFlight[id] = true
				}
				break
			}
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case rerr != nil:
				midWrite++
				if id != 0 {
					inFlight[id] = true
				}
			case id == 0 && resp.StatusCode == 201:
				var got scenario.Scenario
				if err := json.Unmarshal(body, &got); err != nil {
					t.Fatal(err)
				}
				acked[got.ID] = ack{seed, 1}
				ids = append(ids, got.ID)
				nextSeed++
				done++
			case id != 0 && resp.StatusCode == 200:
				acked[id] = ack{seed, version}
				delete(inFlight, id)
				done++
			case id == 0:
				nextSeed++ // a create that failed for a reason other than the kill is a bug
				t.Fatalf("create: %d %s", resp.StatusCode, body)
			default:
				t.Fatalf("update of %d to version %d: %d %s", id, version, resp.StatusCode, body)
			}
			if rerr != nil {
				break
			}
		}
		if done >= writes && kills >= minKills {
			kill.Stop()
			cmd.Process.Signal(syscall.SIGKILL)
		}
		err = cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("child ended with %v, want killed by SIGKILL", err)
		}
		kills++
		// An update in flight when the server died may have committed: read
		// what is there now (through a store opened the way serve opens it)
		// and carry on from it.
		if len(inFlight) > 0 {
			st, err := sqlite.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			for id := range inFlight {
				got, err := st.Get(context.Background(), id)
				if err != nil {
					t.Fatalf("scenario %d, acknowledged at version %d: %v", id, acked[id].version, err)
				}
				if v := int(got.Version); v == acked[id].version+1 {
					acked[id] = ack{acked[id].seed, v}
				} else if v != acked[id].version {
					t.Fatalf("scenario %d at version %d, acknowledged at %d", id, v, acked[id].version)
				}
				delete(inFlight, id)
			}
			st.Close()
		}
	}

	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if err := st.Check(ctx); err != nil {
		t.Fatalf("after %d kills: %v", kills, err)
	}
	for id, a := range acked {
		got, err := st.Get(ctx, id)
		if err != nil {
			t.Errorf("acknowledged scenario %d (seed %d version %d): %v", id, a.seed, a.version, err)
			continue
		}
		if int(got.Version) != a.version {
			t.Errorf("scenario %d at version %d, acknowledged at %d", id, got.Version, a.version)
		}
		if !intact(got, a.seed, a.version, lat, lon) {
			t.Errorf("scenario %d (seed %d version %d) is not whole: %+v", id, a.seed, a.version, got)
		}
	}
	// Creates that committed without their answer reaching the client are
	// there too, whole.
	all, n, err := st.List(ctx, scenario.Filter{Limit: sqlite.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	unacked := 0
	for _, sum := range all {
		if _, ok := acked[sum.ID]; ok {
			continue
		}
		unacked++
		got, err := st.Get(ctx, sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		var seed int
		if _, err := fmt.Sscanf(got.Name, "crash-%d", &seed); err != nil || !intact(got, seed, int(got.Version), lat, lon) {
			t.Errorf("unacknowledged scenario %d is not whole: %+v %v", sum.ID, got, err)
		}
	}
	t.Logf("%d acknowledged writes (%d scenarios) over %d SIGKILLs (%d with a write in flight) in %v; %d rows in the database, %d of them committed without their answer; integrity_check ok",
		done, len(acked), kills, midWrite, time.Since(start).Round(time.Millisecond), n, unacked)
	if kills < minKills || done < writes {
		t.Fatalf("%d kills and %d writes, want at least %d and %d", kills, done, minKills, writes)
	}
	if midWrite < minKills/2 {
		t.Errorf("only %d of %d kills hit a write in flight: the test shows little", midWrite, kills)
	}
}

// intact reports whether got is exactly the scenario crashBody makes for
// seed at version v.
func intact(got *scenario.Scenario, seed, v int, lat, lon float64) bool {
	var want scenario.Scenario
	if err := json.Unmarshal(crashBody(seed, v, lat, lon, 0), &want); err != nil {
		return false
	}
	return got.Name == want.Name && got.Description == want.Description && reflect.DeepEqual(got.Changes, want.Changes)
}
