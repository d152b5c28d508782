package labels

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMessagesCatalogue: each entry's French format takes the English one's
// arguments, and each English format of the project's own messages (not
// stdFR's) is still written by some source file — its longest literal piece
// is — so a message reworded in the code does not leave a dead entry
// behind while the new text goes out untranslated.
func TestMessagesCatalogue(t *testing.T) {
	for _, bad := range catalogueCheck() {
		t.Error(bad)
	}
	var src strings.Builder
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "shared" || d.Name() == "testdata" || d.Name() == "static" || d.Name() == "ui") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasPrefix(d.Name(), "messages_fr") {
			return nil
		}
		b, err := os.ReadFile(path)
		src.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	code := src.String()
	for en := range messagesFR {
		if _, ok := stdFR[en]; ok {
			continue
		}
		lits, _ := splitFormat(en)
		longest := ""
		for _, l := range lits {
			if len(l) > len(longest) {
				longest = l
			}
		}
		longest = strings.ReplaceAll(longest, "%", "%%") // as the format writes it
		q := strings.ReplaceAll(longest, `"`, `\"`)
		if !strings.Contains(code, longest) && !strings.Contains(code, q) {
			t.Errorf("no source file writes %q (catalogue entry %q)", longest, en)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct{ en, fr string }{
		{"coverage: unknown profile", "profil inconnu"},
		{`unknown place id "zz" in territory "T"`, `identifiant de lieu "zz" inconnu dans le territoire "T"`},
		// explicit indexes reorder the arguments
		{"scenario: not found: scenario 7", "scénario 7 introuvable"},
		// an argument that is itself a message is translated
		{`invalid value "x" for flag -k: parse error`, `valeur "x" incorrecte pour l'option -k : ce n'est pas un nombre`},
		// a wrapped sentinel is read whole ("pkg: words"), not cut at its
		// first colon; a %q is a quoted string
		{`data: opening hours syntax: bad time at offset 9 in "Mo 09:00-"`, `horaires mal écrits : heure incorrecte à la position 9 dans "Mo 09:00-"`},
		{`data: opening hours syntax: "9: 00" is not a time range in "9: 00"`, `horaires mal écrits : "9: 00" n'est pas une plage horaire dans "9: 00"`},
		// an unknown text stays as it is
		{"nobody wrote this", "nobody wrote this"},
		// in a template a %w matches a placeholder only: "report: scenario
		// %d: %w", not "%w: scenario %d" with "report" as the error
		{"report: scenario 5: " + Placeholder(0), "report : scénario 5 : " + Placeholder(0)},
	}
	for _, tt := range tests {
		if got := FR.Text(tt.en); got != tt.fr {
			t.Errorf("FR.Text(%q) = %q, want %q", tt.en, got, tt.fr)
		}
		if got := EN.Text(tt.en); got != tt.en {
			t.Errorf("EN.Text(%q) = %q", tt.en, got)
		}
	}
	if got := Msg("--res %d: want 7 to 10", 12).In(FR); got != "--res 12 : une résolution de 7 à 10 est attendue" {
		t.Errorf("Msg.In(FR) = %q", got)
	}
}
