package web

import (
	"context"
	"net/http"
	"os"
	"path/filepath"

	"github.com/gin-gonic/gin"

	"github.com/maillage/maillage/internal/gpkg"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/planner"
)

const gpkgType = "application/geopackage+sqlite3"

// handleExportGPKG answers GET /api/v1/export.gpkg[?profile=P...]: every
// layer in one GeoPackage (the saved scenarios' too), as `maillage export
// --format gpkg` writes it, built in a temporary directory that is removed
// once sent.
func (s *Server) handleExportGPKG(c *gin.Context) {
	if err := onlyParams(c, "profile"); err != nil {
		s.fail(c, err)
		return
	}
	req := planner.ExportRequest{Profiles: c.QueryArray("profile"), Store: s.store}
	layers, warnings, err := s.p.ExportLayers(c.Request.Context(), req)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, w := range warnings {
		s.log.Warn("export", "warning", w)
	}
	dir, err := os.MkdirTemp("", "maillage-export-")
	if err != nil {
		s.fail(c, err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "territoire.gpkg")
	// Writing every layer (and computing the proposals on a first export)
	// is heavy work: it takes a slot of the pool and its deadline.
	err = s.expensive(c, labels.Msg("export"), func(ctx context.Context) error {
		_, err := gpkg.Write(ctx, path, layers)
		return err
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="territoire.gpkg"`)
	c.Header("Content-Type", gpkgType)
	c.File(path)
	c.Status(http.StatusOK)
}
