package maillage_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// layers ranks every package of the module (directory relative to the
// module root): a package may import packages of its own layer or of lower
// ones, never of a higher one (INTERNALS.md, "Layers"). Shared leaves
// (rank 1) import only the root and each other.
var layers = map[string]int{
	".": 0, // value types

	"internal/labels": 1, "internal/progress": 1, "internal/shareddata": 1, "internal/bordeauxtest": 1,
	"internal/osmgen": 1, "internal/layer": 1, "internal/gpkg": 1,

	"geo": 2, "geo/travel": 2, "geo/road": 2,

	"data": 3, "data/demo": 3,

	"coverage": 4, "coverage/propose": 4, "coverage/scenario": 4, "coverage/scenario/sqlite": 4,

	"internal/planner": 5, "internal/report": 5, "internal/errtext": 5,

	"web": 6, "cmd/maillage": 6,
}

// TestLayers walks the source of every package (non-test files) and fails on
// an import that runs back up the layers, or on a package no layer names.
func TestLayers(t *testing.T) {
	const module = "github.com/maillage/maillage"
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		rank, ok := layers[dir]
		if !ok {
			t.Errorf("package %s is in no layer: add it to layers (layers_test.go) and to INTERNALS.md", dir)
			return nil
		}
		seen[dir] = true
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			var to string
			switch {
			case p == module:
				to = "."
			case strings.HasPrefix(p, module+"/"):
				to = strings.TrimPrefix(p, module+"/")
			default:
				continue
			}
			r, ok := layers[to]
			if !ok {
				continue // reported when its directory is walked
			}
			if r > rank {
				t.Errorf("%s (layer %d) imports %s (layer %d): an arrow back up", path, rank, to, r)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir := range layers {
		if !seen[dir] {
			t.Errorf("layers names %s, which has no Go file", dir)
		}
	}
}
