package web

import (
	"bytes"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/layer"
	"github.com/paulmach/orb"
)

// ParseBBox parses "minLon,minLat,maxLon,maxLat" in WGS84 degrees: exactly 4
// finite numbers, longitudes in [-180, 180], latitudes in [-90, 90], min <
// max on both axes, and an area of at most maxArea square degrees. Errors
// wrap ErrInvalid (or ErrTooLarge for the area) and read well as they are.
func ParseBBox(s string, maxArea float64) (orb.Bound, error) {
	bad := func(format string, a ...any) (orb.Bound, error) {
		return orb.Bound{}, reqErrorf(ErrInvalid, "bbox: %v", labels.Msg(format, a...))
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
		return orb.Bound{}, reqErrorf(ErrTooLarge, "bbox: area %.3g square degrees exceeds %g: zoom in", a, maxArea)
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// handleCells answers GET /api/v1/cells?bbox=…: the features of the cells
// layer whose hexagon's box meets the box (the rule of the OGC items and
// the GeoPackage's index), as that layer encodes them, or 413 when they are
// more than MaxFeatures.
func (s *Server) handleCells(c *gin.Context) {
	b, err := ParseBBox(c.Query("bbox"), s.cfg.MaxBBoxArea)
	if err != nil {
		s.fail(c, err)
		return
	}
	l, err := s.layerOf("cells")
	if err != nil {
		s.fail(c, err)
		return
	}
	body, n, err := layer.AppendGeoJSON(make([]byte, 0, 256<<10), l, layer.Query{Bound: b}, layer.FullPrecision, s.cfg.MaxFeatures)
	if err != nil {
		s.fail(c, err)
		return
	}
	if n > s.cfg.MaxFeatures {
		s.fail(c, reqErrorf(ErrTooLarge, "more than %d cells in this bbox: zoom in", s.cfg.MaxFeatures))
		return
	}
	c.Data(http.StatusOK, geoJSONType, body)
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
