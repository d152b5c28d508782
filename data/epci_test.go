package data

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/internal/shareddata"
)

const (
	epciFile        = "boundaries/epci-france-2026.json"
	communeListFile = "boundaries/communes-france-2026.json"
)

// TestReadEPCIListReal reads the national EPCI list: Bordeaux Métropole has
// its 28 member communes, Bordeaux (33063) among them.
func TestReadEPCIListReal(t *testing.T) {
	l, err := ReadEPCIList(shareddata.Path(t, epciFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.EPCIs) != 1255 {
		t.Errorf("%d EPCIs, want the file's 1,255", len(l.EPCIs))
	}
	k, ok := l.Of["33063"]
	if !ok || l.EPCIs[k].Code != "243300316" || l.EPCIs[k].Name != "Bordeaux Métropole" || l.EPCIs[k].Type != "METRO" {
		t.Fatalf("Bordeaux in %+v", l.EPCIs[k])
	}
	members := 0
	for _, j := range l.Of {
		if j == k {
			members++
		}
	}
	if members != 28 {
		t.Errorf("Bordeaux Métropole has %d members, want 28", members)
	}
}

// TestCommuneListMapsMergedCommunes: a commune merged into another keeps
// its former code in anciensCodes, which the list maps to the current one
// (Arbignieu, 01340, is part of Arboys en Bugey, 01015, since 2016); a
// Paris arrondissement maps to Paris; a current code to itself.
func TestCommuneListMapsMergedCommunes(t *testing.T) {
	l, err := ReadCommuneList(shareddata.Path(t, communeListFile))
	if err != nil {
		t.Fatal(err)
	}
	for old, want := range map[string]string{"01340": "01015", "75101": "75056", "33063": "33063"} {
		if got, ok := l.Map(old); !ok || got != want {
			t.Errorf("Map(%s) = %q, %v; want %s", old, got, ok, want)
		}
	}
	if l.Name["01015"] != "Arboys en Bugey" {
		t.Errorf("01015 is %q", l.Name["01015"])
	}
	if _, ok := l.Map("99999"); ok {
		t.Error("99999 mapped")
	}
	if len(l.Name) != 34969 {
		t.Errorf("%d current communes, want 34,969", len(l.Name))
	}
}

// fakeGrid is a Cells reader giving one cell per commune code, of pop
// persons each.
func fakeGrid(codes []string, pop float64) Readers {
	return Readers{
		Cells: func(context.Context, []string, int, Counter) ([]maillage.Cell, []maillage.Part, []maillage.Commune, []maillage.Finding, error) {
			var cells []maillage.Cell
			var communes []maillage.Commune
			for i, c := range codes {
				var p maillage.Pop
				p[maillage.Ind] = pop
				h, err := h3.LatLngToCell(h3.NewLatLng(46+0.01*float64(i), 5.5), 9)
				if err != nil {
					return nil, nil, nil, nil, err
				}
				cells = append(cells, maillage.Cell{H3: h, Pop: p, Commune: int32(i), Center: orb.Point{5.5, 46 + 0.01*float64(i)}})
				communes = append(communes, maillage.Commune{Code: c, Name: "grid " + c})
			}
			sort.Slice(cells, func(i, j int) bool { return cells[i].H3 < cells[j].H3 })
			return cells, nil, communes, nil, nil
		},
		Venues: func(string) ([]maillage.Venue, []maillage.Finding, error) { return nil, nil, nil },
	}
}

// TestBuildCommuneLists: through Build, a grid's former code becomes the
// current commune (two former communes of one merger become one commune
// with both populations), communes take their EPCI, a code no list knows is
// kept and reported.
func TestBuildCommuneLists(t *testing.T) {
	dir := t.TempDir()
	clist := filepath.Join(dir, "communes.json")
	os.WriteFile(clist, []byte(`[{"code":"01015","nom":"Arboys en Bugey","type":"commune-actuelle","anciensCodes":["01340"]},
		{"code":"01015","nom":"Arbignieu","type":"commune-deleguee","chefLieu":"01015"},
		{"code":"01016","nom":"Arbigny","type":"commune-actuelle"}]`), 0o644)
	elist := filepath.Join(dir, "epci.json")
	os.WriteFile(elist, []byte(`[{"code":"200040350","nom":"CC Bugey Sud","type":"CC","membres":[{"code":"01015"},{"code":"01016"}]}]`), 0o644)
	in := Inputs{Grids: []string{"g.csv"}, CommuneList: clist, EPCI: elist}
	tr, rep, err := Build(context.Background(), in, BuildOptions{Name: "t", Res: 9, Readers: fakeGrid([]string{"01340", "01015", "01016", "98765"}, 10)})
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]maillage.Commune{}
	for _, c := range tr.Communes {
		byCode[c.Code] = c
	}
	if len(tr.Communes) != 3 || byCode["01015"].Name != "Arboys en Bugey" || byCode["01015"].EPCI != "200040350" || byCode["01016"].EPCI != "200040350" {
		t.Fatalf("communes %+v", tr.Communes)
	}
	if _, ok := byCode["01340"]; ok {
		t.Error("the former code 01340 is still a commune")
	}
	var merged float64
	for _, c := range tr.Cells {
		if tr.Communes[c.Commune].Code == "01015" {
			merged += c.Pop[maillage.Ind]
		}
	}
	if merged != 20 {
		t.Errorf("Arboys en Bugey holds %g persons, want 20 (its own and its former commune's)", merged)
	}
	if len(tr.EPCIs) != 1 || tr.EPCIs[0].Name != "CC Bugey Sud" {
		t.Errorf("EPCIs %+v", tr.EPCIs)
	}
	if strings.Join(tr.UnmappedCodes, ",") != "98765" || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Reason, "98765") {
		t.Errorf("unmapped %v, warnings %+v", tr.UnmappedCodes, rep.Warnings)
	}
	// The territory file keeps it all.
	path := filepath.Join(dir, "t.territory")
	if err := WriteTerritoryFile(path, tr, TerritoryFileOptions{}); err != nil {
		t.Fatal(err)
	}
	back, err := ReadTerritoryFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.EPCIs) != 1 || back.Communes[0].EPCI != tr.Communes[0].EPCI || strings.Join(back.UnmappedCodes, ",") != "98765" {
		t.Errorf("read back: EPCIs %+v, communes %+v, unmapped %v", back.EPCIs, back.Communes, back.UnmappedCodes)
	}
}

