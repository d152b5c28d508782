// Package osmgen writes synthetic OpenStreetMap extracts of a chosen size,
// for the road reader's scale tests and benchmarks: no download, the same
// file from the same seed.
//
// The layout imitates a rural French département: towns on a jittered
// square lattice 8 km apart, each a grid of residential streets 100 m apart
// (two shape nodes per block side, one street in four one-way, one in five
// with a speed limit), départementales (highway=secondary every third
// link, tertiary otherwise, ref=D…) winding between neighbouring towns with a
// shape node every 40 m, and one motorway (two one-way carriageways) across
// the middle row of towns with a motorway_link to each town it passes. Of
// the nodes, 60 % are not routable: building outlines (closed ways of four
// corners tagged building=yes) along the streets and tagged points of
// interest (amenity=…). Node ids increase in file order; nodes come before
// ways, as in the extracts Geofabrik publishes.
//
// WriteOPL writes OSM's OPL text format; ToPBF turns it into PBF with
// osmium-tool (`osmium cat in.opl -o out.osm.pbf`).
package osmgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// Options describe an extract. The zero value of a field means its default.
type Options struct {
	// Nodes is the number of nodes wanted; the extract has this many within
	// a fraction of a percent (whole towns are added until it is reached).
	Nodes int
	// Seed fixes the random layout.
	Seed uint64
	// Lat0, Lon0 are the south-west corner, degrees (default 44.0, -1.0:
	// the Landes; an extract of 100 M nodes spans about 7° each way).
	Lat0, Lon0 float64
}

// Stats counts what WriteOPL wrote.
type Stats struct {
	Nodes     int // all nodes
	RoadNodes int // nodes of highway ways
	Ways      int // all ways
	RoadWays  int // highway ways
	Towns     int
}

// Per town: a grid of townSide×townSide junctions, 100 m apart.
const (
	townSide     = 20
	townStep     = 100.0  // metres between junctions
	townSpacing  = 8000.0 // metres between town centres
	roadShapeM   = 40.0   // metres between shape nodes of départementales
	motorwayStep = 120.0  // metres between motorway nodes
	// Per town, about 400 junctions + 1,520 street shape nodes + 2 × 200
	// départementale nodes ≈ 2,320 road nodes; 60 % unroutable nodes are
	// 1.5 × that: 3,480, as 800 buildings of 4 corners and 280 POIs.
	buildingsPerTown = 800
	poisPerTown      = 280
	nodesPerTown     = 2320 + 4*buildingsPerTown + poisPerTown
)

// gen emits the extract's objects through node and way callbacks; it runs
// twice with the same seed (nodes first, then ways), so neither the nodes
// nor the ways are held in memory.
type gen struct {
	opts     Options
	rng      *rand.Rand
	nextNode int64
	nextWay  int64
	node     func(id int64, lat, lon float64, tags string)
	way      func(id int64, tags string, refs []int64)
	st       Stats
	dLat     float64 // degrees per metre north
	dLon     float64 // degrees per metre east
	towns    int     // per side
	refs     []int64
}

func (g *gen) addNode(lat, lon float64, tags string, road bool) int64 {
	g.nextNode++
	g.st.Nodes++
	if road {
		g.st.RoadNodes++
	}
	g.node(g.nextNode, lat, lon, tags)
	return g.nextNode
}

func (g *gen) addWay(tags string, refs []int64, road bool) {
	g.nextWay++
	g.st.Ways++
	if road {
		g.st.RoadWays++
	}
	g.way(g.nextWay, tags, refs)
}

