package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCommand writes the demo's report for a stored scenario adding a
// place, and its PDF when Chromium is installed (required under
// MAILLAGE_REQUIRE_BROWSER).
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	sc := filepath.Join(dir, "s.json")
	os.WriteFile(sc, []byte(`{"name":"Permanence de Valmoraine","changes":[{"op":"add","name":"Mairie annexe","lat":46.131,"lon":2.025,"hours":[{"day":"Tu","open":"09:00","close":"12:00"},{"day":"Th","open":"14:00","close":"17:00"}],"services":["Aide aux démarches administratives"]}]}`), 0o644)
	run(t, "scenario", "create", "--file", sc, "--db", db)
	out := filepath.Join(dir, "rapport.html")
	args := []string{"report", "--out", out, "--scenario", "1", "--db", db, "--profile", "seniors-20min-walk"}
	pdf := filepath.Join(dir, "rapport.pdf")
	withPDF := findChromium() != "" || os.Getenv("MAILLAGE_REQUIRE_BROWSER") != ""
	if withPDF {
		args = append(args, "--pdf", pdf)
	} else {
		t.Log("chromium not found: the PDF is not checked (set MAILLAGE_REQUIRE_BROWSER=1 to require it)")
	}
	run(t, args...)
	html, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(html)
	for _, want := range []string{"Permanence de Valmoraine", "Nouvelle permanence « Mairie annexe », 6 h par semaine", "65 ans et plus, 20 min à pied", "Par commune", "Valmoraine", "Méthode", "<svg"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if withPDF {
		b, err := os.ReadFile(pdf)
		if err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
			t.Fatalf("PDF: %v, %d bytes", err, len(b))
		}
		if n := bytes.Count(b, []byte("/Type /Page")) - bytes.Count(b, []byte("/Type /Pages")); n < 1 {
			t.Errorf("PDF has %d pages", n)
		}
	}
	if err := Run(t.Context(), []string{"report", "--out", out, "--scenario", "9", "--db", db}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "scenario 9") {
		t.Errorf("unknown scenario: %v", err)
	}
}
