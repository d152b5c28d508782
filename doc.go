// Package maillage holds the value types of a territory that the planner reasons
// about: population attributes (persons and households from INSEE Filosofi
// grids), H3 cells, communes, the places that offer digital-mediation help
// (venues) with their weekly opening hours, and validation findings.
//
// The package holds no behaviour beyond small methods on these values. Sibling
// packages provide the work: geo (projections, H3, spatial index, travel
// times), data (readers for the real open-data files, territory files, the
// demo territory), coverage (demand, coverage, accessibility, gaps, proposals,
// scenarios) and web (the HTTP API). See INTERNALS.md for the design.
package maillage
