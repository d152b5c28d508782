package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealth(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		io.WriteString(w, `{"status":"ok"}`)
	}))
	defer srv.Close()
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: io.Discard}
	if err := m.Run(context.Background(), []string{"health", "--url", srv.URL + "/healthz"}); err != nil {
		t.Fatalf("health on a 200: %v", err)
	}
	if out := m.Stdout.(*bytes.Buffer).String(); !strings.Contains(out, `{"status":"ok"}`) {
		t.Errorf("stdout %q", out)
	}
	status = http.StatusServiceUnavailable
	err := m.Run(context.Background(), []string{"health", "--url", srv.URL + "/healthz"})
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("health on a 503 = %v, want an error naming 503", err)
	}
	srv.Close()
	if err := m.Run(context.Background(), []string{"health", "--url", srv.URL + "/healthz"}); err == nil {
		t.Error("health with no server: nil error")
	}

	for _, tt := range []struct{ env, want string }{
		{"", "http://127.0.0.1:8080/healthz"},
		{":9090", "http://127.0.0.1:9090/healthz"},
		{"0.0.0.0:7000", "http://127.0.0.1:7000/healthz"},
		{"nonsense", "http://127.0.0.1:8080/healthz"},
	} {
		m := &Main{LookupEnv: func(k string) (string, bool) { return tt.env, k == "MAILLAGE_ADDR" && tt.env != "" }}
		if got := m.defaultHealthURL(); got != tt.want {
			t.Errorf("MAILLAGE_ADDR=%q: default URL %s, want %s", tt.env, got, tt.want)
		}
	}
}
