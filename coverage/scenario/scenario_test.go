package scenario

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/paulmach/orb"
)

// square returns the polygon of the lon/lat box [x0,x1]×[y0,y1].
func square(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

func pop(ind, p80 float64) maillage.Pop {
	var p maillage.Pop
	p[maillage.Ind], p[maillage.Ind80p] = ind, p80
	return p
}

// testTerritory is two square communes side by side, 0.1° wide (≈7.9 km at
// 45° N), three cells (the middle one straddling the border) and two places.
func testTerritory() *maillage.Territory {
	return &maillage.Territory{
		Name:       "test",
		Resolution: 9,
		Communes: []maillage.Commune{
			{Code: "00001", Name: "Aville", Geometry: square(0, 45, 0.1, 45.1), Center: orb.Point{0.05, 45.05}},
			{Code: "00002", Name: "Bville", Geometry: square(0.1, 45, 0.2, 45.1), Center: orb.Point{0.15, 45.05}},
		},
		Cells: []maillage.Cell{
			{Center: orb.Point{0.05, 45.05}, Pop: pop(100, 10), Commune: 0, PartStart: 0, PartEnd: 1},
			{Center: orb.Point{0.15, 45.05}, Pop: pop(50, 20), Commune: 1, PartStart: 1, PartEnd: 2},
			{Center: orb.Point{0.1, 45.05}, Pop: pop(50, 5), Commune: 0, PartStart: 2, PartEnd: 4},
		},
		Parts: []maillage.Part{
			{Cell: 0, Commune: 0, Pop: pop(100, 10)},
			{Cell: 1, Commune: 1, Pop: pop(50, 20)},
			{Cell: 2, Commune: 0, Pop: pop(30, 5)},
			{Cell: 2, Commune: 1, Pop: pop(20, 0)},
		},
		Venues: []maillage.Venue{
			{ID: "v1", Name: "Médiathèque", Point: orb.Point{0.02, 45.02}, Located: true, Commune: "00001",
				Services: maillage.ServiceDemarches,
				Hours:    maillage.Week{Known: true, Days: [7][]maillage.Span{{{Open: 540, Close: 720}}}}},
			{ID: "v2", Name: "France Services", Point: orb.Point{0.18, 45.08}, Located: true, Commune: "00002",
				Services: maillage.ServiceDemarches | maillage.ServiceAcces, Programmes: []string{"France Services"}},
			{ID: "v3", Name: "Sans position"},
		},
	}
}

func f64(v float64) *float64 { return &v }

// good is a valid scenario of testTerritory.
func good() Scenario {
	return Scenario{Name: "Permanence du mardi", Base: "test", Changes: []Change{
		{Op: OpAdd, Name: "Mairie de Bville", Lat: f64(45.05), Lon: f64(0.12),
			Hours:    []DaySpan{{Day: "Tu", Open: "09:00", Close: "12:00"}, {Day: "th", Open: "14:00", Close: "17:00"}},
			Services: []string{"Aide aux démarches administratives"}, Programmes: []string{"Conseillers numériques"}},
		{Op: OpHours, VenueID: "v1", Hours: []DaySpan{{Day: "Mo", Open: "09:00", Close: "12:00"}, {Day: "We", Open: "13:30", Close: "17:00"}}},
		{Op: OpRemove, VenueID: "v2"},
		{Op: OpServices, VenueID: "new-1", Services: []string{"Accès internet et matériel informatique", "aide aux démarches administratives"}},
	}}
}

func TestValidateRejects(t *testing.T) {
	terr := testTerritory()
	oh := func(s string) (maillage.Week, error) { // a stand-in for data.ParseOpeningHours
		if s == "Mo 09:00-12:00" {
			return maillage.Week{Known: true, Days: [7][]maillage.Span{{{Open: 540, Close: 720}}}}, nil
		}
		return maillage.Week{}, errors.New("cannot parse")
	}
	with := func(f func(*Scenario)) Scenario { s := good(); f(&s); return s }
	tests := []struct {
		name   string
		opt    Options
		s      Scenario
		field  string // of the first problem
		reason string // substring of its reason
		large  bool
	}{
		{"unknown place id", Options{}, with(func(s *Scenario) { s.Changes[2].VenueID = "v9" }),
			"changes[2].venue_id", `unknown place id "v9"`, false},
		{"outside the territory", Options{}, with(func(s *Scenario) { s.Changes[0].Lon = f64(0.3) }),
			"changes[0].lat", "outside territory", false},
		{"just outside, beyond a 500 m buffer", Options{BufferMeters: 500}, with(func(s *Scenario) { s.Changes[0].Lon = f64(0.2071) }),
			"changes[0].lat", "outside territory", false}, // 0.0071° × 78.7 km/° ≈ 559 m east of Bville
		{"negative hours", Options{}, with(func(s *Scenario) { s.Changes[1].Hours[1].Close = "12:00" }),
			"changes[1].hours[1].close", "negative or zero hours", false},
		{"past midnight", Options{}, with(func(s *Scenario) { s.Changes[1].Hours[0].Close = "25:00" }),
			"changes[1].hours[0].close", "not a time of day", false},
		{"overlapping spans", Options{}, with(func(s *Scenario) { s.Changes[1].Hours[1] = DaySpan{Day: "Mo", Open: "11:00", Close: "13:00"} }),
			"changes[1].hours", "overlaps", false},
		{"unknown day", Options{}, with(func(s *Scenario) { s.Changes[1].Hours[0].Day = "Lu" }),
			"changes[1].hours[0].day", `unknown day "Lu"`, false},
		{"unknown service", Options{}, with(func(s *Scenario) { s.Changes[3].Services[1] = "Cours de cuisine" }),
			"changes[3].services[1]", `unknown service "Cours de cuisine"`, false},
		{"id of a base place", Options{}, with(func(s *Scenario) { s.Changes[0].VenueID = "v2" }),
			"changes[0].venue_id", "already a place of territory", false},
		{"id added twice", Options{}, with(func(s *Scenario) { s.Changes = append(s.Changes, s.Changes[0]); s.Changes[4].VenueID = "new-1" }),
			"changes[4].venue_id", "already added by change 0", false},
		{"place used after removal", Options{}, with(func(s *Scenario) {
			s.Changes = append(s.Changes, Change{Op: OpHours, VenueID: "v2", Hours: s.Changes[1].Hours})
		}),
			"changes[4].venue_id", "removed by change 2", false},
		{"empty scenario name", Options{}, with(func(s *Scenario) { s.Name = " " }), "name", "empty", false},
		{"control character", Options{}, with(func(s *Scenario) { s.Name = "a\x00b" }), "name", "control character", false},
		{"empty place name", Options{}, with(func(s *Scenario) { s.Changes[0].Name = "" }), "changes[0].name", "empty", false},
		{"name too long", Options{}, with(func(s *Scenario) { s.Name = strings.Repeat("é", 101) }), "name", "202 bytes, longer than the limit of 200", false},
		{"name not UTF-8", Options{}, with(func(s *Scenario) { s.Name = "Mairie \xe9" }), "name", "not valid UTF-8", false},
		{"name with U+FFFD", Options{}, with(func(s *Scenario) { s.Name = "Mairie \ufffd" }), "name", "U+FFFD at byte 7", false},
		{"right-to-left override", Options{}, with(func(s *Scenario) { s.Name = "Mairie \u202egpj.exe" }), "name", "bidirectional control character U+202E at byte 7", false},
		{"isolate in a place name", Options{}, with(func(s *Scenario) { s.Changes[0].Name = "Mairie\u2067x" }), "changes[0].name", "bidirectional control character U+2067", false},
		{"bidi mark in a programme", Options{}, with(func(s *Scenario) { s.Changes[0].Programmes[0] = "\u200fCN" }), "changes[0].programmes[0]", "U+200F at byte 0", false},
		{"description too long", Options{}, with(func(s *Scenario) { s.Description = strings.Repeat("x", MaxDescriptionLen+1) }),
			"description", "4001 bytes, longer than the limit of 4000", false},
		{"description with a bidi override", Options{}, with(func(s *Scenario) { s.Description = "ligne 1\nligne \u202d2" }),
			"description", "bidirectional control character U+202D at byte 14", false},
		{"description with a control character", Options{}, with(func(s *Scenario) { s.Description = "a\x1bb" }),
			"description", "control character U+001B", false},
		{"too many services", Options{}, with(func(s *Scenario) { s.Changes[3].Services = make([]string, MaxListLen+1) }),
			"changes[3].services", "33 entries, more than 32", false},
		{"too many programmes", Options{}, with(func(s *Scenario) { s.Changes[0].Programmes = make([]string, MaxListLen+1) }),
			"changes[0].programmes", "33 entries, more than 32", false},
		{"long unknown id is not repeated whole", Options{}, with(func(s *Scenario) { s.Changes[2].VenueID = strings.Repeat("v", 5000) }),
			"changes[2].venue_id", `unknown place id "` + strings.Repeat("v", maxQuoted) + `"… in territory "test"`, false},
		{"other territory", Options{}, with(func(s *Scenario) { s.Base = "gironde" }), "base", `"gironde", not "test"`, false},
		{"unknown op", Options{}, with(func(s *Scenario) { s.Changes[2].Op = "close" }), "changes[2].op", `unknown op "close"`, false},
		{"field unused by op", Options{}, with(func(s *Scenario) { s.Changes[2].Name = "x" }), "changes[2].name", `not used by op "remove"`, false},
		{"add without position", Options{}, with(func(s *Scenario) { s.Changes[0].Lat = nil }), "changes[0].lat", "missing", false},
		{"latitude out of range", Options{}, with(func(s *Scenario) { s.Changes[0].Lat = f64(91) }), "changes[0].lat", "not a latitude", false},
		{"hours op without hours", Options{}, with(func(s *Scenario) { s.Changes[1].Hours = nil }), "changes[1].hours", "missing", false},
		{"opening_hours without parser", Options{}, with(func(s *Scenario) { s.Changes[1].OpeningHours = "Mo 09:00-12:00" }),
			"changes[1].opening_hours", "no opening_hours parser", false},
		{"opening_hours unlike hours", Options{ParseOpeningHours: oh}, with(func(s *Scenario) { s.Changes[1].OpeningHours = "Mo 09:00-12:00" }),
			"changes[1].opening_hours", "not the same week", false},
		{"opening_hours unparsable", Options{ParseOpeningHours: oh}, with(func(s *Scenario) { s.Changes[1].Hours = nil; s.Changes[1].OpeningHours = "Mo-Fr sunrise" }),
			"changes[1].opening_hours", "cannot parse", false},
		{"too many changes", Options{MaxChanges: 3}, good(), "changes", "4 changes, more than the limit of 3", true},
		{"too many bytes", Options{MaxBytes: 300}, good(), "body", "more than the limit of 300", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opt.Validate(terr, tt.s)
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate = %v, want a *ValidationError matching ErrInvalid", err)
			}
			if got := errors.Is(err, ErrTooLarge); got != tt.large {
				t.Errorf("errors.Is(err, ErrTooLarge) = %v, want %v", got, tt.large)
			}
			p := ve.Problems[0]
			if p.Field != tt.field || !strings.Contains(p.Reason, tt.reason) {
				t.Errorf("first problem = %q: %q, want %q containing %q (all: %v)", p.Field, p.Reason, tt.field, tt.reason, err)
			}
		})
	}
}

