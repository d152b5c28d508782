package data

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/geo/travel"
)

// Inputs are the source files of a territory.
type Inputs struct {
	Grids    []string // INSEE Filosofi grid files, CSV or zip (at least one)
	Venues   []string // venue files: national schema CSV/JSON, France Services CSV
	Communes string   // communes GeoJSON with code and nom ("": none)
	OSM      string   // OpenStreetMap .osm.pbf extract ("": no road network)
	// CommuneList is the official list of communes (communes-france-2026.json):
	// grid codes of former communes map to the current ones, names come from
	// it ("": codes as the grid gives them).
	CommuneList string
	// EPCI is the official EPCI list (epci-france-2026.json), which gives the
	// territory its EPCI roll-up level; it needs CommuneList ("": commune and
	// département levels only).
	EPCI string
}

// BuildOptions are the settings of Build.
type BuildOptions struct {
	Name         string  // territory name
	Res          int     // H3 resolution of the population cells, 7 to 10
	BufferMetres float64 // venues farther than this from the populated cells are left out
	// Readers read the sources; the zero value means DefaultReaders. Tests
	// substitute fakes.
	Readers Readers
	// Progress follows the build (nil: silent).
	Progress Progress
	// MaxMemory, when > 0, is the memory budget of the road build, bytes:
	// an OSM extract whose road.EstimateMemory exceeds it is refused before
	// any source is read.
	MaxMemory int64
}

// Progress follows a build, stage by stage; ingest shows it on a terminal.
type Progress interface {
	Step(msg string)                          // a stage begins ("reading communes F")
	Counter(name string, total int64) Counter // a counted stage begins (total 0: unknown)
}

// Counter counts the items of one stage of a build.
type Counter interface {
	Add(n int64)
	Done()
}

// Report says what a build noticed beyond the territory itself.
type Report struct {
	// Warnings are the findings a person should see at once (the communes
	// file outlines few of the grid's communes, cells far from the road
	// network); they are in Territory.Findings too.
	Warnings []maillage.Finding
}

