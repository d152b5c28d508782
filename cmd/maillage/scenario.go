package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/coverage/scenario/sqlite"
	"github.com/maillage/maillage/data/demo"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/planner"
)

const scenarioUsage = `usage: maillage scenario <create|list|show|apply|diff|export|delete> [flags]
  create --file S.json            store a new scenario (JSON: name, description, changes)
  list                            list the stored scenarios
  show ID                         print one scenario as JSON
  apply ID [--profile P]          evaluate a scenario against its base territory
  diff A B [--profile P]          compare two scenarios (0 is the base territory)
    apply and diff: --format json|text, --level commune|epci|departement, --lang fr|en
  export ID                       the scenario's places as GeoJSON
  delete ID                       remove a scenario
common flags: --db F (default maillage-scenarios.db), --territory T, --profiles F, --fragility F
apply, diff and export without --territory read the territory file the scenario was made on, if it is unchanged`

// scenarioUsageFR is scenarioUsage in French.
const scenarioUsageFR = `usage : maillage scenario <create|list|show|apply|diff|export|delete> [options]
  create --file S.json            enregistre un nouveau scénario (JSON : name, description, changes)
  list                            liste les scénarios enregistrés
  show ID                         écrit un scénario en JSON
  apply ID [--profile P]          évalue un scénario sur son territoire de base
  diff A B [--profile P]          compare deux scénarios (0 est le territoire de base)
    apply et diff : --format json|text, --level commune|epci|departement, --lang fr|en
  export ID                       les lieux du scénario en GeoJSON
  delete ID                       supprime un scénario
options communes : --db F (par défaut maillage-scenarios.db), --territory T, --profiles F, --fragility F
apply, diff et export sans --territory lisent le fichier de territoire sur lequel le scénario a été fait, s'il n'a pas changé`

func (m *Main) scenario(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(m.Stderr, m.lang.Pick(scenarioUsageFR, scenarioUsage))
		if len(args) == 0 {
			return fmt.Errorf("scenario: a subcommand is required: %w", ErrUsage)
		}
		return nil
	}
	sub := args[0]
	var pf plannerFlags
	var file, format string
	dbPath, profile := "maillage-scenarios.db", "seniors-20min-walk"
	fs := m.newFlagSet("scenario "+sub, "(see \"maillage scenario help\")")
	pf.register(fs)
	fs.StringVar(&dbPath, "db", dbPath, "scenario database (SQLite, created if missing)")
	fs.StringVar(&file, "file", "", "create: the scenario JSON file (- for standard input)")
	fs.StringVar(&profile, "profile", profile, "apply, diff: the demand profile to evaluate")
	fs.StringVar(&format, "format", "json", "apply, diff: json, or text (for people, in --lang)")
	var level string
	fs.StringVar(&level, "level", "", "apply, diff: sum the communes into commune, epci or departement areas (text: the table of those areas; json: delta.communes holds them)")
	// Positional ids may come before or after the flags.
	var ids []string
	rest := args[1:]
	for len(rest) > 0 && len(rest[0]) > 0 && rest[0][0] != '-' {
		ids, rest = append(ids, rest[0]), rest[1:]
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	ids = append(ids, fs.Args()...)
	if format != "json" && format != "text" {
		return fmt.Errorf("scenario %s: --format %q: want json or text: %w", sub, format, ErrUsage)
	}
	want := map[string]int{"create": 0, "list": 0, "show": 1, "apply": 1, "diff": 2, "export": 1, "delete": 1}
	n, ok := want[sub]
	if !ok {
		return fmt.Errorf("scenario: unknown subcommand %q: %w", sub, ErrUsage)
	}
	if len(ids) != n {
		return fmt.Errorf("scenario %s: want %d scenario id(s), got %d: %w", sub, n, len(ids), ErrUsage)
	}
	nums := make([]int64, len(ids))
	for i, s := range ids {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 {
			return fmt.Errorf("scenario %s: %q is not a scenario id: %w", sub, s, ErrUsage)
		}
		nums[i] = v
	}

	var remembered *scenario.Scenario // whose territory file stands for --territory
	if pf.Territory == "" && (sub == "apply" || sub == "export" || sub == "diff") {
		var err error
		if remembered, err = m.rememberedTerritory(ctx, pf.Lang, dbPath, nums); err != nil {
			return err
		}
		if remembered != nil {
			pf.Territory = remembered.TerritoryFile
		}
	}
	p, err := m.openPlanner(pf)
	if err != nil {
		return err
	}
	if remembered != nil && remembered.BaseDigest != "" && p.Digest() != remembered.BaseDigest {
		return errorf("scenario %d: the territory file %s changed since the scenario was made (digest %s, want %s); name the territory with --territory FILE",
			remembered.ID, remembered.TerritoryFile, p.Digest(), remembered.BaseDigest)
	}
	// A scenario to create is read and checked before the database is
	// opened: a bad one writes nothing, not even an empty database.
	var created *scenario.Scenario
	if sub == "create" {
		if created, err = m.readScenario(p, file); err != nil {
			return err
		}
	}
	st, err := openStore(p, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()

	switch sub {
	case "create":
		if err := st.Create(ctx, created); err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, m.lang.Pick("scénario %d « %s » créé (%d changements)\n", "created scenario %d %q (%d changes)\n"), created.ID, created.Name, len(created.Changes))
		return writeJSON(m.Stdout, created)
	case "list":
		list, total, err := st.List(ctx, scenario.Filter{Limit: 1000})
		if err != nil {
			return err
		}
		l := m.lang
		w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, l.Pick("ID\tNOM\tTERRITOIRE\tCHANGEMENTS\tMODIFIÉ\tFICHIER DU TERRITOIRE", "ID\tNAME\tBASE\tCHANGES\tUPDATED\tTERRITORY FILE"))
		for _, s := range list {
			// The file a scenario remembers (what apply, diff and export
			// read without --territory) is not in the listing's index: one
			// read per scenario, fine at a command line's scale.
			file := "-"
			if full, err := st.Get(ctx, s.ID); err != nil {
				return err
			} else if full.TerritoryFile != "" {
				file = full.TerritoryFile
				if _, err := os.Stat(file); err != nil {
					file += l.Pick(" (introuvable)", " (missing)")
				}
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%s\n", s.ID, s.Name, s.Base, s.ChangeCount, s.Updated.Format("2006-01-02 15:04"), file)
		}
		fmt.Fprintf(w, "(%s)\n", l.Count(float64(total), "scenarios"))
		return w.Flush()
	case "show":
		s, err := st.Get(ctx, nums[0])
		if err != nil {
			return err
		}
		return writeJSON(m.Stdout, s)
	case "export":
		s, err := st.Get(ctx, nums[0])
		if err != nil {
			return err
		}
		return p.WriteScenarioGeoJSON(m.Stdout, *s)
	case "delete":
		if err := st.Delete(ctx, nums[0]); err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, m.lang.Pick("scénario %d supprimé\n", "deleted scenario %d\n"), nums[0])
		return nil
	case "apply":
		s, err := st.Get(ctx, nums[0])
		if err != nil {
			return err
		}
		ev, err := p.Evaluate(*s, profile)
		if err != nil {
			return err
		}
		m.warn(ev.Warnings)
		if ev.Delta, err = p.RollUpDelta(ev.Delta, level); err != nil {
			return err
		}
		if format == "text" {
			return m.writeDeltaText(pf.Lang, p, profile, fmt.Sprintf("%d « %s »", s.ID, s.Name), ev.Edits, ev.Delta, level)
		}
		return writeJSON(m.Stdout, ev)
	case "diff":
		d, warnings, err := p.Diff(ctx, st, nums[0], nums[1], profile)
		if err != nil {
			return err
		}
		m.warn(warnings)
		if d, err = p.RollUpDelta(d, level); err != nil {
			return err
		}
		if format == "text" {
			return m.writeDeltaText(pf.Lang, p, profile, pf.Lang.Sprintf("%d comparé à %d", "%d compared with %d", nums[1], nums[0]), nil, d, level)
		}
		return writeJSON(m.Stdout, d)
	}
	return nil
}

