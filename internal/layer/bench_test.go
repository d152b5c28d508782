package layer

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/uber/h3-go/v4"
)

// hexLayer is the resolution-8 hexagons of a z10 tile over Bordeaux with
// 18 numeric fields, like the cells layer at that zoom.
func hexLayer(b *testing.B) (*Layer, maptile.Tile) {
	tile := maptile.At(orb.Point{-0.5792, 44.8378}, 10)
	bd := tile.Bound()
	poly := h3.GeoPolygon{GeoLoop: h3.GeoLoop{{Lat: bd.Min[1], Lng: bd.Min[0]}, {Lat: bd.Min[1], Lng: bd.Max[0]}, {Lat: bd.Max[1], Lng: bd.Max[0]}, {Lat: bd.Max[1], Lng: bd.Min[0]}}}
	cells, err := h3.PolygonToCells(poly, 8)
	if err != nil {
		b.Fatal(err)
	}
	fields := make([]Field, 18)
	for i := range fields {
		fields[i] = Field{Name: string(rune('a'+i)) + "_field", Kind: Number}
	}
	type row struct {
		g    orb.Polygon
		vals []any
	}
	rows := make([]row, len(cells))
	for i, c := range cells {
		bnd, _ := h3.CellToBoundary(c)
		r := orb.Ring{}
		for _, ll := range bnd {
			r = append(r, orb.Point{ll.Lng, ll.Lat})
		}
		r = append(r, r[0])
		vals := make([]any, len(fields))
		for k := range vals {
			vals[k] = float64(i*7+k) / 3
		}
		rows[i] = row{orb.Polygon{r}, vals}
	}
	l := &Layer{ID: "cells", Geometry: Polygon, Fields: fields, Each: func(q Query, fn func(*Feature) error) error {
		f := &Feature{}
		for i := range rows {
			f.ID, f.NumID, f.Geom, f.Values = "", uint64(cells[i]), rows[i].g, rows[i].vals
			if err := fn(f); err != nil {
				return err
			}
		}
		return nil
	}}
	b.Logf("%d hexagons", len(rows))
	return l, tile
}

// BenchmarkTileEncoders compares layer.Tile with orb's encoding/mvt on the
// same features (what Tile used before): run both in one go to read the
// ratio, go test ./internal/layer -run '^$' -bench TileEncoders.
func BenchmarkTileEncoders(b *testing.B) {
	l, tile := hexLayer(b)
	b.Run("layer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, n, err := Tile(l, tile); err != nil || n == 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("orb-mvt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fc := geojson.NewFeatureCollection()
			l.Iterate(Query{}, func(f *Feature) error {
				gf := geojson.NewFeature(orb.Clone(f.Geom))
				gf.ID = f.NumID
				for i, fd := range l.Fields {
					gf.Properties[fd.Name] = f.Values[i]
				}
				fc.Append(gf)
				return nil
			})
			ml := mvt.NewLayer(l.ID, fc)
			ml.Version = 2
			ml.ProjectToTile(tile)
			ml.Clip(orb.Bound{Min: orb.Point{-TileBuffer, -TileBuffer}, Max: orb.Point{4096 + TileBuffer, 4096 + TileBuffer}})
			if _, err := mvt.Marshal(mvt.Layers{ml}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
