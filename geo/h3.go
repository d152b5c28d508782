package geo

import (
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
	if !c.IsValid() {
		return nil
	}
	b, err := h3.CellToBoundary(c)
	if err != nil || len(b) == 0 {
		return nil
	}
	ring := make(orb.Ring, 0, len(b)+1)
	for _, g := range b {
		ring = append(ring, FromLatLng(g))
	}
	ring = append(ring, ring[0])
	return orb.Polygon{ring}
}
