package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// ETRS89-LAEA Europe (EPSG:3035): Lambert azimuthal equal-area on the GRS80
// ellipsoid, natural origin 52°N 10°E, false easting 4,321,000 m, false
// northing 3,210,000 m. The formulas are the ellipsoidal ones of EPSG Guidance
// Note 7-2 (method 9820, after Snyder, "Map Projections: A Working Manual",
// 1987, pp. 187-190).
//
// The derived constants below were computed once from the defining parameters
// (a = 6,378,137 m, 1/f = 298.257222101, φ0 = 52°) and are re-derived by
// TestLAEAConstants, so they cannot drift from the definition.
const (
	laeaA       = 6378137.0             // GRS80 semi-major axis, metres
	laeaE2      = 0.0066943800229007869 // GRS80 first eccentricity squared
	laeaE       = 0.081819191042815792  // GRS80 first eccentricity
	laeaQP      = 1.9955310874809387    // q at the pole
	laeaSinB0   = 0.78667063321585562   // sin β0 (authalic latitude of the origin)
	laeaCosB0   = 0.61737291391489224   // cos β0
	laeaRq      = 6371007.1808835175    // radius of the authalic sphere, metres
	laeaD       = 1.0004253945280135    // D of GN 7-2
	laeaLon0    = 10 * math.Pi / 180    // longitude of origin, radians
	laeaCosLon0 = 0.98480775301220806   // cos 10°
	laeaSinLon0 = 0.17364817766693033   // sin 10°
	laeaFE      = 4321000.0             // false easting, metres
	laeaFN      = 3210000.0             // false northing, metres
)

// Coefficients of the series giving the geodetic latitude from the authalic
// latitude (GN 7-2, inverse formulas).
const (
	laeaE4 = laeaE2 * laeaE2
	laeaE6 = laeaE4 * laeaE2
	laeaC2 = laeaE2/3 + 31*laeaE4/180 + 517*laeaE6/5040
	laeaC4 = 23*laeaE4/360 + 251*laeaE6/3780
	laeaC6 = 761 * laeaE6 / 45360
)

// ToLAEA projects a WGS84 point {lon, lat} in degrees to ETRS89-LAEA
// (EPSG:3035) and returns {easting, northing} in metres. ETRS89 and WGS84
// differ by less than a metre in France; the two are treated as equal here.
// It is safe for concurrent use.
func ToLAEA(p orb.Point) orb.Point {
	e, n := laeaForward(p[1]*math.Pi/180, p[0]*math.Pi/180)
	return orb.Point{e, n}
}

// FromLAEA is the inverse of ToLAEA: it takes {easting, northing} in metres in
// EPSG:3035 and returns the WGS84 point {lon, lat} in degrees. It is safe for
// concurrent use.
func FromLAEA(p orb.Point) orb.Point {
	lat, lon := laeaInverse(p[0], p[1])
	return orb.Point{lon * 180 / math.Pi, lat * 180 / math.Pi}
}

// laeaQ is q(φ) of GN 7-2 for the GRS80 ellipsoid.
func laeaQ(sinPhi float64) float64 {
	return (1 - laeaE2) * (sinPhi/(1-laeaE2*sinPhi*sinPhi) -
		1/(2*laeaE)*math.Log((1-laeaE*sinPhi)/(1+laeaE*sinPhi)))
}

// laeaForward projects geodetic latitude and longitude (radians) to easting
// and northing (metres).
func laeaForward(lat, lon float64) (e, n float64) {
	sinB := laeaQ(math.Sin(lat)) / laeaQP
	sinB = max(-1, min(1, sinB))
	cosB := math.Sqrt(1 - sinB*sinB)
	sinDL, cosDL := math.Sincos(lon - laeaLon0)
	b := laeaRq * math.Sqrt(2/(1+laeaSinB0*sinB+laeaCosB0*cosB*cosDL))
	e = laeaFE + b*laeaD*cosB*sinDL
	n = laeaFN + b/laeaD*(laeaCosB0*sinB-laeaSinB0*cosB*cosDL)
	return e, n
}

// laeaInDomain reports whether (e, n) lies inside the projected disc, i.e.
// is the image of some point of the ellipsoid.
func laeaInDomain(e, n float64) bool {
	return math.Hypot((e-laeaFE)/laeaD, laeaD*(n-laeaFN)) < 2*laeaRq
}

// laeaInverse returns the geodetic latitude and longitude (radians) of an
// easting and northing (metres).
func laeaInverse(e, n float64) (lat, lon float64) {
	x := (e - laeaFE) / laeaD
	y := laeaD * (n - laeaFN)
	rho := math.Hypot(x, y)
	if rho == 0 {
		return 52 * math.Pi / 180, laeaLon0
	}
	c := 2 * math.Asin(min(1, rho/(2*laeaRq)))
	sinC, cosC := math.Sincos(c)
	beta := math.Asin(max(-1, min(1, cosC*laeaSinB0+y*sinC*laeaCosB0/rho)))
	lat = beta + laeaC2*math.Sin(2*beta) + laeaC4*math.Sin(4*beta) + laeaC6*math.Sin(6*beta)
	lon = laeaLon0 + math.Atan2((e-laeaFE)*sinC,
		laeaD*rho*laeaCosB0*cosC-laeaD*laeaD*(n-laeaFN)*laeaSinB0*sinC)
	return lat, lon
}

// laeaInverseVec is laeaInverse followed by unitVec, without trigonometric
// calls: the half-angle and multiple-angle identities give the sines and
// cosines the two would compute. The Spreader calls it for every grid
// corner.
func laeaInverseVec(e, n float64) vec3 {
	x := (e - laeaFE) / laeaD
	y := laeaD * (n - laeaFN)
	rho := math.Sqrt(x*x + y*y) // no overflow: |x|, |y| < 1e8 in the domain
	if rho == 0 {               // the origin, as laeaInverse gives it
		return unitVec(52*math.Pi/180, laeaLon0)
	}
	s := min(1, rho/(2*laeaRq)) // sin(c/2)
	sinC, cosC := 2*s*math.Sqrt(1-s*s), 1-2*s*s
	sinB := max(-1, min(1, cosC*laeaSinB0+y*sinC*laeaCosB0/rho))
	cosB := math.Sqrt(1 - sinB*sinB)
	// Δ = φ − β from the series in sin 2β, 4β, 6β.
	s2, c2 := 2*sinB*cosB, 1-2*sinB*sinB
	s4, c4 := 2*s2*c2, 1-2*s2*s2
	s6 := s4*c2 + c4*s2
	d := laeaC2*s2 + laeaC4*s4 + laeaC6*s6
	d2 := d * d
	sinD := d * (1 - d2/6*(1-d2/20))
	cosD := 1 - d2/2*(1-d2/12)
	sinLat := sinB*cosD + cosB*sinD
	cosLat := cosB*cosD - sinB*sinD
	// λ = λ0 + atan2(X, Y).
	cosL, sinL := laeaCosLon0, laeaSinLon0
	xx := (e - laeaFE) * sinC
	yy := laeaD*rho*laeaCosB0*cosC - laeaD*laeaD*(n-laeaFN)*laeaSinB0*sinC
	if h := math.Sqrt(xx*xx + yy*yy); h > 0 {
		ca, sa := yy/h, xx/h
		cosL, sinL = laeaCosLon0*ca-laeaSinLon0*sa, laeaSinLon0*ca+laeaCosLon0*sa
	}
	return vec3{cosLat * cosL, cosLat * sinL, sinLat}
}
