package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage/scenario/sqlite"
	"github.com/maillage/maillage/internal/report"
)

// report writes the council's report of a scenario (0: the territory as it
// is) as one printable HTML page, and as a PDF with --pdf, printed by
// headless Chromium when it is installed.
func (m *Main) report(ctx context.Context, args []string) error {
	var pf plannerFlags
	var out, pdf string
	dbPath, profile, id := "maillage-scenarios.db", "seniors-20min-walk", int64(0)
	fs := m.newFlagSet("report", "--out rapport.html [--pdf rapport.pdf] [--scenario ID] [--profile P] [--db F] [--territory T]")
	pf.register(fs)
	fs.StringVar(&out, "out", "", "the HTML report to write (required)")
	fs.StringVar(&pdf, "pdf", "", "also print the report to this PDF (needs chromium)")
	fs.Int64Var(&id, "scenario", 0, "the stored scenario to report on (0: the territory as it is)")
	fs.StringVar(&profile, "profile", profile, "the demand profile the per-commune table and the map are about")
	fs.StringVar(&dbPath, "db", dbPath, "scenario database (SQLite)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if out == "" {
		return fmt.Errorf("report: --out is required: %w", ErrUsage)
	}
	if id < 0 {
		return fmt.Errorf("report: --scenario %d: want a scenario id, or 0 for the territory as it is: %w", id, ErrUsage)
	}
	var browser string
	if pdf != "" {
		if browser = findChromium(); browser == "" {
			return errors.New("report: --pdf needs chromium on PATH (apt-get install chromium), or write the HTML alone and print it from a browser")
		}
	}
	p, err := m.openPlanner(pf)
	if err != nil {
		return err
	}
	if _, err := p.Profile(profile); err != nil {
		return err
	}
	opt := report.Options{Profile: profile}
	if id > 0 {
		t := p.Territory()
		if _, err := os.Stat(dbPath); err != nil {
			return fmt.Errorf("report: scenario %d: no scenario database %s: %w", id, dbPath, err)
		}
		cfg := sqlite.DefaultConfig(dbPath)
		cfg.Options = p.ScenarioOptions()
		cfg.Territory = func(name string) *maillage.Territory {
			if name == "" || name == t.Name {
				return t
			}
			return nil
		}
		st, err := sqlite.OpenConfig(cfg)
		if err != nil {
			return err
		}
		defer st.Close()
		sc, err := st.Get(ctx, id)
		if err != nil {
			return fmt.Errorf("report: scenario %d: %w", id, err)
		}
		opt.Scenario = sc
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, p, opt); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "rapport écrit : %s\n", out)
	if pdf == "" {
		return nil
	}
	if err := printPDF(ctx, browser, out, pdf); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "PDF écrit : %s\n", pdf)
	return nil
}

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// printPDF prints the HTML file src to the PDF dst with headless Chromium
// (no sandbox, no network of its own, a throw-away profile).
func printPDF(ctx context.Context, browser, src, dst string) error {
	abs, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	absDst, err := filepath.Abs(dst)
	if err != nil {
		return err
	}
	profile, err := os.MkdirTemp("", "maillage-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	os.Remove(absDst)
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+profile, "--no-pdf-header-footer", "--print-to-pdf="+absDst, "file://"+abs)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("report: chromium could not print %s: %w", src, err)
	}
	if st, err := os.Stat(absDst); err != nil || st.Size() == 0 {
		return fmt.Errorf("report: chromium wrote no PDF at %s", dst)
	}
	return nil
}
