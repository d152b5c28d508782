package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/geo/travel"
	"github.com/maillage/maillage/internal/progress"
)

// ingestConfig is the configuration of `maillage ingest`.
type ingestConfig struct {
	Grids    stringList
	Venues   stringList
	Communes string
	OSM      string
	Res      int
	Out      string
	Name     string
	Gzip     bool
	BufferKm float64
	// MaxMemoryMB is the memory budget of the road build, MB (10^6 bytes):
	// an --osm extract estimated to need more is refused before anything
	// is read.
	MaxMemoryMB int64
}

func (m *Main) ingest(ctx context.Context, args []string) error {
	cfg := ingestConfig{Res: 9, BufferKm: 50, MaxMemoryMB: road.DefaultMaxMemory() / 1e6}
	fs := m.newFlagSet("ingest", "--grid F... [--venues F...] [--communes F] [--res N] [--osm F] --out T")
	fs.Var(&cfg.Grids, "grid", "INSEE Filosofi grid file, CSV or zip (repeat or comma-separate for several)")
	fs.Var(&cfg.Venues, "venues", "venue file: national schema CSV/JSON or France Services CSV (repeatable)")
	fs.StringVar(&cfg.Communes, "communes", "", "communes GeoJSON with `code` and `nom` (places cells and venues in communes)")
	fs.StringVar(&cfg.OSM, "osm", "", "OpenStreetMap .osm.pbf extract for road travel times")
	fs.IntVar(&cfg.Res, "res", cfg.Res, "H3 resolution of the population cells, 7 to 10")
	fs.StringVar(&cfg.Out, "out", "", "territory file to write")
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
	t, err := m.buildTerritory(ctx, cfg)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := data.WriteTerritoryFile(cfg.Out, t, data.TerritoryFileOptions{Gzip: cfg.Gzip}); err != nil {
		return err
	}
	s := data.Summarize(t)
	fmt.Fprintf(m.Stderr, "wrote %s: %.1f persons in %d cells, %d communes, %d venues (%d located, %d rejected), %d issues, in %v\n",
		cfg.Out, s.Population, s.Cells, s.Communes, s.Venues.Kept, s.Venues.Located, s.Venues.Rejected, len(s.Issues),
		time.Since(start).Round(time.Millisecond))
	return nil
}

// validate checks the flags and that every input file exists.
func (cfg *ingestConfig) validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("ingest: %s: %w", fmt.Sprintf(format, a...), ErrUsage)
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
		if st, err := os.Stat(cfg.OSM); err == nil && cfg.MaxMemoryMB > 0 {
			if est := road.EstimateMemory(st.Size()); est > cfg.MaxMemoryMB*1e6 {
				errs = append(errs, fmt.Errorf("ingest: --osm %s: %w: this %.0f MB extract needs up to %.0f MB to build, more than --max-memory %d MB",
					cfg.OSM, road.ErrTooLarge, float64(st.Size())/1e6, float64(est)/1e6, cfg.MaxMemoryMB))
			}
		}
	}
	if st, err := os.Stat(filepath.Dir(cfg.Out)); err != nil || !st.IsDir() {
		errs = append(errs, fmt.Errorf("ingest: --out %s: directory %s does not exist", cfg.Out, filepath.Dir(cfg.Out)))
	}
	return errors.Join(errs...)
}

