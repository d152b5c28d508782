// Package shareddata locates the real open-data files in ../shared/data
// (beside the project root) for tests and benchmarks. A test that needs a
// missing file skips with a message naming the path, unless the environment
// variable MAILLAGE_REQUIRE_SHARED_DATA=1 is set (as in CI): then it fails.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the absolute path of ../shared/data relative to the project
// root (the directory holding go.mod), or "" if the root cannot be found.
func Dir() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", "data")
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// Path returns the absolute path of the shared data file rel (e.g.
// "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv"). If it does
// not exist, tb skips, or fails when MAILLAGE_REQUIRE_SHARED_DATA=1.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(Dir(), filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("MAILLAGE_REQUIRE_SHARED_DATA") == "1" {
			tb.Fatalf("shared data file %s is missing (MAILLAGE_REQUIRE_SHARED_DATA=1): %v", p, err)
		}
		tb.Skipf("shared data file %s is missing: skipping", p)
	}
	return p
}
