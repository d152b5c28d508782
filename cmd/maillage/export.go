package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/maillage/maillage/internal/gpkg"
	"github.com/maillage/maillage/internal/planner"
)

// export writes every layer of the territory into one GeoPackage.
func (m *Main) export(ctx context.Context, args []string) error {
	var pf plannerFlags
	var profiles stringList
	format, out, dbPath, noProposals := "gpkg", "", "maillage-scenarios.db", false
	fs := m.newFlagSet("export", "--format gpkg --out F.gpkg [--territory T] [--profile NAME...] [--db F] [--no-proposals]")
	pf.register(fs)
	fs.StringVar(&format, "format", format, "output format: gpkg (OGC GeoPackage 1.3)")
	fs.StringVar(&out, "out", out, "the file to write (written under a temporary name, then renamed)")
	fs.Var(&profiles, "profile", "profile whose coverage and gaps to export (repeatable; default: every profile)")
	fs.StringVar(&dbPath, "db", dbPath, "scenario database whose saved scenarios to export (skipped when the default file is absent)")
	fs.BoolVar(&noProposals, "no-proposals", noProposals, "leave out the proposals-{profile} layers (each is a proposal of 10 sites, computed here)")
	if err := parse(fs, args); err != nil {
		return err
	}
	dbSet := false
	fs.Visit(func(f *flag.Flag) { dbSet = dbSet || f.Name == "db" })
	if format != "gpkg" {
		return fmt.Errorf("export: --format %q: want gpkg: %w", format, ErrUsage)
	}
	if out == "" {
		return fmt.Errorf("export: --out is required: %w", ErrUsage)
	}
	p, err := m.openPlanner(pf)
	if err != nil {
		return err
	}
	req := planner.ExportRequest{Profiles: profiles, NoProposals: noProposals}
	if _, err := os.Stat(dbPath); err == nil {
		store, err := openStore(p, dbPath)
		if err != nil {
			return err
		}
		defer store.Close()
		req.Store = store
	} else if dbSet {
		return fmt.Errorf("export: --db %s: %w", dbPath, err)
	}
	layers, warnings, err := p.ExportLayers(ctx, req)
	if err != nil {
		return err
	}
	m.warn(warnings)
	rep, err := gpkg.Write(ctx, out, layers)
	if err != nil {
		return err
	}
	for _, t := range rep.Tables {
		fmt.Fprintf(m.Stderr, "%s: %d\n", t, rep.Features[t])
	}
	fmt.Fprintf(m.Stderr, "wrote %s (%d tables)\n", out, len(rep.Tables))
	return nil
}