// rememberedTerritory returns the first scenario of ids (0, the base, aside)
// when its territory file is still there, to evaluate it without
// --territory (said on stderr), or nil when it was made on the demo. A
// scenario whose file is gone, or made on another territory without a
// recorded file, is an error asking for --territory.
func (m *Main) rememberedTerritory(ctx context.Context, l labels.Lang, dbPath string, ids []int64) (*scenario.Scenario, error) {
	id := int64(0)
	for _, v := range ids {
		if v != 0 {
			id = v
			break
		}
	}
	if id == 0 {
		return nil, nil
	}
	st, err := sqlite.Open(dbPath)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	s, err := st.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	switch {
	case s.TerritoryFile == "" && s.Base == demo.Name:
		return nil, nil
	case s.TerritoryFile == "":
		return nil, errorf("scenario %d: it was made on territory %q, whose file was not recorded; name it with --territory FILE", s.ID, s.Base)
	}
	if _, err := os.Stat(s.TerritoryFile); err != nil {
		return nil, errorf("scenario %d: the territory file %s it was made on cannot be found (%v); name the territory with --territory FILE", s.ID, s.TerritoryFile, err)
	}
	fmt.Fprintln(m.Stderr, l.Sprintf("maillage : scénario %d : territoire lu dans %s, le fichier sur lequel il a été fait",
		"maillage: scenario %d: territory read from %s, the file it was made on", s.ID, s.TerritoryFile))
	return s, nil
}

// readScenario reads and validates the scenario JSON in file ("-": standard
// input).
func (m *Main) readScenario(p *planner.Planner, file string) (*scenario.Scenario, error) {
	var r io.Reader = os.Stdin
	if file == "" {
		return nil, fmt.Errorf("scenario create: --file is required: %w", ErrUsage)
	}
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	raw, err := io.ReadAll(io.LimitReader(r, scenario.DefaultMaxBytes+1))
	if err != nil {
		return nil, err
	}
	s, err := p.DecodeScenario(raw)
	if err == nil && s.Base == p.Territory().Name {
		// Checked against the territory too (unknown place ids…) before
		// the store is opened, so a refused scenario writes nothing.
		err = p.ScenarioOptions().Validate(p.Territory(), s)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &s, nil
}

// openStore opens the scenario database at dbPath (created if missing) for
// the planner's territory.
func openStore(p *planner.Planner, dbPath string) (*sqlite.Store, error) {
	t := p.Territory()
	cfg := sqlite.DefaultConfig(dbPath)
	cfg.Options = p.ScenarioOptions()
	cfg.Territory = func(name string) *maillage.Territory {
		if name == "" || name == t.Name {
			return t
		}
		return nil
	}
	return sqlite.OpenConfig(cfg)
}

// warn prints warnings on stderr, one line each.
func (m *Main) warn(warnings []string) {
	for _, w := range warnings {
		fmt.Fprintf(m.Stderr, m.lang.Pick("maillage : attention : %s\n", "maillage: warning: %s\n"), m.lang.Text(w))
	}
}
