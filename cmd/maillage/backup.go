package main

import (
	"context"
	"fmt"

	"github.com/maillage/maillage/coverage/scenario/sqlite"
)

// backup copies a scenario database while the server may be running on it
// (SQLite's VACUUM INTO: one consistent snapshot, no writer blocked), checks
// the copy and renames it into place.
func (m *Main) backup(ctx context.Context, args []string) error {
	fs := m.newFlagSet("backup", "--db maillage-scenarios.db --out F")
	db := fs.String("db", "maillage-scenarios.db", "scenario database to copy (it is not modified)")
	out := fs.String("out", "", "the copy: a new file (refused if it exists)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("backup: --out is required: %w", ErrUsage)
	}
	n, err := sqlite.Backup(ctx, *db, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, m.lang.Pick("maillage : %s copié dans %s (%d scénarios, integrity_check ok)\n",
		"maillage: %s copied to %s (%d scenarios, integrity_check ok)\n"), *db, *out, n)
	return nil
}
