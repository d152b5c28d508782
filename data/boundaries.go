package data

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/maillage/maillage"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// ErrBadBoundaries is wrapped by every error about a malformed communes
// GeoJSON file.
var ErrBadBoundaries = errors.New("data: bad communes boundaries")

// terrMaxBoundaryBytes caps the size of a communes GeoJSON file (all of
// France's communes at full IGN resolution is about 500 MB).
const terrMaxBoundaryBytes = 1 << 30

// ReadCommunes reads commune outlines from a GeoJSON FeatureCollection whose
// features have the properties `code` (INSEE code) and `nom` (name) and a
// Polygon or MultiPolygon geometry in WGS84 (as IGN Admin Express exports and
// gregoiredavid/france-geojson publish). Each commune's Center is a point
// inside its outline (see InteriorPoint). Communes are returned in file order.
func ReadCommunes(path string) ([]maillage.Commune, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: communes: %w", err)
	}
	defer f.Close()
	return DecodeCommunes(f, filepath.Base(path))
}

// DecodeCommunes is ReadCommunes on a reader; name is used in error messages.
func DecodeCommunes(r io.Reader, name string) ([]maillage.Commune, error) {
	b, err := io.ReadAll(io.LimitReader(r, terrMaxBoundaryBytes+1))
	if err != nil {
		return nil, fmt.Errorf("data: communes %s: %w", name, err)
	}
	if len(b) > terrMaxBoundaryBytes {
		return nil, fmt.Errorf("data: communes %s: larger than %d bytes: %w", name, terrMaxBoundaryBytes, ErrBadBoundaries)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // UTF-8 byte-order mark
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("data: communes %s: not a GeoJSON FeatureCollection: %v: %w", name, err, ErrBadBoundaries)
	}
	out := make([]maillage.Commune, 0, len(fc.Features))
	seen := make(map[string]int, len(fc.Features))
	for i, f := range fc.Features {
		bad := func(field, reason string) error {
			return fmt.Errorf("data: communes %s: feature %d: %s: %s: %w", name, i+1, field, reason, ErrBadBoundaries)
		}
		if f == nil {
			return nil, bad("feature", "null feature")
		}
		code := strings.TrimSpace(terrPropString(f.Properties, "code"))
		if code == "" {
			return nil, bad("code", "missing commune code")
		}
		if j, dup := seen[code]; dup {
			return nil, bad("code", fmt.Sprintf("commune %s already given by feature %d", code, j+1))
		}
		seen[code] = i
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		case nil:
			return nil, bad("geometry", "missing geometry")
		default:
			return nil, bad("geometry", fmt.Sprintf("%s, want Polygon or MultiPolygon", g.GeoJSONType()))
		}
		if err := terrCheckMultiPolygon(mp); err != "" {
			return nil, bad("geometry", err)
		}
		out = append(out, maillage.Commune{
			Code:     code,
			Name:     strings.TrimSpace(terrPropString(f.Properties, "nom")),
			Geometry: mp,
			Center:   InteriorPoint(mp),
		})
	}
	return out, nil
}

// terrPropString returns a string property, or a number written as text
// (some exports store codes as numbers).
func terrPropString(p geojson.Properties, key string) string {
	switch v := p[key].(type) {
	case string:
		return v
	case float64:
		return fmt.Sprintf("%.0f", v)
	}
	return ""
}

// terrCheckMultiPolygon returns why mp is unusable, or "".
func terrCheckMultiPolygon(mp orb.MultiPolygon) string {
	if len(mp) == 0 {
		return "empty geometry"
	}
	for _, poly := range mp {
		if len(poly) == 0 {
			return "polygon without rings"
		}
		for _, ring := range poly {
			if len(ring) < 4 {
				return fmt.Sprintf("ring of %d positions, want at least 4", len(ring))
			}
			for _, p := range ring {
				if math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
					return fmt.Sprintf("position %v is not a WGS84 longitude/latitude", p)
				}
			}
		}
	}
	return ""
}

// InteriorPoint returns a point inside mp, in the same lon/lat degrees: the
// area centroid when it falls inside, else the middle of the widest interior
// stretch of a horizontal line across the largest polygon (the "point on
// surface" method of GEOS). It returns the zero point for an empty geometry.
func InteriorPoint(mp orb.MultiPolygon) orb.Point {
	if len(mp) == 0 {
		return orb.Point{}
	}
	c, _ := planar.CentroidArea(mp)
	if planar.MultiPolygonContains(mp, c) {
		return c
	}
	largest, area := 0, -1.0
	for i, p := range mp {
		if a := math.Abs(planar.Area(p)); a > area {
			largest, area = i, a
		}
	}
	poly := mp[largest]
	b := poly.Bound()
	for _, f := range []float64{0.5, 0.25, 0.75, 0.375, 0.625, 0.125, 0.875} {
		y := b.Min[1] + f*(b.Max[1]-b.Min[1])
		if p, ok := terrScanline(poly, y); ok && planar.PolygonContains(poly, p) {
			return p
		}
	}
	if len(poly) > 0 && len(poly[0]) > 0 {
		return poly[0][0]
	}
	return c
}

// terrScanline returns the middle of the widest inside segment of the
// horizontal line at latitude y across poly.
func terrScanline(poly orb.Polygon, y float64) (orb.Point, bool) {
	var xs []float64
	for _, ring := range poly {
		for i := 0; i+1 < len(ring); i++ {
			a, b := ring[i], ring[i+1]
			if (a[1] > y) != (b[1] > y) {
				xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
			}
		}
	}
	slices.Sort(xs)
	best, width := orb.Point{}, 0.0
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > width {
			best, width = orb.Point{(xs[i] + xs[i+1]) / 2, y}, w
		}
	}
	return best, width > 0
}
