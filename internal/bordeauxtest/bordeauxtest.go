// Package bordeauxtest reads the real Bordeaux Métropole data in
// ../shared/data for tests, with deliberately simple readers (encoding/csv
// and its own EPSG:3035 inverse projection) that share no code with the
// project's readers in package data and projection in package geo, so that
// tests comparing the two are independent checks.
package bordeauxtest

import (
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/internal/shareddata"
)

// Files, relative to ../shared/data.
const (
	Grid200m       = "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv"
	CD33Venues     = "venues/gironde-cd33-2021.lieux-mediation.csv"
	FranceServices = "venues/france-services-2022-12-01.csv"
	Communes       = "boundaries/communes-33-gironde-2018.geojson"
)

// LAEAInverse converts ETRS89-LAEA (EPSG:3035) easting/northing in metres to
// WGS84 {lon, lat} by the formulas of IOGP Guidance Note 7-2 (method EPSG
// 9820, GRS80 ellipsoid).
func LAEAInverse(e, n float64) orb.Point {
	const (
		a    = 6378137.0
		invF = 298.257222101
		lat0 = 52 * math.Pi / 180
		lon0 = 10 * math.Pi / 180
		fe   = 4321000.0
		fn   = 3210000.0
	)
	f := 1 / invF
	e2 := 2*f - f*f
	ec := math.Sqrt(e2)
	q := func(phi float64) float64 {
		s := math.Sin(phi)
		return (1 - e2) * (s/(1-e2*s*s) - 1/(2*ec)*math.Log((1-ec*s)/(1+ec*s)))
	}
	qp, q0 := q(math.Pi/2), q(lat0)
	beta0 := math.Asin(q0 / qp)
	rq := a * math.Sqrt(qp/2)
	d := a * (math.Cos(lat0) / math.Sqrt(1-e2*math.Sin(lat0)*math.Sin(lat0))) / (rq * math.Cos(beta0))
	x, y := e-fe, n-fn
	rho := math.Hypot(x/d, d*y)
	if rho == 0 {
		return orb.Point{lon0 * 180 / math.Pi, lat0 * 180 / math.Pi}
	}
	c := 2 * math.Asin(rho/(2*rq))
	beta := math.Asin(math.Cos(c)*math.Sin(beta0) + d*y*math.Sin(c)*math.Cos(beta0)/rho)
	lon := lon0 + math.Atan2(x*math.Sin(c), d*rho*math.Cos(beta0)*math.Cos(c)-d*d*y*math.Sin(beta0)*math.Sin(c))
	e4, e6 := e2*e2, e2*e2*e2
	lat := beta + (e2/3+31*e4/180+517*e6/5040)*math.Sin(2*beta) + (23*e4/360+251*e6/3780)*math.Sin(4*beta) + (761*e6/45360)*math.Sin(6*beta)
	return orb.Point{lon * 180 / math.Pi, lat * 180 / math.Pi}
}

// Square is one 200 m square of the Filosofi grid.
type Square struct {
	Center  orb.Point // WGS84 centre: south-west corner + 100 m, projected back
	Commune string    // Depcom
	Pop     maillage.Pop
}

