package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/maillage/maillage/internal/labels"
)

// TestSentinelsInFrench: every exported sentinel error of the packages the
// command line runs has its French in the catalogue of messages, so a new
// sentinel cannot reach a person in English unnoticed (as
// web.TestErrorTableCoversSentinels does for the HTTP statuses).
func TestSentinelsInFrench(t *testing.T) {
	dirs := []string{"coverage", "coverage/propose", "coverage/scenario", "coverage/scenario/sqlite", "data",
		"geo", "geo/road", "geo/travel", "internal/planner", "internal/labels", "internal/layer", "internal/gpkg"}
	n := 0
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join("..", "..", dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(node ast.Node) bool {
				vs, ok := node.(*ast.ValueSpec)
				if !ok {
					return true
				}
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Err") || i >= len(vs.Values) || name.Name == "ErrStop" {
						continue
					}
					call, ok := vs.Values[i].(*ast.CallExpr)
					if !ok || len(call.Args) != 1 {
						continue
					}
					lit, ok := call.Args[0].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					text, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					n++
					// Not merely the French colon of the catch-all "%s: %s".
					if strings.ReplaceAll(labels.FR.Text(text), " : ", ": ") == text {
						t.Errorf("%s.%s (%q) has no French in internal/labels/messages_fr.go", filepath.Base(dir), name.Name, text)
					}
				}
				return true
			})
		}
	}
	if n < 30 {
		t.Errorf("only %d sentinels found: the walk is broken", n)
	}
}
