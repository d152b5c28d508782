package layer

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// FullPrecision as a coordinate precision writes coordinates with every
// digit (the shortest representation that reads back exactly).
const FullPrecision = -1

// AppendFeature appends f, a feature of l, to b as one RFC 7946 GeoJSON
// Feature object: "id" (a string), the geometry with coordinates rounded to
// prec decimals (FullPrecision for all; 6 is about 0.1 m), and the fields as
// properties in the layer's order. A feature without a geometry gets
// "geometry":null. NaN and infinite numbers are written as null.
func AppendFeature(b []byte, l *Layer, f *Feature, prec int) ([]byte, error) {
	g, err := f.Geometry()
	if err != nil {
		return b, fmt.Errorf("layer %s: feature %s: %w", l.ID, f.ID, err)
	}
	b = append(b, `{"type":"Feature","id":`...)
	b = AppendString(b, f.ID)
	b = append(b, `,"geometry":`...)
	b, err = AppendGeometry(b, g, prec)
	if err != nil {
		return b, fmt.Errorf("layer %s: feature %s: %w", l.ID, f.ID, err)
	}
	b = append(b, `,"properties":{`...)
	for i, fd := range l.Fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, fd.Name)
		b = append(b, ':')
		var v any
		if i < len(f.Values) {
			v = f.Values[i]
		}
		b, err = AppendValue(b, v)
		if err != nil {
			return b, fmt.Errorf("layer %s: feature %s: field %s: %w", l.ID, f.ID, fd.Name, err)
		}
	}
	return append(b, "}}"...), nil
}

// AppendValue appends v (nil, string, int, float64, bool or []string) as JSON.
func AppendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return AppendString(b, v), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case float64:
		return AppendNumber(b, v), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case []string:
		b = append(b, '[')
		for i, s := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendString(b, s)
		}
		return append(b, ']'), nil
	}
	return b, fmt.Errorf("%w: value of type %T", ErrInvalid, v)
}

// AppendNumber appends x as a JSON number the way encoding/json writes a
// float64 (null for NaN and ±Inf, which JSON cannot hold).
func AppendNumber(b []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return append(b, "null"...)
	}
	if a := math.Abs(x); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.AppendFloat(b, x, 'e', -1, 64)
	}
	return strconv.AppendFloat(b, x, 'f', -1, 64)
}

func appendCoord(b []byte, x float64, prec int) []byte {
	if prec >= 0 {
		p := math.Pow10(prec)
		x = math.Round(x*p) / p
	}
	return AppendNumber(b, x)
}

func appendPoint(b []byte, p orb.Point, prec int) []byte {
	b = append(b, '[')
	b = appendCoord(b, p[0], prec)
	b = append(b, ',')
	b = appendCoord(b, p[1], prec)
	return append(b, ']')
}

func appendLine(b []byte, ps []orb.Point, prec int) []byte {
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendPoint(b, p, prec)
	}
	return append(b, ']')
}

func appendPolygon(b []byte, p orb.Polygon, prec int) []byte {
	b = append(b, '[')
	for i, r := range p {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendLine(b, r, prec)
	}
	return append(b, ']')
}

// AppendGeometry appends g as a GeoJSON geometry object (null for nil).
func AppendGeometry(b []byte, g orb.Geometry, prec int) ([]byte, error) {
	switch g := g.(type) {
	case nil:
		return append(b, "null"...), nil
	case orb.Point:
		b = append(b, `{"type":"Point","coordinates":`...)
		b = appendPoint(b, g, prec)
	case orb.LineString:
		b = append(b, `{"type":"LineString","coordinates":`...)
		b = appendLine(b, g, prec)
	case orb.MultiLineString:
		b = append(b, `{"type":"MultiLineString","coordinates":[`...)
		for i, l := range g {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendLine(b, l, prec)
		}
		b = append(b, ']')
	case orb.Polygon:
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b = appendPolygon(b, g, prec)
	case orb.MultiPolygon:
		b = append(b, `{"type":"MultiPolygon","coordinates":[`...)
		for i, p := range g {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPolygon(b, p, prec)
		}
		b = append(b, ']')
	default:
		return b, fmt.Errorf("%w: geometry %T", ErrInvalid, g)
	}
	return append(b, '}'), nil
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string (invalid UTF-8 becomes U+FFFD, as
// encoding/json does).
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendGeoJSON appends to b the features of l selected by q as one RFC
// 7946 FeatureCollection, as WriteGeoJSON writes it, unless they are more
// than max: it then stops and returns b unchanged and n = max + 1.
func AppendGeoJSON(b []byte, l *Layer, q Query, prec, max int) (_ []byte, n int, err error) {
	start := len(b)
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	err = l.Iterate(q, func(f *Feature) error {
		if n++; n > max {
			return ErrStop
		}
		var err error
		b, err = appendMember(b, l, f, prec, n == 1)
		return err
	})
	if err != nil {
		return b[:start], n, err
	}
	if n > max {
		return b[:start], n, nil
	}
	return append(b, "\n]}\n"...), n, nil
}

// appendMember appends f as a member of the features array.
func appendMember(b []byte, l *Layer, f *Feature, prec int, first bool) ([]byte, error) {
	if !first {
		b = append(b, ',')
	}
	b = append(b, '\n')
	return AppendFeature(b, l, f, prec)
}

// WriteGeoJSON writes the features of l selected by q as one RFC 7946
// FeatureCollection (see AppendFeature), streaming: memory does not grow
// with the number of features.
func WriteGeoJSON(w io.Writer, l *Layer, q Query, prec int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	var buf []byte
	n := 0
	err := l.Iterate(q, func(f *Feature) error {
		var err error
		if buf, err = appendMember(buf[:0], l, f, prec, n == 0); err != nil {
			return err
		}
		n++
		_, err = bw.Write(buf)
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}
