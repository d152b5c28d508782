package data

import (
	"archive/zip"
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/paulmach/orb"
)

// Errors of the Filosofi grid reader. GridError wraps ErrGridFormat (test
// with errors.Is); ParseSquareID's errors wrap ErrSquareID.
var (
	ErrGridFormat = errors.New("data: malformed grid file")
	ErrSquareID   = errors.New("data: invalid square id")
)

// GridError reports what is wrong in a grid file and where: File, the 1-based
// Line (the header is line 1; 0 when not tied to a line), the column Field
// ("" when not tied to one) and the Reason.
type GridError struct {
	File   string
	Line   int
	Field  string
	Reason string
	Err    error // underlying cause, if any
}

func (e *GridError) Error() string {
	var b strings.Builder
	b.WriteString("data: ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %s", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *GridError) Unwrap() error { return e.Err }

// Is reports whether target is ErrGridFormat.
func (e *GridError) Is(target error) bool { return target == ErrGridFormat }

// Square is one square of an INSEE Filosofi grid. It holds no pointer, so
// that the garbage collector does not scan the millions of a national grid.
type Square struct {
	Size    int32       // side, metres (200 or 1000)
	E, N    int32       // EPSG:3035 easting and northing of the south-west corner, metres
	Commune CommuneCode // INSEE code of the square's commune; zero when the file has no commune column
	Imputed bool        // INSEE imputed the square's values (I_est_cr, I_est_200 or I_est_1km = 1)
	Pop     maillage.Pop
	Line    int // the square's line in the source file (header = line 1)
}

// CommuneCode is an INSEE commune code: five characters, digits or 2A/2B
// and three digits in Corsica ("33063", "2A004"). The zero value means none.
type CommuneCode [5]byte

// NewCommuneCode returns s as a CommuneCode, the zero value for "", and
// false if s is neither "" nor five characters.
func NewCommuneCode(s string) (CommuneCode, bool) {
	var c CommuneCode
	if s == "" {
		return c, true
	}
	if len(s) != len(c) {
		return c, false
	}
	copy(c[:], s)
	return c, true
}

// String returns the code, "" for the zero value.
func (c CommuneCode) String() string {
	if c == (CommuneCode{}) {
		return ""
	}
	return string(c[:])
}

// ID returns the square's INSPIRE identifier in INSEE's spelling, e.g.
// "CRS3035RES200mN2029800E4252400".
func (q Square) ID() string {
	return "CRS3035RES" + strconv.Itoa(int(q.Size)) + "mN" + strconv.Itoa(int(q.N)) + "E" + strconv.Itoa(int(q.E))
}

// GeoSquare returns the square's position and size for package geo.
func (q Square) GeoSquare() geo.Square { return geo.Square{E: q.E, N: q.N, Size: q.Size} }

// Polygon returns the square's outline in WGS84 {lon, lat}: its four corners
// inverse-projected from EPSG:3035 (a closed, counter-clockwise ring; the
// sides, straight in EPSG:3035, are drawn straight between the corners).
func (q Square) Polygon() orb.Polygon {
	e, n, s := float64(q.E), float64(q.N), float64(q.Size)
	ring := orb.Ring{
		geo.FromLAEA(orb.Point{e, n}), geo.FromLAEA(orb.Point{e + s, n}),
		geo.FromLAEA(orb.Point{e + s, n + s}), geo.FromLAEA(orb.Point{e, n + s}),
	}
	return orb.Polygon{append(ring, ring[0])}
}

// Grid is the content of one Filosofi grid file.
type Grid struct {
	File          string   // the file read (for a zip: "archive.zip!member.csv")
	IDColumn      string   // the id column used, as spelled in the file
	CommuneColumn string   // the commune column used, "" if none
	Squares       []Square // in file order
}

// ParseSquareID decodes an INSPIRE grid id such as
// "CRS3035RES200mN2029800E4252400" (any letter case): the square's side
// and the northing and easting of its lower-left (south-west) corner, in
// metres. Only EPSG:3035 ids are accepted (INSEE's overseas grids use other
// CRSs); the corner must lie on the square's grid (multiples of the side).
func ParseSquareID(id string) (size, northing, easting int, err error) {
	bad := func(reason string) (int, int, int, error) {
		return 0, 0, 0, fmt.Errorf("%w %q: %s", ErrSquareID, gridClip(id), reason)
	}
	const prefix = "CRS3035RES"
	if len(id) < len(prefix) || !strings.EqualFold(id[:len(prefix)], prefix) {
		if len(id) >= 3 && strings.EqualFold(id[:3], "CRS") {
			return bad("not an EPSG:3035 (CRS3035) id")
		}
		return bad("does not start with CRS3035RES")
	}
	rest := id[len(prefix):]
	size, rest, ok := gridDigits(rest)
	if !ok {
		return bad("no square size after RES")
	}
	switch {
	case len(rest) >= 2 && (rest[:2] == "km" || rest[:2] == "KM" || rest[:2] == "Km"):
		size *= 1000
		rest = rest[2:]
	case len(rest) >= 1 && (rest[0] == 'm' || rest[0] == 'M'):
		rest = rest[1:]
	default:
		return bad("square size has no unit m or km")
	}
	if len(rest) == 0 || (rest[0] != 'N' && rest[0] != 'n') {
		return bad("no N (northing) after the size")
	}
	northing, rest, ok = gridDigits(rest[1:])
	if !ok {
		return bad("northing is not a number")
	}
	if len(rest) == 0 || (rest[0] != 'E' && rest[0] != 'e') {
		return bad("no E (easting) after the northing")
	}
	easting, rest, ok = gridDigits(rest[1:])
	if !ok || rest != "" {
		return bad("easting is not a number")
	}
	switch {
	case size <= 0 || size > 100_000:
		return bad("square size outside 1 m..100 km")
	case northing > 10_000_000 || easting > 10_000_000:
		return bad("corner outside the EPSG:3035 extent")
	case northing%size != 0 || easting%size != 0:
		return bad("corner is not on the grid of the square's size")
	}
	return size, northing, easting, nil
}

// gridDigits splits a leading run of 1 to 9 decimal digits off s.
func gridDigits(s string) (int, string, bool) {
	n, v := 0, 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		if n == 9 {
			return 0, s, false
		}
		v = v*10 + int(s[n]-'0')
		n++
	}
	return v, s[n:], n > 0
}

