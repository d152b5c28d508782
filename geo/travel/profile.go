package travel

import (
	"strconv"
	"strings"
)

// Tags gives the value of an OpenStreetMap tag, "" when absent. osm.Tags
// satisfies it.
type Tags interface {
	Find(key string) string
}

// Profile says which OpenStreetMap ways a road network admits, in which
// directions and at what speed. Profiles are read-only once built and safe
// for concurrent use.
type Profile struct {
	Name string // "car", "foot" or "bike": the Network of the modes using it
	// Kmh is the speed in km/h per value of the highway tag; a class absent
	// from the map is closed to the profile.
	Kmh map[string]float64
	// RefKmh is the speed the Kmh table is written for. When positive, a
	// mode's edge speeds are Kmh × mode.SpeedKmh / RefKmh (a senior walks
	// every way more slowly); when zero the Kmh speeds are used as they are
	// (car: the road sets the speed).
	RefKmh float64
	// MaxspeedFactor, when positive, makes a parsable maxspeed tag override
	// the class speed: speed = maxspeed × MaxspeedFactor (junctions, traffic
	// and curves keep the average under the limit).
	MaxspeedFactor float64
	// Oneway makes the profile honour oneway tags (and the oneway implied by
	// roundabouts and motorways). OnewayKey is a more specific key that, when
	// set, wins over "oneway" (e.g. "oneway:bicycle").
	Oneway    bool
	OnewayKey string
	// AccessKeys are the access tags consulted, most specific first: the
	// first one present decides (e.g. motorcar, motor_vehicle, vehicle,
	// access).
	AccessKeys []string
	// ClosedIf closes a way carrying one of these tag=value pairs (e.g.
	// motorroad=yes for walkers and cyclists).
	ClosedIf map[string]string
}

// DefaultProfiles returns the built-in car, foot and bike profiles.
//
// Car speeds (km/h) per highway class follow common routing practice (OSRM's
// car profile, rounded): motorway 90, trunk 80, primary 65, secondary 55,
// tertiary 40, unclassified 35, residential 25, living_street 10, service 15;
// links are slower. A maxspeed tag overrides them at 80 % of the limit.
// Footways, paths, cycleways, steps, pedestrian streets, tracks and
// bridleways are closed to cars. Walkers may use every class but motorways
// and motorway links (and ways tagged motorroad=yes, e.g. French "voies
// express"); steps count at half speed. Cyclists use roads and cycleways,
// not motorways, steps or footways (unless bicycle=yes).
func DefaultProfiles() []*Profile {
	return []*Profile{CarProfile(), FootProfile(), BikeProfile()}
}

// CarProfile returns the default car profile (see DefaultProfiles).
func CarProfile() *Profile {
	return &Profile{
		Name: "car",
		Kmh: map[string]float64{
			"motorway": 90, "motorway_link": 45,
			"trunk": 80, "trunk_link": 40,
			"primary": 65, "primary_link": 30,
			"secondary": 55, "secondary_link": 25,
			"tertiary": 40, "tertiary_link": 20,
			"unclassified": 35, "residential": 25, "road": 20,
			"living_street": 10, "service": 15,
		},
		MaxspeedFactor: 0.8,
		Oneway:         true,
		AccessKeys:     []string{"motorcar", "motor_vehicle", "vehicle", "access"},
	}
}

// FootProfile returns the default walking profile (see DefaultProfiles).
func FootProfile() *Profile {
	k := map[string]float64{}
	for _, c := range []string{"trunk", "trunk_link", "primary", "primary_link",
		"secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
		"residential", "road", "living_street", "service", "track", "path",
		"footway", "pedestrian", "cycleway", "bridleway", "corridor", "platform"} {
		k[c] = WalkKmh
	}
	k["steps"] = WalkKmh / 2
	return &Profile{
		Name: "foot", Kmh: k, RefKmh: WalkKmh,
		AccessKeys: []string{"foot", "access"},
		ClosedIf:   map[string]string{"motorroad": "yes"},
	}
}

// BikeProfile returns the default cycling profile (see DefaultProfiles).
func BikeProfile() *Profile {
	k := map[string]float64{}
	for _, c := range []string{"trunk", "trunk_link", "primary", "primary_link",
		"secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
		"residential", "road", "living_street", "service", "cycleway"} {
		k[c] = BikeKmh
	}
	k["track"] = BikeKmh * 0.6
	k["path"] = BikeKmh * 0.6
	k["living_street"] = BikeKmh * 0.6
	k["pedestrian"] = 6 // walking the bike
	return &Profile{
		Name: "bike", Kmh: k, RefKmh: BikeKmh,
		Oneway: true, OnewayKey: "oneway:bicycle",
		AccessKeys: []string{"bicycle", "vehicle", "access"},
		ClosedIf:   map[string]string{"motorroad": "yes"},
	}
}

