package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDockerfile keeps the Dockerfile and the README's Docker section
// consistent with the binary, since no Docker engine runs here to build
// the image: the image runs as a non-root numeric user, its HEALTHCHECK and
// ENTRYPOINT are commands the binary has, the database variable points into
// the declared VOLUME, which the image's user owns, and every MAILLAGE_*
// variable they name is one that serve reads (serve -h lists it).
func TestDockerfile(t *testing.T) {
	df, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	docker := string(readme)
	if i := strings.Index(docker, "### Docker"); i >= 0 {
		docker = docker[i:]
	} else {
		t.Fatal("README has no Docker section")
	}
	var help bytes.Buffer
	if err := Run(context.Background(), []string{"serve", "-h"}, io.Discard, &help); err != nil {
		t.Fatal(err)
	}
	// Instructions of the final (run) stage.
	stages := strings.Split(string(df), "\nFROM ")
	run := stages[len(stages)-1]
	instr := func(name string) []string {
		var out []string
		for _, line := range strings.Split(run, "\n") {
			if strings.HasPrefix(line, name+" ") {
				out = append(out, strings.TrimSpace(strings.TrimPrefix(line, name+" ")))
			}
		}
		return out
	}
	users := instr("USER")
	if len(users) != 1 || !regexp.MustCompile(`^[1-9][0-9]*(:[0-9]+)?$`).MatchString(users[0]) {
		t.Errorf("USER %q: want one numeric non-root user (Kubernetes' runAsNonRoot checks a number)", users)
	}
	if !strings.Contains(run, "useradd --system --uid "+strings.Split(users[0], ":")[0]+" ") {
		t.Errorf("USER %s is not the user the image creates", users[0])
	}
	if hc := instr("HEALTHCHECK"); len(hc) != 1 || !strings.Contains(run, `CMD ["maillage", "health"]`) {
		t.Errorf("HEALTHCHECK %q: want one, running maillage health", hc)
	}
	if ep := instr("ENTRYPOINT"); len(ep) != 1 || ep[0] != `["maillage"]` {
		t.Errorf("ENTRYPOINT %q", ep)
	}
	vols := instr("VOLUME")
	db := regexp.MustCompile(`MAILLAGE_DB=(\S+)`).FindStringSubmatch(run)
	if len(vols) != 1 || db == nil || !strings.HasPrefix(db[1], strings.Trim(vols[0], `[]"`)+"/") {
		t.Errorf("VOLUME %q, MAILLAGE_DB %v: the database must be in the volume", vols, db)
	}
	if !strings.Contains(run, "chown maillage:maillage "+filepath.Dir(db[1])) {
		t.Errorf("the volume %s is not owned by the image's user: a new named volume would not be writable", filepath.Dir(db[1]))
	}
	for _, src := range []string{run, docker} {
		for _, v := range regexp.MustCompile(`MAILLAGE_[A-Z_]+`).FindAllString(src, -1) {
			if !strings.Contains(help.String(), "$"+v+"]") {
				t.Errorf("%s (Dockerfile or README) is not a serve variable", v)
			}
		}
	}
	for _, cmd := range []string{"health", "serve"} {
		if err := Run(context.Background(), []string{cmd, "-h"}, io.Discard, io.Discard); err != nil {
			t.Errorf("maillage %s -h: %v", cmd, err)
		}
	}
	ignore, err := os.ReadFile(filepath.Join("..", "..", ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{".git", "*.territory", "*.db"} {
		if !strings.Contains("\n"+string(ignore)+"\n", "\n"+p+"\n") {
			t.Errorf(".dockerignore does not leave out %s", p)
		}
	}
}
