package report

import (
	"fmt"
	"math"
	"strings"
)

// Number formats n rounded to a whole number, French style: 12 345 (a
// narrow no-break space between thousands, as the web page's Intl does).
func Number(n float64) string {
	r := math.Round(n)
	if r == 0 {
		return "0"
	}
	s := fmt.Sprintf("%.0f", math.Abs(r))
	var b strings.Builder
	if r < 0 {
		b.WriteString("−")
	}
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Signed is Number with a sign: +1 234, −56, 0.
func Signed(n float64) string {
	if math.Round(n) > 0 {
		return "+" + Number(n)
	}
	return Number(n)
}

// Decimal formats n with one decimal and a comma: 12,3.
func Decimal(n float64) string {
	return strings.Replace(fmt.Sprintf("%.1f", n), ".", ",", 1)
}

// Share formats a share in [0, 1] as 78,5 %.
func Share(s float64) string { return Decimal(s*100) + "\u00a0%" }

// Points formats a difference of shares in percentage points: +1,2 point.
func Points(d float64) string {
	v := d * 100
	s := Decimal(math.Abs(v))
	if s == "0,0" {
		return "0 point"
	}
	unit := " point"
	if math.Abs(v) >= 2 {
		unit = " points"
	}
	if v > 0 {
		return "+" + s + unit
	}
	return "−" + s + unit
}
