package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/data/demo"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/internal/labels"
	"github.com/paulmach/osm"
)

// ErrUsage is returned for a bad command line.
var ErrUsage = errors.New("usage: maillage <command> [flags]; commands: serve, stats, ingest, route, coverage, gaps, access, propose, scenario, venues, export, health, backup, report")

const usage = `maillage plans where digital-mediation help should be in a French territory.

Usage:
  maillage serve  [--territory T] [--addr :8080]      serve the web map API
  maillage stats  [--territory T] [--json]            summarise a territory
  maillage ingest --grid F... [--venues F...] [--communes F] [--res 9] [--osm F] --out T
                                                      build a territory file from open data
  maillage route    (--osm F | --territory T) --from LAT,LON --to LAT,LON --mode walk|car [--engine road|crowfly] [--json]
  maillage coverage [--territory T] [--profiles F] [--profile NAME...] [--json]
  maillage gaps     [--territory T] [--profile NAME] [--format geojson|csv|text]
  maillage access   [--territory T] [--profile NAME] [--format geojson|csv]
  maillage propose  [--territory T] --profile P [-k 10 | --target 0.95] [--candidates F] [--format json|geojson|csv|text] [--save-scenario NAME]
  maillage venues   [--territory T] [--commune C] [--format text|csv|geojson]   the places and their ids
  maillage scenario create|list|show|apply|diff|export|delete [--db F] ...
  maillage export   --format gpkg --out F.gpkg [--territory T] [--profile NAME...] [--db F] [--no-proposals]
                                                      every layer in one GeoPackage
  maillage health   [--url http://127.0.0.1:8080/healthz]  check a running server (Docker HEALTHCHECK)
  maillage backup   --db F --out G                      copy the scenario database, even while serve runs
  maillage report --out rapport.html [--pdf rapport.pdf] [--scenario ID] [--profile P]
Without --territory, commands use the built-in fictional demo territory.
Run "maillage <command> -h" for a command's flags.
`

// usageFR is usage in French (the default language; --lang en for usage).
const usageFR = `maillage dit où la médiation numérique doit se tenir sur un territoire français.

Usage :
  maillage serve  [--territory T] [--addr :8080]      sert l'API de la carte web
  maillage stats  [--territory T] [--json]            résume un territoire
  maillage ingest --grid F... [--venues F...] [--communes F] [--res 9] [--osm F] --out T
                                                      construit un fichier de territoire à partir des données ouvertes
  maillage route    (--osm F | --territory T) --from LAT,LON --to LAT,LON --mode walk|car [--engine road|crowfly] [--json]
  maillage coverage [--territory T] [--profiles F] [--profile NAME...] [--level commune|epci|departement] [--json]
  maillage gaps     [--territory T] [--profile NAME] [--format geojson|csv|text]
  maillage access   [--territory T] [--profile NAME] [--format geojson|csv]
  maillage propose  [--territory T] --profile P [-k 10 | --target 0.95] [--candidates F] [--format json|geojson|csv|text] [--save-scenario NAME]
  maillage venues   [--territory T] [--commune C] [--format text|csv|geojson]   les lieux et leurs identifiants
  maillage scenario create|list|show|apply|diff|export|delete [--db F] ...
  maillage export   --format gpkg --out F.gpkg [--territory T] [--profile NAME...] [--db F] [--no-proposals]
                                                      toutes les couches dans un GeoPackage
  maillage health   [--url http://127.0.0.1:8080/healthz]  interroge un serveur en marche (HEALTHCHECK de Docker)
  maillage backup   --db F --out G                      copie la base de scénarios, même pendant que serve tourne
  maillage report --out rapport.html [--pdf rapport.pdf] [--scenario ID] [--profile P]
Sans --territory, les commandes utilisent le territoire fictif de démonstration intégré.
« maillage <commande> -h » donne les options d'une commande ; --lang en pour l'anglais.
`

