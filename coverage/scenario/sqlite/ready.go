package sqlite

import (
	"context"
	"fmt"
)

// Ready reports whether the store takes writes: it takes the write lock
// and writes in a transaction that it rolls back, so a read-only file or
// folder, a full disk at the first page or a lock held too long shows here
// (the server's /readyz) rather than at the next user's write.
func (s *Store) Ready(ctx context.Context) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: ready: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("sqlite: ready: %w", err)
	}
	_, err = conn.ExecContext(ctx, "CREATE TABLE maillage_ready_probe(x)")
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); err == nil && rerr != nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("sqlite: ready: %w", err)
	}
	return nil
}
