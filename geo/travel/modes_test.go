package travel

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

func TestDefaultModes(t *testing.T) {
	ms := DefaultModes()
	tests := []struct {
		name, network string
		kmh, detour   float64
	}{
		{"walk", "foot", 4.5, FootDetour},
		{"senior", "foot", 3.5, FootDetour},
		{"bike", "bike", 15, BikeDetour},
		{"car", "car", 35, CarDetour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ms.Get(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if m.Network != tt.network || m.SpeedKmh != tt.kmh || m.Detour != tt.detour {
				t.Errorf("got %+v, want network %s, %v km/h, detour %v", m, tt.network, tt.kmh, tt.detour)
			}
			if err := m.validate(); err != nil {
				t.Error(err)
			}
		})
	}
	if _, err := ms.Get("plane"); !errors.Is(err, ErrUnknownMode) {
		t.Errorf("Get(plane) = %v, want ErrUnknownMode", err)
	}
	ms[0].SpeedKmh = 99 // a fresh slice each call
	if m, _ := DefaultModes().Get("walk"); m.SpeedKmh != 4.5 {
		t.Errorf("DefaultModes shares its slice: walk at %v km/h", m.SpeedKmh)
	}
}

func TestLoadModes(t *testing.T) {
	ms, err := LoadModes("testdata/modes.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 5 {
		t.Fatalf("%d modes, want the 4 defaults + wheelchair", len(ms))
	}
	sen, _ := ms.Get("senior")
	if sen.SpeedKmh != 3.0 || sen.Network != "foot" || sen.Detour != FootDetour {
		t.Errorf("senior = %+v, want 3 km/h on foot with the default detour", sen)
	}
	wc, _ := ms.Get("wheelchair")
	if wc != (Mode{Name: "wheelchair", Network: "foot", SpeedKmh: 2.5, Detour: 1.4}) {
		t.Errorf("wheelchair = %+v", wc)
	}
	car, _ := ms.Get("car")
	if car.SpeedKmh != CarKmh {
		t.Errorf("car changed: %+v", car)
	}
	if _, err := LoadModes("testdata/missing.json"); err == nil {
		t.Error("missing file: no error")
	}
}

func TestParseModesErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not json", `{`, "unexpected EOF"},
		{"unknown field", `{"modes":[{"name":"walk","speed":3}]}`, "unknown field"},
		{"no name", `{"modes":[{"speed_kmh":3}]}`, "no name"},
		{"new mode incomplete", `{"modes":[{"name":"horse","speed_kmh":8}]}`, "needs network"},
		{"bad network", `{"modes":[{"name":"walk","network":"rail"}]}`, "network \"rail\""},
		{"zero speed", `{"modes":[{"name":"walk","speed_kmh":0}]}`, "speed_kmh 0"},
		{"detour below 1", `{"modes":[{"name":"car","detour":0.9}]}`, "detour 0.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseModes(strings.NewReader(tt.in))
			var ce *ConfigError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a ConfigError containing %q", err, tt.want)
			}
		})
	}
}