// Main holds what every command needs: where to write, the readers the
// ingest command passes to data.Build (zero: the real ones) and the road
// builder of the demo territory. Tests build a Main with fake readers; Run
// uses the real ones.
type Main struct {
	Stdout, Stderr io.Writer
	Readers        data.Readers
	// DemoRoads turns the demo territory's generated OSM data into an encoded
	// road graph (nil: the demo territory has no roads; travel is crow-fly).
	DemoRoads func(o *osm.OSM) ([]byte, error)
	// DemoSeed is the seed of the demo territory used without --territory.
	DemoSeed uint64
	// LookupEnv reads the environment (os.LookupEnv); serve takes its
	// flags' defaults from MAILLAGE_* variables through it. Nil: none.
	LookupEnv func(string) (string, bool)
	// fs is the flag set of the command being run, whose usage a usage
	// error prints.
	fs *flag.FlagSet
	// Now is the clock of the reports ("records older than two years");
	// nil is time.Now. Golden-file tests fix it.
	Now func() time.Time
	// lang is the language of the command's text and errors: --lang
	// (every command takes it), read before the flags are parsed so that an
	// error in them is in the right language too.
	lang labels.Lang
}

func (m *Main) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// NewMain returns a Main writing to stdout and stderr with the real readers.
func NewMain(stdout, stderr io.Writer) *Main {
	return &Main{Stdout: stdout, Stderr: stderr, Readers: data.DefaultReaders(), DemoRoads: demoRoads, DemoSeed: demo.DefaultSeed, LookupEnv: os.LookupEnv}
}

// Run runs one maillage command with its arguments. It is the whole program
// behind main, reused by the end-to-end tests.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return NewMain(stdout, stderr).Run(ctx, args)
}

// Run runs the command args[0] with the flags that follow.
func (m *Main) Run(ctx context.Context, args []string) error {
	m.lang = langArg(args)
	if len(args) == 0 {
		return ErrUsage
	}
	err := m.dispatch(ctx, args)
	if errors.Is(err, errHelp) {
		return nil
	}
	if errors.Is(err, ErrUsage) && m.fs != nil {
		// A command's own usage, not the list of commands.
		m.fs.SetOutput(m.Stderr)
		m.fs.Usage()
		return commandUsageError{err}
	}
	return err
}

// commandUsageError is a usage error of one command, whose usage was printed
// on stderr: its message stops before the list of commands.
type commandUsageError struct{ err error }

func (e commandUsageError) Error() string {
	return strings.TrimSuffix(e.err.Error(), ": "+ErrUsage.Error()) + " (usage above)"
}

func (e commandUsageError) Unwrap() error { return e.err }

func (m *Main) dispatch(ctx context.Context, args []string) error {
	switch args[0] {
	case "serve":
		return m.serve(ctx, args[1:])
	case "stats":
		return m.stats(ctx, args[1:])
	case "ingest":
		return m.ingest(ctx, args[1:])
	case "coverage":
		return m.coverage(ctx, args[1:])
	case "gaps":
		return m.gaps(ctx, args[1:])
	case "access":
		return m.access(ctx, args[1:])
	case "propose":
		return m.propose(ctx, args[1:])
	case "route":
		return m.route(ctx, args[1:])
	case "venues":
		return m.venues(ctx, args[1:])
	case "scenario":
		return m.scenario(ctx, args[1:])
	case "export":
		return m.export(ctx, args[1:])
	case "health":
		return m.health(ctx, args[1:])
	case "backup":
		return m.backup(ctx, args[1:])
	case "report":
		return m.report(ctx, args[1:])
	case "help", "-h", "-help", "--help":
		_, err := io.WriteString(m.Stdout, m.lang.Pick(usageFR, usage))
		return err
	default:
		return fmt.Errorf("unknown command %q: %w", args[0], ErrUsage)
	}
}

// newFlagSet returns a flag set for command name that reports errors instead
// of exiting, writing its usage to stderr.
func (m *Main) newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("maillage "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	m.fs = fs
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), m.lang.Pick("usage : maillage %s %s\n", "usage: maillage %s %s\n"), name, synopsis)
		m.printDefaults(fs)
	}
	fs.Var(&langValue{[]*labels.Lang{&m.lang}}, "lang", "language of the text output and of the errors: fr (default) or en")
	return fs
}

