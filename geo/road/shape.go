package road

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// ShapeTolerance is the Douglas–Peucker tolerance, in metres, at which the
// roads layer draws edges (Edges) when not told otherwise: 5 m, below the
// width of a road and of a pixel at zoom 15.
const ShapeTolerance = 5.0

// Edge is one edge of a network as a map draws it.
type Edge struct {
	ID       int            // edge index, 0 … NumEdges()-1
	From, To int            // its junctions (nodes), in way direction
	Forward  bool           // open From → To
	Backward bool           // open To → From
	Kmh      float64        // the profile's speed on it, km/h (forward, else backward)
	Metres   float64        // length along every node
	Seconds  float64        // travel time at the profile's speeds (forward, else backward)
	Shape    orb.LineString // From … To, simplified to the tolerance
}

// Edges calls fn for every edge the named network uses whose bounding box
// meets bound (a zero bound: every edge), in edge order, until fn returns
// false. Shapes are simplified by Douglas–Peucker to within tolerance
// metres of every dropped node (0: every node kept; negative:
// ShapeTolerance); the ends are always kept. It returns an error wrapping
// ErrUnknownNetwork for an unknown network. The Shape slice is fn's to
// keep.
func (g *Graph) Edges(network string, bound orb.Bound, tolerance float64, fn func(Edge) bool) error {
	net := g.net(network)
	if net == nil {
		return fmt.Errorf("%w: %q (have %v)", ErrUnknownNetwork, network, g.Networks())
	}
	if tolerance < 0 {
		tolerance = ShapeTolerance
	}
	p := -1
	for i, n := range g.nets {
		if n == net {
			p = i
		}
	}
	all := bound == orb.Bound{}
	var line orb.LineString
	for e := range g.ea {
		ed := uint32(e)
		if !net.open(ed) {
			continue
		}
		line = line[:0]
		g.edgeNodes(ed, func(v int) { line = append(line, g.Node(v)) })
		if !all && !line.Bound().Intersects(bound) {
			continue
		}
		f, r := g.speeds(ed, p)
		x := Edge{ID: e, From: int(g.ea[e]), To: int(g.eb[e]),
			Forward: net.cost[2*e] != unreached, Backward: net.cost[2*e+1] != unreached}
		x.Kmh, x.Seconds = float64(f), float64(net.cost[2*e])/1000
		if !x.Forward {
			x.Kmh, x.Seconds = float64(r), float64(net.cost[2*e+1])/1000
		}
		for i := 1; i < len(line); i++ {
			x.Metres += float64(segMetres(toFixed(line[i-1][1]), toFixed(line[i-1][0]), toFixed(line[i][1]), toFixed(line[i][0])))
		}
		x.Shape = simplify(line, tolerance)
		if !fn(x) {
			return nil
		}
	}
	return nil
}

// simplify returns a copy of line keeping its ends and, by Douglas–Peucker,
// the nodes farther than tol metres from the simplified line, in a local
// equirectangular projection (exact enough over one edge).
func simplify(line orb.LineString, tol float64) orb.LineString {
	if tol <= 0 || len(line) <= 2 {
		return append(orb.LineString(nil), line...)
	}
	const mPerDeg = 111_195.0
	cos := math.Cos(line[0][1] * math.Pi / 180)
	xy := func(p orb.Point) (float64, float64) { return p[0] * cos * mPerDeg, p[1] * mPerDeg }
	keep := make([]bool, len(line))
	keep[0], keep[len(line)-1] = true, true
	type span struct{ i, j int }
	stack := []span{{0, len(line) - 1}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		ax, ay := xy(line[s.i])
		bx, by := xy(line[s.j])
		dx, dy := bx-ax, by-ay
		L2 := dx*dx + dy*dy
		far, farD := -1, tol
		for k := s.i + 1; k < s.j; k++ {
			px, py := xy(line[k])
			var d float64
			if L2 == 0 {
				d = math.Hypot(px-ax, py-ay)
			} else {
				t := math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/L2))
				d = math.Hypot(px-ax-t*dx, py-ay-t*dy)
			}
			if d > farD {
				far, farD = k, d
			}
		}
		if far >= 0 {
			keep[far] = true
			stack = append(stack, span{s.i, far}, span{far, s.j})
		}
	}
	out := make(orb.LineString, 0, len(line))
	for i, k := range keep {
		if k {
			out = append(out, line[i])
		}
	}
	return out
}