// buildTerritory reads every source into a territory.
func (m *Main) buildTerritory(ctx context.Context, cfg ingestConfig) (*maillage.Territory, error) {
	r := m.Readers
	if r.Cells == nil || r.Venues == nil || (cfg.OSM != "" && r.Roads == nil) {
		return nil, fmt.Errorf("ingest: %w", errNoReader)
	}
	name := cfg.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(cfg.Out), filepath.Ext(cfg.Out))
	}
	t := &maillage.Territory{Name: name, Resolution: cfg.Res}
	step := func(format string, a ...any) {
		if progress.IsTerminal(m.Stderr) {
			fmt.Fprintf(m.Stderr, format+"\n", a...)
		}
	}

	var boundaries []maillage.Commune
	if cfg.Communes != "" {
		step("reading communes %s", cfg.Communes)
		var err error
		if boundaries, err = data.ReadCommunes(cfg.Communes); err != nil {
			return nil, err
		}
		t.Sources = append(t.Sources, filepath.Base(cfg.Communes))
	}

	step("reading %d grid file(s) onto H3 resolution %d", len(cfg.Grids), cfg.Res)
	bar := progress.New(m.Stderr, "grid", 0)
	cells, parts, gridCommunes, findings, err := r.Cells(ctx, cfg.Grids, cfg.Res, bar)
	bar.Done()
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	for _, g := range cfg.Grids {
		t.Sources = append(t.Sources, filepath.Base(g))
	}
	t.Cells, t.Parts, t.Communes = cells, parts, mergeCommunes(boundaries, gridCommunes, cells, parts)
	if f, ok := boundariesMatch(boundaries, gridCommunes, cfg.Communes); !ok {
		t.Findings = append(t.Findings, f)
		fmt.Fprintf(m.Stderr, "ingest: warning: %s\n", f.Reason)
	}
	t.Findings = append(t.Findings, findings...)

	bar = progress.New(m.Stderr, "venues", int64(len(cfg.Venues)))
	for _, p := range cfg.Venues {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		vs, fs, err := r.Venues(p)
		if err != nil {
			return nil, fmt.Errorf("ingest: %w", err)
		}
		t.Venues = append(t.Venues, vs...)
		t.Findings = append(t.Findings, fs...)
		t.VenuesRead += len(vs) + rejectedRecords(fs)
		t.Sources = append(t.Sources, filepath.Base(p))
		bar.Add(1)
	}
	bar.Done()
	var outside []maillage.Finding
	n := len(t.Venues)
	t.Venues, outside = keepNear(t.Venues, t.Cells, t.Communes, cfg.BufferKm*1000)
	t.VenuesOutside = n - len(t.Venues)
	t.Findings = append(t.Findings, outside...)
	if r.Merge != nil {
		var fs []maillage.Finding
		t.Venues, fs = r.Merge(t.Venues)
		t.Findings = append(t.Findings, fs...)
	}
	if len(boundaries) > 0 {
		locateVenues(t.Venues, boundaries)
	}

	if cfg.OSM != "" {
		step("reading roads %s", cfg.OSM)
		// A bar per pass over the file: the ways, then their nodes.
		var bar *progress.Bar
		pass := 0
		opts := road.Options{MaxMemory: cfg.MaxMemoryMB * 1e6, Progress: func(p int, read, total int64) {
			if p != pass {
				bar.Done()
				bar = progress.New(m.Stderr, [3]string{"", "roads: ways", "roads: nodes"}[min(p, 2)], total)
				pass = p
			}
			bar.Set(read)
		}}
		var st *road.Stats
		t.Roads, st, err = r.Roads(ctx, cfg.OSM, opts)
		bar.Done()
		if err != nil {
			return nil, fmt.Errorf("ingest: %w", err)
		}
		if st != nil && st.MissingRefs > 0 {
			f := maillage.Finding{File: filepath.Base(cfg.OSM), Field: "nodes", Severity: maillage.Warning,
				Reason: fmt.Sprintf("%d node references of the %d routable ways name nodes absent from the extract (a clipped extract?): those ways are cut there", st.MissingRefs, st.RoutableWays)}
			t.Findings = append(t.Findings, f)
			fmt.Fprintf(m.Stderr, "ingest: warning: %s\n", f.Reason)
		}
		fs, err := roadFindings(t.Roads, t.Cells, cfg.OSM)
		if err != nil {
			return nil, err
		}
		t.Findings = append(t.Findings, fs...)
		for _, f := range fs {
			fmt.Fprintf(m.Stderr, "ingest: warning: %s\n", f.Reason)
		}
		t.Sources = append(t.Sources, filepath.Base(cfg.OSM))
	}
	return t, nil
}

