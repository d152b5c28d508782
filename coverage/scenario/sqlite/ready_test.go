package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// TestReady: a writable store is ready and the probe leaves nothing behind;
// a store opened on a database another connection holds the write lock of
// is not ready within its context; a closed store is not ready.
func TestReady(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scenarios.db")
	s := mustOpen(t, Config{Path: path, BusyTimeout: time.Millisecond})
	if err := s.Ready(t.Context()); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.r.QueryRowContext(t.Context(), `SELECT count(*) FROM sqlite_master WHERE name = 'maillage_ready_probe'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("probe table left: %d (%v)", n, err)
	}
	// Another process holds the write lock.
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	if err := s.Ready(ctx); err == nil {
		t.Fatal("ready while another connection holds the write lock")
	}
	conn.ExecContext(t.Context(), "ROLLBACK")
	conn.Close()
	if err := s.Ready(t.Context()); err != nil {
		t.Fatalf("ready once the lock is released: %v", err)
	}
	s.Close()
	if err := s.Ready(t.Context()); err == nil {
		t.Fatal("a closed store is ready")
	}
}
