// Package gpkg writes layers (internal/layer) into one OGC GeoPackage 1.3
// file: the gpkg_* metadata tables, one feature table per layer named after
// it, geometry as GeoPackage binary (header and envelope) over WKB encoded
// by github.com/twpayne/go-geom (the encoding edge: orb stays the model
// inside), SRS EPSG:4326, and an R-tree spatial index per table
// (gpkg_rtree_index extension, with the spec's triggers). The file is
// written under a temporary name beside the target and renamed when
// complete, so a failed export leaves nothing behind.
package gpkg

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/wkb"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/maillage/maillage/internal/layer"
)

// ErrGeometry is wrapped by errors about a geometry that cannot be written.
var ErrGeometry = errors.New("gpkg: geometry")

// Report says what Write wrote.
type Report struct {
	Tables   []string
	Features map[string]int // per table
}

func quote(id string) string { return `"` + strings.ReplaceAll(id, `"`, `""`) + `"` }

func geomTypeName(g layer.GeomType) string {
	switch g {
	case layer.Point:
		return "POINT"
	case layer.Polygon:
		return "POLYGON"
	case layer.MultiPolygon:
		return "MULTIPOLYGON"
	case layer.LineString:
		return "LINESTRING"
	}
	return "GEOMETRY"
}

func sqlType(k layer.Kind) string {
	switch k {
	case layer.Integer:
		return "INTEGER"
	case layer.Number:
		return "REAL"
	case layer.Boolean:
		return "BOOLEAN"
	}
	return "TEXT"
}

// Write writes layers into a new GeoPackage at path (replacing it if it
// exists). Layer ids must be distinct.
func Write(ctx context.Context, path string, layers []*layer.Layer) (Report, error) {
	rep := Report{Features: map[string]int{}}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return rep, fmt.Errorf("gpkg: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmpName)
			os.Remove(tmpName + "-journal")
		}
	}()
	db, err := sql.Open("sqlite", "file:"+tmpName+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
	if err != nil {
		return rep, fmt.Errorf("gpkg: %w", err)
	}
	db.SetMaxOpenConns(1)
	if err := write(ctx, db, layers, &rep); err != nil {
		db.Close()
		return rep, err
	}
	if err := db.Close(); err != nil {
		return rep, fmt.Errorf("gpkg: %w", err)
	}
	if err := os.Rename(tmpName, path); err != nil {
		return rep, fmt.Errorf("gpkg: %w", err)
	}
	ok = true
	return rep, nil
}

const schema = `
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
  scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
INSERT INTO gpkg_spatial_ref_sys VALUES
 ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
 ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
 ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
`

// rtreeTriggers are the GeoPackage 1.3 R-tree triggers (spec annex
// F.3), keeping the index in step with later edits by other tools.
const rtreeTriggers = `
CREATE TRIGGER "rtree_{T}_geom_insert" AFTER INSERT ON "{T}"
WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO "rtree_{T}_geom" VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER "rtree_{T}_geom_update1" AFTER UPDATE OF geom ON "{T}"
WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO "rtree_{T}_geom" VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER "rtree_{T}_geom_update2" AFTER UPDATE OF geom ON "{T}"
WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM "rtree_{T}_geom" WHERE id = OLD.fid; END;
CREATE TRIGGER "rtree_{T}_geom_update3" AFTER UPDATE ON "{T}"
WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM "rtree_{T}_geom" WHERE id = OLD.fid;
INSERT OR REPLACE INTO "rtree_{T}_geom" VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER "rtree_{T}_geom_update4" AFTER UPDATE ON "{T}"
WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM "rtree_{T}_geom" WHERE id IN (OLD.fid, NEW.fid); END;
CREATE TRIGGER "rtree_{T}_geom_delete" AFTER DELETE ON "{T}"
WHEN old.geom NOT NULL
BEGIN DELETE FROM "rtree_{T}_geom" WHERE id = OLD.fid; END;
`

func write(ctx context.Context, db *sql.DB, layers []*layer.Layer, rep *Report) error {
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("gpkg: metadata tables: %w", err)
	}
	seen := map[string]bool{}
	for _, l := range layers {
		if seen[l.ID] {
			return fmt.Errorf("gpkg: layer %s given twice", l.ID)
		}
		seen[l.ID] = true
		n, err := writeLayer(ctx, db, l)
		if err != nil {
			return fmt.Errorf("gpkg: layer %s: %w", l.ID, err)
		}
		rep.Tables = append(rep.Tables, l.ID)
		rep.Features[l.ID] = n
	}
	return nil
}