// town lays out town (tr, tc): streets, buildings, POIs. It returns the
// junction ids (row-major) and their positions.
func (g *gen) town(lat0, lon0 float64) (ids []int64, pos [][2]float64) {
	jit := func(m float64) float64 { return m * (g.rng.Float64() - 0.5) }
	ids = make([]int64, townSide*townSide)
	pos = make([][2]float64, townSide*townSide)
	for r := range townSide {
		for c := range townSide {
			lat := lat0 + (float64(r)*townStep+jit(10))*g.dLat
			lon := lon0 + (float64(c)*townStep+jit(10))*g.dLon
			pos[r*townSide+c] = [2]float64{lat, lon}
			ids[r*townSide+c] = g.addNode(lat, lon, "", true)
		}
	}
	// Streets: each row and column one way, junction to junction with two
	// shape nodes per block side.
	street := func(k int, horiz bool) {
		tags := "highway=residential"
		switch {
		case k%4 == 1:
			tags += ",oneway=yes"
		case k%5 == 2:
			tags += ",maxspeed=30"
		}
		if k == townSide/2 {
			tags = "highway=tertiary,maxspeed=50"
		}
		refs := g.refs[:0]
		for j := range townSide {
			r, c := k, j
			if !horiz {
				r, c = j, k
			}
			refs = append(refs, ids[r*townSide+c])
			if j+1 == townSide {
				break
			}
			nr, nc := r, c+1
			if !horiz {
				nr, nc = r+1, c
			}
			a, b := pos[r*townSide+c], pos[nr*townSide+nc]
			for s := 1; s <= 2; s++ {
				f := float64(s) / 3
				refs = append(refs, g.addNode(a[0]+f*(b[0]-a[0])+jit(6)*g.dLat, a[1]+f*(b[1]-a[1])+jit(6)*g.dLon, "", true))
			}
		}
		g.addWay(tags, refs, true)
		g.refs = refs
	}
	for k := range townSide {
		street(k, true)
		street(k, false)
	}
	// Buildings: 10 × 14 m boxes set back from the streets, inside blocks.
	for range buildingsPerTown {
		r, c := g.rng.IntN(townSide-1), g.rng.IntN(townSide-1)
		y := (float64(r) + 0.15 + 0.7*g.rng.Float64()) * townStep
		x := (float64(c) + 0.15 + 0.7*g.rng.Float64()) * townStep
		lat, lon := lat0+y*g.dLat, lon0+x*g.dLon
		w, h := 14*g.dLon, 10*g.dLat
		a := g.addNode(lat, lon, "", false)
		b := g.addNode(lat, lon+w, "", false)
		c2 := g.addNode(lat+h, lon+w, "", false)
		d := g.addNode(lat+h, lon, "", false)
		g.addWay("building=yes", []int64{a, b, c2, d, a}, false)
	}
	amenities := []string{"bench", "waste_basket", "bicycle_parking", "post_box", "telephone", "recycling", "parking"}
	for range poisPerTown {
		lat := lat0 + g.rng.Float64()*float64(townSide-1)*townStep*g.dLat
		lon := lon0 + g.rng.Float64()*float64(townSide-1)*townStep*g.dLon
		g.addNode(lat, lon, "amenity="+amenities[g.rng.IntN(len(amenities))], false)
	}
	return ids, pos
}

// link adds a départementale from a to b (junction positions and ids),
// winding by up to 300 m, with a shape node every 40 m.
func (g *gen) link(n int, aID, bID int64, a, b [2]float64) {
	dy, dx := (b[0]-a[0])/g.dLat, (b[1]-a[1])/g.dLon
	L := math.Hypot(dx, dy)
	k := max(2, int(L/roadShapeM))
	amp := 100 + 200*g.rng.Float64()
	phase := g.rng.Float64() * math.Pi
	refs := append(g.refs[:0], aID)
	for s := 1; s < k; s++ {
		f := float64(s) / float64(k)
		off := amp * math.Sin(math.Pi*f) * math.Sin(3*math.Pi*f+phase)
		// Offset perpendicular to the link.
		y := dy*f + off*dx/L
		x := dx*f - off*dy/L
		refs = append(refs, g.addNode(a[0]+y*g.dLat, a[1]+x*g.dLon, "", true))
	}
	refs = append(refs, bID)
	class := "tertiary"
	if n%3 == 0 {
		class = "secondary"
	}
	g.addWay("highway="+class+",ref=D"+strconv.Itoa(100+n%900), refs, true)
	g.refs = refs
}