func TestValidateAcceptsAndListsEveryProblem(t *testing.T) {
	terr := testTerritory()
	if err := Validate(terr, good()); err != nil {
		t.Fatalf("Validate(good) = %v", err)
	}
	// 0.0051° east of Bville ≈ 401 m: inside the default 1 km buffer.
	s := good()
	s.Changes[0].Lon = f64(0.2051)
	if err := Validate(terr, s); err != nil {
		t.Errorf("a place 401 m outside the border: %v, want accepted (1,000 m buffer)", err)
	}
	// Without a territory, only what needs no territory is checked.
	s.Changes[2].VenueID = "nowhere"
	if err := Validate(nil, s); err != nil {
		t.Errorf("Validate(nil, …) = %v, want nil", err)
	}

	s = good()
	s.Name = ""
	s.Changes[0].Lat = f64(-100)
	s.Changes[1].Hours[0].Close = "08:00"
	s.Changes[2].VenueID = "v9"
	err := Validate(terr, s)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v", err)
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, fmt.Sprint(p.Change, " ", p.Field))
	}
	want := []string{"-1 name", "0 changes[0].lat", "1 changes[1].hours[0].close", "2 changes[2].venue_id"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems = %q, want %q", got, want)
	}
	if !strings.Contains(err.Error(), "changes[1].hours[0].close: closes at 08:00, not after it opens at 09:00") {
		t.Errorf("message %q does not name the field and reason", err)
	}
}

