package coverage

import (
	"encoding/csv"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/internal/shareddata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/uber/h3-go/v4"
)

// This file checks coverage on the real Bordeaux Métropole grid and the
// Gironde venues. It builds its own territory with a deliberately simple
// test-only reader (each 200 m square goes whole to the H3 cell holding its
// centre, which keeps totals exact), so that it does not depend on the
// project's grid and venue readers and stays an independent check.

// laeaInverse converts ETRS89-LAEA (EPSG:3035) easting/northing in metres to
// WGS84 lon/lat (IOGP guidance note 7-2, method EPSG 9820, GRS80).
func laeaInverse(e, n float64) orb.Point {
	const (
		a   = 6378137.0
		e2  = 0.0066943800229
		fe  = 4321000.0
		fn  = 3210000.0
		rad = math.Pi / 180
	)
	ecc := math.Sqrt(e2)
	q := func(phi float64) float64 {
		s := math.Sin(phi)
		return (1 - e2) * (s/(1-e2*s*s) - 1/(2*ecc)*math.Log((1-ecc*s)/(1+ecc*s)))
	}
	phi0, lam0 := 52*rad, 10*rad
	qP, q0 := q(math.Pi/2), q(phi0)
	beta0 := math.Asin(q0 / qP)
	rq := a * math.Sqrt(qP/2)
	d := a * math.Cos(phi0) / (math.Sqrt(1-e2*math.Sin(phi0)*math.Sin(phi0)) * rq * math.Cos(beta0))
	x, y := e-fe, n-fn
	rho := math.Hypot(x/d, d*y)
	c := 2 * math.Asin(rho/(2*rq))
	beta := math.Asin(math.Cos(c)*math.Sin(beta0) + d*y*math.Sin(c)*math.Cos(beta0)/rho)
	e4, e6 := e2*e2, e2*e2*e2
	phi := beta + (e2/3+31*e4/180+517*e6/5040)*math.Sin(2*beta) + (23*e4/360+251*e6/3780)*math.Sin(4*beta) +
		(761*e6/45360)*math.Sin(6*beta)
	lam := lam0 + math.Atan2(x*math.Sin(c), d*rho*math.Cos(beta0)*math.Cos(c)-d*d*y*math.Sin(beta0)*math.Sin(c))
	return orb.Point{lam / rad, phi / rad}
}

func TestLAEAInverse(t *testing.T) {
	// IOGP 7-2 worked example: E 3962799.45, N 2999718.85 → 50°N, 5°E.
	p := laeaInverse(3962799.45, 2999718.85)
	if math.Abs(p[0]-5) > 1e-7 || math.Abs(p[1]-50) > 1e-7 {
		t.Errorf("got %v, want {5 50}", p)
	}
}

// square is one 200 m square of the Filosofi grid.
type square struct {
	center  orb.Point
	commune string
	pop     maillage.Pop
}

