package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/propose"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/planner"
)

// plannerFlags are the flags every analysis command shares: which territory,
// which profile file, which fragility index.
type plannerFlags struct {
	Territory string
	Profiles  string
	Fragility string
	Lang      labels.Lang
}

func (f *plannerFlags) register(fs *flag.FlagSet) {
	registerLang(fs, &f.Lang)
	fs.StringVar(&f.Territory, "territory", "", "territory file written by \"maillage ingest\" (default: the built-in fictional demo territory)")
	fs.StringVar(&f.Profiles, "profiles", "", "demand profile file, JSON or YAML (adds to or replaces the built-in profiles)")
	fs.StringVar(&f.Fragility, "fragility", "", "commune digital-fragility index CSV (for profiles weighted by it)")
}

// openPlanner loads the territory, the profile file and the fragility index.
func (m *Main) openPlanner(f plannerFlags) (*planner.Planner, error) {
	t, err := m.loadTerritory(f.Territory)
	if err != nil {
		return nil, err
	}
	var cfg planner.Config
	if f.Territory != "" {
		if cfg.TerritoryFile, err = filepath.Abs(f.Territory); err != nil {
			return nil, err
		}
	}
	if f.Profiles != "" {
		b, err := os.ReadFile(f.Profiles)
		if err != nil {
			return nil, err
		}
		if cfg.Profiles, err = coverage.ParseProfiles(b); err != nil {
			return nil, fmt.Errorf("%s: %w", f.Profiles, err)
		}
	}
	if f.Fragility != "" {
		r, err := os.Open(f.Fragility)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		fr, _, err := data.ReadFragility(r, f.Fragility)
		if err != nil {
			return nil, err
		}
		cfg.Fragility = fr.Totals()
	}
	return planner.New(t, cfg)
}

func (m *Main) coverage(_ context.Context, args []string) error {
	var pf plannerFlags
	var names stringList
	var asJSON bool
	var level string
	format := "text"
	fs := m.newFlagSet("coverage", "[--territory T] [--profiles F] [--profile NAME...] [--level commune|epci|departement] [--json | --format text|json|csv] [--lang fr|en]")
	pf.register(fs)
	fs.Var(&names, "profile", "profile to compute (repeatable; default: every profile)")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON (same as --format json)")
	fs.StringVar(&format, "format", format, "output: text, json or csv")
	fs.StringVar(&level, "level", "", "roll-up: commune, epci or departement (text: a table of those areas; json: areas; csv: one row per area)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if asJSON {
		if format != "text" && format != "json" {
			return fmt.Errorf("coverage: --json and --format %s disagree: %w", format, ErrUsage)
		}
		format = "json"
	}
	if format != "text" && format != "json" && format != "csv" {
		return fmt.Errorf("coverage: --format %q: want text, json or csv: %w", format, ErrUsage)
	}
	p, err := m.openPlanner(pf)
	if err != nil {
		return err
	}
	rep, err := p.Coverage(names...)
	if err != nil {
		return err
	}
	if err := rep.RollUp(p.Territory(), level); err != nil {
		return err
	}
	if format == "text" {
		lim, err := p.Limits(m.now(), names...)
		if err != nil {
			return err
		}
		w := bufio.NewWriter(m.Stdout)
		if err := writeCoverageText(w, pf.Lang, p, rep, level, lim); err != nil {
			return err
		}
		return w.Flush()
	}
	for _, s := range rep.Profiles {
		if err := m.warnOffNetwork(p, s.Name, pf.Lang); err != nil {
			return err
		}
	}
	if format == "json" {
		return writeJSON(m.Stdout, rep)
	}
	return coverage.WriteSummaryCSV(m.Stdout, rep)
}

func (m *Main) gaps(_ context.Context, args []string) error {
	var pf plannerFlags
	var minPersons float64
	var top int
	profile, format := "seniors-20min-walk", "geojson"
	fs := m.newFlagSet("gaps", "[--territory T] [--profiles F] [--profile NAME] [--format geojson|csv|text] [--lang fr|en]")
	pf.register(fs)
	fs.StringVar(&profile, "profile", profile, "profile whose gaps to list")
	fs.StringVar(&format, "format", format, "output: geojson, csv, or text (a ranked list for people)")
	fs.Float64Var(&minPersons, "min-persons", 0, "leave out zones with fewer uncovered persons")
	fs.IntVar(&top, "top", 20, "text: most zones to list (-1: all)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if format != "geojson" && format != "csv" && format != "text" {
		return fmt.Errorf("gaps: --format %q: want geojson, csv or text: %w", format, ErrUsage)
	}
	if !(minPersons >= 0) {
		return fmt.Errorf("gaps: --min-persons %g: want ≥ 0: %w", minPersons, ErrUsage)
	}
	if format == "text" {
		p, err := m.openPlanner(pf)
		if err != nil {
			return err
		}
		s, err := p.State(profile)
		if err != nil {
			return err
		}
		zones, err := s.Gaps(coverage.GapOptions{MinPersons: minPersons})
		if err != nil {
			return err
		}
		lim, err := p.Limits(m.now(), profile)
		if err != nil {
			return err
		}
		w := bufio.NewWriter(m.Stdout)
		if err := writeGapsText(w, pf.Lang, p, profile, zones, top, lim); err != nil {
			return err
		}
		return w.Flush()
	}
	return m.writeLayer(pf, profile, func(p *planner.Planner, w io.Writer) error {
		return p.WriteGaps(w, profile, format, minPersons)
	})
}

