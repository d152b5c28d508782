package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Paging limits of List.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// Default capacity of a store and bound of its write-ahead log (see Config).
const (
	DefaultMaxScenarios  = 10000
	DefaultMaxStoreBytes = 256 << 20 // 256 MiB of scenario JSON
	DefaultMaxWALBytes   = 8 << 20   // 8 MiB
)

// Config configures a Store. Start from DefaultConfig.
type Config struct {
	// Path is the database file, created if missing.
	Path string
	// BusyTimeout is how long a write waits for another process's lock.
	BusyTimeout time.Duration
	// Synchronous is the PRAGMA synchronous level: "FULL" (default, durable
	// across power loss) or "NORMAL" (durable across process crashes only).
	Synchronous string
	// Options are the scenario limits (MaxChanges, MaxBytes) and hooks
	// (ParseOpeningHours) applied on Create and Update.
	Options scenario.Options
	// Territory returns the base territory named name, against which Create
	// and Update validate a scenario (unknown places, positions), or nil if
	// there is none such. When Territory is nil, scenarios are validated
	// without a territory.
	Territory func(name string) *maillage.Territory
	// Now returns the current time (time.Now if nil).
	Now func() time.Time
	// MaxScenarios is the most scenarios the store holds
	// (DefaultMaxScenarios if 0): Create beyond it fails with
	// scenario.ErrStoreFull and writes nothing.
	MaxScenarios int
	// MaxStoreBytes is the most bytes of scenarios the store holds (their
	// names, descriptions and changes as stored JSON; DefaultMaxStoreBytes
	// if 0): a Create or an Update that would go beyond fails with
	// scenario.ErrStoreFull and writes nothing.
	MaxStoreBytes int64
	// MaxWALBytes bounds the write-ahead log (DefaultMaxWALBytes if 0).
	// SQLite checkpoints the log into the database every 1,000 pages, but
	// a checkpoint cannot start the log over while readers use it, so under
	// a steady read load the file only grows; after a write that leaves it
	// larger than this, the store runs a TRUNCATE checkpoint, which waits
	// (up to BusyTimeout) for the readers of older snapshots to finish.
	MaxWALBytes int64
}

// DefaultConfig returns the configuration of a store at path.
func DefaultConfig(path string) Config {
	return Config{Path: path, BusyTimeout: 5 * time.Second, Synchronous: "FULL"}
}

// Store is a scenario.Store on one SQLite file. It is safe for concurrent use
// by several goroutines; several processes may open the same file.
type Store struct {
	w, r        *sql.DB // one writer connection, a pool of readers
	cfg         Config
	checkpoint  atomic.Bool  // a TRUNCATE checkpoint is running
	checkpoints atomic.Int64 // TRUNCATE checkpoints run (see Config.MaxWALBytes)
}

// Open opens (creating and migrating if needed) the store at path with the
// default configuration.
func Open(path string) (*Store, error) { return OpenConfig(DefaultConfig(path)) }

// OpenConfig opens the store described by cfg.
func OpenConfig(cfg Config) (*Store, error) {
	if cfg.Path == "" || strings.ContainsAny(cfg.Path, "?#") {
		return nil, fmt.Errorf("sqlite: bad database path %q", cfg.Path)
	}
	if cfg.BusyTimeout <= 0 {
		cfg.BusyTimeout = 5 * time.Second
	}
	switch strings.ToUpper(cfg.Synchronous) {
	case "":
		cfg.Synchronous = "FULL"
	case "FULL", "NORMAL", "EXTRA":
	default:
		return nil, fmt.Errorf("sqlite: synchronous %q: want FULL, NORMAL or EXTRA", cfg.Synchronous)
	}
	if err := precheck(context.Background(), cfg.Path); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxScenarios <= 0 {
		cfg.MaxScenarios = DefaultMaxScenarios
	}
	if cfg.MaxStoreBytes <= 0 {
		cfg.MaxStoreBytes = DefaultMaxStoreBytes
	}
	if cfg.MaxWALBytes <= 0 {
		cfg.MaxWALBytes = DefaultMaxWALBytes
	}
	dsn := func(readOnly bool) string {
		q := url.Values{}
		q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", cfg.BusyTimeout.Milliseconds()))
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "synchronous("+cfg.Synchronous+")")
		if readOnly {
			q.Add("_pragma", "query_only(1)")
		} else {
			q.Add("_pragma", "journal_mode(WAL)")
			q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", cfg.MaxWALBytes))
			q.Set("_txlock", "immediate")
		}
		return cfg.Path + "?" + q.Encode()
	}
	w, err := sql.Open("sqlite", dsn(false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", cfg.Path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	s := &Store{w: w, cfg: cfg}
	ctx := context.Background()
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", cfg.Path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: journal mode is %q, not wal", cfg.Path, mode)
	}
	if err := migrate(ctx, w, migrations); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", cfg.Path, err)
	}
	if s.r, err = sql.Open("sqlite", dsn(true)); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", cfg.Path, err)
	}
	s.r.SetMaxOpenConns(max(4, runtime.NumCPU()))
	return s, nil
}

