package osmgen_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/internal/osmgen"
)

// TestWriteOPL checks the mix of a 100,000-node extract: its size, 60 %
// unroutable nodes, and that every line is a node or a way, nodes first.
func TestWriteOPL(t *testing.T) {
	var buf bytes.Buffer
	st, err := osmgen.WriteOPL(&buf, osmgen.Options{Nodes: 100_000, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if st.Nodes < 95_000 || st.Nodes > 105_000 {
		t.Errorf("%d nodes, want about 100,000", st.Nodes)
	}
	if f := 1 - float64(st.RoadNodes)/float64(st.Nodes); f < 0.57 || f > 0.63 {
		t.Errorf("%.3f of the nodes are not on roads, want about 0.60", f)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	nodes, ways, motorway := 0, 0, 0
	for i, l := range lines {
		switch l[0] {
		case 'n':
			if ways > 0 {
				t.Fatalf("line %d: a node after the ways", i+1)
			}
			nodes++
		case 'w':
			ways++
			if strings.Contains(l, "highway=motorway,") {
				motorway++
			}
		default:
			t.Fatalf("line %d: %q", i+1, l)
		}
	}
	if nodes != st.Nodes || ways != st.Ways || motorway != 2 {
		t.Errorf("%d node and %d way lines (%d motorway carriageways), stats %+v", nodes, ways, motorway, st)
	}
	// The same seed gives the same file.
	var again bytes.Buffer
	if _, err := osmgen.WriteOPL(&again, osmgen.Options{Nodes: 100_000, Seed: 7}); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two runs with one seed differ")
	}
}

// TestWritePBF converts the extract with osmium and reads it back with the
// road reader: every node read, every road way routable, one network.
func TestWritePBF(t *testing.T) {
	osmium := osmgen.Osmium(t)
	pbf := filepath.Join(t.TempDir(), "s.osm.pbf")
	st, err := osmgen.WritePBF(context.Background(), osmium, pbf, osmgen.Options{Nodes: 100_000, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	g, rs, err := road.ReadPBFFile(context.Background(), pbf, road.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rs.NodesRead != st.Nodes || rs.WaysRead != st.Ways || rs.RoutableWays != st.RoadWays || rs.MissingRefs != 0 {
		t.Errorf("road reader: %+v; generator: %+v", rs, st)
	}
	if g.NumNodes() != st.RoadNodes {
		t.Errorf("%d graph nodes, want the %d road nodes", g.NumNodes(), st.RoadNodes)
	}
	t.Log(rs)
	for _, n := range rs.Networks {
		if n.FragmentsDropped != 0 {
			t.Errorf("%s: %d fragments dropped: the generated network should be connected", n.Name, n.FragmentsDropped)
		}
	}
}
