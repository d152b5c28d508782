package planner

import (
	"errors"
	"fmt"
	"strings"

	"github.com/maillage/maillage/internal/layer"
)

// ErrUnknownCommune is returned for a commune filter that names no commune
// of the territory.
var ErrUnknownCommune = errors.New("planner: unknown commune")

// VenuesIn returns the indices in Territory.Venues of the located places of
// the commune named commune (its INSEE code, or its name in any case; ""
// for every place). An unknown commune is an error wrapping
// ErrUnknownCommune that suggests names.
func (p *Planner) VenuesIn(commune string) ([]int, error) {
	t := p.t
	want := map[string]bool{}
	if c := strings.TrimSpace(commune); c != "" {
		for i := range t.Communes {
			if t.Communes[i].Code == c || strings.EqualFold(t.Communes[i].Name, c) {
				want[t.Communes[i].Code] = true
			}
		}
		if len(want) == 0 {
			var close []string
			for i := range t.Communes {
				if len(close) < 5 && strings.Contains(strings.ToLower(t.Communes[i].Name), strings.ToLower(c)) {
					close = append(close, t.Communes[i].Name+" ("+t.Communes[i].Code+")")
				}
			}
			hint := "give an INSEE code or a commune name"
			if len(close) > 0 {
				hint = "did you mean " + strings.Join(close, ", ") + "?"
			}
			return nil, fmt.Errorf("%w %q in territory %q: %s", ErrUnknownCommune, c, t.Name, hint)
		}
	}
	var out []int
	for i := range t.Venues {
		v := &t.Venues[i]
		if v.Located && (len(want) == 0 || want[v.Commune]) {
			out = append(out, i)
		}
	}
	return out, nil
}

// VenueLayerIn is the venues layer (the one venue encoding) restricted to
// the places of VenuesIn(commune).
func (p *Planner) VenueLayerIn(commune string) (*layer.Layer, error) {
	idx, err := p.VenuesIn(commune)
	if err != nil {
		return nil, err
	}
	all, err := p.Layer("venues")
	if err != nil {
		return nil, err
	}
	keep := make(map[string]bool, len(idx))
	for _, i := range idx {
		keep[p.t.Venues[i].ID] = true
	}
	l := *all
	l.Each = func(q layer.Query, fn func(*layer.Feature) error) error {
		return all.Each(q, func(f *layer.Feature) error {
			if !keep[f.ID] {
				return nil
			}
			return fn(f)
		})
	}
	return &l, nil
}