// printDefaults is fs.PrintDefaults with each flag's help in --lang: the
// catalogue's French (labels.Lang.Text) of its English help, the
// environment variable serve appends kept as it is.
func (m *Main) printDefaults(fs *flag.FlagSet) {
	l := m.lang
	if l == labels.EN {
		fs.PrintDefaults()
		return
	}
	fs.VisitAll(func(f *flag.Flag) {
		help, env := f.Usage, ""
		if i := strings.Index(help, " [$"); i >= 0 && strings.HasSuffix(help, "]") {
			help, env = help[:i], help[i:]
		}
		g := *f
		g.Usage = l.Text(help) + env
		var b strings.Builder
		fmt.Fprintf(&b, "  -%s", f.Name)
		name, usage := flag.UnquoteUsage(&g)
		if name != "" {
			b.WriteString(" " + name)
		}
		if b.Len() <= 4 { // as the flag package: a one-letter flag's help on the same line
			b.WriteString("\t")
		} else {
			b.WriteString("\n    \t")
		}
		b.WriteString(strings.ReplaceAll(usage, "\n", "\n    \t"))
		switch def := f.DefValue; {
		case isZeroValue(f):
		case fmt.Sprintf("%T", f.Value) == "*flag.stringValue":
			fmt.Fprintf(&b, " (par défaut %q)", def)
		default:
			fmt.Fprintf(&b, " (par défaut %v)", def)
		}
		fmt.Fprintln(fs.Output(), b.String())
	})
}

// isZeroValue reports whether f's default is its type's zero value, which
// the flag package does not print (as its own isZeroValue does).
func isZeroValue(f *flag.Flag) (zero bool) {
	defer func() {
		if recover() != nil {
			zero = f.DefValue == ""
		}
	}()
	t := reflect.TypeOf(f.Value)
	var z reflect.Value
	if t.Kind() == reflect.Pointer {
		z = reflect.New(t.Elem())
	} else {
		z = reflect.Zero(t)
	}
	return f.DefValue == z.Interface().(flag.Value).String()
}

// parseFlags parses args into fs without letting the flag package print
// its own (English) error: the error is returned, with ErrUsage, for Run to
// print the usage and the message in --lang. "-h" prints the usage and
// gives errHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return errHelp
	}
	if err != nil {
		return fmt.Errorf("%s: %w: %w", commandName(fs), err, ErrUsage)
	}
	return nil
}

// commandName is the command of fs ("stats", "scenario apply"): errors are
// printed after "maillage: " already.
func commandName(fs *flag.FlagSet) string { return strings.TrimPrefix(fs.Name(), "maillage ") }

// parse parses args into fs (parseFlags); stray arguments are an error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q: %w", commandName(fs), fs.Arg(0), ErrUsage)
	}
	return nil
}

// demoRoads encodes the demo territory's generated OSM data as a road graph.
func demoRoads(o *osm.OSM) ([]byte, error) {
	g, _, err := road.FromOSM(o, road.Options{})
	if err != nil {
		return nil, err
	}
	return g.MarshalBinary()
}

// errHelp means the user asked for a command's help, which was printed.
var errHelp = errors.New("help requested")

// loadTerritory loads the territory file at path, or generates the demo
// territory (with its road network when the road builder is wired) when
// path is "".
func (m *Main) loadTerritory(path string) (*maillage.Territory, error) {
	if path == "" {
		t, o, err := demo.Territory(m.DemoSeed)
		if err != nil {
			return nil, err
		}
		if m.DemoRoads != nil {
			roads, err := m.DemoRoads(o)
			if err != nil {
				return nil, fmt.Errorf("demo road network: %w", err)
			}
			t.Roads = roads
		}
		return t, nil
	}
	start := time.Now()
	t, err := data.ReadTerritoryFile(path)
	if err != nil {
		return nil, err
	}
	l := m.lang
	fmt.Fprintf(m.Stderr, l.Pick("maillage : %s lu (%s, %s) en %v\n", "maillage: loaded %s (%s, %s) in %v\n"), path,
		l.Count(float64(len(t.Cells)), "cells"), l.Count(float64(len(t.Venues)), "places"), time.Since(start).Round(time.Millisecond))
	return t, nil
}

// stringList is a flag that may be repeated; each value may also hold
// several comma-separated paths.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }

func (s *stringList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*s = append(*s, p)
		}
	}
	return nil
}
