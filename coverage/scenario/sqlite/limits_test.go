package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/maillage/maillage/coverage/scenario"
)

// TestStoreFull fills a store to its scenario count and to its byte limit:
// the write past either fails with scenario.ErrStoreFull, a message saying
// what to do, and nothing written; deleting makes room again.
func TestStoreFull(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, Config{MaxScenarios: 3})
	for i := range 3 {
		if err := s.Create(ctx, sample(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	err := s.Create(ctx, sample("one too many"))
	if !errors.Is(err, scenario.ErrStoreFull) || scenario.Code(err) != "store_full" || !strings.Contains(err.Error(), "3 scenarios") {
		t.Fatalf("fourth Create = %v, want ErrStoreFull naming the 3 scenarios", err)
	}
	if n := count(t, s); n != 3 {
		t.Fatalf("%d scenarios after the refused Create, want 3", n)
	}
	if err := s.Delete(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, sample("room again")); err != nil {
		t.Fatalf("Create after a Delete: %v", err)
	}

	// Bytes: a store of 3,000 bytes takes scenarios of about 800 until the
	// next one would pass the limit; an update that grows past it fails too.
	b := mustOpen(t, Config{MaxStoreBytes: 3000})
	one := sample("x")
	changes, _ := encodeChanges(one.Changes)
	size := rowSize(one, changes)
	made := 0
	var last *scenario.Scenario
	for {
		sc := sample("x")
		err := b.Create(ctx, sc)
		if errors.Is(err, scenario.ErrStoreFull) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		made++
		last = sc
	}
	if want := int(3000 / size); made != want {
		t.Errorf("%d scenarios of %d bytes in 3,000, want %d", made, size, want)
	}
	st, err := b.Stats(ctx)
	if err != nil || st.Scenarios != made || st.Bytes != int64(made)*size {
		t.Errorf("stats %+v, %v; want %d scenarios, %d bytes", st, err, made, int64(made)*size)
	}
	grown := *last
	grown.Description = strings.Repeat("x", 3000-int(st.Bytes)+len(last.Description)+1)
	if err := b.Update(ctx, &grown); !errors.Is(err, scenario.ErrStoreFull) {
		t.Errorf("Update growing past the limit = %v, want ErrStoreFull", err)
	}
	if got, _ := b.Get(ctx, last.ID); got.Version != 1 || got.Description != last.Description {
		t.Errorf("refused update wrote: version %d", got.Version)
	}
	shrunk := *last
	shrunk.Description = ""
	if err := b.Update(ctx, &shrunk); err != nil {
		t.Errorf("Update shrinking a scenario in a full store: %v", err)
	}
}

// TestWALBounded writes 3 to 8 MB of scenarios, the way a server does
// (one at a time, with other goroutines listing and reading all along, so
// that there is nearly always a reader), and checks that the write-ahead log
// stays within MaxWALBytes (plus the largest transaction) and that the data
// reached the database file: checkpoints ran. Without readers, SQLite's own
// automatic checkpoint keeps the log near 1,000 pages.
func TestWALBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("16 MB of writes")
	}
	for _, readers := range []int{0, 3} {
		t.Run(fmt.Sprintf("%d readers", readers), func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "wal.db")
			limit, writes := int64(1<<20), 250
			if readers == 0 {
				limit, writes = 1<<40, 600 // no TRUNCATE checkpoint: SQLite's automatic one alone
			}
			s := mustOpen(t, Config{Path: path, MaxWALBytes: limit, Synchronous: "NORMAL",
				Options: scenario.Options{MaxChanges: 5000}})
			var stop atomic.Bool
			var wg sync.WaitGroup
			var reads atomic.Int64
			for range readers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for id := int64(1); !stop.Load(); id++ {
						if _, _, err := s.List(ctx, scenario.Filter{Limit: 20}); err != nil {
							t.Error(err)
							return
						}
						s.Get(ctx, 1+id%50)
						reads.Add(1)
					}
				}()
			}
			var written, maxWAL int64
			for i := range writes {
				sc := crashScenario(i, 1)
				if err := s.Create(ctx, sc); err != nil {
					t.Fatal(err)
				}
				changes, _ := encodeChanges(sc.Changes)
				written += rowSize(sc, changes)
				if fi, err := os.Stat(path + "-wal"); err == nil {
					maxWAL = max(maxWAL, fi.Size())
				}
			}
			stop.Store(true)
			wg.Wait()
			db, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			st, _ := s.Stats(ctx)
			t.Logf("%d bytes of scenarios written, %d reads meanwhile: WAL at most %d bytes, database %d bytes, %d TRUNCATE checkpoints",
				written, reads.Load(), maxWAL, db.Size(), st.Checkpoints)
			// The largest scenario here is ≈ 130 kB: a transaction of ≈ 40 pages.
			const slack = 512 << 10
			bound := limit + slack
			if readers == 0 {
				bound = 1000*4096 + slack // the automatic checkpoint alone
			}
			if maxWAL > bound {
				t.Errorf("the WAL reached %d bytes, over %d", maxWAL, bound)
			}
			if db.Size() < written/2 {
				t.Errorf("database file %d bytes after %d bytes written: the log was not checkpointed", db.Size(), written)
			}
			if readers > 0 && reads.Load() < 100 {
				t.Errorf("only %d reads ran alongside the writes: the test did not load the log", reads.Load())
			}
		})
	}
}

// TestListReadsTheSummaryIndex checks with EXPLAIN QUERY PLAN that a
// listing (with and without a base) is answered from the covering index,
// never reading a scenario's changes.
func TestListReadsTheSummaryIndex(t *testing.T) {
	s := mustOpen(t, Config{})
	for _, where := range []string{"", " WHERE base = 'x'"} {
		rows, err := s.r.Query(`EXPLAIN QUERY PLAN `+listQuery+where+` ORDER BY id LIMIT ? OFFSET ?`, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if p := strings.Join(plan, "; "); !strings.Contains(p, "USING COVERING INDEX scenarios_summary") || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("list%s: plan %q, want the covering index scenarios_summary and no sort", where, p)
		}
	}
}
