package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/internal/progress"
)

// ingestConfig is the configuration of `maillage ingest`.
type ingestConfig struct {
	Grids       stringList
	Venues      stringList
	Communes    string
	CommuneList string
	EPCI        string
	OSM         string
	Res         int
	Out         string
	Name        string
	Gzip        bool
	BufferKm    float64
	// MaxMemoryMB is the memory budget of the road build, MB (10^6 bytes).
	MaxMemoryMB int64
}

func (m *Main) ingest(ctx context.Context, args []string) error {
	cfg := ingestConfig{Res: 9, BufferKm: 50, MaxMemoryMB: road.DefaultMaxMemory() / 1e6}
	fs := m.newFlagSet("ingest", "--grid F... [--venues F...] [--communes F] [--commune-list F --epci F] [--res N] [--osm F] --out T")
	fs.Var(&cfg.Grids, "grid", "INSEE Filosofi grid `FILE`, CSV or zip (repeat or comma-separate for several)")
	fs.Var(&cfg.Venues, "venues", "venue `FILE`: national schema CSV/JSON or France Services CSV (repeatable)")
	fs.StringVar(&cfg.Communes, "communes", "", "communes GeoJSON `FILE` with properties code and nom (places cells and venues in communes)")
	fs.StringVar(&cfg.CommuneList, "commune-list", "", "official commune list `FILE` (communes-france-2026.json): maps the grid's former codes to current communes, names them")
	fs.StringVar(&cfg.EPCI, "epci", "", "official EPCI list `FILE` (epci-france-2026.json, needs --commune-list): gives the EPCI roll-up level")
	fs.StringVar(&cfg.OSM, "osm", "", "OpenStreetMap .osm.pbf extract `FILE` for road travel times")
	fs.IntVar(&cfg.Res, "res", cfg.Res, "H3 resolution of the population cells, 7 to 10")
	fs.StringVar(&cfg.Out, "out", "", "territory `FILE` to write")
	fs.StringVar(&cfg.Name, "name", "", "territory name (default: the output file's base name)")
	fs.BoolVar(&cfg.Gzip, "gzip", false, "compress the territory file (smaller, slower to load)")
	fs.Int64Var(&cfg.MaxMemoryMB, "max-memory", cfg.MaxMemoryMB, "memory budget of the road build, MB (default: this machine's memory less a margin; 0: no limit): a larger --osm extract is refused up front")
	fs.Float64Var(&cfg.BufferKm, "buffer-km", cfg.BufferKm, "keep the venues within this distance (km) of the populated cells: places just outside the study area still serve it")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	start := time.Now()
	name := cfg.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(cfg.Out), filepath.Ext(cfg.Out))
	}
	in := data.Inputs{Grids: cfg.Grids, Venues: cfg.Venues, Communes: cfg.Communes, OSM: cfg.OSM, CommuneList: cfg.CommuneList, EPCI: cfg.EPCI}
	t, rep, err := data.Build(ctx, in, data.BuildOptions{Name: name, Res: cfg.Res, BufferMetres: cfg.BufferKm * 1000,
		MaxMemory: cfg.MaxMemoryMB * 1e6, Readers: m.Readers, Progress: terminalProgress{m.Stderr}})
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	l := m.lang
	for _, f := range rep.Warnings {
		fmt.Fprintf(m.Stderr, l.Pick("ingest : attention : %s\n", "ingest: warning: %s\n"), l.Text(f.Reason))
	}
	if cfg.EPCI == "" {
		fmt.Fprintln(m.Stderr, l.Pick("ingest : note : sans --epci ni --commune-list, le territoire se regroupe par commune et par département seulement (pas de niveau EPCI)",
			"ingest: note: without --epci and --commune-list, the territory rolls up by commune and département only (no EPCI level)"))
	}
	if err := data.WriteTerritoryFile(cfg.Out, t, data.TerritoryFileOptions{Gzip: cfg.Gzip}); err != nil {
		return err
	}
	s := data.Summarize(t)
	fmt.Fprintf(m.Stderr, l.Pick("écrit %s : %s sur %s, %s, %s (%s localisés, %s rejetés), %s signalements, en %v\n",
		"wrote %s: %s in %s, %s, %s (%s located, %s rejected), %s issues, in %v\n"),
		cfg.Out, l.Count(s.Population, "persons"), l.Count(float64(s.Cells), "cells"), l.Count(float64(s.Communes), "communes"),
		l.Count(float64(s.Venues.Kept), "places"), l.Int(float64(s.Venues.Located)), l.Int(float64(s.Venues.Rejected)), l.Int(float64(len(s.Issues))),
		time.Since(start).Round(time.Millisecond))
	return nil
}

// validate checks the flags and that every input file exists.
func (cfg *ingestConfig) validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("ingest: %w", usagef(format, a...))
	}
	if len(cfg.Grids) == 0 {
		return bad("at least one --grid is required")
	}
	if cfg.Out == "" {
		return bad("--out is required")
	}
	if cfg.Res < 7 || cfg.Res > 10 {
		return bad("--res %d: want 7 to 10", cfg.Res)
	}
	if !(cfg.BufferKm >= 0) {
		return bad("--buffer-km %g: want ≥ 0", cfg.BufferKm)
	}
	check := func(flag, path string) error {
		st, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("ingest: --%s %s: %w", flag, path, err)
		}
		if !st.Mode().IsRegular() {
			return fmt.Errorf("ingest: --%s %s: not a regular file", flag, path)
		}
		return nil
	}
	var errs []error
	for _, p := range cfg.Grids {
		errs = append(errs, check("grid", p))
	}
	for _, p := range cfg.Venues {
		errs = append(errs, check("venues", p))
	}
	if cfg.Communes != "" {
		errs = append(errs, check("communes", cfg.Communes))
	}
	if cfg.OSM != "" {
		errs = append(errs, check("osm", cfg.OSM))
	}
	if cfg.CommuneList != "" {
		errs = append(errs, check("commune-list", cfg.CommuneList))
	}
	if cfg.EPCI != "" {
		errs = append(errs, check("epci", cfg.EPCI))
		if cfg.CommuneList == "" {
			errs = append(errs, bad("--epci needs --commune-list (communes-france-2026.json), to map the grid's former commune codes"))
		}
	}
	if st, err := os.Stat(filepath.Dir(cfg.Out)); err != nil || !st.IsDir() {
		errs = append(errs, fmt.Errorf("ingest: --out %s: directory %s does not exist", cfg.Out, filepath.Dir(cfg.Out)))
	}
	return errors.Join(errs...)
}

// terminalProgress shows a build's stages and counters on a terminal, and
// nothing otherwise.
type terminalProgress struct{ w io.Writer }

func (p terminalProgress) Step(msg string) {
	if progress.IsTerminal(p.w) {
		fmt.Fprintln(p.w, msg)
	}
}

func (p terminalProgress) Counter(name string, total int64) data.Counter {
	return progress.New(p.w, name, total)
}
