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
	// EPCI is the SIREN code of the intercommunality (Territory.EPCIs) the
	// commune belongs to; "" when the territory was built without the EPCI
	// list.
	EPCI string
}

// EPCI is an intercommunality (établissement public de coopération
// intercommunale: métropole, communauté urbaine, d'agglomération, de
// communes), from the official list.
type EPCI struct {
	Code string // SIREN, e.g. "243300316"
	Name string // e.g. "Bordeaux Métropole"
	Type string // METRO, CU, CA, CC, MET69
}

// Roll-up levels: a summary per commune, per EPCI or per département.
const (
	LevelCommune     = "commune"
	LevelEPCI        = "epci"
	LevelDepartement = "departement"
)

// DepartementOf returns the département code of an INSEE commune code: the
// first two characters ("33", "2A"), three for the overseas départements
// ("971" … "976"); "" for a code too short.
func DepartementOf(code string) string {
	switch {
	case len(code) < 2:
		return ""
	case code[:2] == "97" && len(code) >= 3:
		return code[:3]
	}
	return code[:2]
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
	// EPCIs are the intercommunalities of the communes (Commune.EPCI), in
	// code order; empty when the territory was built without the EPCI list,
	// and then only the commune and département levels are known.
	EPCIs []EPCI
	// UnmappedCodes are the grid's commune codes that the current commune
	// list knows under no current or former code (kept as they are); empty
	// without a commune list.
	UnmappedCodes []string

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

// EPCI returns the EPCI of code, or false.
func (t *Territory) EPCI(code string) (EPCI, bool) {
	for _, e := range t.EPCIs {
		if e.Code == code {
			return e, true
		}
	}
	return EPCI{}, false
}
