package data

import (
	"fmt"
	"io"
	"strings"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/internal/labels"
	"github.com/paulmach/orb"
)

// Summary describes a territory in a few numbers: what `maillage stats
// --json` prints and `GET /api/v1/territory` returns. Population figures are
// in persons, household figures in households.
type Summary struct {
	Name      string `json:"name"`
	Fictional bool   `json:"fictional"`

	Population       float64 `json:"population"`
	Households       float64 `json:"households"`
	PoorHouseholds   float64 `json:"poor_households"`
	SingleHouseholds float64 `json:"single_person_households"`
	// AgeBands maps each age band's Filosofi name (maillage.AgeBands, with
	// "Ind_inc" for unknown ages) to persons; the bands sum to Population.
	AgeBands map[string]float64 `json:"age_bands"`

	Cells        int `json:"cells"`
	H3Resolution int `json:"h3_resolution"`
	Communes     int `json:"communes"`

	Venues VenueCounts `json:"venues"`
	// Issues lists every validation finding made while reading the sources.
	Issues []maillage.Finding `json:"issues"`

	// BBox is the bounding box of the cell centres and located venues,
	// [minLon, minLat, maxLon, maxLat], or nil for an empty territory.
	BBox      []float64 `json:"bbox"`
	Roads     bool      `json:"roads"` // a road network is included
	RoadBytes int       `json:"road_bytes"`
	Sources   []string  `json:"sources"`
}

// VenueCounts counts the venue records of a territory.
type VenueCounts struct {
	Read         int `json:"read"`          // records read from the sources
	Kept         int `json:"kept"`          // venues in the model, located or not
	Located      int `json:"located"`       // venues with a usable position
	Rejected     int `json:"rejected"`      // records dropped: read − kept − merged
	Merged       int `json:"merged"`        // duplicates merged into another record
	Outside      int `json:"outside"`       // left out: beyond the study area's buffer
	HoursUnknown int `json:"hours_unknown"` // kept venues whose weekly hours are unknown
	Itinerant    int `json:"itinerant"`     // kept venues that are itinerant stops
}

// Summarize computes the summary of t. It does not modify t.
func Summarize(t *maillage.Territory) Summary {
	s := Summary{
		Name:         t.Name,
		Fictional:    t.Fictional,
		Cells:        len(t.Cells),
		H3Resolution: t.Resolution,
		Communes:     len(t.Communes),
		AgeBands:     make(map[string]float64, len(maillage.AgeBands)),
		Issues:       make([]maillage.Finding, 0, len(t.Findings)),
		Roads:        len(t.Roads) > 0,
		RoadBytes:    len(t.Roads),
		Sources:      append([]string{}, t.Sources...),
	}
	var total maillage.Pop
	b := orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{-1, -1}} // empty
	extend := func(p orb.Point) {
		if b.Min[0] > b.Max[0] {
			b = orb.Bound{Min: p, Max: p}
			return
		}
		b = b.Extend(p)
	}
	for i := range t.Cells {
		total.Add(t.Cells[i].Pop)
		extend(t.Cells[i].Center)
	}
	s.Population = total[maillage.Ind]
	s.Households = total[maillage.Men]
	s.PoorHouseholds = total[maillage.MenPauv]
	s.SingleHouseholds = total[maillage.Men1Ind]
	for _, a := range maillage.AgeBands {
		s.AgeBands[a.String()] = total[a]
	}

	s.Venues.Kept = len(t.Venues)
	for i := range t.Venues {
		v := &t.Venues[i]
		if v.Located {
			s.Venues.Located++
			extend(v.Point)
		}
		if !v.Hours.Known {
			s.Venues.HoursUnknown++
		}
		if v.Itinerant {
			s.Venues.Itinerant++
		}
	}
	type terrRecord struct {
		file string
		line int
	}
	rejected, merged := map[terrRecord]bool{}, map[terrRecord]bool{}
	for _, f := range t.Findings {
		s.Issues = append(s.Issues, f)
		switch f.Severity {
		case maillage.Rejected:
			rejected[terrRecord{f.File, f.Line}] = true
		case maillage.Merged:
			merged[terrRecord{f.File, f.Line}] = true
		}
	}
	// Findings also report rejected grid rows, so when the territory counts
	// the venue records read, rejected venues are what is neither kept nor
	// merged; otherwise every rejected record is counted.
	s.Venues.Merged = len(merged)
	if t.VenuesRead > 0 {
		s.Venues.Read = t.VenuesRead
		s.Venues.Outside = t.VenuesOutside
		s.Venues.Rejected = max(0, t.VenuesRead-s.Venues.Kept-s.Venues.Merged-s.Venues.Outside)
	} else {
		s.Venues.Rejected = len(rejected)
		s.Venues.Read = s.Venues.Kept + s.Venues.Rejected + s.Venues.Merged
	}
	if b.Min[0] <= b.Max[0] {
		s.BBox = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	}
	return s
}

