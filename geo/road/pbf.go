package road

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
)

// ErrBadPBF wraps every error met while decoding a PBF file (truncated,
// corrupt, not a PBF at all).
var ErrBadPBF = errors.New("road: cannot read the OSM PBF data")

// ReadPBFFile is ReadPBF on a file.
func ReadPBFFile(ctx context.Context, path string, opts Options) (*Graph, *Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("road: %w", err)
	}
	defer f.Close()
	g, st, err := ReadPBF(ctx, f, opts)
	if err != nil {
		return nil, st, fmt.Errorf("%s: %w", path, err)
	}
	return g, st, nil
}

// ReadPBF reads an OpenStreetMap PBF stream and builds the routable graph of
// its highways. Objects may come in any order (nodes after ways); references
// to nodes absent from the stream cut the way and are counted in
// Stats.MissingRefs. A stream that cannot be decoded gives an error wrapping
// ErrBadPBF; one without usable roads, ErrNoRoads. Stats is returned with
// the error when reading went far enough to fill it.
func ReadPBF(ctx context.Context, r io.Reader, opts Options) (*Graph, *Stats, error) {
	t0 := time.Now()
	b := newBuilder(opts)
	procs := opts.Procs
	if procs <= 0 {
		procs = 2
	}
	cr := &countingReader{r: r}
	sc := osmpbf.New(ctx, cr, procs)
	defer sc.Close()
	sc.SkipRelations = true
	objects := 0
	for sc.Scan() {
		objects++
		switch o := sc.Object().(type) {
		case *osm.Node:
			b.addNode(int64(o.ID), o.Lat, o.Lon)
		case *osm.Way:
			b.addWay(o.Tags, func(yield func(int64) bool) {
				for _, wn := range o.Nodes {
					if !yield(int64(wn.ID)) {
						return
					}
				}
			})
		}
	}
	b.st.Bytes = cr.n
	if err := sc.Err(); err != nil {
		if ctx.Err() != nil {
			return nil, &b.st, fmt.Errorf("road: reading PBF: %w", ctx.Err())
		}
		return nil, &b.st, fmt.Errorf("%w: after %d objects, %d bytes: %w", ErrBadPBF, objects, cr.n, err)
	}
	if objects == 0 {
		return nil, &b.st, fmt.Errorf("%w: no OSM object in %d bytes", ErrBadPBF, cr.n)
	}
	g, err := b.build()
	b.st.Duration = time.Since(t0)
	if err != nil {
		return nil, &b.st, err
	}
	return g, &b.st, nil
}

// FromOSM builds the routable graph of the highways in o (generated or read
// elsewhere), with the same rules as ReadPBF.
func FromOSM(o *osm.OSM, opts Options) (*Graph, *Stats, error) {
	t0 := time.Now()
	if o == nil {
		return nil, nil, ErrNoRoads
	}
	b := newBuilder(opts)
	for _, n := range o.Nodes {
		b.addNode(int64(n.ID), n.Lat, n.Lon)
	}
	for _, w := range o.Ways {
		b.addWay(w.Tags, func(yield func(int64) bool) {
			for _, wn := range w.Nodes {
				if !yield(int64(wn.ID)) {
					return
				}
			}
		})
	}
	g, err := b.build()
	b.st.Duration = time.Since(t0)
	if err != nil {
		return nil, &b.st, err
	}
	return g, &b.st, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
