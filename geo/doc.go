// Package geo holds the geometry of the planner: the ETRS89-LAEA projection
// of the INSEE grids (EPSG:3035), the bridge between orb and H3, and the
// spreading of grid squares onto H3 cells.
//
// # Units and axis order
//
// Geographic points are orb.Point{lon, lat} in WGS84 degrees everywhere in
// the module; h3.LatLng{Lat, Lng} has the opposite order and is converted only
// by ToLatLng and FromLatLng. Projected EPSG:3035 points are
// orb.Point{easting, northing} in metres (x east, y north), which is the
// opposite of EPSG:3035's official axis order (northing first, as printed by
// PROJ's cs2cs). Areas are in square metres. ETRS89 and WGS84 are treated as
// the same datum (they differ by well under a metre in France).
//
// # Projection
//
// ToLAEA and FromLAEA implement the ellipsoidal Lambert azimuthal equal-area
// formulas of EPSG Guidance Note 7-2 (Snyder 1987). The inverse latitude uses
// the three-term authalic series, accurate to under a millimetre. Tests
// compare both directions with the Guidance Note's worked example and with
// points computed by PROJ 9.1.1 (cs2cs): agreement is better than 1 mm.
//
// # Squares onto H3
//
// A Spreader gives each H3 cell overlapping a square the share of the square
// in proportion to the overlapping area. The work is done in the EPSG:3035
// plane, where the square is exact: each cell's boundary vertices (from H3)
// are projected with ToLAEA and joined by straight segments, and the cell is
// clipped by the square (Sutherland–Hodgman, the square being the convex clip
// window). H3 cell edges are arcs, not straight lines, in this plane; over a
// resolution-7 edge (≈1.2 km) the departure from the chord is of the order
// of L²·|∇ln k|/8 with |∇ln k| < 1e-8 /m for LAEA over France, i.e. under
// 2 mm, and under 0.1 mm at resolution 9 (≈175 m edges). The shares are
// therefore exact to about 1e-6 of a square, and the fractions of each square
// are normalised to sum to 1, so totals (overall and per commune) are
// preserved to rounding whatever the residual error.
//
// The overlapping cells are found from the cells of the four corners, then
// by probing just beyond each cell edge that crosses the square (one
// LatLngToCell per probe), and, only if area is still unaccounted for, by a
// breadth-first search through neighbours of cells that overlap, which stops
// once the cells found cover the square. Squares are swept south to
// north, row by row, so each grid corner is located once and shared by the
// up to four squares meeting there; a corner is first tested (point in
// polygon, in the plane) against the outlines of the cells already known
// around it, and H3's LatLngToCell is asked only if none holds it by more
// than 5 mm (a margin well above the arc deviation below). When all four
// corners fall in one cell the whole square goes to it: the projected
// hexagon is convex to within the arc deviation above, so the part of the
// square it could miss is below 0.1 mm × perimeter (≈1e-6 of the square).
// Cell boundaries are cached while the sweep (south to north) can still meet
// them.
package geo