func TestValidateAcceptsMultilineDescription(t *testing.T) {
	s := good()
	s.Description = "Hypothèse du conseil départemental :\n\t– une permanence le mardi à Bville.\r\n" + strings.Repeat("é", (MaxDescriptionLen-100)/2)
	if err := Validate(testTerritory(), s); err != nil {
		t.Errorf("Validate(multiline description of %d bytes) = %v, want nil", len(s.Description), err)
	}
}

// TestValidateCapsProblems checks that a scenario with thousands of
// problems gives MaxProblems of them and a count of the rest, so that a
// 1 MiB body cannot make a 40 MB error answer.
func TestValidateCapsProblems(t *testing.T) {
	s := Scenario{Name: "x", Base: "test"}
	for i := 0; i < 1000; i++ {
		s.Changes = append(s.Changes, Change{Op: "close", VenueID: strings.Repeat("x", 900)})
	}
	err := Validate(testTerritory(), s)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v", err)
	}
	if len(ve.Problems) != MaxProblems+1 {
		t.Fatalf("%d problems listed, want %d and a count", len(ve.Problems), MaxProblems)
	}
	if p := ve.Problems[MaxProblems-1]; p.Field != "changes[99].op" {
		t.Errorf("problem %d is %q, want changes[99].op", MaxProblems-1, p.Field)
	}
	last := ve.Problems[MaxProblems]
	if last.Field != "problems" || !strings.Contains(last.Reason, "900 more problems") {
		t.Errorf("last problem = %+v, want the count of the 900 not listed", last)
	}
	if ve.Omitted != 900 || !strings.Contains(err.Error(), "; and 995 more") {
		t.Errorf("message %q does not count what it leaves out", err)
	}
}

