package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Errors of opening a database.
var (
	// ErrSchemaTooNew is returned for a file migrated by a newer program.
	ErrSchemaTooNew = errors.New("sqlite: database schema is newer than this program")
	// ErrCorrupt is returned by Check when PRAGMA integrity_check fails.
	ErrCorrupt = errors.New("sqlite: database is corrupt")
)

// migrations are the schema's versions in order: migrations[i] takes the
// schema from version i to i+1. Never edit or reorder an applied one; append.
var migrations = []string{
	// 1: scenarios, their changes as one JSON array.
	`CREATE TABLE scenarios (
		id          INTEGER PRIMARY KEY AUTOINCREMENT,
		name        TEXT    NOT NULL CHECK (length(trim(name)) > 0),
		description TEXT    NOT NULL DEFAULT '',
		base        TEXT    NOT NULL,
		changes     TEXT    NOT NULL CHECK (json_valid(changes) AND json_type(changes) = 'array'),
		n_changes   INTEGER NOT NULL CHECK (n_changes = json_array_length(changes)),
		created     TEXT    NOT NULL, -- RFC 3339, UTC
		updated     TEXT    NOT NULL,
		version     INTEGER NOT NULL CHECK (version >= 1)
	) STRICT;
	CREATE INDEX scenarios_base ON scenarios (base, id);`,
	// 2: the fingerprint of the territory a scenario was made on.
	`ALTER TABLE scenarios ADD COLUMN base_digest TEXT NOT NULL DEFAULT '';`,
	// 3: each scenario's size in bytes (name, description and changes as
	// stored), indexed so that the store's totals are a small index scan;
	// and a covering index of everything a listing shows, so that List never
	// reads the changes (the last column but one, often overflow pages).
	`ALTER TABLE scenarios ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
	UPDATE scenarios SET size = length(CAST(name AS BLOB)) + length(CAST(description AS BLOB)) + length(CAST(changes AS BLOB));
	CREATE INDEX scenarios_size ON scenarios (size);
	CREATE INDEX scenarios_summary ON scenarios (id, base, name, description, base_digest, n_changes, created, updated, version);`,
	// 4: the absolute path of the territory file a scenario was made
	// against ('' for the demo and the scenarios of older files).
	`ALTER TABLE scenarios ADD COLUMN territory_file TEXT NOT NULL DEFAULT '';`,
}

// migrate brings db to version len(migs), applying every missing migration
// and recording it in schema_migrations, all in one immediate transaction:
// either every pending migration is applied or none is.
func migrate(ctx context.Context, db *sql.DB, migs []string) error {
	tx, err := db.BeginTx(ctx, nil) // the writer's transactions are BEGIN IMMEDIATE
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		applied TEXT NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if have > len(migs) {
		return fmt.Errorf("%w: version %d, this program knows %d", ErrSchemaTooNew, have, len(migs))
	}
	for v := have + 1; v <= len(migs); v++ {
		if _, err := tx.ExecContext(ctx, migs[v-1]); err != nil {
			return fmt.Errorf("migrate: version %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied) VALUES (?, ?)`,
			v, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("migrate: version %d: %w", v, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
