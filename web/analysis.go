package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/propose"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/planner"
)

const csvType = "text/csv; charset=utf-8"

// ProfileInfo describes one demand profile in GET /api/v1/profiles.
type ProfileInfo struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Population  []string `json:"population"` // counted attributes; ["Ind"] for everyone
	Mode        string   `json:"mode"`
	// Engine is the profile's setting (crowfly, road or auto); EngineUsed is
	// what it actually runs on for this territory (road or crowfly).
	Engine         string  `json:"engine"`
	EngineUsed     string  `json:"engine_used"`
	MaxMinutes     float64 `json:"max_minutes"`
	MinWeeklyHours float64 `json:"min_weekly_hours"`
	// Label and Rule are the profile's readable name and rule in the
	// requested language (labels.Lang.Profile): « 65 ans et plus, 20 min à
	// pied ».
	Label string `json:"label"`
	Rule  string `json:"rule"`
}

// Profiles returns the planner's profiles, built-ins first, labelled in
// French.
func (s *Server) Profiles() []ProfileInfo { return s.ProfilesIn(labels.FR) }

// ProfilesIn returns the planner's profiles, built-ins first, labelled in
// lang.
func (s *Server) ProfilesIn(lang labels.Lang) []ProfileInfo {
	ps := s.p.Profiles()
	out := make([]ProfileInfo, len(ps))
	for i, pr := range ps {
		pop := []string{"Ind"}
		if len(pr.Population) > 0 {
			pop = pop[:0]
			for _, a := range pr.Population {
				pop = append(pop, a.String())
			}
		}
		engine := pr.Engine
		if engine == "" {
			engine = coverage.EngineAuto
		}
		out[i] = ProfileInfo{Name: pr.Name, Description: pr.Description, Population: pop,
			Mode: pr.Mode.Name, Engine: engine, EngineUsed: s.p.EngineKind(pr),
			MaxMinutes: pr.MaxMinutes, MinWeeklyHours: pr.MinWeeklyHours}
		lab := lang.Profile(pr.Facts())
		out[i].Label, out[i].Rule = lab.Label, lab.Rule
	}
	return out
}

func (s *Server) handleProfiles(c *gin.Context) {
	lang, err := langParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"profiles": s.ProfilesIn(lang)})
}

// Labels returns the label catalogue in lang, with the labels of the
// planner's profiles (GET /api/v1/labels).
func (s *Server) Labels(lang labels.Lang) labels.Catalogue {
	ps := s.p.Profiles()
	facts := make([]labels.ProfileFacts, len(ps))
	for i := range ps {
		facts[i] = ps[i].Facts()
	}
	return lang.Catalogue(facts)
}

func (s *Server) handleLabels(c *gin.Context) {
	lang, err := langParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.Labels(lang))
}

// langParam reads the lang query parameter (fr, the default, or en).
func langParam(c *gin.Context) (labels.Lang, error) {
	lang, err := labels.ParseLang(c.Query("lang"))
	if err != nil {
		return lang, reqErrorf(ErrInvalid, "lang %q: want fr or en", c.Query("lang"))
	}
	return lang, nil
}

// knownProfiles returns the profile names, for error messages.
func (s *Server) knownProfiles() string {
	ps := s.p.Profiles()
	names := make([]string, len(ps))
	for i, pr := range ps {
		names[i] = pr.Name
	}
	return strings.Join(names, ", ")
}

// profileParam returns the one required ?profile= of the request.
func (s *Server) profileParam(c *gin.Context) (string, error) {
	name := c.Query("profile")
	if name == "" {
		return "", reqErrorf(ErrInvalid, "profile: missing: want profile=NAME (known: %s)", s.knownProfiles())
	}
	return name, nil
}

// formatParam returns ?format= (def when absent), which must be one of allowed.
func formatParam(c *gin.Context, def string, allowed ...string) (string, error) {
	f := c.DefaultQuery("format", def)
	for _, a := range allowed {
		if f == a {
			return f, nil
		}
	}
	return "", reqErrorf(ErrInvalid, "format %q: want one of %s", f, strings.Join(allowed, ", "))
}