func TestApply(t *testing.T) {
	terr := testTerritory()
	before := testTerritory()
	eff, err := Resolve(terr, good())
	if err != nil {
		t.Fatal(err)
	}
	out := eff.Territory
	if !reflect.DeepEqual(terr, before) {
		t.Fatal("Apply modified its base territory")
	}
	if &out.Cells[0] != &terr.Cells[0] || &out.Parts[0] != &terr.Parts[0] {
		t.Error("cells and parts are copied, want shared")
	}
	var ids []string
	for _, v := range out.Venues {
		ids = append(ids, v.ID)
	}
	if want := []string{"v1", "v3", "new-1"}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("venues = %v, want %v", ids, want)
	}
	v1, nv := out.Venues[0], out.Venues[2]
	// Mo 09:00-12:00 + We 13:30-17:00 = 3 + 3.5 hours.
	if h := v1.Hours.Hours(); h != 6.5 {
		t.Errorf("v1 hours = %v, want 6.5", h)
	}
	if h := terr.Venues[0].Hours.Hours(); h != 3 {
		t.Errorf("base v1 hours = %v, want 3 (unchanged)", h)
	}
	if nv.Point != (orb.Point{0.12, 45.05}) || !nv.Located || nv.Commune != "00002" || nv.CommuneName != "Bville" {
		t.Errorf("added place = %+v, want at (0.12, 45.05) in Bville", nv)
	}
	if h := nv.Hours.Hours(); h != 6 {
		t.Errorf("added place hours = %v, want 6", h)
	}
	if want := maillage.ServiceAcces | maillage.ServiceDemarches; nv.Services != want {
		t.Errorf("added place services = %v, want %v", nv.Services.Names(), want.Names())
	}
	wantEdits := []Edit{
		{Kind: Changed, ID: "v1", Base: 0, New: 0},
		{Kind: Removed, ID: "v2", Base: 1, New: -1},
		{Kind: Added, ID: "new-1", Base: -1, New: 2},
	}
	if !reflect.DeepEqual(eff.Edits, wantEdits) {
		t.Errorf("edits = %+v, want %+v", eff.Edits, wantEdits)
	}
	if eff.Count(Added) != 1 || eff.Count(Removed) != 1 || eff.Count(Changed) != 1 {
		t.Errorf("counts = %d %d %d", eff.Count(Added), eff.Count(Removed), eff.Count(Changed))
	}
	// Appending to the result's shared slices must not reach the base.
	out.Findings = append(out.Findings, maillage.Finding{Reason: "x"})
	if len(terr.Findings) != 0 {
		t.Error("append to result's findings reached the base")
	}
}