// Build reads every source into a territory: the grid's cells and
// per-commune parts, the communes of the boundaries file merged with the
// grid's commune codes (cell and part indexes remapped onto that list), the
// venues near the populated cells merged across sources and placed in the
// commune whose outline holds them, and the encoded road network with the
// cells it does not reach reported. Errors name the file at fault.
func Build(ctx context.Context, in Inputs, opts BuildOptions) (*maillage.Territory, Report, error) {
	var rep Report
	r := opts.Readers.orDefault()
	if r.Cells == nil || r.Venues == nil || (in.OSM != "" && r.Roads == nil) {
		return nil, rep, ErrNoReader
	}
	if in.OSM != "" && opts.MaxMemory > 0 {
		if st, err := os.Stat(in.OSM); err == nil {
			if est := road.EstimateMemory(st.Size()); est > opts.MaxMemory {
				return nil, rep, fmt.Errorf("%s: %w: this %.0f MB extract needs up to %.0f MB to build, more than the memory budget of %.0f MB (ingest --max-memory)",
					in.OSM, road.ErrTooLarge, float64(st.Size())/1e6, float64(est)/1e6, float64(opts.MaxMemory)/1e6)
			}
		}
	}
	p := opts.Progress
	if p == nil {
		p = silent{}
	}
	t := &maillage.Territory{Name: opts.Name, Resolution: opts.Res}

	// The lists are read first: a bad one fails before the long grid read.
	if in.EPCI != "" && in.CommuneList == "" {
		return nil, rep, fmt.Errorf("data: the EPCI list %s needs the commune list too (communes-france-2026.json), to map the grid's former commune codes: %w", in.EPCI, ErrBadEPCI)
	}
	var clist *CommuneList
	var elist *EPCIList
	if in.CommuneList != "" {
		p.Step(fmt.Sprintf("reading the commune list %s", in.CommuneList))
		var err error
		if clist, err = ReadCommuneList(in.CommuneList); err != nil {
			return nil, rep, err
		}
	}
	if in.EPCI != "" {
		p.Step(fmt.Sprintf("reading the EPCI list %s", in.EPCI))
		var err error
		if elist, err = ReadEPCIList(in.EPCI); err != nil {
			return nil, rep, err
		}
	}

	var boundaries []maillage.Commune
	if in.Communes != "" {
		p.Step(fmt.Sprintf("reading communes %s", in.Communes))
		var err error
		if boundaries, err = ReadCommunes(in.Communes); err != nil {
			return nil, rep, err
		}
		t.Sources = append(t.Sources, filepath.Base(in.Communes))
	}

	p.Step(fmt.Sprintf("reading %d grid file(s) onto H3 resolution %d", len(in.Grids), opts.Res))
	bar := p.Counter("grid", 0)
	cells, parts, gridCommunes, findings, err := r.Cells(ctx, in.Grids, opts.Res, bar)
	bar.Done()
	if err != nil {
		return nil, rep, err
	}
	for _, g := range in.Grids {
		t.Sources = append(t.Sources, filepath.Base(g))
	}
	t.Cells, t.Parts, t.Communes = cells, parts, mergeCommunes(boundaries, gridCommunes, cells, parts)
	if f, ok := boundariesMatch(boundaries, gridCommunes, in.Communes); !ok {
		t.Findings = append(t.Findings, f)
		rep.Warnings = append(rep.Warnings, f)
	}
	t.Findings = append(t.Findings, findings...)

	bar = p.Counter("venues", int64(len(in.Venues)))
	for _, path := range in.Venues {
		if err := ctx.Err(); err != nil {
			return nil, rep, err
		}
		vs, fs, err := r.Venues(path)
		if err != nil {
			return nil, rep, err
		}
		t.Venues = append(t.Venues, vs...)
		t.Findings = append(t.Findings, fs...)
		t.VenuesRead += len(vs) + RejectedRecords(fs)
		t.Sources = append(t.Sources, filepath.Base(path))
		bar.Add(1)
	}
	bar.Done()
	var outside []maillage.Finding
	n := len(t.Venues)
	t.Venues, outside = keepNear(t.Venues, t.Cells, t.Communes, opts.BufferMetres)
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
	if clist != nil || elist != nil {
		fs, err := applyCommuneLists(t, clist, elist, in.CommuneList, in.EPCI)
		if err != nil {
			return nil, rep, err
		}
		t.Findings = append(t.Findings, fs...)
		rep.Warnings = append(rep.Warnings, fs...)
		t.Sources = append(t.Sources, filepath.Base(in.CommuneList))
		if in.EPCI != "" {
			t.Sources = append(t.Sources, filepath.Base(in.EPCI))
		}
	}

	if in.OSM != "" {
		p.Step(fmt.Sprintf("reading roads %s", in.OSM))
		// A counter per pass over the file: the ways, then their nodes.
		var bar Counter
		pass, last := 0, int64(0)
		ropts := road.Options{MaxMemory: opts.MaxMemory, Progress: func(n int, read, total int64) {
			if n != pass {
				if bar != nil {
					bar.Done()
				}
				bar = p.Counter([3]string{"", "roads: ways", "roads: nodes"}[min(n, 2)], total)
				pass, last = n, 0
			}
			bar.Add(read - last)
			last = read
		}}
		var st *road.Stats
		t.Roads, st, err = r.Roads(ctx, in.OSM, ropts)
		if bar != nil {
			bar.Done()
		}
		if err != nil {
			return nil, rep, err
		}
		if st != nil && st.MissingRefs > 0 {
			f := maillage.Finding{File: filepath.Base(in.OSM), Field: "nodes", Severity: maillage.Warning,
				Reason: fmt.Sprintf("%d node references of the %d routable ways name nodes absent from the extract (a clipped extract?): those ways are cut there", st.MissingRefs, st.RoutableWays)}
			t.Findings = append(t.Findings, f)
			rep.Warnings = append(rep.Warnings, f)
		}
		fs, err := RoadFindings(t.Roads, t.Cells, in.OSM)
		if err != nil {
			return nil, rep, err
		}
		t.Findings = append(t.Findings, fs...)
		rep.Warnings = append(rep.Warnings, fs...)
		t.Sources = append(t.Sources, filepath.Base(in.OSM))
	}
	return t, rep, ctx.Err()
}

// silent is the Progress of a build nobody watches.
type silent struct{}

func (silent) Step(string)                   {}
func (silent) Counter(string, int64) Counter { return silent{} }
func (silent) Add(int64)                     {}
func (silent) Done()                         {}

// RejectedRecords counts the distinct records (file, line) that findings
// report as rejected.
func RejectedRecords(fs []maillage.Finding) int {
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

// ErrRoadsNoOverlap is returned when no populated cell lies near the road
// network: the OSM extract is of another area.
var ErrRoadsNoOverlap = errors.New("data: the road extract does not overlap the grid")

// RoadFindings checks the road network against the populated cells: for the
// car and foot networks, the cells whose centre lies farther than
// road.DefaultMaxSnapMetres from the network (which road travel never
// reaches) are reported in one finding per network; when no cell at all is
// near a road, the extract does not cover the grid and ingest fails.
func RoadFindings(roads []byte, cells []maillage.Cell, osmPath string) ([]maillage.Finding, error) {
	if len(cells) == 0 {
		return nil, nil
	}
	g, err := road.UnmarshalGraph(roads)
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", osmPath, err)
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
			return nil, fmt.Errorf("data: %s: %w", osmPath, err)
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
			ErrRoadsNoOverlap, float64(road.DefaultMaxSnapMetres), filepath.Base(osmPath),
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
