package gpkg

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/wkb"

	"github.com/maillage/maillage/internal/layer"
)

func pointsLayer(id string, pts []orb.Point) *layer.Layer {
	return &layer.Layer{
		ID: id, Title: "Points " + id, Geometry: layer.Point,
		Fields: []layer.Field{{Name: "name", Kind: layer.String}, {Name: "x", Kind: layer.Number}, {Name: "tags", Kind: layer.Strings}, {Name: "ok", Kind: layer.Boolean}},
		Each: func(q layer.Query, fn func(*layer.Feature) error) error {
			for i, p := range pts {
				f := &layer.Feature{ID: id + string(rune('a'+i)), Geom: p, Values: []any{"p", float64(i) / 2, []string{"u", "v"}, i%2 == 0}}
				if i == 1 {
					f.Values[1] = math.Inf(1) // written as NULL
				}
				if err := fn(f); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func polyLayer() *layer.Layer {
	mp := orb.MultiPolygon{{{{0, 45}, {1, 45}, {1, 46}, {0, 45}}}, {{{2, 45}, {3, 45}, {3, 46}, {2, 45}}, {{2.5, 45.2}, {2.6, 45.2}, {2.6, 45.3}, {2.5, 45.2}}}}
	return &layer.Layer{ID: "zones-a", Geometry: layer.MultiPolygon, Fields: []layer.Field{{Name: "n", Kind: layer.Integer}},
		Each: func(q layer.Query, fn func(*layer.Feature) error) error {
			return fn(&layer.Feature{ID: "1", Geom: mp, Values: []any{7}})
		}}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.gpkg")
	pts := []orb.Point{{-0.58, 44.84}, {2.35, 48.85}, {5.37, 43.3}}
	rep, err := Write(context.Background(), path, []*layer.Layer{pointsLayer("venues", pts), polyLayer()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Features["venues"] != 3 || rep.Features["zones-a"] != 1 {
		t.Fatalf("report %+v", rep)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var app, ver int64
	db.QueryRow("PRAGMA application_id").Scan(&app)
	db.QueryRow("PRAGMA user_version").Scan(&ver)
	if app != 0x47504B47 || ver != 10300 {
		t.Fatalf("application_id %x, user_version %d", app, ver)
	}
	var minX, maxY float64
	var srs int
	if err := db.QueryRow("SELECT min_x, max_y, srs_id FROM gpkg_contents WHERE table_name='venues'").Scan(&minX, &maxY, &srs); err != nil || minX != -0.58 || maxY != 48.85 || srs != 4326 {
		t.Fatalf("contents: %v %v %v %v", minX, maxY, srs, err)
	}
	var n, ni int
	db.QueryRow(`SELECT COUNT(*) FROM "venues"`).Scan(&n)
	db.QueryRow(`SELECT COUNT(*) FROM "rtree_venues_geom" WHERE minx <= 3 AND maxx >= 2 AND miny <= 49 AND maxy >= 48`).Scan(&ni)
	if n != 3 || ni != 1 {
		t.Fatalf("%d rows, %d in the Paris box", n, ni)
	}
	rows, err := db.Query(`SELECT geom, feature_id, x, tags, ok FROM "venues" ORDER BY fid`)
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for rows.Next() {
		var blob []byte
		var id, tags string
		var x sql.NullFloat64
		var ok bool
		if err := rows.Scan(&blob, &id, &x, &tags, &ok); err != nil {
			t.Fatal(err)
		}
		if string(blob[:2]) != "GP" || blob[3] != 0x03 || binary.LittleEndian.Uint32(blob[4:8]) != 4326 {
			t.Fatalf("header % x", blob[:8])
		}
		g, err := wkb.Unmarshal(blob[40:])
		if err != nil {
			t.Fatal(err)
		}
		p := g.(*geom.Point)
		if p.X() != pts[k][0] || p.Y() != pts[k][1] || tags != "u|v" || ok != (k%2 == 0) || x.Valid != (k != 1) {
			t.Fatalf("row %d: %v %v %q %v %v", k, p.Coords(), id, tags, ok, x)
		}
		k++
	}
	var blob []byte
	db.QueryRow(`SELECT geom FROM "zones-a"`).Scan(&blob)
	g, err := wkb.Unmarshal(blob[40:])
	if mp, ok := g.(*geom.MultiPolygon); err != nil || !ok || mp.NumPolygons() != 2 || mp.Polygon(1).NumLinearRings() != 2 {
		t.Fatalf("multipolygon: %v %T", err, g)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Fatalf("left behind: %v", es)
	}
}

// TestWriteFails: a bad layer writes nothing, not even a temporary file,
// and leaves an existing file as it was.
func TestWriteFails(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.gpkg")
	os.WriteFile(path, []byte("old"), 0o644)
	lines := &layer.Layer{ID: "lines", Geometry: layer.LineString, Each: func(q layer.Query, fn func(*layer.Feature) error) error {
		return fn(&layer.Feature{ID: "1", Geom: orb.MultiLineString{{{0, 0}, {1, 1}}}})
	}}
	reserved := pointsLayer("r", nil)
	reserved.Fields = append(reserved.Fields, layer.Field{Name: "fid", Kind: layer.Integer})
	for _, ls := range [][]*layer.Layer{
		{pointsLayer("a", nil), pointsLayer("a", nil)},
		{pointsLayer("ok", []orb.Point{{1, 1}}), lines},
		{reserved},
	} {
		if _, err := Write(context.Background(), path, ls); err == nil {
			t.Fatalf("%s: no error", ls[len(ls)-1].ID)
		} else if ls[0].ID == "ok" && !errors.Is(err, ErrGeometry) {
			t.Fatalf("lines: %v", err)
		}
		es, _ := os.ReadDir(dir)
		b, _ := os.ReadFile(path)
		if len(es) != 1 || string(b) != "old" {
			t.Fatalf("after a failed write: %v, %q", es, b)
		}
	}
}
