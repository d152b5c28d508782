package coverage

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo/travel"
	"github.com/maillage/maillage/internal/labels"
)

// ErrBadProfile is wrapped by every *ProfileError.
var ErrBadProfile = errors.New("coverage: bad profile")

// ProfileError reports what is wrong in a profile file: which profile (its
// name, or its position when it has none), which field and why.
type ProfileError struct {
	Profile string // the profile's name, or "#N" (1-based position) when unnamed
	Field   string // the JSON/YAML field, e.g. "population", "weight.extra"
	Reason  string
}

func (e *ProfileError) Error() string {
	if e.Profile == "" {
		return fmt.Sprintf("coverage: profile file: field %q: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("coverage: profile %q: field %q: %s", e.Profile, e.Field, e.Reason)
}

// Unwrap returns ErrBadProfile.
func (e *ProfileError) Unwrap() error { return ErrBadProfile }

// Engine names accepted in a profile.
const (
	EngineCrowFly = "crowfly" // great-circle distance × detour, at the mode's speed
	EngineRoad    = "road"    // shortest paths on the territory's road network
	EngineAuto    = "auto"    // road when the territory has a network, else crow-fly (the caller's EngineFor decides)
)

// Programmes lists the national programmes of the schema's
// dispositif_programmes_nationaux field (v1.0.2) that a filter may name.
var Programmes = []string{
	"Aidants Connect", "Bibliothèques numérique de référence", "Certification PIX",
	"Conseillers numériques", "Emmaüs Connect", "France Services",
	"Grande école du numérique", "La Croix Rouge", "Point d'accès numérique CAF",
	"Promeneurs du net", "Relais numérique (Emmaüs Connect)",
}

// Publics lists the schema's publics_specifiquement_adresses values that a
// filter may name.
var Publics = []string{"Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes"}

// Filter selects the places a profile counts. Empty fields do not constrain.
// A place must offer ANY of Services, belong to ANY of Programmes, address ANY
// of Publics, and be "Gratuit" when Free is set (a place whose fees are
// unknown or "Gratuit sous condition" is not free).
type Filter struct {
	Services   maillage.Service
	Programmes []string
	Publics    []string
	Free       bool
}

// Match reports whether v passes the filter (position and hours aside).
func (f *Filter) Match(v *maillage.Venue) bool {
	if f.Services != 0 && v.Services&f.Services == 0 {
		return false
	}
	if len(f.Programmes) > 0 && !slices.ContainsFunc(f.Programmes, v.HasProgramme) {
		return false
	}
	if len(f.Publics) > 0 && !slices.ContainsFunc(f.Publics, func(p string) bool {
		return slices.ContainsFunc(v.Publics, func(q string) bool { return strings.EqualFold(p, q) })
	}) {
		return false
	}
	if f.Free && !strings.EqualFold(strings.TrimSpace(v.Fees), "Gratuit") {
		return false
	}
	return true
}

// Weight says how much each person of a profile's population counts in
// weighted demand. For one commune part with attributes Pop:
//
//	base     = Σ_a NeedsHelp[a]·Pop[a]   when NeedsHelp is set,
//	         = persons (Σ of the profile's population columns) otherwise
//	weighted = (base + Σ_a Extra[a]·Pop[a]) · (1 + Fragility·F/10)
//
// where F ∈ [0, 10] is the commune's digital-fragility index (0 when unknown).
// The zero Weight counts every person once.
type Weight struct {
	Extra     maillage.Pop  // extra weight per unit of an attribute (person or household)
	NeedsHelp *maillage.Pop // per-attribute share of people likely to need help; nil: not used
	Fragility float64       // slope of the fragility multiplier; 0: not used
}

// DefaultNeedsHelp returns the default "needs help" rates: the share of the
// people of each age band who are likely to need help with an online
// procedure. They are assumptions drawn from published surveys and can be
// overridden per profile (weight.needs_help):
//   - under 18: 0 (minors are not the applicants; their parents are counted);
//   - 18-64 (and age unknown): 0.19, Bordeaux Métropole 2023 survey of 5,000
//     residents: 19 % needed help with an online procedure;
//   - 65-79: 0.6, Baromètre du numérique / Défenseur des droits: 6 adults in
//     10 cannot manage an online procedure alone or have difficulties, the
//     rate being higher for seniors than for adults overall;
//   - 80 and over: 0.8, "people over 70 are often excluded outright"
//     (Défenseur des droits 2022): most cannot do the procedure alone.
func DefaultNeedsHelp() maillage.Pop {
	var r maillage.Pop
	for _, a := range []maillage.Attr{maillage.Ind18_24, maillage.Ind25_39, maillage.Ind40_54, maillage.Ind55_64, maillage.IndInc} {
		r[a] = 0.19
	}
	r[maillage.Ind65_79] = 0.6
	r[maillage.Ind80p] = 0.8
	return r
}

// Decay names a distance-decay function of the 2SFCA family (see access.go).
type Decay string

// The decay functions. All are 0 beyond the profile's time limit T.
const (
	DecayStep        Decay = "step"        // 1 within T
	DecayE2SFCA      Decay = "e2sfca"      // 1, 0.68, 0.22 over the thirds of T (Luo & Qi 2009)
	DecayAPL         Decay = "apl"         // 1, 0.3, 0.1 over 0-5, 5-10, 10-15 min, then 0 (APL-style bands)
	DecayLinear      Decay = "linear"      // 1 − t/T
	DecayExponential Decay = "exponential" // exp(−β·t), β = DecayParam per minute (default 3/T)
	DecayGaussian    Decay = "gaussian"    // (exp(−½(t/T)²) − exp(−½)) / (1 − exp(−½)) (Dai 2010)
)

var decays = []Decay{DecayStep, DecayE2SFCA, DecayAPL, DecayLinear, DecayExponential, DecayGaussian}

// Profile is one demand profile: who, weighted how, reaching which places, by
// which mode, within how long. Profiles are plain values, safe to copy.
type Profile struct {
	Name        string
	Description string
	// Population lists the attributes counted as persons (e.g. Ind65_79 and
	// Ind80p); empty means everyone (Ind).
	Population []maillage.Attr
	Weight     Weight
	Mode       travel.Mode
	Engine     string  // EngineCrowFly, EngineRoad or EngineAuto
	MaxMinutes float64 // travel-time limit, minutes
	// MinWeeklyHours is the opening time, in hours per week summed over the
	// suitable places within MaxMinutes, that a cell needs to be covered.
	// Places whose hours are unknown add nothing to it (see the package doc).
	MinWeeklyHours float64
	Filter         Filter
	Decay          Decay   // accessibility decay; "" means step
	DecayParam     float64 // β of the exponential decay, per minute; 0: 3/MaxMinutes
	// UnknownHoursSupply is the weekly supply, in hours, assumed for a place
	// whose hours are unknown in the 2SFCA accessibility. 0 (the default)
	// leaves such places out of the supply (they still count for binary
	// coverage without a minimum of hours).
	UnknownHoursSupply float64
}

// Facts returns what the profile's label says (who, how, how long, to which
// places), for labels.Lang.Profile: « 65 ans et plus, 20 min à pied ».
func (p *Profile) Facts() labels.ProfileFacts {
	f := labels.ProfileFacts{
		Name: p.Name, Population: slices.Clone(p.Population), NeedsHelp: p.Weight.NeedsHelp != nil,
		Mode: p.Mode.Name, SpeedKmh: p.Mode.SpeedKmh, MaxMinutes: p.MaxMinutes, MinWeeklyHours: p.MinWeeklyHours,
		Services: p.Filter.Services, Programmes: slices.Clone(p.Filter.Programmes),
		Publics: slices.Clone(p.Filter.Publics), Free: p.Filter.Free,
	}
	for a, x := range p.Weight.Extra {
		if x >= 1 {
			f.Double = append(f.Double, maillage.Attr(a))
		}
	}
	return f
}

// MaxSeconds returns the travel-time limit in seconds.
func (p *Profile) MaxSeconds() float64 { return p.MaxMinutes * 60 }

// Persons returns the number of persons of pop that the profile counts.
func (p *Profile) Persons(pop *maillage.Pop) float64 {
	if len(p.Population) == 0 {
		return pop[maillage.Ind]
	}
	s := 0.0
	for _, a := range p.Population {
		s += pop[a]
	}
	return s
}

// Weighted returns the weighted demand of pop in a commune whose fragility
// index is frag (0..10, 0 when unknown); see Weight.
func (p *Profile) Weighted(pop *maillage.Pop, frag float64) float64 {
	var base float64
	if p.Weight.NeedsHelp != nil {
		for a, r := range p.Weight.NeedsHelp {
			if r != 0 && p.counts(maillage.Attr(a)) {
				base += r * pop[a]
			}
		}
	} else {
		base = p.Persons(pop)
	}
	for a, x := range p.Weight.Extra {
		if x != 0 {
			base += x * pop[a]
		}
	}
	if p.Weight.Fragility != 0 {
		base *= 1 + p.Weight.Fragility*frag/10
	}
	return base
}

// counts reports whether the needs-help rate of attribute a applies: with
// population "all" every attribute does; otherwise only the listed ones.
func (p *Profile) counts(a maillage.Attr) bool {
	return len(p.Population) == 0 || slices.Contains(p.Population, a)
}

// Builtins returns the built-in profiles (new values at each call):
//   - france-services-30min-car: everyone within 30 min by car of a France
//     Services site (the national target);
//   - demarches-20min-car: everyone within 20 min by car of any place offering
//     « Aide aux démarches administratives »;
//   - seniors-20min-walk: people aged 65+ within 20 min on foot at a senior's
//     pace of any place, 80+ counting double;
//   - needs-help-30min-car: people likely to need help (DefaultNeedsHelp)
//     within 30 min by car of places open at least 4 h a week in total.
//
// They use EngineAuto: road travel when the territory has a network.
func Builtins() []Profile {
	mode := map[string]travel.Mode{}
	for _, m := range travel.DefaultModes() {
		mode[m.Name] = m
	}
	nh := DefaultNeedsHelp()
	var extra80 maillage.Pop
	extra80[maillage.Ind80p] = 1
	return []Profile{
		{Name: "france-services-30min-car", Description: "everyone within 30 min by car of a France Services (national target)",
			Mode: mode["car"], Engine: EngineAuto, MaxMinutes: 30, Filter: Filter{Programmes: []string{"France Services"}}, Decay: DecayStep},
		{Name: "demarches-20min-car", Description: "everyone within 20 min by car of help with administrative procedures",
			Mode: mode["car"], Engine: EngineAuto, MaxMinutes: 20, Filter: Filter{Services: maillage.ServiceDemarches}, Decay: DecayE2SFCA},
		{Name: "seniors-20min-walk", Description: "people aged 65+ within 20 min on foot at a senior's pace (80+ count double)",
			Population: []maillage.Attr{maillage.Ind65_79, maillage.Ind80p}, Weight: Weight{Extra: extra80},
			Mode: mode["senior"], Engine: EngineAuto, MaxMinutes: 20, Decay: DecayLinear},
		{Name: "needs-help-30min-car", Description: "people likely to need help, within 30 min by car of places open 4 h a week or more",
			Weight: Weight{NeedsHelp: &nh}, Mode: mode["car"], Engine: EngineAuto, MaxMinutes: 30, MinWeeklyHours: 4, Decay: DecayGaussian},
	}
}
