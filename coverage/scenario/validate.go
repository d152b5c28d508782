package scenario

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/maillage/maillage"
	"github.com/paulmach/orb"
)

// Decode reads one scenario as JSON from r (at most Options.MaxBytes bytes of
// UTF-8, unknown fields rejected), gives it Options.DefaultBase when it
// names no base, and checks it without a territory
// (Validate with t nil). Errors match ErrInvalid (and ErrTooLarge for an
// oversized body) and are *ValidationError, except a read error of r.
//
// The body is decoded as it is read, not read whole first: a body that is
// not JSON, or not UTF-8, is rejected at its first bad byte, after reading
// one buffer of it, whatever its length.
func (o Options) Decode(r io.Reader) (Scenario, error) {
	max := o.maxBytes()
	body := newBodyReader(io.LimitReader(r, int64(max)+1))
	var s Scenario
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(&s)
	trailing := false
	if err == nil {
		_, terr := dec.Token()
		trailing = terr != io.EOF
	}
	switch {
	case body.n > int64(max):
		return Scenario{}, &ValidationError{TooLarge: true, Problems: []Problem{{
			Change: -1, Field: "body", Reason: fmt.Sprintf("more than %d bytes", max)}}}
	case body.err != nil:
		return Scenario{}, fmt.Errorf("scenario: reading body: %w", body.err)
	case body.bad >= 0:
		return Scenario{}, &ValidationError{Problems: []Problem{{
			Change: -1, Field: "body", Reason: fmt.Sprintf("not UTF-8 at byte %d (JSON text must be UTF-8)", body.bad)}}}
	case err != nil:
		return Scenario{}, &ValidationError{Problems: []Problem{jsonProblem(err)}}
	case trailing:
		return Scenario{}, &ValidationError{Problems: []Problem{{
			Change: -1, Field: "body", Reason: "data after the scenario object"}}}
	}
	if s.Base == "" {
		s.Base = o.DefaultBase
	}
	if err := o.Validate(nil, s); err != nil {
		return Scenario{}, err
	}
	return s, nil
}

// Decode is Options{}.Decode.
func Decode(r io.Reader) (Scenario, error) { return Options{}.Decode(r) }

func jsonProblem(err error) Problem {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return Problem{Change: -1, Field: te.Field, Reason: fmt.Sprintf("a JSON %s cannot be a %s", cut(te.Value), te.Type)}
	case errors.As(err, &se):
		return Problem{Change: -1, Field: "body", Reason: fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, se)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return Problem{Change: -1, Field: "body", Reason: "truncated or empty JSON"}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
		f = strings.Trim(f, `"`)
		reason := "unknown field; a scenario has " + strings.Join(jsonFields(Scenario{}), ", ") +
			"; a change has " + strings.Join(jsonFields(Change{}), ", ") +
			"; an hours span has " + strings.Join(jsonFields(DaySpan{}), ", ")
		switch strings.ToLower(f) {
		case "type", "action", "kind", "operation":
			reason += ` (the kind of change is "op": add, remove, hours, services or move)`
		case "id", "venue", "place":
			reason += ` (the place a change is about is "venue_id")`
		}
		return Problem{Change: -1, Field: cut(f), Reason: reason}
	}
	return Problem{Change: -1, Field: "body", Reason: cut(msg)}
}

// jsonFields lists the JSON names of v's struct fields, in order (the ones
// a person may write: id, created and updated are the store's).
func jsonFields(v any) []string {
	t := reflect.TypeOf(v)
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		switch name {
		case "", "-", "id", "created", "updated":
			continue
		}
		out = append(out, name)
	}
	return out
}