func (g *gen) run() {
	lat0, lon0 := g.opts.Lat0, g.opts.Lon0
	perTown := nodesPerTown
	totalTowns := max(1, (g.opts.Nodes+perTown/2)/perTown)
	g.towns = int(math.Ceil(math.Sqrt(float64(totalTowns))))
	g.dLat = 1 / 111_195.0
	g.dLon = 1 / (111_195.0 * math.Cos((lat0+float64(g.towns)*townSpacing/2*g.dLat)*math.Pi/180))
	type town struct {
		ids []int64
		pos [][2]float64
	}
	var prevRow []town
	made, links := 0, 0
	midRow := g.towns / 2
	var motorway [2][]int64 // the two carriageways' node ids
	var mwPos [][2]float64
	for tr := 0; tr < g.towns && made < totalTowns; tr++ {
		var row []town
		for tc := 0; tc < g.towns && made < totalTowns; tc++ {
			tlat := lat0 + (float64(tr)*townSpacing+500*(g.rng.Float64()-0.5))*g.dLat
			tlon := lon0 + (float64(tc)*townSpacing+500*(g.rng.Float64()-0.5))*g.dLon
			ids, pos := g.town(tlat, tlon)
			row = append(row, town{ids, pos})
			made++
			// Départementales to the west and south neighbours, from the
			// middle of a town's edge to the facing edge.
			mid := townSide / 2
			if tc > 0 {
				w := row[tc-1]
				a, b := mid*townSide+townSide-1, mid*townSide
				g.link(links, w.ids[a], ids[b], w.pos[a], pos[b])
				links++
			}
			if tr > 0 && tc < len(prevRow) {
				s := prevRow[tc]
				a, b := (townSide-1)*townSide+mid, mid
				g.link(links, s.ids[a], ids[b], s.pos[a], pos[b])
				links++
			}
		}
		if tr == midRow && len(row) > 1 {
			// The motorway runs 1.5 km north of the row's towns, west to
			// east, with a link down to each town's top street.
			mlat := row[0].pos[0][0] + (float64(townSide-1)*townStep+1500)*g.dLat
			start := row[0].pos[0][1]
			end := row[len(row)-1].pos[townSide-1][1]
			k := int((end - start) / g.dLon / motorwayStep)
			for s := 0; s <= k; s++ {
				lon := start + float64(s)*motorwayStep*g.dLon
				lat := mlat + 200*math.Sin(float64(s)/40)*g.dLat
				mwPos = append(mwPos, [2]float64{lat, lon})
				motorway[0] = append(motorway[0], g.addNode(lat, lon, "", true))
				motorway[1] = append(motorway[1], g.addNode(lat+25*g.dLat, lon, "", true))
			}
			g.addWay("highway=motorway,ref=A65,oneway=yes,maxspeed=130", motorway[0], true)
			rev := make([]int64, len(motorway[1]))
			for i, id := range motorway[1] {
				rev[len(rev)-1-i] = id
			}
			g.addWay("highway=motorway,ref=A65,oneway=yes,maxspeed=130", rev, true)
			// Turning loops at both ends, so no stretch is a dead end.
			last := len(motorway[0]) - 1
			g.addWay("highway=motorway_link,oneway=yes", []int64{motorway[0][last], motorway[1][last]}, true)
			g.addWay("highway=motorway_link,oneway=yes", []int64{motorway[1][0], motorway[0][0]}, true)
			for _, t := range row {
				top := t.pos[(townSide-1)*townSide+townSide/2]
				i := int(math.Round((top[1] - start) / g.dLon / motorwayStep))
				i = min(max(i, 0), len(mwPos)-1)
				tid := t.ids[(townSide-1)*townSide+townSide/2]
				// On and off the eastbound carriageway, via one slip road
				// each way; the westbound one gets its own pair.
				mid := g.addNode((top[0]+mwPos[i][0])/2, top[1], "", true)
				g.addWay("highway=motorway_link,oneway=yes", []int64{tid, mid, motorway[0][i]}, true)
				if i+1 < len(mwPos) {
					g.addWay("highway=motorway_link,oneway=yes", []int64{motorway[0][i+1], tid}, true)
				}
				if i > 0 {
					g.addWay("highway=motorway_link,oneway=yes", []int64{tid, motorway[1][i-1]}, true)
				}
				g.addWay("highway=motorway_link,oneway=yes", []int64{motorway[1][i], mid}, true)
			}
		}
		prevRow = row
	}
	g.st.Towns = made
}

