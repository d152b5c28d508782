package web

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/internal/layer"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// ParseBBox parses "minLon,minLat,maxLon,maxLat" in WGS84 degrees: exactly 4
// finite numbers, longitudes in [-180, 180], latitudes in [-90, 90], min <
// max on both axes, and an area of at most maxArea square degrees. Errors
// wrap ErrInvalid (or ErrTooLarge for the area) and read well as they are.
func ParseBBox(s string, maxArea float64) (orb.Bound, error) {
	bad := func(format string, a ...any) (orb.Bound, error) {
		return orb.Bound{}, &reqError{ErrInvalid, "bbox: " + fmt.Sprintf(format, a...)}
	}
	if s == "" {
		return bad("missing: want bbox=minLon,minLat,maxLon,maxLat")
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return bad("%d values, want 4: minLon,minLat,maxLon,maxLat", len(parts))
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bad("value %d (%q) is not a finite number", i+1, p)
		}
		v[i] = f
	}
	for _, i := range []int{0, 2} {
		if v[i] < -180 || v[i] > 180 {
			return bad("longitude %g outside [-180, 180]", v[i])
		}
		if v[i+1] < -90 || v[i+1] > 90 {
			return bad("latitude %g outside [-90, 90]", v[i+1])
		}
	}
	if v[0] >= v[2] || v[1] >= v[3] {
		return bad("min must be less than max on both axes")
	}
	if a := (v[2] - v[0]) * (v[3] - v[1]); a > maxArea {
		return orb.Bound{}, &reqError{ErrTooLarge, fmt.Sprintf("bbox: area %.3g square degrees exceeds %g: zoom in", a, maxArea)}
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// CellsIn returns the indexes (into the territory's Cells) of the cells whose
// centre lies in b, boundary included, in H3 order; it fails with ErrTooLarge
// when there are more than the configured maximum.
func (s *Server) CellsIn(b orb.Bound) ([]int32, error) {
	var out []int32
	s.cells.Search(b, func(_ orb.Bound, i int32) bool {
		out = append(out, i)
		return len(out) <= s.cfg.MaxFeatures
	})
	if len(out) > s.cfg.MaxFeatures {
		return nil, &reqError{ErrTooLarge, fmt.Sprintf("more than %d cells in this bbox: zoom in", s.cfg.MaxFeatures)}
	}
	slices.Sort(out) // cells are sorted by H3 index, so index order is H3 order
	return out, nil
}

// CellFeature returns cell i as a GeoJSON feature: its H3 index as id, its
// hexagon (counter-clockwise, closed) as geometry, and every attribute
// (persons, households) with its commune as properties.
func (s *Server) CellFeature(i int32) (*geojson.Feature, error) {
	c := &s.t.Cells[i]
	ring, err := geo.AppendCellRing(nil, c.H3)
	if err != nil {
		return nil, fmt.Errorf("web: cell %d: %w", i, err)
	}
	f := geojson.NewFeature(orb.Polygon{ring})
	f.ID = c.H3.String()
	f.Properties = make(geojson.Properties, int(maillage.NumAttrs)+2)
	for a := range maillage.NumAttrs {
		f.Properties[a.String()] = c.Pop[a]
	}
	if c.Commune >= 0 && int(c.Commune) < len(s.t.Communes) {
		f.Properties["commune"] = s.t.Communes[c.Commune].Code
		f.Properties["commune_name"] = s.t.Communes[c.Commune].Name
	}
	return f, nil
}

func (s *Server) handleCells(c *gin.Context) {
	b, err := ParseBBox(c.Query("bbox"), s.cfg.MaxBBoxArea)
	if err != nil {
		s.fail(c, err)
		return
	}
	idx, err := s.CellsIn(b)
	if err != nil {
		s.fail(c, err)
		return
	}
	body, err := s.appendCells(make([]byte, 0, 64+len(idx)*900), idx)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, geoJSONType, body)
}

// appendCells appends the FeatureCollection of the cells idx to b, with the
// same content as CellFeature gives, written directly (encoding/json on
// property maps costs several times more).
func (s *Server) appendCells(b []byte, idx []int32) ([]byte, error) {
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	var ring orb.Ring
	for k, i := range idx {
		c := &s.t.Cells[i]
		var err error
		if ring, err = geo.AppendCellRing(ring, c.H3); err != nil {
			return nil, fmt.Errorf("web: cell %d: %w", i, err)
		}
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":"Feature","id":"`...)
		b = strconv.AppendUint(b, uint64(c.H3), 16)
		b = append(b, `","geometry":{"type":"Polygon","coordinates":[[`...)
		for j, p := range ring {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			b = strconv.AppendFloat(b, p[0], 'g', -1, 64)
			b = append(b, ',')
			b = strconv.AppendFloat(b, p[1], 'g', -1, 64)
			b = append(b, ']')
		}
		b = append(b, `]]},"properties":{`...)
		for a := range maillage.NumAttrs {
			v := c.Pop[a]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("web: cell %v: %s is %v", c.H3, a, v)
			}
			if a > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, a.String()...)
			b = append(b, `":`...)
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		}
		if c.Commune >= 0 && int(c.Commune) < len(s.communeJSON) {
			b = append(b, s.communeJSON[c.Commune]...)
		}
		b = append(b, "}}"...)
	}
	return append(b, "]}"...), nil
}

// encodeVenues encodes the planner's venues layer (the one encoding of a
// place) once: the territory does not change while the server runs.
func (s *Server) encodeVenues() []byte {
	var buf bytes.Buffer
	l, err := s.p.Layer("venues")
	if err == nil {
		err = layer.WriteGeoJSON(&buf, l, layer.Query{}, layer.FullPrecision)
	}
	if err != nil { // cannot happen: only strings, numbers and booleans
		s.log.Error("encoding venues", "err", err)
		return []byte(`{"type":"FeatureCollection","features":[]}`)
	}
	return buf.Bytes()
}
