package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/coverage/scenario/sqlite"
)

// TestBackupCommand: maillage backup copies a scenario database (here one
// the store keeps open, as a running serve does), refuses an existing
// --out, and refuses a file that is not a scenario database, as serve does,
// leaving it untouched.
func TestBackupCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "scenarios.db")
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, name := range []string{"mardi", "jeudi"} {
		if err := st.Create(ctx, &scenario.Scenario{Name: name, Base: "demo"}); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "copy.db")
	var stdout bytes.Buffer
	if err := Run(ctx, []string{"backup", "--db", path, "--out", out}, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "(2 scénarios, integrity_check ok)") {
		t.Errorf("stdout %q", stdout.String())
	}
	cp, err := sqlite.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	list, n, err := cp.List(ctx, scenario.Filter{})
	cp.Close()
	if err != nil || n != 2 || list[0].Name != "mardi" || list[1].Name != "jeudi" {
		t.Fatalf("the copy lists %v (%d), %v", list, n, err)
	}
	if err := Run(ctx, []string{"backup", "--db", path, "--out", out}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("backup over an existing copy: %v", err)
	}
	if err := Run(ctx, []string{"backup", "--db", path}, io.Discard, io.Discard); !errors.Is(err, ErrUsage) {
		t.Errorf("backup without --out: %v, want a usage error", err)
	}

	notes := filepath.Join(dir, "notes.csv")
	os.WriteFile(notes, []byte("a,b\n1,2\n"), 0o644)
	for _, args := range [][]string{
		{"backup", "--db", notes, "--out", filepath.Join(dir, "x.db")},
		{"serve", "--addr", "127.0.0.1:0", "--db", notes},
		{"scenario", "list", "--db", notes},
	} {
		err := Run(ctx, args, io.Discard, io.Discard)
		if !errors.Is(err, sqlite.ErrNotStore) || !strings.Contains(err.Error(), "is not an SQLite database") {
			t.Errorf("%s on a CSV file: %v, want ErrNotStore", args[0], err)
		}
	}
	if b, _ := os.ReadFile(notes); string(b) != "a,b\n1,2\n" {
		t.Errorf("the refused file now holds %q", b)
	}
}
