package road

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// TestEdges checks the edge iterator on Monaco: at tolerance 0 the shapes
// hold every node (the segments of the open directions are the network's
// arcs), at ShapeTolerance every dropped node lies within 5 m of the
// simplified line and the ends stay; a bound keeps the edges that meet it.
func TestEdges(t *testing.T) {
	g := cachedExtract(t, "monaco-and-french-neighbours")
	for _, name := range []string{"car", "foot"} {
		arcs, edges, full, kept := 0, 0, 0, 0
		var metres float64
		err := g.Edges(name, orb.Bound{}, 0, func(e Edge) bool {
			edges++
			dirs := 0
			if e.Forward {
				dirs++
			}
			if e.Backward {
				dirs++
			}
			arcs += dirs * (len(e.Shape) - 1)
			full += len(e.Shape)
			metres += e.Metres
			if e.Shape[0] != g.Node(e.From) || e.Shape[len(e.Shape)-1] != g.Node(e.To) || e.Kmh <= 0 || e.Seconds < 0 || e.Metres < 0 {
				t.Fatalf("%s edge %d: %+v", name, e.ID, e)
			}
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		if arcs != g.NumArcs(name) {
			t.Errorf("%s: the edges' segments make %d arcs, the network has %d", name, arcs, g.NumArcs(name))
		}
		maxOff := 0.0
		g.Edges(name, orb.Bound{}, -1, func(e Edge) bool {
			kept += len(e.Shape)
			var line orb.LineString
			g.edgeNodes(uint32(e.ID), func(v int) { line = append(line, g.Node(v)) })
			for _, p := range line {
				maxOff = max(maxOff, distanceToLine(p, e.Shape))
			}
			return true
		})
		if maxOff > ShapeTolerance+0.05 {
			t.Errorf("%s: a dropped node is %.2f m from the simplified shape", name, maxOff)
		}
		if kept >= full {
			t.Errorf("%s: simplification kept %d of %d points", name, kept, full)
		}
		t.Logf("%s: %d edges, %.0f km; %d shape points, %d at %.0f m (max offset %.2f m)", name, edges, metres/1000, full, kept, ShapeTolerance, maxOff)
	}
	// A box around Monaco's harbour holds some edges, not all.
	box := orb.Bound{Min: orb.Point{7.418, 43.732}, Max: orb.Point{7.428, 43.738}}
	in, all := 0, 0
	g.Edges("car", box, 0, func(e Edge) bool {
		in++
		if !e.Shape.Bound().Intersects(box) {
			t.Errorf("edge %d outside the box", e.ID)
		}
		return true
	})
	g.Edges("car", orb.Bound{}, 0, func(Edge) bool { all++; return true })
	if in == 0 || in >= all {
		t.Errorf("%d of %d edges in the box", in, all)
	}
	if err := g.Edges("boat", orb.Bound{}, 0, func(Edge) bool { return true }); !errors.Is(err, ErrUnknownNetwork) {
		t.Errorf("unknown network: %v", err)
	}
}

// distanceToLine is the distance in metres from p to the polyline, in a
// local projection.
func distanceToLine(p orb.Point, line orb.LineString) float64 {
	best := math.Inf(1)
	cos := math.Cos(p[1] * math.Pi / 180)
	for i := 1; i < len(line); i++ {
		a, b := line[i-1], line[i]
		ax, ay := (a[0]-p[0])*cos*111195, (a[1]-p[1])*111195
		bx, by := (b[0]-p[0])*cos*111195, (b[1]-p[1])*111195
		dx, dy := bx-ax, by-ay
		t := 0.0
		if L2 := dx*dx + dy*dy; L2 > 0 {
			t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/L2))
		}
		best = math.Min(best, math.Hypot(ax+t*dx, ay+t*dy))
	}
	if len(line) == 1 {
		best = geo.Distance(p, line[0])
	}
	return best
}
