package data

// Venue readers: design notes.
//
// Formats. ReadVenues sniffs the format from the content, not the name: a
// file whose first non-blank byte is "[" is a national-schema JSON export (an
// array of objects); otherwise it is CSV (separator ",", ";" or tab, chosen
// from the header line) whose header names either the France Services columns
// (id_fs, lib_fs) or the national schema's (nom). Files are read whole into
// memory (the national lists are a few MB); a UTF-8 byte-order mark is
// skipped. Every reader is safe for concurrent use (no shared state).
//
// Malformed files are errors, never panics and never silently skipped rows:
// a NUL byte (binary), invalid UTF-8 (typically a Latin-1/Windows-1252
// export), a CSV row with the wrong number of columns or a broken quote, JSON
// that is truncated or not an array all return a *VenueFileError naming the
// file and the 1-based line.
//
// Validation: each doubtful or rejected record gives a maillage.Finding with
// file, line (the record's first line, also for CSV fields spanning several
// lines and for JSON objects), field and reason. Records are kept unless said
// otherwise:
//   - missing or unparseable coordinates: kept, Located false;
//   - coordinates outside France: kept, Located false (we do not know where
//     the place is; the finding says which point was given). "France" is the
//     union of bounding boxes of metropolitan France with Corsica, the five
//     overseas départements, and the overseas collectivities (Saint-Martin,
//     Saint-Barthélemy, Saint-Pierre-et-Miquelon, Polynesia, New Caledonia,
//     Wallis-et-Futuna) whose telephone prefixes the schema lists;
//   - latitude and longitude swapped: when the given point is outside France
//     but the swapped point is inside, the swap is obvious (the boxes do not
//     overlap their transposes): corrected, kept located, reported;
//   - 0,0 is read as "no coordinates";
//   - postcode not matching ^\d{5}$ (or empty), missing required fields,
//     unknown service/programme/public values, unparseable hours (Hours.Known
//     false, never guessed): kept, reported as warnings;
//   - duplicate id within a file: if the record is identical to the earlier
//     one (every field equal) it is rejected as a repeat; otherwise it is kept
//     and renamed "<id>~L<line>" so that ids stay unique, and reported;
//   - a JSON array element that is not an object: rejected.
// Empty opening hours are simply unknown, without a finding.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/maillage/maillage"
)

// Errors of the venue readers, wrapped in a *VenueFileError.
var (
	// ErrVenueFormat: the content is neither a national-schema CSV/JSON
	// export nor a France Services CSV.
	ErrVenueFormat = errors.New("data: unrecognised venue file format")
	// ErrVenueEncoding: the file is not valid UTF-8 (often a Latin-1 export).
	ErrVenueEncoding = errors.New("data: venue file is not valid UTF-8 (Latin-1 or Windows-1252 export?)")
	// ErrVenueBinary: the file contains NUL bytes.
	ErrVenueBinary = errors.New("data: venue file contains binary data")
	// ErrVenueEmpty: the file is empty.
	ErrVenueEmpty = errors.New("data: venue file is empty")
)

// VenueFileError is a malformed venue file: which file, which 1-based line,
// and the underlying error.
type VenueFileError struct {
	File string
	Line int
	Err  error
}

func (e *VenueFileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *VenueFileError) Unwrap() error { return e.Err }

// ReadVenues reads the venue file at path, whatever its format (national
// schema CSV or JSON, current or older field names; France Services CSV).
// Venue.Source is the file's base name and Venue.Line the record's first
// line. Findings report every doubtful, corrected or rejected record; the
// error is non-nil only for an unreadable or malformed file (a
// *VenueFileError), in which case no venues are returned.
func ReadVenues(path string) ([]maillage.Venue, []maillage.Finding, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("data: reading venues: %w", err)
	}
	return ReadVenuesBytes(b, filepath.Base(path))
}

// ReadVenuesFrom is ReadVenues on a reader; name is used as Venue.Source and
// in findings and errors.
func ReadVenuesFrom(r io.Reader, name string) ([]maillage.Venue, []maillage.Finding, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, &VenueFileError{File: name, Err: err}
	}
	return ReadVenuesBytes(b, name)
}

// ReadVenuesBytes is ReadVenues on the file's content.
func ReadVenuesBytes(b []byte, name string) ([]maillage.Venue, []maillage.Finding, error) {
	b, err := venueCheckBytes(b, name)
	if err != nil {
		return nil, nil, err
	}
	switch venueSniff(b) {
	case venueFormatJSON:
		return venueReadLieuxJSON(b, name)
	case venueFormatFranceServices:
		return venueReadFranceServices(b, name)
	case venueFormatLieuxCSV:
		return venueReadLieuxCSV(b, name)
	}
	return nil, nil, &VenueFileError{File: name, Line: 1, Err: ErrVenueFormat}
}

