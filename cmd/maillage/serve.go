package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/data/sqlite"
	"github.com/maillage/maillage/web"
)

// serveConfig is the configuration of `maillage serve`.
type serveConfig struct {
	Planner plannerFlags
	// DB is the scenario database (SQLite, created if missing); "" serves
	// without scenarios (their endpoints answer 503).
	DB  string
	Web web.Config
}

func (m *Main) serve(ctx context.Context, args []string) error {
	cfg := serveConfig{Web: web.DefaultConfig(), DB: "maillage-scenarios.db"}
	fs := m.newFlagSet("serve", "[--territory T] [--addr :8080] [--db maillage-scenarios.db] [--profiles F] [--fragility F]")
	cfg.Planner.register(fs)
	fs.StringVar(&cfg.Web.Addr, "addr", cfg.Web.Addr, "address to listen on")
	fs.StringVar(&cfg.DB, "db", cfg.DB, `scenario database (SQLite, created if missing; "" to serve without scenarios)`)
	fs.IntVar(&cfg.Web.MaxFeatures, "max-cells", cfg.Web.MaxFeatures, "most cells one /api/v1/cells answer may hold")
	fs.StringVar(&cfg.Web.BaseMapStyle, "basemap", "", "optional outside base map for the web page: the URL of a MapLibre style (none by default: the page works offline)")
	if err := parse(fs, args); err != nil {
		return err
	}
	p, err := m.openPlanner(cfg.Planner)
	if err != nil {
		return err
	}
	t := p.Territory()
	var store scenario.Store // a nil interface when there is no database
	if cfg.DB != "" {
		sc := sqlite.DefaultConfig(cfg.DB)
		sc.Options = p.ScenarioOptions()
		sc.Territory = func(name string) *maillage.Territory {
			if name == "" || name == t.Name {
				return t
			}
			return nil
		}
		st, err := sqlite.OpenConfig(sc)
		if err != nil {
			return err
		}
		defer st.Close()
		store = st
	}
	cfg.Web.Logger = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := web.NewServer(cfg.Web, p, store)
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