// WriteText writes s for people in lang: one fact per line, numbers
// formatted for reading ("139 381"), then the findings (at most maxIssues of
// them; all when maxIssues < 0). A finding's reason is the reader's own
// words, which stay in English.
func (s Summary) WriteText(w io.Writer, maxIssues int, lang labels.Lang) error {
	var sb strings.Builder
	l := lang
	name := s.Name
	if s.Fictional {
		name += l.Pick(" (fictif)", " (fictional)")
	}
	line := func(key string, format string, args ...any) {
		fmt.Fprintf(&sb, "%-15s%s\n", key, fmt.Sprintf(format, args...))
	}
	line(l.Pick("territoire", "territory"), "%s", name)
	line("population", l.Pick("%s sur %s (résolution H3 %d), %s", "%s in %s (H3 resolution %d), %s"),
		l.Count(s.Population, "persons"), l.Count(float64(s.Cells), "cells"), s.H3Resolution, l.Count(float64(s.Communes), "communes"))
	line(l.Pick("ménages", "households"), l.Pick("%s (pauvres %s, d'une personne %s)", "%s (poor %s, single-person %s)"),
		l.Int(s.Households), l.Int(s.PoorHouseholds), l.Int(s.SingleHouseholds))
	var bands []string
	for _, a := range maillage.AgeBands {
		bands = append(bands, l.Attr(a)+" "+l.Int(s.AgeBands[a.String()]))
	}
	line(l.Pick("âges", "age bands"), "%s", strings.Join(bands, " · "))
	v := s.Venues
	line(l.Pick("lieux", "venues"), l.Pick("%s fiches lues → %s gardées (%s localisées) ; rejetées : %s, doublons fusionnés : %s, hors de la zone d'étude : %s ; horaires inconnus : %s, itinérantes : %s",
		"%s records read → %s kept (%s located); rejected: %s, duplicates merged: %s, outside the study area: %s; hours unknown: %s, itinerant: %s"),
		l.Int(float64(v.Read)), l.Int(float64(v.Kept)), l.Int(float64(v.Located)), l.Int(float64(v.Rejected)), l.Int(float64(v.Merged)),
		l.Int(float64(v.Outside)), l.Int(float64(v.HoursUnknown)), l.Int(float64(v.Itinerant)))
	roads := l.Pick("aucune (trajets à vol d'oiseau)", "none (crow-fly travel)")
	if s.Roads {
		roads = l.Sprintf("réseau routier (%s octets)", "road network (%s bytes)", l.Int(float64(s.RoadBytes)))
	}
	line(l.Pick("routes", "roads"), "%s", roads)
	line(l.Pick("signalements", "issues"), "%s", l.Int(float64(len(s.Issues))))
	for i, f := range s.Issues {
		if maxIssues >= 0 && i >= maxIssues {
			fmt.Fprintf(&sb, l.Pick("  … et %s de plus (--json pour tout voir)\n", "  … %s more (use --json for all)\n"), l.Int(float64(len(s.Issues)-i)))
			break
		}
		fmt.Fprintf(&sb, "  %s:%d: %s%s%s (%s)\n", f.File, f.Line, f.Field, l.Pick(" : ", ": "), l.Text(f.Reason), l.Severity(string(f.Severity)))
	}
	_, err := io.WriteString(w, sb.String())
	return err
}