// gridClip shortens s for an error message.
func gridClip(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// gridIDColumns are the id columns, in order of preference: a 200 m file also
// names the 1 km square holding each square.
var gridIDColumns = []string{"IdINSPIRE", "Idcar_200m", "Id_carr1km", "Idcar_1km"}

// gridCommuneColumns and gridImputedColumns likewise.
var (
	gridCommuneColumns = []string{"Depcom", "lcog_geo"}
	gridImputedColumns = []string{"I_est_cr", "I_est_200", "I_est_1km"}
)

// ReadGrid reads a Filosofi grid file: a CSV, or a zip archive holding
// exactly one CSV. See ReadGridFrom for the format. ReadGrid and
// ReadGridFrom keep no state between calls and are safe for concurrent use.
func ReadGrid(path string) (*Grid, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: read grid: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	if gridIsZip(br) {
		zr, err := zip.OpenReader(path)
		if err != nil {
			return nil, &GridError{File: path, Reason: "unreadable zip archive", Err: err}
		}
		defer zr.Close()
		return gridReadZip(&zr.Reader, path)
	}
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	return gridReadCSV(br, path, size)
}

// ReadGridFrom reads a Filosofi grid from r; name is used in errors and as
// Grid.File. The content is a CSV (or a zip archive holding exactly one CSV,
// which is then read into memory) encoded in UTF-8 or ASCII, with a header
// line naming the columns in any letter case, separated by `,` or `;`
// (whichever the header uses more; with `;` a decimal comma is accepted).
// Required columns: a square id (IdINSPIRE, Idcar_200m, Id_carr1km or
// Idcar_1km, the first present) and every attribute of maillage.Pop (Ind,
// Men, Men_pauv, Men_1ind, Ind_0_3 … Ind_80p, Ind_inc); optional: the
// commune (Depcom or lcog_geo, see the package doc) and the imputation flag.
// Other columns are ignored. Values must be finite numbers ≥ 0; a square id
// may appear once only.
func ReadGridFrom(r io.Reader, name string) (*Grid, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if gridIsZip(br) {
		b, err := io.ReadAll(br)
		if err != nil {
			return nil, &GridError{File: name, Reason: "read error", Err: err}
		}
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return nil, &GridError{File: name, Reason: "unreadable zip archive", Err: err}
		}
		return gridReadZip(zr, name)
	}
	return gridReadCSV(br, name, 0)
}

