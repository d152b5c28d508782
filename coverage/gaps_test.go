package coverage

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// shoelace returns the signed area of a ring in lon/lat degrees² (positive
// when counter-clockwise).
func shoelace(r orb.Ring) float64 {
	a := 0.0
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a / 2
}

// TestGapsGolden: testdata/NAME.json (a synthetic territory, see synth) →
// testdata/NAME_out.geojson, plus checks made independently of the output.
func TestGapsGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, in := range files {
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var sp synth
			if err := json.Unmarshal(raw, &sp); err != nil {
				t.Fatal(err)
			}
			ter, p := sp.build(t), sp.profile(t)
			s, err := New(ter, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			zones, err := s.Gaps(GapOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkZones(t, s, &sp, zones)
			var buf bytes.Buffer
			if err := writeGoldenGaps(&buf, zones, p.Name); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+"_out.geojson")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s differs from the output (run go test -run TestGapsGolden -update and review the diff)", golden)
			}
			fc, err := geojson.UnmarshalFeatureCollection(want)
			if err != nil || len(fc.Features) != len(zones) {
				t.Fatalf("golden file does not parse back: %v", err)
			}
		})
	}
}

// checkZones checks zones against a direct computation from the synth:
// which cells are uncovered (crow-fly distance to suitable places), that
// every one is in exactly one zone, the zone totals, the winding, the
// ranking, and the case-specific facts of the golden inputs.
func checkZones(t *testing.T, s *State, sp *synth, zones []Zone) {
	t.Helper()
	ter, p := s.Territory(), s.Profile()
	v := p.Mode.SpeedKmh / 3.6 / p.Mode.Detour
	uncovered := map[int32]bool{}
	tooFew := map[int32]bool{}
	for i, c := range ter.Cells {
		n, minutes := 0, 0.0
		for _, ven := range ter.Venues {
			if ven.Located && p.Filter.Match(&ven) && geo.Distance(c.Center, ven.Point)/v <= p.MaxSeconds() {
				n++
				minutes += ven.Hours.Hours() * 60
			}
		}
		if !(n > 0 && minutes >= p.MinWeeklyHours*60) {
			uncovered[int32(i)] = true
			if n > 0 {
				tooFew[int32(i)] = true
			}
		}
	}
	seen := map[int32]bool{}
	persons := 0.0
	multi, fewHours := false, 0
	areaCells := map[int]int{}
	areaCommunes := map[int]map[string]bool{}
	for k, z := range zones {
		// One commune's part of a connected area: every cell of the zone is
		// of the zone's commune; the shares split its persons.
		for _, i := range z.Cells {
			if c := ter.Cells[i].Commune; c < 0 || ter.Communes[c].Code != z.Commune || ter.Communes[c].Name != z.CommuneName {
				t.Errorf("zone %d of commune %s holds cell %d of commune %d", z.Rank, z.Commune, i, c)
			}
		}
		var shares float64
		for _, c := range z.Shares {
			shares += c.Share
		}
		if z.Persons > 0 && math.Abs(shares-1) > 1e-9 {
			t.Errorf("zone %d: shares %+v sum to %v", z.Rank, z.Shares, shares)
		}
		areaCells[z.Area] += len(z.Cells)
		if areaCommunes[z.Area] == nil {
			areaCommunes[z.Area] = map[string]bool{}
		}
		areaCommunes[z.Area][z.Commune] = true
		if z.AreaCells < len(z.Cells) {
			t.Errorf("zone %d: %d cells in an area of %d", z.Rank, len(z.Cells), z.AreaCells)
		}
		if z.Rank != k+1 || k > 0 && zones[k-1].Weighted < z.Weighted {
			t.Errorf("zone %d: rank %d, weighted %v after %v", k, z.Rank, z.Weighted, zones[max(k-1, 0)].Weighted)
		}
		zp, few := 0.0, 0
		for _, i := range z.Cells {
			if seen[i] || !uncovered[i] {
				t.Errorf("cell %d: in two zones or covered", i)
			}
			seen[i] = true
			zp += ter.Cells[i].Pop[maillage.Ind]
			if tooFew[i] {
				few++
			}
		}
		if math.Abs(zp-z.Persons) > 1e-9 || few != z.TooFewHours {
			t.Errorf("zone %d: persons %v (direct %v), too few hours %d (direct %d)", z.Rank, z.Persons, zp, z.TooFewHours, few)
		}
		persons += zp
		fewHours += z.TooFewHours
		for _, poly := range z.Geometry {
			if shoelace(poly[0]) <= 0 {
				t.Errorf("zone %d: exterior ring is not counter-clockwise", z.Rank)
			}
			for _, h := range poly[1:] {
				if shoelace(h) >= 0 {
					t.Errorf("zone %d: hole is not clockwise", z.Rank)
				}
			}
			if poly[0][0] != poly[0][len(poly[0])-1] {
				t.Errorf("zone %d: ring not closed", z.Rank)
			}
		}
		if z.NearestMin > z.NearestMax {
			t.Errorf("zone %d: nearest %v > %v", z.Rank, z.NearestMin, z.NearestMax)
		}
		// The named nearest place is the one NearestMin is measured to: some
		// cell of the zone is that time from it, as the crow flies.
		if math.IsInf(z.NearestMin, 1) {
			if z.NearestPlace != "" {
				t.Errorf("zone %d: nearest place %q beyond the search", z.Rank, z.NearestPlace)
			}
		} else {
			best := math.Inf(1)
			for _, ven := range ter.Venues {
				if ven.ID != z.NearestPlaceID {
					continue
				}
				if ven.Name != z.NearestPlace || !ven.Located || !p.Filter.Match(&ven) {
					t.Errorf("zone %d: nearest place %q (%s) is not a suitable place", z.Rank, z.NearestPlace, z.NearestPlaceID)
				}
				for _, i := range z.Cells {
					best = math.Min(best, geo.Distance(ter.Cells[i].Center, ven.Point)/v)
				}
			}
			if math.Abs(best-z.NearestMin) > 1+1e-3*z.NearestMin {
				t.Errorf("zone %d: nearest place %q (%s) is %.1f s from the zone, NearestMin %.1f s", z.Rank, z.NearestPlace, z.NearestPlaceID, best, z.NearestMin)
			}
		}
	}
	if len(seen) != len(uncovered) {
		t.Errorf("%d cells in zones, %d uncovered", len(seen), len(uncovered))
	}
	for _, z := range zones {
		if areaCells[z.Area] != z.AreaCells {
			t.Errorf("area %d: its zones hold %d cells, it has %d", z.Area, areaCells[z.Area], z.AreaCells)
		}
		multi = multi || len(areaCommunes[z.Area]) >= 2
	}
	sum := s.Summary()
	if math.Abs(sum.Population-sum.Covered-persons) > 1e-9 {
		t.Errorf("zones hold %v persons, summary says %v uncovered", persons, sum.Population-sum.Covered)
	}
	switch p.Name {
	case "demarches-walk-10":
		if !multi {
			t.Errorf("no connected area spans several communes (split into zones of one commune each): %+v", areaCommunes)
		}
		if sum.UnlocatedPlaces != 1 || sum.Places != 3 {
			t.Errorf("places %d unlocated %d, want 3 and 1", sum.Places, sum.UnlocatedPlaces)
		}
	case "walk-15-4h":
		if fewHours == 0 {
			t.Error("no cell is uncovered for lack of hours")
		}
	}
}

