package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/maillage/maillage/coverage/propose"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/planner"
)

// needStore answers 503 when the server has no scenario store.
func (s *Server) needStore(c *gin.Context) {
	if s.store == nil {
		s.fail(c, reqErrorf(ErrUnavailable, "scenarios: no scenario store configured (start `maillage serve` with --db FILE)"))
		return
	}
	c.Next()
}

// ParseID parses a scenario id: a decimal integer ≥ min (1 for a stored
// scenario, 0 when 0 stands for the base territory). Errors wrap ErrInvalid.
func ParseID(name, v string, min int64) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < min {
		return 0, reqErrorf(ErrInvalid, "%s: %q is not a scenario id (an integer ≥ %d)", name, v, min)
	}
	return id, nil
}

// decodeScenario reads a scenario from the request body (at most
// cfg.MaxBodyBytes, then the scenario limits and checks of
// scenario.Options.Decode), with its base defaulting to the served
// territory when the body names none.
func (s *Server) decodeScenario(c *gin.Context) (scenario.Scenario, error) {
	raw, err := readBody(c) // capped by capBody
	if err != nil {
		return scenario.Scenario{}, err
	}
	return s.p.DecodeScenario(raw)
}

func (s *Server) handleScenarioCreate(c *gin.Context) {
	sc, err := s.decodeScenario(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	sc.ID, sc.Version = 0, 0 // set by the store
	if err := s.store.Create(c.Request.Context(), &sc); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/scenarios/%d", sc.ID))
	c.JSON(http.StatusCreated, sc)
}

// SavedProposal is the answer of POST /api/v1/scenarios/from-proposal: the
// stored scenario and the proposal it was made from.
type SavedProposal struct {
	Scenario scenario.Scenario `json:"scenario"`
	Proposal *propose.Proposal `json:"proposal"`
}

// handleScenarioFromProposal runs a proposal (the body of POST
// /api/v1/proposals) and stores its sites as a scenario called by the name
// query parameter: the CLI's propose --save-scenario.
func (s *Server) handleScenarioFromProposal(c *gin.Context) {
	name := strings.TrimSpace(c.Query("name"))
	if name == "" {
		s.fail(c, reqErrorf(ErrInvalid, "name: missing: want name=NAME, the scenario's name"))
		return
	}
	req, err := DecodeProposal(c.Request.Body)
	if err != nil {
		s.fail(c, err)
		return
	}
	var prop *propose.Proposal
	err = s.expensive(c, labels.Msg("proposal"), func(ctx context.Context) error {
		var err error
		prop, err = s.p.ProposeContext(ctx, req)
		return err
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	sc, err := s.p.ProposalScenario(prop, name)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.store.Create(c.Request.Context(), &sc); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/scenarios/%d", sc.ID))
	c.JSON(http.StatusCreated, SavedProposal{Scenario: sc, Proposal: prop})
}

// ScenarioPage is the answer of GET /api/v1/scenarios: summaries (no
// changes; GET /api/v1/scenarios/ID has them), so that a page of large
// scenarios stays a small answer.
type ScenarioPage struct {
	Scenarios []scenario.Summary `json:"scenarios"`
	Total     int                `json:"total"` // scenarios in all
	Offset    int                `json:"offset"`
	Limit     int                `json:"limit"` // as asked; 0: the store's default
}

func (s *Server) handleScenarioList(c *gin.Context) {
	var f scenario.Filter
	for _, p := range []struct {
		name string
		v    *int
	}{{"offset", &f.Offset}, {"limit", &f.Limit}} {
		q := c.Query(p.name)
		if q == "" {
			continue
		}
		n, err := strconv.Atoi(q)
		if err != nil || n < 0 {
			s.fail(c, reqErrorf(ErrInvalid, "%s: %q is not an integer ≥ 0", p.name, q))
			return
		}
		*p.v = n
	}
	list, total, err := s.store.List(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	if list == nil {
		list = []scenario.Summary{}
	}
	c.JSON(http.StatusOK, ScenarioPage{Scenarios: list, Total: total, Offset: f.Offset, Limit: f.Limit})
}

// stored returns the scenario named by the :id path parameter.
func (s *Server) stored(c *gin.Context) (*scenario.Scenario, error) {
	id, err := ParseID("id", c.Param("id"), 1)
	if err != nil {
		return nil, err
	}
	return s.store.Get(c.Request.Context(), id)
}

func (s *Server) handleScenarioGet(c *gin.Context) {
	sc, err := s.stored(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sc)
}

func (s *Server) handleScenarioUpdate(c *gin.Context) {
	id, err := ParseID("id", c.Param("id"), 1)
	if err != nil {
		s.fail(c, err)
		return
	}
	sc, err := s.decodeScenario(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if sc.ID != 0 && sc.ID != id {
		s.fail(c, &scenario.ValidationError{Problems: []scenario.Problem{{Change: -1, Field: "id",
			Reason: fmt.Sprintf("body names scenario %d, the path %d", sc.ID, id)}}})
		return
	}
	if sc.Version <= 0 {
		s.fail(c, &scenario.ValidationError{Problems: []scenario.Problem{{Change: -1, Field: "version",
			Reason: "missing: send the version the scenario was read at"}}})
		return
	}
	sc.ID = id
	if err := s.store.Update(c.Request.Context(), &sc); err != nil {
		s.fail(c, err)
		return
	}
	// Answer with what is stored (Created is kept by the store).
	got, err := s.store.Get(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, got)
}

func (s *Server) handleScenarioDelete(c *gin.Context) {
	id, err := ParseID("id", c.Param("id"), 1)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.store.Delete(c.Request.Context(), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) handleScenarioEvaluation(c *gin.Context) {
	profile, err := s.profileParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	sc, err := s.stored(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	// A scenario's evaluation depends only on its content (and the base
	// territory): memoised under the digest of the scenario as stored.
	content, err := json.Marshal(sc)
	if err != nil {
		s.fail(c, err)
		return
	}
	digest := sha256.Sum256(content)
	key := c.FullPath() + "?" + c.Request.URL.Query().Encode() + "&scenario=" + hex.EncodeToString(digest[:])
	s.memoizedAs(c, key, "application/json; charset=utf-8", func(w io.Writer) error {
		ev, err := s.evaluate(*sc, profile)
		if err != nil {
			return err
		}
		b, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
}

func (s *Server) handleScenarioGeoJSON(c *gin.Context) {
	sc, err := s.stored(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeTo(c, http.StatusOK, geoJSONType, func(w io.Writer) error { return s.p.WriteScenarioGeoJSON(w, *sc) })
}

// handleScenarioDiff compares scenarios a and b (0 is the base territory)
// for one profile, as `maillage scenario diff` does.
func (s *Server) handleScenarioDiff(c *gin.Context) {
	profile, err := s.profileParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var ids [2]int64
	for i, name := range []string{"a", "b"} {
		if ids[i], err = ParseID(name, c.Query(name), 0); err != nil {
			s.fail(c, err)
			return
		}
	}
	d, err := timed(s.metrics.evaluations, func() (scenario.Delta, error) {
		d, _, err := s.p.Diff(c.Request.Context(), s.store, ids[0], ids[1], profile)
		return d, err
	})
	if errors.Is(err, planner.ErrNoStore) {
		err = reqErrorf(ErrUnavailable, "%v; start `maillage serve` with --db FILE", err)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// evaluate is the planner's Evaluate, timed.
func (s *Server) evaluate(sc scenario.Scenario, profile string) (*planner.Evaluation, error) {
	return timed(s.metrics.evaluations, func() (*planner.Evaluation, error) { return s.p.Evaluate(sc, profile) })
}
