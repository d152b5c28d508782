package data

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/internal/shareddata"
	"github.com/paulmach/orb"
)

const (
	grid200 = "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv"
	grid1km = "population/filosofi2015-carreaux-1km-bordeaux-metropole.csv"
)

// gridRawTotals sums every attribute of a Filosofi CSV, overall and per value
// of communeCol ("" for none), straight from encoding/csv: an independent
// check of ReadGrid + BuildCells.
func gridRawTotals(t *testing.T, path, communeCol string) (rows int, total maillage.Pop, byCommune map[string]*maillage.Pop) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	names := []string{"Ind", "Men", "Men_pauv", "Men_1ind", "Ind_0_3", "Ind_4_5", "Ind_6_10",
		"Ind_11_17", "Ind_18_24", "Ind_25_39", "Ind_40_54", "Ind_55_64", "Ind_65_79", "Ind_80p", "Ind_inc"}
	byCommune = map[string]*maillage.Pop{}
	for _, r := range recs[1:] {
		var p maillage.Pop
		for a, n := range names {
			i, ok := col[n]
			if !ok {
				t.Fatalf("%s: no column %s", path, n)
			}
			v, err := strconv.ParseFloat(r[i], 64)
			if err != nil {
				t.Fatal(err)
			}
			p[a] = v
		}
		total.Add(p)
		if communeCol != "" {
			c := r[col[communeCol]]
			if byCommune[c] == nil {
				byCommune[c] = &maillage.Pop{}
			}
			byCommune[c].Add(p)
		}
	}
	return len(recs) - 1, total, byCommune
}

func gridRelErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

// gridCheckCells checks the structure of BuildCells' output and returns the
// totals it holds, overall and per commune code.
// gridExpand checks BuildCells' compact layout (a cell has no part when it
// lies in one commune, else two or more, in order) and returns a copy in
// which every cell has its parts, a cell in one commune one part holding its
// Pop, so that the checks below see one layout.
func gridExpand(t *testing.T, cells []maillage.Cell, parts []maillage.Part) ([]maillage.Cell, []maillage.Part) {
	t.Helper()
	ec := slices.Clone(cells)
	ep := make([]maillage.Part, 0, len(cells)+len(parts))
	next := int32(0)
	for i, c := range cells {
		if c.PartStart != next || c.PartEnd-c.PartStart == 1 {
			t.Fatalf("cell %d: parts [%d, %d), want none or several from %d", i, c.PartStart, c.PartEnd, next)
		}
		next = c.PartEnd
		ec[i].PartStart = int32(len(ep))
		if c.PartEnd == c.PartStart {
			ep = append(ep, maillage.Part{Cell: int32(i), Commune: c.Commune, Pop: c.Pop})
		} else {
			ep = append(ep, parts[c.PartStart:c.PartEnd]...)
		}
		ec[i].PartEnd = int32(len(ep))
	}
	if int(next) != len(parts) {
		t.Fatalf("cells cover %d of %d parts", next, len(parts))
	}
	return ec, ep
}

