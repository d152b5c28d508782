package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// ErrUsage is returned for a bad command line.
var ErrUsage = errors.New("usage: maillage <command> [flags]; commands: serve, stats, ingest, route, coverage, gaps, access, propose, scenario")

// Run runs one maillage command with its arguments. It is the whole program
// behind main, reused by the end-to-end tests.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return ErrUsage
	}
	switch args[0] {
	default:
		return fmt.Errorf("unknown command %q: %w", args[0], ErrUsage)
	}
}
