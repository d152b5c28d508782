package main

import (
	"context"
	"errors"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/internal/progress"
	"github.com/paulmach/osm"
)

// Readers are the readers and builders that other packages provide, as the
// ingest command and the demo territory call them. DefaultReaders gives the
// real ones; tests substitute fakes.
type Readers struct {
	// Cells reads INSEE Filosofi grid files (CSV or zip) and spreads their
	// squares over H3 cells at resolution res, preserving every total. It
	// returns the cells sorted by H3 index, their per-commune parts, the
	// communes the grid names (Part.Commune and Cell.Commune index this
	// list; geometry may be nil) and findings. bar may be advanced per square.
	Cells func(ctx context.Context, grids []string, res int, bar *progress.Bar) (cells []maillage.Cell, parts []maillage.Part, communes []maillage.Commune, findings []maillage.Finding, err error)
	// Venues reads one venue file (national schema CSV/JSON, France Services
	// CSV): the venues kept and the findings (rejected rows included).
	Venues func(path string) ([]maillage.Venue, []maillage.Finding, error)
	// Merge counts once the venues that two sources list (nil: no merging).
	Merge func(venues []maillage.Venue) ([]maillage.Venue, []maillage.Finding)
	// Roads reads an OpenStreetMap .osm.pbf file and returns the encoded road
	// graph (geo/road) to store in Territory.Roads.
	Roads func(ctx context.Context, path string) ([]byte, error)
	// DemoRoads turns the demo territory's generated OSM data into an encoded
	// road graph (nil: the demo territory has no roads; travel is crow-fly).
	DemoRoads func(o *osm.OSM) ([]byte, error)
}

// errNotWired is returned by readers that are not plugged in yet.
var errNotWired = errors.New("not wired yet")

// DefaultReaders returns the real readers.
//
// WIRE HERE: the coordinator replaces the placeholders below with
//
//	Cells:     data.ReadGrid for each file, then data.BuildCells (squares → H3)
//	Venues:    data.ReadVenues
//	Merge:     data.MergeVenues
//	Roads:     road.ReadPBF, road.FromOSM, (*road.Graph).MarshalBinary
//	DemoRoads: road.FromOSM(o, opts), (*road.Graph).MarshalBinary
func DefaultReaders() Readers {
	return Readers{
		Cells: func(context.Context, []string, int, *progress.Bar) ([]maillage.Cell, []maillage.Part, []maillage.Commune, []maillage.Finding, error) {
			return nil, nil, nil, nil, errors.New("grid reader: " + errNotWired.Error())
		},
		Venues: func(string) ([]maillage.Venue, []maillage.Finding, error) {
			return nil, nil, errors.New("venue reader: " + errNotWired.Error())
		},
		Roads: func(context.Context, string) ([]byte, error) {
			return nil, errors.New("OSM road reader: " + errNotWired.Error())
		},
	}
}
