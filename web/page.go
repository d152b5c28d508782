package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/internal/report"
)

// static holds the planners' web page: index.html (a template), the page's
// own ES modules and CSS under app/, and MapLibre GL JS under vendor/ (copied
// from npm by ui/vendor.sh, pinned by ui/package-lock.json). Everything the
// page loads comes from this server: it works with no network.
//
//go:embed static
var static embed.FS

// pageConfig is what index.html hands the page's scripts, as JSON: the
// services a new place may offer (the schema's labels) and an optional
// outside base map (a MapLibre style URL; none by default).
type pageConfig struct {
	Territory string    `json:"territory"`
	Fictional bool      `json:"fictional"`
	Services  []string  `json:"services"`
	BaseMap   string    `json:"basemap,omitempty"`
	Bounds    []float64 `json:"bounds"` // minLon, minLat, maxLon, maxLat of the populated cells' centres
	// Profiles are the profiles as GET /api/v1/profiles has them (in
	// French), and Profile the one the map opens on: the map's first style
	// is drawn from them, and index.html preloads that profile's answers,
	// while the page's modules load.
	Profiles []ProfileInfo `json:"profiles"`
	Profile  string        `json:"profile"`
}

var indexTemplate = template.Must(template.ParseFS(static, "static/index.html"))

// renderIndex renders the page once: it depends only on the territory and
// the configuration.
func (s *Server) renderIndex() ([]byte, error) {
	cfg := pageConfig{Territory: s.t.Name, Fictional: s.t.Fictional, Services: maillage.ServiceNames,
		BaseMap: s.cfg.BaseMapStyle, Bounds: s.summary.BBox, Profiles: s.Profiles(), Profile: s.defaultProfile()}
	// The map opens on the people, not on the places kept in the buffer
	// around them.
	if len(s.t.Cells) > 0 {
		b := orb.Bound{Min: s.t.Cells[0].Center, Max: s.t.Cells[0].Center}
		for i := range s.t.Cells {
			b = b.Extend(s.t.Cells[i].Center)
		}
		cfg.Bounds = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = indexTemplate.Execute(&buf, struct {
		Title  string
		Config template.JS
	}{Title: s.t.Name, Config: template.JS(raw)})
	return buf.Bytes(), err
}

// routePage mounts the page at / and its files at /app/ and /vendor/.
func (s *Server) routePage(e *gin.Engine) {
	index, err := s.renderIndex()
	e.GET("/", func(c *gin.Context) {
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "text/html; charset=utf-8", index)
	})
	sub, _ := fs.Sub(static, "static")
	files := http.FileServer(http.FS(sub))
	tags := staticTags(sub)
	serve := func(c *gin.Context) {
		// Revalidated at each visit, answered 304 while unchanged: the
		// browser then keeps its compiled code of MapLibre's 1.7 MB of
		// modules instead of compiling them again.
		c.Header("Cache-Control", "no-cache")
		if tag, ok := tags[strings.TrimPrefix(c.Request.URL.Path, "/")]; ok {
			c.Header("ETag", tag)
		}
		files.ServeHTTP(c.Writer, c.Request)
	}
	e.GET("/report", s.handleReport)
	e.GET("/app/*file", serve)
	e.GET("/vendor/*file", serve)
}

// defaultProfile is the profile the page and the report show when none is
// asked for (the page's main.js picks the same).
func (s *Server) defaultProfile() string {
	if _, err := s.p.Profile("seniors-20min-walk"); err == nil {
		return "seniors-20min-walk"
	}
	if ps := s.p.Profiles(); len(ps) > 0 {
		return ps[0].Name
	}
	return ""
}

// staticTags returns the ETag of each file of fsys by its path (embedded
// files have no modification time, so http.FileServer has no validator of
// its own).
func staticTags(fsys fs.FS) map[string]string {
	tags := map[string]string{}
	fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if b, err := fs.ReadFile(fsys, path); err == nil {
			tags[path] = etag(b)
		}
		return nil
	})
	return tags
}

// handleDraftEvaluation evaluates the scenario in the body (stored or not:
// nothing is written) for ?profile=, with the cells it flips and the persons
// newly covered by age band: what the web map shows after each change.
func (s *Server) handleDraftEvaluation(c *gin.Context) {
	profile, err := s.profileParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		s.fail(c, err)
		return
	}
	sc, err := s.p.DecodeScenario(raw)
	if err != nil {
		s.fail(c, err)
		return
	}
	ev, err := s.p.EvaluateDraft(sc, profile)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ev)
}

// handleReport answers GET /report?scenario=ID&profile=P: the council's
// printable report (package report) of a stored scenario, or of the base
// territory for 0 or none. An unknown profile or scenario falls back (to
// the default profile, to the base) with a note on the page.
func (s *Server) handleReport(c *gin.Context) {
	opt := report.Options{Profile: c.Query("profile")}
	if _, err := s.p.Profile(opt.Profile); err != nil {
		def := s.defaultProfile()
		if opt.Profile != "" {
			opt.Notes = append(opt.Notes, fmt.Sprintf("Profil « %s » inconnu : le rapport porte sur « %s ».", opt.Profile, def))
		}
		opt.Profile = def
	}
	if q := c.Query("scenario"); q != "" && q != "0" {
		id, err := ParseID("scenario", q, 1)
		var sc *scenario.Scenario
		if err == nil && s.store != nil {
			sc, err = s.store.Get(c.Request.Context(), id)
		}
		switch {
		case err == nil && sc != nil:
			opt.Scenario = sc
		case err == nil || errors.Is(err, scenario.ErrNotFound) || errors.Is(err, ErrInvalid):
			opt.Notes = append(opt.Notes, fmt.Sprintf("Scénario « %s » introuvable : le rapport porte sur le territoire actuel.", q))
		default:
			s.fail(c, err)
			return
		}
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, s.p, opt); err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}
