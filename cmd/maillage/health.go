package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// health asks a running server whether it is alive, for the Docker image's
// HEALTHCHECK (the image has no curl): GET --url, success only on 200. The
// default URL is /healthz on loopback at the port of MAILLAGE_ADDR (the
// variable serve reads), else 8080.
func (m *Main) health(ctx context.Context, args []string) error {
	fs := m.newFlagSet("health", "[--url http://127.0.0.1:8080/healthz] [--timeout 3s]")
	url := fs.String("url", m.defaultHealthURL(), "URL to ask; its answer must be 200")
	timeout := fs.Duration("timeout", 3*time.Second, "longest wait for the answer")
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s answered %s: %s", *url, resp.Status, body)
	}
	fmt.Fprintf(m.Stdout, "%s: %s\n", *url, body)
	return nil
}

// defaultHealthURL is http://127.0.0.1:PORT/healthz with the port of
// MAILLAGE_ADDR when it has one, else 8080.
func (m *Main) defaultHealthURL() string {
	port := "8080"
	if m.LookupEnv != nil {
		if addr, ok := m.LookupEnv(envName("addr")); ok {
			if _, p, err := net.SplitHostPort(addr); err == nil && p != "" {
				port = p
			}
		}
	}
	return "http://" + net.JoinHostPort("127.0.0.1", port) + "/healthz"
}
