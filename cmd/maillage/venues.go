package main

import (
	"bufio"
	"context"
	"fmt"

	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/layer"
)

// venues lists the places of a territory with the ids a scenario's changes
// use (venue_id), their commune, weekly hours and services.
func (m *Main) venues(_ context.Context, args []string) error {
	var pf plannerFlags
	var commune string
	format := "text"
	fs := m.newFlagSet("venues", "[--territory T] [--commune C] [--format text|csv|geojson] [--lang fr|en]")
	pf.register(fs)
	fs.StringVar(&commune, "commune", "", "only the places of this commune (INSEE code or name)")
	fs.StringVar(&format, "format", format, "output: text (for people), csv or geojson (the venues layer's fields)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if format != "text" && format != "csv" && format != "geojson" {
		return fmt.Errorf("venues: --format %q: want text, csv or geojson: %w", format, ErrUsage)
	}
	p, err := m.openPlanner(pf)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(m.Stdout)
	switch format {
	case "csv", "geojson":
		l, err := p.VenueLayerIn(commune)
		if err != nil {
			return err
		}
		if format == "csv" {
			err = layer.WriteCSV(w, l, layer.Query{})
		} else {
			err = layer.WriteGeoJSON(w, l, layer.Query{}, 7)
		}
		if err != nil {
			return err
		}
		return w.Flush()
	}
	idx, err := p.VenuesIn(commune)
	if err != nil {
		return err
	}
	l := pf.Lang
	t := p.Territory()
	names := map[string]string{}
	for _, c := range t.Communes {
		names[c.Code] = c.Name
	}
	head := []string{l.Pick("id (venue_id)", "id (venue_id)"), l.Pick("nom", "name"), l.Pick("commune", "commune"),
		l.Pick("heures/sem.", "hours/week"), l.Pick("horaires", "opening hours"), l.Pick("services", "services")}
	var rows [][]string
	for _, i := range idx {
		v := &t.Venues[i]
		hours, oh := l.Pick("inconnues", "unknown"), ""
		if v.Hours.Known {
			hours, oh = l.Hours(v.Hours.Hours()), scenario.FormatWeek(v.Hours)
		}
		var sv []string
		for k := range labels.ServiceCount {
			if s := v.Services & (1 << k); s != 0 {
				sv = append(sv, l.ServiceShort(s))
			}
		}
		name := v.Name
		if v.Itinerant {
			name += " (" + l.Kind("itinerant") + ")"
		}
		rows = append(rows, []string{v.ID, name, areaName(l, names[v.Commune], v.Commune), hours, oh, joinComma(sv)})
	}
	fmt.Fprintf(w, l.Pick("%s localisés dans %s%s. L'id est le venue_id des changements d'un scénario (remove, hours, services, move).\n\n",
		"%s located in %s%s. The id is the venue_id of a scenario's changes (remove, hours, services, move).\n\n"),
		l.Count(float64(len(idx)), "places"), t.Name, whereSuffix(l, commune))
	table(w, head, rows, 0, 1, 2, 4, 5)
	return w.Flush()
}

func whereSuffix(l labels.Lang, commune string) string {
	if commune == "" {
		return ""
	}
	return l.Sprintf(", commune %s", ", commune %s", commune)
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}
