package data

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/maillage/maillage"
)

// hoursFmt renders a week compactly for comparisons: "Mo 09:00-12:00,13:30-17:00; Tu …",
// closed days omitted.
func hoursFmt(w maillage.Week) string {
	if !w.Known {
		return "unknown"
	}
	names := []string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}
	var parts []string
	for d, spans := range w.Days {
		if len(spans) == 0 {
			continue
		}
		var ts []string
		for _, s := range spans {
			ts = append(ts, fmt.Sprintf("%02d:%02d-%02d:%02d", s.Open/60, s.Open%60, s.Close/60, s.Close%60))
		}
		parts = append(parts, names[d]+" "+strings.Join(ts, ","))
	}
	if len(parts) == 0 {
		return "closed"
	}
	return strings.Join(parts, "; ")
}

func TestParseOpeningHours(t *testing.T) {
	tests := []struct {
		in    string
		want  string  // hoursFmt of the result
		hours float64 // weekly hours, computed by hand
	}{
		{"Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00",
			"Mo 09:00-12:00,14:00-18:30; Tu 09:00-12:00,14:00-18:30; We 09:00-12:00,14:00-18:30; Th 09:00-12:00,14:00-18:30; Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00",
			5*7.5 + 3.5},
		{"Mo,We,Fr 10:00-12:00", "Mo 10:00-12:00; We 10:00-12:00; Fr 10:00-12:00", 6},
		{"Sa 09:00-12:00", "Sa 09:00-12:00", 3},
		// a later rule replaces the days it names (Tuesday here), from the Conseillers numériques file
		{"Mo-Fr 09:00-12:00,13:30-17:30; Tu 09:00-12:00,14:30-17:30",
			"Mo 09:00-12:00,13:30-17:30; Tu 09:00-12:00,14:30-17:30; We 09:00-12:00,13:30-17:30; Th 09:00-12:00,13:30-17:30; Fr 09:00-12:00,13:30-17:30",
			4*7 + 6},
		{"Mo-Fr 07:00-11:00; Tu,Th off", "Mo 07:00-11:00; We 07:00-11:00; Fr 07:00-11:00", 12},
		{"Mo-Fr 08:00-12:00; We closed", "Mo 08:00-12:00; Tu 08:00-12:00; Th 08:00-12:00; Fr 08:00-12:00", 16},
		{"24/7", "Mo 00:00-24:00; Tu 00:00-24:00; We 00:00-24:00; Th 00:00-24:00; Fr 00:00-24:00; Sa 00:00-24:00; Su 00:00-24:00", 168},
		{"Mo-Su 00:00-24:00", "Mo 00:00-24:00; Tu 00:00-24:00; We 00:00-24:00; Th 00:00-24:00; Fr 00:00-24:00; Sa 00:00-24:00; Su 00:00-24:00", 168},
		{"Fr 22:00-02:00", "Fr 22:00-24:00; Sa 00:00-02:00", 4},
		{"Su 20:00-26:00", "Mo 00:00-02:00; Su 20:00-24:00", 6},
		{"Su-Tu 10:00-11:00", "Mo 10:00-11:00; Tu 10:00-11:00; Su 10:00-11:00", 3},
		{"Mo-Fr 09:00-12:00; PH off", "Mo 09:00-12:00; Tu 09:00-12:00; We 09:00-12:00; Th 09:00-12:00; Fr 09:00-12:00", 15},
		{"Mo-Fr,PH 09:00-12:00", "Mo 09:00-12:00; Tu 09:00-12:00; We 09:00-12:00; Th 09:00-12:00; Fr 09:00-12:00", 15},
		{`Mo 14:00-17:00 "sur rendez-vous"; We 09:00-12:00`, "Mo 14:00-17:00; We 09:00-12:00", 6},
		// additional rule after ",": adds to the days it names
		{"Mo-Fr 08:00-12:00, We 14:00-16:00", "Mo 08:00-12:00; Tu 08:00-12:00; We 08:00-12:00,14:00-16:00; Th 08:00-12:00; Fr 08:00-12:00", 22},
		// overlapping and touching ranges merge (both in the real Conseillers numériques / Charente files)
		{"Mo,We 09:00-16:30,13:30-16:30", "Mo 09:00-16:30; We 09:00-16:30", 15},
		{"Sa 10:00-13:00,13:00-18:00", "Sa 10:00-18:00", 8},
		{"mo-fr 09:00 - 12:00", "Mo 09:00-12:00; Tu 09:00-12:00; We 09:00-12:00; Th 09:00-12:00; Fr 09:00-12:00", 15},
		{"Mo-Fr 9h-12h30,13h30-17h", "Mo 09:00-12:30,13:30-17:00; Tu 09:00-12:30,13:30-17:00; We 09:00-12:30,13:30-17:00; Th 09:00-12:30,13:30-17:00; Fr 09:00-12:30,13:30-17:00", 5 * 7},
		{"Mo-Th 10h00-12h30,13h30-17h00; Fr 09h30-12h30; We off", "Mo 10:00-12:30,13:30-17:00; Tu 10:00-12:30,13:30-17:00; Th 10:00-12:30,13:30-17:00; Fr 09:30-12:30", 3*6 + 3},
		{"Mo-Fr: 09:00-12:00", "Mo 09:00-12:00; Tu 09:00-12:00; We 09:00-12:00; Th 09:00-12:00; Fr 09:00-12:00", 15},
		{"10:00-12:00", "Mo 10:00-12:00; Tu 10:00-12:00; We 10:00-12:00; Th 10:00-12:00; Fr 10:00-12:00; Sa 10:00-12:00; Su 10:00-12:00", 14},
		{"Sa", "Sa 00:00-24:00", 24},
		{"off", "closed", 0},
		{"Mo 13:30-17:30;Tu 08:30-12:15;", "Mo 13:30-17:30; Tu 08:30-12:15", 7.75},
		{"Mo 08:00-24:00", "Mo 08:00-24:00", 16},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			w, err := ParseOpeningHours(tc.in)
			if err != nil {
				t.Fatalf("ParseOpeningHours(%q): %v", tc.in, err)
			}
			if got := hoursFmt(w); got != tc.want {
				t.Errorf("ParseOpeningHours(%q)\n got %s\nwant %s", tc.in, got, tc.want)
			}
			if got := w.Hours(); got != tc.hours {
				t.Errorf("ParseOpeningHours(%q).Hours() = %v, want %v", tc.in, got, tc.hours)
			}
		})
	}
}

func TestParseOpeningHoursErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrHoursEmpty},
		{"   ", ErrHoursEmpty},
		// forms found in the Conseillers numériques file: never guessed
		{"Mo 09:30-12:00,14:00-17:00; Tu 12:30", ErrHoursSyntax},
		{"Th 08:30-12:00-13:30", ErrHoursSyntax},
		{"We 08:00", ErrHoursSyntax},
		{"Tu 00:00", ErrHoursSyntax},
		{"Mo 09:00-12:00,14:00-14:00", ErrHoursSyntax},
		{"Th 00:00-00:00", ErrHoursSyntax},
		{"Mo-Fr 25:00-26:00", ErrHoursSyntax},
		{"Mo 09:60-10:00", ErrHoursSyntax},
		{"Mo 09:00-49:00", ErrHoursSyntax},
		{"Mon-Fri 09:00-12:00", ErrHoursSyntax},
		{"Lu-Ve 09:00-12:00", ErrHoursSyntax},
		{"Mo-Fr 09:00-12:00 Sa", ErrHoursSyntax},
		{"Mo-", ErrHoursSyntax},
		{"Mo,", ErrHoursSyntax},
		{"Mo 09:00-", ErrHoursSyntax},
		{`Mo 09:00-12:00 "unterminated`, ErrHoursSyntax},
		{"sur rendez-vous", ErrHoursSyntax},
		{";", ErrHoursSyntax},
		{"Jan-Jun Mo 09:00-12:00", ErrHoursUnsupported},
		{"2023 Mo 09:00-12:00", ErrHoursUnsupported},
		{"week 1-26 Mo 09:00-12:00", ErrHoursUnsupported},
		{"Mo[1] 09:00-12:00", ErrHoursUnsupported},
		{"Mo 12:00+", ErrHoursUnsupported},
		{"Mo sunrise-sunset", ErrHoursUnsupported},
		{"Mo-Fr 09:00-12:00 || \"sur rdv\"", ErrHoursUnsupported},
		{"Mo-Fr unknown", ErrHoursUnsupported},
		{`"sur rendez-vous"`, ErrHoursUnsupported},
		{`Sa "sur rendez-vous"`, ErrHoursUnsupported},
		{"PH off", ErrHoursUnsupported},
		{"Mo 10:00-12:00 off", ErrHoursUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			w, err := ParseOpeningHours(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("ParseOpeningHours(%q) = %s, %v; want error %v", tc.in, hoursFmt(w), err, tc.want)
			}
			if w.Known {
				t.Errorf("ParseOpeningHours(%q): Known on error", tc.in)
			}
		})
	}
}

