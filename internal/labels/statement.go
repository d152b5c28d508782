package labels

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/maillage/maillage"
)

// Statement states a profile's uncovered population plainly: « 12 345
// personnes (3,2 %) vivent à plus de 30 min en voiture d'un lieu France
// Services : l'objectif national … ». uncovered and persons are the
// profile's persons. The English sentence is the coverage report's JSON
// statement, unchanged since it was introduced ("12,345 people (3.2 %) live
// more than 30 min by car from a France Services site").
func (l Lang) Statement(f ProfileFacts, uncovered, persons float64) string {
	un := math.Max(0, uncovered)
	pct := 0.0
	if persons > 0 {
		pct = 100 * un / persons
	}
	if l == EN {
		return statementEN(f, un, pct)
	}
	who := "personnes"
	if w := l.Who(f.Population, false); len(f.Population) > 0 && !(len(f.Population) == 1 && f.Population[0] == maillage.Ind) {
		who = "personnes de " + w
	}
	verb := "vivent"
	if un < 2 {
		verb = "vit"
		who = strings.Replace(who, "personnes", "personne", 1)
	}
	hours := ""
	if f.MinWeeklyHours > 0 {
		hours = ", ces lieux ouvrant au moins " + l.Hours(f.MinWeeklyHours) + " par semaine au total"
	}
	mode := l.ModeLong(f.Mode)
	if strings.Contains(mode, ",") {
		mode += ","
	}
	s := fmt.Sprintf("%s %s (%s) %s à plus de %s min %s %s%s", l.Int(un), who, l.Num(pct, 1)+Group+"%", verb,
		l.Num(f.MaxMinutes, decimals(f.MaxMinutes)), mode, l.place(f), hours)
	if nationalTarget(f) {
		if un < 0.5 {
			s += " : l'objectif national de 30 minutes est atteint"
		} else {
			s += fmt.Sprintf(" : il manque %s personnes pour atteindre l'objectif national (tout le monde à moins de 30 min d'une France Services)", l.Int(un))
		}
	}
	return s
}

// nationalTarget reports whether f is the national target: everyone within
// 30 min by car of a France Services.
func nationalTarget(f ProfileFacts) bool {
	return len(f.Programmes) == 1 && f.Programmes[0] == "France Services" && f.MaxMinutes == 30 &&
		f.Mode == "car" && f.MinWeeklyHours == 0
}

func statementEN(f ProfileFacts, un, pct float64) string {
	who := "people" + whoEN(f.Population)
	by := map[string]string{"walk": "on foot", "senior": "on foot at a senior's pace", "car": "by car", "bike": "by bike"}[f.Mode]
	if by == "" {
		by = "by " + f.Mode
	}
	what := "a mediation place"
	switch {
	case len(f.Programmes) == 1:
		what = "a " + f.Programmes[0] + " site"
	case len(f.Programmes) > 1:
		what = "a place of " + strings.Join(f.Programmes, " or ")
	case f.Services != 0:
		what = "a place offering « " + strings.Join(f.Services.Names(), " » or « ") + " »"
	}
	if f.Free {
		what += " free of charge"
	}
	hours := ""
	if f.MinWeeklyHours > 0 {
		hours = fmt.Sprintf(" open %g h a week or more in total", f.MinWeeklyHours)
	}
	s := fmt.Sprintf("%s %s (%.1f %%) live more than %g min %s from %s%s", EN.Int(un), who, pct, f.MaxMinutes, by, what, hours)
	if nationalTarget(f) {
		if un < 0.5 {
			s += ": the national 30-minute target is met"
		} else {
			s += fmt.Sprintf(": the national target (everyone within 30 min of a France Services) is missed by %s people", EN.Int(un))
		}
	}
	return s
}

// whoEN describes a population for statementEN: "" for everyone, " aged
// 65+" for contiguous bands up to 80+, else " aged 18-24, 65-79".
func whoEN(pop []maillage.Attr) string {
	if len(pop) == 0 || len(pop) == 1 && pop[0] == maillage.Ind {
		return ""
	}
	bands := slices.Clone(pop)
	slices.Sort(bands)
	contiguous := bands[len(bands)-1] == maillage.Ind80p
	for i := 1; i < len(bands); i++ {
		contiguous = contiguous && bands[i] == bands[i-1]+1
	}
	if _, ok := ageFrom[bands[0]]; contiguous && ok {
		return fmt.Sprintf(" aged %d+", ageFrom[bands[0]])
	}
	var parts []string
	for _, a := range bands {
		switch {
		case a == maillage.Ind80p:
			parts = append(parts, "80+")
		case a == maillage.IndInc:
			parts = append(parts, "of unknown age")
		default:
			if lo, ok := ageFrom[a]; ok {
				parts = append(parts, fmt.Sprintf("%d-%d", lo, ageFrom[a+1]-1))
			} else {
				parts = append(parts, a.String())
			}
		}
	}
	return " aged " + strings.Join(parts, ", ")
}
