// Command maillage plans where digital-mediation help should be: it reads a
// territory (people on an H3 grid, places that offer help, roads), reports
// who is uncovered, proposes new permanences and serves a web map API.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "maillage:", err)
		os.Exit(1)
	}
}
