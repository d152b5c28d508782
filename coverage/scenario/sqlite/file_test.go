package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/maillage/maillage/coverage/scenario"
)

// TestOpenRefusesForeignFiles gives Open a file that is not SQLite, the
// SQLite database of another program, and a scenario database with a
// damaged page: each is refused with a message saying what the file is,
// and left byte for byte as it was; nothing is made beside the first two
// (the third, in WAL mode, gets SQLite's empty -wal and -shm).
func TestOpenRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()

	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("name,lat,lon\nMairie,45.0,0.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 12.5)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	damaged := filepath.Join(dir, "damaged.db")
	s := mustOpen(t, Config{Path: damaged})
	for i := range 40 {
		if err := s.Create(ctx, crashScenario(i, 1)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	b, err := os.ReadFile(damaged)
	if err != nil || len(b) < 5*4096 {
		t.Fatalf("damaged.db: %d bytes, %v", len(b), err)
	}
	copy(b[3*4096:4*4096], bytes.Repeat([]byte{0xa5}, 4096)) // a page of the scenarios table
	if err := os.WriteFile(damaged, b, 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, path string
		kind       error
		says       string
		wal        bool
	}{
		{"text file", text, ErrNotStore, `is not an SQLite database (it begins with "name,lat,lon\nMai")`, false},
		{"another program's database", foreign, ErrNotStore, "another program (tables invoices, no scenarios)", false},
		{"damaged page", damaged, ErrCorrupt, "restore a backup", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := os.ReadFile(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Open(tc.path)
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("Open = %v, want %v saying %q", err, tc.kind, tc.says)
			}
			after, _ := os.ReadFile(tc.path)
			if !bytes.Equal(before, after) {
				t.Error("the refused file was modified")
			}
			for _, side := range []string{"-wal", "-shm", "-journal"} {
				if fi, err := os.Stat(tc.path + side); err == nil && (!tc.wal || side == "-journal" || side == "-wal" && fi.Size() > 0) {
					t.Errorf("%s%s left beside the refused file", filepath.Base(tc.path), side)
				}
			}
			if _, err := Backup(ctx, tc.path, filepath.Join(dir, "copy-of-"+filepath.Base(tc.path))); !errors.Is(err, tc.kind) {
				t.Errorf("Backup = %v, want %v", err, tc.kind)
			}
		})
	}
	// A new or empty file is a new store.
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	if s, err := Open(empty); err != nil {
		t.Errorf("Open(empty file) = %v", err)
	} else {
		s.Close()
	}
}

// TestBackupWhileWriting copies a store while a writer creates and updates
// scenarios in a loop: the copy is a consistent snapshot (integrity_check
// ok, every row whole, as many rows as the snapshot had), the source is
// untouched by the copy, and out must be new.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "live.db")
	s := mustOpen(t, Config{Path: path, Options: scenario.Options{MaxChanges: 5000}})
	for i := range 30 {
		if err := s.Create(ctx, crashScenario(i, 1)); err != nil {
			t.Fatal(err)
		}
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var written atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 30; !stop.Load(); i++ {
			if err := s.Create(ctx, crashScenario(i, 1)); err != nil {
				t.Error(err)
				return
			}
			cur, err := s.Get(ctx, int64(1+i%30))
			if err != nil {
				t.Error(err)
				return
			}
			up := crashScenario(1+i%30-1, int(cur.Version)+1)
			up.ID, up.Version = cur.ID, cur.Version
			if err := s.Update(ctx, up); err != nil {
				t.Error(err)
				return
			}
			written.Add(2)
		}
	}()
	var copies []int
	for k := range 3 {
		out := filepath.Join(dir, fmt.Sprintf("backup-%d.db", k))
		n, err := Backup(ctx, path, out)
		if err != nil {
			t.Fatal(err)
		}
		copies = append(copies, n)
		b, err := Open(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Check(ctx); err != nil {
			t.Fatal(err)
		}
		all, total, err := b.List(ctx, scenario.Filter{Limit: MaxLimit})
		if err != nil || total != n {
			t.Fatalf("copy %d: %d scenarios listed, Backup said %d (%v)", k, total, n, err)
		}
		for _, sum := range all {
			got, err := b.Get(ctx, sum.ID)
			if err != nil {
				t.Fatal(err)
			}
			var seed int
			fmt.Sscanf(got.Name, "crash-%d", &seed)
			if want := crashScenario(seed, int(got.Version)); got.Description != want.Description || !reflect.DeepEqual(got.Changes, want.Changes) {
				t.Errorf("copy %d: scenario %d is not whole", k, got.ID)
			}
		}
		b.Close()
		if _, err := Backup(ctx, path, out); err == nil || !strings.Contains(err.Error(), "exists") {
			t.Errorf("Backup over an existing file = %v, want refused", err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if copies[0] < 30 || copies[2] < copies[0] || written.Load() == 0 {
		t.Errorf("copies of %v scenarios while %d writes ran: want growing snapshots of at least 30", copies, written.Load())
	}
	t.Logf("3 backups (%v scenarios) while %d writes ran", copies, written.Load())
}