func gridIsZip(br *bufio.Reader) bool {
	b, _ := br.Peek(4)
	return string(b) == "PK\x03\x04"
}

// gridReadZip reads the one CSV member of a zip archive.
func gridReadZip(zr *zip.Reader, name string) (*Grid, error) {
	var member *zip.File
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !strings.EqualFold(filepath.Ext(f.Name), ".csv") {
			continue
		}
		if member != nil {
			return nil, &GridError{File: name, Reason: fmt.Sprintf("zip archive holds several CSV files (%s, %s); extract the one to read", member.Name, f.Name)}
		}
		member = f
	}
	if member == nil {
		return nil, &GridError{File: name, Reason: "zip archive holds no .csv file"}
	}
	rc, err := member.Open()
	if err != nil {
		return nil, &GridError{File: name + "!" + member.Name, Reason: "unreadable zip member", Err: err}
	}
	defer rc.Close()
	return gridReadCSV(bufio.NewReaderSize(rc, 1<<16), name+"!"+member.Name, int64(min(member.UncompressedSize64, 1<<40)))
}

// gridColumns maps the columns of a header.
type gridColumns struct {
	id, commune, imputed int
	attr                 [maillage.NumAttrs]int
	n                    int
}

// gridHeader finds the columns the reader needs in header.
func gridHeader(header []string, file string) (gridColumns, *GridError) {
	c := gridColumns{id: -1, commune: -1, imputed: -1, n: len(header)}
	for a := range c.attr {
		c.attr[a] = -1
	}
	find := func(names []string) int {
		for _, want := range names {
			for i, h := range header {
				if strings.EqualFold(strings.TrimSpace(h), want) {
					return i
				}
			}
		}
		return -1
	}
	for i, h := range header {
		if !utf8.ValidString(h) {
			return c, &GridError{File: file, Line: 1, Field: gridClip(h), Reason: "header is not valid UTF-8"}
		}
		if a, ok := maillage.ParseAttr(strings.TrimSpace(h)); ok {
			if c.attr[a] >= 0 {
				return c, &GridError{File: file, Line: 1, Field: h, Reason: "column appears twice"}
			}
			c.attr[a] = i
		}
	}
	c.id = find(gridIDColumns)
	if c.id < 0 {
		return c, &GridError{File: file, Line: 1, Field: "IdINSPIRE",
			Reason: "missing square id column (one of " + strings.Join(gridIDColumns, ", ") + ", any case)"}
	}
	for a, i := range c.attr {
		if i < 0 {
			return c, &GridError{File: file, Line: 1, Field: maillage.Attr(a).String(), Reason: "missing column"}
		}
	}
	c.commune = find(gridCommuneColumns)
	c.imputed = find(gridImputedColumns)
	return c, nil
}

