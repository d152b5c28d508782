package web

import (
	"net/http"
	"os"
	"path/filepath"

	"github.com/gin-gonic/gin"

	"github.com/maillage/maillage/internal/gpkg"
)

const gpkgType = "application/geopackage+sqlite3"

// handleExportGPKG answers GET /api/v1/export.gpkg[?profile=P...]: every
// layer in one GeoPackage, as `maillage export --format gpkg` writes it,
// built in a temporary directory that is removed once sent.
func (s *Server) handleExportGPKG(c *gin.Context) {
	if err := onlyParams(c, "profile"); err != nil {
		s.fail(c, err)
		return
	}
	layers, err := s.p.ExportLayers(c.QueryArray("profile"))
	if err != nil {
		s.fail(c, err)
		return
	}
	dir, err := os.MkdirTemp("", "maillage-export-")
	if err != nil {
		s.fail(c, err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "territoire.gpkg")
	if _, err := gpkg.Write(c.Request.Context(), path, layers); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="territoire.gpkg"`)
	c.Header("Content-Type", gpkgType)
	c.File(path)
	c.Status(http.StatusOK)
}
