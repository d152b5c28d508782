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
// in proportion to the overlapping area. H3 defines its cells face by face
// on an icosahedron: a point belongs to the face whose centre is nearest, is
// projected gnomonically onto that face's tangent plane, and falls in a
// hexagon of a regular lattice there (h3plane.go reproduces this in Go; its
// tests compare the face, hexagon, index, centre and six corners with h3-go
// on 20,000 random points per resolution and on dense patches). So the
// Spreader works in that plane, where the cells are exact hexagons: each
// grid corner is inverse-projected from EPSG:3035 and projected onto the
// face (no H3 call), the square becomes a quadrilateral, and the hexagons of
// its bounding box are clipped against it (the hexagon as three slabs, with
// separating-axis tests to skip or take whole the hexagons clear of its
// edges). A hexagon's H3 index is computed in Go from its lattice position,
// as H3's _faceIjkToH3 does; the base-cell orientation behind each of the
// face's resolution-0 positions is learnt from the library the first time
// it is met (a handful of h3.LatLngToCell calls per territory), and cells
// of the twelve pentagon base cells are always asked of the library.
//
// Two approximations remain, both far below the needs of the planner. The
// square's edges are straight in EPSG:3035 but are taken as straight in the
// face's plane: the departure is about 0.5 mm over a 200 m edge and 13 mm
// over 1 km, moving at most a few 1e-6 of a square between two cells
// (TestSpreadPlaneMatchesLAEA measures the largest share difference against
// the EPSG:3035 method below: 3.5e-6 for 200 m squares at resolutions 8 to
// 10). And areas in the face's plane are not true areas: each piece is
// weighted by 1 + ∇ln J·(centroid − square centre), J being the ratio of
// ellipsoidal to plane area (the gnomonic factor (1+ρ²)^(−3/2) times M·N(φ),
// H3 taking geodetic coordinates as spherical), which leaves a relative
// error of order (side/R)² ≈ 1e-9. Each square's fractions are then
// normalised to sum to 1, so totals, overall and per commune, are preserved
// to rounding whatever the residual error.
//
// Squares near an edge between two faces (within four cell edges plus the
// square's diagonal: the edge between faces 3 and 4 crosses France from the
// Pyrenees to the Ardennes, about 0.4 % of the squares at resolution 9) and
// squares larger than 1 km are spread in the EPSG:3035 plane instead, where
// the square is exact: each cell's boundary vertices (from H3) are projected
// with ToLAEA and joined by straight segments, and the cell is clipped by the
// square. H3 cell edges are arcs there; the largest share difference between
// the two methods, 3.4e-5 of a 200 m square at resolution 7 (1.2 km cell
// edges) and 3.5e-6 at resolutions 8 to 10, bounds that error. The cells
// overlapping such a square are found from the cells of its four corners,
// then by probing just beyond each cell edge that crosses the square (one
// LatLngToCell per probe), and, if area is still unaccounted for, by a
// breadth-first search through neighbours; a corner is first tested (point
// in polygon) against the outlines of the cells already known around it, and
// H3 is asked only if none holds it by more than 5 mm.
//
// Squares are swept south to north, row by row, so each grid corner is
// projected once and shared by the up to four squares meeting there.
package geo
