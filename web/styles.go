package web

import (
	"encoding/json"
	"strings"

	"github.com/gin-gonic/gin"
)

// styleLayer is one layer of a MapLibre style.
type styleLayer map[string]any

// handleStyle answers /styles/{profile}.json: a MapLibre GL style (version
// 8) over this server's tiles for one profile — its coverage per cell
// coloured by the covered share, its gap zones, the commune outlines and the
// places — that a MapLibre page or QGIS (as a style URL) can load as is.
func (s *Server) handleStyle(c *gin.Context) {
	name, ok := strings.CutSuffix(c.Param("profile"), ".json")
	if !ok {
		s.fail(c, reqErrorf(ErrNotFound, "no such endpoint: %s (want /styles/{profile}.json)", c.Request.URL.Path))
		return
	}
	if _, err := s.p.Profile(name); err != nil {
		s.fail(c, reqErrorf(ErrNotFound, "%v", err))
		return
	}
	body, err := json.Marshal(s.style(c, name))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendCached(c, "application/json", body)
}

func (s *Server) style(c *gin.Context, profile string) map[string]any {
	base := s.ExternalBase(c.Request)
	src := func(id string) map[string]any {
		return map[string]any{"type": "vector", "url": base + "/tiles/" + id + ".json"}
	}
	cov, gaps := "coverage-"+profile, "gaps-"+profile
	sources := map[string]any{
		"communes": src("communes"),
		cov:        src(cov),
		gaps:       src(gaps),
		"venues":   src("venues"),
	}
	layers := []styleLayer{
		{"id": "fond", "type": "background", "paint": map[string]any{"background-color": "#f4f1ea"}},
		{"id": "couverture", "type": "fill", "source": cov, "source-layer": cov,
			"paint": map[string]any{
				"fill-color": []any{"interpolate", []any{"linear"}, []any{"get", "covered_share"},
					0, "#d7301f", 0.5, "#fdcc8a", 1, "#1a9850"},
				"fill-opacity": 0.55,
			}},
		{"id": "zones-blanches", "type": "line", "source": gaps, "source-layer": gaps,
			"paint": map[string]any{"line-color": "#67000d", "line-width": 2}},
		{"id": "communes", "type": "line", "source": "communes", "source-layer": "communes",
			"paint": map[string]any{"line-color": "#555555", "line-width": 0.6}},
		{"id": "lieux", "type": "circle", "source": "venues", "source-layer": "venues",
			"paint": map[string]any{"circle-radius": 4, "circle-color": "#08519c",
				"circle-stroke-color": "#ffffff", "circle-stroke-width": 1}},
	}
	if l, err := s.p.Layer("roads"); err == nil {
		sources["roads"] = src("roads")
		road := styleLayer{"id": "routes", "type": "line", "source": "roads", "source-layer": "roads", "minzoom": l.MinZoom,
			"paint": map[string]any{"line-color": "#9e9e9e", "line-width": 0.8}}
		layers = append(layers[:1], append([]styleLayer{road}, layers[1:]...)...)
	}
	st := map[string]any{
		"version": 8,
		"name":    "Maillage — " + profile,
		"sources": sources,
		"layers":  layers,
	}
	if b := s.p.Territory(); len(b.Cells) > 0 {
		if l, err := s.p.Layer("cells"); err == nil {
			ctr := l.Bound.Center()
			st["center"] = []float64{ctr[0], ctr[1]}
			st["zoom"] = 9
		}
	}
	return st
}
