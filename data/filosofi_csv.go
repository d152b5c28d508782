package data

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/maillage/maillage"
)

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
