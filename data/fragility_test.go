package data

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/internal/shareddata"
)

// TestReadFragilityReal reads the real file. Expected figures were counted
// with awk on the file: 35,008 data rows, 2 without index (Marseille 13055
// and Les Trois Lacs 27058), 535 Gironde communes (code 33…), Bordeaux's
// total 3.8379264596601943.
func TestReadFragilityReal(t *testing.T) {
	f, err := os.Open(shareddata.Path(t, "fragility/indice-fragilite-numerique-communes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fr, findings, err := ReadFragility(f, "indice-fragilite-numerique-communes.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(fr) != 35006 || len(findings) != 2 {
		t.Fatalf("%d communes, %d findings, want 35006 and 2: %v", len(fr), len(findings), findings)
	}
	for _, f := range findings {
		if f.Severity != maillage.Warning || (f.ID != "13055" && f.ID != "27058") || f.Line < 2 {
			t.Errorf("finding %v", f)
		}
	}
	if findings[0].ID == "13055" && findings[0].Line != 4349 {
		t.Errorf("Marseille on line %d, want 4349", findings[0].Line)
	}
	b := fr["33063"]
	if b.Name != "Bordeaux" || b.Total != 3.8379264596601943 || b.NoTHD != 3 || b.No4G != 5 {
		t.Errorf("Bordeaux %+v", b)
	}
	n := 0
	for code := range fr {
		if strings.HasPrefix(code, "33") {
			n++
		}
	}
	if n != 535 {
		t.Errorf("%d Gironde communes, want 535", n)
	}
	if tot := fr.Totals(); len(tot) != len(fr) || tot["33063"] != b.Total {
		t.Error("Totals disagrees")
	}
}

func TestReadFragilityBad(t *testing.T) {
	cases := []struct {
		name, in string
		err      bool
		kept     int
		fields   []string
	}{
		{"no-total-column", "name,code\nA,01001\n", true, 0, nil},
		{"reordered-any-case", "TOTAL,Code,Name\n5,01001,A\n2.5,2A004,Ajaccio\n", false, 2, nil},
		{"bad-values", "name,code,poverty_rate,total\nA,01001,x,5\nB,1001,1,5\nC,01002,1,11\nD,01003,1,-1\nE,01004,,4\nE,01004,1,4\n", false, 1,
			[]string{"poverty_rate", "code", "total", "total", "code"}},
		{"bad-quote", "name,code,total\n\"A,01001,5\n", true, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fr, findings, err := ReadFragility(strings.NewReader(c.in), "f.csv")
			if (err != nil) != c.err || err != nil && !errors.Is(err, ErrFragility) {
				t.Fatalf("err %v", err)
			}
			if len(fr) != c.kept || len(findings) != len(c.fields) {
				t.Fatalf("kept %d findings %v", len(fr), findings)
			}
			for i, f := range findings {
				if f.Field != c.fields[i] || f.File != "f.csv" || f.Line != i+2 && c.name != "bad-values" {
					t.Errorf("finding %d: %v, want field %s", i, f, c.fields[i])
				}
			}
		})
	}
}

func FuzzReadFragility(f *testing.F) {
	f.Add("name,division,code,no_thd_coverage_rate,no_4g_coverage_rate,poverty_rate,older_65_rate,nscol15p_rate,total\nBordeaux,city,33063,3.0,5.0,6.5,3.0,1.5,3.8\nMarseille,city,13055,,,,,,\n")
	f.Add("code,total\n2A004,1e1\n2B001,NaN\n")
	f.Fuzz(func(t *testing.T, in string) {
		fr, findings, err := ReadFragility(strings.NewReader(in), "fuzz.csv")
		if err != nil && !errors.Is(err, ErrFragility) {
			t.Fatalf("error %v does not wrap ErrFragility", err)
		}
		for code, v := range fr {
			if len(code) != 5 || v.Total < 0 || v.Total > 10 || v.Code != code {
				t.Fatalf("accepted %q %+v", code, v)
			}
		}
		for _, f := range findings {
			if f.Field == "" || f.Reason == "" {
				t.Fatalf("empty finding %+v", f)
			}
		}
	})
}
