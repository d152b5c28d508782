package data

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// ErrCandidates is wrapped by every error about a candidate list.
var ErrCandidates = errors.New("data: bad candidate list")

// CandidateError reports a bad record in a user candidate list: the file,
// the line (CSV) or feature number (GeoJSON, 1-based), the field and why.
type CandidateError struct {
	File   string
	Line   int
	Field  string
	Reason string
}

func (e *CandidateError) Error() string {
	return fmt.Sprintf("data: %s:%d: %s: %s", e.File, e.Line, e.Field, e.Reason)
}

// Unwrap makes errors.Is(err, ErrCandidates) true.
func (e *CandidateError) Unwrap() error { return ErrCandidates }

// CandidateSite is one site of a user candidate list: where a new
// permanence could be held.
type CandidateSite struct {
	Name  string    // as given, or "site N" (N the line) when empty
	Point orb.Point // WGS84 {lon, lat}
	Hours float64   // weekly hours offered; 0 when not given
	Line  int       // line (CSV) or feature number (GeoJSON, 1-based)
}

// ReadCandidatesCSV reads a user list of candidate sites: a header naming the
// columns name (or nom), lat (latitude), lon (lng, longitude) and optionally
// hours (heures: weekly hours, a number), separated by commas or semicolons;
// without a header the columns are name, lat, lon[, hours]. file names the
// source in errors, which are *CandidateError (wrapping ErrCandidates) with
// the line and field.
func ReadCandidatesCSV(r io.Reader, file string) ([]CandidateSite, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("data: reading %s: %w", file, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	col := map[string]int{"name": 0, "lat": 1, "lon": 2, "hours": 3}
	var out []CandidateSite
	for rec := 0; ; rec++ {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &CandidateError{File: file, Line: pe.StartLine, Field: "csv", Reason: pe.Err.Error()}
			}
			return nil, &CandidateError{File: file, Field: "csv", Reason: err.Error()}
		}
		line, _ := cr.FieldPos(0)
		if rec == 0 && candIsHeader(row) {
			col = map[string]int{"hours": -1}
			for i, h := range row {
				switch strings.ToLower(strings.TrimSpace(h)) {
				case "name", "nom":
					col["name"] = i
				case "lat", "latitude":
					col["lat"] = i
				case "lon", "lng", "long", "longitude":
					col["lon"] = i
				case "hours", "heures":
					col["hours"] = i
				}
			}
			for _, f := range []string{"lat", "lon"} {
				if _, ok := col[f]; !ok {
					return nil, &CandidateError{File: file, Line: line, Field: f, Reason: "missing column (want name, lat, lon[, hours])"}
				}
			}
			if _, ok := col["name"]; !ok {
				col["name"] = -1
			}
			continue
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		get := func(f string) string {
			if i := col[f]; i >= 0 && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		c, cerr := candMake(get("name"), get("lat"), get("lon"), get("hours"), line)
		if cerr != nil {
			cerr.File = file
			return nil, cerr
		}
		out = append(out, c)
	}
	return out, nil
}

// candIsHeader reports whether a first row is a header: its second field
// (lat in the headerless layout) is not a number.
func candIsHeader(row []string) bool {
	if len(row) < 2 {
		return true
	}
	_, err := strconv.ParseFloat(strings.TrimSpace(row[1]), 64)
	return err != nil
}

// candMake checks one user record (numbers with '.' or ',' as decimal mark).
func candMake(name, lat, lon, hours string, line int) (CandidateSite, *CandidateError) {
	num := func(field, s string, lo, hi float64) (float64, *CandidateError) {
		if s == "" {
			return 0, &CandidateError{Line: line, Field: field, Reason: "missing value"}
		}
		v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		if err != nil || math.IsNaN(v) || v < lo || v > hi {
			return 0, &CandidateError{Line: line, Field: field, Reason: fmt.Sprintf("%q is not a number in [%g, %g]", candClip(s), lo, hi)}
		}
		return v, nil
	}
	la, e := num("lat", lat, -90, 90)
	if e != nil {
		return CandidateSite{}, e
	}
	lo, e := num("lon", lon, -180, 180)
	if e != nil {
		return CandidateSite{}, e
	}
	h := 0.0
	if hours != "" {
		if h, e = num("hours", hours, 0, 168); e != nil {
			return CandidateSite{}, e
		}
	}
	if name == "" {
		name = fmt.Sprintf("site %d", line)
	}
	return CandidateSite{Name: name, Point: orb.Point{lo, la}, Hours: h, Line: line}, nil
}

func candClip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// ReadCandidatesGeoJSON reads a user list of candidate sites from a GeoJSON
// FeatureCollection (or a single Feature) of Point features with optional
// properties name (or nom) and hours (heures: weekly hours, a number or a
// numeric string). Errors are *CandidateError whose Line is the 1-based
// feature number.
func ReadCandidatesGeoJSON(r io.Reader, file string) ([]CandidateSite, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("data: reading %s: %w", file, err)
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, &CandidateError{File: file, Line: 0, Field: "json", Reason: err.Error()}
	}
	var feats []*geojson.Feature
	switch head.Type {
	case "FeatureCollection":
		fc, err := geojson.UnmarshalFeatureCollection(data)
		if err != nil {
			return nil, &CandidateError{File: file, Field: "features", Reason: err.Error()}
		}
		feats = fc.Features
	case "Feature":
		f, err := geojson.UnmarshalFeature(data)
		if err != nil {
			return nil, &CandidateError{File: file, Line: 1, Field: "feature", Reason: err.Error()}
		}
		feats = []*geojson.Feature{f}
	default:
		return nil, &CandidateError{File: file, Field: "type", Reason: fmt.Sprintf("%q: want FeatureCollection or Feature", candClip(head.Type))}
	}
	out := make([]CandidateSite, 0, len(feats))
	for n, f := range feats {
		line := n + 1
		if f == nil || f.Geometry == nil {
			return nil, &CandidateError{File: file, Line: line, Field: "geometry", Reason: "missing"}
		}
		p, ok := f.Geometry.(orb.Point)
		if !ok {
			return nil, &CandidateError{File: file, Line: line, Field: "geometry", Reason: f.Geometry.GeoJSONType() + ": want Point"}
		}
		name := candProp(f.Properties, "name", "nom")
		hours := candProp(f.Properties, "hours", "heures")
		c, e := candMake(name, strconv.FormatFloat(p[1], 'g', -1, 64), strconv.FormatFloat(p[0], 'g', -1, 64), hours, line)
		if e != nil {
			e.File = file
			if e.Field == "lat" || e.Field == "lon" {
				e.Field = "geometry." + e.Field
			}
			return nil, e
		}
		out = append(out, c)
	}
	return out, nil
}

// candProp returns a property as a string (numbers formatted), "" if absent.
func candProp(p geojson.Properties, keys ...string) string {
	for _, k := range keys {
		switch v := p[k].(type) {
		case string:
			return strings.TrimSpace(v)
		case float64:
			return strconv.FormatFloat(v, 'g', -1, 64)
		case nil:
		default:
			return fmt.Sprint(v)
		}
	}
	return ""
}
