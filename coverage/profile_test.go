package coverage

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/maillage/maillage"
)

func TestParseProfilesGood(t *testing.T) {
	cases := []struct {
		name  string
		file  string
		check func(t *testing.T, ps []Profile)
	}{
		{"issue-form", `{"profiles":[{"name":"walk-1km","population":"all","mode":"walk","engine":"crowfly","speed_kmh":6,"detour":1.0,"max_minutes":10}]}`,
			func(t *testing.T, ps []Profile) {
				p := ps[0]
				if p.Name != "walk-1km" || p.Population != nil || p.Mode.SpeedKmh != 6 || p.Mode.Detour != 1 ||
					p.Engine != EngineCrowFly || p.MaxSeconds() != 600 || p.Mode.Network != "foot" {
					t.Errorf("%+v", p)
				}
				// 10 min at 6 km/h, detour 1: 1 km
				if d := p.MaxSeconds() * p.Mode.SpeedKmh / 3.6 / p.Mode.Detour; math.Abs(d-1000) > 1e-9 {
					t.Errorf("reach %v m, want 1000", d)
				}
			}},
		{"columns-any-case", `{"profiles":[{"name":"old","population":["ind_65_79","IND_80P"],"mode":"senior","max_minutes":20,
			"weight":{"extra":{"Ind_80p":1,"men_pauv":0.5},"fragility":0.5},"min_weekly_hours":4,
			"services":["aide aux démarches administratives"],"programmes":["france services"],"publics":["Seniors"],"free":true,"decay":"E2SFCA"}]}`,
			func(t *testing.T, ps []Profile) {
				p := ps[0]
				if !slices.Equal(p.Population, []maillage.Attr{maillage.Ind65_79, maillage.Ind80p}) || p.Engine != EngineAuto ||
					p.Weight.Extra[maillage.Ind80p] != 1 || p.Weight.Extra[maillage.MenPauv] != 0.5 || p.Weight.Fragility != 0.5 ||
					p.Filter.Services != maillage.ServiceDemarches || p.Filter.Programmes[0] != "France Services" ||
					p.Filter.Publics[0] != "Seniors" || !p.Filter.Free || p.Decay != DecayE2SFCA || p.MinWeeklyHours != 4 {
					t.Errorf("%+v", p)
				}
				// 10 persons 65-79, 5 persons 80+, 4 poor households, fragility 6:
				// (15 + 5·1 + 4·0.5)·(1 + 0.5·6/10) = 22·1.3 = 28.6
				var pop maillage.Pop
				pop[maillage.Ind65_79], pop[maillage.Ind80p], pop[maillage.MenPauv], pop[maillage.Ind] = 10, 5, 4, 100
				if got := p.Persons(&pop); got != 15 {
					t.Errorf("persons %v, want 15", got)
				}
				if got := p.Weighted(&pop, 6); math.Abs(got-28.6) > 1e-12 {
					t.Errorf("weighted %v, want 28.6", got)
				}
			}},
		{"needs-help", `{"profiles":[{"name":"nh","mode":"car","max_minutes":30,"weight":{"needs_help":{"Ind_80p":1}}}]}`,
			func(t *testing.T, ps []Profile) {
				// defaults 0.19 for 18-64, 0.6 for 65-79, overridden 1 for 80+:
				// 100 aged 25-39, 10 aged 65-79, 5 aged 80+, 20 aged 0-3 → 19 + 6 + 5 + 0 = 30
				var pop maillage.Pop
				pop[maillage.Ind25_39], pop[maillage.Ind65_79], pop[maillage.Ind80p], pop[maillage.Ind0_3] = 100, 10, 5, 20
				pop[maillage.Ind] = 135
				if got := ps[0].Weighted(&pop, 0); math.Abs(got-30) > 1e-12 {
					t.Errorf("weighted %v, want 30", got)
				}
			}},
		{"yaml", "profiles:\n  - name: a\n    mode: bike\n    engine: road\n    max_minutes: 15\n    population: [Ind_18_24]\n  - name: b\n    mode: car\n    max_minutes: 30\n    weight:\n      needs_help: true\n",
			func(t *testing.T, ps []Profile) {
				if len(ps) != 2 || ps[0].Engine != EngineRoad || ps[0].Mode.SpeedKmh != 15 || ps[0].Population[0] != maillage.Ind18_24 ||
					ps[1].Weight.NeedsHelp == nil || ps[1].Weight.NeedsHelp[maillage.Ind65_79] != 0.6 {
					t.Errorf("%+v", ps)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ps, err := ParseProfiles([]byte(c.file))
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, ps)
		})
	}
}