func (m *Main) access(_ context.Context, args []string) error {
	var pf plannerFlags
	profile, format := "demarches-20min-car", "geojson"
	fs := m.newFlagSet("access", "[--territory T] [--profiles F] [--profile NAME] [--format geojson|csv]")
	pf.register(fs)
	fs.StringVar(&profile, "profile", profile, "profile whose 2SFCA accessibility to compute")
	fs.StringVar(&format, "format", format, "output: geojson or csv")
	if err := parse(fs, args); err != nil {
		return err
	}
	if format != "geojson" && format != "csv" {
		return fmt.Errorf("access: --format %q: want geojson or csv: %w", format, ErrUsage)
	}
	return m.writeLayer(pf, profile, func(p *planner.Planner, w io.Writer) error {
		return p.WriteAccess(w, profile, format)
	})
}

// writeLayer opens the planner, warns about cells the profile's road
// network does not reach, and writes one layer (gaps, access) to stdout.
func (m *Main) writeLayer(pf plannerFlags, profile string, write func(*planner.Planner, io.Writer) error) error {
	p, err := m.openPlanner(pf)
	if err != nil {
		return err
	}
	if err := m.warnOffNetwork(p, profile, pf.Lang); err != nil {
		return err
	}
	w := bufio.NewWriter(m.Stdout)
	if err := write(p, w); err != nil {
		return err
	}
	return w.Flush()
}

