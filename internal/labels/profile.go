package labels

import (
	"slices"
	"strings"

	"github.com/maillage/maillage"
)

// ProfileFacts are what a demand profile's label says: who is counted, how
// they travel, how long, to which places. coverage.Profile.Facts fills it;
// this package cannot import coverage (coverage uses these labels).
type ProfileFacts struct {
	Name       string
	Population []maillage.Attr // counted attributes; empty: everyone
	NeedsHelp  bool            // weighted by the likelihood of needing help
	// Double lists attributes whose persons count at least twice (an extra
	// weight ≥ 1), e.g. 80+ in seniors-20min-walk.
	Double         []maillage.Attr
	Mode           string  // walk, senior, bike, car
	SpeedKmh       float64 // crow-fly speed of the mode, km/h
	MaxMinutes     float64
	MinWeeklyHours float64
	Services       maillage.Service
	Programmes     []string
	Publics        []string
	Free           bool
}

// ProfileLabel is how a profile is shown to people: a short label
// (« 65 ans et plus, 20 min à pied ») and its rule in one sentence.
type ProfileLabel struct {
	Label string `json:"label"`
	Rule  string `json:"rule"`
}

// Profile returns the label and rule of a profile, derived from its facts,
// so a profile read from a user's file is labelled as a built-in one.
func (l Lang) Profile(f ProfileFacts) ProfileLabel {
	who := l.Who(f.Population, f.NeedsHelp)
	label := l.Sprintf("%s, %s min %s", "%s, %s min %s", upperFirst(who), l.Num(f.MaxMinutes, decimals(f.MaxMinutes)), l.Mode(f.Mode))
	if t := l.target(f, true); t != "" {
		label += " — " + t
	}
	var rule strings.Builder
	ruleWho := upperFirst(who)
	if len(f.Population) > 0 && !(len(f.Population) == 1 && f.Population[0] == maillage.Ind) && !f.NeedsHelp {
		ruleWho = l.Pick("Les ", "People ") + who
	}
	rule.WriteString(ruleWho)
	if len(f.Double) > 0 {
		var ds []string
		for _, a := range f.Double {
			ds = append(ds, l.Attr(a))
		}
		rule.WriteString(l.Sprintf(" (les %s comptent double)", " (those %s count double)", strings.Join(ds, ", ")))
	}
	mode := l.ModeLong(f.Mode)
	if f.SpeedKmh > 0 {
		mode += " (" + l.Num(f.SpeedKmh, decimals(f.SpeedKmh)) + " km/h)"
	}
	rule.WriteString(l.Sprintf(" à moins de %s min %s %s", " within %s min %s %s",
		l.Num(f.MaxMinutes, decimals(f.MaxMinutes)), mode, l.place(f)))
	if f.MinWeeklyHours > 0 {
		rule.WriteString(l.Sprintf(", ces lieux ouvrant au moins %s par semaine au total", ", these places open %s a week or more in total", l.Hours(f.MinWeeklyHours)))
	}
	rule.WriteString(".")
	return ProfileLabel{Label: label, Rule: rule.String()}
}

// place says which places a profile counts, in a rule: "d'un lieu de
// médiation numérique", "d'un lieu France Services", "d'un lieu offrant
// « Aide aux démarches administratives »".
func (l Lang) place(f ProfileFacts) string {
	if len(f.Programmes) == 0 && f.Services == 0 && len(f.Publics) == 0 {
		s := l.Pick("d'un lieu de médiation numérique", "of a digital-help place")
		if f.Free {
			s += l.Pick(" gratuit", " free of charge")
		}
		return s
	}
	var ps []string
	for _, p := range f.Programmes {
		ps = append(ps, l.Programme(p))
	}
	s := l.Pick("d'un lieu", "of a")
	if len(ps) > 0 {
		s += " " + strings.Join(ps, l.Pick(" ou ", " or "))
	}
	s += l.Pick("", " place")
	var ss []string
	for i := range serviceTerms {
		if sv := maillage.Service(1 << i); f.Services&sv != 0 {
			ss = append(ss, "« "+l.Service(sv)+" »")
		}
	}
	if len(ss) > 0 {
		s += l.Pick(" offrant ", " offering ") + strings.Join(ss, l.Pick(" ou ", " or "))
	}
	if len(f.Publics) > 0 {
		var pu []string
		for _, p := range f.Publics {
			pu = append(pu, l.Public(p))
		}
		s += l.Pick(" accueillant le public ", " serving ") + strings.Join(pu, l.Pick(" ou ", " or "))
	}
	if f.Free {
		s += l.Pick(", gratuit", ", free of charge")
	}
	return s
}

// target names the places a profile counts ("France Services", « aide aux
// démarches administratives »), short or in full, "" for any place.
func (l Lang) target(f ProfileFacts, short bool) string {
	var parts []string
	for _, p := range f.Programmes {
		parts = append(parts, l.Programme(p))
	}
	for i := range serviceTerms {
		s := maillage.Service(1 << i)
		if f.Services&s == 0 {
			continue
		}
		if short {
			parts = append(parts, l.ServiceShort(s))
		} else {
			parts = append(parts, "« "+l.Service(s)+" »")
		}
	}
	for _, p := range f.Publics {
		parts = append(parts, l.Pick("pour le public ", "for ")+l.Public(p))
	}
	s := strings.Join(parts, l.Pick(" ou ", " or "))
	if f.Free {
		if s != "" {
			s += ", "
		}
		s += l.Pick("gratuit", "free of charge")
	}
	return s
}

// ageFrom gives the lower bound of each age band.
var ageFrom = map[maillage.Attr]int{maillage.Ind0_3: 0, maillage.Ind4_5: 4, maillage.Ind6_10: 6, maillage.Ind11_17: 11,
	maillage.Ind18_24: 18, maillage.Ind25_39: 25, maillage.Ind40_54: 40, maillage.Ind55_64: 55, maillage.Ind65_79: 65, maillage.Ind80p: 80}

// Who describes a profile's population in lower case: "toute la
// population" (everyone), "65 ans et plus" (contiguous bands up to 80+),
// "18 à 24 ans, 65 à 79 ans" otherwise; needsHelp gives "personnes
// susceptibles d'avoir besoin d'aide" (of those bands).
func (l Lang) Who(pop []maillage.Attr, needsHelp bool) string {
	var who string
	switch {
	case len(pop) == 0 || len(pop) == 1 && pop[0] == maillage.Ind:
		who = l.Pick("toute la population", "everyone")
		if needsHelp {
			return l.Pick("personnes susceptibles d'avoir besoin d'aide", "people likely to need help")
		}
	default:
		bands := slices.Clone(pop)
		slices.Sort(bands)
		contiguous := bands[len(bands)-1] == maillage.Ind80p
		for i := 1; i < len(bands); i++ {
			contiguous = contiguous && bands[i] == bands[i-1]+1
		}
		if lo, ok := ageFrom[bands[0]]; contiguous && ok && len(bands) > 1 {
			who = l.Sprintf("%d ans et plus", "aged %d and over", lo)
			if lo == 0 {
				who = l.Pick("tous âges connus", "every known age")
			}
		} else {
			var parts []string
			for _, a := range bands {
				parts = append(parts, l.Attr(a))
			}
			who = strings.Join(parts, ", ")
		}
		if needsHelp {
			who = l.Pick("personnes susceptibles d'avoir besoin d'aide, ", "people likely to need help, ") + who
		}
	}
	return who
}

// decimals is 0 for a whole number, else 1.
func decimals(x float64) int {
	if x == float64(int64(x)) {
		return 0
	}
	return 1
}

func upperFirst(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}
