package web

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/maillage/maillage/internal/planner"
)

const modulePath = "github.com/maillage/maillage"

// serverPackages returns the module's packages the server runs (this one and
// everything it imports, non-test files, transitively), plus the scenario
// store the binary serves with, as directories relative to the module root
// mapped to their package names.
func serverPackages(t *testing.T) map[string]string {
	t.Helper()
	pkgs := map[string]string{}
	var visit func(dir string)
	visit = func(dir string) {
		if _, seen := pkgs[dir]; seen {
			return
		}
		pkgs[dir] = ""
		files, err := filepath.Glob(filepath.Join("..", dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			pkgs[dir] = af.Name.Name
			for _, im := range af.Imports {
				p, _ := strconv.Unquote(im.Path.Value)
				if p == modulePath {
					visit(".")
				} else if rel, ok := strings.CutPrefix(p, modulePath+"/"); ok {
					visit(rel)
				}
			}
		}
	}
	visit("web")
	visit("coverage/scenario/sqlite")
	return pkgs
}

// sentinelNames returns "pkg.ErrX" for every exported package-level
// variable named Err… in the package at dir.
func sentinelNames(t *testing.T, dir, name string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", dir, "*.go"))
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, s := range g.Specs {
				for _, id := range s.(*ast.ValueSpec).Names {
					if strings.HasPrefix(id.Name, "Err") && id.IsExported() {
						out = append(out, name+"."+id.Name)
					}
				}
			}
		}
	}
	return out
}

// TestErrorTableCoversSentinels walks the source of every package the
// server runs and checks that each exported Err… variable has a row in
// errorTable (so no sentinel falls to 500 by omission, as planner.ErrFormat
// did), that every row names a sentinel that exists, and that each row's
// error gets its row's status.
func TestErrorTableCoversSentinels(t *testing.T) {
	rows := map[string]sentinel{}
	for _, r := range errorTable {
		if _, dup := rows[r.name]; dup {
			t.Errorf("%s has two rows", r.name)
		}
		rows[r.name] = r
	}
	found := map[string]bool{}
	pkgs := serverPackages(t)
	for _, want := range []string{"internal/planner", "coverage", "data", "geo/road"} {
		if _, ok := pkgs[want]; !ok {
			t.Fatalf("the walk from web did not reach %s: %v", want, pkgs)
		}
	}
	for dir, name := range pkgs {
		for _, n := range sentinelNames(t, dir, name) {
			found[n] = true
			if _, ok := rows[n]; !ok {
				t.Errorf("%s (in %s) has no row in errorTable: give it a status", n, dir)
			}
		}
	}
	for n, r := range rows {
		if !found[n] {
			t.Errorf("errorTable row %s names no sentinel of the server's packages", n)
		}
		// The message carries the package name (STYLE: "pkg: …"), which ties
		// the row's name to its value.
		pkg, _, _ := strings.Cut(n, ".")
		if !strings.HasPrefix(r.err.Error(), pkg+": ") {
			t.Errorf("row %s holds %q, not an error of package %s", n, r.err, pkg)
		}
		if got := statusOf(r.err); got != r.status {
			t.Errorf("statusOf(%s) = %d, want its row's %d (an earlier row catches it)", n, got, r.status)
		}
	}
	if len(found) < 40 {
		t.Errorf("only %d sentinels found: the walk is broken", len(found))
	}
	if got := statusOf(fmt.Errorf("layer cells: %w: %q", planner.ErrFormat, "kml")); got != http.StatusBadRequest {
		t.Errorf("a wrapped planner.ErrFormat answers %d, want 400", got)
	}
}