func gridCheckCells(t *testing.T, cells []maillage.Cell, parts []maillage.Part, codes []string) (maillage.Pop, map[string]*maillage.Pop) {
	t.Helper()
	cells, parts = gridExpand(t, cells, parts)
	var total maillage.Pop
	by := map[string]*maillage.Pop{}
	next := int32(0)
	for i, c := range cells {
		if i > 0 && cells[i-1].H3 >= c.H3 {
			t.Fatalf("cells not sorted by H3 index at %d", i)
		}
		if c.PartStart != next || c.PartEnd <= c.PartStart {
			t.Fatalf("cell %d: parts [%d, %d), want start %d", i, c.PartStart, c.PartEnd, next)
		}
		next = c.PartEnd
		if math.IsNaN(c.Center[0]) || c.Center[1] < 44 || c.Center[1] > 46 {
			t.Fatalf("cell %d: centre %v", i, c.Center)
		}
		var sum maillage.Pop
		bestInd := -1.0
		for _, p := range parts[c.PartStart:c.PartEnd] {
			if p.Cell != int32(i) {
				t.Fatalf("part of cell %d says cell %d", i, p.Cell)
			}
			sum.Add(p.Pop)
			bestInd = max(bestInd, p.Pop[maillage.Ind])
			code := ""
			if p.Commune >= 0 {
				code = codes[p.Commune]
			}
			if by[code] == nil {
				by[code] = &maillage.Pop{}
			}
			by[code].Add(p.Pop)
		}
		for a := range sum {
			if gridRelErr(c.Pop[a], sum[a]) > 1e-12 {
				t.Fatalf("cell %d: Pop[%v] = %v, parts sum to %v", i, maillage.Attr(a), c.Pop[a], sum[a])
			}
		}
		if c.Commune >= 0 {
			var held float64
			for _, p := range parts[c.PartStart:c.PartEnd] {
				if p.Commune == c.Commune {
					held = p.Pop[maillage.Ind]
				}
			}
			if held != bestInd {
				t.Fatalf("cell %d: commune %d holds %v of Ind, the largest part %v", i, c.Commune, held, bestInd)
			}
		}
		total.Add(c.Pop)
	}
	if int(next) != len(parts) {
		t.Fatalf("parts cover %d of %d", next, len(parts))
	}
	return total, by
}

func TestBordeauxGrid(t *testing.T) {
	for _, tc := range []struct {
		file       string
		communeCol string
		squares    int
		communes   int
		size       int32
	}{
		{grid200, "Depcom", 6735, 41, 200},
		{grid1km, "", 528, 0, 1000},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			path := shareddata.Path(t, tc.file)
			rows, want, wantBy := gridRawTotals(t, path, tc.communeCol)
			g, err := ReadGrid(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(g.Squares) != tc.squares || rows != tc.squares {
				t.Fatalf("read %d squares (raw CSV %d rows), want %d", len(g.Squares), rows, tc.squares)
			}
			if g.CommuneColumn != tc.communeCol {
				t.Errorf("commune column %q, want %q", g.CommuneColumn, tc.communeCol)
			}
			if tc.size == 200 && want[maillage.Ind] != 725084.5 {
				t.Errorf("raw Ind total %v, the data README says 725,084.5", want[maillage.Ind])
			}
			var read maillage.Pop
			for _, q := range g.Squares {
				if q.Size != tc.size {
					t.Fatalf("line %d: size %d", q.Line, q.Size)
				}
				read.Add(q.Pop)
			}
			for a := range read {
				if gridRelErr(read[a], want[a]) > 1e-12 {
					t.Errorf("read %v total %v, raw %v", maillage.Attr(a), read[a], want[a])
				}
			}
			// Age bands + Ind_inc against Ind, as published.
			var worst, sumBands float64
			for _, q := range g.Squares {
				var s float64
				for _, a := range maillage.AgeBands {
					s += q.Pop[a]
				}
				sumBands += s
				worst = max(worst, math.Abs(s-q.Pop[maillage.Ind]))
			}
			t.Logf("age bands + Ind_inc = %.1f vs Ind = %.1f (rel. diff %.2g); worst square off by %.3g persons",
				sumBands, want[maillage.Ind], gridRelErr(sumBands, want[maillage.Ind]), worst)
			// In these files the bands add up to Ind square by square, to
			// floating-point rounding (values have one decimal).
			if gridRelErr(sumBands, want[maillage.Ind]) > 1e-12 || worst > 1e-9 {
				t.Errorf("age bands sum to %v, Ind to %v; worst square off by %v", sumBands, want[maillage.Ind], worst)
			}

			for _, res := range []int{8, 9, 10} {
				t.Run("res"+strconv.Itoa(res), func(t *testing.T) {
					cells, parts, codes, err := BuildCells(g.Squares, res)
					if err != nil {
						t.Fatal(err)
					}
					if len(codes) != tc.communes || len(wantBy) != tc.communes {
						t.Fatalf("%d commune codes (raw %d), want %d", len(codes), len(wantBy), tc.communes)
					}
					total, by := gridCheckCells(t, cells, parts, codes)
					for a := range total {
						if e := gridRelErr(total[a], want[a]); e > 1e-9 {
							t.Errorf("total %v = %.6f, want %.6f (rel. error %.2g)", maillage.Attr(a), total[a], want[a], e)
						}
					}
					if tc.size == 200 && math.Abs(total[maillage.Ind]-725084.5) > 725084.5*1e-9 {
						t.Errorf("Ind on H3 = %.6f, want 725,084.5", total[maillage.Ind])
					}
					for code, w := range wantBy {
						got := by[code]
						if got == nil {
							t.Errorf("commune %s lost", code)
							continue
						}
						for a := range w {
							if e := gridRelErr(got[a], w[a]); e > 1e-9 {
								t.Errorf("commune %s %v = %.6f, want %.6f", code, maillage.Attr(a), got[a], w[a])
							}
						}
					}
					t.Logf("res %d: %d cells, %d parts", res, len(cells), len(parts))
					// Each square covers size² m²; the cells together cover at
					// least the squares' area.
					if len(cells) < tc.squares*int(tc.size)*int(tc.size)/h3AreaM2[res] {
						t.Errorf("only %d cells for %d squares", len(cells), tc.squares)
					}
				})
			}
		})
	}
}

