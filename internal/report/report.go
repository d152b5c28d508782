// Package report writes the council's report of a scenario as one printable
// A4 HTML page in French: a map of the cells before and after, the key
// figures of every profile before and after, the table per commune, the
// places added or changed with their gains, the data sources and their
// vintage, and a note on the method. `GET /report` and `maillage report`
// both write it; the page needs no script and no network, so a browser's
// print (or Chromium's --print-to-pdf) gives the PDF.
package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/planner"
)

//go:embed report.html.tmpl
var files embed.FS

// fr formats numbers and names profiles as every French output does.
const fr = labels.FR

var page = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"nombre": fr.Int, "signe": func(x float64) string { return fr.Signed(x, 0) }, "part": fr.Percent, "points": fr.Points,
	"entier": func(n int) string { return fr.Int(float64(n)) },
}).ParseFS(files, "report.html.tmpl"))

// Options say what the report is about. A nil Scenario reports on the base
// territory alone. Notes are shown at the top (e.g. a fallback the caller
// made: an unknown profile replaced by the default one).
type Options struct {
	Scenario *scenario.Scenario
	Profile  string
	Now      time.Time
	Notes    []string
}

// Write writes the report of opt.Scenario for opt.Profile on p's territory.
func Write(w io.Writer, p *planner.Planner, opt Options) error {
	d, err := build(p, opt)
	if err != nil {
		return err
	}
	return page.Execute(w, d)
}

type data struct {
	Title, Territory, Date, ProfileLabel, ProfileRule string
	// FictionNote says the territory is made up, in the subtitle: unless
	// its name already does (the demo's: « Département fictif — … »).
	FictionNote bool
	Notes       []string
	Scenario    *scenario.Scenario
	Profiles    []profileRow
	Total       scenario.RowDelta
	Communes    []scenario.RowDelta
	Changes     []changeRow
	Map         template.HTML
	Sources     []source
	Method      []string
	Warnings    []string
}

type profileRow struct {
	Label, Rule   string
	Current       bool
	Before, After scenario.Row
}

type changeRow struct {
	N                 int
	What              string
	Gain, GainPersons float64
}

type source struct{ File, Vintage string }

