package web

import (
	"bytes"
	"compress/gzip"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/maillage/maillage/internal/layer"
	"github.com/maillage/maillage/internal/planner"
)

const mvtType = "application/vnd.mapbox-vector-tile"

// tileCacheControl lets clients keep tiles and documents for five minutes:
// the territory does not change while the server runs, but a restart may
// serve a re-ingested one (the ETag then differs).
const tileCacheControl = "public, max-age=300"

// layerOf returns the planner's layer id as a web error (404 when unknown).
func (s *Server) layerOf(id string) (*layer.Layer, error) {
	l, err := s.p.Layer(id)
	if errors.Is(err, planner.ErrUnknownLayer) {
		return nil, reqErrorf(ErrNotFound, "%v", err)
	}
	return l, err
}

// etag is a strong validator of body.
func etag(body []byte) string {
	h := fnv.New128a()
	h.Write(body)
	return `"` + hex.EncodeToString(h.Sum(nil)) + `"`
}

// sendCached answers body with its ETag and Cache-Control, or 304 when the
// client already has it; it gzips the body when the client accepts it (and
// then says so with Content-Encoding).
func (s *Server) sendCached(c *gin.Context, contentType string, body []byte) {
	tag := etag(body)
	h := c.Writer.Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", tileCacheControl)
	h.Set("Vary", "Accept-Encoding")
	if match := c.GetHeader("If-None-Match"); match != "" {
		for _, m := range strings.Split(match, ",") {
			if m = strings.TrimSpace(m); m == tag || m == "*" || m == "W/"+tag {
				c.Status(http.StatusNotModified)
				return
			}
		}
	}
	if acceptsGzip(c.GetHeader("Accept-Encoding")) && len(body) > 512 {
		zw := gzipWriters.Get().(*gzip.Writer)
		defer func() {
			zw.Reset(io.Discard) // the pooled writer keeps no answer alive
			gzipWriters.Put(zw)
		}()
		var buf bytes.Buffer
		buf.Grow(len(body) / 2)
		zw.Reset(&buf)
		zw.Write(body)
		if err := zw.Close(); err == nil {
			h.Set("Content-Encoding", "gzip")
			body = buf.Bytes()
		}
	}
	c.Data(http.StatusOK, contentType, body)
}

// gzipWriters keeps gzip writers between responses: a new one allocates
// and clears about a megabyte of compressor state.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

func acceptsGzip(ae string) bool {
	for _, part := range strings.Split(ae, ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q = strings.TrimSpace(q)
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// ParseTile parses the z, x and y of a tile path ("y" may end in ".pbf" or
// ".mvt") and checks the tile is in the XYZ grid; errors wrap ErrInvalid.
func ParseTile(zs, xs, ys string) (z, x, y int, err error) {
	ys = strings.TrimSuffix(strings.TrimSuffix(ys, ".pbf"), ".mvt")
	var v [3]int
	for i, p := range [3]string{zs, xs, ys} {
		n, perr := strconv.Atoi(p)
		if perr != nil || len(p) > 9 {
			return 0, 0, 0, reqErrorf(ErrInvalid, "tile: %q is not a tile number (want /tiles/{layer}/{z}/{x}/{y}.pbf)", p)
		}
		v[i] = n
	}
	if _, err := layer.CheckTile(v[0], v[1], v[2]); err != nil {
		return 0, 0, 0, reqErrorf(ErrInvalid, "%v", err)
	}
	return v[0], v[1], v[2], nil
}

func (s *Server) handleTile(c *gin.Context) {
	l, err := s.layerOf(c.Param("layer"))
	if err != nil {
		s.fail(c, err)
		return
	}
	z, x, y, err := ParseTile(c.Param("z"), c.Param("x"), c.Param("y"))
	if err != nil {
		s.fail(c, err)
		return
	}
	var opt layer.TileOptions
	switch d, ok := c.GetQuery("detail"); {
	case !ok:
	case d == "full":
		opt.Full = true
	default:
		s.fail(c, reqErrorf(ErrInvalid, "tile: detail %q is not understood (want detail=full, or no detail)", d))
		return
	}
	t, _ := layer.CheckTile(z, x, y)
	body, _, err := layer.TileWith(l, t, opt)
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(body) == 0 {
		c.Header("Cache-Control", tileCacheControl)
		c.Status(http.StatusNoContent)
		return
	}
	s.sendCached(c, mvtType, body)
}

// tileJSON is a TileJSON 3.0.0 document.
type tileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description,omitempty"`
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       []float64     `json:"bounds,omitempty"`
	Center       []float64     `json:"center,omitempty"`
	VectorLayers []vectorLayer `json:"vector_layers"`
}

type vectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description,omitempty"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// tileFieldType is the TileJSON field type of a layer field as it is
// written in a tile (lists are joined into strings).
func tileFieldType(k layer.Kind) string {
	switch k {
	case layer.Number, layer.Integer:
		return "Number"
	case layer.Boolean:
		return "Boolean"
	}
	return "String"
}

func (s *Server) tileJSONOf(c *gin.Context, l *layer.Layer) tileJSON {
	base := s.ExternalBase(c.Request)
	fields := map[string]string{}
	for _, f := range l.Fields {
		fields[f.Name] = tileFieldType(f.Kind)
	}
	tj := tileJSON{
		TileJSON: "3.0.0", Name: l.ID, Description: l.Title, Scheme: "xyz",
		Attribution: s.attribution(),
		Tiles:       []string{base + "/tiles/" + l.ID + "/{z}/{x}/{y}.pbf"},
		MinZoom:     l.MinZoom, MaxZoom: l.MaxZoom,
		VectorLayers: []vectorLayer{{ID: l.ID, Description: l.Description, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, Fields: fields}},
	}
	if b := l.Bound; b != (layer.Query{}).Bound {
		tj.Bounds = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		ctr := b.Center()
		tj.Center = []float64{ctr[0], ctr[1], 10}
	}
	return tj
}

// attribution is the sources a map built on the tiles credits: INSEE's
// Filosofi grid and the venue files, or only Maillage on a fictional
// territory (whose figures come from neither).
func (s *Server) attribution() string {
	if s.t.Fictional {
		return "Maillage"
	}
	return "Maillage — INSEE Filosofi, lieux de médiation numérique"
}

// handleTileIndex answers /tiles/{layer}.json with the layer's TileJSON.
func (s *Server) handleTileIndex(c *gin.Context) {
	id, ok := strings.CutSuffix(c.Param("layer"), ".json")
	if !ok {
		s.fail(c, reqErrorf(ErrNotFound, "no such endpoint: %s (want /tiles/{layer}.json or /tiles/{layer}/{z}/{x}/{y}.pbf)", c.Request.URL.Path))
		return
	}
	l, err := s.layerOf(id)
	if err != nil {
		s.fail(c, err)
		return
	}
	body, err := json.Marshal(s.tileJSONOf(c, l))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendCached(c, "application/json", body)
}
