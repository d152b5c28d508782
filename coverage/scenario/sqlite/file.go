package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrNotStore is returned for a --db file that is not a scenario store: not
// SQLite at all, or the SQLite database of another program. Open leaves
// such a file untouched.
var ErrNotStore = errors.New("sqlite: not a scenario database")

// damaged is the error for a scenario database that SQLite cannot read.
func damaged(path string, err error) error {
	return fmt.Errorf("%w: %s: %v; restore a backup (maillage backup) or move the file away", ErrCorrupt, path, err)
}

// sqliteMagic begins every SQLite 3 database file.
const sqliteMagic = "SQLite format 3\x00"

// precheck refuses, before anything writes to it, a file at path that is not
// a scenario store: not SQLite (ErrNotStore), SQLite but holding tables of
// another program (ErrNotStore), or damaged (ErrCorrupt: unreadable schema
// or PRAGMA quick_check not ok). A missing or empty file, or an SQLite file
// without tables, is a new store. The check reads through a read-only
// connection: opening in WAL mode, let alone migrating, would write to a
// foreign file's header.
func precheck(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	head := make([]byte, len(sqliteMagic))
	n, err := io.ReadFull(f, head)
	f.Close()
	switch {
	case n == 0:
		return nil // empty: SQLite makes a new database of it
	case err != nil || string(head) != sqliteMagic:
		return fmt.Errorf("%w: %s is not an SQLite database (it begins with %q); give --db a new file or a scenario database", ErrNotStore, path, head[:n])
	}
	// (A read-only connection to a database in WAL mode, as a scenario
	// database is, makes an empty -wal and an -shm beside it if they are
	// missing: SQLite's own files, left alone, since another process may be
	// opening them too. The database file itself is not written.)
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
	if err != nil {
		return fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var tables []string
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return damaged(path, err)
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return damaged(path, err)
		}
		tables = append(tables, t)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return damaged(path, err)
	}
	if len(tables) > 0 && (!slices.Contains(tables, "schema_migrations") || !slices.Contains(tables, "scenarios")) {
		if len(tables) > 8 {
			tables = append(tables[:8], "…")
		}
		return fmt.Errorf("%w: %s is the SQLite database of another program (tables %s, no scenarios); give --db a new file or a scenario database",
			ErrNotStore, path, strings.Join(tables, ", "))
	}
	var msgs []string
	rows, err = db.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		return damaged(path, err)
	}
	for rows.Next() {
		var m string
		rows.Scan(&m)
		msgs = append(msgs, m)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return damaged(path, err)
	}
	if len(msgs) != 1 || msgs[0] != "ok" {
		if len(msgs) > 3 {
			msgs = append(msgs[:3], "…")
		}
		return damaged(path, fmt.Errorf("quick_check: %s", strings.Join(msgs, "; ")))
	}
	return nil
}

// Backup copies the scenario database at path to the new file out, while
// other processes (a running server) read and write it: VACUUM INTO copies
// one read transaction's snapshot, so the copy holds every write committed
// before it began and none after, and it blocks no writer. The copy is
// written next to out, checked (PRAGMA integrity_check, the same scenarios)
// and renamed to out; out must not exist. path must be a scenario database
// (see Open); it is not modified. Backup returns the number of scenarios
// copied.
func Backup(ctx context.Context, path, out string) (int, error) {
	if _, err := os.Stat(path); err != nil {
		return 0, fmt.Errorf("sqlite: backup: %w", err)
	}
	if err := precheck(ctx, path); err != nil {
		return 0, err
	}
	if _, err := os.Lstat(out); err == nil {
		return 0, fmt.Errorf("sqlite: backup: %s exists: give a new file", out)
	}
	tmp := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".partial")
	os.Remove(tmp) // a partial copy of an earlier failed run
	src, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return 0, fmt.Errorf("sqlite: backup: %w", err)
	}
	defer src.Close()
	src.SetMaxOpenConns(1)
	conn, err := src.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("sqlite: backup: %w", err)
	}
	defer conn.Close()
	// VACUUM INTO reads one snapshot, in its own read transaction.
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("sqlite: backup: %w", err)
	}
	n, err := checkCopy(ctx, tmp)
	if err == nil {
		err = syncFile(tmp)
	}
	if err == nil {
		err = os.Rename(tmp, out)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("sqlite: backup of %s: %w", path, err)
	}
	return n, nil
}

// checkCopy opens a copy read-only, checks its integrity and counts its
// scenarios.
func checkCopy(ctx context.Context, path string) (int, error) {
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var ok string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		return 0, fmt.Errorf("%w: the copy: %s %v", ErrCorrupt, ok, err)
	}
	var n int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM scenarios`).Scan(&n)
	return n, err
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
