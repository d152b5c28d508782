package planner

import (
	"fmt"
	"io"

	"github.com/maillage/maillage/coverage"
)

// ErrFormat is returned for an output format a layer does not have.
var ErrFormat = fmt.Errorf("planner: unknown format (want geojson or csv)")

// WriteGaps writes the gap zones of the named profile (zones with fewer than
// minPersons uncovered persons left out) as "geojson" or "csv": what both
// `maillage gaps` and GET /api/v1/gaps answer.
func (p *Planner) WriteGaps(w io.Writer, profile, format string, minPersons float64) error {
	if format != "geojson" && format != "csv" {
		return fmt.Errorf("%w: %q", ErrFormat, format)
	}
	s, err := p.State(profile)
	if err != nil {
		return err
	}
	zones, err := s.Gaps(coverage.GapOptions{MinPersons: minPersons})
	if err != nil {
		return err
	}
	if format == "csv" {
		return coverage.WriteGapsCSV(w, zones, profile)
	}
	return coverage.WriteGapsGeoJSON(w, zones, profile)
}

// WriteAccess writes the coverage and 2SFCA accessibility of every populated
// cell for the named profile as "geojson" or "csv": what both
// `maillage access` and GET /api/v1/access answer.
func (p *Planner) WriteAccess(w io.Writer, profile, format string) error {
	if format != "geojson" && format != "csv" {
		return fmt.Errorf("%w: %q", ErrFormat, format)
	}
	s, err := p.State(profile)
	if err != nil {
		return err
	}
	if format == "csv" {
		return s.WriteAccessCSV(w)
	}
	return s.WriteAccessGeoJSON(w)
}