func FuzzParseModes(f *testing.F) {
	f.Add(`{"modes":[{"name":"senior","speed_kmh":3}]}`)
	f.Add(`{"modes":[{"name":"x","network":"car","speed_kmh":1e308,"detour":1}]}`)
	f.Add(`{"modes":null}`)
	f.Fuzz(func(t *testing.T, in string) {
		ms, err := ParseModes(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, m := range ms {
			if err := m.validate(); err != nil {
				t.Fatalf("accepted invalid mode %+v: %v", m, err)
			}
		}
	})
}

func TestParseMaxspeed(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"50", 50, true},
		{" 30 ", 30, true},
		{"50 mph", 80.4672, true},
		{"50mph", 80.4672, true},
		{"10 knots", 18.52, true},
		{"90 km/h", 90, true},
		{"FR:urban", 50, true},
		{"FR:rural", 80, true},
		{"FR:zone30", 30, true},
		{"FR:motorway", 130, true},
		{"PT:rural", 90, true},
		{"walk", 6, true},
		{"none", 130, true},
		{"50;30", 30, true},
		{"signals;50", 50, true},
		{"signals", 0, false},
		{"variable", 0, false},
		{"XX:nowhere", 0, false},
		{"-20", 0, false},
		{"0", 0, false},
		{"fast", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseMaxspeed(tt.in)
			if ok != tt.ok || math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("ParseMaxspeed(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzParseMaxspeed(f *testing.F) {
	for _, s := range []string{"50", "50 mph", "FR:urban", "50;30", ";", "1e400", "NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseMaxspeed(s)
		if ok && !(v > 0 && v < 800) {
			t.Fatalf("ParseMaxspeed(%q) = %v, ok", s, v)
		}
	})
}

type tags map[string]string

func (m tags) Find(k string) string { return m[k] }

func TestProfileSpeeds(t *testing.T) {
	car, foot, bike := CarProfile(), FootProfile(), BikeProfile()
	tests := []struct {
		name     string
		p        *Profile
		tags     tags
		fwd, bwd float64
	}{
		{"car residential", car, tags{"highway": "residential"}, 25, 25},
		{"car maxspeed", car, tags{"highway": "residential", "maxspeed": "50"}, 40, 40},
		{"car maxspeed mph", car, tags{"highway": "primary", "maxspeed": "30 mph"}, 30 * 1.609344 * 0.8, 30 * 1.609344 * 0.8},
		{"car FR:urban", car, tags{"highway": "primary", "maxspeed": "FR:urban"}, 40, 40},
		{"car bad maxspeed keeps class", car, tags{"highway": "secondary", "maxspeed": "signals"}, 55, 55},
		{"car oneway yes", car, tags{"highway": "residential", "oneway": "yes"}, 25, 0},
		{"car oneway true", car, tags{"highway": "residential", "oneway": "true"}, 25, 0},
		{"car oneway 1", car, tags{"highway": "residential", "oneway": "1"}, 25, 0},
		{"car oneway -1", car, tags{"highway": "residential", "oneway": "-1"}, 0, 25},
		{"car reversible closed", car, tags{"highway": "residential", "oneway": "reversible"}, 0, 0},
		{"car roundabout", car, tags{"highway": "tertiary", "junction": "roundabout"}, 40, 0},
		{"car roundabout oneway=no", car, tags{"highway": "tertiary", "junction": "roundabout", "oneway": "no"}, 40, 40},
		{"car motorway implied oneway", car, tags{"highway": "motorway"}, 90, 0},
		{"car motorway_link implied oneway", car, tags{"highway": "motorway_link"}, 45, 0},
		{"car footway closed", car, tags{"highway": "footway"}, 0, 0},
		{"car path closed", car, tags{"highway": "path"}, 0, 0},
		{"car steps closed", car, tags{"highway": "steps"}, 0, 0},
		{"car pedestrian closed", car, tags{"highway": "pedestrian"}, 0, 0},
		{"car footway motor_vehicle=yes still closed", car, tags{"highway": "footway", "motor_vehicle": "yes"}, 0, 0},
		{"car access=no", car, tags{"highway": "residential", "access": "no"}, 0, 0},
		{"car access=private", car, tags{"highway": "service", "access": "private"}, 0, 0},
		{"car motor_vehicle=no", car, tags{"highway": "residential", "motor_vehicle": "no"}, 0, 0},
		{"car access=no motor_vehicle=yes", car, tags{"highway": "residential", "access": "no", "motor_vehicle": "yes"}, 25, 25},
		{"car access=destination", car, tags{"highway": "residential", "access": "destination"}, 25, 25},
		{"not a highway", car, tags{"building": "yes"}, 0, 0},
		{"construction", car, tags{"highway": "construction"}, 0, 0},
		{"foot residential ignores oneway", foot, tags{"highway": "residential", "oneway": "yes"}, 4.5, 4.5},
		{"foot footway", foot, tags{"highway": "footway"}, 4.5, 4.5},
		{"foot steps half speed", foot, tags{"highway": "steps"}, 2.25, 2.25},
		{"foot motorway closed", foot, tags{"highway": "motorway"}, 0, 0},
		{"foot motorway_link closed", foot, tags{"highway": "motorway_link"}, 0, 0},
		{"foot trunk open", foot, tags{"highway": "trunk"}, 4.5, 4.5},
		{"foot trunk motorroad closed", foot, tags{"highway": "trunk", "motorroad": "yes"}, 0, 0},
		{"foot=no", foot, tags{"highway": "primary", "foot": "no"}, 0, 0},
		{"foot access=private", foot, tags{"highway": "service", "access": "private"}, 0, 0},
		{"foot access=no foot=yes", foot, tags{"highway": "service", "access": "no", "foot": "yes"}, 4.5, 4.5},
		{"foot ignores maxspeed", foot, tags{"highway": "primary", "maxspeed": "90"}, 4.5, 4.5},
		{"bike oneway", bike, tags{"highway": "residential", "oneway": "yes"}, 15, 0},
		{"bike contraflow", bike, tags{"highway": "residential", "oneway": "yes", "oneway:bicycle": "no"}, 15, 15},
		{"bike footway closed", bike, tags{"highway": "footway"}, 0, 0},
		{"bike footway bicycle=yes", bike, tags{"highway": "footway", "bicycle": "yes"}, 9, 9},
		{"bike bicycle=no", bike, tags{"highway": "residential", "bicycle": "no"}, 0, 0},
		{"bike motorway closed", bike, tags{"highway": "motorway"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, b := tt.p.Speeds(tt.tags)
			if math.Abs(f-tt.fwd) > 1e-9 || math.Abs(b-tt.bwd) > 1e-9 {
				t.Errorf("Speeds(%v) = %v, %v; want %v, %v", tt.tags, f, b, tt.fwd, tt.bwd)
			}
		})
	}
}

func TestCrowFly(t *testing.T) {
	car, _ := DefaultModes().Get("car")
	bordeaux := orb.Point{-0.5792, 44.8378}
	pts := []orb.Point{bordeaux, {-0.5792, 44.8378 + 0.09}, {-0.5792, 44.8378 + 0.5}}
	e := NewCrowFly(car, pts)
	d := geo.Distance(pts[0], pts[1]) // ≈ 10 km, computed independently
	r, err := e.Route(pts[0], pts[1])
	if err != nil {
		t.Fatal(err)
	}
	if want := d * CarDetour / (CarKmh / 3.6); math.Abs(r.Seconds-want) > 1e-6 {
		t.Errorf("route %v s, want %v", r.Seconds, want)
	}
	if math.Abs(r.Meters-d*CarDetour) > 1e-6 {
		t.Errorf("route %v m, want %v", r.Meters, d*CarDetour)
	}
	got := map[int32]float32{}
	e.Reach(bordeaux, 30*60, func(i int32, s float32) { got[i] = s })
	if len(got) != 2 { // 10 km × 1.4 at 35 km/h = 24 min: in; 55 km: out
		t.Errorf("reach 30 min = %v, want points 0 and 1", got)
	}
	near := e.Nearest([]orb.Point{pts[2]}, math.Inf(1))
	if near[2] != 0 || math.Abs(float64(near[0])-geo.Distance(pts[0], pts[2])*CarDetour/(CarKmh/3.6)) > 0.01 {
		t.Errorf("nearest = %v", near)
	}
}
