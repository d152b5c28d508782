package layer

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"
)

// MaxTileZoom is the deepest zoom level a tile may be asked at.
const MaxTileZoom = 22

// TileBuffer is how far beyond the tile's edge geometry is kept, in tile
// units (of the 4096 a tile spans): enough for strokes not to show seams,
// little enough that a reader finds every feature within the tile's box
// widened by 64/4096 of its size.
const TileBuffer = 64

// CheckTile returns an error wrapping ErrInvalid unless z, x, y name a tile
// of the XYZ grid (0 ≤ z ≤ MaxTileZoom, 0 ≤ x, y < 2^z; rows counted from
// the north, not TMS).
func CheckTile(z, x, y int) (maptile.Tile, error) {
	if z < 0 || z > MaxTileZoom {
		return maptile.Tile{}, fmt.Errorf("%w: tile zoom %d outside [0, %d]", ErrInvalid, z, MaxTileZoom)
	}
	n := 1 << z
	if x < 0 || x >= n || y < 0 || y >= n {
		return maptile.Tile{}, fmt.Errorf("%w: tile %d/%d/%d outside the grid (x and y in [0, %d] at zoom %d)", ErrInvalid, z, x, y, n-1, z)
	}
	return maptile.New(uint32(x), uint32(y), maptile.Zoom(z)), nil
}

// Tile encodes the features of l in tile t as a Mapbox Vector Tile 2.1 with
// one layer named l.ID (version 2, extent 4096): geometry projected to the
// tile, simplified by one unit (outlines with many vertices: communes,
// zones), clipped TileBuffer units beyond its edge, the fields as tags (nil,
// NaN and ±Inf left out, lists joined by ListSeparator), NumID as the
// feature id (see tileEncoder). It returns nil and 0 features when the tile
// is empty.
func Tile(l *Layer, t maptile.Tile) ([]byte, int, error) { return TileWith(l, t, TileOptions{}) }

// MaxFullTile is the most features a tile asked for in full detail holds
// (TileOptions.Full): beyond, it is generalised as usual. 50,000 H3 cells
// make a tile of about 2 MB before gzip, encoded in about 50 ms.
const MaxFullTile = 50_000

// TileOptions are a tile's optional settings.
type TileOptions struct {
	// Full asks for the features at full detail wherever the tile holds at
	// most MaxFullTile of them (see Query.FullUpTo), instead of generalised
	// for the tile's zoom.
	Full bool
}

// TileWith is Tile with options.
func TileWith(l *Layer, t maptile.Tile, opt TileOptions) ([]byte, int, error) {
	b := t.Bound()
	dx, dy := (b.Max[0]-b.Min[0])*TileBuffer/4096, (b.Max[1]-b.Min[1])*TileBuffer/4096
	q := Query{Bound: orb.Bound{Min: orb.Point{b.Min[0] - dx, b.Min[1] - dy}, Max: orb.Point{b.Max[0] + dx, b.Max[1] + dy}}, Zoom: int(t.Z)}
	if opt.Full {
		q.FullUpTo = MaxFullTile
	}
	if q.Zoom == 0 {
		q.Zoom = -1 // zoom 0 is the most generalised view, not "full detail"
	}
	e := newTileEncoder(t, len(l.Fields))
	defer e.release()
	simplifier := simplify.DouglasPeucker(1.0)
	err := l.Iterate(q, func(f *Feature) error {
		g, err := f.Geometry()
		if err != nil {
			return fmt.Errorf("layer %s: feature %s: %w", l.ID, f.ID, err)
		}
		if g == nil {
			return nil
		}
		g = e.projectGeom(g) // scratch: layers may share their geometry
		if l.Geometry == MultiPolygon || l.Geometry == LineString {
			g = simplifier.Simplify(g)
		}
		if g = clipTile(g, e.inner); g == nil {
			return nil
		}
		e.add(l, f, g)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if e.nfeat == 0 {
		return nil, 0, nil
	}
	return e.bytes(l.ID), e.nfeat, nil
}