// Speeds returns the speeds in km/h along (fwd) and against (bwd) the way's
// node order; 0 means closed in that direction. Both are 0 when the way is
// not routable for the profile.
func (p *Profile) Speeds(t Tags) (fwd, bwd float64) {
	hw := t.Find("highway")
	if hw == "" {
		return 0, 0
	}
	open := func(v string) bool {
		switch v {
		case "no", "private", "agricultural", "forestry", "emergency", "military", "discouraged", "use_sidepath":
			return false
		}
		return true
	}
	// An explicit permission opens a class the table closes (footway with
	// bicycle=yes), unless the generic access tag alone says so.
	speed, ok := p.Kmh[hw]
	for i, k := range p.AccessKeys {
		v := t.Find(k)
		if v == "" {
			continue
		}
		if !open(v) {
			return 0, 0
		}
		if !ok && i < len(p.AccessKeys)-1 && (v == "yes" || v == "designated" || v == "permissive") {
			if s, ok2 := p.Kmh["path"]; ok2 {
				speed, ok = s, true
			}
		}
		break
	}
	if !ok {
		return 0, 0
	}
	for k, v := range p.ClosedIf {
		if t.Find(k) == v {
			return 0, 0
		}
	}
	if p.MaxspeedFactor > 0 {
		if ms, ok := ParseMaxspeed(t.Find("maxspeed")); ok {
			speed = ms * p.MaxspeedFactor
		}
	}
	if speed <= 0 {
		return 0, 0
	}
	fwd, bwd = speed, speed
	if !p.Oneway {
		return fwd, bwd
	}
	ow := ""
	if p.OnewayKey != "" {
		ow = t.Find(p.OnewayKey)
	}
	if ow == "" {
		ow = t.Find("oneway")
	}
	switch ow {
	case "yes", "true", "1":
		return fwd, 0
	case "-1", "reverse":
		return 0, bwd
	case "reversible", "alternating":
		return 0, 0 // direction changes during the day: not usable for planning
	case "no", "false", "0":
		return fwd, bwd
	}
	if j := t.Find("junction"); j == "roundabout" || j == "circular" {
		return fwd, 0
	}
	if hw == "motorway" || hw == "motorway_link" {
		return fwd, 0
	}
	return fwd, bwd
}

// implicitKmh returns the implicit speed limit written "CC:kind" in
// maxspeed tags (France first, then the countries of the project's data).
func implicitKmh(v string) (float64, bool) {
	switch v {
	case "PT:rural", "AD:rural", "ES:rural", "IT:rural":
		return 90, true
	case "PT:motorway", "ES:motorway", "CH:motorway":
		return 120, true
	case "PT:trunk":
		return 100, true
	case "US:urban":
		return 40, true
	case "US:rural":
		return 88, true
	case "US:motorway":
		return 105, true
	case "DE:rural":
		return 100, true
	case "BE:rural":
		return 70, true
	case "GB:nsl_single":
		return 96, true
	case "GB:nsl_dual", "GB:motorway":
		return 112, true
	}
	switch v[3:] {
	case "urban":
		return 50, true
	case "rural":
		return 80, true
	case "trunk":
		return 110, true
	case "motorway":
		return 130, true
	case "zone30", "bicycle_road":
		return 30, true
	case "zone20", "living_street":
		return 20, true
	case "walk":
		return 6, true
	}
	return 0, false
}

// ParseMaxspeed reads an OpenStreetMap maxspeed value in km/h: "50",
// "50 mph", "30 knots", "FR:urban", "FR:zone30", "walk", "none" (130), and
// "50;30" (the lowest). ok is false for anything else ("signals",
// "variable", garbage).
func ParseMaxspeed(v string) (kmh float64, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if i := strings.IndexByte(v, ';'); i >= 0 {
		a, okA := ParseMaxspeed(v[:i])
		b, okB := ParseMaxspeed(v[i+1:])
		switch {
		case okA && okB:
			return min(a, b), true
		case okA:
			return a, true
		default:
			return b, okB
		}
	}
	switch v {
	case "none":
		return 130, true
	case "walk":
		return 6, true
	}
	if len(v) > 3 && v[2] == ':' {
		return implicitKmh(v)
	}
	num, unit := v, ""
	if i := strings.IndexFunc(v, func(r rune) bool { return (r < '0' || r > '9') && r != '.' }); i >= 0 {
		num, unit = v[:i], strings.TrimSpace(v[i:])
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || !(f > 0 && f < 400) {
		return 0, false
	}
	switch unit {
	case "", "km/h", "kmh", "kph":
		return f, true
	case "mph":
		return f * 1.609344, true
	case "knots":
		return f * 1.852, true
	}
	return 0, false
}
