package coverage

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// round rounds x to the given number of decimals (for stable outputs).
func round(x float64, dec int) float64 {
	p := math.Pow10(dec)
	return math.Round(x*p) / p
}

// minutesOrNil converts seconds to minutes rounded to 0.01, or nil for +Inf
// (JSON null).
func minutesOrNil(sec float64) any {
	if math.IsInf(sec, 0) || math.IsNaN(sec) {
		return nil
	}
	return round(sec/60, 2)
}

func minutesText(sec float64) string {
	if math.IsInf(sec, 0) || math.IsNaN(sec) {
		return ""
	}
	return strconv.FormatFloat(round(sec/60, 2), 'f', -1, 64)
}

func num(x float64, dec int) string { return strconv.FormatFloat(round(x, dec), 'f', -1, 64) }

// ZoneFeature returns zone z as a GeoJSON feature. Properties: rank,
// profile, cells, persons, weighted, communes, too_few_hours_cells,
// nearest_min_minutes and nearest_max_minutes (null beyond search_minutes),
// search_minutes, every population attribute by its Filosofi name (Ind,
// Men, …, Ind_80p), then area and area_cells (the connected area the zone
// is a commune's part of), commune and commune_name (the zone's commune),
// and commune_shares ([{code, name, share}], the split of its persons).
func ZoneFeature(z *Zone, profile string) *geojson.Feature {
	f := geojson.NewFeature(z.Geometry)
	f.ID = z.Rank
	p := f.Properties
	p["rank"] = z.Rank
	p["profile"] = profile
	p["cells"] = len(z.Cells)
	p["persons"] = round(z.Persons, 3)
	p["weighted"] = round(z.Weighted, 3)
	communes := z.Communes
	if communes == nil {
		communes = []string{}
	}
	p["communes"] = communes
	p["too_few_hours_cells"] = z.TooFewHours
	p["nearest_min_minutes"] = minutesOrNil(z.NearestMin)
	p["nearest_max_minutes"] = minutesOrNil(z.NearestMax)
	p["search_minutes"] = round(z.SearchSeconds/60, 2)
	for a := maillage.Attr(0); a < maillage.NumAttrs; a++ {
		p[a.String()] = round(z.Pop[a], 3)
	}
	p["area"] = z.Area
	p["area_cells"] = z.AreaCells
	p["commune"] = z.Commune
	p["commune_name"] = z.CommuneName
	shares := make([]map[string]any, len(z.Shares))
	for k, c := range z.Shares {
		shares[k] = map[string]any{"code": c.Code, "name": c.Name, "share": round(c.Share, 6)}
	}
	p["commune_shares"] = shares
	return f
}

