// Package sqlite stores what-if scenarios (package coverage/scenario) in an
// embedded SQLite database file, through database/sql and the pure-Go driver
// modernc.org/sqlite (no cgo). Store implements scenario.Store and returns
// its error codes (scenario.ErrNotFound, ErrConflict, ErrInvalid,
// ErrTooLarge), so callers never import this package's types to handle
// errors.
//
// # Durability and concurrency
//
//   - journal_mode=WAL: readers never block the writer nor the writer the
//     readers, and a commit is one append to the -wal file. A process killed
//     mid-write (SIGKILL, OOM, power cut before the fsync) leaves at most an
//     uncommitted tail in the WAL that SQLite discards on the next open:
//     every transaction is all or nothing.
//   - synchronous=FULL: every commit fsyncs the WAL before returning, so a
//     scenario whose Create returned survives an OS crash or a power cut,
//     not only a process crash. NORMAL would fsync only at checkpoints and
//     could lose the last commits on power loss (never corrupt the file).
//     Planners save scenarios at human speed (a few writes a minute), so
//     the cost of one fsync per commit (BenchmarkCreate reports it as a
//     ratio to NORMAL) buys the guarantee for free in practice.
//   - One writer connection (database/sql pool of size 1, BEGIN IMMEDIATE):
//     the goroutines of this process queue in Go instead of racing for
//     SQLite's lock, so they never see "database is locked"; busy_timeout
//     (5 s by default) covers writers in other processes (a CLI while the
//     server runs). Reads use a separate pool of query_only connections.
//   - The WAL is checkpointed into the database file. SQLite does it by
//     itself every 1,000 pages, when a write statement steps to its end;
//     Create once read an INSERT … RETURNING through QueryRow, which
//     database/sql closes before the end, so a store that only created
//     scenarios never checkpointed (64 MB of WAL over a 4 KB database).
//     And a checkpoint cannot start the log over while a reader uses it, so
//     under a steady read load the log only grew: after a write that leaves
//     it over Config.MaxWALBytes (8 MiB) the store runs a TRUNCATE
//     checkpoint, which waits up to the busy timeout for older readers
//     (TestWALBounded: 3 readers in a loop, the log stays under 1.5 MiB for
//     a 1 MiB limit; journal_size_limit caps what a restart leaves).
//   - Capacity: Config.MaxScenarios (10,000) and MaxStoreBytes (256 MiB of
//     names, descriptions and changes as stored), checked in the write's
//     immediate transaction against an indexed size column: past them,
//     scenario.ErrStoreFull and nothing written.
//   - foreign_keys=ON (no foreign keys yet; on so future tables get them).
//
// # Schema
//
// Migrations are SQL strings embedded in Go, in order; the versions applied
// are rows of table schema_migrations. Open applies the missing ones in ONE
// immediate transaction, so a crash or an error leaves the previous schema
// whole, two processes opening a fresh file do not both migrate, and
// reopening is a no-op. A file with a newer schema than the program knows is
// refused (ErrSchemaTooNew).
//
// A scenario is one row; its changes are one JSON array in a TEXT column
// (checked by json_valid), not a child table: changes are always read and
// written as a whole with their scenario, never queried one by one, their
// fields differ by op, and a single-row write keeps create and update atomic
// without multi-statement bookkeeping. SQLite's JSON functions (json_each)
// still allow ad-hoc queries such as "which scenarios remove place X".
package sqlite