// TestBuildListErrors: bad lists fail the build with a message naming the
// file and the fault, before the grid is read.
func TestBuildListErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	clist := write("communes.json", `[{"code":"01015","nom":"Arboys en Bugey","type":"commune-actuelle"},{"code":"01016","nom":"Arbigny","type":"commune-actuelle"}]`)
	good := write("epci.json", `[{"code":"200040350","nom":"CC Bugey Sud","type":"CC","membres":[{"code":"01015"}]}]`)
	tests := []struct {
		name string
		in   Inputs
		want []string
	}{
		{"EPCI file is an object", Inputs{CommuneList: clist, EPCI: write("obj.json", `{"epcis":[]}`)}, []string{"obj.json", "not the expected JSON", "not a JSON array"}},
		{"EPCI file of wrong records", Inputs{CommuneList: clist, EPCI: write("wrong.json", `[{"code":1}]`)}, []string{"wrong.json", "not the expected JSON"}},
		{"EPCI file is a GeoJSON", Inputs{CommuneList: clist, EPCI: write("geo.json", `{"type":"FeatureCollection","features":[]}`)}, []string{"geo.json", "not the expected JSON"}},
		{"EPCI without members", Inputs{CommuneList: clist, EPCI: write("nomembers.json", `[{"code":"1","nom":"X","type":"CC"}]`)}, []string{"nomembers.json", `record 1 ("X")`, "members"}},
		{"commune in no EPCI", Inputs{CommuneList: clist, EPCI: good}, []string{"epci.json", "1 commune(s) of the grid in no EPCI: 01016 Arbigny"}},
		{"EPCI without the commune list", Inputs{EPCI: good}, []string{"needs the commune list"}},
		{"commune list not an array", Inputs{CommuneList: write("c.json", `"x"`)}, []string{"c.json", "not the expected JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Grids = []string{"g.csv"}
			_, _, err := Build(context.Background(), tt.in, BuildOptions{Name: "t", Res: 9, Readers: fakeGrid([]string{"01015", "01016"}, 10)})
			if !errors.Is(err, ErrBadEPCI) {
				t.Fatalf("err = %v, want ErrBadEPCI", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
