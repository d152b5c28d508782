package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files of the text outputs")

// goldenNow is the fixed clock of the golden files.
var goldenNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// golden runs one command on the demo territory (fixed clock) and compares
// its standard output with testdata/golden/NAME.txt (go test -update
// rewrites it).
func golden(t *testing.T, name string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	m := NewMain(&out, &errOut)
	m.Now = func() time.Time { return goldenNow }
	if err := m.Run(context.Background(), args); err != nil {
		t.Fatalf("maillage %s: %v\nstderr: %s", strings.Join(args, " "), err, errOut.String())
	}
	compareGolden(t, name, out.String())
	return out.String()
}

// compareGolden compares got with testdata/golden/NAME.txt (go test -update
// rewrites it).
func compareGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n--- got\n%s\n--- want\n%s", t.Name(), path, got, want)
	}
}

// TestGoldenText: the text outputs for people on the demo territory, in
// French (default) and English, byte for byte: numbers grouped with U+202F
// in French, shares to one decimal, labels from internal/labels.
func TestGoldenText(t *testing.T) {
	cases := []struct {
		name string
		args []string
		// must: facts the golden file must hold whatever it was updated to,
		// so an -update cannot silently bless a regression.
		must []string
	}{
		{"stats.fr", []string{"stats"}, []string{"139\u202f381 personnes", "80 ans et plus 10\u202f330", "(rejetée)", "latitude : coordonnées manquantes : gardé", `valeur de service "Cours de guitare" inconnue`}},
		{"stats.en", []string{"stats", "--lang", "en"}, []string{"139,381 persons", "aged 80 and over 10,330", "(rejected)", "latitude: missing coordinates: kept"}},
		{"coverage.fr", []string{"coverage"}, []string{"65 ans et plus, 20 min à pied  [seniors-20min-walk]", "(97,4\u202f%)",
			"il manque 3\u202f585 personnes", "Horaires inconnus : 1 lieu sur 37 (2,7\u202f%)", "plus de 1\u202f000 m du réseau routier"}},
		{"coverage.en", []string{"coverage", "--lang", "en"}, []string{"Aged 65 and over, 20 min on foot  [seniors-20min-walk]", "(97.4%)",
			"missed by 3,585 people", "Hours unknown: 1 place of 37 (2.7%)"}},
		{"coverage-communes.fr", []string{"coverage", "--profile", "seniors-20min-walk", "--level", "commune"}, []string{"  Commune  ", "Valmoraine (99001)", "non couverts"}},
		{"coverage-departement.fr", []string{"coverage", "--profile", "seniors-20min-walk", "--level", "departement"},
			[]string{"Département fictif — données générées (99)      32\u202f520    11\u202f481  35,3\u202f%"}},
		{"gaps.fr", []string{"gaps", "--format", "text", "--top", "6"}, []string{"Zones blanches — 65 ans et plus, 20 min à pied", "Valmoraine (99001)", "… et ", "temps au plus proche  lieu le plus proche", "min et plus  Espace numérique"}},
		{"gaps.en", []string{"gaps", "--format", "text", "--top", "6", "--lang", "en"}, []string{"Gaps — Aged 65 and over, 20 min on foot", "connected areas"}},
		{"propose.fr", []string{"propose", "--profile", "seniors-20min-walk", "-k", "4", "--format", "text"}, []string{"Proposition : 4 nouveaux sites (couverture maximale)", "Site 1 — Valmoraine, près de", "de l'optimum"}},
		{"propose.en", []string{"propose", "--profile", "seniors-20min-walk", "-k", "4", "--format", "text", "--lang", "en"}, []string{"Proposal: 4 new sites (maximal covering)", "Site 1 — Valmoraine, near"}},
		{"venues.fr", []string{"venues", "--commune", "Valmoraine"}, []string{"9 lieux localisés", "demo-ccas-4", "CCAS de Valmoraine", "inconnues"}},
		{"venues.en", []string{"venues", "--commune", "99001", "--lang", "en"}, []string{"9 places located", "demo-ccas-4", "unknown"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := golden(t, tc.name, tc.args...)
			for _, m := range tc.must {
				if !strings.Contains(out, m) {
					t.Errorf("output lacks %q", m)
				}
			}
		})
	}
}

// TestGoldenScenarioText: scenario apply and diff in text, on the README's
// scenario of all changes, in French and English.
func TestGoldenScenarioText(t *testing.T) {
	ex, _ := readmeExamples(t)
	dir := t.TempDir()
	file, db := filepath.Join(dir, "all.json"), filepath.Join(dir, "s.db")
	if err := os.WriteFile(file, []byte(ex["all"]), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "scenario", "create", "--file", file, "--db", db)
	out := golden(t, "scenario-apply.fr", "scenario", "apply", "1", "--db", db, "--format", "text")
	for _, want := range []string{"Scénario 1 « Réorganisation »", "1 ajouté, 1 supprimé, 2 modifiés", "Saumont (99006)"} {
		if !strings.Contains(out, want) {
			t.Errorf("apply lacks %q", want)
		}
	}
	out = golden(t, "scenario-diff.en", "scenario", "diff", "0", "1", "--db", db, "--format", "text", "--lang", "en")
	if !strings.Contains(out, "Scenario 1 compared with 0") || !strings.Contains(out, "whose coverage changes") {
		t.Errorf("diff:\n%s", out)
	}

	// --level: the same roll-up as coverage --level. At département level
	// the one area's row is the totals' line; at commune level the output
	// is the default one.
	out = golden(t, "scenario-apply-departement.fr", "scenario", "apply", "1", "--db", db, "--format", "text", "--level", "departement")
	for _, want := range []string{"1 zone dont la couverture change :", "Département", "Département fictif — données générées (99)"} {
		if !strings.Contains(out, want) {
			t.Errorf("apply --level departement lacks %q", want)
		}
	}
	total := regexp.MustCompile(`couverts : ([0-9\x{202f}]+) → ([0-9\x{202f}]+) sur`).FindStringSubmatch(out)
	row := regexp.MustCompile(`\(99\)\s+([0-9\x{202f}]+)\s+([0-9\x{202f}]+)\s`).FindStringSubmatch(out)
	if total == nil || row == nil || total[1] != row[1] || total[2] != row[2] {
		t.Errorf("the département's row %q is not the totals %q:\n%s", row, total, out)
	}
	out = golden(t, "scenario-diff-departement.en", "scenario", "diff", "0", "1", "--db", db, "--format", "text", "--level", "departement", "--lang", "en")
	if !strings.Contains(out, "1 area whose coverage changes:") {
		t.Errorf("diff --level departement:\n%s", out)
	}
	commune := string(run(t, "scenario", "apply", "1", "--db", db, "--format", "text", "--level", "commune"))
	if plain, _ := os.ReadFile(filepath.Join("testdata", "golden", "scenario-apply.fr.txt")); commune != string(plain) {
		t.Errorf("--level commune differs from the default output")
	}
	if msg := errorLine(t, dir, "scenario", "apply", "1", "--db", db, "--format", "text", "--level", "epci"); !strings.Contains(msg, "sans la liste des EPCI") {
		t.Errorf("--level epci on the demo: %s", msg)
	}
}
