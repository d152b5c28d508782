package data

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

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
