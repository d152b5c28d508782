package road

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
)

// ErrBadPBF wraps every error met while decoding a PBF file (truncated,
// corrupt, not a PBF at all, changed between the two passes).
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
// its highways, in two passes over the stream (it seeks back to the start
// between them): the first decodes only the ways and keeps those a profile
// can use, with the sorted set of the node ids they reference; the second
// decodes only the nodes and keeps the positions of those ids. Nodes of
// buildings, points of interest and paths no profile uses are never held.
// Objects may come in any order (nodes after ways); references to nodes
// absent from the stream cut the way and are counted in Stats.MissingRefs.
//
// A stream that cannot be decoded, in either pass, gives an error wrapping
// ErrBadPBF (and so does one whose second pass does not read the bytes of
// the first: a file truncated or changed in between); one without usable
// roads, ErrNoRoads, right after the first pass; one whose EstimateMemory
// exceeds Options.MaxMemory, ErrTooLarge, before anything is read, and so
// does one whose EstimateMemoryRefs exceeds it, after the first pass. Stats is
// returned with the error when reading went far enough to fill it.
func ReadPBF(ctx context.Context, r io.ReadSeeker, opts Options) (*Graph, *Stats, error) {
	t0 := time.Now()
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, nil, fmt.Errorf("road: %w", err)
	}
	if opts.MaxMemory > 0 {
		if est := EstimateMemory(size); est > opts.MaxMemory {
			return nil, nil, fmt.Errorf("%w: a %.1f MB extract needs up to %.0f MB to build, over the limit of %.0f MB",
				ErrTooLarge, float64(size)/1e6, float64(est)/1e6, float64(opts.MaxMemory)/1e6)
		}
	}
	// Decoding makes garbage at the pace of the file's decompressed size,
	// and each pass's decoder holds a 32 MB read buffer it mostly never
	// touches, which the default pacing (collect when the heap doubles)
	// counts as live: the heap would grow to several times what the build
	// holds. The build holds no pointers, so frequent collections are cheap:
	// collect at 10 % growth while reading, and hand the first pass's
	// memory back to the system before the second.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	b := newBuilder(opts)
	procs := opts.Procs
	if procs <= 0 {
		procs = 2
	}
	var ways, nodes atomic.Int64
	// Pass 1: the ways. The filter records the routable ways inside the
	// decoders (addWay is safe for concurrent use) and hands nothing over,
	// so the decoders reuse every way's memory.
	pass1, err := scanPass(ctx, r, 1, size, procs, opts.Progress, func(sc *osmpbf.Scanner) {
		sc.SkipNodes = true
		sc.FilterWay = func(w *osm.Way) bool {
			ways.Add(1)
			if b.routable(w.Tags) {
				b.addWay(int64(w.ID), w.Tags, func(yield func(int64) bool) {
					for _, wn := range w.Nodes {
						if !yield(int64(wn.ID)) {
							return
						}
					}
				})
			}
			return false
		}
	}, func(osm.Object) {})
	b.st.Bytes = pass1.bytes
	b.st.WaysRead = int(ways.Load())
	if err != nil {
		return nil, &b.st, err
	}
	if pass1.blocks == 0 {
		return nil, &b.st, fmt.Errorf("%w: no OSM data block in %d bytes", ErrBadPBF, pass1.bytes)
	}
	if est := EstimateMemoryRefs(len(b.refs)); opts.MaxMemory > 0 && est > opts.MaxMemory {
		return nil, &b.st, fmt.Errorf("%w: its %d routable ways reference %d nodes, which need up to %.0f MB to build, over the limit of %.0f MB",
			ErrTooLarge, b.st.RoutableWays, len(b.refs), float64(est)/1e6, float64(opts.MaxMemory)/1e6)
	}
	if err := b.indexNodes(); err != nil {
		return nil, &b.st, err
	}
	debug.FreeOSMemory()
	// Pass 2: the nodes. The filter records the wanted positions inside the
	// decoders (addNode is safe for concurrent use) and hands nothing over.
	pass2, err := scanPass(ctx, r, 2, size, procs, opts.Progress, func(sc *osmpbf.Scanner) {
		sc.SkipWays = true
		sc.FilterNode = func(n *osm.Node) bool {
			nodes.Add(1)
			b.addNode(int64(n.ID), n.Lat, n.Lon)
			return false
		}
	}, func(osm.Object) {})
	b.st.NodesRead = int(nodes.Load())
	if err != nil {
		return nil, &b.st, err
	}
	if pass2.bytes != pass1.bytes {
		return nil, &b.st, fmt.Errorf("%w: the second pass read %d bytes, the first %d: the file changed or was truncated in between",
			ErrBadPBF, pass2.bytes, pass1.bytes)
	}
	g, err := b.build()
	b.st.Duration = time.Since(t0)
	if err != nil {
		return nil, &b.st, err
	}
	return g, &b.st, nil
}