// TestGapsAllCovered: no gap when every cell is covered.
func TestGapsAllCovered(t *testing.T) {
	ter, eng := handTerritory()
	s, err := New(ter, Profile{Name: "x", MaxMinutes: 30}, Options{Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	z, err := s.Gaps(GapOptions{})
	if err != nil || len(z) != 0 {
		t.Errorf("zones %v, err %v", z, err)
	}
}

// TestAccessWriters: one row or feature per populated cell, with the
// accessibility of the state.
func TestAccessWriters(t *testing.T) {
	raw, err := os.ReadFile("testdata/few-hours.json")
	if err != nil {
		t.Fatal(err)
	}
	var sp synth
	if err := json.Unmarshal(raw, &sp); err != nil {
		t.Fatal(err)
	}
	s, err := New(sp.build(t), sp.profile(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	populated := 0
	for i := range s.Len() {
		if s.Persons()[i] > 0 {
			populated++
		}
	}
	if populated != 61 { // GridDisk(4) holds 3·4·5+1 = 61 cells
		t.Fatalf("%d populated cells, want 61", populated)
	}
	var sc bytes.Buffer
	if err := WriteSummaryCSV(&sc, Summarize(s.Territory(), s)); err != nil {
		t.Fatal(err)
	}
	srows, err := csv.NewReader(&sc).ReadAll()
	if err != nil || len(srows) != 4 || srows[1][1] != "*" || srows[1][3] != "610" { // header, total, 2 communes; 61 cells × 10
		t.Errorf("summary csv %v, %v", srows, err)
	}
}