// writeTo answers with what write writes, buffered so that an error can
// still become a JSON error answer.
func (s *Server) writeTo(c *gin.Context, status int, contentType string, write func(io.Writer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		s.fail(c, err)
		return
	}
	c.Data(status, contentType, buf.Bytes())
}

func (s *Server) handleCoverage(c *gin.Context) {
	format, err := formatParam(c, "json", "json", "csv")
	if err != nil {
		s.fail(c, err)
		return
	}
	contentType := "application/json; charset=utf-8"
	if format == "csv" {
		contentType = csvType
	}
	s.memoized(c, contentType, func(w io.Writer) error {
		rep, err := s.p.Coverage(c.QueryArray("profile")...)
		if err != nil {
			return err
		}
		if err := rep.RollUp(s.p.Territory(), c.Query("level")); err != nil {
			return err
		}
		if format == "csv" {
			return coverage.WriteSummaryCSV(w, rep)
		}
		b, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
}

// ParseNonNegative parses a query value that must be a finite number ≥ 0
// (empty means 0). Errors wrap ErrInvalid and name the parameter.
func ParseNonNegative(name, v string) (float64, error) {
	if v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, reqErrorf(ErrInvalid, "%s: %q is not a finite number ≥ 0", name, v)
	}
	return f, nil
}

// layerType is the content type of a layer in format "geojson" or "csv".
func layerType(format string) string {
	if format == "csv" {
		return csvType
	}
	return geoJSONType
}

func (s *Server) handleGaps(c *gin.Context) {
	format, err := formatParam(c, "geojson", "geojson", "csv")
	if err != nil {
		s.fail(c, err)
		return
	}
	profile, err := s.profileParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	minPersons, err := ParseNonNegative("min_persons", c.Query("min_persons"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.memoized(c, layerType(format), func(w io.Writer) error { return s.p.WriteGaps(w, profile, format, minPersons) })
}

func (s *Server) handleAccess(c *gin.Context) {
	format, err := formatParam(c, "geojson", "geojson", "csv")
	if err != nil {
		s.fail(c, err)
		return
	}
	profile, err := s.profileParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.memoized(c, layerType(format), func(w io.Writer) error { return s.p.WriteAccess(w, profile, format) })
}

// ProposalRequest is the JSON body of POST /api/v1/proposals.
type ProposalRequest struct {
	Profiles []string  `json:"profiles"`
	Mix      []float64 `json:"mix,omitempty"` // one coefficient ≥ 0 per profile; empty: equal shares
	// K new sites (maximal covering, 1..planner.MaxProposalK), or, when Target > 0,
	// the fewest sites reaching Target, a share in (0, 1] (K is then ignored).
	K          int              `json:"k"`
	Target     float64          `json:"target"`
	Candidates *CandidateChoice `json:"candidates,omitempty"` // nil: cells and communes
	Hours      float64          `json:"hours"`                // weekly hours of a new permanence; 0: 7
	PerHour    float64          `json:"per_hour"`             // capacity, persons per staffed hour; 0: unlimited
}

// CandidateChoice says where proposed sites may go.
type CandidateChoice struct {
	Cells           bool     `json:"cells"`    // every populated cell centre
	Communes        bool     `json:"communes"` // every commune centre
	Venues          bool     `json:"venues"`   // existing places, extending their hours
	MinPersons      float64  `json:"min_persons,omitempty"`
	AllowedCommunes []string `json:"allowed_communes,omitempty"` // INSEE codes
	// Sites is the user's own list of candidate sites (a town hall, a
	// library where a permanence could open), the same GeoJSON as the CLI's
	// --candidates file: a FeatureCollection (or a Feature) of Points with
	// optional properties name and hours (weekly hours).
	Sites json.RawMessage `json:"sites,omitempty"`
}

// DecodeProposal reads a ProposalRequest from r (unknown fields and trailing
// data rejected) and checks it. Errors wrap ErrInvalid, are a
// *data.CandidateError (naming the site) for a bad candidates.sites, or
// are *http.MaxBytesError when r is a MaxBytesReader that hit its limit.
func DecodeProposal(r io.Reader) (planner.ProposeRequest, error) {
	var pr ProposalRequest
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pr); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return planner.ProposeRequest{}, err
		}
		return planner.ProposeRequest{}, reqErrorf(ErrInvalid, "proposal: %v", errors.New(strings.TrimPrefix(err.Error(), "json: ")))
	}
	if _, err := dec.Token(); err != io.EOF {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return planner.ProposeRequest{}, err
		}
		return planner.ProposeRequest{}, reqErrorf(ErrInvalid, "proposal: data after the JSON object")
	}
	bad := func(format string, a ...any) (planner.ProposeRequest, error) {
		return planner.ProposeRequest{}, reqErrorf(ErrInvalid, "proposal: %v", labels.Msg(format, a...))
	}
	req := planner.ProposeRequest{Profiles: pr.Profiles, Mix: pr.Mix, K: pr.K, Target: pr.Target,
		Hours: pr.Hours, PerHour: pr.PerHour}
	if len(req.Mix) == 0 {
		req.Mix = nil
	}
	if cc := pr.Candidates; cc != nil {
		var user []data.CandidateSite
		if len(cc.Sites) > 0 && string(cc.Sites) != "null" {
			var err error
			if user, err = data.ReadCandidatesGeoJSON(bytes.NewReader(cc.Sites), "candidates.sites"); err != nil {
				return planner.ProposeRequest{}, err
			}
			if len(user) == 0 {
				return bad("candidates.sites: no site")
			}
		}
		if !cc.Cells && !cc.Communes && !cc.Venues && len(user) == 0 {
			return bad("candidates: choose at least one of cells, communes, venues, sites")
		}
		req.Candidates = propose.CandidateOptions{Cells: cc.Cells, Communes: cc.Communes, Venues: cc.Venues,
			MinPersons: cc.MinPersons, AllowedCommunes: cc.AllowedCommunes, User: user}
	}
	if err := req.Validate(); err != nil { // the planner's limits, shared with the CLI
		return planner.ProposeRequest{}, fmt.Errorf("proposal: %w", err)
	}
	if req.Target > 0 {
		req.K = 0 // the fewest sites reaching the target
	}
	return req, nil
}

