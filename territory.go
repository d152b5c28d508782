package maillage

import (
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// Cell is one populated H3 cell of a territory.
type Cell struct {
	H3      h3.Cell
	Center  orb.Point // WGS84 centre of the cell
	Pop     Pop       // every attribute, summed over the cell's parts
	Commune int32     // index in Territory.Communes of the commune holding most of Pop[Ind], -1 if none
	// Parts is the range [PartStart, PartEnd) of Territory.Parts: the cell's
	// population split by commune code, so per-commune totals stay exact when a
	// cell straddles a commune boundary. It may be empty for a cell within one
	// commune (data.BuildCells leaves it so): Commune then holds all of Pop.
	PartStart, PartEnd int32
}

// Part is the share of one cell's population that belongs to one commune.
type Part struct {
	Cell    int32 // index in Territory.Cells
	Commune int32 // index in Territory.Communes
	Pop     Pop
}

// Commune is a French commune (INSEE code and name), with its outline when
// boundaries were given.
type Commune struct {
	Code     string
	Name     string
	Geometry orb.MultiPolygon // WGS84; nil when unknown
	Center   orb.Point        // a representative point (the town hall if known, else the centroid)
}

// Territory is everything the planner knows about a study area: people on an
// H3 grid, the communes, the places that offer help, the road network, and the
// findings made while reading the sources.
type Territory struct {
	Name       string
	Fictional  bool // true for the embedded demo territory
	Resolution int  // H3 resolution of Cells

	Cells    []Cell // sorted by H3 index
	Parts    []Part // sorted by Cell
	Communes []Commune
	Venues   []Venue

	// Roads is the road network as an encoded graph (see package geo/road),
	// or nil when the territory has none and travel falls back to crow-fly.
	Roads []byte

	Findings []Finding
	// VenuesRead counts every venue record read from the sources, before
	// rejection and merging.
	VenuesRead int
	// VenuesOutside counts the venues read but left out because they lie
	// beyond the study area's buffer (national lists cut to the territory).
	VenuesOutside int
	Sources       []string // the files the territory was built from
}