// Close closes the database. Committed scenarios are on disk.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.cfg.Path }

// validate checks sc (limits, fields, and against its base territory when
// the store knows territories).
func (s *Store) validate(sc *scenario.Scenario) error {
	var t *maillage.Territory
	if s.cfg.Territory != nil && strings.TrimSpace(sc.Base) != "" {
		if t = s.cfg.Territory(sc.Base); t == nil {
			return &scenario.ValidationError{Problems: []scenario.Problem{{
				Change: -1, Field: "base", Reason: fmt.Sprintf("unknown territory %q", sc.Base)}}}
		}
	}
	return s.cfg.Options.Validate(t, *sc)
}

func (s *Store) now() time.Time { return s.cfg.Now().UTC() }

func encodeChanges(cs []scenario.Change) (string, error) {
	if cs == nil {
		cs = []scenario.Change{}
	}
	b, err := json.Marshal(cs)
	if err != nil {
		return "", fmt.Errorf("sqlite: encoding changes: %w", err)
	}
	return string(b), nil
}

const timeFormat = time.RFC3339Nano

// Create stores sc as a new scenario and sets its ID, Created, Updated and
// Version. An invalid scenario (scenario.ErrInvalid, ErrTooLarge) or a full
// store (scenario.ErrStoreFull) writes nothing.
func (s *Store) Create(ctx context.Context, sc *scenario.Scenario) error {
	if err := s.validate(sc); err != nil {
		return err
	}
	changes, err := encodeChanges(sc.Changes)
	if err != nil {
		return err
	}
	size := rowSize(sc, changes)
	tx, err := s.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the totals cannot change under us
	if err != nil {
		return fmt.Errorf("sqlite: create scenario: %w", err)
	}
	defer tx.Rollback()
	n, total, err := totals(ctx, tx)
	if err != nil {
		return fmt.Errorf("sqlite: create scenario: %w", err)
	}
	if n >= s.cfg.MaxScenarios {
		return fmt.Errorf("%w: it holds %d scenarios, its limit: delete some to make room", scenario.ErrStoreFull, n)
	}
	if total+size > s.cfg.MaxStoreBytes {
		return fmt.Errorf("%w: it holds %d bytes of scenarios and this one has %d, over its limit of %d: delete some to make room",
			scenario.ErrStoreFull, total, size, s.cfg.MaxStoreBytes)
	}
	now := s.now()
	stamp := now.Format(timeFormat)
	// Exec, not INSERT … RETURNING read with QueryRow: database/sql closes
	// such a statement after its row, before it has stepped to its end, and
	// SQLite runs its automatic WAL checkpoint only when a statement steps to
	// its end: a store that only created scenarios never checkpointed (the
	// log reached 64 MB over a 4 KB database). The COMMIT below steps to its end.
	res, err := tx.ExecContext(ctx, `INSERT INTO scenarios
		(name, description, base, base_digest, territory_file, changes, n_changes, size, created, updated, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		sc.Name, sc.Description, sc.Base, sc.BaseDigest, sc.TerritoryFile, changes, len(sc.Changes), size, stamp, stamp)
	if err != nil {
		return fmt.Errorf("sqlite: create scenario: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("sqlite: create scenario: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: create scenario: %w", err)
	}
	s.afterWrite()
	sc.ID, sc.Created, sc.Updated, sc.Version = id, now, now, 1
	return nil
}

// rowSize is the size a scenario counts for in Config.MaxStoreBytes.
func rowSize(sc *scenario.Scenario, changes string) int64 {
	return int64(len(sc.Name) + len(sc.Description) + len(changes))
}

// totals returns the number of scenarios and the sum of their sizes.
func totals(ctx context.Context, tx *sql.Tx) (n int, bytes int64, err error) {
	err = tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(size), 0) FROM scenarios`).Scan(&n, &bytes)
	return n, bytes, err
}