func readSquares(t *testing.T) []square {
	f, err := os.Open(shareddata.Path(t, "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	var out []square
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		id := rec[col["IdINSPIRE"]] // CRS3035RES200mN2466800E3482800: south-west corner
		i, j := strings.Index(id, "mN"), strings.LastIndex(id, "E")
		n, err1 := strconv.ParseFloat(id[i+2:j], 64)
		e, err2 := strconv.ParseFloat(id[j+1:], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad id %q", id)
		}
		sq := square{center: laeaInverse(e+100, n+100), commune: rec[col["Depcom"]]}
		for a := maillage.Attr(0); a < maillage.NumAttrs; a++ {
			if k, ok := col[a.String()]; ok {
				sq.pop[a], _ = strconv.ParseFloat(rec[k], 64)
			}
		}
		out = append(out, sq)
	}
	return out
}

func readGirondeVenues(t *testing.T) []maillage.Venue {
	f, err := os.Open(shareddata.Path(t, "venues/gironde-cd33-2021.lieux-mediation.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	var out []maillage.Venue
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
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

// readFranceServices reads the France Services sites of département dep,
// with their hours per weekday ("09:00 - 12:00 / 14:00 - 17:00"); a site
// whose hours are all empty or unreadable has unknown hours.
func readFranceServices(t *testing.T, dep string) []maillage.Venue {
	f, err := os.Open(shareddata.Path(t, "venues/france-services-2022-12-01.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.LazyQuotes = true
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	hm := func(s string) (uint16, bool) {
		h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
		a, err1 := strconv.Atoi(h)
		b, err2 := strconv.Atoi(m)
		return uint16(a*60 + b), ok && err1 == nil && err2 == nil && a >= 0 && a <= 24 && b >= 0 && b < 60
	}
	var out []maillage.Venue
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
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

// bordeaux builds the territory: squares → H3 resolution 9 by centre, one
// part per (cell, commune), every Gironde venue kept (the buffer).
func bordeaux(t *testing.T, squares []square) (*maillage.Territory, []int32) {
	t.Helper()
	ter := &maillage.Territory{Name: "Bordeaux Métropole (test reader)", Resolution: 9,
		Venues: append(readGirondeVenues(t), readFranceServices(t, "33")...)}
	cellOf := make([]h3.Cell, len(squares))
	var cells []h3.Cell
	seen := map[h3.Cell]bool{}
	communes := map[string]int32{}
	for k, sq := range squares {
		c, err := h3.LatLngToCell(h3.NewLatLng(sq.center[1], sq.center[0]), 9)
		if err != nil {
			t.Fatal(err)
		}
		cellOf[k] = c
		if !seen[c] {
			seen[c] = true
			cells = append(cells, c)
		}
		if _, ok := communes[sq.commune]; !ok {
			communes[sq.commune] = int32(len(ter.Communes))
			ter.Communes = append(ter.Communes, maillage.Commune{Code: sq.commune, Name: sq.commune})
		}
	}
	slices.Sort(cells)
	idx := map[h3.Cell]int32{}
	for i, c := range cells {
		idx[c] = int32(i)
		ll, err := c.LatLng()
		if err != nil {
			t.Fatal(err)
		}
		ter.Cells = append(ter.Cells, maillage.Cell{H3: c, Center: latLngPoint(ll), Commune: -1})
	}
	sqCell := make([]int32, len(squares))
	parts := map[[2]int32]*maillage.Pop{}
	for k, sq := range squares {
		i := idx[cellOf[k]]
		sqCell[k] = i
		ter.Cells[i].Pop.Add(sq.pop)
		key := [2]int32{i, communes[sq.commune]}
		if parts[key] == nil {
			parts[key] = &maillage.Pop{}
		}
		parts[key].Add(sq.pop)
	}
	keys := make([][2]int32, 0, len(parts))
	for k := range parts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int32) int {
		if a[0] != b[0] {
			return int(a[0] - b[0])
		}
		return int(a[1] - b[1])
	})
	for i := range ter.Cells {
		ter.Cells[i].PartStart = -1
	}
	for _, k := range keys {
		c := &ter.Cells[k[0]]
		if c.PartStart < 0 {
			c.PartStart = int32(len(ter.Parts))
		}
		ter.Parts = append(ter.Parts, maillage.Part{Cell: k[0], Commune: k[1], Pop: *parts[k]})
		c.PartEnd = int32(len(ter.Parts))
	}
	for i := range ter.Cells { // the commune holding most of the cell's inhabitants
		c := &ter.Cells[i]
		best := -1.0
		for _, part := range ter.Parts[c.PartStart:c.PartEnd] {
			if part.Pop[maillage.Ind] > best {
				best, c.Commune = part.Pop[maillage.Ind], part.Commune
			}
		}
	}
	return ter, sqCell
}

// TestBordeauxAgainstSquares compares the coverage of a crow-fly profile on
// the H3 territory with a computation made directly from the 200 m squares
// (an inhabitant is covered when the centre of their square is within the
// radius of a place). Moving a square to its H3 cell moves its centre by at
// most disp metres (measured), so by the triangle inequality only squares
// whose distance to their nearest place lies within [r − disp, r + disp]
// can be classified differently: the difference between the two covered
// totals is bounded by the population of that annulus. That is the
// tolerance, computed on the data rather than guessed.
func TestBordeauxAgainstSquares(t *testing.T) {
	squares := readSquares(t)
	ter, sqCell := bordeaux(t, squares)
	total := 0.0
	for _, c := range ter.Cells {
		total += c.Pop[maillage.Ind]
	}
	if len(squares) != 6735 || math.Abs(total-725084.5) > 1e-6 || len(ter.Communes) != 41 {
		t.Fatalf("%d squares, %v inhabitants, %d communes; want 6735, 725084.5, 41", len(squares), total, len(ter.Communes))
	}
	disp := 0.0
	for k, sq := range squares {
		disp = math.Max(disp, geo.Distance(sq.center, ter.Cells[sqCell[k]].Center))
	}
	if disp > 250 { // a resolution-9 cell's circumradius is ≈ 174 m, plus the square's own offset
		t.Fatalf("square-to-cell displacement %v m", disp)
	}
	for _, c := range []struct {
		name    string
		profile string
	}{
		{"walk-10min", `{"name":"walk-10min","mode":"walk","engine":"crowfly","max_minutes":10}`},
		{"senior-15min-demarches", `{"name":"senior-15min-demarches","mode":"senior","engine":"crowfly","max_minutes":15,"services":["Aide aux démarches administratives"]}`},
		{"car-10min-fs", `{"name":"car-10min-fs","mode":"car","engine":"crowfly","max_minutes":10,"programmes":["France Services"]}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ps, err := ParseProfiles([]byte(`{"profiles":[` + c.profile + `]}`))
			if err != nil {
				t.Fatal(err)
			}
			p := ps[0]
			s, err := New(ter, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			r := p.MaxSeconds() * p.Mode.SpeedKmh / 3.6 / p.Mode.Detour
			var direct, annulus float64
			for _, sq := range squares {
				d := math.Inf(1)
				for k := range ter.Venues {
					if v := &ter.Venues[k]; v.Located && p.Filter.Match(v) {
						d = math.Min(d, geo.Distance(sq.center, v.Point))
					}
				}
				if d <= r {
					direct += sq.pop[maillage.Ind]
				}
				if d >= r-disp-1 && d <= r+disp+1 {
					annulus += sq.pop[maillage.Ind]
				}
			}
			sum := s.Summary()
			diff := math.Abs(sum.Covered - direct)
			t.Logf("%s: radius %.0f m; H3 %.0f covered of %.0f (%.1f %%), squares %.0f (%.1f %%); |diff| %.0f ≤ annulus %.0f (disp %.0f m); %s",
				p.Name, r, sum.Covered, sum.Population, 100*sum.CoveredShare, direct, 100*direct/total, diff, annulus, disp, sum.Statement)
			if sum.Population != total || diff > annulus || direct == 0 || direct == total {
				t.Errorf("H3 covered %v, squares %v, bound %v", sum.Covered, direct, annulus)
			}
			if diff > 0.02*total {
				t.Errorf("H3 and squares differ by %.1f %% of the population", 100*diff/total)
			}
		})
	}
}

// TestBordeauxBuiltins logs the built-in profiles on the real data
// (crow-fly; the CD33 places have no machine-readable hours here, so only
// the 43 France Services sites of Gironde, whose hours are read, count
// towards needs-help-30min-car's 4 h a week) and checks that the
// per-commune figures add up.
func TestBordeauxBuiltins(t *testing.T) {
	ter, _ := bordeaux(t, readSquares(t))
	states, err := Compute(ter, Builtins(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range states {
		sum := s.Summary()
		var pop, cov float64
		for _, c := range sum.Communes {
			pop += c.Population
			cov += c.Covered
		}
		if math.Abs(pop-sum.Population) > 1e-6 || math.Abs(cov-sum.Covered) > 1e-6 || len(sum.Communes) != 41 {
			t.Errorf("%s: communes sum to %v/%v, total %v/%v", sum.Name, cov, pop, sum.Covered, sum.Population)
		}
		t.Logf("%s: %.0f of %.0f covered (%.1f %%), weighted %.0f of %.0f, %d places (%d unknown hours, %d without position); %s",
			sum.Name, sum.Covered, sum.Population, 100*sum.CoveredShare, sum.WeightedCovered, sum.WeightedPopulation,
			sum.Places, sum.UnknownHoursPlaces, sum.UnlocatedPlaces, sum.Statement)
	}
	fs := states[0].Summary()
	if fs.Name != "france-services-30min-car" || fs.Places == 0 {
		t.Errorf("france services: %+v", fs)
	}
}