// ReadLieuxCSV reads a national-schema ("lieux de médiation numérique") CSV
// export, current or older column names, separator "," or ";".
func ReadLieuxCSV(r io.Reader, name string) ([]maillage.Venue, []maillage.Finding, error) {
	b, err := venueReadAll(r, name)
	if err != nil {
		return nil, nil, err
	}
	return venueReadLieuxCSV(b, name)
}

// ReadLieuxJSON reads a national-schema JSON export: an array of objects,
// current or older field names.
func ReadLieuxJSON(r io.Reader, name string) ([]maillage.Venue, []maillage.Finding, error) {
	b, err := venueReadAll(r, name)
	if err != nil {
		return nil, nil, err
	}
	return venueReadLieuxJSON(b, name)
}

// ReadFranceServicesCSV reads the France Services list (id_fs, lib_fs,
// latitude, longitude, h_lundi … h_samedi, itinerance…).
func ReadFranceServicesCSV(r io.Reader, name string) ([]maillage.Venue, []maillage.Finding, error) {
	b, err := venueReadAll(r, name)
	if err != nil {
		return nil, nil, err
	}
	return venueReadFranceServices(b, name)
}

func venueReadAll(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, &VenueFileError{File: name, Err: err}
	}
	return venueCheckBytes(b, name)
}

// venueCheckBytes strips a UTF-8 BOM and rejects empty, binary and non-UTF-8
// content, naming the line of the first bad byte.
func venueCheckBytes(b []byte, name string) ([]byte, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, &VenueFileError{File: name, Err: ErrVenueEmpty}
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return nil, &VenueFileError{File: name, Line: venueLineAt(b, i), Err: ErrVenueBinary}
	}
	if !utf8.Valid(b) {
		i := 0
		for i < len(b) {
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return nil, &VenueFileError{File: name, Line: venueLineAt(b, i),
			Err: fmt.Errorf("%w: byte 0x%02x at offset %d", ErrVenueEncoding, b[i], i)}
	}
	return b, nil
}

// venueLineAt returns the 1-based line of byte offset i.
func venueLineAt(b []byte, i int) int {
	if i > len(b) {
		i = len(b)
	}
	return 1 + bytes.Count(b[:i], []byte{'\n'})
}

type venueFormat int

const (
	venueFormatUnknown venueFormat = iota
	venueFormatJSON
	venueFormatLieuxCSV
	venueFormatFranceServices
)

func venueSniff(b []byte) venueFormat {
	t := bytes.TrimLeft(b, " \t\r\n")
	if len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		return venueFormatJSON
	}
	header := venueHeaderFields(b)
	has := map[string]bool{}
	for _, h := range header {
		has[h] = true
	}
	switch {
	case has["id_fs"] || has["lib_fs"]:
		return venueFormatFranceServices
	case has["nom"]:
		return venueFormatLieuxCSV
	}
	return venueFormatUnknown
}

// venueHeaderFields splits the first line on the sniffed separator (used only
// to recognise the format).
func venueHeaderFields(b []byte) []string {
	line, _, _ := bytes.Cut(b, []byte{'\n'})
	sep := venueSeparator(line)
	var out []string
	for _, f := range strings.Split(string(line), string(sep)) {
		out = append(out, strings.ToLower(strings.Trim(strings.TrimSpace(f), `"`)))
	}
	return out
}

// venueSeparator picks ",", ";" or tab, whichever is most frequent in the
// header line.
func venueSeparator(header []byte) rune {
	best, n := ',', bytes.Count(header, []byte{','})
	if c := bytes.Count(header, []byte{';'}); c > n {
		best, n = ';', c
	}
	if c := bytes.Count(header, []byte{'\t'}); c > n {
		best = '\t'
	}
	return best
}

// venueBox is a latitude/longitude bounding box, degrees.
type venueBox struct {
	name                           string
	minLat, maxLat, minLon, maxLon float64
}

// venueFranceBoxes bound French territory (generous by a few km).
var venueFranceBoxes = []venueBox{
	{"France métropolitaine et Corse", 41.3, 51.2, -5.3, 9.7},
	{"Guadeloupe", 15.8, 16.6, -61.9, -60.9},
	{"Martinique", 14.35, 14.9, -61.25, -60.75},
	{"Guyane", 2.1, 5.85, -54.65, -51.6},
	{"La Réunion", -21.45, -20.85, 55.2, 55.85},
	{"Mayotte", -13.05, -12.6, 44.95, 45.35},
	{"Saint-Martin et Saint-Barthélemy", 17.85, 18.15, -63.2, -62.75},
	{"Saint-Pierre-et-Miquelon", 46.7, 47.2, -56.5, -56.1},
	{"Polynésie française", -28.0, -7.8, -154.8, -134.0},
	{"Nouvelle-Calédonie", -22.9, -19.5, 163.5, 168.2},
	{"Wallis-et-Futuna", -14.4, -13.1, -178.3, -176.0},
}

