package planner

import (
	"fmt"
	"io"

	"github.com/maillage/maillage/internal/layer"
)

// ErrFormat is returned for an output format a layer does not have.
var ErrFormat = fmt.Errorf("planner: unknown format (want geojson or csv)")

// writeLayer writes l in format ("geojson": an RFC 7946 FeatureCollection
// with every digit; "csv": layer.WriteCSV).
func writeLayer(w io.Writer, l *layer.Layer, format string) error {
	switch format {
	case "geojson":
		return layer.WriteGeoJSON(w, l, layer.Query{}, layer.FullPrecision)
	case "csv":
		return layer.WriteCSV(w, l, layer.Query{})
	}
	return fmt.Errorf("%w: %q", ErrFormat, format)
}

// WriteGaps writes the gap zones of the named profile (zones with fewer than
// minPersons uncovered persons left out) as "geojson" or "csv": what both
// `maillage gaps` and GET /api/v1/gaps answer, the gaps-{profile} layer's
// features with its fields.
func (p *Planner) WriteGaps(w io.Writer, profile, format string, minPersons float64) error {
	if format != "geojson" && format != "csv" {
		return fmt.Errorf("%w: %q", ErrFormat, format)
	}
	if _, err := p.Profile(profile); err != nil {
		return err
	}
	l := p.gapLayer(profile, minPersons)
	if minPersons == 0 {
		var err error
		if l, err = p.Layer("gaps-" + profile); err != nil {
			return err
		}
	}
	return writeLayer(w, l, format)
}

// WriteAccess writes the coverage and 2SFCA accessibility of every populated
// cell for the named profile as "geojson" or "csv": what both
// `maillage access` and GET /api/v1/access answer, the coverage-{profile}
// layer.
func (p *Planner) WriteAccess(w io.Writer, profile, format string) error {
	if format != "geojson" && format != "csv" {
		return fmt.Errorf("%w: %q", ErrFormat, format)
	}
	if _, err := p.Profile(profile); err != nil {
		return err
	}
	l, err := p.Layer("coverage-" + profile)
	if err != nil {
		return err
	}
	return writeLayer(w, l, format)
}