// WriteOPL writes a synthetic extract of about opts.Nodes nodes to w as
// OPL text (nodes, then ways) and returns what it wrote.
func WriteOPL(w io.Writer, opts Options) (Stats, error) {
	if opts.Nodes <= 0 {
		return Stats{}, errors.New("osmgen: Nodes must be positive")
	}
	if opts.Lat0 == 0 && opts.Lon0 == 0 {
		opts.Lat0, opts.Lon0 = 44.0, -1.0
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	var buf []byte
	newGen := func() *gen {
		return &gen{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0x6f736d67656e))}
	}
	// Pass 1: nodes only.
	g := newGen()
	g.node = func(id int64, lat, lon float64, tags string) {
		buf = append(buf[:0], 'n')
		buf = strconv.AppendInt(buf, id, 10)
		buf = append(buf, " v1 x"...)
		buf = strconv.AppendFloat(buf, lon, 'f', 7, 64)
		buf = append(buf, " y"...)
		buf = strconv.AppendFloat(buf, lat, 'f', 7, 64)
		if tags != "" {
			buf = append(buf, " T"...)
			buf = append(buf, tags...)
		}
		buf = append(buf, '\n')
		bw.Write(buf)
	}
	g.way = func(int64, string, []int64) {}
	g.run()
	st := g.st
	// Pass 2: the same layout again, ways only.
	g = newGen()
	g.node = func(int64, float64, float64, string) {}
	g.way = func(id int64, tags string, refs []int64) {
		buf = append(buf[:0], 'w')
		buf = strconv.AppendInt(buf, id, 10)
		buf = append(buf, " v1 T"...)
		buf = append(buf, tags...)
		buf = append(buf, " N"...)
		for i, r := range refs {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, 'n')
			buf = strconv.AppendInt(buf, r, 10)
		}
		buf = append(buf, '\n')
		bw.Write(buf)
	}
	g.run()
	if g.st != st {
		return st, fmt.Errorf("osmgen: the two passes disagree (%+v, %+v)", st, g.st)
	}
	return st, bw.Flush()
}

// ToPBF converts the OPL file opl into the PBF file pbf with osmium-tool.
func ToPBF(ctx context.Context, osmium, opl, pbf string) error {
	cmd := exec.CommandContext(ctx, osmium, "cat", opl, "-o", pbf, "-f", "pbf", "--overwrite")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("osmgen: %s cat %s: %v: %s", osmium, opl, err, out)
	}
	return nil
}

// WritePBF writes a synthetic extract straight to a PBF file, through a
// temporary OPL file beside it (removed afterwards).
func WritePBF(ctx context.Context, osmium, pbf string, opts Options) (Stats, error) {
	opl := pbf + ".opl"
	f, err := os.Create(opl)
	if err != nil {
		return Stats{}, fmt.Errorf("osmgen: %w", err)
	}
	defer os.Remove(opl)
	st, err := WriteOPL(f, opts)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return st, err
	}
	return st, ToPBF(ctx, osmium, opl, pbf)
}

// Osmium returns the path of the osmium command for a test. When it is not
// installed, tb skips, or fails when MAILLAGE_REQUIRE_OSMIUM=1 (as in CI).
func Osmium(tb testing.TB) string {
	tb.Helper()
	p, err := exec.LookPath("osmium")
	if err != nil {
		if os.Getenv("MAILLAGE_REQUIRE_OSMIUM") == "1" {
			tb.Fatalf("osmium (osmium-tool) is not installed and MAILLAGE_REQUIRE_OSMIUM=1: %v", err)
		}
		tb.Skipf("osmium (osmium-tool) is not installed: skipping (set MAILLAGE_REQUIRE_OSMIUM=1 to require it)")
	}
	return p
}
