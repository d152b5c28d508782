package data

import "strconv"

// gridPow10 holds the powers of ten that float64 represents exactly.
var gridPow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// gridParseFloat is strconv.ParseFloat(s, 64) with a fast path for the plain
// decimals of INSEE grids ("123", "45.6"): at most 15 significant digits
// and 22 decimals, whose value m / 10^k is the correctly rounded quotient of
// two exactly represented numbers, so the result is the same, bit for bit.
// Anything else (signs, exponents, more digits, "NaN") goes to
// strconv.ParseFloat.
func gridParseFloat(s string) (float64, error) {
	var m uint64
	digits, decimals := 0, -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits > 0 || c != '0' {
				digits++
			}
			m = m*10 + uint64(c-'0')
			if decimals >= 0 {
				decimals++
			}
		case c == '.' && decimals < 0 && i > 0:
			decimals = 0
		default:
			return strconv.ParseFloat(s, 64)
		}
	}
	if len(s) == 0 || digits > 15 || decimals == 0 || decimals > 22 {
		return strconv.ParseFloat(s, 64)
	}
	if decimals <= 0 {
		return float64(m), nil
	}
	return float64(m) / gridPow10[decimals], nil
}
