package layer

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// ListSeparator joins the items of a Strings value in every format that has
// no arrays (CSV, vector tiles, GeoPackage).
const ListSeparator = "|"

// Text returns v as CSV, vector tiles and GeoPackage text columns write it:
// "" for nil (and NaN or ±Inf), numbers in the shortest exact decimal form, lists joined by
// ListSeparator.
func Text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ""
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case []string:
		return strings.Join(v, ListSeparator)
	}
	return fmt.Sprint(v)
}

// LabelPoint returns a representative point of g: the point itself, or the
// planar centroid (lon/lat degrees) of a line or polygon.
func LabelPoint(g orb.Geometry) orb.Point {
	if p, ok := g.(orb.Point); ok {
		return p
	}
	c, _ := planar.CentroidArea(g)
	return c
}

// WriteCSV writes the features of l selected by q as CSV: a header row of
// the field names then "lon", "lat" (LabelPoint rounded to 6 decimals), then
// one row per feature (see Text), streaming.
func WriteCSV(w io.Writer, l *Layer, q Query) error {
	cw := csv.NewWriter(w)
	head := make([]string, 0, len(l.Fields)+2)
	for _, f := range l.Fields {
		head = append(head, f.Name)
	}
	head = append(head, "lon", "lat")
	if err := cw.Write(head); err != nil {
		return err
	}
	row := make([]string, len(head))
	err := l.Iterate(q, func(f *Feature) error {
		for i := range l.Fields {
			var v any
			if i < len(f.Values) {
				v = f.Values[i]
			}
			row[i] = Text(v)
		}
		g, err := f.Geometry()
		if err != nil {
			return fmt.Errorf("layer %s: feature %s: %w", l.ID, f.ID, err)
		}
		row[len(row)-2], row[len(row)-1] = "", ""
		if g != nil {
			p := LabelPoint(g)
			row[len(row)-2] = Text(Round(p[0], 6))
			row[len(row)-1] = Text(Round(p[1], 6))
		}
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