func (m *Main) propose(ctx context.Context, args []string) error {
	var pf plannerFlags
	var names stringList
	var req planner.ProposeRequest
	var candFile, mix string
	var venues, noCells, noCommunes, tour bool
	var saveName, dbPath string
	var tr planner.TourRequest
	format := "json"
	fs := m.newFlagSet("propose", "[--territory T] --profile P [-k 10 | --target 0.95] [--candidates F] [--format json|geojson|csv]")
	pf.register(fs)
	fs.Var(&names, "profile", "demand profile (repeatable: several make a weighted mix, see --mix)")
	fs.StringVar(&mix, "mix", "", "comma-separated mix coefficients, one per --profile (default: equal)")
	fs.IntVar(&req.K, "k", 10, "number of new sites (maximal covering)")
	fs.Float64Var(&req.Target, "target", 0, "instead of -k: fewest sites reaching this share (0-1] of the weighted demand (set cover)")
	fs.StringVar(&candFile, "candidates", "", "user candidate list, CSV (name,lat,lon[,hours]) or GeoJSON points")
	fs.BoolVar(&venues, "venues", false, "also consider existing places (extending their hours) as candidates")
	fs.BoolVar(&noCells, "no-cells", false, "do not consider every populated cell centre as a candidate")
	fs.BoolVar(&noCommunes, "no-communes", false, "do not consider commune centres as candidates")
	fs.Float64Var(&req.Hours, "hours", 0, "weekly hours of a new permanence (default 7)")
	fs.Float64Var(&req.PerHour, "per-hour", 0, "capacity: persons a site serves per staffed hour (0: unlimited)")
	fs.StringVar(&format, "format", format, "output: json, geojson, csv, or text (the sites named for people)")
	fs.StringVar(&saveName, "save-scenario", "", "also store the proposal as a scenario called `NAME` (in --db), to apply or compare it later")
	fs.StringVar(&dbPath, "db", "maillage-scenarios.db", "--save-scenario: the scenario database (SQLite, created if missing)")
	fs.BoolVar(&tour, "tour", false, "plan an itinerant permanence (one mediator or bus) instead of fixed sites")
	fs.Float64Var(&tr.BudgetHours, "budget-hours", 35, "--tour: weekly hours of the mediator, stops plus driving")
	fs.IntVar(&tr.Stops, "stops", 8, "--tour: most half-day stops a week")
	fs.Float64Var(&tr.StopHours, "stop-hours", propose.DefaultStopHours, "--tour: hours of one stop")
	if err := parse(fs, args); err != nil {
		return err
	}
	if len(names) == 0 {
		return fmt.Errorf("propose: --profile is required: %w", ErrUsage)
	}
	if tour && (len(names) != 1 || format == "csv") {
		return fmt.Errorf("propose --tour: one --profile, and --format json or geojson: %w", ErrUsage)
	}
	if tour && (format == "text" || saveName != "") {
		return fmt.Errorf("propose --tour: --format text and --save-scenario are for fixed sites: %w", ErrUsage)
	}
	if format != "json" && format != "geojson" && format != "csv" && format != "text" {
		return fmt.Errorf("propose: --format %q: want json, geojson, csv or text: %w", format, ErrUsage)
	}
	req.Profiles = names
	if mix != "" {
		for _, f := range strings.Split(mix, ",") {
			var v float64
			if _, err := fmt.Sscan(strings.TrimSpace(f), &v); err != nil || v < 0 {
				return fmt.Errorf("propose: --mix %q: want non-negative numbers: %w", mix, ErrUsage)
			}
			req.Mix = append(req.Mix, v)
		}
	}
	if noCells && noCommunes && !venues && candFile == "" {
		// As the API refuses it: without any kind of candidate, the
		// planner would fall back to its defaults (cells and communes).
		return fmt.Errorf("propose: %w", usagef("--no-cells and --no-communes leave no candidate site: add --venues or --candidates FILE"))
	}
	req.Candidates = propose.CandidateOptions{Cells: !noCells, Communes: !noCommunes, Venues: venues}
	// The planner's limits, shared with the API, checked before any file is
	// read or computed (errors name the API fields: k, hours, per_hour…).
	if tour {
		tr.Profile = names[0]
		if err := tr.Validate(); err != nil {
			return fmt.Errorf("propose --tour: %w: %w", err, ErrUsage)
		}
	} else if err := req.Validate(); err != nil {
		return fmt.Errorf("propose: %w: %w", err, ErrUsage)
	}
	if candFile != "" {
		r, err := os.Open(candFile)
		if err != nil {
			return err
		}
		defer r.Close()
		if strings.HasSuffix(strings.ToLower(candFile), "json") {
			req.Candidates.User, err = data.ReadCandidatesGeoJSON(r, candFile)
		} else {
			req.Candidates.User, err = data.ReadCandidatesCSV(r, candFile)
		}
		if err != nil {
			return err
		}
	}
	p, err := m.openPlanner(pf)
	if err != nil {
		return err
	}
	if tour {
		tr.Profile, tr.Candidates = names[0], req.Candidates
		t, err := p.Tour(tr)
		if err != nil {
			return err
		}
		if format == "geojson" {
			return t.WriteGeoJSON(m.Stdout)
		}
		return writeJSON(m.Stdout, t)
	}
	prop, err := p.Propose(req)
	if err != nil {
		return err
	}
	if prop.Warning != "" {
		m.warn([]string{prop.Warning})
	}
	for _, name := range req.Profiles {
		if err := m.warnOffNetwork(p, name, pf.Lang); err != nil {
			return err
		}
	}
	var saved *scenario.Scenario
	if saveName != "" {
		sc, err := p.ProposalScenario(prop, saveName)
		if err != nil {
			return err
		}
		st, err := openStore(p, dbPath)
		if err != nil {
			return err
		}
		defer st.Close()
		if err := st.Create(ctx, &sc); err != nil {
			return err
		}
		saved = &sc
		fmt.Fprintf(m.Stderr, pf.Lang.Pick("maillage : proposition enregistrée comme scénario %d « %s » (%d ajouts) dans %s ; « maillage scenario apply %d » l'évalue\n",
			"maillage: proposal stored as scenario %d %q (%d additions) in %s; \"maillage scenario apply %d\" evaluates it\n"),
			sc.ID, sc.Name, len(sc.Changes), dbPath, sc.ID)
	}
	switch format {
	case "geojson":
		return prop.WriteGeoJSON(m.Stdout)
	case "csv":
		return prop.WriteCSV(m.Stdout)
	case "text":
		lim, err := p.Limits(m.now(), req.Profiles...)
		if err != nil {
			return err
		}
		w := bufio.NewWriter(m.Stdout)
		if err := writeProposalText(w, pf.Lang, p, prop, saved, lim); err != nil {
			return err
		}
		return w.Flush()
	}
	return prop.WriteJSON(m.Stdout)
}

func writeJSON(w interface{ Write([]byte) (int, error) }, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// warnOffNetwork tells on stderr how many cells, and persons, the named
// profile's road network misses (farther than the snap distance from any
// road): the coverage engine counts them as uncovered, so a road extract
// that does not cover the whole grid must not pass for a coverage gap.
func (m *Main) warnOffNetwork(p *planner.Planner, profile string, l labels.Lang) error {
	off, err := p.OffNetwork(profile)
	if err != nil || len(off) == 0 {
		return err
	}
	t := p.Territory()
	var persons float64
	for _, i := range off {
		persons += t.Cells[i].Pop[maillage.Ind]
	}
	fmt.Fprintf(m.Stderr, l.Pick("maillage : attention : profil %s : %s hexagones sur %s (%s) sont à plus de %s m du réseau routier : comptés non couverts\n",
		"maillage: warning: profile %s: %s of %s cells (%s) lie more than %s m from the road network: counted as uncovered\n"),
		profile, l.Int(float64(len(off))), l.Int(float64(len(t.Cells))), l.Count(persons, "persons"), l.Int(float64(road.DefaultMaxSnapMetres)))
	return nil
}
