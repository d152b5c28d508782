package planner

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/maillage/maillage/coverage/propose"
	"github.com/maillage/maillage/coverage/scenario"
)

// ProposalScenario turns a proposal into a scenario called name that adds
// each proposed site as a new place (a site that extends an existing
// venue's hours becomes a new permanence at that venue's position), with the
// site's weekly hours as half-days (OpeningHoursFor), so that `scenario
// apply` evaluates the proposal like any other scenario. It is validated
// with the planner's options (DecodeScenario).
func (p *Planner) ProposalScenario(prop *propose.Proposal, name string) (scenario.Scenario, error) {
	s := scenario.Scenario{Name: name, Base: p.t.Name,
		Description: fmt.Sprintf("Proposition de %d sites (%s, profils %s)", len(prop.Sites), prop.Mode, strings.Join(prop.Profiles, ", "))}
	for _, site := range prop.Sites {
		lat, lon := site.Lat, site.Lon
		n := site.Label
		if site.Venue != "" {
			n = site.Name + " (permanence supplémentaire)"
		}
		if len(n) > scenario.MaxNameLen {
			n = n[:scenario.MaxNameLen]
			for !utf8Valid(n) {
				n = n[:len(n)-1]
			}
		}
		s.Changes = append(s.Changes, scenario.Change{Op: scenario.OpAdd, Name: n, Lat: &lat, Lon: &lon,
			OpeningHours: OpeningHoursFor(site.Hours)})
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return scenario.Scenario{}, err
	}
	return p.DecodeScenario(raw)
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// OpeningHoursFor spreads h weekly hours over half-days of 3½ hours in
// OpenStreetMap opening_hours syntax: weekday mornings (09:00-12:30) first,
// then afternoons (14:00-17:30), then Saturday and Sunday; the last
// half-day is cut to what remains, to the minute. 7 h gives "Mo,Tu
// 09:00-12:30". Beyond 49 h (every half-day of the week), each day opens
// h/7 hours from 08:00.
func OpeningHoursFor(h float64) string {
	if h <= 0 {
		return ""
	}
	minutes := int(math.Round(h * 60))
	if minutes > 14*210 {
		per := min(minutes/7, 24*60-8*60)
		return fmt.Sprintf("Mo-Su 08:00-%02d:%02d", 8+per/60, per%60)
	}
	days := []string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}
	type slot struct{ day, start int }
	var slots []slot
	for _, start := range []int{9 * 60, 14 * 60} {
		for d := range 5 {
			slots = append(slots, slot{d, start})
		}
	}
	for _, start := range []int{9 * 60, 14 * 60} {
		for d := 5; d < 7; d++ {
			slots = append(slots, slot{d, start})
		}
	}
	spans := make([][]string, 7)
	for _, sl := range slots {
		if minutes <= 0 {
			break
		}
		m := min(minutes, 210)
		minutes -= m
		end := sl.start + m
		spans[sl.day] = append(spans[sl.day], fmt.Sprintf("%02d:%02d-%02d:%02d", sl.start/60, sl.start%60, end/60, end%60))
	}
	// Group days with the same spans: "Mo,Tu 09:00-12:30; We 09:00-10:00".
	var rules []string
	used := make([]bool, 7)
	for d := range 7 {
		if used[d] || len(spans[d]) == 0 {
			continue
		}
		key := strings.Join(spans[d], ",")
		group := []string{days[d]}
		for e := d + 1; e < 7; e++ {
			if !used[e] && strings.Join(spans[e], ",") == key {
				group = append(group, days[e])
				used[e] = true
			}
		}
		rules = append(rules, strings.Join(group, ",")+" "+key)
	}
	return strings.Join(rules, "; ")
}
