package data

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/internal/shareddata"
)

// venueCounts summarises a reader's output.
type venueCounts struct {
	read, located, rejected, hoursUnknown, badHours int
}

func venueCount(vs []maillage.Venue, fs []maillage.Finding) venueCounts {
	c := venueCounts{read: len(vs)}
	for _, v := range vs {
		if v.Located {
			c.located++
		}
		if !v.Hours.Known {
			c.hoursUnknown++
		}
	}
	for _, f := range fs {
		if f.Severity == maillage.Rejected {
			c.rejected++
			c.read++ // read, then rejected
		}
		if strings.Contains(f.Reason, "unparseable opening hours") {
			c.badHours++
		}
	}
	return c
}

// venueIndependentCSV counts, with encoding/csv only, the records of a CSV
// file, those with an empty latitude, and those whose hour columns are all
// empty (or "-").
func venueIndependentCSV(t *testing.T, path string, hourCols ...string) (rows, noLat, noHours int, all []map[string]string) {
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
	h := recs[0]
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, k := range h {
			m[k] = r[i]
		}
		all = append(all, m)
		if strings.TrimSpace(m["latitude"]) == "" {
			noLat++
		}
		empty := true
		for _, c := range hourCols {
			if v := strings.TrimSpace(m[c]); v != "" && v != "-" {
				empty = false
			}
		}
		if empty {
			noHours++
		}
	}
	return len(recs) - 1, noLat, noHours, all
}

// venueStrictHours is an independent check of the real horaires values: the
// plain OpenStreetMap forms the files use (day selectors, HH:MM-HH:MM lists,
// off), with French "9h30" times allowed, and no range whose start equals its end.
var venueStrictHours = func() *regexp.Regexp {
	d := `(Mo|Tu|We|Th|Fr|Sa|Su)`
	ds := d + `(-` + d + `)?(,` + d + `(-` + d + `)?)*`
	tm := `\d{1,2}(:\d\d|h\d\d|h)`
	ts := tm + `-` + tm + `(,` + tm + `-` + tm + `)*`
	r := ds + ` (` + ts + `|off)`
	return regexp.MustCompile(`^` + r + `(; ?` + r + `)*$`)
}()

var venueEqualRange = regexp.MustCompile(`(\d\d:\d\d)-(\d\d:\d\d)`)

func venueStrictOK(h string) bool {
	if !venueStrictHours.MatchString(h) {
		return false
	}
	for _, m := range venueEqualRange.FindAllStringSubmatch(h, -1) {
		if m[1] == m[2] {
			return false
		}
	}
	return true
}