func TestParseProfilesBad(t *testing.T) {
	wrap := func(s string) string { return `{"profiles":[` + s + `]}` }
	cases := []struct {
		name, file, profile, field, reason string
	}{
		{"unknown-column", wrap(`{"name":"p","population":["Ind_65_79","Ind_99"],"mode":"walk","max_minutes":10}`), "p", "population", "Ind_99"},
		{"unknown-column-string", wrap(`{"name":"p","population":"seniors","mode":"walk","max_minutes":10}`), "p", "population", "seniors"},
		{"negative-time", wrap(`{"name":"p","mode":"walk","max_minutes":-5}`), "p", "max_minutes", "-5"},
		{"missing-time", wrap(`{"name":"p","mode":"walk"}`), "p", "max_minutes", "missing"},
		{"negative-hours", wrap(`{"name":"p","mode":"walk","max_minutes":5,"min_weekly_hours":-1}`), "p", "min_weekly_hours", "-1"},
		{"unknown-service", wrap(`{"name":"p","mode":"car","max_minutes":20,"services":["Aide aux impôts"]}`), "p", "services", "Aide aux impôts"},
		{"unknown-programme", wrap(`{"name":"p","mode":"car","max_minutes":20,"programmes":["France Service"]}`), "p", "programmes", "France Service"},
		{"unknown-public", wrap(`{"name":"p","mode":"car","max_minutes":20,"publics":["Retraités"]}`), "p", "publics", "Retraités"},
		{"unknown-mode", wrap(`{"name":"p","mode":"plane","max_minutes":20}`), "p", "mode", "plane"},
		{"unknown-engine", wrap(`{"name":"p","mode":"car","engine":"osrm","max_minutes":20}`), "p", "engine", "osrm"},
		{"unknown-field", wrap(`{"name":"p","mode":"car","max_minute":20}`), "p", "max_minute", "unknown field"},
		{"unknown-weight-field", wrap(`{"name":"p","mode":"car","max_minutes":20,"weight":{"elderly":2}}`), "p", "weight.elderly", "unknown field"},
		{"bad-extra-column", wrap(`{"name":"p","mode":"car","max_minutes":20,"weight":{"extra":{"Ind_100p":1}}}`), "p", "weight.extra", "Ind_100p"},
		{"bad-rate", wrap(`{"name":"p","mode":"car","max_minutes":20,"weight":{"needs_help":{"Ind_80p":2}}}`), "p", "weight.needs_help", "within [0, 1]"},
		{"needs-help-ind", wrap(`{"name":"p","mode":"car","max_minutes":20,"weight":{"needs_help":{"Ind":0.2}}}`), "p", "weight.needs_help", "age band"},
		{"bad-speed", wrap(`{"name":"p","mode":"car","max_minutes":20,"speed_kmh":0}`), "p", "speed_kmh", "0"},
		{"bad-detour", wrap(`{"name":"p","mode":"car","max_minutes":20,"detour":0.5}`), "p", "detour", "0.5"},
		{"bad-decay", wrap(`{"name":"p","mode":"car","max_minutes":20,"decay":"cubic"}`), "p", "decay", "cubic"},
		{"wrong-type", wrap(`{"name":"p","mode":"car","max_minutes":"twenty"}`), "p", "max_minutes", "expected"},
		{"households-as-persons", wrap(`{"name":"p","mode":"car","max_minutes":20,"population":["Men_pauv"]}`), "p", "population", "households"},
		{"unnamed", wrap(`{"mode":"car","max_minutes":20},{"mode":"car","max_minutes":20}`), "#1", "name", "missing"},
		{"second-profile", wrap(`{"name":"ok","mode":"car","max_minutes":20},{"name":"bad","mode":"car","max_minutes":0}`), "bad", "max_minutes", "0"},
		{"duplicate", wrap(`{"name":"p","mode":"car","max_minutes":20},{"name":"p","mode":"car","max_minutes":20}`), "p", "name", "duplicate"},
		{"no-profiles", `{"profiles":[]}`, "", "profiles", "no profile"},
		{"top-level-unknown", `{"profile":[]}`, "", "profile", "unknown field"},
		{"empty", ``, "", "profiles", "empty"},
		{"yaml-unknown-column", "profiles:\n  - name: y\n    mode: walk\n    max_minutes: 5\n    population: [Ind_65_79, Ind_90p]\n", "y", "population", "Ind_90p"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseProfiles([]byte(c.file))
			var pe *ProfileError
			if !errors.As(err, &pe) || !errors.Is(err, ErrBadProfile) {
				t.Fatalf("err = %v, want a *ProfileError", err)
			}
			if pe.Profile != c.profile || pe.Field != c.field || !strings.Contains(pe.Reason, c.reason) {
				t.Errorf("got profile %q field %q reason %q; want %q %q ~%q", pe.Profile, pe.Field, pe.Reason, c.profile, c.field, c.reason)
			}
			if c.profile != "" && !strings.Contains(err.Error(), `"`+c.profile+`"`) || !strings.Contains(err.Error(), c.field) {
				t.Errorf("message %q does not name the profile and the field", err)
			}
		})
	}
}

