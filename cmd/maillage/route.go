package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/geo/travel"
	"github.com/maillage/maillage/internal/planner"
)

// latLon is a flag holding a position written LAT,LON.
type latLon struct {
	p   orb.Point
	set bool
}

func (l *latLon) String() string {
	if !l.set {
		return ""
	}
	return fmt.Sprintf("%g,%g", l.p[1], l.p[0])
}

func (l *latLon) Set(v string) error {
	lat, lon, ok := strings.Cut(v, ",")
	if !ok {
		return fmt.Errorf("want LAT,LON, got %q", v)
	}
	y, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	x, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	if err1 != nil || err2 != nil || y < -90 || y > 90 || x < -180 || x > 180 || y != y || x != x {
		return fmt.Errorf("want LAT,LON in degrees (latitude -90..90, longitude -180..180), got %q", v)
	}
	l.p, l.set = orb.Point{x, y}, true
	return nil
}

// routeAnswer is what `maillage route --json` prints.
type routeAnswer struct {
	Minutes float64 `json:"minutes"`
	Meters  float64 `json:"meters"`
	Seconds float64 `json:"seconds"`
	Mode    string  `json:"mode"`
	Engine  string  `json:"engine"`
}

func (m *Main) route(ctx context.Context, args []string) error {
	var from, to latLon
	var osmPath, territory, modesFile string
	var asJSON bool
	modeName, engine := "car", "road"
	fs := m.newFlagSet("route", "(--osm F.osm.pbf | --territory T) --from LAT,LON --to LAT,LON --mode walk|car [--engine road|crowfly] [--json]")
	fs.StringVar(&osmPath, "osm", "", "OpenStreetMap .osm.pbf extract to route on")
	fs.StringVar(&territory, "territory", "", "territory file whose road network to route on (default without --osm: the demo territory)")
	fs.Var(&from, "from", "start, LAT,LON in degrees")
	fs.Var(&to, "to", "destination, LAT,LON in degrees")
	fs.StringVar(&modeName, "mode", modeName, "travel mode: walk, senior, bike or car")
	fs.StringVar(&modesFile, "modes", "", "JSON file overriding the travel modes' defaults")
	fs.StringVar(&engine, "engine", engine, "road (shortest path on the network) or crowfly (great-circle × detour)")
	fs.BoolVar(&asJSON, "json", false, "print the answer as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !from.set || !to.set {
		return fmt.Errorf("route: --from and --to are required: %w", ErrUsage)
	}
	if osmPath != "" && territory != "" {
		return fmt.Errorf("route: give --osm or --territory, not both: %w", ErrUsage)
	}
	modes := travel.DefaultModes()
	if modesFile != "" {
		var err error
		if modes, err = travel.LoadModes(modesFile); err != nil {
			return err
		}
	}
	mode, err := modes.Get(modeName)
	if err != nil {
		return err
	}
	var r travel.Route
	switch {
	case engine != "road" && engine != "crowfly":
		return fmt.Errorf("route: --engine %q: want road or crowfly: %w", engine, ErrUsage)
	case engine == "crowfly":
		r, err = planner.RouteWith(nil, mode, engine, from.p, to.p)
	case osmPath != "":
		var g *road.Graph
		if g, _, err = road.ReadPBFFile(ctx, osmPath, road.Options{}); err != nil {
			return err
		}
		r, err = planner.RouteWith(g, mode, engine, from.p, to.p)
	default:
		p, errP := m.openPlanner(plannerFlags{Territory: territory})
		if errP != nil {
			return errP
		}
		if modesFile != "" {
			return fmt.Errorf("route: --modes applies to --osm or --engine crowfly; a territory routes with the default modes: %w", ErrUsage)
		}
		r, mode, err = p.Route(from.p, to.p, modeName, engine)
	}
	if err != nil {
		return fmt.Errorf("route: %w", err)
	}
	a := routeAnswer{Minutes: r.Seconds / 60, Meters: r.Meters, Seconds: r.Seconds, Mode: mode.Name, Engine: engine}
	if asJSON {
		return writeJSON(m.Stdout, a)
	}
	l := m.lang
	_, err = fmt.Fprintf(m.Stdout, "%s, %s (%s, %s)\n", l.Minutes(a.Minutes), l.Km(a.Meters), l.ModeLong(a.Mode), l.Engine(a.Engine))
	return err
}