// gridSniff returns the separator of the header line: ';' if it has more
// semicolons than commas outside quotes, else ','.
func gridSniff(line []byte) rune {
	commas, semis, quoted := 0, 0, false
	for _, b := range line {
		switch b {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				commas++
			}
		case ';':
			if !quoted {
				semis++
			}
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

// gridReadCSV reads the CSV content of a grid file of size bytes (0 if
// unknown).
func gridReadCSV(br *bufio.Reader, file string, size int64) (*Grid, error) {
	head, _ := br.Peek(1 << 16)
	switch {
	case len(head) == 0:
		return nil, &GridError{File: file, Reason: "empty file: no header line"}
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		head = head[3:]
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, &GridError{File: file, Line: 1, Reason: "UTF-16 text: convert the file to UTF-8"}
	}
	if i := bytes.IndexByte(head, 0); i >= 0 {
		return nil, &GridError{File: file, Line: 1 + bytes.Count(head[:i], []byte{'\n'}),
			Reason: "binary data (NUL byte): not a CSV file"}
	}
	firstLine := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		firstLine = head[:i]
	}
	sep := gridSniff(firstLine)
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, gridCSVError(file, err, 0)
	}
	header = append([]string(nil), header...) // ReuseRecord: keep our own copy
	cols, gerr := gridHeader(header, file)
	if gerr != nil {
		return nil, gerr
	}
	g := &Grid{File: file, IDColumn: header[cols.id]}
	if cols.commune >= 0 {
		g.CommuneColumn = header[cols.commune]
	}
	// Squares are gathered in blocks and copied once at the end: growing one
	// slice would copy a national grid (≈370 MB) several times over. When
	// the size is known, the first block is sized from the length of the
	// first lines, usually for the whole file.
	var blocks [][]Square
	var cur []Square
	if size > 0 {
		lines := max(1, bytes.Count(head, []byte{'\n'})-1)
		if len(head) < 1<<16 {
			lines++
		}
		perLine := float64(len(head)-len(firstLine)) / float64(lines)
		if est := float64(size) / max(perLine, 16) * 1.05; est >= 1 && est < 1e8 {
			cur = make([]Square, 0, int(est)+16)
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// A square repeated on an earlier line is the first error.
			if derr := gridDuplicate(append(blocks, cur), file, header[cols.id]); derr != nil {
				return nil, derr
			}
			return nil, gridCSVError(file, err, len(header))
		}
		line, _ := cr.FieldPos(0)
		q, gerr := gridParseRow(rec, &cols, header, sep, file, cr)
		if gerr != nil {
			if derr := gridDuplicate(append(blocks, cur), file, header[cols.id]); derr != nil {
				return nil, derr
			}
			return nil, gerr
		}
		q.Line = line
		if len(cur) == cap(cur) {
			if cur != nil {
				blocks = append(blocks, cur)
			}
			cur = make([]Square, 0, min(1<<16, 1024<<len(blocks)))
		}
		cur = append(cur, q)
	}
	if derr := gridDuplicate(append(blocks, cur), file, header[cols.id]); derr != nil {
		return nil, derr
	}
	if len(blocks) == 0 {
		g.Squares = cur
		return g, nil
	}
	n := len(cur)
	for _, b := range blocks {
		n += len(b)
	}
	g.Squares = make([]Square, 0, n)
	for _, b := range blocks {
		g.Squares = append(g.Squares, b...)
	}
	g.Squares = append(g.Squares, cur...)
	return g, nil
}

// gridDuplicate returns the error for the first square, in file order, that
// repeats an earlier one (same size and corner), or nil. It sorts the
// squares' keys, or only checks that they are sorted already, as in INSEE's
// files (by id): a map of a national grid's 2.3 million squares would cost
// more time and memory.
func gridDuplicate(blocks [][]Square, file, idColumn string) *GridError {
	type key struct{ size, n, e, line int32 }
	n := 0
	for _, b := range blocks {
		n += len(b)
	}
	if n < 2 {
		return nil
	}
	keys := make([]key, 0, n)
	for _, b := range blocks {
		for i := range b {
			keys = append(keys, key{b[i].Size, b[i].N, b[i].E, int32(b[i].Line)})
		}
	}
	byKey := func(a, b key) int {
		return cmp.Or(cmp.Compare(a.size, b.size), cmp.Compare(a.n, b.n), cmp.Compare(a.e, b.e), cmp.Compare(a.line, b.line))
	}
	if !slices.IsSortedFunc(keys, byKey) {
		slices.SortFunc(keys, byKey)
	}
	// Repeats are neighbours; the first met in file order is the one whose
	// second line is least.
	var first, second key
	for i := 1; i < len(keys); i++ {
		a, b := keys[i-1], keys[i]
		if a.size == b.size && a.n == b.n && a.e == b.e && (second.line == 0 || b.line < second.line) {
			first, second = a, b
		}
	}
	if second.line == 0 {
		return nil
	}
	q := Square{Size: second.size, N: second.n, E: second.e}
	return &GridError{File: file, Line: int(second.line), Field: idColumn,
		Reason: fmt.Sprintf("square %s appears twice (first on line %d)", q.ID(), first.line)}
}

