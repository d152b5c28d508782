package data

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/internal/labels"
)

func TestSummarize(t *testing.T) {
	tr := terrSynthetic(1000, 7)
	tr.VenuesRead = 0 // not counted: rejected venues come from the findings
	tr.Findings = append(tr.Findings,
		maillage.Finding{File: "a.csv", Line: 20, Field: "services", Reason: "unknown service", Severity: maillage.Rejected},
		maillage.Finding{File: "a.csv", Line: 20, Field: "code_postal", Reason: "bad postcode", Severity: maillage.Rejected},
		maillage.Finding{File: "b.json", Line: 3, Field: "id", Reason: "duplicate", Severity: maillage.Merged})
	s := Summarize(tr)
	// Independent totals: from the parts, not the cells.
	var ind, men float64
	for _, p := range tr.Parts {
		ind += p.Pop[maillage.Ind]
		men += p.Pop[maillage.Men]
	}
	if math.Abs(s.Population-ind) > 1e-9*ind || math.Abs(s.Households-men) > 1e-9*men {
		t.Fatalf("population %g households %g, parts say %g %g", s.Population, s.Households, ind, men)
	}
	if s.Cells != 1000 || s.Communes != 40 || s.H3Resolution != 9 || !s.Roads || s.RoadBytes != 16 {
		t.Fatalf("counts %+v", s)
	}
	if len(s.AgeBands) != 11 {
		t.Fatalf("%d age bands, want 11", len(s.AgeBands))
	}
	want := VenueCounts{Read: 4, Kept: 2, Located: 1, Rejected: 1, Merged: 1, HoursUnknown: 1, Itinerant: 1}
	if s.Venues != want {
		t.Fatalf("venues %+v, want %+v", s.Venues, want)
	}
	if len(s.Issues) != 4 {
		t.Fatalf("%d issues, want 4", len(s.Issues))
	}
	// Counted reads: rejected = read - kept - merged, whatever the findings say.
	tr.VenuesRead = 6
	if v := Summarize(tr).Venues; v.Read != 6 || v.Rejected != 3 || v.Merged != 1 {
		t.Fatalf("with VenuesRead 6: %+v", v)
	}
	tr.VenuesRead = 0

	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for key, kind := range map[string]string{"population": "number", "cells": "number", "h3_resolution": "number",
		"age_bands": "object", "communes": "number", "venues": "object", "issues": "array", "name": "string", "fictional": "bool"} {
		var ok bool
		switch kind {
		case "number":
			_, ok = m[key].(float64)
		case "object":
			_, ok = m[key].(map[string]any)
		case "array":
			_, ok = m[key].([]any)
		case "string":
			_, ok = m[key].(string)
		case "bool":
			_, ok = m[key].(bool)
		}
		if !ok {
			t.Errorf("key %q: %T, want %s", key, m[key], kind)
		}
	}
	venues := m["venues"].(map[string]any)
	for _, k := range []string{"read", "located", "rejected"} {
		if _, ok := venues[k].(float64); !ok {
			t.Errorf("venues.%s missing", k)
		}
	}
	issue := m["issues"].([]any)[1].(map[string]any)
	for _, k := range []string{"file", "line", "field", "reason"} {
		if _, ok := issue[k]; !ok {
			t.Errorf("issue key %s missing in %v", k, issue)
		}
	}
	bands := m["age_bands"].(map[string]any)
	var sum float64
	for _, a := range maillage.AgeBands {
		sum += bands[a.String()].(float64)
	}
	if math.Abs(sum-s.Population) > 1e-9*s.Population {
		t.Fatalf("age bands sum to %g, population %g", sum, s.Population)
	}

	t.Run("empty territory has an empty issues array", func(t *testing.T) {
		b, _ := json.Marshal(Summarize(&maillage.Territory{}))
		if !strings.Contains(string(b), `"issues":[]`) || !strings.Contains(string(b), `"population":0`) {
			t.Fatalf("%s", b)
		}
	})
	t.Run("text", func(t *testing.T) {
		var sb strings.Builder
		if err := s.WriteText(&sb, 2, labels.EN); err != nil {
			t.Fatal(err)
		}
		out := sb.String()
		for _, w := range []string{"1,000 cells", "40 communes", "4 records read → 2 kept (1 located); rejected: 1", "… 2 more"} {
			if !strings.Contains(out, w) {
				t.Errorf("text lacks %q:\n%s", w, out)
			}
		}
	})
}
