package propose

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// ErrCandidates is wrapped by every error about a candidate list.
var ErrCandidates = errors.New("coverage: bad candidate list")

// CandidateError reports a bad record in a user candidate list: the file,
// the line (CSV) or feature number (GeoJSON, 1-based), the field and why.
type CandidateError struct {
	File   string
	Line   int
	Field  string
	Reason string
}

func (e *CandidateError) Error() string {
	return fmt.Sprintf("coverage: %s:%d: %s: %s", e.File, e.Line, e.Field, e.Reason)
}

// Unwrap makes errors.Is(err, ErrCandidates) true.
func (e *CandidateError) Unwrap() error { return ErrCandidates }

// CandidateKind says where a candidate site comes from.
type CandidateKind string

// The candidate kinds.
const (
	CandidateCell    CandidateKind = "cell"    // the centre of a populated cell
	CandidateCommune CandidateKind = "commune" // a commune's representative point (town hall)
	CandidateUser    CandidateKind = "user"    // a site from a user list
	CandidateVenue   CandidateKind = "venue"   // an existing place that could extend its hours
)

// Candidate is a place where a new permanence could be held.
type Candidate struct {
	Name    string        `json:"name"`
	Kind    CandidateKind `json:"kind"`
	Point   orb.Point     `json:"-"`               // WGS84 {lon, lat}
	Hours   float64       `json:"hours,omitempty"` // weekly hours offered; 0: ProposalOptions.Hours
	Cell    int32         `json:"-"`               // index in Territory.Cells for kind cell, else −1
	Commune int32         `json:"-"`               // index in Territory.Communes, −1 when unknown
	Venue   string        `json:"venue,omitempty"` // venue ID for kind venue
	Line    int           `json:"-"`               // line (CSV) or feature number (GeoJSON) for kind user
}

// CandidateOptions says which candidates to build and which to keep.
type CandidateOptions struct {
	Cells    bool // every populated cell centre
	Communes bool // every commune's Center
	Venues   bool // every located venue (extending its hours)
	// MinPersons keeps only cells with at least this many inhabitants (0: any
	// populated cell, Ind > 0).
	MinPersons float64
	User       []Candidate // from ReadCandidatesCSV / ReadCandidatesGeoJSON
	// Exclude drops candidates inside any of these polygons (WGS84).
	Exclude []orb.Polygon
	// AllowedCommunes, when not empty, keeps only candidates in these communes
	// (INSEE codes); a candidate whose commune is unknown is dropped.
	AllowedCommunes []string
}

// Candidates builds the candidate sites of t per opts, in a fixed order
// (cells, communes, venues, user list), with their commune resolved: cells
// carry theirs, venues by INSEE code, communes are their own, user sites by
// point-in-polygon on the communes' outlines (−1 without outlines).
func Candidates(t *maillage.Territory, opts CandidateOptions) []Candidate {
	var out []Candidate
	if opts.Cells {
		for i, c := range t.Cells {
			if ind := c.Pop[maillage.Ind]; ind > 0 && ind >= opts.MinPersons {
				name := c.H3.String()
				if c.H3 == 0 {
					name = "cell " + strconv.Itoa(i)
				}
				out = append(out, Candidate{Name: name, Kind: CandidateCell, Point: c.Center, Cell: int32(i), Commune: c.Commune})
			}
		}
	}
	if opts.Communes {
		for i, c := range t.Communes {
			if c.Center == (orb.Point{}) {
				continue // no representative point
			}
			out = append(out, Candidate{Name: c.Name, Kind: CandidateCommune, Point: c.Center, Cell: -1, Commune: int32(i)})
		}
	}
	byCode := make(map[string]int32, len(t.Communes))
	for i, c := range t.Communes {
		byCode[c.Code] = int32(i)
	}
	if opts.Venues {
		for _, v := range t.Venues {
			if !v.Located {
				continue
			}
			ci, ok := byCode[v.Commune]
			if !ok {
				ci = candCommuneAt(t, v.Point)
			}
			out = append(out, Candidate{Name: v.Name, Kind: CandidateVenue, Point: v.Point, Hours: v.Hours.Hours(), Cell: -1, Commune: ci, Venue: v.ID})
		}
	}
	for _, u := range opts.User {
		u.Kind, u.Cell = CandidateUser, -1
		u.Commune = candCommuneAt(t, u.Point)
		out = append(out, u)
	}
	return candFilter(t, out, opts)
}

// candCommuneAt returns the index of the commune whose outline holds p, or −1.
func candCommuneAt(t *maillage.Territory, p orb.Point) int32 {
	for i, c := range t.Communes {
		if c.Geometry != nil && c.Geometry.Bound().Contains(p) && planar.MultiPolygonContains(c.Geometry, p) {
			return int32(i)
		}
	}
	return -1
}

