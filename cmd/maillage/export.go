package main

import (
	"context"
	"fmt"

	"github.com/maillage/maillage/internal/gpkg"
)

// export writes every layer of the territory into one GeoPackage.
func (m *Main) export(ctx context.Context, args []string) error {
	var pf plannerFlags
	var profiles stringList
	format, out := "gpkg", ""
	fs := m.newFlagSet("export", "--format gpkg --out F.gpkg [--territory T] [--profile NAME...]")
	pf.register(fs)
	fs.StringVar(&format, "format", format, "output format: gpkg (OGC GeoPackage 1.3)")
	fs.StringVar(&out, "out", out, "the file to write (written under a temporary name, then renamed)")
	fs.Var(&profiles, "profile", "profile whose coverage and gaps to export (repeatable; default: every profile)")
	if err := parse(fs, args); err != nil {
		return err
	}
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
	layers, err := p.ExportLayers(profiles)
	if err != nil {
		return err
	}
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