// cut shortens a message that may repeat an input value to about
// 2×maxQuoted bytes.
func cut(s string) string {
	if len(s) <= 2*maxQuoted {
		return s
	}
	n := 2 * maxQuoted
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Validate checks s, and, when t is not nil, checks it against the territory
// t: the base name, that every place id it refers to exists at that point of
// the change list, that added ids are new, and that positions lie in the
// territory (see Options.BufferMeters). It returns nil or a *ValidationError
// listing every problem found, each naming the change index and field.
func (o Options) Validate(t *maillage.Territory, s Scenario) error {
	_, err := o.resolve(t, s)
	return err
}

// Validate is Options{}.Validate.
func Validate(t *maillage.Territory, s Scenario) error { return Options{}.Validate(t, s) }

// fields says which Change fields each op uses (besides op).
var fields = map[Op][]string{
	OpAdd:      {"venue_id", "name", "lat", "lon", "hours", "opening_hours", "services", "programmes", "itinerant"},
	OpRemove:   {"venue_id"},
	OpHours:    {"venue_id", "hours", "opening_hours"},
	OpServices: {"venue_id", "services"},
	OpMove:     {"venue_id", "lat", "lon"},
}

// present lists the fields that c sets.
func present(c Change) []string {
	var f []string
	add := func(ok bool, name string) {
		if ok {
			f = append(f, name)
		}
	}
	add(c.VenueID != "", "venue_id")
	add(c.Name != "", "name")
	add(c.Lat != nil, "lat")
	add(c.Lon != nil, "lon")
	add(len(c.Hours) > 0, "hours")
	add(c.OpeningHours != "", "opening_hours")
	add(len(c.Services) > 0, "services")
	add(len(c.Programmes) > 0, "programmes")
	add(c.Itinerant, "itinerant")
	return f
}

// entry tracks one place while the changes are walked.
type entry struct {
	index     int // in state.venues
	addedBy   int // change index, -1 for a base place
	removedBy int // change index, -1 while present
}

// state is the territory's places while the changes are walked.
type state struct {
	base    int              // number of base places (state.venues[:base])
	venues  []maillage.Venue // base places (copied), then added ones
	changed []bool           // per venue: modified by a change
	removed []bool           // per venue: removed by a change
	ids     map[string]*entry
}

// resolve walks the changes of s, checking each, and returns the places of
// the scenario (nil state when t is nil).
func (o Options) resolve(t *maillage.Territory, s Scenario) (*state, error) {
	var ps problems
	if len(s.Changes) > o.maxChanges() {
		return nil, &ValidationError{TooLarge: true, Problems: []Problem{{Change: -1, Field: "changes",
			Reason: fmt.Sprintf("%d changes, more than the limit of %d", len(s.Changes), o.maxChanges())}}}
	}
	// Marshal fails only on NaN or infinite coordinates, reported below.
	if b, err := json.Marshal(s); err == nil && len(b) > o.maxBytes() {
		return nil, &ValidationError{TooLarge: true, Problems: []Problem{{Change: -1, Field: "body",
			Reason: fmt.Sprintf("%d bytes of JSON, more than the limit of %d", len(b), o.maxBytes())}}}
	}
	checkName(&ps, -1, "name", s.Name)
	checkText(&ps, -1, "description", s.Description, MaxDescriptionLen, false, true)
	if strings.TrimSpace(s.Base) == "" {
		ps.add(-1, "base", "empty: name the base territory")
	} else if t != nil && s.Base != t.Name {
		ps.add(-1, "base", "scenario is for territory %s, not %s", quote(s.Base), quote(t.Name))
	} else {
		checkName(&ps, -1, "base", s.Base)
	}

	var st *state
	var reg *region
	added := map[string]int{} // without a territory: ids added so far, by change
	if t != nil {
		reg = newRegion(t, o.buffer())
		st = &state{base: len(t.Venues), venues: make([]maillage.Venue, len(t.Venues), len(t.Venues)+len(s.Changes)),
			ids: make(map[string]*entry, len(t.Venues)+len(s.Changes))}
		copy(st.venues, t.Venues)
		st.changed = make([]bool, len(t.Venues), len(t.Venues)+len(s.Changes))
		st.removed = make([]bool, len(t.Venues), len(t.Venues)+len(s.Changes))
		for i := range t.Venues {
			st.ids[t.Venues[i].ID] = &entry{index: i, addedBy: -1, removedBy: -1}
		}
	}

	for i, c := range s.Changes {
		allowed, ok := fields[c.Op]
		if !ok {
			ps.add(i, "op", "unknown op %s (want add, remove, hours, services or move)", quote(string(c.Op)))
			continue
		}
		for _, f := range present(c) {
			if !contains(allowed, f) {
				ps.add(i, f, "not used by op %q", c.Op)
			}
		}
		n := ps.n()
		week, hasWeek := o.changeWeek(&ps, i, c)
		services := changeServices(&ps, i, c)
		if len(c.Programmes) > MaxListLen {
			ps.add(i, "programmes", "%d entries, more than %d", len(c.Programmes), MaxListLen)
		} else {
			for k, p := range c.Programmes {
				checkName(&ps, i, fmt.Sprintf("programmes[%d]", k), p)
			}
		}
		var pos orb.Point
		needPos := c.Op == OpAdd || c.Op == OpMove
		if needPos {
			pos = checkPosition(&ps, i, c, reg, t)
		}
		switch c.Op {
		case OpAdd:
			checkName(&ps, i, "name", c.Name)
		case OpHours:
			if !hasWeek && ps.n() == n {
				ps.add(i, "hours", "missing: give hours or opening_hours")
			}
		case OpServices:
			if len(c.Services) == 0 {
				ps.add(i, "services", "missing: give at least one service (use op remove to close a place)")
			}
		}

		n = ps.n() // problems of this change's place id
		id := c.VenueID
		if c.Op == OpAdd {
			if id == "" {
				id = fmt.Sprintf("new-%d", i+1)
			}
			checkName(&ps, i, "venue_id", id)
			if st == nil {
				if j, dup := added[id]; dup {
					ps.add(i, "venue_id", "duplicate id %s: already added by change %d", quote(id), j)
				}
				added[id] = i
			} else if e, dup := st.ids[id]; dup && e.removedBy < 0 {
				switch {
				case e.addedBy >= 0:
					ps.add(i, "venue_id", "duplicate id %s: already added by change %d", quote(id), e.addedBy)
				default:
					ps.add(i, "venue_id", "duplicate id %s: already a place of territory %s", quote(id), quote(t.Name))
				}
			}
		} else if id == "" {
			ps.add(i, "venue_id", "missing: name the place to %s", c.Op)
		} else if st == nil {
			if c.Op == OpRemove {
				delete(added, id) // the id may be added again
			}
		} else if e, ok := st.ids[id]; !ok {
			ps.add(i, "venue_id", "unknown place id %s in territory %s", quote(id), quote(t.Name))
		} else if e.removedBy >= 0 {
			ps.add(i, "venue_id", "place %s was removed by change %d", quote(id), e.removedBy)
		}
		if st == nil || ps.n() > n {
			continue // nothing to apply to, or no such place
		}
		// A change with other problems is still applied, so that later changes
		// referring to its place are checked; the state is then discarded.

		switch c.Op {
		case OpAdd:
			v := maillage.Venue{ID: id, Source: "scenario", Name: strings.TrimSpace(c.Name),
				Point: pos, Located: true, Services: services, Programmes: c.Programmes,
				Itinerant: c.Itinerant, Hours: week}
			reg.setCommune(&v, t)
			st.ids[id] = &entry{index: len(st.venues), addedBy: i, removedBy: -1}
			st.venues = append(st.venues, v)
			st.changed = append(st.changed, false)
			st.removed = append(st.removed, false)
		case OpRemove:
			st.ids[id].removedBy = i
			st.removed[st.ids[id].index] = true
		default:
			e := st.ids[id]
			v := &st.venues[e.index]
			switch c.Op {
			case OpHours:
				v.Hours = week
			case OpServices:
				v.Services = services
			case OpMove:
				v.Point, v.Located = pos, true
				reg.setCommune(v, t)
			}
			st.changed[e.index] = true
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return st, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// changeWeek parses the hours of change i; ok is false when it gives none.
func (o Options) changeWeek(ps *problems, i int, c Change) (w maillage.Week, ok bool) {
	n := ps.n()
	var spans, osm maillage.Week
	if len(c.Hours) > 0 {
		if len(c.Hours) > 7*48 {
			ps.add(i, "hours", "%d spans, more than %d", len(c.Hours), 7*48)
			return w, false
		}
		spans = parseSpans(ps, i, c.Hours)
		if ps.n() == n {
			if err := checkWeek(spans); err != nil {
				ps.add(i, "hours", "%v", err)
			}
		}
	}
	if c.OpeningHours != "" {
		if o.ParseOpeningHours == nil {
			ps.add(i, "opening_hours", "no opening_hours parser is configured: give structured hours instead")
		} else if wk, err := o.ParseOpeningHours(c.OpeningHours); err != nil {
			ps.add(i, "opening_hours", "%s", cut(err.Error()))
		} else if err := checkWeek(wk); err != nil {
			ps.add(i, "opening_hours", "%v", err)
		} else {
			osm = wk
		}
	}
	if ps.n() > n {
		return w, false
	}
	switch {
	case len(c.Hours) > 0 && c.OpeningHours != "":
		if !sameWeek(spans, osm) {
			ps.add(i, "opening_hours", "%s is not the same week as hours (%s)", quote(c.OpeningHours), FormatWeek(spans))
			return w, false
		}
		return spans, true
	case len(c.Hours) > 0:
		return spans, true
	case c.OpeningHours != "":
		return osm, true
	}
	return w, false
}

func changeServices(ps *problems, i int, c Change) maillage.Service {
	var s maillage.Service
	if len(c.Services) > MaxListLen {
		ps.add(i, "services", "%d entries, more than %d", len(c.Services), MaxListLen)
		return s
	}
	for k, name := range c.Services {
		v, ok := maillage.ParseService(name)
		if !ok {
			ps.add(i, fmt.Sprintf("services[%d]", k), "unknown service %s (want one of the schema's %d labels, e.g. %q)", quote(name), len(maillage.ServiceNames), maillage.ServiceNames[0])
			continue
		}
		s |= v
	}
	return s
}

// checkPosition returns the position of change i, reporting if it is
// missing, not a WGS84 position, or (with a region) outside the territory.
func checkPosition(ps *problems, i int, c Change, reg *region, t *maillage.Territory) orb.Point {
	if c.Lat == nil || c.Lon == nil {
		if c.Lat == nil {
			ps.add(i, "lat", "missing")
		}
		if c.Lon == nil {
			ps.add(i, "lon", "missing")
		}
		return orb.Point{}
	}
	lat, lon := *c.Lat, *c.Lon
	bad := false
	if math.IsNaN(lat) || lat < -90 || lat > 90 {
		ps.add(i, "lat", "%v is not a latitude (degrees, -90 to 90)", lat)
		bad = true
	}
	if math.IsNaN(lon) || lon < -180 || lon > 180 {
		ps.add(i, "lon", "%v is not a longitude (degrees, -180 to 180)", lon)
		bad = true
	}
	p := orb.Point{lon, lat}
	if !bad && reg != nil && !reg.contains(p) {
		ps.add(i, "lat", "position (%.6f, %.6f) is outside territory %q (%s)", lat, lon, t.Name, reg.describe())
	}
	return p
}
