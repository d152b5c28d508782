package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/maillage/maillage/data"
)

// readmeExamples returns the README's scenario examples: the JSON block
// after each "<!-- scenario example: NAME -->" marker, by name.
func readmeExamples(t *testing.T) (map[string]string, []string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- scenario example: ([a-z]+) -->\\s*```json\\n(.*?)```")
	out := map[string]string{}
	var order []string
	for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
		out[m[1]] = m[2]
		order = append(order, m[1])
	}
	return out, order
}

// TestREADMEScenarioExamples stores and evaluates every scenario example of
// the README on the demo territory, so the documentation cannot drift: one
// example of each op, each changing the places it says.
func TestREADMEScenarioExamples(t *testing.T) {
	ex, order := readmeExamples(t)
	want := map[string]map[string]int{ // edits of each example
		"add":      {"added": 1},
		"remove":   {"removed": 1},
		"hours":    {"changed": 1},
		"services": {"changed": 1},
		"move":     {"changed": 1},
		"all":      {"added": 1, "removed": 1, "changed": 2},
	}
	if len(ex) != len(want) {
		t.Fatalf("README has examples %v, want one per op and one with all (%d)", order, len(want))
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	for id, name := range order {
		t.Run(name, func(t *testing.T) {
			var sc map[string]any
			if err := json.Unmarshal([]byte(ex[name]), &sc); err != nil {
				t.Fatalf("example %s is not JSON: %v", name, err)
			}
			if name != "all" {
				for _, c := range sc["changes"].([]any) {
					if op := c.(map[string]any)["op"]; op != name {
						t.Errorf("example %s has a change of op %v", name, op)
					}
				}
			}
			file := filepath.Join(dir, name+".json")
			os.WriteFile(file, []byte(ex[name]), 0o644)
			run(t, "scenario", "create", "--file", file, "--db", db)
			var ev struct {
				Edits map[string]int `json:"edits"`
				Delta struct {
					Total struct {
						Covered *float64 `json:"covered"`
					} `json:"total"`
				} `json:"delta"`
			}
			if err := json.Unmarshal(run(t, "scenario", "apply", strconv.Itoa(id+1), "--profile", "seniors-20min-walk", "--db", db), &ev); err != nil {
				t.Fatal(err)
			}
			for k, n := range want[name] {
				if ev.Edits[k] != n {
					t.Errorf("edits %v, want %v", ev.Edits, want[name])
				}
			}
		})
	}
}

// TestREADMEOpeningHours: every opening_hours example of the README's table
// parses to the weekly hours the table says.
func TestREADMEOpeningHours(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(raw), "<!-- opening_hours examples -->")
	if !ok {
		t.Fatal("README lacks the opening_hours examples")
	}
	re := regexp.MustCompile("(?m)^\\| `([^`]+)` \\| ([0-9.]+) \\|")
	rows := re.FindAllStringSubmatch(table[:strings.Index(table, "\n\n")], -1)
	if len(rows) < 6 {
		t.Fatalf("%d opening_hours examples", len(rows))
	}
	for _, r := range rows {
		w, err := data.ParseOpeningHours(r[1])
		want, _ := strconv.ParseFloat(r[2], 64)
		if err != nil || math.Abs(w.Hours()-want) > 1e-9 {
			t.Errorf("%q: %g h (%v), README says %g", r[1], w.Hours(), err, want)
		}
	}
}

// TestScenarioBadInput: a scenario with an unknown field or op is refused
// with the valid ones listed, and nothing is written (not even the
// database file).
func TestScenarioBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name, body string
		want       []string
	}{
		{"unknown field", `{"name":"x","changes":[{"type":"add","name":"Mairie","lat":46.3,"lon":1.8}]}`,
			[]string{`type: unknown field`, "a change has op, venue_id, name, lat, lon, hours, opening_hours, services, programmes, itinerant", `the kind of change is "op"`}},
		{"unknown op", `{"name":"x","changes":[{"op":"open","venue_id":"demo-ccas-4"}]}`,
			[]string{`changes[0].op`, `unknown op "open" (want add, remove, hours, services or move)`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file, db := filepath.Join(dir, "s.json"), filepath.Join(dir, "s.db")
			os.WriteFile(file, []byte(tt.body), 0o644)
			err := Run(context.Background(), []string{"scenario", "create", "--file", file, "--db", db}, &bytes.Buffer{}, &bytes.Buffer{})
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if _, err := os.Stat(db); !os.IsNotExist(err) {
				t.Errorf("database written: %v", err)
			}
		})
	}
}

// TestVenuesCommand: the venues of a commune in CSV (the venues layer's
// fields, commune_name included) and GeoJSON agree with the territory; an
// unknown commune is a clear error suggesting names.
func TestVenuesCommand(t *testing.T) {
	csvOut := string(run(t, "venues", "--commune", "valmoraine", "--format", "csv"))
	lines := strings.Split(strings.TrimSpace(csvOut), "\n")
	if !strings.HasPrefix(lines[0], "id,name,commune,commune_name,") || len(lines) != 1+9 || !strings.Contains(csvOut, "demo-ccas-4,CCAS de Valmoraine,99001,Valmoraine,") {
		t.Errorf("csv:\n%s", csvOut)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(run(t, "venues", "--format", "geojson"), &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 37 { // the demo's located venues (stats: 37 of 38)
		t.Errorf("%d venues in GeoJSON, want the 37 located", len(fc.Features))
	}
	err := Run(context.Background(), []string{"venues", "--commune", "Valmo"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `unknown commune "Valmo"`) || !strings.Contains(err.Error(), "Valmoraine (99001)") {
		t.Errorf("unknown commune: %v", err)
	}
}
