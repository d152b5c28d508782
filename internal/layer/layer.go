// Package layer defines a map layer once — its id, title, fields with units,
// geometry type and a streaming feature iterator — and encodes it: GeoJSON
// (RFC 7946), CSV and Mapbox Vector Tiles here, GeoPackage in
// internal/gpkg, OGC API - Features items in web. Every front end takes the
// same *Layer, so a layer carries the same features with the same values in
// every format; the definitions themselves (which layers a territory has)
// live in internal/planner.
//
// The package imports neither net/http nor the coverage engine: a Layer is
// plain data plus one function.
package layer

import (
	"errors"
	"fmt"
	"math"
	"regexp"

	"github.com/paulmach/orb"
)

// ErrInvalid is wrapped by errors about a layer definition or a query that
// cannot be answered (a bad tile, an unknown field).
var ErrInvalid = errors.New("layer: invalid")

// Kind is the type of a field's values.
type Kind uint8

const (
	String  Kind = iota // string
	Integer             // int
	Number              // float64
	Boolean             // bool
	Strings             // []string: a JSON array in GeoJSON, joined by '|' elsewhere
)

// String returns the kind's JSON Schema type name.
func (k Kind) String() string {
	switch k {
	case String:
		return "string"
	case Integer:
		return "integer"
	case Number:
		return "number"
	case Boolean:
		return "boolean"
	case Strings:
		return "array"
	}
	return "unknown"
}

// GeomType is the geometry type of a layer's features.
type GeomType uint8

const (
	Point GeomType = iota
	Polygon
	MultiPolygon
	LineString
)

// String returns the GeoJSON name of the geometry type.
func (g GeomType) String() string {
	switch g {
	case Point:
		return "Point"
	case Polygon:
		return "Polygon"
	case MultiPolygon:
		return "MultiPolygon"
	case LineString:
		return "LineString"
	}
	return "Unknown"
}

// Field is one property of a layer's features.
type Field struct {
	Name  string // stable English key, e.g. "persons"
	Title string // what it is, for people (documentation, OpenAPI, TileJSON)
	Unit  string // e.g. "persons", "minutes", "hours/week"; "" for none
	Kind  Kind
}

// Feature is one feature of a layer. Values line up with the layer's Fields;
// a value is nil (JSON null) or of the field's Kind's Go type. A Feature
// passed to an Each callback is valid only during the call: layers reuse it.
type Feature struct {
	ID string
	// NumID is the feature's id as a number for formats whose ids are
	// integers (vector tiles); 0 when the id is not numeric.
	NumID  uint64
	Values []any
	// Geom is the geometry, or nil when GeomFunc computes it on demand (so
	// that features skipped by a filter or a page cost no geometry).
	Geom     orb.Geometry
	GeomFunc func() (orb.Geometry, error)
}

// Geometry returns the feature's geometry.
func (f *Feature) Geometry() (orb.Geometry, error) {
	if f.Geom != nil || f.GeomFunc == nil {
		return f.Geom, nil
	}
	return f.GeomFunc()
}

// Query selects the features Each yields.
type Query struct {
	// Bound, when not empty (IsZero false), keeps the features whose
	// geometry's bounding box intersects it (boundary included), CRS84.
	Bound orb.Bound
	// Zoom, when > 0, asks for the features as a web map draws them at that
	// zoom level: a layer may generalise (H3 cells aggregate to a parent
	// resolution at low zooms). 0 means full detail.
	Zoom int
	// Skip, when > 0, leaves out the first Skip features the rest of q
	// selects (a page's offset): a layer whose Skips is set passes over
	// them without building them; Iterate does it for the others.
	Skip int
	// FullUpTo, when > 0 with a Zoom, asks a layer that generalises at that
	// zoom for its full detail instead when Bound holds at most FullUpTo of
	// its features: a web map that draws every H3 cell at the zooms a
	// territory is seen whole at, in a tile of bounded size.
	FullUpTo int
	// ID, when not empty, keeps the one feature of that id (at full
	// detail): a layer whose FindsID is set looks it up without walking
	// the others; Iterate filters the others.
	ID string
}

// HasBound reports whether q filters by a box.
func (q Query) HasBound() bool { return q.Bound != (orb.Bound{}) }

// Layer is one map layer.
type Layer struct {
	ID          string // [a-z0-9_-]+: the collection id, tile source layer and GeoPackage table
	Title       string // for people (French)
	Description string
	Geometry    GeomType
	Fields      []Field
	// Bound is the CRS84 extent of the features (empty when there are none).
	Bound orb.Bound
	// Count is the number of features at full detail.
	Count int
	// MinZoom and MaxZoom bound the zooms the layer's tiles are served at.
	MinZoom, MaxZoom int
	// Each calls fn for every feature selected by q, in a stable order
	// (the same order on every call), stopping at fn's first error, which it
	// returns (ErrStop ends the iteration without an error).
	Each func(q Query, fn func(*Feature) error) error
	// Skips says Each honours Query.Skip itself.
	Skips bool
	// FindsID says Each honours Query.ID itself.
	FindsID bool
}

// ErrStop returned by an Each callback ends the iteration; Each then
// returns nil.
var ErrStop = errors.New("layer: stop")

// Iterate is l.Each with ErrStop turned into nil, and q.Skip and q.ID
// applied for a layer whose Each does not.
func (l *Layer) Iterate(q Query, fn func(*Feature) error) error {
	if q.ID != "" && !l.FindsID {
		id, inner := q.ID, fn
		q.ID = ""
		fn = func(f *Feature) error {
			if f.ID != id {
				return nil
			}
			if err := inner(f); err != nil {
				return err
			}
			return ErrStop // ids are unique: nothing after it
		}
	}
	if q.Skip > 0 && !l.Skips {
		skip, inner := q.Skip, fn
		q.Skip = 0
		fn = func(f *Feature) error {
			if skip > 0 {
				skip--
				return nil
			}
			return inner(f)
		}
	}
	err := l.Each(q, fn)
	if errors.Is(err, ErrStop) {
		return nil
	}
	return err
}

var idPattern = regexp.MustCompile(`^[a-z0-9_-]+$`)

// Validate checks the layer's definition: a well-formed id, fields with
// distinct non-empty names, and an iterator.
func (l *Layer) Validate() error {
	if !idPattern.MatchString(l.ID) {
		return fmt.Errorf("%w: layer id %q: want [a-z0-9_-]+", ErrInvalid, l.ID)
	}
	if l.Each == nil {
		return fmt.Errorf("%w: layer %s has no feature iterator", ErrInvalid, l.ID)
	}
	seen := map[string]bool{}
	for _, f := range l.Fields {
		if f.Name == "" || seen[f.Name] {
			return fmt.Errorf("%w: layer %s: empty or repeated field %q", ErrInvalid, l.ID, f.Name)
		}
		seen[f.Name] = true
	}
	return nil
}

// Field returns the index of the field called name, or -1.
func (l *Layer) Field(name string) int {
	for i, f := range l.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// Intersects reports whether the bounding box of g intersects b, boundary
// included: the rule a Query's Bound applies, written once so that tests and
// every layer apply the same one.
func Intersects(g orb.Geometry, b orb.Bound) bool {
	if g == nil {
		return false
	}
	return g.Bound().Intersects(b)
}

// Round rounds x to dec decimals; NaN and ±Inf become nil (JSON null), so
// a layer can put the result straight into a Feature's Values.
func Round(x float64, dec int) any {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	p := math.Pow10(dec)
	return math.Round(x*p) / p
}