func (s *Server) handleProposals(c *gin.Context) {
	format, err := formatParam(c, "json", "json", "geojson", "csv")
	if err != nil {
		s.fail(c, err)
		return
	}
	req, err := DecodeProposal(c.Request.Body) // capped by capBody
	if err != nil {
		s.fail(c, err)
		return
	}
	if format == "json" && strings.Contains(c.GetHeader("Accept"), ndjsonType) {
		s.streamProposal(c, req)
		return
	}
	var prop *propose.Proposal
	err = s.expensive(c, labels.Msg("proposal"), func(ctx context.Context) error {
		var err error
		prop, err = timed(s.metrics.proposals, func() (*propose.Proposal, error) { return s.p.ProposeContext(ctx, req) })
		return err
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	switch format {
	case "geojson":
		s.writeTo(c, http.StatusOK, geoJSONType, prop.WriteGeoJSON)
	case "csv":
		s.writeTo(c, http.StatusOK, csvType, prop.WriteCSV)
	default:
		s.writeTo(c, http.StatusOK, "application/json; charset=utf-8", prop.WriteJSON)
	}
}

// ndjsonType is newline-delimited JSON: one JSON value a line.
const ndjsonType = "application/x-ndjson"

// ProposalEvent is one line of POST /api/v1/proposals answered as NDJSON
// (Accept: application/x-ndjson): progress lines, then the proposal or
// the error.
type ProposalEvent struct {
	// Progress: Done of Total candidates' catchments computed (one per
	// candidate and profile, the bulk of the work); the sites are chosen
	// once Done == Total.
	Progress *ProposalProgress `json:"progress,omitempty"`
	Proposal *propose.Proposal `json:"proposal,omitempty"`
	Error    *errorBody        `json:"error,omitempty"` // with the status the plain answer would have had
}

// ProposalProgress is how far a proposal has got.
type ProposalProgress struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

// progressEvery is the least time between two progress lines.
const progressEvery = 100 * time.Millisecond

// streamProposal answers a proposal as NDJSON: a progress line at most
// every progressEvery while the catchments are computed, then one line with
// the proposal, or with the error should it fail once the lines have begun
// (before, the error is the usual answer: 503 when the pool is full...).
// A client that goes away cancels the work as for the plain answer.
func (s *Server) streamProposal(c *gin.Context, req planner.ProposeRequest) {
	var mu sync.Mutex // progress is called from several goroutines
	started, last, best := false, time.Time{}, 0
	line := func(ev ProposalEvent) {
		if !started {
			started = true
			c.Header("Content-Type", ndjsonType)
			c.Header("Cache-Control", "no-store")
			c.Header("X-Content-Type-Options", "nosniff")
			c.Status(http.StatusOK)
		}
		b, err := json.Marshal(ev)
		if err == nil {
			c.Writer.Write(append(b, '\n'))
			c.Writer.Flush()
		}
	}
	progress := func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if done <= best || done < total && time.Since(last) < progressEvery {
			return
		}
		best, last = done, time.Now()
		line(ProposalEvent{Progress: &ProposalProgress{Done: done, Total: total}})
	}
	var prop *propose.Proposal
	err := s.expensive(c, labels.Msg("proposal"), func(ctx context.Context) error {
		var err error
		prop, err = timed(s.metrics.proposals, func() (*propose.Proposal, error) { return s.p.ProposeProgress(ctx, req, progress) })
		return err
	})
	mu.Lock()
	defer mu.Unlock()
	switch {
	case err == nil:
		line(ProposalEvent{Proposal: prop})
	case !started:
		s.fail(c, err)
	default:
		_, body := s.errorAnswer(c, err)
		line(ProposalEvent{Error: &body}) // lost if the client went away
	}
}

// ParseLatLon parses "LAT,LON" in WGS84 degrees (latitude in [-90, 90],
// longitude in [-180, 180], finite) into an orb.Point{lon, lat}. Errors wrap
// ErrInvalid and name the parameter.
func ParseLatLon(name, v string) (orb.Point, error) {
	bad := func() (orb.Point, error) {
		return orb.Point{}, reqErrorf(ErrInvalid, "%s: %q: want LAT,LON in degrees (latitude -90..90, longitude -180..180)", name, v)
	}
	lat, lon, ok := strings.Cut(v, ",")
	if !ok {
		return bad()
	}
	y, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	x, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	if err1 != nil || err2 != nil || !(y >= -90 && y <= 90) || !(x >= -180 && x <= 180) {
		return bad()
	}
	return orb.Point{x, y}, nil
}

// RouteAnswer is the answer of GET /api/v1/route (the same as `maillage
// route --json`): travel time in minutes and seconds, distance in metres.
type RouteAnswer struct {
	Minutes float64 `json:"minutes"`
	Meters  float64 `json:"meters"`
	Seconds float64 `json:"seconds"`
	Mode    string  `json:"mode"`
	Engine  string  `json:"engine"`
}

// Route returns the travel time and distance from one point to another by
// mode ("walk", "senior", "bike", "car") with engine "road" (shortest path
// on the territory's network; an error matching coverage.ErrNoRoads without
// one) or "crowfly" (great-circle distance × the mode's detour).
func (s *Server) Route(from, to orb.Point, modeName, engine string) (RouteAnswer, error) {
	r, mode, err := s.p.Route(from, to, modeName, engine)
	if err != nil {
		return RouteAnswer{}, err
	}
	return RouteAnswer{Minutes: r.Seconds / 60, Meters: r.Meters, Seconds: r.Seconds, Mode: mode.Name, Engine: engine}, nil
}

func (s *Server) handleRoute(c *gin.Context) {
	from, err := ParseLatLon("from", c.Query("from"))
	if err != nil {
		s.fail(c, err)
		return
	}
	to, err := ParseLatLon("to", c.Query("to"))
	if err != nil {
		s.fail(c, err)
		return
	}
	a, err := s.Route(from, to, c.DefaultQuery("mode", "car"), c.DefaultQuery("engine", coverage.EngineRoad))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}