func TestBuiltins(t *testing.T) {
	want := map[string]bool{"france-services-30min-car": true, "demarches-20min-car": true, "seniors-20min-walk": true, "needs-help-30min-car": true}
	for _, p := range Builtins() {
		delete(want, p.Name)
		if p.MaxMinutes <= 0 || p.Mode.SpeedKmh <= 0 {
			t.Errorf("%s: %+v", p.Name, p)
		}
	}
	if len(want) != 0 {
		t.Errorf("missing built-ins %v", want)
	}
	fs, _ := FindProfile(Builtins(), "france-services-30min-car")
	v := maillage.Venue{Programmes: []string{"france services"}}
	if !fs.Filter.Match(&v) || fs.MaxMinutes != 30 || fs.Mode.Name != "car" {
		t.Errorf("france-services: %+v", fs)
	}
	sen, _ := FindProfile(Builtins(), "seniors-20min-walk")
	if sen.Mode.SpeedKmh != 3.5 || len(sen.Population) != 2 { // the README's senior pace
		t.Errorf("seniors: %+v", sen)
	}
}

func TestFilterMatch(t *testing.T) {
	v := maillage.Venue{Services: maillage.ServiceDemarches | maillage.ServiceAcces, Programmes: []string{"Conseillers numériques"},
		Publics: []string{"Seniors", "Jeunes"}, Fees: "Gratuit"}
	cases := []struct {
		f    Filter
		want bool
	}{
		{Filter{}, true},
		{Filter{Services: maillage.ServiceDemarches}, true},
		{Filter{Services: maillage.ServiceLoisirs}, false},
		{Filter{Services: maillage.ServiceLoisirs | maillage.ServiceAcces}, true},
		{Filter{Programmes: []string{"France Services"}}, false},
		{Filter{Programmes: []string{"France Services", "Conseillers numériques"}}, true},
		{Filter{Publics: []string{"seniors"}}, true},
		{Filter{Publics: []string{"Femmes"}}, false},
		{Filter{Free: true}, true},
	}
	for i, c := range cases {
		if got := c.f.Match(&v); got != c.want {
			t.Errorf("case %d %+v: %v, want %v", i, c.f, got, c.want)
		}
	}
	v.Fees = "Gratuit sous condition"
	if (&Filter{Free: true}).Match(&v) {
		t.Error("conditional fees matched free")
	}
}

func FuzzParseProfiles(f *testing.F) {
	f.Add([]byte(`{"profiles":[{"name":"walk-1km","population":"all","mode":"walk","engine":"crowfly","speed_kmh":6,"detour":1.0,"max_minutes":10}]}`))
	f.Add([]byte(`{"profiles":[{"name":"old","population":["Ind_65_79","Ind_80p"],"mode":"senior","max_minutes":20,"weight":{"extra":{"Ind_80p":1},"needs_help":true,"fragility":1},"services":["Aide aux démarches administratives"]}]}`))
	f.Add([]byte("profiles:\n  - name: a\n    mode: bike\n    max_minutes: 15\n"))
	f.Add([]byte(`{"profiles":[{"name":"x","mode":"car","max_minutes":1e400}]}`))
	f.Add([]byte(`{"profiles":[{"name":"x","mode":"car","max_minutes":5,"weight":{"needs_help":{"Ind_80p":0.5}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := ParseProfiles(data)
		if err != nil {
			if !errors.Is(err, ErrBadProfile) {
				t.Fatalf("error %v does not wrap ErrBadProfile", err)
			}
			return
		}
		for _, p := range ps {
			if p.Name == "" || !(p.MaxMinutes > 0) || !(p.Mode.SpeedKmh > 0) || p.MinWeeklyHours < 0 {
				t.Fatalf("accepted invalid profile %+v", p)
			}
		}
	})
}
