package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/propose"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/planner"
)

// The text outputs for people: French by default (--lang en), numbers
// formatted by package labels. JSON and CSV never go through here.

// padLeft right-aligns s in n runes; padRight left-aligns it.
func padLeft(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return strings.Repeat(" ", n-k) + s
	}
	return s
}

func padRight(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

// table writes rows as aligned columns, each row indented by two spaces:
// the columns listed in left are left-aligned (names), the others
// right-aligned (numbers).
func table(w io.Writer, head []string, rows [][]string, left ...int) {
	width := make([]int, len(head))
	for _, r := range append([][]string{head}, rows...) {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range append([][]string{head}, rows...) {
		var b strings.Builder
		b.WriteString("  ")
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			if slices.Contains(left, i) {
				b.WriteString(padRight(c, width[i]))
			} else {
				b.WriteString(padLeft(c, width[i]))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// areaName is "Name (code)", or the code alone, or a word for no area.
func areaName(l labels.Lang, name, code string) string {
	switch {
	case code == "" && name == "":
		return l.Pick("(hors commune connue)", "(no known commune)")
	case name == "":
		return code
	}
	return name + " (" + code + ")"
}

// writeCoverageText writes the coverage report for people: per profile its
// label and rule, who is covered, the statement, the table of areas at
// level (none when level is ""), then the data limits once.
func writeCoverageText(w io.Writer, l labels.Lang, p *planner.Planner, rep coverage.Report, level string, lim planner.DataLimits) error {
	t := p.Territory()
	fmt.Fprintf(w, "%s %s\n", l.Pick("Territoire :", "Territory:"), t.Name)
	for _, s := range rep.Profiles {
		pr, err := p.Profile(s.Name)
		if err != nil {
			return err
		}
		f := pr.Facts()
		lab := l.Profile(f)
		fmt.Fprintf(w, "\n%s  [%s]\n", lab.Label, s.Name)
		fmt.Fprintf(w, "  %s\n", lab.Rule)
		fmt.Fprintf(w, "  %s %s %s %s (%s)", l.Pick("couverts :", "covered:"), l.Int(s.Covered), l.Pick("sur", "of"),
			l.Count(s.Population, "persons"), l.Percent(s.CoveredShare))
		fmt.Fprintf(w, l.Pick(" ; demande pondérée : %s sur %s (%s)\n", "; weighted demand: %s of %s (%s)\n"),
			l.Int(s.WeightedCovered), l.Int(s.WeightedPopulation), l.Percent(share(s.WeightedCovered, s.WeightedPopulation)))
		fmt.Fprintf(w, l.Pick("  lieux comptés : %s ; accessibilité moyenne : %s %s ; trajets %s\n", "  places counted: %s; mean accessibility: %s %s; travel %s\n"),
			l.Int(float64(s.Places)), l.Num(s.Access, 2), l.Unit("access").Symbol, l.Engine(p.EngineKind(pr)))
		fmt.Fprintf(w, "  → %s\n", l.Statement(f, s.Population-s.Covered, s.Population))
		if level == "" {
			continue
		}
		areas := s.Communes
		if s.Level != "" {
			areas = s.Areas
		}
		head := []string{upper(l.Level(level)), l.Pick("population", "population"), l.Pick("couverts", "covered"), l.Pick("part", "share"),
			l.Pick("non couverts", "uncovered"), l.Pick("accessibilité", "access")}
		rows := make([][]string, 0, len(areas))
		for _, a := range areas {
			rows = append(rows, []string{areaName(l, a.Name, a.Code), l.Int(a.Population), l.Int(a.Covered), l.Percent(a.CoveredShare),
				l.Int(a.Population - a.Covered), l.Num(a.Access, 2)})
		}
		fmt.Fprintln(w)
		table(w, head, rows, 0)
	}
	writeLimits(w, l, p, lim)
	return nil
}

func upper(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+utf8.RuneLen(r):]
	}
	return s
}

func share(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// writeLimits states once, plainly, what limits the figures: unknown hours
// and how profiles treat them, old records, crow-fly fallbacks, cells off
// the road network.
func writeLimits(w io.Writer, l labels.Lang, p *planner.Planner, d planner.DataLimits) {
	var lines []string
	if d.UnknownHours > 0 {
		var strict []string
		for _, pl := range d.Profiles {
			if pl.MinWeeklyHours > 0 {
				strict = append(strict, pl.Name+" : "+l.Hours(pl.MinWeeklyHours))
			}
		}
		s := l.Sprintf("Horaires inconnus : %s sur %s (%s). Ces lieux comptent pour la couverture, mais n'apportent aucune heure à l'accessibilité",
			"Hours unknown: %s of %s (%s). These places count for coverage, but bring no hours to the accessibility",
			l.Count(float64(d.UnknownHours), "places"), l.Int(float64(d.Places)), l.Percent(share(float64(d.UnknownHours), float64(d.Places))))
		if len(strict) > 0 {
			s += l.Sprintf(" ni aux profils qui demandent un minimum d'heures par semaine (%s)", " nor to the profiles that ask for a minimum of weekly hours (%s)",
				strings.Join(strict, ", "))
		}
		lines = append(lines, s+".")
	}
	switch {
	case d.Dated == 0 && d.Places > 0:
		lines = append(lines, l.Pick("Aucune fiche de lieu n'a de date de mise à jour : leur fraîcheur est inconnue.",
			"No place record has an update date: how current they are is unknown."))
	case d.Old > 0:
		lines = append(lines, l.Sprintf("Fiches de plus de deux ans (mises à jour avant le %s) : %s sur %s datés ; leurs horaires et services ont pu changer.",
			"Records older than two years (updated before %s): %s of %s dated; their hours and services may have changed.",
			d.OldBefore, l.Count(float64(d.Old), "places"), l.Int(float64(d.Dated))))
	}
	for _, pl := range d.Profiles {
		if pl.CrowFlyFallback {
			lines = append(lines, l.Sprintf("%s : pas de réseau routier dans ce territoire, les temps sont à vol d'oiseau (distance × détour, à la vitesse du mode).",
				"%s: no road network in this territory, times are as the crow flies (distance × detour, at the mode's speed).", pl.Name))
		}
		if pl.OffNetworkCells > 0 {
			lines = append(lines, l.Sprintf("%s : %s hexagones sur %s (%s) sont à plus de %s m du réseau routier : comptés non couverts, ce n'est pas un manque de lieux.",
				"%s: %s of %s cells (%s) lie more than %s m from the road network: counted as uncovered, which is no lack of places.",
				pl.Name, l.Int(float64(pl.OffNetworkCells)), l.Int(float64(len(p.Territory().Cells))), l.Count(pl.OffNetworkPersons, "persons"), l.Int(pl.SnapMetres)))
		}
	}
	if t := p.Territory(); len(t.UnmappedCodes) > 0 {
		lines = append(lines, l.Sprintf("%s codes commune de la grille ne correspondent à aucune commune actuelle : %s.",
			"%s grid commune codes match no current commune: %s.", l.Int(float64(len(t.UnmappedCodes))), strings.Join(t.UnmappedCodes, ", ")))
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", l.Pick("À savoir sur ces chiffres :", "What limits these figures:"))
	for _, s := range lines {
		fmt.Fprintf(w, "  - %s\n", s)
	}
}

// writeGapsText lists the gap zones for people: rank, commune, the
// connected area it is part of, cells, uncovered persons and weighted
// demand, the time to the nearest place and the other communes' shares.
func writeGapsText(w io.Writer, l labels.Lang, p *planner.Planner, profile string, zones []coverage.Zone, top int, lim planner.DataLimits) error {
	pr, err := p.Profile(profile)
	if err != nil {
		return err
	}
	var persons float64
	areas := map[int]bool{}
	for _, z := range zones {
		persons += z.Persons
		areas[z.Area] = true
	}
	fmt.Fprintf(w, "%s %s  [%s]\n", l.Pick("Zones blanches —", "Gaps —"), l.Profile(pr.Facts()).Label, profile)
	fmt.Fprintf(w, l.Pick("%s zones dans %s zones d'un seul tenant ; %s non couvertes. Chaque zone est la part d'une commune d'une zone d'un seul tenant (colonne « zone »).\n",
		"%s zones in %s connected areas; %s uncovered. Each zone is one commune's part of a connected area (column \"area\").\n"),
		l.Int(float64(len(zones))), l.Int(float64(len(areas))), l.Count(persons, "persons"))
	head := []string{l.Pick("rang", "rank"), l.Pick("commune", "commune"), l.Pick("zone", "area"), l.Pick("hexagones", "cells"),
		l.Pick("non couverts", "uncovered"), l.Pick("pondéré", "weighted"), l.Pick("temps au plus proche", "time to nearest"), l.Pick("lieu le plus proche", "nearest place")}
	var rows [][]string
	var others []string
	for k := range zones {
		z := &zones[k]
		if top >= 0 && k >= top {
			break
		}
		near := l.Minutes(z.NearestMin / 60)
		switch {
		case math.IsInf(z.NearestMin, 1):
			near = l.Sprintf("au-delà de %s", "beyond %s", l.Minutes(z.SearchSeconds/60))
		case z.NearestMax > z.NearestMin+30:
			near = l.Num(z.NearestMin/60, 1) + "–" + l.Minutes(z.NearestMax/60)
			if math.IsInf(z.NearestMax, 1) {
				near = l.Minutes(z.NearestMin/60) + l.Pick(" et plus", " and more")
			}
		}
		rows = append(rows, []string{fmt.Sprint(z.Rank), areaName(l, z.CommuneName, z.Commune), fmt.Sprintf("%d (%s)", z.Area, l.Count(float64(z.AreaCells), "cells")),
			l.Int(float64(len(z.Cells))), l.Int(z.Persons), l.Int(z.Weighted), near, z.NearestPlace})
		var parts []string
		for _, c := range z.Shares {
			if c.Code != z.Commune && c.Share >= 0.001 {
				parts = append(parts, c.Name+" "+l.Percent(c.Share))
			}
		}
		if len(parts) > 0 {
			others = append(others, l.Sprintf("zone %d : aussi %s", "zone %d: also %s", z.Rank, strings.Join(parts, ", ")))
		}
	}
	if len(rows) > 0 {
		fmt.Fprintln(w)
		table(w, head, rows, 1, 2, 7)
	}
	if top >= 0 && len(zones) > top {
		fmt.Fprintf(w, l.Pick("  … et %s zones de plus (--top -1 pour toutes, --format csv pour les chiffres complets)\n", "  … %s more zones (--top -1 for all, --format csv for the full figures)\n"),
			l.Int(float64(len(zones)-top)))
	}
	if len(others) > 0 {
		fmt.Fprintf(w, "\n%s\n", l.Pick("Personnes de cellules à cheval sur une limite communale :", "People of cells straddling a commune boundary:"))
		for _, o := range others {
			fmt.Fprintf(w, "  %s\n", o)
		}
	}
	writeLimits(w, l, p, lim)
	return nil
}

// writeProposalText writes a proposal for people: what was asked, the
// demand covered before and after, the optimality certificate, then one
// line per site named for people (propose.SiteLabel).
func writeProposalText(w io.Writer, l labels.Lang, p *planner.Planner, prop *propose.Proposal, saved *scenario.Scenario, lim planner.DataLimits) error {
	var who []string
	for _, name := range prop.Profiles {
		pr, err := p.Profile(name)
		if err != nil {
			return err
		}
		who = append(who, l.Profile(pr.Facts()).Label+" ["+name+"]")
	}
	mode := l.Pick("couverture maximale", "maximal covering")
	if prop.Mode == "set_cover" {
		mode = l.Sprintf("le moins de sites pour couvrir %s de la demande", "fewest sites covering %s of the demand", l.Percent(prop.Target))
	}
	fmt.Fprintf(w, l.Pick("Proposition : %s (%s) pour %s\n", "Proposal: %s (%s) for %s\n"),
		l.Count(float64(len(prop.Sites)), "sites"), mode, strings.Join(who, l.Pick(" et ", " and ")))
	fmt.Fprintf(w, l.Pick("  demande pondérée couverte : %s → %s sur %s (%s → %s), soit %s\n", "  weighted demand covered: %s → %s of %s (%s → %s), that is %s\n"),
		l.Int(prop.CoveredBefore), l.Int(prop.CoveredAfter), l.Int(prop.Total), l.Percent(prop.ShareBefore), l.Percent(prop.ShareAfter), l.Signed(prop.Gain, 0))
	if prop.UpperBound > 0 {
		fmt.Fprintf(w, l.Pick("  au mieux, autant de sites couvriraient %s de plus : ce choix est à moins de %s de l'optimum\n",
			"  at best, as many sites would cover %s more: this choice is within %s of the optimum\n"),
			l.Int(prop.UpperBound), l.Percent(prop.Gap))
	}
	if prop.Warning != "" {
		fmt.Fprintf(w, "  %s %s\n", l.Pick("attention :", "warning:"), l.Text(prop.Warning))
	}
	fmt.Fprintln(w)
	head := []string{l.Pick("site", "site"), l.Pick("gain pondéré", "weighted gain"), l.Pick("habitants", "inhabitants"),
		l.Pick("heures", "hours"), l.Pick("origine", "origin")}
	var rows [][]string
	for k := range prop.Sites {
		s := &prop.Sites[k]
		rows = append(rows, []string{propose.SiteLabel(s, l), l.Signed(s.Gain, 0), l.Signed(s.Persons, 0), l.Hours(s.Hours) + l.Pick("/sem.", "/week"), l.Kind(string(s.Kind))})
	}
	table(w, head, rows, 0, 4)
	if saved != nil {
		fmt.Fprintf(w, l.Pick("\nEnregistrée comme scénario %d « %s » : maillage scenario apply %d\n", "\nStored as scenario %d %q: maillage scenario apply %d\n"),
			saved.ID, saved.Name, saved.ID)
	}
	writeLimits(w, l, p, lim)
	return nil
}

// writeDeltaText writes a scenario's effect for people: the changes, the
// persons covered before and after, then the communes (or the areas of
// level, d being rolled up: Planner.RollUpDelta) whose coverage moves.
func (m *Main) writeDeltaText(l labels.Lang, p *planner.Planner, profile, title string, edits map[string]int, d scenario.Delta, level string) error {
	pr, err := p.Profile(profile)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(m.Stdout)
	fmt.Fprintf(w, "%s %s — %s  [%s]\n", l.Pick("Scénario", "Scenario"), title, l.Profile(pr.Facts()).Label, profile)
	if edits != nil {
		var parts []string
		for _, k := range []string{"added", "removed", "changed"} {
			if n := edits[k]; n > 0 {
				word := l.Kind(k)
				if n > 1 && l != labels.EN {
					word += "s" // ajoutés, supprimés, modifiés
				}
				parts = append(parts, fmt.Sprintf("%s %s", l.Int(float64(n)), word))
			}
		}
		if len(parts) == 0 {
			parts = []string{l.Pick("aucun", "none")}
		}
		fmt.Fprintf(w, "  %s %s\n", l.Pick("lieux :", "places:"), strings.Join(parts, ", "))
	}
	tot := d.Total
	fmt.Fprintf(w, l.Pick("  couverts : %s → %s sur %s (%s) ; part %s → %s (%s)\n", "  covered: %s → %s of %s (%s); share %s → %s (%s)\n"),
		l.Int(tot.A.Covered), l.Int(tot.B.Covered), l.Count(tot.B.Population, "persons"), l.Signed(tot.Covered, 0),
		l.Percent(tot.A.Share()), l.Percent(tot.B.Share()), l.Points(tot.Share))
	fmt.Fprintf(w, l.Pick("  demande pondérée couverte : %s → %s (%s)\n", "  weighted demand covered: %s → %s (%s)\n"),
		l.Int(tot.A.WeightedCovered), l.Int(tot.B.WeightedCovered), l.Signed(tot.WeightedCovered, 0))
	var rows [][]string
	for _, c := range d.Communes {
		if math.Abs(c.Covered) < 0.5 && math.Abs(c.Share) < 0.0005 {
			continue
		}
		rows = append(rows, []string{areaName(l, c.Name, c.Code), l.Int(c.A.Covered), l.Int(c.B.Covered), l.Signed(c.Covered, 0),
			l.Percent(c.A.Share()), l.Percent(c.B.Share())})
	}
	areas, head := "communes", l.Pick("commune", "commune")
	if level != "" && level != "commune" {
		areas, head = "areas", upper(l.Level(level))
	}
	switch {
	case len(rows) == 0 && areas == "communes":
		fmt.Fprintln(w, l.Pick("  aucune commune ne change.", "  no commune changes."))
	case len(rows) == 0:
		fmt.Fprintf(w, "  %s\n", l.Sprintf("aucune zone (%s) ne change.", "no area (%s) changes.", l.Level(level)))
	default:
		fmt.Fprintf(w, "\n  %s\n", l.Sprintf("%s dont la couverture change :", "%s whose coverage changes:", l.Count(float64(len(rows)), areas)))
		table(w, []string{head, l.Pick("avant", "before"), l.Pick("après", "after"), l.Pick("écart", "change"),
			l.Pick("part avant", "share before"), l.Pick("part après", "share after")}, rows, 0)
	}
	return w.Flush()
}
