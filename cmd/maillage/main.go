// Command maillage plans where digital-mediation help should be: it reads a
// territory (people on an H3 grid, places that offer help, roads), reports
// who is uncovered, proposes new permanences and serves a web map API.
//
// The program is organised as in benbjohnson/wtf: main only sets up signals
// and calls Run, which the end-to-end tests call too; each command parses
// its own flag.FlagSet into a configuration seeded with defaults.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gin-gonic/gin"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if os.Getenv(gin.EnvGinMode) == "" {
		gin.SetMode(gin.ReleaseMode)
	}
	m := NewMain(os.Stdout, os.Stderr)
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, m.ErrorText(err))
		os.Exit(1)
	}
}
