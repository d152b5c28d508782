package travel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// Default crow-fly parameters. The detour factors were measured on the three
// French OpenStreetMap extracts in ../shared/data/osm with the road engine of
// package geo/road (TestDetourFactors): 200 random pairs of network nodes
// per extract and network, 500 m to 15 km apart, road distance of the
// fastest route divided by the great-circle distance:
//
//	network  all (600 pairs)   Paris 3e-10e-11e   Monaco + neighbours   Saint-Brieuc–Loudéac
//	         median   p90      median   p90       median   p90          median   p90
//	foot     1.21     1.60     1.19     1.37      1.43     2.14         1.11     1.26
//	bike     1.35     2.18     1.39     1.85      1.72     2.59         1.11     1.27
//	car      1.39     2.66     1.45     2.12      1.82     3.80         1.03     1.06
//
// The defaults are the overall medians, rounded: half of the trips are
// longer than the crow-fly estimate (one in ten more than 1.6× on foot,
// 2.7× by car, mostly on Monaco's hillside hairpins), so a crow-fly result
// is an estimate, not a bound; use the road engine where an extract exists.
// (The Breton corridor's car network is a few disconnected road pieces, which
// is why its car detour is so low.) The car speed, applied along the
// detoured distance, is the measured median average speed of the same car
// routes (37.2 km/h; p10 27.6, p90 55.0) rounded down to 35 km/h.
const (
	WalkKmh   = 4.5  // brisk adult walking speed, km/h
	SeniorKmh = 3.5  // walking speed of an elderly person, km/h
	BikeKmh   = 15.0 // everyday cycling speed, km/h
	CarKmh    = 35.0 // average car speed along the road, km/h

	FootDetour = 1.2  // measured median road/great-circle ratio on foot (1.21)
	BikeDetour = 1.35 // measured median for bicycles (1.35)
	CarDetour  = 1.4  // measured median for cars (1.39: one-ways, bigger roads)
)

// ErrUnknownMode is returned when a mode name is not among the known modes.
var ErrUnknownMode = errors.New("travel: unknown mode")

// Modes is a set of travel modes, looked up by name.
type Modes []Mode

// DefaultModes returns the one table of travel modes, which route, coverage
// profiles, proposals, tours and the API all read (a profile or a --modes
// file may override a field, never restate the table):
//
//	name    network  speed (km/h)      detour  source of the figures
//	walk    foot     4.5 (WalkKmh)     1.2     adult walking pace ≈ 1.25 m/s; detour measured (TestDetourFactors)
//	senior  foot     3.5 (SeniorKmh)   1.2     pace of an elderly person (the README's seniors-20min-walk); same foot detour
//	bike    bike     15 (BikeKmh)      1.35    everyday cycling speed; detour measured
//	car     car      35 (CarKmh)       1.4     measured median average speed of car routes (37.2 km/h) rounded down; detour measured
//
// On the road network the car drives at speeds per OSM highway class; the
// speed above is the crow-fly speed along the detoured distance and the
// access speed off the network (see the constants above). The result is a
// fresh slice.
func DefaultModes() Modes {
	return Modes{
		{Name: "walk", Network: "foot", SpeedKmh: WalkKmh, Detour: FootDetour},
		{Name: "senior", Network: "foot", SpeedKmh: SeniorKmh, Detour: FootDetour},
		{Name: "bike", Network: "bike", SpeedKmh: BikeKmh, Detour: BikeDetour},
		{Name: "car", Network: "car", SpeedKmh: CarKmh, Detour: CarDetour},
	}
}

// Get returns the mode called name.
func (ms Modes) Get(name string) (Mode, error) {
	for _, m := range ms {
		if m.Name == name {
			return m, nil
		}
	}
	return Mode{}, fmt.Errorf("%w: %q", ErrUnknownMode, name)
}

// ConfigError reports an invalid modes configuration.
type ConfigError struct {
	File   string // the file read, "" when read from a reader
	Mode   string // the mode concerned, "" for the whole file
	Reason string
}

func (e *ConfigError) Error() string {
	s := "travel: modes config"
	if e.File != "" {
		s += " " + e.File
	}
	if e.Mode != "" {
		s += fmt.Sprintf(": mode %q", e.Mode)
	}
	return s + ": " + e.Reason
}

// modeOverride is one entry of a config file: absent fields keep the default.
type modeOverride struct {
	Name     string   `json:"name"`
	Network  *string  `json:"network"`
	SpeedKmh *float64 `json:"speed_kmh"`
	Detour   *float64 `json:"detour"`
}

// LoadModes reads a JSON modes file and applies it over DefaultModes. The
// file is {"modes": [{"name": "senior", "speed_kmh": 3.0}, …]}: an entry
// naming a default mode overrides only the fields it gives; a new name adds a
// mode, which must then give network and speed_kmh (detour defaults to 1).
func LoadModes(path string) (Modes, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("travel: modes config: %w", err)
	}
	ms, err := ParseModes(bytes.NewReader(b))
	var ce *ConfigError
	if errors.As(err, &ce) {
		ce.File = path
	}
	return ms, err
}

// ParseModes is LoadModes on a reader.
func ParseModes(r io.Reader) (Modes, error) {
	var cfg struct {
		Modes []modeOverride `json:"modes"`
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, &ConfigError{Reason: err.Error()}
	}
	ms := DefaultModes()
	for _, o := range cfg.Modes {
		if o.Name == "" {
			return nil, &ConfigError{Reason: "a mode has no name"}
		}
		i := -1
		for j := range ms {
			if ms[j].Name == o.Name {
				i = j
			}
		}
		if i < 0 {
			if o.Network == nil || o.SpeedKmh == nil {
				return nil, &ConfigError{Mode: o.Name, Reason: "a new mode needs network and speed_kmh"}
			}
			ms = append(ms, Mode{Name: o.Name, Detour: 1})
			i = len(ms) - 1
		}
		m := &ms[i]
		if o.Network != nil {
			m.Network = *o.Network
		}
		if o.SpeedKmh != nil {
			m.SpeedKmh = *o.SpeedKmh
		}
		if o.Detour != nil {
			m.Detour = *o.Detour
		}
		if err := m.validate(); err != nil {
			return nil, &ConfigError{Mode: o.Name, Reason: err.Error()}
		}
	}
	return ms, nil
}

func (m Mode) validate() error {
	switch m.Network {
	case "foot", "car", "bike":
	default:
		return fmt.Errorf("network %q is not foot, car or bike", m.Network)
	}
	if !(m.SpeedKmh > 0 && m.SpeedKmh <= 300) || math.IsInf(m.SpeedKmh, 0) {
		return fmt.Errorf("speed_kmh %v is not in (0, 300]", m.SpeedKmh)
	}
	if !(m.Detour >= 1 && m.Detour <= 5) {
		return fmt.Errorf("detour %v is not in [1, 5]", m.Detour)
	}
	return nil
}
