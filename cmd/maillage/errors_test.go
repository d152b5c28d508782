package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maillage/maillage/internal/labels"
)

// errorLine runs a command line that must fail and returns the message main
// prints for it (ErrorText), with dir written $DIR.
func errorLine(t *testing.T, dir string, args ...string) string {
	t.Helper()
	m := NewMain(io.Discard, io.Discard)
	err := m.Run(context.Background(), args)
	if err == nil {
		t.Fatalf("maillage %s: no error", strings.Join(args, " "))
	}
	return strings.ReplaceAll(m.ErrorText(err), dir, "$DIR")
}

// TestErrorsInFrench: the errors a person sees on bad input are in French
// by default and in English with --lang en, and still say which file, row,
// field or value and why. The messages of both languages are in
// testdata/golden/errors.txt (go test -update rewrites it); each case also
// names words its French and English messages must hold, so an -update
// cannot bless an untranslated message.
func TestErrorsInFrench(t *testing.T) {
	dir := t.TempDir()
	write := fileWriter(t, dir)
	notTerritory := write("grille.csv", "IdINSPIRE,Ind\n")
	unknownField := write("type.json", `{"name":"x","changes":[{"type":"add","lat":46.5,"lon":2.5}]}`)
	badChanges := write("bad.json", `{"name":"x","changes":[{"op":"open"},{"op":"add","name":"A","lat":95,"lon":2.5,"services":["Aide aux démarches administratives"]}]}`)
	badVenue := write("venue.json", `{"name":"x","changes":[{"op":"remove","venue_id":"zz"}]}`)
	badHours := write("horaires.json", `{"name":"x","changes":[{"op":"hours","venue_id":"demo-ccas-4","opening_hours":"Mo 09:00-"}]}`)
	badType := write("lat.json", `{"name":"x","changes":[{"op":"add","lat":"north"}]}`)
	cands := write("sites.csv", "name,lat,lon\nMairie,91,2\n")
	profiles := write("profils.yaml", "profiles:\n  - name: p\n    population: all\n    mode: plane\n    max_minutes: 20\n")
	db := filepath.Join(dir, "s.db")

	cases := []struct {
		name   string
		args   []string
		fr, en []string // words each message must hold
	}{
		{"unknown flag", []string{"stats", "--bogus"}, []string{"option inconnue : -bogus", "(usage ci-dessus)"}, []string{"flag provided but not defined: -bogus", "(usage above)"}},
		{"bad number", []string{"propose", "--profile", "seniors-20min-walk", "-k", "dix"}, []string{`valeur "dix" incorrecte pour l'option -k`, "ce n'est pas un nombre"}, []string{`invalid value "dix" for flag -k`}},
		{"bad --lang", []string{"coverage", "--lang", "de"}, []string{"langue inconnue : fr ou en attendu"}, nil},
		{"missing flag", []string{"propose"}, []string{"--profile est obligatoire"}, []string{"--profile is required"}},
		{"bad format", []string{"gaps", "--format", "pdf"}, []string{`--format "pdf" : geojson, csv ou text attendu`}, []string{`--format "pdf": want geojson, csv or text`}},
		{"unknown command", []string{"frobnicate"}, []string{`commande inconnue "frobnicate"`, "commandes : serve"}, []string{`unknown command "frobnicate"`}},
		{"missing file", []string{"stats", "--territory", filepath.Join(dir, "absent.territory")}, []string{"ouverture de $DIR/absent.territory impossible : fichier ou dossier introuvable"}, []string{"open $DIR/absent.territory: no such file or directory"}},
		{"not a territory", []string{"stats", "--territory", notTerritory}, []string{"$DIR/grille.csv : ce n'est pas un fichier de territoire maillage"}, []string{"not a maillage territory file"}},
		{"unknown profile", []string{"coverage", "--profile", "aucun"}, []string{`profil inconnu "aucun" (profils connus : [`}, []string{`unknown profile "aucun" (known: [`}},
		{"profile field", []string{"coverage", "--profiles", profiles}, []string{`profil "p", champ "mode" : mode "plane" inconnu (walk, senior, bike ou car)`}, []string{`profile "p": field "mode": unknown mode "plane"`}},
		{"scenario unknown field", []string{"scenario", "create", "--file", unknownField, "--db", db}, []string{"scénario invalide : type : champ inconnu ; un scénario a name", "le genre de changement est « op »"}, []string{"scenario: invalid: type: unknown field; a scenario has name"}},
		{"scenario bad type", []string{"scenario", "create", "--file", badType, "--db", db}, []string{"changes.lat : une valeur JSON string ne peut pas être un float64"}, []string{"changes.lat: a JSON string cannot be a float64"}},
		{"scenario problems", []string{"scenario", "create", "--file", badChanges, "--db", db}, []string{`changes[0].op : opération "open" inconnue (add, remove, hours, services ou move attendu) ; changes[1].lat : 95 n'est pas une latitude`},
			[]string{`changes[0].op: unknown op "open" (want add, remove, hours, services or move); changes[1].lat: 95 is not a latitude`}},
		{"scenario unknown venue", []string{"scenario", "create", "--file", badVenue, "--db", db}, []string{`changes[0].venue_id : identifiant de lieu "zz" inconnu dans le territoire`}, []string{`changes[0].venue_id: unknown place id "zz"`}},
		{"scenario opening hours", []string{"scenario", "create", "--file", badHours, "--db", db}, []string{`changes[0].opening_hours : horaires mal écrits : heure incorrecte à la position 9 dans "Mo 09:00-"`},
			[]string{`changes[0].opening_hours: data: opening hours syntax: bad hour at offset 9 in "Mo 09:00-"`}},
		{"candidate row", []string{"propose", "--profile", "seniors-20min-walk", "--candidates", cands}, []string{`liste de sites candidats $DIR/sites.csv, ligne 2, champ lat : "91" n'est pas un nombre dans [-90, 90]`}, []string{`$DIR/sites.csv:2: lat: "91" is not a number in [-90, 90]`}},
		{"no candidate", []string{"propose", "--profile", "seniors-20min-walk", "--no-cells", "--no-communes"}, []string{"propose : --no-cells et --no-communes ne laissent aucun site candidat : ajoutez --venues ou --candidates FICHIER (usage ci-dessus)"},
			[]string{"propose: --no-cells and --no-communes leave no candidate site"}},
		{"request limit", []string{"propose", "--profile", "seniors-20min-walk", "-k", "0"}, []string{"propose : k : 0 n'est pas dans 1..500"}, []string{"propose: k: 0 is not in 1..500"}},
		{"unknown commune", []string{"venues", "--commune", "Valmo"}, []string{`commune inconnue "Valmo" dans le territoire`, "vouliez-vous dire Valmoraine (99001)"}, []string{`unknown commune "Valmo"`, "did you mean Valmoraine (99001)"}},
		{"unknown scenario", []string{"scenario", "show", "99", "--db", filepath.Join(dir, "other.db")}, []string{"scénario 99 introuvable"}, []string{"scenario: not found: scenario 99"}},
		{"no EPCI level", []string{"coverage", "--level", "epci"}, []string{"niveau de regroupement indisponible : le territoire", "sans la liste des EPCI"}, []string{"roll-up level unavailable", "without the EPCI list"}},
		{"grid row", []string{"ingest", "--grid", write("grille-sans-id.csv", "Ind,Men\n1,2\n"), "--out", filepath.Join(dir, "t")},
			[]string{"fichier de grille $DIR/grille-sans-id.csv, ligne 1, champ IdINSPIRE : colonne d'identifiant de carreau manquante"}, []string{"$DIR/grille-sans-id.csv:1: field IdINSPIRE: missing square id column"}},
		{"ingest flags", []string{"ingest", "--grid", notTerritory, "--out", filepath.Join(dir, "t"), "--res", "12"}, []string{"--res 12 : une résolution de 7 à 10 est attendue"}, []string{"--res 12: want 7 to 10"}},
	}
	var golden strings.Builder
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fr := errorLine(t, dir, tc.args...)
			en := errorLine(t, dir, append(tc.args, "--lang", "en")...)
			if tc.name == "bad --lang" {
				en = "(--lang de: French)"
			}
			fmt.Fprintf(&golden, "maillage %s\n  fr: %s\n  en: %s\n", strings.ReplaceAll(strings.Join(tc.args, " "), dir, "$DIR"), fr, en)
			if !strings.HasPrefix(fr, "maillage : ") || tc.en != nil && !strings.HasPrefix(en, "maillage: ") {
				t.Errorf("prefixes: %q, %q", fr, en)
			}
			for _, w := range tc.fr {
				if !strings.Contains(fr, w) {
					t.Errorf("French message lacks %q:\n%s", w, fr)
				}
			}
			for _, w := range tc.en {
				if !strings.Contains(en, w) {
					t.Errorf("English message lacks %q:\n%s", w, en)
				}
			}
			// Nothing of the English catalogue's words is left in French.
			for _, w := range []string{" want ", "unknown", "missing", "scenario: invalid", "invalid value", "is not", "required", "usage above"} {
				if strings.Contains(fr, w) {
					t.Errorf("French message holds English %q:\n%s", w, fr)
				}
			}
		})
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused scenario created the database %s", db)
	}
	compareGolden(t, "errors", golden.String())
}

