package road

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maillage/maillage/internal/osmgen"
	"github.com/maillage/maillage/internal/shareddata"
)

// changing is a file that is whole for the first pass and truncated for
// the second (as if it were being replaced while read).
type changing struct {
	full, second []byte
	starts       int
	r            *bytes.Reader
}

func (c *changing) Read(p []byte) (int, error) { return c.r.Read(p) }

func (c *changing) Seek(off int64, whence int) (int64, error) {
	if whence == io.SeekEnd {
		return int64(len(c.full)), nil
	}
	if whence == io.SeekStart && off == 0 {
		c.starts++
		if c.starts == 2 {
			c.r = bytes.NewReader(c.second)
		} else {
			c.r = bytes.NewReader(c.full)
		}
		return 0, nil
	}
	return c.r.Seek(off, whence)
}

// opl converts OPL text into a PBF file with osmium and returns its bytes.
func opl(t *testing.T, text string) []byte {
	t.Helper()
	osmium := osmgen.Osmium(t)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "x.opl"), filepath.Join(dir, "x.osm.pbf")
	if err := os.WriteFile(in, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := osmgen.ToPBF(context.Background(), osmium, in, out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTruncatedInSecondPass(t *testing.T) {
	data, err := os.ReadFile(shareddata.Path(t, "osm/saint-barthelemy-2014.osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{len(data) / 2, len(data) - 1, 0} {
		r := &changing{full: data, second: data[:cut]}
		var passes []int
		g, st, err := ReadPBF(context.Background(), r, Options{Progress: func(pass int, _, _ int64) {
			if len(passes) == 0 || passes[len(passes)-1] != pass {
				passes = append(passes, pass)
			}
		}})
		if !errors.Is(err, ErrBadPBF) || g != nil {
			t.Fatalf("cut at %d: err = %v, want ErrBadPBF and no graph", cut, err)
		}
		// The first pass read every way; the error names the second.
		if st == nil || st.WaysRead != 625 || !strings.Contains(err.Error(), "second pass") && !strings.Contains(err.Error(), "pass 2") {
			t.Errorf("cut at %d: %v (stats %+v)", cut, err, st)
		}
		if len(passes) != 2 || passes[0] != 1 || passes[1] != 2 {
			t.Errorf("cut at %d: progress reported passes %v, want [1 2]", cut, passes)
		}
		t.Logf("cut at %d: %v", cut, err)
	}
}

func TestNotPBF(t *testing.T) {
	for name, in := range map[string]string{
		"geojson": `{"type":"FeatureCollection","features":[]}`,
		"opl":     "n1 v1 x1.0 y2.0\n",
		"empty":   "",
	} {
		g, _, err := ReadPBF(context.Background(), strings.NewReader(in), Options{})
		if !errors.Is(err, ErrBadPBF) || g != nil {
			t.Errorf("%s: err = %v, want ErrBadPBF", name, err)
		}
	}
}

func TestNoRoutableWayPBF(t *testing.T) {
	b := opl(t, "n1 v1 x1.0 y45.0\nn2 v1 x1.001 y45.0\nn3 v1 x1.001 y45.001\n"+
		"w1 v1 Tbuilding=yes Nn1,n2,n3,n1\nw2 v1 Thighway=proposed Nn1,n2\n")
	g, st, err := ReadPBF(context.Background(), bytes.NewReader(b), Options{})
	if !errors.Is(err, ErrNoRoads) || g != nil {
		t.Fatalf("err = %v, want ErrNoRoads", err)
	}
	// Refused after the first pass: no node was read.
	if st.WaysRead != 2 || st.NodesRead != 0 || !strings.Contains(err.Error(), "2 ways read") {
		t.Errorf("%v, stats %+v", err, st)
	}
}

func TestMissingNodesPBF(t *testing.T) {
	// Every node of the only road is missing: an error naming the count.
	b := opl(t, "n1 v1 x1.0 y45.0\nw1 v1 Thighway=residential Nn7,n8,n9\n")
	g, st, err := ReadPBF(context.Background(), bytes.NewReader(b), Options{})
	if !errors.Is(err, ErrNoRoads) || g != nil || st.MissingRefs != 3 || !strings.Contains(err.Error(), "3 missing refs") {
		t.Fatalf("err = %v, stats %+v; want ErrNoRoads naming 3 missing refs", err, st)
	}
	// A clipped road keeps its present part, and the missing references
	// are counted for the caller to report.
	b = opl(t, "n1 v1 x1.0 y45.0\nn2 v1 x1.001 y45.0\nn3 v1 x1.002 y45.0\n"+
		"w1 v1 Thighway=residential Nn1,n2,n3,n4\n")
	g, st, err = ReadPBF(context.Background(), bytes.NewReader(b), Options{MinComponent: 1})
	if err != nil || st.MissingRefs != 1 || g.NumNodes() != 3 || st.NodesRead != 3 {
		t.Fatalf("err = %v, stats %+v", err, st)
	}
}

func TestTooLarge(t *testing.T) {
	p := shareddata.Path(t, "osm/porto-portugal.osm.pbf")
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	est := EstimateMemory(fi.Size())
	var read int64
	_, _, err = ReadPBFFile(context.Background(), p, Options{MaxMemory: est - 1, Progress: func(_ int, n, _ int64) { read = n }})
	if !errors.Is(err, ErrTooLarge) || read != 0 || !strings.Contains(err.Error(), "MB") {
		t.Fatalf("err = %v after %d bytes, want ErrTooLarge before reading", err, read)
	}
	// Porto is roads only: within the first estimate, over the second,
	// refused after its ways and before its nodes.
	_, st, err := ReadPBFFile(context.Background(), p, Options{MaxMemory: est})
	if !errors.Is(err, ErrTooLarge) || st.WaysRead != 51458 || st.NodesRead != 0 || !strings.Contains(err.Error(), "routable ways reference") {
		t.Fatalf("err = %v, stats %+v; want ErrTooLarge after the ways", err, st)
	}
	if _, _, err := ReadPBFFile(context.Background(), p, Options{MaxMemory: 2 * est}); err != nil {
		t.Fatal(err)
	}
}
