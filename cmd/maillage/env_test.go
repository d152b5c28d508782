package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseWithEnv(t *testing.T) {
	env := map[string]string{"MAILLAGE_ADDR": ":9090", "MAILLAGE_MAX_CELLS": "12", "MAILLAGE_CORS_ORIGIN": "https://a.fr,https://b.fr",
		"MAILLAGE_INSECURE_OPEN_WRITES": "true", "MAILLAGE_DB": ""}
	m := &Main{Stderr: io.Discard, LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	newFS := func() (*flag.FlagSet, *string, *int, *stringList, *bool, *string) {
		fs := m.newFlagSet("serve", "")
		addr, cells, db := fs.String("addr", ":8080", "address"), fs.Int("max-cells", 50000, "cells"), fs.String("db", "x.db", "db")
		var origins stringList
		fs.Var(&origins, "cors-origin", "origins")
		open := fs.Bool("insecure-open-writes", false, "open")
		return fs, addr, cells, &origins, open, db
	}
	fs, addr, cells, origins, open, db := newFS()
	if err := m.parseWithEnv(fs, []string{"--max-cells", "7"}); err != nil {
		t.Fatal(err)
	}
	if *addr != ":9090" || *cells != 7 || strings.Join(*origins, " ") != "https://a.fr https://b.fr" || !*open || *db != "" {
		t.Fatalf("addr %q cells %d origins %v open %v db %q: want the environment's, the flag winning for max-cells", *addr, *cells, *origins, *open, *db)
	}
	if u := fs.Lookup("max-cells").Usage; !strings.HasSuffix(u, "[$MAILLAGE_MAX_CELLS]") {
		t.Fatalf("usage %q names no variable", u)
	}
	env["MAILLAGE_MAX_CELLS"] = "many"
	fs, _, _, _, _, _ = newFS()
	err := m.parseWithEnv(fs, nil)
	if err == nil || !strings.Contains(err.Error(), `MAILLAGE_MAX_CELLS="many"`) {
		t.Fatalf("bad variable: %v", err)
	}
}

// TestServeFromEnv starts serve configured only by the environment: its
// address, no database, and an API keys file, so a write without a key is a
// 401 and the start-up note says writes need a key; `serve -h` lists the
// variables.
func TestServeFromEnv(t *testing.T) {
	keys := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(keys, []byte("# team\nsecret-one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"MAILLAGE_ADDR": "127.0.0.1:0", "MAILLAGE_DB": "", "MAILLAGE_API_KEYS_FILE": keys}
	var stdout, stderr syncBuffer
	m := NewMain(&stdout, &stderr)
	m.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"serve"}) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	re := serveURL
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start; stdout %q stderr %q", stdout.String(), stderr.String())
		}
	}
	if !strings.Contains(stdout.String(), "les écritures demandent la clé d'API") {
		t.Fatalf("start-up note: %q", stdout.String())
	}
	resp, err := http.Post(base+"/api/v1/scenarios", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("write without key: %d, want 401", resp.StatusCode)
	}
	// Not a terminal: the access log is JSON, one object a line.
	if !strings.Contains(stderr.String(), `"msg":"request","method":"POST","route":"/api/v1/scenarios","path":"/api/v1/scenarios","status":401`) {
		t.Errorf("no JSON access log line for the refused write:\n%s", stderr.String())
	}
	var help bytes.Buffer
	if err := Run(context.Background(), []string{"serve", "-h"}, io.Discard, &help); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"$MAILLAGE_API_KEYS_FILE", "$MAILLAGE_ADDR", "$MAILLAGE_DB", "$MAILLAGE_CORS_ORIGIN", "$MAILLAGE_TERRITORY"} {
		if !strings.Contains(help.String(), v) {
			t.Errorf("serve -h does not list %s", v)
		}
	}
}
