package scenario

import (
	"errors"

	"github.com/maillage/maillage"
)

// errNilTerritory is returned by Apply and Resolve without a base territory.
var errNilTerritory = errors.New("scenario: no base territory")

// EditKind says what a scenario does to one place.
type EditKind uint8

// The net effects of a scenario on one place.
const (
	Added   EditKind = iota + 1 // a new place
	Removed                     // a base place closed
	Changed                     // a base place with new hours, services or position
)

func (k EditKind) String() string {
	switch k {
	case Added:
		return "added"
	case Removed:
		return "removed"
	case Changed:
		return "changed"
	}
	return "EditKind(?)"
}

// Edit is the net effect of a scenario on one place, whatever the number of
// changes that touched it (a place added then given new hours is one Added
// edit; a place added then removed is none).
type Edit struct {
	Kind EditKind
	ID   string
	Base int // index in the base territory's Venues; -1 for Added
	New  int // index in Effect.Territory.Venues; -1 for Removed
}

// Effect is what a scenario does to its base territory: the resulting
// territory and the list of places it adds, removes or changes. An
// incremental coverage engine updates the base's coverage from Edits alone:
// drop the catchments of Removed and Changed places (base.Venues[Base]) and
// add those of Added and Changed ones (Territory.Venues[New]).
type Effect struct {
	Territory *maillage.Territory
	Edits     []Edit // Changed and Removed in base order, then Added in change order
}

// Count returns the number of edits of kind k.
func (e *Effect) Count(k EditKind) int {
	n := 0
	for _, ed := range e.Edits {
		if ed.Kind == k {
			n++
		}
	}
	return n
}

// Resolve validates s against t (see Validate) and returns its effect. The
// resulting territory is a copy of t whose Venues is a new slice (base places
// kept in their order, then added ones); Cells, Parts, Communes, Roads and
// the rest are shared with t, not copied, and must be treated as read-only.
// t is not modified.
func (o Options) Resolve(t *maillage.Territory, s Scenario) (*Effect, error) {
	if t == nil {
		return nil, errNilTerritory
	}
	st, err := o.resolve(t, s)
	if err != nil {
		return nil, err
	}
	out := *t
	out.Cells = clip(t.Cells)
	out.Parts = clip(t.Parts)
	out.Communes = clip(t.Communes)
	out.Roads = clip(t.Roads)
	out.Findings = clip(t.Findings)
	out.Sources = clip(t.Sources)
	out.Venues = make([]maillage.Venue, 0, len(st.venues))

	removed := st.removed
	eff := &Effect{Territory: &out}
	var adds []Edit
	for i := range st.venues {
		v := st.venues[i]
		isBase := i < st.base
		switch {
		case removed[i] && isBase:
			eff.Edits = append(eff.Edits, Edit{Kind: Removed, ID: v.ID, Base: i, New: -1})
		case removed[i]:
			// added, then removed: no effect
		case isBase:
			if st.changed[i] {
				eff.Edits = append(eff.Edits, Edit{Kind: Changed, ID: v.ID, Base: i, New: len(out.Venues)})
			}
			out.Venues = append(out.Venues, v)
		default:
			adds = append(adds, Edit{Kind: Added, ID: v.ID, Base: -1, New: len(out.Venues)})
			out.Venues = append(out.Venues, v)
		}
	}
	eff.Edits = append(eff.Edits, adds...)
	return eff, nil
}

// Resolve is Options{}.Resolve.
func Resolve(t *maillage.Territory, s Scenario) (*Effect, error) { return Options{}.Resolve(t, s) }

// Apply validates s against t and returns the territory of the scenario: a
// copy of t with the places added, removed and changed (see Resolve).
func (o Options) Apply(t *maillage.Territory, s Scenario) (*maillage.Territory, error) {
	eff, err := o.Resolve(t, s)
	if err != nil {
		return nil, err
	}
	return eff.Territory, nil
}

// Apply is Options{}.Apply.
func Apply(t *maillage.Territory, s Scenario) (*maillage.Territory, error) {
	return Options{}.Apply(t, s)
}

// clip returns s with its capacity cut to its length, so that an append to
// the copy never writes into the base's array.
func clip[S ~[]E, E any](s S) S { return s[:len(s):len(s)] }
