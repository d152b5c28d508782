package geo

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// ToLatLng converts an orb point {lon, lat} (degrees) to an h3.LatLng
// {Lat, Lng} (degrees). It and FromLatLng are the only places in the module
// that swap the axis order.
func ToLatLng(p orb.Point) h3.LatLng {
	return h3.LatLng{Lat: p[1], Lng: p[0]}
}

// FromLatLng converts an h3.LatLng {Lat, Lng} (degrees) to an orb point
// {lon, lat} (degrees).
func FromLatLng(g h3.LatLng) orb.Point {
	return orb.Point{g.Lng, g.Lat}
}

// CellCenter returns the WGS84 centre {lon, lat} of an H3 cell, or
// {NaN, NaN} if c is not a valid cell.
func CellCenter(c h3.Cell) orb.Point {
	g, err := h3.CellToLatLng(c)
	if err != nil || !c.IsValid() {
		return orb.Point{math.NaN(), math.NaN()}
	}
	return FromLatLng(g)
}

// CellPolygon returns the WGS84 outline of an H3 cell as a closed,
// counter-clockwise ring {lon, lat}, or nil if c is not a valid cell.
func CellPolygon(c h3.Cell) orb.Polygon {
	ring, err := AppendCellRing(nil, c)
	if err != nil {
		return nil
	}
	return orb.Polygon{ring}
}

// ErrInvalidCell is returned for an H3 index that is not a valid cell.
var ErrInvalidCell = errors.New("geo: invalid H3 cell")

// AppendCellRing appends the outline of cell c to dst (cleared first) as a
// closed, counter-clockwise (RFC 7946) ring {lon, lat} and returns it: the
// one place where H3's {Lat, Lng} boundary becomes orb's {lon, lat}. Callers
// encoding many cells reuse dst.
func AppendCellRing(dst orb.Ring, c h3.Cell) (orb.Ring, error) {
	if !c.IsValid() {
		return nil, fmt.Errorf("%w: %v", ErrInvalidCell, c)
	}
	b, err := h3.CellToBoundary(c)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("%w: %v: %v", ErrInvalidCell, c, err)
	}
	ring := dst[:0]
	for _, g := range b {
		ring = append(ring, FromLatLng(g))
	}
	ring = append(ring, ring[0])
	if ring.Orientation() == orb.CW {
		ring.Reverse()
	}
	return ring, nil
}

// CellsPolygon returns the outline of a set of cells as an orb.MultiPolygon
// with closed rings, exterior rings counter-clockwise and holes clockwise
// (RFC 7946 §3.1.6).
func CellsPolygon(cells []h3.Cell) (orb.MultiPolygon, error) {
	gps, err := h3.CellsToMultiPolygon(cells)
	if err != nil {
		return nil, fmt.Errorf("geo: outline of %d cells: %w", len(cells), err)
	}
	mp := make(orb.MultiPolygon, 0, len(gps))
	for _, gp := range gps {
		poly := orb.Polygon{loopRing(gp.GeoLoop, orb.CCW)}
		for _, h := range gp.Holes {
			poly = append(poly, loopRing(h, orb.CW))
		}
		mp = append(mp, poly)
	}
	return mp, nil
}

// loopRing converts an H3 loop (lat, lng) to a closed orb.Ring ({lon, lat})
// wound as want.
func loopRing(l h3.GeoLoop, want orb.Orientation) orb.Ring {
	r := make(orb.Ring, 0, len(l)+1)
	for _, ll := range l {
		r = append(r, FromLatLng(ll))
	}
	if len(r) > 0 && r[0] != r[len(r)-1] {
		r = append(r, r[0])
	}
	if r.Orientation() != want {
		r.Reverse()
	}
	return r
}
