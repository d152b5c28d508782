package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maillage/maillage/coverage/scenario"
)

// TestConcurrentWriters runs 8 goroutines × 50 writes (25 creates, each
// followed by an update) on one Store, with readers listing at the same time.
// Every write must succeed (no "database is locked") and every scenario be
// present at version 2 with its own content.
func TestConcurrentWriters(t *testing.T) {
	s := mustOpen(t, Config{})
	runWriters(t, []*Store{s}, 8, 50)
}

// TestConcurrentWritersTwoPools does the same with two Store values on one
// file: two pools of SQLite connections contending for the write lock, as
// two processes would (busy_timeout, not Go, makes them wait).
func TestConcurrentWritersTwoPools(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	runWriters(t, []*Store{mustOpen(t, Config{Path: path}), mustOpen(t, Config{Path: path})}, 4, 10)
}

func runWriters(t *testing.T, stores []*Store, goroutines, perG int) {
	ctx := context.Background()
	ids := make([][]int64, goroutines)
	errs := make(chan error, goroutines*perG+16)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[g%len(stores)]
			var sc *scenario.Scenario
			for i := range perG {
				if i%2 == 0 {
					sc = sample(fmt.Sprintf("g%d-%d", g, i/2))
					if err := s.Create(ctx, sc); err != nil {
						errs <- fmt.Errorf("goroutine %d create %d: %w", g, i, err)
						sc = nil
						continue
					}
					ids[g] = append(ids[g], sc.ID)
				} else if sc != nil {
					sc.Description = fmt.Sprintf("updated by goroutine %d", g)
					if err := s.Update(ctx, sc); err != nil {
						errs <- fmt.Errorf("goroutine %d update %d: %w", g, sc.ID, err)
					}
				}
			}
		}()
	}
	done := make(chan struct{})
	var rg sync.WaitGroup
	for r := range stores {
		rg.Add(1)
		go func() {
			defer rg.Done()
			for {
				select {
				case <-done:
					return
				case <-time.After(time.Millisecond):
				}
				if _, _, err := stores[r].List(ctx, scenario.Filter{Limit: 20}); err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	rg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	s := stores[0]
	if n := count(t, s); n != goroutines*perG/2 {
		t.Fatalf("%d scenarios, want %d", n, goroutines*perG/2)
	}
	for g := range goroutines {
		if len(ids[g]) != perG/2 {
			t.Errorf("goroutine %d created %d", g, len(ids[g]))
		}
		for i, id := range ids[g] {
			sc, err := s.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Name != fmt.Sprintf("g%d-%d", g, i) || sc.Version != 2 ||
				sc.Description != fmt.Sprintf("updated by goroutine %d", g) || len(sc.Changes) != 2 {
				t.Errorf("scenario %d = %q v%d %q", id, sc.Name, sc.Version, sc.Description)
			}
		}
	}
	if err := s.Check(ctx); err != nil {
		t.Error(err)
	}
}

// TestConcurrentUpdatesOfOneScenario has 8 goroutines update the same
// scenario from the version they read, retrying on conflict: exactly one
// update per attempt wins, none is lost.
func TestConcurrentUpdatesOfOneScenario(t *testing.T) {
	const goroutines, perG = 8, 10
	ctx := context.Background()
	s := mustOpen(t, Config{})
	sc := sample("shared")
	if err := s.Create(ctx, sc); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	conflicts := 0
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perG; {
				cur, err := s.Get(ctx, sc.ID)
				if err != nil {
					t.Error(err)
					return
				}
				cur.Description += fmt.Sprintf("[%d.%d]", g, i)
				switch err := s.Update(ctx, cur); {
				case err == nil:
					i++
				case isConflict(err):
					mu.Lock()
					conflicts++
					mu.Unlock()
				default:
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	got, _ := s.Get(ctx, sc.ID)
	if got.Version != 1+goroutines*perG {
		t.Errorf("version %d, want %d", got.Version, 1+goroutines*perG)
	}
	for g := range goroutines {
		for i := range perG {
			if tag := fmt.Sprintf("[%d.%d]", g, i); !contains(got.Description, tag) {
				t.Errorf("update %s lost", tag)
			}
		}
	}
	t.Logf("%d conflicts retried", conflicts)
}

func isConflict(err error) bool { return errors.Is(err, scenario.ErrConflict) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
