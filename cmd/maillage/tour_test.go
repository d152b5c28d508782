package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
)

// TestProposeTour plans an itinerant permanence on the demo territory and
// checks the plan against its own budget: at most the asked stops, stop
// hours plus driving within the weekly budget, and the tour's gain equal to
// the sum of its stops' gains.
func TestProposeTour(t *testing.T) {
	var out bytes.Buffer
	m := NewMain(&out, io.Discard)
	err := m.Run(context.Background(), []string{"propose", "--profile", "seniors-20min-walk", "--tour",
		"--stops", "4", "--budget-hours", "16"})
	if err != nil {
		t.Fatal(err)
	}
	var tour struct {
		Stops []struct {
			Lat, Lon, Hours, Gain float64
			DriveSeconds          float64 `json:"drive_seconds"`
		} `json:"stops"`
		Gain        float64 `json:"gain"`
		StopHours   float64 `json:"stop_hours"`
		DriveHours  float64 `json:"drive_hours"`
		TotalHours  float64 `json:"total_hours"`
		BudgetHours float64 `json:"budget_hours"`
	}
	if err := json.Unmarshal(out.Bytes(), &tour); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if n := len(tour.Stops); n == 0 || n > 4 {
		t.Fatalf("%d stops, want 1 to 4", n)
	}
	if tour.BudgetHours != 16 || tour.TotalHours > 16+1e-9 || math.Abs(tour.StopHours+tour.DriveHours-tour.TotalHours) > 1e-6 {
		t.Fatalf("hours: stops %.2f + drive %.2f = total %.2f, budget %.2f", tour.StopHours, tour.DriveHours, tour.TotalHours, tour.BudgetHours)
	}
	sum, hours := 0.0, 0.0
	for _, s := range tour.Stops {
		sum += s.Gain
		hours += s.Hours
		if s.Gain <= 0 {
			t.Fatalf("stop at %.4f,%.4f gains %.2f", s.Lat, s.Lon, s.Gain)
		}
	}
	if tour.Gain <= 0 || math.Abs(sum-tour.Gain) > 1e-6*tour.Gain || math.Abs(hours-tour.StopHours) > 1e-9 {
		t.Fatalf("tour gain %.3f, stops sum to %.3f; stop hours %.2f vs %.2f", tour.Gain, sum, hours, tour.StopHours)
	}
}

// TestProposeTourGeoJSONRoads: on the demo (which has roads) the tour's
// weekly loop is drawn along the roads driven: it starts and ends at the
// first stop, passes through every stop in order, has more vertices than
// stops, and is no shorter than the straight legs.
func TestProposeTourGeoJSONRoads(t *testing.T) {
	var out bytes.Buffer
	m := NewMain(&out, io.Discard)
	err := m.Run(context.Background(), []string{"propose", "--profile", "seniors-20min-walk", "--tour",
		"--stops", "4", "--budget-hours", "16", "--format", "geojson"})
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var stops []orb.Point
	var loop orb.LineString
	for _, f := range fc.Features {
		switch g := f.Geometry.(type) {
		case orb.Point:
			stops = append(stops, g)
		case orb.LineString:
			loop = g
			if f.Properties.MustString("legs") != "routed" {
				t.Errorf("loop legs %q, want routed", f.Properties.MustString("legs"))
			}
		}
	}
	if len(stops) < 2 || len(loop) <= len(stops)+1 || loop[0] != stops[0] || loop[len(loop)-1] != stops[0] {
		t.Fatalf("%d stops, loop of %d vertices from %v to %v", len(stops), len(loop), loop[0], loop[len(loop)-1])
	}
	at, straight := 0, 0.0
	for k, s := range stops {
		for at < len(loop) && loop[at] != s {
			at++
		}
		if at == len(loop) {
			t.Fatalf("stop %d %v is not on the loop in order", k+1, s)
		}
		straight += geo.Distance(s, stops[(k+1)%len(stops)])
	}
	if l := geo.Length(loop); l < straight {
		t.Errorf("loop %.0f m, shorter than the straight legs %.0f m", l, straight)
	}
}