func TestApplyAddThenRemoveAndMove(t *testing.T) {
	terr := testTerritory()
	s := Scenario{Name: "bus", Base: "test", Changes: []Change{
		{Op: OpAdd, VenueID: "bus-1", Name: "Arrêt du bus", Lat: f64(45.01), Lon: f64(0.01), Itinerant: true},
		{Op: OpRemove, VenueID: "bus-1"},
		{Op: OpAdd, VenueID: "bus-1", Name: "Arrêt du bus, place de l'église", Lat: f64(45.02), Lon: f64(0.03), Itinerant: true},
		{Op: OpMove, VenueID: "v1", Lat: f64(45.09), Lon: f64(0.19)},
	}}
	eff, err := Resolve(terr, s)
	if err != nil {
		t.Fatal(err)
	}
	want := []Edit{{Kind: Changed, ID: "v1", Base: 0, New: 0}, {Kind: Added, ID: "bus-1", Base: -1, New: 3}}
	if !reflect.DeepEqual(eff.Edits, want) {
		t.Errorf("edits = %+v, want %+v", eff.Edits, want)
	}
	out := eff.Territory
	if len(out.Venues) != 4 || out.Venues[3].Name != "Arrêt du bus, place de l'église" || !out.Venues[3].Itinerant {
		t.Errorf("venues = %+v", out.Venues)
	}
	if v := out.Venues[0]; v.Commune != "00002" || v.Point != (orb.Point{0.19, 45.09}) {
		t.Errorf("moved v1 = %+v, want in Bville at (0.19, 45.09)", v)
	}
	if _, err := Apply(nil, s); err == nil {
		t.Error("Apply(nil) succeeded")
	}
}

func TestRegionWithoutPolygons(t *testing.T) {
	terr := testTerritory()
	for i := range terr.Communes {
		terr.Communes[i].Geometry = nil
	}
	// Cell centres span lon 0.05..0.15 at lat 45.05; 1 km ≈ 0.0127° of longitude.
	tests := []struct {
		lon float64
		ok  bool
	}{{0.10, true}, {0.160, true}, {0.165, false}, {0.038, true}, {0.036, false}}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.lon), func(t *testing.T) {
			s := Scenario{Name: "x", Base: "test", Changes: []Change{{Op: OpMove, VenueID: "v3", Lat: f64(45.05), Lon: f64(tt.lon)}}}
			err := Validate(terr, s)
			if (err == nil) != tt.ok {
				t.Errorf("Validate at lon %v = %v, want ok=%v", tt.lon, err, tt.ok)
			}
		})
	}
}

func TestWeekFormatting(t *testing.T) {
	var ps problems
	w := parseSpans(&ps, 0, []DaySpan{{"We", "14:00", "24:00"}, {"Mo", "13:30", "17:00"}, {"Mo", "08:00", "12:00"}})
	if err := ps.err(); err != nil {
		t.Fatal(err)
	}
	if got, want := FormatWeek(w), "Mo 08:00-12:00,13:30-17:00; We 14:00-24:00"; got != want {
		t.Errorf("FormatWeek = %q, want %q", got, want)
	}
	if h := w.Hours(); h != 17.5 {
		t.Errorf("hours = %v, want 4 + 3.5 + 10 = 17.5", h)
	}
	if got := WeekSpans(w); len(got) != 3 || got[1] != (DaySpan{"Mo", "13:30", "17:00"}) {
		t.Errorf("WeekSpans = %v", got)
	}
	if FormatWeek(maillage.Week{}) != "" || FormatWeek(maillage.Week{Known: true}) != "off" {
		t.Error("unknown week should format as \"\", closed as \"off\"")
	}
	full := maillage.Week{Known: true}
	for d := range full.Days {
		full.Days[d] = []maillage.Span{{Open: 0, Close: 1440}}
	}
	if err := checkWeek(full); err != nil {
		t.Errorf("24/7 (168 h) rejected: %v", err)
	}
	full.Days[0] = append(full.Days[0], maillage.Span{Open: 0, Close: 60})
	if err := checkWeek(full); err == nil || !strings.Contains(err.Error(), "overlaps") {
		t.Errorf("169 h with an overlap: %v", err)
	}
	over := maillage.Week{Known: true, Days: [7][]maillage.Span{{{Open: 0, Close: 1500}}}}
	if err := checkWeek(over); err == nil {
		t.Error("a span past midnight accepted")
	}
}