// gridCSVError turns an encoding/csv error into a GridError.
func gridCSVError(file string, err error, nfields int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		reason := "bad CSV syntax"
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			reason = fmt.Sprintf("wrong number of fields (the header has %d)", nfields)
		}
		return &GridError{File: file, Line: pe.Line, Reason: reason, Err: pe.Err}
	}
	if err == io.EOF {
		return &GridError{File: file, Reason: "empty file: no header line"}
	}
	return &GridError{File: file, Reason: "read error", Err: err}
}

// gridParseRow decodes one record.
func gridParseRow(rec []string, cols *gridColumns, header []string, sep rune, file string, cr *csv.Reader) (Square, *GridError) {
	fail := func(col int, reason string, err error) (Square, *GridError) {
		line, _ := cr.FieldPos(col)
		return Square{}, &GridError{File: file, Line: line, Field: header[col], Reason: reason, Err: err}
	}
	var q Square
	for i, f := range rec {
		if strings.IndexByte(f, 0) >= 0 {
			return fail(i, "binary data (NUL byte): not a CSV file", nil)
		}
		if !utf8.ValidString(f) {
			return fail(i, "invalid UTF-8 (the file must be UTF-8 or ASCII)", nil)
		}
	}
	size, n, e, err := ParseSquareID(strings.TrimSpace(rec[cols.id]))
	if err != nil {
		return fail(cols.id, "bad square id", err)
	}
	q.Size, q.N, q.E = int32(size), int32(n), int32(e)
	for a, col := range cols.attr {
		s := strings.TrimSpace(rec[col])
		if sep == ';' {
			s = strings.Replace(s, ",", ".", 1)
		}
		v, err := gridParseFloat(s)
		switch {
		case s == "":
			return fail(col, "empty value", nil)
		case err != nil:
			return fail(col, fmt.Sprintf("not a number: %q", gridClip(rec[col])), nil)
		case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
			return fail(col, fmt.Sprintf("%q is not a finite number ≥ 0", gridClip(rec[col])), nil)
		}
		q.Pop[a] = v
	}
	if cols.commune >= 0 {
		c := strings.TrimSpace(rec[cols.commune])
		if len(c) < 5 || !gridCommuneCode(c[:5]) {
			return fail(cols.commune, fmt.Sprintf("%q is not a commune code (5 characters, e.g. 33063 or 2A004)", gridClip(c)), nil)
		}
		copy(q.Commune[:], c[:5])
	}
	if cols.imputed >= 0 {
		switch strings.TrimSpace(rec[cols.imputed]) {
		case "0", "":
		case "1":
			q.Imputed = true
		default:
			return fail(cols.imputed, fmt.Sprintf("imputation flag %q is not 0 or 1", gridClip(rec[cols.imputed])), nil)
		}
	}
	return q, nil
}

// gridCommuneCode reports whether c looks like an INSEE commune code:
// 5 digits, or 2A/2B and 3 digits (Corsica).
func gridCommuneCode(c string) bool {
	if len(c) != 5 {
		return false
	}
	for i := 0; i < 5; i++ {
		d := c[i]
		if d >= '0' && d <= '9' {
			continue
		}
		if i == 1 && c[0] == '2' && (d == 'A' || d == 'B' || d == 'a' || d == 'b') {
			continue
		}
		return false
	}
	return true
}