// VenueInFrance reports whether the WGS84 point (degrees) lies in one of the
// bounding boxes of metropolitan France, Corsica, the overseas départements
// and collectivities (see the package's venue notes).
func VenueInFrance(lat, lon float64) bool {
	for _, b := range venueFranceBoxes {
		if lat >= b.minLat && lat <= b.maxLat && lon >= b.minLon && lon <= b.maxLon {
			return true
		}
	}
	return false
}

// venueRow collects one record's findings.
type venueRow struct {
	file     string
	line     int
	id       string
	findings []maillage.Finding
}

func (r *venueRow) warn(field, format string, args ...any) {
	r.add(maillage.Warning, field, format, args...)
}

func (r *venueRow) add(sev maillage.Severity, field, format string, args ...any) {
	r.findings = append(r.findings, maillage.Finding{
		File: r.file, Line: r.line, Field: field, ID: r.id,
		Reason: fmt.Sprintf(format, args...), Severity: sev,
	})
}

// venueParseCoord parses a coordinate, accepting a decimal comma.
func venueParseCoord(s string) (float64, error) {
	s = strings.TrimSpace(strings.Replace(s, ",", ".", 1))
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return f, nil
}

// venueLocate validates and sets the position of v from the latitude and
// longitude cells (field names for findings).
func venueLocate(v *maillage.Venue, row *venueRow, latField, lonField, latS, lonS string) {
	latS, lonS = strings.TrimSpace(latS), strings.TrimSpace(lonS)
	if latS == "" && lonS == "" {
		row.warn(latField, "missing coordinates: kept, not placed on the map")
		return
	}
	lat, err1 := venueParseCoord(latS)
	lon, err2 := venueParseCoord(lonS)
	switch {
	case latS == "" || err1 != nil:
		row.warn(latField, "bad latitude %q: kept, not placed on the map", latS)
		return
	case lonS == "" || err2 != nil:
		row.warn(lonField, "bad longitude %q: kept, not placed on the map", lonS)
		return
	case lat == 0 && lon == 0:
		row.warn(latField, "coordinates 0,0: read as missing, not placed on the map")
		return
	}
	switch {
	case VenueInFrance(lat, lon):
	case VenueInFrance(lon, lat):
		row.warn(latField, "latitude %v and longitude %v swapped: corrected", lat, lon)
		lat, lon = lon, lat
	default:
		row.warn(latField, "coordinates %v,%v outside France: kept, not placed on the map", lat, lon)
		return
	}
	v.Point[0], v.Point[1] = lon, lat
	v.Located = true
}

var (
	venuePostcodeRe = regexp.MustCompile(`^\d{5}$`)
	venueInseeRe    = regexp.MustCompile(`^([013-9]\d|2[AB1-9])\d{3}$`)
	venuePivotRe    = regexp.MustCompile(`^[a-zA-Z0-9]{9,14}$`)
)

func venueCheckPostcode(row *venueRow, field, s string) {
	switch {
	case s == "":
		row.warn(field, "missing postcode (required)")
	case !venuePostcodeRe.MatchString(s):
		row.warn(field, "bad postcode %q: want 5 digits", s)
	}
}

// venueSortFindings orders findings by line, keeping the order within a line.
func venueSortFindings(fs []maillage.Finding) []maillage.Finding {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Line < fs[j].Line })
	return fs
}

// venueDedupIDs makes ids unique within one file: identical repeats are
// rejected, other records sharing an id are renamed "<id>~L<line>". keys holds
// a canonical rendering of each record (same index as vs).
func venueDedupIDs(vs []maillage.Venue, keys []string, file string) ([]maillage.Venue, []maillage.Finding) {
	type first struct {
		line int
		key  string
	}
	seen := make(map[string]first, len(vs))
	var out []maillage.Venue
	var fs []maillage.Finding
	for i, v := range vs {
		f, dup := seen[v.ID]
		if !dup {
			seen[v.ID] = first{v.Line, keys[i]}
			out = append(out, v)
			continue
		}
		if f.key == keys[i] {
			fs = append(fs, maillage.Finding{File: file, Line: v.Line, Field: "id", ID: v.ID, Severity: maillage.Rejected,
				Reason: fmt.Sprintf("duplicate id %q, record identical to line %d: dropped", v.ID, f.line)})
			continue
		}
		nid := fmt.Sprintf("%s~L%d", v.ID, v.Line)
		fs = append(fs, maillage.Finding{File: file, Line: v.Line, Field: "id", ID: v.ID, Severity: maillage.Warning,
			Reason: fmt.Sprintf("duplicate id %q (first at line %d), different record: kept as %q", v.ID, f.line, nid)})
		v.ID = nid
		seen[nid] = first{v.Line, keys[i]}
		out = append(out, v)
	}
	return out, fs
}