// afterWrite bounds the write-ahead log (see Config.MaxWALBytes): when the
// -wal file is larger than the limit after a commit, it runs a TRUNCATE
// checkpoint. The write is committed (and synced) already; a checkpoint
// that readers keep from finishing is tried again after the next write.
func (s *Store) afterWrite() {
	st, err := os.Stat(s.cfg.Path + "-wal")
	if err != nil || st.Size() <= s.cfg.MaxWALBytes || !s.checkpoint.CompareAndSwap(false, true) {
		return
	}
	defer s.checkpoint.Store(false)
	var busy, frames, done int
	if err := s.w.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &done); err == nil {
		s.checkpoints.Add(1)
	}
}

// Stats are counters of a store, for metrics.
type Stats struct {
	Scenarios   int   // scenarios held
	Bytes       int64 // their sizes (Config.MaxStoreBytes)
	WALBytes    int64 // size of the -wal file
	Checkpoints int64 // TRUNCATE checkpoints run since Open
}

// Stats returns the store's counters.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	if err := s.r.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(size), 0) FROM scenarios`).Scan(&st.Scenarios, &st.Bytes); err != nil {
		return st, fmt.Errorf("sqlite: stats: %w", err)
	}
	if fi, err := os.Stat(s.cfg.Path + "-wal"); err == nil {
		st.WALBytes = fi.Size()
	}
	st.Checkpoints = s.checkpoints.Load()
	return st, nil
}

const columns = `id, name, description, base, base_digest, territory_file, changes, created, updated, version`

type scanner interface{ Scan(dest ...any) error }

func scan(row scanner) (*scenario.Scenario, error) {
	var sc scenario.Scenario
	var changes, created, updated string
	if err := row.Scan(&sc.ID, &sc.Name, &sc.Description, &sc.Base, &sc.BaseDigest, &sc.TerritoryFile, &changes, &created, &updated, &sc.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(changes), &sc.Changes); err != nil {
		return nil, fmt.Errorf("sqlite: scenario %d: changes: %w", sc.ID, err)
	}
	var err1, err2 error
	sc.Created, err1 = time.Parse(timeFormat, created)
	sc.Updated, err2 = time.Parse(timeFormat, updated)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("sqlite: scenario %d: %w", sc.ID, err)
	}
	return &sc, nil
}

