package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/maillage/maillage/web"
)

// serveConfig is the configuration of `maillage serve`.
type serveConfig struct {
	Territory string
	Web       web.Config
}

func (m *Main) serve(ctx context.Context, args []string) error {
	cfg := serveConfig{Web: web.DefaultConfig()}
	fs := m.newFlagSet("serve", "[--territory T] [--addr :8080]")
	fs.StringVar(&cfg.Territory, "territory", "", "territory file written by `maillage ingest` (default: the built-in fictional demo territory)")
	fs.StringVar(&cfg.Web.Addr, "addr", cfg.Web.Addr, "address to listen on")
	fs.IntVar(&cfg.Web.MaxFeatures, "max-cells", cfg.Web.MaxFeatures, "most cells one /api/v1/cells answer may hold")
	if err := parse(fs, args); err != nil {
		return err
	}
	t, err := m.loadTerritory(cfg.Territory)
	if err != nil {
		return err
	}
	cfg.Web.Logger = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := web.NewServer(cfg.Web, t)
	if err := s.Open(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "maillage: serving %q on http://%s\n", t.Name, s.Addr())
	<-ctx.Done()
	if err := s.Close(); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "maillage: stopped")
	return nil
}