func TestReadVenuesRealFiles(t *testing.T) {
	t.Run("gironde-cd33", func(t *testing.T) {
		path := shareddata.Path(t, "venues/gironde-cd33-2021.lieux-mediation.csv")
		rows, noLat, noHours, _ := venueIndependentCSV(t, path, "horaires")
		vs, fs, err := ReadVenues(path)
		if err != nil {
			t.Fatal(err)
		}
		got := venueCount(vs, fs)
		// 347 rows, all with coordinates in Gironde, none with horaires: every
		// row is kept and located, hours unknown for all.
		want := venueCounts{read: 347, located: 347 - noLat, rejected: 0, hoursUnknown: noHours, badHours: 0}
		if rows != 347 || noLat != 0 || noHours != 347 || got != want {
			t.Errorf("counts %+v, want %+v (csv: %d rows, %d without latitude, %d without hours)", got, want, rows, noLat, noHours)
		}
		// The data README: 26 rows lack a postcode and 29 list no service.
		if n := venueFindings(fs, "code_postal", "missing postcode"); n != 26 {
			t.Errorf("%d missing-postcode findings, want 26", n)
		}
		if n := venueFindings(fs, "services", "no service listed"); n != 29 {
			t.Errorf("%d no-service findings, want 29", n)
		}
		// cd33-5, line 6: ADELE, Bègles, no postcode.
		v := venueByID(t, vs, "cd33-5")
		if v.Line != 6 || v.Name != "ADELE - Service Emploi de Bègles" || v.Postcode != "" || v.CommuneName != "Bègles" ||
			v.Services != maillage.ServiceDemarches || !venueNear(v.Point[1], 44.8127) || !venueNear(v.Point[0], -0.55089999999996) {
			t.Errorf("cd33-5 = %+v", v)
		}
		if !venueHasFinding(fs, 6, "code_postal") {
			t.Errorf("no code_postal finding at line 6")
		}
	})
	t.Run("charente", func(t *testing.T) {
		path := shareddata.Path(t, "venues/charente-2023.lieux-mediation.json")
		objs := venueIndependentJSON(t, path)
		vs, fs, err := ReadVenues(path)
		if err != nil {
			t.Fatal(err)
		}
		noHours, noLat := 0, 0
		for _, o := range objs {
			if _, ok := o["horaires"]; !ok {
				noHours++
			}
			if _, ok := o["latitude"]; !ok {
				noLat++
			}
			if h, ok := o["horaires"].(string); ok && !venueStrictOK(h) {
				t.Errorf("independent check: %q not plain", h)
			}
		}
		got := venueCount(vs, fs)
		// 188 objects, all with coordinates; 72 with horaires, all plain and parsed.
		want := venueCounts{read: 188, located: 188 - noLat, hoursUnknown: noHours}
		if len(objs) != 188 || noHours != 116 || got != want {
			t.Errorf("counts %+v, want %+v (%d objects, %d without horaires)", got, want, len(objs), noHours)
		}
		if len(fs) != 0 {
			t.Errorf("%d findings, want none: %v", len(fs), fs[0])
		}
		// Third object: its "{" is on line 38.
		v := venueByID(t, vs, "mediation-numerique-conseiller-numerique-63e363ce05dd9706f1f2eaa9-mediation-numerique")
		if v.Line != 38 || v.Name != "JEUNESSE ASSOCIATION DE BAIL-AIR" || v.Pivot != "85140647000019" ||
			v.Postcode != "16000" || v.CommuneName != "ANGOULÊME" || v.Fees != "Gratuit" ||
			v.Services != maillage.ServiceQuotidien|maillage.ServiceComprehension ||
			strings.Join(v.Programmes, "|") != "Conseillers numériques|Aidants Connect" ||
			!venueNear(v.Point[1], 45.653971) || !venueNear(v.Point[0], 0.173162) {
			t.Errorf("BAIL-AIR = %+v", v)
		}
		// "Mo-Th 09:00-12:00,14:00-18:00; Fr 09:00-12:00,14:00-17:00" = 4 × 7 h + 6 h.
		if h := v.Hours.Hours(); h != 34 || len(v.Hours.Days[4]) != 2 || v.Hours.Days[4][1] != (maillage.Span{Open: 840, Close: 1020}) {
			t.Errorf("BAIL-AIR hours %v (%v h), want 34 h", v.Hours, h)
		}
	})
	t.Run("conseillers-numeriques", func(t *testing.T) {
		path := shareddata.Path(t, "venues/conseillers-numeriques-2022.lieux-mediation.json")
		objs := venueIndependentJSON(t, path)
		vs, fs, err := ReadVenues(path)
		if err != nil {
			t.Fatal(err)
		}
		noHours, notPlain := 0, 0
		for _, o := range objs {
			h, ok := o["horaires"].(string)
			if !ok {
				noHours++
				continue
			}
			if !venueStrictOK(h) {
				notPlain++
			}
		}
		got := venueCount(vs, fs)
		// 2,733 objects, all with coordinates in France; 316 without horaires;
		// 42 horaires are defective (22 chained times "09:00-12:00-14:00", 12
		// times without an end "Tu 12:30", 8 empty ranges "14:00-14:00"),
		// which the independent regexp check counts too.
		want := venueCounts{read: 2733, located: 2733, hoursUnknown: noHours + notPlain, badHours: notPlain}
		if len(objs) != 2733 || noHours != 316 || notPlain != 42 || got != want {
			t.Errorf("counts %+v, want %+v (%d objects, %d without horaires, %d not plain)", got, want, len(objs), noHours, notPlain)
		}
		// No record is rejected: the 2,733 ids are distinct.
		ids := map[any]bool{}
		for _, o := range objs {
			ids[o["id"]] = true
		}
		if len(ids) != 2733 {
			t.Errorf("%d distinct ids, want 2733", len(ids))
		}
		// First object: older labels and field names.
		v := venueByID(t, vs, "62592a1d05457b0790816e6c")
		if v.Line != 2 || v.Name != "Association l'espoir (Groupe SOS)" || v.Postcode != "13011" || v.Fees != "Gratuit" ||
			v.Services != maillage.ServiceQuotidien|maillage.ServiceComprehension ||
			strings.Join(v.Programmes, "|") != "Conseillers numériques" || v.Hours.Known || !v.Located {
			t.Errorf("first record = %+v", v)
		}
		// Three bad postcodes: "380000", "020000", "30252Cedex".
		if n := venueFindings(fs, "code_postal", "bad postcode"); n != 3 {
			t.Errorf("%d bad postcodes, want 3", n)
		}
		for reason, want := range map[string]int{"chained times": 22, "time without an end": 12, "empty time range": 8} {
			if n := venueFindings(fs, "horaires", reason); n != want {
				t.Errorf("%d horaires with %s, want %d", n, reason, want)
			}
		}
		// "CNFS, Aidants Connect, France Services" → three programmes.
		fsLabel := 0
		for _, o := range objs {
			if strings.Contains(o["labels_nationaux"].(string), "France Services") {
				fsLabel++
			}
		}
		n := 0
		for _, v := range vs {
			if v.HasProgramme("France Services") {
				n++
			}
		}
		if n != fsLabel || n != 659 {
			t.Errorf("%d venues in France Services, %d labelled, want 659", n, fsLabel)
		}
	})
	t.Run("france-services", func(t *testing.T) {
		path := shareddata.Path(t, "venues/france-services-2022-12-01.csv")
		rows, noLat, noHours, all := venueIndependentCSV(t, path, hoursFSColumns[:]...)
		vs, fs, err := ReadVenues(path)
		if err != nil {
			t.Fatal(err)
		}
		got := venueCount(vs, fs)
		// 2,683 rows; 30 without coordinates; 122 with six empty hour cells;
		// 2 rows with a defective cell ("07:30:12:30", "09:00-13:00-/3:00-16:00").
		want := venueCounts{read: 2683, located: 2683 - noLat, hoursUnknown: noHours + 2, badHours: 2}
		if rows != 2683 || noLat != 30 || noHours != 122 || got != want {
			t.Errorf("counts %+v, want %+v (csv: %d rows, %d without latitude, %d without hours)", got, want, rows, noLat, noHours)
		}
		ids := map[string]bool{}
		for _, r := range all {
			ids[r["id_fs"]] = true
		}
		if len(ids) != 2683 {
			t.Errorf("%d distinct id_fs, want 2683 (no rejection)", len(ids))
		}
		itin, gironde, girondeIndep := 0, 0, 0
		for _, v := range vs {
			if v.Itinerant {
				itin++
			}
			if strings.HasPrefix(v.Commune, "33") || v.ID == "fs-2701" {
				gironde++
			}
			if !v.HasProgramme("France Services") || v.Services != maillage.ServiceDemarches {
				t.Fatalf("%s: programmes %v services %v", v.ID, v.Programmes, v.Services)
			}
		}
		for _, r := range all {
			if r["insee_dep"] == "33" {
				girondeIndep++
			}
		}
		// 288 buses; 43 sites in Gironde (fs-2701, a Talence bus antenna, has no commune code).
		if itin != 288 || girondeIndep != 43 || gironde != 43 {
			t.Errorf("itinerant %d (want 288), Gironde %d / %d (want 43)", itin, gironde, girondeIndep)
		}
		v := venueByID(t, vs, "fs-1")
		if v.Line != 2 || v.Name != "France services de Valserhône" || v.Commune != "01033" || v.Postcode != "01200" ||
			v.Itinerant || !venueNear(v.Point[1], 46.1060711578546) || v.Hours.Hours() != 31.5 {
			t.Errorf("fs-1 = %+v (%v h)", v, v.Hours.Hours())
		}
		if v := venueByID(t, vs, "fs-3"); v.Line != 4 || !v.Itinerant || v.Hours.Hours() != 35 {
			t.Errorf("fs-3 = %+v", v)
		}
		// temp_148 (Montauban) starts on line 2865 and its h_vendredi spans three
		// lines; the next record starts on line 2868.
		v = venueByID(t, vs, "fs-temp_148")
		if v.Line != 2865 || v.Hours.Hours() != 34.5 || len(v.Hours.Days[4]) != 2 {
			t.Errorf("fs-temp_148 = line %d, %v h, Friday %v; want line 2865, 34.5 h", v.Line, v.Hours.Hours(), v.Hours.Days[4])
		}
		if v := venueByID(t, vs, "fs-temp_149"); v.Line != 2868 {
			t.Errorf("fs-temp_149 line %d, want 2868", v.Line)
		}
		if v := venueByID(t, vs, "fs-2701"); v.Located || v.Hours.Known || !venueHasFinding(fs, v.Line, "latitude") {
			t.Errorf("fs-2701 = %+v, want kept unlocated with a finding", v)
		}
	})
}

