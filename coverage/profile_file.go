package coverage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo/travel"
)

// profileFile is the file form of a profile.
type profileFile struct {
	Name               string          `json:"name"`
	Description        string          `json:"description"`
	Population         json.RawMessage `json:"population"`
	Weight             json.RawMessage `json:"weight"`
	Mode               string          `json:"mode"`
	Engine             string          `json:"engine"`
	SpeedKmh           *float64        `json:"speed_kmh"`
	Detour             *float64        `json:"detour"`
	MaxMinutes         *float64        `json:"max_minutes"`
	MinWeeklyHours     float64         `json:"min_weekly_hours"`
	Services           []string        `json:"services"`
	Programmes         []string        `json:"programmes"`
	Publics            []string        `json:"publics"`
	Free               bool            `json:"free"`
	Decay              string          `json:"decay"`
	DecayParam         float64         `json:"decay_param"`
	UnknownHoursSupply float64         `json:"unknown_hours_supply"`
}

type weightFile struct {
	Extra     map[string]float64 `json:"extra"`
	NeedsHelp json.RawMessage    `json:"needs_help"` // true, or {column: rate}
	Fragility float64            `json:"fragility"`
}

// ParseProfiles reads a profile file, JSON or YAML (YAML is read with
// github.com/goccy/go-yaml and converted to JSON), of the form
//
//	{"profiles":[{"name":"walk-1km","population":"all","mode":"walk",
//	  "engine":"crowfly","speed_kmh":6,"detour":1.0,"max_minutes":10}]}
//
// Fields of a profile: name (required, unique), description, population
// ("all" or a list of Filosofi columns in any case), weight {extra:
// {column: w}, needs_help: true | {column: rate}, fragility: slope}, mode
// (walk, senior, bike, car), engine (crowfly, road, auto; default auto),
// speed_kmh, detour, max_minutes (required, > 0), min_weekly_hours, services
// (schema labels), programmes, publics, free, decay (step, e2sfca, apl,
// linear, exponential, gaussian), decay_param, unknown_hours_supply.
// Unknown fields and values are errors (*ProfileError, naming the profile and
// the field).
func ParseProfiles(data []byte) ([]Profile, error) {
	trim := bytes.TrimSpace(data)
	if len(trim) == 0 {
		return nil, &ProfileError{Field: "profiles", Reason: "empty file"}
	}
	if trim[0] != '{' {
		j, err := yaml.YAMLToJSON(trim)
		if err != nil {
			return nil, &ProfileError{Field: "profiles", Reason: "not valid YAML: " + firstLine(err.Error())}
		}
		trim = j
	}
	var file struct {
		Profiles []json.RawMessage `json:"profiles"`
	}
	if err := strictDecode(trim, &file); err != nil {
		return nil, &ProfileError{Field: fieldOf(err, "profiles"), Reason: reasonOf(err)}
	}
	if len(file.Profiles) == 0 {
		return nil, &ProfileError{Field: "profiles", Reason: "no profile"}
	}
	out := make([]Profile, 0, len(file.Profiles))
	seen := map[string]bool{}
	for i, raw := range file.Profiles {
		label := fmt.Sprintf("#%d", i+1)
		var named struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(raw, &named) == nil && named.Name != "" {
			label = named.Name
		}
		var pf profileFile
		if err := strictDecode(raw, &pf); err != nil {
			return nil, &ProfileError{Profile: label, Field: fieldOf(err, "profile"), Reason: reasonOf(err)}
		}
		p, err := pf.profile()
		if err != nil {
			err.Profile = label
			return nil, err
		}
		if seen[p.Name] {
			return nil, &ProfileError{Profile: label, Field: "name", Reason: "duplicate profile name"}
		}
		seen[p.Name] = true
		out = append(out, p)
	}
	return out, nil
}

func strictDecode(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// fieldOf names the field a JSON decoding error is about.
func fieldOf(err error, def string) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return te.Field
	}
	if s, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return strings.Trim(s, `"`)
	}
	return def
}

