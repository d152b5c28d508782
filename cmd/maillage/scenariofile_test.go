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
// there (the same figures as with it, the file said on stderr); once F is
// gone, a clear error asks for --territory.
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

	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	err = Run(context.Background(), []string{"scenario", "apply", "1", "--db", db}, &out, &errOut)
	if msg := errorText(err, labels.FR); err == nil || !strings.Contains(msg, file) || !strings.Contains(msg, "introuvable") || !strings.Contains(msg, "--territory") {
		t.Errorf("apply after the file was removed: %v; want an error naming %s and asking for --territory", err, file)
	}
}
