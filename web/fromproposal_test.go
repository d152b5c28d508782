package web

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/maillage/maillage/coverage/scenario"
)

// TestScenarioFromProposal: POST /api/v1/scenarios/from-proposal proposes
// sites and stores them as a scenario in one step (the CLI's propose
// --save-scenario); its evaluation covers what the proposal said; a missing
// name is a 400 and stores nothing.
func TestScenarioFromProposal(t *testing.T) {
	h, st := scenarioServer(t)
	body := `{"profiles":["seniors-20min-walk"],"k":2,"candidates":{"cells":true,"communes":true,"venues":false},"hours":7}`
	code, _, b := do(t, h, "POST", "/api/v1/scenarios/from-proposal?name=deux", strings.NewReader(body))
	if code != 201 {
		t.Fatalf("%d %s", code, b)
	}
	var got SavedProposal
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Scenario.ID <= 0 || got.Scenario.Name != "deux" || len(got.Scenario.Changes) != 2 || len(got.Proposal.Sites) != 2 ||
		got.Scenario.Changes[0].Name != got.Proposal.Sites[0].Label {
		t.Fatalf("saved %+v", got.Scenario)
	}
	code, _, b = get(t, h, "/api/v1/scenarios/"+itoa(got.Scenario.ID)+"/evaluation?profile=seniors-20min-walk")
	var ev struct {
		After struct {
			Total struct {
				WeightedCovered float64 `json:"weighted_covered"`
			} `json:"total"`
		} `json:"after"`
	}
	if code != 200 || json.Unmarshal(b, &ev) != nil || math.Abs(ev.After.Total.WeightedCovered-got.Proposal.CoveredAfter) > 1e-6*got.Proposal.CoveredAfter {
		t.Errorf("evaluation %d: %.3f weighted covered, proposal %.3f", code, ev.After.Total.WeightedCovered, got.Proposal.CoveredAfter)
	}
	code, _, b = do(t, h, "POST", "/api/v1/scenarios/from-proposal", strings.NewReader(body))
	if code != 400 || !strings.Contains(errorOf(t, b).Error, "name") {
		t.Errorf("without name: %d %s", code, b)
	}
	if _, total, err := st.List(t.Context(), scenario.Filter{}); err != nil || total != 1 {
		t.Errorf("%d scenarios stored (%v), want 1", total, err)
	}
}