// table reads a CSV file whole, with its header as a column index.
func table(tb testing.TB, rel string, lazy bool) (map[string]int, [][]string) {
	tb.Helper()
	f, err := os.Open(shareddata.Path(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.LazyQuotes = lazy
	head, err := r.Read()
	if err != nil {
		tb.Fatalf("%s: %v", rel, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return col, rows
		}
		if err != nil {
			tb.Fatalf("%s: %v", rel, err)
		}
		rows = append(rows, rec)
	}
}

// ReadSquares reads the Bordeaux Métropole 200 m grid (6,735 squares).
func ReadSquares(tb testing.TB) []Square {
	tb.Helper()
	col, rows := table(tb, Grid200m, false)
	out := make([]Square, 0, len(rows))
	for _, rec := range rows {
		id := rec[col["IdINSPIRE"]] // CRS3035RES200mN2466800E3482800: south-west corner
		ns, es, ok := strings.Cut(strings.TrimPrefix(id, "CRS3035RES200mN"), "E")
		n, err1 := strconv.ParseFloat(ns, 64)
		e, err2 := strconv.ParseFloat(es, 64)
		if !ok || err1 != nil || err2 != nil {
			tb.Fatalf("square id %q: want CRS3035RES200mN<north>E<east>", id)
		}
		sq := Square{Center: LAEAInverse(e+100, n+100), Commune: rec[col["Depcom"]]}
		for a := maillage.Attr(0); a < maillage.NumAttrs; a++ {
			if k, ok := col[a.String()]; ok {
				v, err := strconv.ParseFloat(rec[k], 64)
				if err != nil {
					tb.Fatalf("square %s: %s: %v", id, a, err)
				}
				sq.Pop[a] = v
			}
		}
		out = append(out, sq)
	}
	return out
}

// ReadCD33 reads the Gironde venues (347 rows): id, name, position,
// services and programmes only.
func ReadCD33(tb testing.TB) []maillage.Venue {
	tb.Helper()
	col, rows := table(tb, CD33Venues, false)
	out := make([]maillage.Venue, 0, len(rows))
	for _, rec := range rows {
		lat, err1 := strconv.ParseFloat(rec[col["latitude"]], 64)
		lon, err2 := strconv.ParseFloat(rec[col["longitude"]], 64)
		v := maillage.Venue{ID: rec[col["id"]], Name: rec[col["nom"]], Point: orb.Point{lon, lat}, Located: err1 == nil && err2 == nil}
		for _, s := range strings.Split(rec[col["services"]], "|") {
			if x, ok := maillage.ParseService(s); ok {
				v.Services |= x
			}
		}
		if p := rec[col["dispositif_programmes_nationaux"]]; p != "" {
			v.Programmes = strings.Split(p, "|")
		}
		out = append(out, v)
	}
	return out
}

// ReadFranceServices reads the France Services sites of département dep,
// with their hours per weekday ("09:00 - 12:00 / 14:00 - 17:00"); a site
// whose hours are all empty or unreadable has unknown hours.
func ReadFranceServices(tb testing.TB, dep string) []maillage.Venue {
	tb.Helper()
	col, rows := table(tb, FranceServices, true)
	hm := func(s string) (uint16, bool) {
		h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
		a, err1 := strconv.Atoi(h)
		b, err2 := strconv.Atoi(m)
		return uint16(a*60 + b), ok && err1 == nil && err2 == nil && a >= 0 && a <= 24 && b >= 0 && b < 60
	}
	var out []maillage.Venue
	for _, rec := range rows {
		if rec[col["insee_dep"]] != dep {
			continue
		}
		lat, err1 := strconv.ParseFloat(rec[col["latitude"]], 64)
		lon, err2 := strconv.ParseFloat(rec[col["longitude"]], 64)
		v := maillage.Venue{ID: "fs-" + rec[col["id_fs"]], Name: rec[col["lib_fs"]], Point: orb.Point{lon, lat},
			Located: err1 == nil && err2 == nil, Programmes: []string{"France Services"},
			Services: maillage.ServiceDemarches, Itinerant: rec[col["itinerance"]] == "Oui"}
		good := true
		for d, day := range []string{"h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi"} {
			for _, span := range strings.Split(rec[col[day]], "/") {
				if strings.TrimSpace(span) == "" {
					continue
				}
				a, b, ok := strings.Cut(span, "-")
				o, ok1 := hm(a)
				c, ok2 := hm(b)
				if !ok || !ok1 || !ok2 || c <= o {
					good = false
					continue
				}
				v.Hours.Days[d] = append(v.Hours.Days[d], maillage.Span{Open: o, Close: c})
				v.Hours.Known = true
			}
		}
		if !good {
			v.Hours = maillage.Week{}
		}
		out = append(out, v)
	}
	return out
}
