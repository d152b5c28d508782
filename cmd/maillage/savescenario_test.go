package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestProposeSaveScenario: `propose --save-scenario` stores the proposal as
// a scenario whose evaluation covers what the proposal says: the weighted
// demand covered after the new sites, and one added place per site.
func TestProposeSaveScenario(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	var prop struct {
		CoveredAfter float64 `json:"covered_after"`
		Sites        []struct {
			Label string `json:"label"`
		} `json:"sites"`
	}
	if err := json.Unmarshal(run(t, "propose", "--profile", "seniors-20min-walk", "-k", "3", "--save-scenario", "Trois sites", "--db", db), &prop); err != nil {
		t.Fatal(err)
	}
	if len(prop.Sites) != 3 || !strings.HasPrefix(prop.Sites[0].Label, "Site 1 — ") {
		t.Fatalf("sites %+v", prop.Sites)
	}
	var sc struct {
		Name    string `json:"name"`
		Changes []struct {
			Op           string `json:"op"`
			Name         string `json:"name"`
			OpeningHours string `json:"opening_hours"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(run(t, "scenario", "show", "1", "--db", db), &sc); err != nil {
		t.Fatal(err)
	}
	if sc.Name != "Trois sites" || len(sc.Changes) != 3 || sc.Changes[0].Op != "add" || sc.Changes[0].Name != prop.Sites[0].Label || sc.Changes[0].OpeningHours != "Mo,Tu 09:00-12:30" {
		t.Fatalf("stored scenario %+v", sc)
	}
	var ev struct {
		Edits map[string]int `json:"edits"`
		After struct {
			Total struct {
				WeightedCovered float64 `json:"weighted_covered"`
			} `json:"total"`
		} `json:"after"`
	}
	if err := json.Unmarshal(run(t, "scenario", "apply", "1", "--profile", "seniors-20min-walk", "--db", db), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Edits["added"] != 3 || math.Abs(ev.After.Total.WeightedCovered-prop.CoveredAfter) > 1e-6*prop.CoveredAfter {
		t.Errorf("scenario covers %.3f weighted (edits %v); the proposal said %.3f", ev.After.Total.WeightedCovered, ev.Edits, prop.CoveredAfter)
	}
}
