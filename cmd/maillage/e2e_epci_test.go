package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/internal/bordeauxtest"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/shareddata"
)

// areasJSON is the shape of `coverage --level L --json`.
type areasJSON struct {
	Profiles []struct {
		Name       string  `json:"name"`
		Population float64 `json:"population"`
		Level      string  `json:"level"`
		Areas      []struct {
			Code       string  `json:"code"`
			Name       string  `json:"name"`
			Population float64 `json:"population"`
			Covered    float64 `json:"covered"`
		} `json:"areas"`
	} `json:"profiles"`
}

// TestE2EBordeauxEPCI ingests the real Bordeaux Métropole grid with the
// official commune and EPCI lists, then rolls coverage up: Bordeaux
// Métropole's population is the sum of its 28 member communes' squares
// (read independently: bordeauxtest's CSV reader, the EPCI file's members by
// encoding/json), the grid's other communes are in their own EPCIs, and the
// département total is the territory's.
func TestE2EBordeauxEPCI(t *testing.T) {
	grid := shareddata.Path(t, bordeauxtest.Grid200m)
	communes := shareddata.Path(t, bordeauxtest.Communes)
	epci := shareddata.Path(t, "boundaries/epci-france-2026.json")
	clist := shareddata.Path(t, "boundaries/communes-france-2026.json")
	terr := filepath.Join(t.TempDir(), "bm.territory")
	run(t, "ingest", "--grid", grid, "--communes", communes, "--commune-list", clist, "--epci", epci, "--out", terr)

	// Independent figures: squares by Depcom, EPCI members from the file.
	byCommune := map[string]float64{}
	var total float64
	for _, sq := range bordeauxtest.ReadSquares(t) {
		byCommune[sq.Commune] += sq.Pop[maillage.Ind]
		total += sq.Pop[maillage.Ind]
	}
	raw, err := os.ReadFile(epci)
	if err != nil {
		t.Fatal(err)
	}
	var list []struct {
		Code, Nom string
		Membres   []struct{ Code string }
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	wantByEPCI := map[string]float64{}
	names := map[string]string{}
	bmMembers := 0
	for _, e := range list {
		for _, m := range e.Membres {
			if pop, ok := byCommune[m.Code]; ok {
				wantByEPCI[e.Code] += pop
				names[e.Code] = e.Nom
			}
			if e.Code == "243300316" {
				bmMembers++
			}
		}
	}
	if bmMembers != 28 {
		t.Fatalf("Bordeaux Métropole lists %d members, want 28", bmMembers)
	}

	const profile = "france-services-30min-car" // counts everyone (Ind)
	ep := decode[areasJSON](t, run(t, "coverage", "--territory", terr, "--profile", profile, "--level", "epci", "--json"))
	if len(ep.Profiles) != 1 || ep.Profiles[0].Level != "epci" {
		t.Fatalf("%+v", ep)
	}
	got := map[string]float64{}
	for _, a := range ep.Profiles[0].Areas {
		got[a.Code] = a.Population
		if a.Name != names[a.Code] {
			t.Errorf("EPCI %s named %q, want %q", a.Code, a.Name, names[a.Code])
		}
		if a.Covered > a.Population*(1+1e-12) {
			t.Errorf("EPCI %s: covered %.3f > population %.3f", a.Code, a.Covered, a.Population)
		}
	}
	if len(got) != len(wantByEPCI) || len(got) < 2 {
		t.Errorf("%d EPCIs %v, want %d %v (Bordeaux Métropole and the grid's edge communes' own)", len(got), got, len(wantByEPCI), wantByEPCI)
	}
	for code, want := range wantByEPCI {
		if !near(got[code], want, 1e-9) {
			t.Errorf("EPCI %s (%s): %.6f persons, squares sum to %.6f", code, names[code], got[code], want)
		}
	}
	t.Logf("Bordeaux Métropole %.1f persons (of %.1f on the grid); %d EPCIs: %v", got["243300316"], total, len(got), got)

	dep := decode[areasJSON](t, run(t, "coverage", "--territory", terr, "--profile", profile, "--level", "departement", "--json"))
	if a := dep.Profiles[0].Areas; len(a) != 1 || a[0].Code != "33" || a[0].Name != "Gironde" || !near(a[0].Population, dep.Profiles[0].Population, 1e-12) || !near(a[0].Population, total, 1e-9) {
		t.Errorf("départements %+v, want Gironde with the territory's %.3f persons", a, total)
	}

	// The text says it for people, in French.
	text := string(run(t, "coverage", "--territory", terr, "--profile", profile, "--level", "epci"))
	if !strings.Contains(text, "Bordeaux Métropole (243300316)") || !strings.Contains(text, "Intercommunalité (EPCI)") {
		t.Errorf("text roll-up:\n%s", text)
	}

	// A scenario's effect rolls up the same way: opening a France Services
	// at Bordeaux's town hall, the EPCIs' rows are the coverage roll-up's
	// areas and add up to the totals, before and after.
	dir := t.TempDir()
	sc, db := filepath.Join(dir, "s.json"), filepath.Join(dir, "s.db")
	body := `{"name":"Ouverture","changes":[{"op":"add","name":"France Services Bordeaux","lat":44.8378,"lon":-0.5792,` +
		`"opening_hours":"Mo-Fr 09:00-17:00","services":["Aide aux démarches administratives"],"programmes":["France Services"]}]}`
	if err := os.WriteFile(sc, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "scenario", "create", "--file", sc, "--territory", terr, "--db", db)
	type row struct{ Population, Covered float64 }
	type evaluation struct {
		Delta struct {
			Total    struct{ A, B row }
			Communes []struct {
				Code string
				A, B row
			}
		}
	}
	ev := decode[evaluation](t, run(t, "scenario", "apply", "1", "--db", db, "--profile", profile, "--level", "epci"))
	var popA, covA, covB float64
	for _, a := range ev.Delta.Communes {
		if !near(a.A.Population, wantByEPCI[a.Code], 1e-9) {
			t.Errorf("scenario roll-up: EPCI %s %.3f persons, want %.3f", a.Code, a.A.Population, wantByEPCI[a.Code])
		}
		popA, covA, covB = popA+a.A.Population, covA+a.A.Covered, covB+a.B.Covered
	}
	if tot := ev.Delta.Total; len(ev.Delta.Communes) != len(wantByEPCI) || !near(popA, tot.A.Population, 1e-9) || !near(covA, tot.A.Covered, 1e-9) || !near(covB, tot.B.Covered, 1e-9) {
		t.Errorf("scenario roll-up: %d EPCIs summing to %.3f persons, %.3f → %.3f covered; totals %+v", len(ev.Delta.Communes), popA, covA, covB, tot)
	}
	if !(covB > covA) {
		t.Errorf("opening a France Services covers nobody more: %.3f → %.3f", covA, covB)
	}
	text = string(run(t, "scenario", "apply", "1", "--db", db, "--profile", profile, "--level", "epci", "--format", "text"))
	t.Logf("scenario apply --level epci:\n%s", text)
	if !strings.Contains(text, "Intercommunalité (EPCI)") {
		t.Errorf("scenario apply --level epci text:\n%s", text)
	}
}

// TestIngestListErrors: an EPCI file that is not the expected JSON, or a
// grid commune in no EPCI, stops ingest with a clear message and writes
// nothing.
func TestIngestListErrors(t *testing.T) {
	grid := shareddata.Path(t, bordeauxtest.Grid200m)
	clist := shareddata.Path(t, "boundaries/communes-france-2026.json")
	dir := t.TempDir()
	geo := filepath.Join(dir, "epci.geojson")
	os.WriteFile(geo, []byte(`{"type":"FeatureCollection","features":[]}`), 0o644)
	partial := filepath.Join(dir, "epci-partial.json")
	os.WriteFile(partial, []byte(`[{"code":"243300316","nom":"Bordeaux Métropole","type":"METRO","membres":[{"code":"33063"}]}]`), 0o644)
	for _, tt := range []struct {
		name, epci string
		want, fr   []string
	}{
		{"not the expected JSON", geo, []string{"epci.geojson", "not the expected JSON"}, []string{"liste des EPCI epci.geojson : ce n'est pas le JSON attendu"}},
		{"commune in no EPCI", partial, []string{"epci-partial.json", "commune(s) of the grid in no EPCI", "33003"}, []string{"commune(s) de la grille dans aucun EPCI : 33003"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, "t.territory")
			var stderr bytes.Buffer
			err := Run(context.Background(), []string{"ingest", "--grid", grid, "--commune-list", clist, "--epci", tt.epci, "--out", out}, &bytes.Buffer{}, &stderr)
			if !errors.Is(err, data.ErrBadEPCI) {
				t.Fatalf("err = %v, want data.ErrBadEPCI", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			for _, w := range tt.fr {
				if msg := errorText(err, labels.FR); !strings.Contains(msg, w) {
					t.Errorf("French message %q lacks %q", msg, w)
				}
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s written (stat: %v)", out, err)
			}
		})
	}
}