// Get returns the scenario id, or an error matching scenario.ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (*scenario.Scenario, error) {
	sc, err := scan(s.r.QueryRowContext(ctx, `SELECT `+columns+` FROM scenarios WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: scenario %d", scenario.ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get scenario %d: %w", id, err)
	}
	return sc, nil
}

// List returns the summaries of the scenarios selected by f, by increasing
// id, and the number of scenarios matching f in all (for paging). Limit 0
// means DefaultLimit; limits over MaxLimit and negative offsets are invalid.
// It reads only the index scenarios_summary, never the changes.
func (s *Store) List(ctx context.Context, f scenario.Filter) ([]scenario.Summary, int, error) {
	if f.Offset < 0 {
		return nil, 0, &scenario.ValidationError{Problems: []scenario.Problem{{Change: -1, Field: "offset",
			Reason: fmt.Sprintf("%d is negative", f.Offset)}}}
	}
	limit := f.Limit
	switch {
	case limit == 0:
		limit = DefaultLimit
	case limit < 0 || limit > MaxLimit:
		return nil, 0, &scenario.ValidationError{Problems: []scenario.Problem{{Change: -1, Field: "limit",
			Reason: fmt.Sprintf("%d is not in 1..%d", f.Limit, MaxLimit)}}}
	}
	// One read transaction: the page and the count see the same snapshot.
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: list scenarios: %w", err)
	}
	defer tx.Rollback()
	where, args := "", []any{}
	if f.Base != "" {
		where, args = ` WHERE base = ?`, []any{f.Base} // uses index scenarios_base
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM scenarios`+where, args...).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("sqlite: list scenarios: %w", err)
	}
	rows, err := tx.QueryContext(ctx, listQuery+where+` ORDER BY id LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: list scenarios: %w", err)
	}
	defer rows.Close()
	out := []scenario.Summary{}
	for rows.Next() {
		var sm scenario.Summary
		var created, updated string
		if err := rows.Scan(&sm.ID, &sm.Name, &sm.Description, &sm.Base, &sm.BaseDigest, &sm.ChangeCount, &created, &updated, &sm.Version); err != nil {
			return nil, 0, fmt.Errorf("sqlite: list scenarios: %w", err)
		}
		var err1, err2 error
		sm.Created, err1 = time.Parse(timeFormat, created)
		sm.Updated, err2 = time.Parse(timeFormat, updated)
		if err := errors.Join(err1, err2); err != nil {
			return nil, 0, fmt.Errorf("sqlite: scenario %d: %w", sm.ID, err)
		}
		out = append(out, sm)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("sqlite: list scenarios: %w", err)
	}
	return out, n, nil
}

// listQuery selects the columns of a summary, all in index scenarios_summary.
const listQuery = `SELECT id, name, description, base, base_digest, n_changes, created, updated, version FROM scenarios INDEXED BY scenarios_summary`

// Update replaces the scenario sc.ID if it is still at version sc.Version,
// then sets sc.Version, sc.Updated and sc.Created from the stored row. A
// stale version gives an error matching scenario.ErrConflict, a missing
// scenario scenario.ErrNotFound, an invalid one scenario.ErrInvalid; none
// writes anything.
func (s *Store) Update(ctx context.Context, sc *scenario.Scenario) error {
	if sc.Version < 1 {
		return &scenario.ValidationError{Problems: []scenario.Problem{{Change: -1, Field: "version",
			Reason: "missing: send the version the scenario was read at"}}}
	}
	if err := s.validate(sc); err != nil {
		return err
	}
	changes, err := encodeChanges(sc.Changes)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE: holds the write lock from here
	if err != nil {
		return fmt.Errorf("sqlite: update scenario %d: %w", sc.ID, err)
	}
	defer tx.Rollback()
	var version, oldSize int64
	var created string
	err = tx.QueryRowContext(ctx, `SELECT version, created, size FROM scenarios WHERE id = ?`, sc.ID).Scan(&version, &created, &oldSize)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: scenario %d", scenario.ErrNotFound, sc.ID)
	}
	if err != nil {
		return fmt.Errorf("sqlite: update scenario %d: %w", sc.ID, err)
	}
	if version != sc.Version {
		return fmt.Errorf("%w: scenario %d is at version %d, the update was made from version %d",
			scenario.ErrConflict, sc.ID, version, sc.Version)
	}
	size := rowSize(sc, changes)
	if size > oldSize {
		_, total, err := totals(ctx, tx)
		if err != nil {
			return fmt.Errorf("sqlite: update scenario %d: %w", sc.ID, err)
		}
		if total-oldSize+size > s.cfg.MaxStoreBytes {
			return fmt.Errorf("%w: it holds %d bytes of scenarios and this update adds %d, over its limit of %d: delete some to make room",
				scenario.ErrStoreFull, total, size-oldSize, s.cfg.MaxStoreBytes)
		}
	}
	now := s.now()
	if _, err := tx.ExecContext(ctx, `UPDATE scenarios SET name = ?, description = ?, base = ?, base_digest = ?,
		territory_file = ?, changes = ?, n_changes = ?, size = ?, updated = ?, version = version + 1 WHERE id = ?`,
		sc.Name, sc.Description, sc.Base, sc.BaseDigest, sc.TerritoryFile, changes, len(sc.Changes), size, now.Format(timeFormat), sc.ID); err != nil {
		return fmt.Errorf("sqlite: update scenario %d: %w", sc.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: update scenario %d: %w", sc.ID, err)
	}
	s.afterWrite()
	c, err := time.Parse(timeFormat, created)
	if err != nil {
		return fmt.Errorf("sqlite: scenario %d: %w", sc.ID, err)
	}
	sc.Version, sc.Updated, sc.Created = version+1, now, c
	return nil
}

// Delete removes the scenario id, or returns an error matching
// scenario.ErrNotFound.
func (s *Store) Delete(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM scenarios WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete scenario %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: delete scenario %d: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("%w: scenario %d", scenario.ErrNotFound, id)
	}
	s.afterWrite()
	return nil
}

// Check runs PRAGMA integrity_check and returns nil if the file is sound.
func (s *Store) Check(ctx context.Context) error {
	rows, err := s.w.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("sqlite: integrity check: %w", err)
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return fmt.Errorf("sqlite: integrity check: %w", err)
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: integrity check: %w", err)
	}
	if len(msgs) != 1 || msgs[0] != "ok" {
		return fmt.Errorf("%w: %s", ErrCorrupt, strings.Join(msgs, "; "))
	}
	return nil
}

var _ scenario.Store = (*Store)(nil)