func TestParseFranceServicesDay(t *testing.T) {
	tests := []struct {
		in      string
		minutes int // total open minutes, by hand
		spans   int
	}{
		{"09:00 - 12:00 / 13:30 - 17:00", 390, 2}, // 6.5 h
		{"09:00-12:00/13:30-17:00", 390, 2},
		{"9h00 - 12h00 / 13h30 - 17h00", 390, 2},
		{"9h-12h / 13h30-17h", 390, 2},
		{"09:00-12:00 14:00-16:30", 330, 2},
		{"09:00-12:00,13:00-17:00", 420, 2},
		{"09:30-12:30/\n\n 13:30-18:00", 450, 2},
		{"08 :00-12:00/14:00-17:00", 420, 2},
		{"08:00-13:00/13 :30-17:00", 510, 2},
		{"09:00-12h00", 180, 1},
		{"09:00-12:30-13:30-17:00", 420, 2},
		{"09:00 - 12:00 / 13:00 - 15:00 / 15:30 - 17:00", 390, 3},
		{"09:00 - 12:00 / 12:00 - 14:00", 300, 1}, // touching: merged
		{"", 0, 0},
		{"-", 0, 0},
		{"Fermé", 0, 0},
		{" fermé ", 0, 0},
		{"00:00 - 24:00", 1440, 1},
		{"00:00 - 00:00", 0, 0},
		{"00:00 - 00:00 / 09:00 - 12:00", 180, 1},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			spans, err := ParseFranceServicesDay(tc.in)
			if err != nil {
				t.Fatalf("ParseFranceServicesDay(%q): %v", tc.in, err)
			}
			m := 0
			for _, s := range spans {
				m += int(s.Close) - int(s.Open)
			}
			if m != tc.minutes || len(spans) != tc.spans {
				t.Errorf("ParseFranceServicesDay(%q) = %v (%d min), want %d min in %d spans", tc.in, spans, m, tc.minutes, tc.spans)
			}
		})
	}
	for _, bad := range []string{"07:30:12:30", "09:00-13:00-/3:00-16:00", "09:00-12:00-14:00", "12:00-09:00", "09:00-25:00", "le matin", "09:00", "9-12", "09:00-12:00 / sur rdv"} {
		t.Run("bad "+bad, func(t *testing.T) {
			if spans, err := ParseFranceServicesDay(bad); !errors.Is(err, ErrHoursSyntax) {
				t.Errorf("ParseFranceServicesDay(%q) = %v, %v; want ErrHoursSyntax", bad, spans, err)
			}
		})
	}
}

