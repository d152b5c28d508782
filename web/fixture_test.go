package web

import (
	"sync"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/data/demo"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/internal/planner"
)

// demoOnce builds, once per test binary, the demo territory with its road
// network (as `maillage` does without --territory) and its planner; the
// planner keeps the baseline coverage states, so tests share them.
var demoOnce = sync.OnceValues(func() (*planner.Planner, error) {
	t, o, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		return nil, err
	}
	g, _, err := road.FromOSM(o, road.Options{})
	if err != nil {
		return nil, err
	}
	if t.Roads, err = g.MarshalBinary(); err != nil {
		return nil, err
	}
	return planner.New(t, planner.Config{})
})

func mustPlanner(tb testing.TB) *planner.Planner {
	tb.Helper()
	p, err := demoOnce()
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func mustDemo(tb testing.TB) *maillage.Territory {
	tb.Helper()
	return mustPlanner(tb).Territory()
}

// newTestServer returns a server without a scenario store over tr: the
// shared demo planner when tr is the demo territory, else a new planner.
func newTestServer(tb testing.TB, cfg Config, tr *maillage.Territory) *Server {
	tb.Helper()
	p := mustPlanner(tb)
	if tr != p.Territory() {
		var err error
		if p, err = planner.New(tr, planner.Config{}); err != nil {
			tb.Fatal(err)
		}
	}
	return NewServer(cfg, p, nil)
}
