// Package data reads the open-data files the planner is built from — INSEE
// Filosofi population grids, venue lists, commune boundaries — into the
// value types of package maillage, validating every record, and builds
// territories from them.
//
// Readers never panic on bad input: a malformed file gives a typed error
// naming the file, line, field and reason; a doubtful record in an otherwise
// sound file becomes a maillage.Finding. Counts of persons and households are
// float64 (INSEE imputes small squares, so counts may be fractional).
//
// # Filosofi grids
//
// ReadGrid reads the 200 m and 1 km squares of the 2015, 2017 and 2019
// Filosofi releases (column names in any case; `,` or `;` separator,
// detected from the header; a plain CSV or the .zip INSEE distributes).
// BuildCells moves the squares onto H3 cells in proportion to area (see
// package geo), keeping every attribute's total exact overall and per
// commune code.
//
// In the 2017 and 2019 releases `lcog_geo` lists the code of every commune a
// square touches, concatenated (e.g. "3306333318" for a square on the border
// of 33063 and 33318); the square's population is not split between them in
// the data, so the reader keeps the first five characters as the square's
// commune and the totals per commune code are those of the file.
package data