// rejectedRecords counts the distinct records (file, line) that findings
// report as rejected.
func rejectedRecords(fs []maillage.Finding) int {
	type rec struct {
		file string
		line int
	}
	seen := map[rec]bool{}
	for _, f := range fs {
		if f.Severity == maillage.Rejected {
			seen[rec{f.File, f.Line}] = true
		}
	}
	return len(seen)
}

// mergeCommunes returns the territory's communes: the boundaries (with
// outlines) followed by the grid's commune codes that have none, and remaps
// the cells' and parts' commune indexes (into grid) onto that list.
func mergeCommunes(boundaries, grid []maillage.Commune, cells []maillage.Cell, parts []maillage.Part) []maillage.Commune {
	if len(boundaries) == 0 {
		return grid
	}
	out := append([]maillage.Commune{}, boundaries...)
	index := make(map[string]int32, len(out))
	for i, c := range out {
		index[c.Code] = int32(i)
	}
	remap := make([]int32, len(grid))
	for i, c := range grid {
		j, ok := index[c.Code]
		if !ok {
			j = int32(len(out))
			index[c.Code] = j
			out = append(out, c)
		}
		remap[i] = j
	}
	at := func(i int32) int32 {
		if i < 0 || int(i) >= len(remap) {
			return -1
		}
		return remap[i]
	}
	for i := range cells {
		cells[i].Commune = at(cells[i].Commune)
	}
	for i := range parts {
		parts[i].Commune = at(parts[i].Commune)
	}
	return out
}

// locateVenues sets the commune of every located venue that falls inside a
// commune outline to that commune's INSEE code.
func locateVenues(venues []maillage.Venue, communes []maillage.Commune) {
	ci := geo.NewCommuneIndex(communes)
	for i := range venues {
		v := &venues[i]
		if !v.Located {
			continue
		}
		if code, ok := ci.Code(v.Point); ok {
			v.Commune = code
		}
	}
}

// keepNear keeps the venues that can serve the study area: located venues
// within buffer metres of the bounding box of the populated cells, and
// unlocated ones whose commune code or postcode is in a département of the
// territory's communes, or that have neither (so national lists shrink to the area around it,
// while places just beyond the grid's edge still count). It returns one
// finding per source file counting the venues left out.
func keepNear(venues []maillage.Venue, cells []maillage.Cell, communes []maillage.Commune, buffer float64) ([]maillage.Venue, []maillage.Finding) {
	if len(cells) == 0 {
		return venues, nil
	}
	b := orb.Bound{Min: cells[0].Center, Max: cells[0].Center}
	for _, c := range cells {
		b = b.Extend(c.Center)
	}
	b = orbgeo.BoundPad(b, buffer)
	deps := map[string]bool{}
	for _, c := range communes {
		if len(c.Code) >= 2 {
			deps[c.Code[:2]] = true
		}
	}
	dropped := map[string]int{}
	var order []string
	kept := venues[:0]
	for _, v := range venues {
		ok := false
		if v.Located {
			ok = b.Contains(v.Point)
		} else {
			// Without a position, the commune code or postcode tells; a venue
			// with neither is kept (nothing says it is elsewhere).
			known := len(v.Commune) >= 2 || len(v.Postcode) >= 2
			ok = !known || len(v.Commune) >= 2 && deps[v.Commune[:2]] || len(v.Postcode) >= 2 && deps[v.Postcode[:2]]
		}
		if ok {
			kept = append(kept, v)
			continue
		}
		if dropped[v.Source] == 0 {
			order = append(order, v.Source)
		}
		dropped[v.Source]++
	}
	var fs []maillage.Finding
	for _, src := range order {
		fs = append(fs, maillage.Finding{File: src, Field: "latitude,longitude", Severity: maillage.Warning,
			Reason: fmt.Sprintf("%d venues outside the study area (farther than %.0f km from its populated cells) left out", dropped[src], buffer/1000)})
	}
	return kept, fs
}