func TestParseFranceServicesWeek(t *testing.T) {
	h := "09:00 - 12:00 / 13:30 - 17:00"
	w, err := ParseFranceServicesWeek([6]string{h, h, h, h, "09:00 - 12:00 / 13:30 - 16:00", ""})
	if err != nil {
		t.Fatal(err)
	}
	// Valserhône (id_fs 1): 4 × 6.5 h + 5.5 h = 31.5 h, closed on Saturday and Sunday.
	if got := w.Hours(); got != 31.5 || !w.Known || len(w.Days[5]) != 0 || len(w.Days[6]) != 0 {
		t.Errorf("week = %s (%v h), want 31.5 h Monday-Friday", hoursFmt(w), got)
	}
	d, err := ParseFranceServicesDay(h)
	if err != nil || len(d) != 2 || d[0] != (maillage.Span{Open: 540, Close: 720}) || d[1] != (maillage.Span{Open: 810, Close: 1020}) {
		t.Errorf("h_lundi %q = %v, %v; want 09:00-12:00 and 13:30-17:00", h, d, err)
	}
	if w, err := ParseFranceServicesWeek([6]string{"-", "", "", "-", "", ""}); !errors.Is(err, ErrHoursEmpty) || w.Known {
		t.Errorf("all-empty week: %v, %v; want ErrHoursEmpty", hoursFmt(w), err)
	}
	if w, err := ParseFranceServicesWeek([6]string{h, "07:30:12:30", "", "", "", ""}); !errors.Is(err, ErrHoursSyntax) || w.Known || !strings.Contains(err.Error(), "h_mardi") {
		t.Errorf("bad Tuesday: %v, %v; want ErrHoursSyntax naming h_mardi and unknown week", hoursFmt(w), err)
	}
}

// FuzzParseOpeningHours checks that the parser never panics and that any week
// it returns is well formed: Known, spans sorted, disjoint, within the day.
func FuzzParseOpeningHours(f *testing.F) {
	for _, s := range []string{
		"Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00", "24/7", "Fr 22:00-02:00", "Su 20:00-26:00",
		"Mo-Fr 08:00-12:00, We 14:00-16:00", `Mo 14:00-17:00 "rdv"; PH off`, "Mo 09h-12h30",
		"Mo 12:30", "Jan Mo 10:00-12:00", "Mo-Fr,PH 09:00-12:00", "off", "Su-Tu", "Mo[1]", "||",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseOpeningHours(s)
		if err != nil {
			if w.Known {
				t.Fatalf("%q: Known with error %v", s, err)
			}
			return
		}
		hoursCheckWeek(t, s, w)
	})
}

// FuzzParseFranceServicesDay checks the France Services cell parser the same way.
func FuzzParseFranceServicesDay(f *testing.F) {
	for _, s := range []string{"09:00 - 12:00 / 13:30 - 17:00", "9h-12h", "Fermé", "-", "09:00-12:30-13:30-17:00", "08 :00-12:00", "07:30:12:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spans, err := ParseFranceServicesDay(s)
		if err != nil {
			return
		}
		hoursCheckWeek(t, s, maillage.Week{Known: true, Days: [7][]maillage.Span{spans}})
	})
}

func hoursCheckWeek(t *testing.T, s string, w maillage.Week) {
	t.Helper()
	if !w.Known {
		t.Fatalf("%q: no error but unknown", s)
	}
	for d, spans := range w.Days {
		for i, sp := range spans {
			if sp.Open >= sp.Close || sp.Close > 1440 {
				t.Fatalf("%q: day %d span %v out of range", s, d, sp)
			}
			if i > 0 && sp.Open <= spans[i-1].Close {
				t.Fatalf("%q: day %d spans not sorted/disjoint: %v", s, d, spans)
			}
		}
	}
	if h := w.Hours(); h < 0 || h > 168 {
		t.Fatalf("%q: %v hours", s, h)
	}
}