func writeLayer(ctx context.Context, db *sql.DB, l *layer.Layer) (int, error) {
	t := quote(l.ID)
	cols := []string{"fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", "geom " + geomTypeName(l.Geometry), "feature_id TEXT NOT NULL"}
	names := []string{"geom", "feature_id"}
	for _, f := range l.Fields {
		if f.Name == "fid" || f.Name == "geom" || f.Name == "feature_id" {
			return 0, fmt.Errorf("field name %q is reserved in a GeoPackage table", f.Name)
		}
		cols = append(cols, quote(f.Name)+" "+sqlType(f.Kind))
		names = append(names, quote(f.Name))
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "CREATE TABLE "+t+" ("+strings.Join(cols, ", ")+")"); err != nil {
		return 0, err
	}
	rt := quote("rtree_" + l.ID + "_geom")
	if _, err := tx.ExecContext(ctx, "CREATE VIRTUAL TABLE "+rt+" USING rtree(id, minx, maxx, miny, maxy)"); err != nil {
		return 0, fmt.Errorf("spatial index: %w", err)
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(names)), ",")
	ins, err := tx.PrepareContext(ctx, "INSERT INTO "+t+" ("+strings.Join(names, ",")+") VALUES ("+ph+")")
	if err != nil {
		return 0, err
	}
	defer ins.Close()
	idx, err := tx.PrepareContext(ctx, "INSERT INTO "+rt+" VALUES (?,?,?,?,?)")
	if err != nil {
		return 0, err
	}
	defer idx.Close()
	var ext orb.Bound
	n := 0
	args := make([]any, len(names))
	err = l.Iterate(layer.Query{}, func(f *layer.Feature) error {
		g, err := f.Geometry()
		if err != nil {
			return fmt.Errorf("feature %s: %w", f.ID, err)
		}
		blob, b, err := encode(g)
		if err != nil {
			return fmt.Errorf("feature %s: %w", f.ID, err)
		}
		args[0], args[1] = blob, f.ID
		for i, fd := range l.Fields {
			var v any
			if i < len(f.Values) {
				v = f.Values[i]
			}
			switch x := v.(type) {
			case []string:
				v = layer.Text(x)
			case float64:
				if math.IsNaN(x) || math.IsInf(x, 0) {
					v = nil
				}
			}
			_ = fd
			args[2+i] = v
		}
		res, err := ins.ExecContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("feature %s: %w", f.ID, err)
		}
		if blob != nil {
			fid, _ := res.LastInsertId()
			if _, err := idx.ExecContext(ctx, fid, b.Min[0], b.Max[0], b.Min[1], b.Max[1]); err != nil {
				return err
			}
			if n == 0 {
				ext = b
			} else {
				ext = ext.Union(b)
			}
		}
		n++
		return nil
	})
	if err != nil {
		return 0, err
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	var minX, minY, maxX, maxY any
	if n > 0 {
		minX, minY, maxX, maxY = ext.Min[0], ext.Min[1], ext.Max[0], ext.Max[1]
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id)
		VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, 4326)`, l.ID, l.Title, l.Description, now, minX, minY, maxX, maxY); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)`, l.ID, geomTypeName(l.Geometry)); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')`, l.ID); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, strings.ReplaceAll(rtreeTriggers, "{T}", strings.ReplaceAll(l.ID, `"`, `""`))); err != nil {
		return 0, fmt.Errorf("spatial index triggers: %w", err)
	}
	return n, tx.Commit()
}

// encode returns g as a GeoPackage geometry blob (header with the
// envelope, then little-endian WKB) and its bound; nil for no geometry.
func encode(g orb.Geometry) ([]byte, orb.Bound, error) {
	if g == nil {
		return nil, orb.Bound{}, nil
	}
	gg, err := toGeom(g)
	if err != nil {
		return nil, orb.Bound{}, err
	}
	body, err := wkb.Marshal(gg, binary.LittleEndian)
	if err != nil {
		return nil, orb.Bound{}, fmt.Errorf("%w: %v", ErrGeometry, err)
	}
	b := g.Bound()
	var buf bytes.Buffer
	buf.Grow(8 + 32 + len(body))
	buf.Write([]byte{'G', 'P', 0, 0x03}) // version 1; flags: little-endian, envelope [minx, maxx, miny, maxy]
	binary.Write(&buf, binary.LittleEndian, int32(4326))
	for _, x := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
		binary.Write(&buf, binary.LittleEndian, x)
	}
	buf.Write(body)
	return buf.Bytes(), b, nil
}

func flat(ps []orb.Point) []float64 {
	out := make([]float64, 0, 2*len(ps))
	for _, p := range ps {
		out = append(out, p[0], p[1])
	}
	return out
}

func polygon(p orb.Polygon) *geom.Polygon {
	var coords []float64
	var ends []int
	for _, r := range p {
		coords = append(coords, flat(r)...)
		ends = append(ends, len(coords))
	}
	return geom.NewPolygonFlat(geom.XY, coords, ends)
}

// toGeom converts an orb geometry to go-geom's, the one place the two meet.
func toGeom(g orb.Geometry) (geom.T, error) {
	switch g := g.(type) {
	case orb.Point:
		return geom.NewPointFlat(geom.XY, []float64{g[0], g[1]}), nil
	case orb.LineString:
		return geom.NewLineStringFlat(geom.XY, flat(g)), nil
	case orb.Polygon:
		return polygon(g), nil
	case orb.MultiPolygon:
		mp := geom.NewMultiPolygon(geom.XY)
		for _, p := range g {
			if err := mp.Push(polygon(p)); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrGeometry, err)
			}
		}
		return mp, nil
	}
	return nil, fmt.Errorf("%w: %T is not supported", ErrGeometry, g)
}