// errNoOverlap is returned when no populated cell lies near the road network.
var errNoOverlap = errors.New("ingest: the road extract does not overlap the grid")

// roadFindings checks the road network against the populated cells: for the
// car and foot networks, the cells whose centre lies farther than
// road.DefaultMaxSnapMetres from the network (which road travel never
// reaches) are reported in one finding per network; when no cell at all is
// near a road, the extract does not cover the grid and ingest fails.
func roadFindings(roads []byte, cells []maillage.Cell, osmPath string) ([]maillage.Finding, error) {
	if len(cells) == 0 {
		return nil, nil
	}
	g, err := road.UnmarshalGraph(roads)
	if err != nil {
		return nil, fmt.Errorf("ingest: %s: %w", osmPath, err)
	}
	pts := make([]orb.Point, len(cells))
	for i := range cells {
		pts[i] = cells[i].Center
	}
	modes := travel.DefaultModes()
	var fs []maillage.Finding
	reached := false
	for _, name := range []string{"car", "walk"} {
		mode, err := modes.Get(name)
		if err != nil {
			return nil, err
		}
		var off []int32
		e, err := road.NewEngine(g, mode, pts, road.EngineOptions{})
		switch {
		case errors.Is(err, road.ErrNoOverlap): // every cell is off this network
			off = make([]int32, len(cells))
			for i := range off {
				off[i] = int32(i)
			}
		case err != nil:
			return nil, fmt.Errorf("ingest: %s: %w", osmPath, err)
		default:
			off = e.OffNetwork()
		}
		if len(off) < len(cells) {
			reached = true
		}
		if len(off) == 0 {
			continue
		}
		var persons float64
		for _, i := range off {
			persons += cells[i].Pop[maillage.Ind]
		}
		fs = append(fs, maillage.Finding{File: filepath.Base(osmPath), Field: mode.Network, Severity: maillage.Warning,
			Reason: fmt.Sprintf("%d of %d cells (%.0f persons) lie more than %.0f m from the %s network: road travel does not reach them",
				len(off), len(cells), persons, float64(road.DefaultMaxSnapMetres), mode.Network)})
	}
	if !reached {
		b := orb.Bound{Min: pts[0], Max: pts[0]}
		for _, p := range pts {
			b = b.Extend(p)
		}
		gb := g.Bound()
		return nil, fmt.Errorf("%w: no cell lies within %.0f m of a road of %s (roads span lon %.3f..%.3f, lat %.3f..%.3f; cells lon %.3f..%.3f, lat %.3f..%.3f)",
			errNoOverlap, float64(road.DefaultMaxSnapMetres), filepath.Base(osmPath),
			gb.Min[0], gb.Max[0], gb.Min[1], gb.Max[1], b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	}
	return fs, nil
}

// boundariesMatch reports whether the boundaries file names the grid's
// communes; when it names fewer than half of them (say, another
// département's outlines), it returns a warning finding.
func boundariesMatch(boundaries, grid []maillage.Commune, file string) (maillage.Finding, bool) {
	if len(boundaries) == 0 || len(grid) == 0 {
		return maillage.Finding{}, true
	}
	known := make(map[string]bool, len(boundaries))
	for _, c := range boundaries {
		known[c.Code] = true
	}
	found := 0
	for _, c := range grid {
		if known[c.Code] {
			found++
		}
	}
	if 2*found >= len(grid) {
		return maillage.Finding{}, true
	}
	return maillage.Finding{File: filepath.Base(file), Field: "code", Severity: maillage.Warning,
		Reason: fmt.Sprintf("the communes file outlines only %d of the grid's %d commune codes: is it the right département?", found, len(grid))}, false
}
