package labels

import (
	"math"
	"strconv"
	"strings"
)

// Group is the thousands separator of French numbers: U+202F NARROW NO-BREAK
// SPACE, as CLDR's fr locale and a browser's Intl.NumberFormat("fr-FR")
// write it, so the web page and the CLI print the same "136 048". (The
// golang.org/x/text printer writes U+00A0 for French, which a page formatting
// with Intl would not match; hence these few lines.) The same space stands
// before "%" in French ("78,5 %").
const Group = "\u202f"

// Int formats x rounded to a whole number with the language's thousands
// separator: 136048 → "136 048" (fr), "136,048" (en). NaN and ±Inf give
// "–".
func (l Lang) Int(x float64) string { return l.Num(x, 0) }

// Num formats x rounded to dec decimals (trailing zeros kept: a column of
// figures lines up), with the language's decimal mark and thousands
// separator: Num(1234.56, 1) → "1 234,6" (fr), "1,234.6" (en). A value that
// rounds to zero prints without a minus sign.
func (l Lang) Num(x float64, dec int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	p := math.Pow10(dec)
	x = math.Round(x*p) / p
	if x == 0 {
		x = 0 // no "-0"
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', dec, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	group, mark := ",", "."
	if l != EN {
		group, mark = Group, ","
	}
	var b strings.Builder
	if x < 0 {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(mark)
		b.WriteString(frac)
	}
	return b.String()
}

// Signed is Num with a sign on positive values too ("+1 234"), for deltas.
func (l Lang) Signed(x float64, dec int) string {
	s := l.Num(x, dec)
	if x > 0 && s != l.Num(0, dec) {
		return "+" + s
	}
	return s
}

// Percent formats a share (0.785) as a percentage with one decimal: "78,5 %"
// (fr, narrow no-break space before the sign), "78.5%" (en).
func (l Lang) Percent(share float64) string { return l.PercentDec(share, 1) }

// PercentDec is Percent with dec decimals.
func (l Lang) PercentDec(share float64, dec int) string {
	if l == EN {
		return l.Num(100*share, dec) + "%"
	}
	return l.Num(100*share, dec) + Group + "%"
}

// Points formats a difference of shares in percentage points with a sign:
// "+2,3 pts" (fr), "+2.3 pts" (en).
func (l Lang) Points(dshare float64) string {
	return l.Signed(100*dshare, 1) + " pts"
}

// Minutes formats a duration in minutes with one decimal: "12,3 min"; a
// NaN or infinite duration (out of reach) gives "–".
func (l Lang) Minutes(min float64) string {
	if math.IsNaN(min) || math.IsInf(min, 0) {
		return "–"
	}
	return l.Num(min, 1) + " min"
}

// Hours formats hours with at most one decimal: "7 h", "3,5 h".
func (l Lang) Hours(h float64) string {
	dec := 1
	if math.Round(h*10) == 10*math.Round(h) {
		dec = 0
	}
	return l.Num(h, dec) + " h"
}

// Km formats a distance given in metres as kilometres with one decimal
// ("2,4 km"), or in whole metres below one kilometre ("350 m").
func (l Lang) Km(metres float64) string {
	if math.Abs(metres) < 1000 {
		return l.Int(metres) + " m"
	}
	return l.Num(metres/1000, 1) + " km"
}