// TestBuildCellsBands checks that spreading in bands (as BuildCells does on
// large grids) gives the cells and parts of a single pass.
func TestBuildCellsBands(t *testing.T) {
	g, err := ReadGrid(shareddata.Path(t, grid200))
	if err != nil {
		t.Fatal(err)
	}
	c1, p1, codes1, err := gridBuildCells(g.Squares, 9, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{2, 3, 5} {
		bands := gridBands(g.Squares, k)
		if len(bands) != k {
			t.Errorf("gridBands(%d) made %d bands", k, len(bands))
		}
		ck, pk, codesk, err := gridBuildCells(g.Squares, 9, k)
		if err != nil {
			t.Fatal(err)
		}
		if len(ck) != len(c1) || len(pk) != len(p1) || !slices.Equal(codesk, codes1) {
			t.Fatalf("%d bands: %d cells %d parts, one band: %d cells %d parts", k, len(ck), len(pk), len(c1), len(p1))
		}
		for i := range ck {
			if ck[i].H3 != c1[i].H3 || ck[i].Commune != c1[i].Commune || ck[i].PartStart != c1[i].PartStart ||
				ck[i].Center != c1[i].Center {
				t.Fatalf("%d bands: cell %d differs: %+v vs %+v", k, i, ck[i], c1[i])
			}
			for a := range ck[i].Pop {
				if gridRelErr(ck[i].Pop[a], c1[i].Pop[a]) > 1e-12 {
					t.Fatalf("%d bands: cell %d %v: %v vs %v", k, i, maillage.Attr(a), ck[i].Pop[a], c1[i].Pop[a])
				}
			}
		}
	}
}

func TestBuildCellsEdgeCases(t *testing.T) {
	for _, res := range []int{6, 11} {
		if _, _, _, err := BuildCells(nil, res); !errors.Is(err, geo.ErrResolution) {
			t.Errorf("res %d: err = %v, want geo.ErrResolution", res, err)
		}
	}
	for _, k := range []int{1, 3} {
		cells, parts, codes, err := gridBuildCells(nil, 9, k)
		if err != nil || len(cells) != 0 || len(parts) != 0 || len(codes) != 0 {
			t.Errorf("no squares, %d bands: %d cells %d parts %d codes, %v", k, len(cells), len(parts), len(codes), err)
		}
	}
	// Two communes sharing one square's cell, and a square with no commune:
	// per-commune totals and the majority commune.
	q := func(e int32, commune string, ind float64) Square {
		var p maillage.Pop
		p[maillage.Ind], p[maillage.IndInc] = ind, ind
		code, _ := NewCommuneCode(commune)
		return Square{Size: 200, E: e, N: 2466800, Commune: code, Pop: p}
	}
	sq := []Square{q(3482800, "33063", 10), q(3482800, "33318", 30), q(3483000, "", 5)}
	cells, parts, codes, err := BuildCells(sq, 7) // res 7 cells: ≈2.5 km across
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(codes, []string{"33063", "33318"}) {
		t.Fatalf("codes %v", codes)
	}
	by := map[int32]float64{}
	for _, p := range parts {
		by[p.Commune] += p.Pop[maillage.Ind]
	}
	if by[0] != 10 || by[1] != 30 || math.Abs(by[-1]-5) > 1e-12 {
		t.Errorf("per commune %v, want 33063: 10, 33318: 30, none: 5", by)
	}
	for _, c := range cells {
		if c.Pop[maillage.Ind] > 20 && c.Commune != 1 {
			t.Errorf("cell %v holds %v persons, majority commune %d, want 1 (33318)", c.H3, c.Pop[maillage.Ind], c.Commune)
		}
	}
}

// h3AreaM2 is the mean H3 cell area per resolution (H3 documentation, m²).
var h3AreaM2 = map[int]int{8: 737327, 9: 105332, 10: 15047}

func TestSquareGeometry(t *testing.T) {
	q := Square{Size: 200, N: 2466800, E: 3482800}
	if id := q.ID(); id != "CRS3035RES200mN2466800E3482800" {
		t.Errorf("ID() = %s", id)
	}
	poly := q.Polygon()
	if len(poly) != 1 || len(poly[0]) != 5 || poly[0].Orientation() != orb.CCW {
		t.Fatalf("Polygon() = %v", poly)
	}
	// South-west corner: PROJ 9.1.1, cs2cs EPSG:3035 EPSG:4326 "2466800 3482800".
	sw := orb.Point{-0.610500913, 44.775592410}
	if d := math.Hypot((poly[0][0][0]-sw[0])*78900, (poly[0][0][1]-sw[1])*111100); d > 0.01 {
		t.Errorf("SW corner %v is %.3f m from PROJ's %v", poly[0][0], d, sw)
	}
}

func TestParseSquareID(t *testing.T) {
	for _, tc := range []struct {
		id      string
		size    int
		n, e    int
		wantErr string
	}{
		{"CRS3035RES200mN2029800E4252400", 200, 2029800, 4252400, ""},
		{"CRS3035RES1000mN2462000E3485000", 1000, 2462000, 3485000, ""},
		{"crs3035res200mn2029800e4252400", 200, 2029800, 4252400, ""},
		{"CRS3035RES1kmN2462000E3485000", 1000, 2462000, 3485000, ""},
		{"CRS2975RES200mN7660200E335400", 0, 0, 0, "not an EPSG:3035"},
		{"", 0, 0, 0, "does not start"},
		{"CRS3035RESmN1E1", 0, 0, 0, "no square size"},
		{"CRS3035RES200N2029800E4252400", 0, 0, 0, "no unit"},
		{"CRS3035RES200mE4252400", 0, 0, 0, "no N"},
		{"CRS3035RES200mN2029800", 0, 0, 0, "no E"},
		{"CRS3035RES200mN2029800E42524x0", 0, 0, 0, "easting"},
		{"CRS3035RES200mN2029850E4252400", 0, 0, 0, "not on the grid"},
		{"CRS3035RES0mN0E0", 0, 0, 0, "size outside"},
		{"CRS3035RES200mN99999999999E4252400", 0, 0, 0, "northing"},
		{"CRS3035RES200mN-200E4252400", 0, 0, 0, "northing"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			size, n, e, err := ParseSquareID(tc.id)
			if tc.wantErr != "" {
				if !errors.Is(err, ErrSquareID) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("err = %v, want ErrSquareID mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || size != tc.size || n != tc.n || e != tc.e {
				t.Errorf("= %d, %d, %d, %v; want %d, %d, %d", size, n, e, err, tc.size, tc.n, tc.e)
			}
		})
	}
}

// gridHeader2015 etc. are synthetic files in each release's column spelling;
// the values are chosen so that the bands sum to Ind.
const (
	gridCSV2017 = `Idcar_200m;Idcar_1km;Idcar_nat;I_est_200;I_est_1km;lcog_geo;Ind;Men;Men_pauv;Men_1ind;Ind_0_3;Ind_4_5;Ind_6_10;Ind_11_17;Ind_18_24;Ind_25_39;Ind_40_54;Ind_55_64;Ind_65_79;Ind_80p;Ind_inc;Log_soc
CRS3035RES200mN2466800E3482800;CRS3035RES1000mN2466000E3482000;x;0;0;33192;63,5;42;2;24;1;0,5;3,5;0,5;8;8;13;10;10;7;2;0
CRS3035RES200mN2468200E3481200;CRS3035RES1000mN2468000E3481000;x;1;0;3331833063;2;1;0,2;0,4;0;0;0;0,1;0,1;0;0,1;0,7;0,2;0,2;0,6;0
`
	gridCSV2019 = `idcar_200m,idcar_1km,i_est_200,lcog_geo,ind,men,men_pauv,men_1ind,ind_0_3,ind_4_5,ind_6_10,ind_11_17,ind_18_24,ind_25_39,ind_40_54,ind_55_64,ind_65_79,ind_80p,ind_inc
CRS3035RES200mN2029800E4252400,CRS3035RES1000mN2029000E4252000,0,2A004,10,4,1,2,1,1,1,1,1,1,1,1,1,1,0
`
)

func TestReadGridVariants(t *testing.T) {
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	w, _ := zw.Create("readme.txt")
	w.Write([]byte("not the data"))
	w, _ = zw.Create("Filosofi2019_carreaux_200m.CSV")
	w.Write([]byte(gridCSV2019))
	zw.Close()

	for _, tc := range []struct {
		name        string
		content     string
		idCol       string
		communes    []string
		imputed     []bool
		ind         float64
		firstSquare string
	}{
		{"2017 semicolon decimal comma", gridCSV2017, "Idcar_200m", []string{"33192", "33318"}, []bool{false, true}, 65.5, "CRS3035RES200mN2466800E3482800"},
		{"2019 lower case", gridCSV2019, "idcar_200m", []string{"2A004"}, []bool{false}, 10, "CRS3035RES200mN2029800E4252400"},
		{"2019 with BOM and CRLF", "\xEF\xBB\xBF" + strings.ReplaceAll(gridCSV2019, "\n", "\r\n"), "idcar_200m", []string{"2A004"}, []bool{false}, 10, "CRS3035RES200mN2029800E4252400"},
		{"zip", zipped.String(), "idcar_200m", []string{"2A004"}, []bool{false}, 10, "CRS3035RES200mN2029800E4252400"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := ReadGridFrom(strings.NewReader(tc.content), "test.csv")
			if err != nil {
				t.Fatal(err)
			}
			if g.IDColumn != tc.idCol || len(g.Squares) != len(tc.communes) {
				t.Fatalf("id column %q, %d squares", g.IDColumn, len(g.Squares))
			}
			var ind float64
			for i, q := range g.Squares {
				if q.Commune.String() != tc.communes[i] || q.Imputed != tc.imputed[i] || q.Line != i+2 {
					t.Errorf("square %d: commune %q imputed %v line %d", i, q.Commune, q.Imputed, q.Line)
				}
				ind += q.Pop[maillage.Ind]
				var bands float64
				for _, a := range maillage.AgeBands {
					bands += q.Pop[a]
				}
				if math.Abs(bands-q.Pop[maillage.Ind]) > 1e-9 {
					t.Errorf("square %d: bands %v, Ind %v (a column was misread)", i, bands, q.Pop[maillage.Ind])
				}
			}
			if math.Abs(ind-tc.ind) > 1e-9 || g.Squares[0].ID() != tc.firstSquare {
				t.Errorf("Ind total %v (want %v), first id %s", ind, tc.ind, g.Squares[0].ID())
			}
		})
	}
	// From a path: a zip file on disk.
	p := filepath.Join(t.TempDir(), "grid.zip")
	if err := os.WriteFile(p, zipped.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	g, err := ReadGrid(p)
	if err != nil || len(g.Squares) != 1 || g.File != p+"!Filosofi2019_carreaux_200m.CSV" {
		t.Errorf("ReadGrid(zip) = %+v, %v", g, err)
	}
}

func TestReadGridMalformed(t *testing.T) {
	h := "IdINSPIRE,Depcom,Ind,Men,Men_pauv,Men_1ind,Ind_0_3,Ind_4_5,Ind_6_10,Ind_11_17,Ind_18_24,Ind_25_39,Ind_40_54,Ind_55_64,Ind_65_79,Ind_80p,Ind_inc\n"
	ok := "CRS3035RES200mN2466800E3482800,33192,10,4,1,2,1,1,1,1,1,1,1,1,1,1,0\n"
	// other is the square east of ok's.
	other := strings.Replace(ok, "E3482800", "E3483000", 1)
	var rows strings.Builder // 1,000 distinct squares, ≈75 KB
	for i := range 1000 {
		rows.WriteString(strings.Replace(ok, "E3482800", "E"+strconv.Itoa(3000000+200*i), 1))
	}
	many := rows.String()
	var twoCSV bytes.Buffer
	zw := zip.NewWriter(&twoCSV)
	for _, n := range []string{"a.csv", "b.csv"} {
		w, _ := zw.Create(n)
		w.Write([]byte(h + ok))
	}
	zw.Close()
	for _, tc := range []struct {
		name    string
		content string
		line    int
		field   string
		reason  string
	}{
		{"empty", "", 0, "", "empty file"},
		{"no id column", strings.Replace(h, "IdINSPIRE", "Code", 1) + ok, 1, "IdINSPIRE", "missing square id column"},
		{"no age band", strings.Replace(h, "Ind_80p", "Ind_80_plus", 1) + ok, 1, "Ind_80p", "missing column"},
		{"duplicate column", strings.Replace(h, "Ind_inc", "Ind", 1) + ok, 1, "Ind", "twice"},
		{"too few fields", h + ok + "CRS3035RES200mN2466800E3483000,33192,10\n", 3, "", "wrong number of fields"},
		{"too many fields", h + ok + ok[:len(ok)-1] + ",7\n", 3, "", "wrong number of fields"},
		{"non-numeric", h + ok + strings.Replace(strings.Replace(ok, ",4,", ",quatre,", 1), "E3482800", "E3483000", 1), 3, "Men", "not a number"},
		{"negative", h + strings.Replace(ok, ",10,", ",-10,", 1), 2, "Ind", "finite number"},
		{"NaN", h + strings.Replace(ok, ",10,", ",NaN,", 1), 2, "Ind", "finite number"},
		{"empty value", h + strings.Replace(ok, ",10,", ",,", 1), 2, "Ind", "empty value"},
		{"bad id", h + strings.Replace(ok, "N2466800", "X2466800", 1), 2, "IdINSPIRE", "bad square id"},
		{"bad commune", h + strings.Replace(ok, "33192", "3319", 1), 2, "Depcom", "not a commune code"},
		{"duplicate square", h + ok + ok, 3, "IdINSPIRE", "appears twice (first on line 2)"},
		// The first error in file order wins, duplicates or not.
		{"duplicate, then bad row", h + ok + other + ok + strings.Replace(other, ",4,", ",quatre,", 1), 4, "IdINSPIRE", "appears twice (first on line 2)"},
		{"bad row, then duplicate", h + ok + strings.Replace(other, ",4,", ",quatre,", 1) + ok, 3, "Men", "not a number"},
		{"three copies, unsorted", h + other + ok + ok + ok, 4, "IdINSPIRE", "appears twice (first on line 3)"},
		{"two duplicates", h + other + ok + other + ok, 4, "IdINSPIRE", "square CRS3035RES200mN2466800E3483000 appears twice (first on line 2)"},
		{"bad quote", h + ok + `"CRS3035RES200mN2466800E3483000"x,33192,10,4,1,2,1,1,1,1,1,1,1,1,1,1,0` + "\n", 3, "", "bad CSV syntax"},
		{"latin-1", h + strings.Replace(ok, "33192", "3319\xe9", 1), 2, "Depcom", "invalid UTF-8"},
		{"binary garbage", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "", "binary data"},
		{"NUL early", h + ok + strings.Replace(ok, "33192", "33\x00192", 1), 3, "", "binary data"},
		{"NUL after 64 KiB", h + many + strings.Replace(ok, "33192", "33\x00192", 1), 1002, "Depcom", "binary data"},
		{"UTF-16", "\xFF\xFEI\x00d\x00", 1, "", "UTF-16"},
		{"zip with two CSV", twoCSV.String(), 0, "", "several CSV files"},
		{"zip truncated", twoCSV.String()[:40], 0, "", "unreadable zip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := ReadGridFrom(strings.NewReader(tc.content), "bad.csv")
			var ge *GridError
			if !errors.As(err, &ge) || !errors.Is(err, ErrGridFormat) {
				t.Fatalf("ReadGridFrom = %v, %v; want a *GridError", g, err)
			}
			if ge.Line != tc.line || ge.Field != tc.field || !strings.Contains(ge.Reason, tc.reason) || !strings.HasPrefix(ge.File, "bad.csv") {
				t.Errorf("got %q (line %d field %q reason %q), want line %d field %q reason containing %q",
					err, ge.Line, ge.Field, ge.Reason, tc.line, tc.field, tc.reason)
			}
		})
	}
	if _, err := ReadGrid(filepath.Join(t.TempDir(), "missing.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzParseSquareID(f *testing.F) {
	for _, s := range []string{"CRS3035RES200mN2029800E4252400", "CRS3035RES1000mN2462000E3485000",
		"crs3035res1kmn0e0", "CRS3035RES200mN-1E2", "CRS3035RES999999999mN0E0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		size, n, e, err := ParseSquareID(id)
		if err != nil {
			if !errors.Is(err, ErrSquareID) {
				t.Fatalf("error %v does not wrap ErrSquareID", err)
			}
			return
		}
		if size <= 0 || n < 0 || e < 0 || n%size != 0 || e%size != 0 {
			t.Fatalf("%q → %d %d %d", id, size, n, e)
		}
		q := Square{Size: int32(size), N: int32(n), E: int32(e)}
		s2, n2, e2, err := ParseSquareID(q.ID())
		if err != nil || s2 != size || n2 != n || e2 != e {
			t.Fatalf("%q → %s does not round-trip: %v", id, q.ID(), err)
		}
	})
}

func FuzzReadGridFrom(f *testing.F) {
	f.Add([]byte(gridCSV2017))
	f.Add([]byte(gridCSV2019))
	f.Add([]byte("IdINSPIRE,Ind\n"))
	f.Add([]byte("\"a\nb\",c\n1,2\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := ReadGridFrom(bytes.NewReader(b), "fuzz.csv")
		if err != nil {
			var ge *GridError
			if !errors.As(err, &ge) {
				t.Fatalf("error %v is not a *GridError", err)
			}
			return
		}
		for _, q := range g.Squares {
			for a, v := range q.Pop {
				if !(v >= 0) || math.IsInf(v, 0) {
					t.Fatalf("line %d: %v = %v", q.Line, maillage.Attr(a), v)
				}
			}
			if q.Size <= 0 || q.Line < 2 {
				t.Fatalf("square %+v", q)
			}
		}
	})
}