func candFilter(t *maillage.Territory, cs []Candidate, opts CandidateOptions) []Candidate {
	allowed := map[string]bool{}
	for _, c := range opts.AllowedCommunes {
		allowed[strings.TrimSpace(c)] = true
	}
	bounds := make([]orb.Bound, len(opts.Exclude))
	for i, p := range opts.Exclude {
		bounds[i] = p.Bound()
	}
	return slices.DeleteFunc(cs, func(c Candidate) bool {
		for i, p := range opts.Exclude {
			if bounds[i].Contains(c.Point) && planar.PolygonContains(p, c.Point) {
				return true
			}
		}
		if len(allowed) > 0 {
			return c.Commune < 0 || int(c.Commune) >= len(t.Communes) || !allowed[t.Communes[c.Commune].Code]
		}
		return false
	})
}

// ReadCandidatesCSV reads a user list of candidate sites: a header naming the
// columns name (or nom), lat (latitude), lon (lng, longitude) and optionally
// hours (heures: weekly hours, a number), separated by commas or semicolons;
// without a header the columns are name, lat, lon[, hours]. file names the
// source in errors, which are *CandidateError (wrapping ErrCandidates) with
// the line and field.
func ReadCandidatesCSV(r io.Reader, file string) ([]Candidate, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("coverage: reading %s: %w", file, err)
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
	var out []Candidate
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
func candMake(name, lat, lon, hours string, line int) (Candidate, *CandidateError) {
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
		return Candidate{}, e
	}
	lo, e := num("lon", lon, -180, 180)
	if e != nil {
		return Candidate{}, e
	}
	h := 0.0
	if hours != "" {
		if h, e = num("hours", hours, 0, 168); e != nil {
			return Candidate{}, e
		}
	}
	if name == "" {
		name = fmt.Sprintf("site %d", line)
	}
	return Candidate{Name: name, Kind: CandidateUser, Point: orb.Point{lo, la}, Hours: h, Cell: -1, Commune: -1, Line: line}, nil
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
func ReadCandidatesGeoJSON(r io.Reader, file string) ([]Candidate, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("coverage: reading %s: %w", file, err)
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
	out := make([]Candidate, 0, len(feats))
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

// candSets computes, for every candidate, the demand points it reaches
// within maxSeconds with eng, in parallel over GOMAXPROCS goroutines. A
// reached engine point p becomes instance point index[p] + offset when
// index[p] ≥ 0 (dropped otherwise; index nil keeps every point as is). The
// sets are sorted by instance index, times in seconds in the same order.
func candSets(eng travel.Engine, cands []Candidate, maxSeconds float64, index []int32, offset int32) ([][]int32, [][]float32) {
	sets := make([][]int32, len(cands))
	times := make([][]float32, len(cands))
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), max(1, len(cands)))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Reached points go to buf; their times to the dense tm (indexed
			// by point) so that only the int32 indices need sorting.
			var buf, tmp []int32
			var tm []float32
			add := func(p int32, s float32) {
				if index != nil {
					if int(p) >= len(index) || index[p] < 0 {
						return
					}
					p = index[p]
				}
				if int(p) >= len(tm) {
					tm = append(tm, make([]float32, int(p)+1-len(tm)+len(tm)/2)...)
				}
				buf = append(buf, p)
				tm[p] = s
			}
			for {
				j := int(next.Add(1) - 1)
				if j >= len(cands) {
					return
				}
				buf = buf[:0]
				eng.Reach(cands[j].Point, maxSeconds, add)
				buf, tmp = candRadixSort(buf, tmp)
				buf = slices.Compact(buf) // an engine may report a point twice (last time kept)
				set := make([]int32, len(buf))
				ts := make([]float32, len(buf))
				for k, p := range buf {
					set[k], ts[k] = p+offset, tm[p]
				}
				sets[j], times[j] = set, ts
			}
		}()
	}
	wg.Wait()
	return sets, times
}

// candRadixSort sorts non-negative keys by least-significant-digit radix
// sort on bytes (only as many passes as the largest key needs), using tmp as
// scratch; it returns the sorted slice and the scratch to reuse (the two
// backing arrays may have swapped). O(n) where pdqsort is O(n log n): sets
// are thousands of points long.
func candRadixSort(a, tmp []int32) ([]int32, []int32) {
	if len(a) < 64 {
		slices.Sort(a)
		return a, tmp
	}
	mx := int32(0)
	for _, v := range a {
		mx = max(mx, v)
	}
	if cap(tmp) < len(a) {
		tmp = make([]int32, len(a), 2*len(a))
	}
	tmp = tmp[:len(a)]
	for shift := uint(0); shift < 32 && mx>>shift > 0; shift += 8 {
		var count [257]int
		for _, v := range a {
			count[(v>>shift)&0xff+1]++
		}
		for i := 1; i < 257; i++ {
			count[i] += count[i-1]
		}
		for _, v := range a {
			d := (v >> shift) & 0xff
			tmp[count[d]] = v
			count[d]++
		}
		a, tmp = tmp, a
	}
	return a, tmp
}
