package data

import (
	"context"
	"errors"
	"fmt"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo/road"
)

// Readers are the readers Build calls for each kind of source.
// DefaultReaders gives the real ones; tests substitute fakes.
type Readers struct {
	// Cells reads INSEE Filosofi grid files (CSV or zip) and spreads their
	// squares over H3 cells at resolution res, preserving every total. It
	// returns the cells sorted by H3 index, their per-commune parts, the
	// communes the grid names (Part.Commune and Cell.Commune index this
	// list; geometry may be nil) and findings. bar may be advanced per square.
	Cells func(ctx context.Context, grids []string, res int, bar Counter) (cells []maillage.Cell, parts []maillage.Part, communes []maillage.Commune, findings []maillage.Finding, err error)
	// Venues reads one venue file (national schema CSV/JSON, France Services
	// CSV): the venues kept and the findings (rejected rows included).
	Venues func(path string) ([]maillage.Venue, []maillage.Finding, error)
	// Merge counts once the venues that two sources list (nil: no merging).
	Merge func(venues []maillage.Venue) ([]maillage.Venue, []maillage.Finding)
	// Roads reads an OpenStreetMap .osm.pbf file and returns the encoded road
	// graph (geo/road) to store in Territory.Roads, with what the reader
	// found; opts carries the memory budget and the progress callback.
	Roads func(ctx context.Context, path string, opts road.Options) ([]byte, *road.Stats, error)
}

// ErrGridOverlap is returned when grid files give the same square twice, or
// squares of different sizes (which cover the same people).
var ErrGridOverlap = errors.New("data: grids overlap")

// ErrNoReader is returned when Build lacks a reader its inputs need (fake
// Readers without one).
var ErrNoReader = errors.New("data: no reader for this input")

// DefaultReaders returns the real readers: the INSEE grid reader and the
// square-to-H3 spreader, the venue readers and cross-source merging, and the
// OpenStreetMap road-graph builder (geo/road).
func DefaultReaders() Readers {
	return Readers{
		Cells:  readCells,
		Venues: ReadVenues,
		Merge: func(v []maillage.Venue) ([]maillage.Venue, []maillage.Finding) {
			return MergeVenues(v)
		},
		Roads: func(ctx context.Context, path string, opts road.Options) ([]byte, *road.Stats, error) {
			g, st, err := road.ReadPBFFile(ctx, path, opts)
			if err != nil {
				return nil, st, err
			}
			b, err := g.MarshalBinary()
			return b, st, err
		},
	}
}

// orDefault returns the real readers when r is the zero value (none given),
// else r as it is: a test's fakes, Merge nil meaning no merging.
func (r Readers) orDefault() Readers {
	if r.Cells == nil && r.Venues == nil && r.Merge == nil && r.Roads == nil {
		return DefaultReaders()
	}
	return r
}

// readCells reads every grid file and spreads all their squares over H3
// cells in one pass, so a square's population lands once whatever the file.
func readCells(ctx context.Context, grids []string, res int, _ Counter) ([]maillage.Cell, []maillage.Part, []maillage.Commune, []maillage.Finding, error) {
	var squares []Square
	// Squares already seen → the file that gave them: ReadGrid refuses
	// duplicates within a file, so this is only needed across files (a
	// national grid would otherwise fill a map of 2.3 million entries).
	type key struct{ e, n int32 }
	var seen map[key]int
	if len(grids) > 1 {
		seen = map[key]int{}
	}
	size, sizeFile := int32(0), ""
	for fi, path := range grids {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, nil, err
		}
		g, err := ReadGrid(path)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		for _, sq := range g.Squares {
			if size == 0 {
				size, sizeFile = sq.Size, path
			}
			if sq.Size != size {
				return nil, nil, nil, nil, fmt.Errorf("%w: %s has %d m squares and %s %d m squares: the same people would be counted twice; give grids of one square size",
					ErrGridOverlap, sizeFile, size, path, sq.Size)
			}
			if seen == nil {
				continue
			}
			k := key{sq.E, sq.N}
			if f, dup := seen[k]; dup {
				return nil, nil, nil, nil, fmt.Errorf("%w: square %s is in %s and in %s (line %d): the same people would be counted twice",
					ErrGridOverlap, sq.ID(), grids[f], path, sq.Line)
			}
			seen[k] = fi
		}
		if squares == nil {
			squares = g.Squares // one grid: no copy
		} else {
			squares = append(squares, g.Squares...)
		}
	}
	cells, parts, codes, err := BuildCells(squares, res)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	communes := make([]maillage.Commune, len(codes))
	for i, c := range codes {
		communes[i].Code = c
	}
	return cells, parts, communes, nil, nil
}