// TestErrorTextWraps: the rendering keeps the context a command adds around
// a core error (a file name) and renders the wrapped error in French.
func TestErrorTextWraps(t *testing.T) {
	inner := fmt.Errorf("%w %q (known: %v)", errors.New("coverage: unknown profile"), "x", []string{"a"})
	err := fmt.Errorf("%s: %w", "profils.json", inner)
	if got, want := errorText(err, labels.FR), `profils.json : profil inconnu "x" (profils connus : [a])`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := errorText(err, labels.EN); got != err.Error() {
		t.Errorf("English %q, want the error's own text %q", got, err.Error())
	}
	// A text the catalogue does not know stays as it is.
	odd := errors.New("something nobody wrote down")
	if got := errorText(odd, labels.FR); got != odd.Error() {
		t.Errorf("unknown text became %q", got)
	}
}

// TestUsageInFrench: the usage a command prints (under a French error, or
// for -h) has every flag's help in French, and in English with --lang en.
func TestUsageInFrench(t *testing.T) {
	for _, cmd := range [][]string{{"serve"}, {"stats"}, {"ingest"}, {"route"}, {"coverage"}, {"gaps"}, {"access"}, {"propose"},
		{"venues"}, {"export"}, {"health"}, {"backup"}, {"report"}, {"scenario", "apply"}} {
		t.Run(strings.Join(cmd, " "), func(t *testing.T) {
			var fr, en strings.Builder
			m := NewMain(io.Discard, &fr)
			m.LookupEnv = nil
			if err := m.Run(context.Background(), append(cmd, "-h")); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(fr.String(), "usage : maillage "+strings.Join(cmd, " ")) {
				t.Errorf("French usage begins %.60q", fr.String())
			}
			m.fs.VisitAll(func(f *flag.Flag) {
				help, _, _ := strings.Cut(f.Usage, " [$")
				if labels.FR.Text(help) == help {
					t.Errorf("-%s: no French for %q", f.Name, help)
				} else if !strings.Contains(fr.String(), strings.SplitN(labels.FR.Text(help), "`", 2)[0]) {
					t.Errorf("-%s: the usage does not show its French help", f.Name)
				}
			})
			if err := NewMain(io.Discard, &en).Run(context.Background(), append(cmd, "-h", "--lang", "en")); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(en.String(), "usage: maillage "+strings.Join(cmd, " ")) || strings.Contains(en.String(), "par défaut") {
				t.Errorf("English usage %.200q", en.String())
			}
		})
	}
}
