package layer

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"
)

// MaxTileZoom is the deepest zoom level a tile may be asked at.
const MaxTileZoom = 22

// TileBuffer is how far beyond the tile's edge geometry is kept, in tile
// units (of mvt.DefaultExtent = 4096): enough for strokes not to show seams,
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
// one layer named l.ID (extent 4096): geometry projected to the tile,
// clipped TileBuffer units beyond its edge and simplified by one unit, the
// fields as tags (nil, NaN and ±Inf left out, lists joined by ListSeparator), NumID as
// the feature id. It returns nil and 0 features when the tile is empty.
func Tile(l *Layer, t maptile.Tile) ([]byte, int, error) {
	fc := geojson.NewFeatureCollection()
	b := t.Bound()
	dx, dy := (b.Max[0]-b.Min[0])*TileBuffer/mvt.DefaultExtent, (b.Max[1]-b.Min[1])*TileBuffer/mvt.DefaultExtent
	q := Query{Bound: orb.Bound{Min: orb.Point{b.Min[0] - dx, b.Min[1] - dy}, Max: orb.Point{b.Max[0] + dx, b.Max[1] + dy}}, Zoom: int(t.Z)}
	if q.Zoom == 0 {
		q.Zoom = -1 // zoom 0 is the most generalised view, not "full detail"
	}
	err := l.Iterate(q, func(f *Feature) error {
		g, err := f.Geometry()
		if err != nil {
			return fmt.Errorf("layer %s: feature %s: %w", l.ID, f.ID, err)
		}
		if g == nil {
			return nil
		}
		gf := geojson.NewFeature(orb.Clone(g))
		if f.NumID != 0 {
			gf.ID = f.NumID
		}
		for i, fd := range l.Fields {
			if i >= len(f.Values) || f.Values[i] == nil {
				continue
			}
			switch v := f.Values[i].(type) {
			case []string:
				gf.Properties[fd.Name] = Text(v)
			case float64:
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					gf.Properties[fd.Name] = v
				}
			default:
				gf.Properties[fd.Name] = v
			}
		}
		fc.Append(gf)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	ml := mvt.NewLayer(l.ID, fc)
	ml.Version = 2 // the Mapbox Vector Tile 2.x specification
	ml.ProjectToTile(t)
	ml.Clip(orb.Bound{Min: orb.Point{-TileBuffer, -TileBuffer}, Max: orb.Point{mvt.DefaultExtent + TileBuffer, mvt.DefaultExtent + TileBuffer}})
	if l.Geometry != Point {
		ml.Simplify(simplify.DouglasPeucker(1.0))
		ml.RemoveEmpty(1.0, 1.0)
	}
	if len(ml.Features) == 0 {
		return nil, 0, nil
	}
	data, err := mvt.Marshal(mvt.Layers{ml})
	if err != nil {
		return nil, 0, fmt.Errorf("layer %s: tile %d/%d/%d: %w", l.ID, t.Z, t.X, t.Y, err)
	}
	return data, len(ml.Features), nil
}