func build(p *planner.Planner, opt Options) (*data, error) {
	t := p.Territory()
	sc := opt.Scenario
	if sc == nil {
		b := p.BaseScenario()
		sc = &b
		sc.Name = "Territoire actuel (sans changement)"
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	d := &data{Territory: t.Name, FictionNote: t.Fictional && !strings.Contains(strings.ToLower(t.Name), "fictif"), Notes: opt.Notes, Scenario: sc,
		Date: frenchDate(opt.Now), Title: sc.Name}
	if opt.Scenario == nil {
		d.Scenario = nil
	}
	var current *planner.DraftEvaluation
	for _, pr := range p.Profiles() {
		ev, err := p.EvaluateDraft(*sc, pr.Name)
		if err != nil {
			return nil, err
		}
		lab := fr.Profile(pr.Facts())
		row := profileRow{Label: lab.Label, Rule: lab.Rule, Current: pr.Name == opt.Profile, Before: ev.Base.Total, After: ev.After.Total}
		d.Profiles = append(d.Profiles, row)
		if row.Current {
			current = ev
			d.ProfileLabel, d.ProfileRule = row.Label, row.Rule
		}
	}
	if current == nil {
		return nil, fmt.Errorf("%w: %q", coverage.ErrUnknownProfile, opt.Profile)
	}
	d.Total = current.Delta.Total
	d.Warnings = current.Warnings
	for _, c := range current.Delta.Communes {
		if c.A.Population > 0 || c.B.Population > 0 {
			d.Communes = append(d.Communes, c)
		}
	}
	sort.SliceStable(d.Communes, func(i, j int) bool {
		if math.Abs(d.Communes[i].Covered-d.Communes[j].Covered) > 1e-9 {
			return d.Communes[i].Covered > d.Communes[j].Covered
		}
		return d.Communes[i].Name < d.Communes[j].Name
	})
	// Each change's gain: the evaluation of the changes up to it, less the
	// one before (they add up to the total).
	prev := current.Base.Total
	for i, c := range sc.Changes {
		part := *sc
		part.Changes = sc.Changes[:i+1]
		ev, err := p.Evaluate(part, opt.Profile)
		if err != nil {
			return nil, err
		}
		d.Changes = append(d.Changes, changeRow{N: i + 1, What: describe(t, c),
			Gain: ev.After.Total.WeightedCovered - prev.WeightedCovered, GainPersons: ev.After.Total.Covered - prev.Covered})
		prev = ev.After.Total
	}
	d.Map = drawMap(p, current, sc)
	d.Sources = sources(t)
	d.Method = method(p)
	return d, nil
}

func describe(t *maillage.Territory, c scenario.Change) string {
	name := func(id string) string {
		for i := range t.Venues {
			if t.Venues[i].ID == id {
				return t.Venues[i].Name
			}
		}
		return id
	}
	hours := ""
	if len(c.Hours) > 0 {
		min := 0
		for _, h := range c.Hours {
			min += clock(h.Close) - clock(h.Open)
		}
		hours = fmt.Sprintf(", %s par semaine", fr.Hours(float64(min)/60))
	} else if c.OpeningHours != "" {
		hours = ", " + c.OpeningHours
	}
	switch c.Op {
	case scenario.OpAdd:
		return fmt.Sprintf("Nouvelle permanence « %s »%s", c.Name, hours)
	case scenario.OpRemove:
		return fmt.Sprintf("Fermeture de « %s »", name(c.VenueID))
	case scenario.OpMove:
		return fmt.Sprintf("Déplacement de « %s »", name(c.VenueID))
	case scenario.OpHours:
		return fmt.Sprintf("Nouveaux horaires pour « %s »%s", name(c.VenueID), hours)
	case scenario.OpServices:
		return fmt.Sprintf("Nouveaux services pour « %s » : %s", name(c.VenueID), strings.Join(c.Services, ", "))
	}
	return string(c.Op)
}

func clock(s string) int {
	var h, m int
	fmt.Sscanf(s, "%d:%d", &h, &m)
	return h*60 + m
}

var (
	dateInName = regexp.MustCompile(`(20\d\d)-(\d\d)-(\d\d)`)
	yearInName = regexp.MustCompile(`(?:^|\D)((?:19|20)\d\d)(?:\D|$)`)
)

// sources lists the territory's files with the vintage their names give (a
// date, else a year), as INSEE and the venue files name them.
func sources(t *maillage.Territory) []source {
	var out []source
	for _, s := range t.Sources {
		base := s[strings.LastIndexAny(s, `/\`)+1:]
		v := "millésime non indiqué"
		if strings.Contains(base, "generated") {
			out = append(out, source{File: base, Vintage: "données générées (territoire fictif)"})
			continue
		}
		if m := dateInName.FindStringSubmatch(base); m != nil {
			v = fmt.Sprintf("fichier du %s/%s/%s", m[3], m[2], m[1])
		} else if m := yearInName.FindStringSubmatch(base); m != nil {
			v = "millésime " + m[1]
		}
		if strings.Contains(strings.ToLower(base), "filosofi") {
			v = "INSEE Filosofi, " + v + " (carreaux de 200 m)"
		}
		out = append(out, source{File: base, Vintage: v})
	}
	return out
}

func method(p *planner.Planner) []string {
	t := p.Territory()
	out := []string{
		fmt.Sprintf("La population vient des carreaux INSEE Filosofi, répartis sur des hexagones H3 de résolution %d (environ 0,1 km²) au prorata de la surface, sans perte ni double compte.", t.Resolution),
		"Une personne est couverte quand un lieu adapté à son profil (bon service, bon programme, heures d'ouverture suffisantes) est à la durée du profil ou moins depuis le centre de son hexagone.",
	}
	for _, pr := range p.Profiles() {
		engine := "à vol d'oiseau avec un coefficient de détour"
		if p.EngineKind(pr) == "road" {
			engine = "par le réseau routier OpenStreetMap"
		}
		lab := fr.Profile(pr.Facts())
		out = append(out, fmt.Sprintf("%s : %s ; temps calculés %s.", lab.Label, strings.TrimSuffix(lab.Rule, "."), engine))
	}
	out = append(out, "Les personnes « pondérées » comptent davantage les publics prioritaires selon le profil (par exemple les 80 ans et plus comptent double pour les seniors).",
		"Le gain d'un changement est mesuré dans l'ordre du scénario : ce que le changement ajoute une fois les précédents faits.")
	return out
}

// drawMap draws the cells as an SVG: covered before, newly covered, still
// uncovered, lost; the places kept, added and removed.
func drawMap(p *planner.Planner, ev *planner.DraftEvaluation, sc *scenario.Scenario) template.HTML {
	t := p.Territory()
	st, err := p.State(ev.Profile)
	if err != nil || len(t.Cells) == 0 {
		return ""
	}
	flip := map[string]bool{}
	for _, f := range ev.Flipped {
		flip[f.H3] = f.Covered
	}
	var b orbBound
	for i := range t.Cells {
		b.extend(t.Cells[i].Center[0], t.Cells[i].Center[1])
	}
	const W, H = 700.0, 460.0
	k := math.Cos((b.minY + b.maxY) / 2 * math.Pi / 180)
	pad := 0.01
	sx := W / ((b.maxX - b.minX + 2*pad) * k)
	sy := H / (b.maxY - b.minY + 2*pad)
	s := math.Min(sx, sy)
	x := func(lon float64) float64 { return (lon - b.minX + pad) * k * s }
	y := func(lat float64) float64 { return (b.maxY + pad - lat) * s }
	var out strings.Builder
	fmt.Fprintf(&out, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-label="Carte des hexagones couverts et non couverts">`,
		(b.maxX-b.minX+2*pad)*k*s, (b.maxY-b.minY+2*pad)*s)
	classes := [4]strings.Builder{}
	for i := range t.Cells {
		c := &t.Cells[i]
		h := c.H3.String()
		cls := 0 // covered before and after
		if after, ok := flip[h]; ok {
			if after {
				cls = 2
			} else {
				cls = 3
			}
		} else if !st.Covered(i) {
			cls = 1
		}
		poly := geo.CellPolygon(c.H3)
		if len(poly) == 0 {
			continue
		}
		cb := &classes[cls]
		for j, pt := range poly[0] {
			if j == 0 {
				cb.WriteString("M")
			} else {
				cb.WriteString("L")
			}
			fmt.Fprintf(cb, "%.1f %.1f", x(pt[0]), y(pt[1]))
		}
		cb.WriteString("Z")
	}
	for i, fill := range []string{"#2166ac", "#e9b3a8", "#f59e0b", "#6b7280"} {
		fmt.Fprintf(&out, `<path d="%s" fill="%s" stroke="none"/>`, classes[i].String(), fill)
	}
	removed := map[string]bool{}
	for _, c := range sc.Changes {
		if c.Op == scenario.OpRemove || c.Op == scenario.OpMove {
			removed[c.VenueID] = true
		}
	}
	for i := range t.Venues {
		v := &t.Venues[i]
		if !v.Located {
			continue
		}
		if removed[v.ID] {
			fmt.Fprintf(&out, `<path d="M%.1f %.1fl6 6m0 -6l-6 6" stroke="#6b7280" stroke-width="2"/>`, x(v.Point[0])-3, y(v.Point[1])-3)
			continue
		}
		fmt.Fprintf(&out, `<rect x="%.1f" y="%.1f" width="6" height="6" fill="#0f172a" stroke="#fff" stroke-width="1"/>`, x(v.Point[0])-3, y(v.Point[1])-3)
	}
	n := 0
	for _, c := range sc.Changes {
		if (c.Op == scenario.OpAdd || c.Op == scenario.OpMove) && c.Lat != nil && c.Lon != nil {
			n++
			fmt.Fprintf(&out, `<circle cx="%.1f" cy="%.1f" r="8" fill="#c2410c" stroke="#fff" stroke-width="2"/><text x="%.1f" y="%.1f" font-size="10" font-weight="700" fill="#fff" text-anchor="middle">%d</text>`,
				x(*c.Lon), y(*c.Lat), x(*c.Lon), y(*c.Lat)+3.5, n)
		}
	}
	out.WriteString("</svg>")
	return template.HTML(out.String())
}

type orbBound struct{ minX, minY, maxX, maxY float64 }

func (b *orbBound) extend(x, y float64) {
	if b.minX == 0 && b.maxX == 0 {
		*b = orbBound{x, y, x, y}
		return
	}
	b.minX, b.maxX = math.Min(b.minX, x), math.Max(b.maxX, x)
	b.minY, b.maxY = math.Min(b.minY, y), math.Max(b.maxY, y)
}

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

func frenchDate(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}
