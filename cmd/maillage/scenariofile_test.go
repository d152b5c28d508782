package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/data/demo"
	"github.com/maillage/maillage/internal/labels"
)

// TestScenarioRemembersTerritory: a scenario created with --territory F is
// applied, exported and compared without --territory from F while F is
// there (the same figures as with it, the file said on stderr); once F has
// changed or is gone, a clear error asks for --territory.
func TestScenarioRemembersTerritory(t *testing.T) {
	dir := t.TempDir()
	terr, _, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	terr.Name = "fichier-test"
	file, db := filepath.Join(dir, "t.territory"), filepath.Join(dir, "s.db")
	if err := data.WriteTerritoryFile(file, terr, data.TerritoryFileOptions{}); err != nil {
		t.Fatal(err)
	}
	sc := filepath.Join(dir, "s.json")
	body := fmt.Sprintf(`{"name":"Fermeture","changes":[{"op":"remove","venue_id":%q}]}`, terr.Venues[0].ID)
	if err := os.WriteFile(sc, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "scenario", "create", "--file", sc, "--territory", file, "--db", db)

	with := run(t, "scenario", "apply", "1", "--territory", file, "--db", db)
	var out, errOut bytes.Buffer
	if err := Run(context.Background(), []string{"scenario", "apply", "1", "--db", db}, &out, &errOut); err != nil {
		t.Fatalf("apply without --territory: %v\n%s", err, errOut.String())
	}
	if !bytes.Equal(out.Bytes(), with) {
		t.Errorf("apply without --territory differs from with it:\n%.300s\nwant\n%.300s", out.Bytes(), with)
	}
	if !strings.Contains(errOut.String(), "territoire lu dans "+file) {
		t.Errorf("stderr does not name the file used: %s", errOut.String())
	}
	if !bytes.Equal(run(t, "scenario", "export", "1", "--db", db), run(t, "scenario", "export", "1", "--territory", file, "--db", db)) {
		t.Error("export without --territory differs from with it")
	}
	run(t, "scenario", "diff", "0", "1", "--db", db) // the base is the scenario's file, not the demo

	// scenario list shows the file each scenario remembers.
	if list := string(run(t, "scenario", "list", "--db", db)); !strings.Contains(list, "FICHIER DU TERRITOIRE") || !strings.Contains(list, file) {
		t.Errorf("scenario list does not show the territory file %s:\n%s", file, list)
	}

	// The file changed since (one place less): its digest differs from the
	// scenario's, so apply refuses to guess and asks for --territory, in
	// French and English, naming the file; with --territory it applies
	// (with a warning that the scenario was made on another version).
	changed := *terr
	changed.Venues = terr.Venues[:len(terr.Venues)-1]
	if err := data.WriteTerritoryFile(file, &changed, data.TerritoryFileOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []labels.Lang{labels.FR, labels.EN} {
		err := Run(context.Background(), []string{"scenario", "apply", "1", "--db", db, "--lang", string(lang)}, &out, &errOut)
		msg := errorText(err, lang)
		want := lang.Pick("a changé depuis la création du scénario", "changed since the scenario was made")
		if err == nil || !strings.Contains(msg, file) || !strings.Contains(msg, want) || !strings.Contains(msg, "--territory") {
			t.Errorf("apply after the file changed (%s): %v; want an error naming %s, saying %q and asking for --territory", lang, msg, file, want)
		}
	}
	errOut.Reset()
	if err := Run(context.Background(), []string{"scenario", "apply", "1", "--db", db, "--territory", file}, &out, &errOut); err != nil {
		t.Errorf("apply --territory on the changed file: %v", err)
	} else if !strings.Contains(errOut.String(), "autre version du territoire") {
		t.Errorf("apply --territory on the changed file: no warning of another version: %s", errOut.String())
	}

	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	err = Run(context.Background(), []string{"scenario", "apply", "1", "--db", db}, &out, &errOut)
	if msg := errorText(err, labels.FR); err == nil || !strings.Contains(msg, file) || !strings.Contains(msg, "introuvable") || !strings.Contains(msg, "--territory") {
		t.Errorf("apply after the file was removed: %v; want an error naming %s and asking for --territory", err, file)
	}
}
