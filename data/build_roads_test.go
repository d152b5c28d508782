package data

import (
	"cmp"
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/internal/shareddata"
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// recorder is a Progress that keeps its counters.
type recorder struct{ counters []*counted }

type counted struct {
	name        string
	total, done int64
	finished    bool
}

func (r *recorder) Step(string) {}
func (r *recorder) Counter(name string, total int64) Counter {
	c := &counted{name: name, total: total}
	r.counters = append(r.counters, c)
	return c
}
func (c *counted) Add(n int64) { c.done += n }
func (c *counted) Done()       { c.finished = true }

// parisCells is a grid reader of a few cells in central Paris, where the
// clipped extract of ../shared/data/osm lies; called counts its calls.
func parisCells(called *int) Readers {
	r := DefaultReaders()
	r.Cells = func(context.Context, []string, int, Counter) ([]maillage.Cell, []maillage.Part, []maillage.Commune, []maillage.Finding, error) {
		*called++
		var cells []maillage.Cell
		for i := range 4 {
			p := orb.Point{2.360 + 0.003*float64(i), 48.866}
			h, err := h3.LatLngToCell(h3.NewLatLng(p[1], p[0]), 9)
			if err != nil {
				return nil, nil, nil, nil, err
			}
			var pop maillage.Pop
			pop[maillage.Ind] = 100
			cells = append(cells, maillage.Cell{H3: h, Pop: pop, Center: p})
		}
		slices.SortFunc(cells, func(a, b maillage.Cell) int { return cmp.Compare(a.H3, b.H3) })
		return cells, nil, []maillage.Commune{{Code: "75103", Name: "Paris 3e"}}, nil, nil
	}
	r.Venues = func(string) ([]maillage.Venue, []maillage.Finding, error) { return nil, nil, nil }
	r.Merge = nil
	return r
}

// TestBuildRoads: Build reads the extract in two passes with a progress
// counter by bytes for each, warns about the clipped extract's missing
// nodes, and refuses up front, before reading the grid, an extract over the
// memory budget.
func TestBuildRoads(t *testing.T) {
	pbf := shareddata.Path(t, "osm/paris-3e-10e-11e-clipped.osm.pbf")
	fi, err := os.Stat(pbf)
	if err != nil {
		t.Fatal(err)
	}
	called := 0
	rec := &recorder{}
	tr, rep, err := Build(context.Background(), Inputs{Grids: []string{"g.csv"}, OSM: pbf},
		BuildOptions{Name: "paris", Res: 9, Readers: parisCells(&called), Progress: rec, MaxMemory: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range rec.counters {
		if strings.HasPrefix(c.name, "roads") {
			names = append(names, c.name)
			if c.total != fi.Size() || c.done != fi.Size() || !c.finished {
				t.Errorf("counter %s: %d of %d bytes (finished %v), want the file's %d", c.name, c.done, c.total, c.finished, fi.Size())
			}
		}
	}
	if !slices.Equal(names, []string{"roads: ways", "roads: nodes"}) {
		t.Errorf("road counters %v, want one per pass", names)
	}
	g, err := road.UnmarshalGraph(tr.Roads)
	if err != nil || g.NumNodes() != 3206 {
		t.Fatalf("roads: %v, %v", g, err)
	}
	warned := false
	for _, f := range rep.Warnings {
		warned = warned || f.Field == "nodes" && strings.HasPrefix(f.Reason, "654 node references")
	}
	if !warned {
		t.Errorf("no warning of the 654 missing nodes in %+v", rep.Warnings)
	}
	// Over the budget: refused before the grid is read.
	called = 0
	_, _, err = Build(context.Background(), Inputs{Grids: []string{"g.csv"}, OSM: pbf},
		BuildOptions{Name: "paris", Res: 9, Readers: parisCells(&called), MaxMemory: 1 << 20})
	if !errors.Is(err, road.ErrTooLarge) || called != 0 || !strings.Contains(err.Error(), "MB") {
		t.Errorf("err %v after %d grid reads, want ErrTooLarge before any", err, called)
	}
}
