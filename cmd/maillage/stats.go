package main

import (
	"context"
	"encoding/json"

	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/internal/labels"
)

// statsConfig is the configuration of `maillage stats`.
type statsConfig struct {
	Territory string
	JSON      bool
	MaxIssues int
	Lang      labels.Lang
}

func (m *Main) stats(_ context.Context, args []string) error {
	cfg := statsConfig{MaxIssues: 20}
	fs := m.newFlagSet("stats", "[--territory T] [--json]")
	fs.StringVar(&cfg.Territory, "territory", "", "territory file written by \"maillage ingest\" (default: the built-in fictional demo territory)")
	fs.BoolVar(&cfg.JSON, "json", false, "print the summary as one JSON object")
	fs.IntVar(&cfg.MaxIssues, "issues", cfg.MaxIssues, "most findings to list in the text output (-1: all)")
	registerLang(fs, &cfg.Lang)
	if err := parse(fs, args); err != nil {
		return err
	}
	t, err := m.loadTerritory(cfg.Territory)
	if err != nil {
		return err
	}
	s := data.Summarize(t)
	if cfg.JSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	return s.WriteText(m.Stdout, cfg.MaxIssues, cfg.Lang)
}
