package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClickableURL: serve prints an address a person can open.
func TestClickableURL(t *testing.T) {
	for addr, want := range map[string]string{
		"[::]:8080": "http://localhost:8080/", "0.0.0.0:80": "http://localhost:80/", ":9000": "http://localhost:9000/",
		"127.0.0.1:8080": "http://127.0.0.1:8080/", "[::1]:8080": "http://[::1]:8080/",
	} {
		if got := clickableURL(addr); got != want {
			t.Errorf("clickableURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

// TestServeDBError: a scenario database that cannot be created is an error
// saying how to choose another path or run without scenarios.
func TestServeDBError(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, []byte("x"), 0o644)
	err := Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(blocker, "s.db")}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "cannot open the scenario database") || !strings.Contains(err.Error(), `--db ""`) {
		t.Errorf("err = %v", err)
	}
}