func TestMergeVenuesGironde(t *testing.T) {
	fsv, _, err := ReadVenues(shareddata.Path(t, "venues/france-services-2022-12-01.csv"))
	if err != nil {
		t.Fatal(err)
	}
	cnv, _, err := ReadVenues(shareddata.Path(t, "venues/conseillers-numeriques-2022.lieux-mediation.json"))
	if err != nil {
		t.Fatal(err)
	}
	var a, b []maillage.Venue
	for _, v := range fsv {
		if strings.HasPrefix(v.Commune, "33") || v.ID == "fs-2701" {
			a = append(a, v)
		}
	}
	for _, v := range cnv {
		if strings.HasPrefix(v.Postcode, "33") {
			b = append(b, v)
		}
	}
	out, fs := MergeVenues(a, b)
	// Pairs closer than 100 m (checked with an independent haversine scan of
	// the raw files): Captieux 0 m, Castillon 0 m (two Conseillers numériques
	// records, one France Services site: one pair), Saint-Symphorien 0 m,
	// Sauveterre-de-Guyenne 20 m, Targon 9 m. La Réole at 101 m is not merged.
	merged := 0
	for _, f := range fs {
		if f.Severity == maillage.Merged {
			merged++
		}
	}
	if len(a) != 43 || len(b) != 67 || merged != 5 || len(out) != 43+67-5 {
		t.Fatalf("FS %d, CN %d, merged %d, out %d; want 43, 67, 5, 105", len(a), len(b), merged, len(out))
	}
	// Targon by hand: FS 2188 (line 1955, 10 Rue René Pezat, 44.734462,
	// -0.264593) and CN "Espace France services Targon" (line 17082).
	cn := venueByID(t, b, "62ab48588255a806e299ce2a")
	fsT := venueByID(t, a, "fs-2188")
	d := venueHaversine(fsT.Point[1], fsT.Point[0], cn.Point[1], cn.Point[0])
	if d < 5 || d > 15 {
		t.Errorf("Targon pair %v m apart, want ≈ 9 m", d)
	}
	var kept maillage.Venue
	n := 0
	for _, v := range out {
		if v.ID == cn.ID || v.ID == fsT.ID {
			kept, n = v, n+1
		}
	}
	if n != 1 || !kept.HasProgramme("France Services") || !kept.HasProgramme("Conseillers numériques") ||
		kept.Services&maillage.ServiceDemarches == 0 || kept.Services&maillage.ServiceQuotidien == 0 || !kept.Hours.Known {
		t.Errorf("Targon: %d records kept, %+v", n, kept)
	}
	if !venueHasFindingSev(fs, "france-services-2022-12-01.csv", 1955, maillage.Merged) &&
		!venueHasFindingSev(fs, "conseillers-numeriques-2022.lieux-mediation.json", 17082, maillage.Merged) {
		t.Errorf("no merge finding for Targon")
	}
}

func venueHaversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371008.8
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	h := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

func venueIndependentJSON(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	if err := json.Unmarshal(b, &objs); err != nil {
		t.Fatal(err)
	}
	return objs
}

func venueByID(t *testing.T, vs []maillage.Venue, id string) maillage.Venue {
	t.Helper()
	for _, v := range vs {
		if v.ID == id {
			return v
		}
	}
	t.Fatalf("no venue %q", id)
	return maillage.Venue{}
}

func venueFindings(fs []maillage.Finding, field, reason string) int {
	n := 0
	for _, f := range fs {
		if f.Field == field && strings.Contains(f.Reason, reason) {
			n++
		}
	}
	return n
}

func venueHasFinding(fs []maillage.Finding, line int, field string) bool {
	for _, f := range fs {
		if f.Line == line && f.Field == field {
			return true
		}
	}
	return false
}

func venueHasFindingSev(fs []maillage.Finding, file string, line int, sev maillage.Severity) bool {
	for _, f := range fs {
		if f.File == file && f.Line == line && f.Severity == sev {
			return true
		}
	}
	return false
}

func venueNear(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