// passResult is what one pass read: bytes, and data blocks fully decoded.
type passResult struct {
	bytes  int64
	blocks int64
}

// scanPass reads r from its start with a scanner set up by setup, calling
// each for every object handed over, and reports progress by bytes.
func scanPass(ctx context.Context, r io.ReadSeeker, pass int, size int64, procs int, progress func(int, int64, int64),
	setup func(*osmpbf.Scanner), each func(osm.Object)) (passResult, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return passResult{}, fmt.Errorf("road: pass %d: %w", pass, err)
	}
	cr := &countingReader{r: r, pass: pass, total: size, progress: progress}
	sc := osmpbf.New(ctx, cr, procs)
	defer sc.Close()
	sc.SkipRelations = true
	setup(sc)
	for sc.Scan() {
		each(sc.Object())
	}
	res := passResult{bytes: cr.n.Load()}
	if sc.FullyScannedBytes() > 0 {
		res.blocks = 1
	}
	if err := sc.Err(); err != nil {
		if ctx.Err() != nil {
			return res, fmt.Errorf("road: reading PBF: %w", ctx.Err())
		}
		what := [3]string{"", "ways", "nodes"}[pass]
		return res, fmt.Errorf("%w: pass %d (%s), after %d of %d bytes: %w", ErrBadPBF, pass, what, cr.n.Load(), size, err)
	}
	if progress != nil {
		progress(pass, cr.n.Load(), size)
	}
	return res, nil
}

// FromOSM builds the routable graph of the highways in o (generated or read
// elsewhere), with the same rules as ReadPBF.
func FromOSM(o *osm.OSM, opts Options) (*Graph, *Stats, error) {
	t0 := time.Now()
	if o == nil {
		return nil, nil, ErrNoRoads
	}
	b := newBuilder(opts)
	for _, w := range o.Ways {
		b.addWay(int64(w.ID), w.Tags, func(yield func(int64) bool) {
			for _, wn := range w.Nodes {
				if !yield(int64(wn.ID)) {
					return
				}
			}
		})
	}
	b.st.WaysRead = len(o.Ways)
	b.st.NodesRead = len(o.Nodes)
	if err := b.indexNodes(); err != nil {
		return nil, &b.st, err
	}
	for _, n := range o.Nodes {
		b.addNode(int64(n.ID), n.Lat, n.Lon)
	}
	g, err := b.build()
	b.st.Duration = time.Since(t0)
	if err != nil {
		return nil, &b.st, err
	}
	return g, &b.st, nil
}

// countingReader counts the bytes read and reports them. The osmpbf
// decoder reads from its own goroutine while the scan loop reads the
// count: n is atomic (go test -race found the plain int64).
type countingReader struct {
	r        io.Reader
	n        atomic.Int64
	pass     int
	total    int64
	progress func(pass int, read, total int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	read := c.n.Add(int64(n))
	if c.progress != nil && n > 0 {
		c.progress(c.pass, read, c.total)
	}
	return n, err
}