func reasonOf(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "expected " + te.Type.String() + ", got " + te.Value
	}
	if strings.HasPrefix(err.Error(), "json: unknown field ") {
		return "unknown field"
	}
	return strings.TrimPrefix(firstLine(err.Error()), "json: ")
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func bad(field, format string, args ...any) *ProfileError {
	return &ProfileError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// profile checks a file profile and converts it.
func (pf *profileFile) profile() (Profile, *ProfileError) {
	p := Profile{Name: strings.TrimSpace(pf.Name), Description: pf.Description}
	if p.Name == "" {
		return p, bad("name", "missing")
	}
	// population
	if len(pf.Population) > 0 && string(pf.Population) != "null" {
		var all string
		var cols []string
		switch {
		case json.Unmarshal(pf.Population, &all) == nil:
			if !strings.EqualFold(all, "all") {
				a, ok := maillage.ParseAttr(all)
				if !ok {
					return p, bad("population", "unknown column %q (want \"all\" or Filosofi columns such as Ind_65_79)", all)
				}
				p.Population = []maillage.Attr{a}
			}
		case json.Unmarshal(pf.Population, &cols) == nil:
			if len(cols) == 0 {
				return p, bad("population", "empty list")
			}
			for _, c := range cols {
				a, ok := maillage.ParseAttr(strings.TrimSpace(c))
				if !ok {
					return p, bad("population", "unknown column %q", c)
				}
				if a == maillage.Men || a == maillage.MenPauv || a == maillage.Men1Ind {
					return p, bad("population", "%q counts households, not persons (use it in weight.extra)", c)
				}
				if !slices.Contains(p.Population, a) {
					p.Population = append(p.Population, a)
				}
			}
			if slices.Contains(p.Population, maillage.Ind) && len(p.Population) > 1 {
				return p, bad("population", "Ind already counts everyone; do not combine it with age bands")
			}
		default:
			return p, bad("population", "want \"all\" or a list of column names")
		}
	}
	// weight
	if len(pf.Weight) > 0 && string(pf.Weight) != "null" {
		w := &weightFile{}
		if err := strictDecode(pf.Weight, w); err != nil {
			f := "weight"
			if sub := fieldOf(err, ""); sub != "" {
				f += "." + sub
			}
			return p, bad(f, "%s", reasonOf(err))
		}
		for col, x := range w.Extra {
			a, ok := maillage.ParseAttr(strings.TrimSpace(col))
			if !ok {
				return p, bad("weight.extra", "unknown column %q", col)
			}
			if !finite(x) || x < 0 {
				return p, bad("weight.extra", "weight %v of %q must be ≥ 0", x, col)
			}
			p.Weight.Extra[a] = x
		}
		if len(w.NeedsHelp) > 0 && string(w.NeedsHelp) != "null" {
			var on bool
			var rates map[string]float64
			switch {
			case json.Unmarshal(w.NeedsHelp, &on) == nil:
				if on {
					d := DefaultNeedsHelp()
					p.Weight.NeedsHelp = &d
				}
			case json.Unmarshal(w.NeedsHelp, &rates) == nil:
				d := DefaultNeedsHelp()
				for col, r := range rates {
					a, ok := maillage.ParseAttr(strings.TrimSpace(col))
					if !ok {
						return p, bad("weight.needs_help", "unknown column %q", col)
					}
					if a == maillage.Ind {
						return p, bad("weight.needs_help", "Ind counts everyone: give rates per age band")
					}
					if !finite(r) || r < 0 || r > 1 {
						return p, bad("weight.needs_help", "rate %v of %q must be within [0, 1]", r, col)
					}
					d[a] = r
				}
				p.Weight.NeedsHelp = &d
			default:
				return p, bad("weight.needs_help", "want true or {column: rate}")
			}
		}
		if !finite(w.Fragility) || w.Fragility < 0 {
			return p, bad("weight.fragility", "slope %v must be ≥ 0", w.Fragility)
		}
		p.Weight.Fragility = w.Fragility
	}
	// mode and engine
	if pf.Mode == "" {
		return p, bad("mode", "missing (walk, senior, bike or car)")
	}
	m, err := travel.DefaultModes().Get(strings.ToLower(pf.Mode))
	if err != nil {
		return p, bad("mode", "unknown mode %q (walk, senior, bike or car)", pf.Mode)
	}
	if pf.SpeedKmh != nil {
		if !finite(*pf.SpeedKmh) || *pf.SpeedKmh <= 0 || *pf.SpeedKmh > 200 {
			return p, bad("speed_kmh", "%v km/h is not within (0, 200]", *pf.SpeedKmh)
		}
		m.SpeedKmh = *pf.SpeedKmh
	}
	if pf.Detour != nil {
		if !finite(*pf.Detour) || *pf.Detour < 1 || *pf.Detour > 5 {
			return p, bad("detour", "%v is not within [1, 5]", *pf.Detour)
		}
		m.Detour = *pf.Detour
	}
	p.Mode = m
	switch e := strings.ToLower(pf.Engine); e {
	case "":
		p.Engine = EngineAuto
	case EngineCrowFly, EngineRoad, EngineAuto:
		p.Engine = e
	default:
		return p, bad("engine", "unknown engine %q (crowfly, road or auto)", pf.Engine)
	}
	// limits
	if pf.MaxMinutes == nil {
		return p, bad("max_minutes", "missing")
	}
	if x := *pf.MaxMinutes; !finite(x) || x <= 0 || x > 600 {
		return p, bad("max_minutes", "%v is not within (0, 600]", x)
	}
	p.MaxMinutes = *pf.MaxMinutes
	if x := pf.MinWeeklyHours; !finite(x) || x < 0 || x > 168*20 {
		return p, bad("min_weekly_hours", "%v must be ≥ 0", x)
	}
	p.MinWeeklyHours = pf.MinWeeklyHours
	if x := pf.UnknownHoursSupply; !finite(x) || x < 0 || x > 168 {
		return p, bad("unknown_hours_supply", "%v is not within [0, 168]", x)
	}
	p.UnknownHoursSupply = pf.UnknownHoursSupply
	// filter
	for _, s := range pf.Services {
		v, ok := maillage.ParseService(s)
		if !ok {
			return p, bad("services", "unknown service %q (use the schema's labels, e.g. « Aide aux démarches administratives »)", s)
		}
		p.Filter.Services |= v
	}
	for _, s := range pf.Programmes {
		i := slices.IndexFunc(Programmes, func(q string) bool { return strings.EqualFold(q, strings.TrimSpace(s)) })
		if i < 0 {
			return p, bad("programmes", "unknown programme %q", s)
		}
		p.Filter.Programmes = append(p.Filter.Programmes, Programmes[i])
	}
	for _, s := range pf.Publics {
		i := slices.IndexFunc(Publics, func(q string) bool { return strings.EqualFold(q, strings.TrimSpace(s)) })
		if i < 0 {
			return p, bad("publics", "unknown public %q", s)
		}
		p.Filter.Publics = append(p.Filter.Publics, Publics[i])
	}
	p.Filter.Free = pf.Free
	// decay
	p.Decay = DecayStep
	if pf.Decay != "" {
		d := Decay(strings.ToLower(pf.Decay))
		if !slices.Contains(decays, d) {
			return p, bad("decay", "unknown decay %q (step, e2sfca, apl, linear, exponential, gaussian)", pf.Decay)
		}
		p.Decay = d
	}
	if x := pf.DecayParam; !finite(x) || x < 0 {
		return p, bad("decay_param", "%v must be ≥ 0", x)
	}
	p.DecayParam = pf.DecayParam
	return p, nil
}