// WriteGapsGeoJSON writes zones as a GeoJSON FeatureCollection (one
// MultiPolygon feature per zone, see ZoneFeature).
func WriteGapsGeoJSON(w io.Writer, zones []Zone, profile string) error {
	fc := geojson.NewFeatureCollection()
	for k := range zones {
		fc.Append(ZoneFeature(&zones[k], profile))
	}
	b, err := json.MarshalIndent(fc, "", " ")
	if err != nil {
		return fmt.Errorf("coverage: gaps geojson: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// WriteGapsCSV writes one row per zone: rank, profile, cells, persons,
// weighted, communes (separated by '|'), too_few_hours_cells,
// nearest_min_minutes, nearest_max_minutes (empty beyond the search),
// search_minutes, centroid lon/lat, every population attribute, then area,
// area_cells, commune, commune_name, commune_names and commune_shares (as
// communes, '|'-separated, largest share first).
func WriteGapsCSV(w io.Writer, zones []Zone, profile string) error {
	cw := csv.NewWriter(w)
	head := []string{"rank", "profile", "cells", "persons", "weighted", "communes", "too_few_hours_cells",
		"nearest_min_minutes", "nearest_max_minutes", "search_minutes", "lon", "lat"}
	for a := maillage.Attr(0); a < maillage.NumAttrs; a++ {
		head = append(head, a.String())
	}
	head = append(head, "area", "area_cells", "commune", "commune_name", "commune_names", "commune_shares")
	if err := cw.Write(head); err != nil {
		return err
	}
	for k := range zones {
		z := &zones[k]
		c := z.Geometry.Bound().Center()
		if len(z.Geometry) > 0 {
			c = polygonCentroid(z.Geometry)
		}
		row := []string{strconv.Itoa(z.Rank), profile, strconv.Itoa(len(z.Cells)), num(z.Persons, 3), num(z.Weighted, 3),
			strings.Join(z.Communes, "|"), strconv.Itoa(z.TooFewHours), minutesText(z.NearestMin), minutesText(z.NearestMax),
			num(z.SearchSeconds/60, 2), num(c[0], 6), num(c[1], 6)}
		for a := maillage.Attr(0); a < maillage.NumAttrs; a++ {
			row = append(row, num(z.Pop[a], 3))
		}
		names, shares := make([]string, len(z.Shares)), make([]string, len(z.Shares))
		for k, c := range z.Shares {
			names[k], shares[k] = c.Name, num(c.Share, 6)
		}
		row = append(row, strconv.Itoa(z.Area), strconv.Itoa(z.AreaCells), z.Commune, z.CommuneName,
			strings.Join(names, "|"), strings.Join(shares, "|"))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// polygonCentroid is the mean of the exterior ring vertices of the largest
// polygon (a label point, not an exact centroid).
func polygonCentroid(mp orb.MultiPolygon) orb.Point {
	best := mp[0]
	for _, p := range mp[1:] {
		if len(p[0]) > len(best[0]) {
			best = p
		}
	}
	var x, y float64
	r := best[0]
	n := len(r) - 1 // closed ring
	if n <= 0 {
		return r.Bound().Center()
	}
	for _, p := range r[:n] {
		x += p[0]
		y += p[1]
	}
	return orb.Point{x / float64(n), y / float64(n)}
}

// cellFields returns the per-cell output fields, in the order of
// accessHeader.
var accessHeader = []string{"h3", "lon", "lat", "commune", "persons", "weighted", "covered",
	"nearest_minutes", "places", "weekly_hours", "access"}

func (s *State) cellRow(i int) []string {
	c := s.Cell(i)
	cell := &s.t.Cells[i]
	code := ""
	if cell.Commune >= 0 && int(cell.Commune) < len(s.t.Communes) {
		code = s.t.Communes[cell.Commune].Code
	}
	return []string{cell.H3.String(), num(cell.Center[0], 6), num(cell.Center[1], 6), code,
		num(s.persons[i], 3), num(s.weighted[i], 3), strconv.FormatBool(c.Covered), minutesText(c.NearestSeconds),
		strconv.Itoa(c.Places), num(c.WeeklyHours, 2), num(c.Access, 6)}
}

// WriteAccessCSV writes one row per populated cell (persons > 0): h3, lon,
// lat, commune, persons, weighted, covered, nearest_minutes (empty beyond
// the limit), places, weekly_hours, access (hours per week per 1,000
// weighted inhabitants).
func (s *State) WriteAccessCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(accessHeader); err != nil {
		return err
	}
	for i := range s.cell {
		if s.persons[i] <= 0 && s.weighted[i] <= 0 {
			continue
		}
		if err := cw.Write(s.cellRow(i)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteAccessGeoJSON writes one hexagon feature per populated cell, with the
// properties of WriteAccessCSV (numbers as numbers, nearest_minutes null
// beyond the limit). It streams: memory does not grow with the territory.
func (s *State) WriteAccessGeoJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	first := true
	for i := range s.cell {
		if s.persons[i] <= 0 && s.weighted[i] <= 0 {
			continue
		}
		cell := &s.t.Cells[i]
		ring, err := geo.AppendCellRing(nil, cell.H3)
		if err != nil {
			return fmt.Errorf("coverage: cell %d: %w", i, err)
		}
		f := geojson.NewFeature(orb.Polygon{ring})
		c := s.Cell(i)
		code := ""
		if cell.Commune >= 0 && int(cell.Commune) < len(s.t.Communes) {
			code = s.t.Communes[cell.Commune].Code
		}
		f.Properties = geojson.Properties{"h3": cell.H3.String(), "commune": code,
			"persons": round(s.persons[i], 3), "weighted": round(s.weighted[i], 3), "covered": c.Covered,
			"nearest_minutes": minutesOrNil(c.NearestSeconds), "places": c.Places,
			"weekly_hours": round(c.WeeklyHours, 2), "access": round(c.Access, 6)}
		j, err := json.Marshal(f)
		if err != nil {
			return err
		}
		if !first {
			bw.WriteByte(',')
		}
		first = false
		bw.WriteByte('\n')
		bw.Write(j)
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// WriteSummaryCSV writes one row per profile and commune (per area of the
// roll-up when the report has one, see Report.RollUp: code and name are then
// the EPCI's or the département's), plus one row per profile with code "*"
// for the whole territory: profile, code, name, population, covered,
// covered_share, weighted_population, weighted_covered, access.
func WriteSummaryCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"profile", "code", "name", "population", "covered", "covered_share",
		"weighted_population", "weighted_covered", "access"}); err != nil {
		return err
	}
	for _, p := range r.Profiles {
		rows := [][]string{{p.Name, "*", r.Territory, num(p.Population, 3), num(p.Covered, 3), num(p.CoveredShare, 6),
			num(p.WeightedPopulation, 3), num(p.WeightedCovered, 3), num(p.Access, 6)}}
		areas := p.Communes
		if p.Level != "" {
			areas = p.Areas
		}
		for _, c := range areas {
			rows = append(rows, []string{p.Name, c.Code, c.Name, num(c.Population, 3), num(c.Covered, 3), num(c.CoveredShare, 6),
				num(c.WeightedPopulation, 3), num(c.WeightedCovered, 3), num(c.Access, 6)})
		}
		if err := cw.WriteAll(rows); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
