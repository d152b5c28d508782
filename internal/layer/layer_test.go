package layer

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
)

// testLayer is three points and a polygon with every kind of field.
func testLayer() *Layer {
	feats := []Feature{
		{ID: "a", NumID: 1, Geom: orb.Point{-0.5792123456789, 44.8378}, Values: []any{"Bordeaux \"centre\"\n", 3, 1.23456, true, []string{"x", "y"}}},
		{ID: "b", NumID: 2, Geom: orb.Point{-0.57, 44.84}, Values: []any{"é<>&\u2028", -4, math.Inf(1), false, []string{}}},
		{ID: "c", Geom: orb.Point{2.35, 48.85}, Values: []any{nil, 0, nil, nil, nil}},
		{ID: "d", GeomFunc: func() (orb.Geometry, error) {
			return orb.Polygon{{{-0.6, 44.8}, {-0.5, 44.8}, {-0.5, 44.9}, {-0.6, 44.8}}}, nil
		}, Values: []any{"poly", 1, 2.0, true, []string{"z"}}},
	}
	return &Layer{
		ID: "test", Title: "Test", Geometry: Point,
		Fields: []Field{{Name: "name", Kind: String}, {Name: "n", Kind: Integer}, {Name: "x", Kind: Number, Unit: "minutes"},
			{Name: "ok", Kind: Boolean}, {Name: "tags", Kind: Strings}},
		Each: func(q Query, fn func(*Feature) error) error {
			for i := range feats {
				f := &feats[i]
				g, _ := f.Geometry()
				if q.HasBound() && !Intersects(g, q.Bound) {
					continue
				}
				if err := fn(f); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []string{"", "plain", `"quoted" \ back`, "tab\tnl\ncr\r", "\x00\x01\x1f", "é à ü", "\u2028\u2029", "bad \xff utf8", "<>&"}
	for range 2000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		got := AppendString(nil, s)
		var back, want string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q → %s: %v", s, got, err)
		}
		w, _ := json.Marshal(s)
		json.Unmarshal(w, &want)
		if back != want {
			t.Fatalf("%q: decodes to %q, encoding/json's to %q", s, back, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("é\u2028\x00\"")
	f.Fuzz(func(t *testing.T, s string) {
		var back, want string
		if err := json.Unmarshal(AppendString(nil, s), &back); err != nil {
			t.Fatal(err)
		}
		w, _ := json.Marshal(s)
		json.Unmarshal(w, &want)
		if back != want {
			t.Fatalf("%q: %q vs %q", s, back, want)
		}
	})
}

func TestAppendNumber(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 5000 {
		x := rng.NormFloat64() * math.Pow10(rng.IntN(40)-20)
		if i == 0 {
			x = 0
		}
		var back float64
		if err := json.Unmarshal(AppendNumber(nil, x), &back); err != nil || back != x {
			t.Fatalf("%v → %s → %v (%v)", x, AppendNumber(nil, x), back, err)
		}
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if s := string(AppendNumber(nil, x)); s != "null" {
			t.Fatalf("%v → %s", x, s)
		}
	}
}

// TestWriteGeoJSON decodes the collection with orb and checks each value,
// the rounding of coordinates and the bbox filter.
func TestWriteGeoJSON(t *testing.T) {
	l := testLayer()
	var buf bytes.Buffer
	if err := WriteGeoJSON(&buf, l, Query{}, 6); err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(buf.Bytes())
	if err != nil || len(fc.Features) != 4 {
		t.Fatalf("%v, %s", err, buf.Bytes())
	}
	a := fc.Features[0]
	if a.ID != "a" || a.Point() != (orb.Point{-0.579212, 44.8378}) || a.Properties["name"] != "Bordeaux \"centre\"\n" ||
		a.Properties["n"] != 3.0 || a.Properties["x"] != 1.23456 || a.Properties["ok"] != true || len(a.Properties["tags"].([]any)) != 2 {
		t.Fatalf("feature a: %v %v", a.Geometry, a.Properties)
	}
	b := fc.Features[1]
	if b.Properties["x"] != nil || b.Properties["name"] != "é<>&\u2028" || len(b.Properties["tags"].([]any)) != 0 {
		t.Fatalf("feature b: %v", b.Properties)
	}
	if c := fc.Features[2]; c.Properties["name"] != nil || len(c.Properties) != 5 {
		t.Fatalf("feature c: %v", c.Properties)
	}
	if _, ok := fc.Features[3].Geometry.(orb.Polygon); !ok {
		t.Fatalf("feature d: %T", fc.Features[3].Geometry)
	}
	buf.Reset()
	box := orb.Bound{Min: orb.Point{-1, 44}, Max: orb.Point{0, 45}}
	if err := WriteGeoJSON(&buf, l, Query{Bound: box}, FullPrecision); err != nil {
		t.Fatal(err)
	}
	fc, _ = geojson.UnmarshalFeatureCollection(buf.Bytes())
	if len(fc.Features) != 3 || fc.Features[0].Point() != (orb.Point{-0.5792123456789, 44.8378}) {
		t.Fatalf("bbox: %d features", len(fc.Features))
	}
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, testLayer(), Query{}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 5 {
		t.Fatal(err, rows)
	}
	if strings.Join(rows[0], ",") != "name,n,x,ok,tags,lon,lat" {
		t.Fatalf("header %v", rows[0])
	}
	if strings.Join(rows[1][1:], ",") != "3,1.23456,true,x|y,-0.579212,44.8378" || rows[2][2] != "" || rows[3][0] != "" {
		t.Fatalf("rows %v", rows)
	}
	// The polygon's label point is its centroid.
	if rows[4][5] != "-0.533333" || rows[4][6] != "44.833333" {
		t.Fatalf("polygon label %v", rows[4])
	}
}

func TestIterateStops(t *testing.T) {
	n := 0
	err := testLayer().Iterate(Query{}, func(*Feature) error {
		n++
		return ErrStop
	})
	if err != nil || n != 1 {
		t.Fatalf("%v after %d", err, n)
	}
	bad := errors.New("x")
	if err := testLayer().Iterate(Query{}, func(*Feature) error { return bad }); !errors.Is(err, bad) {
		t.Fatal(err)
	}
}

func TestValidate(t *testing.T) {
	if err := testLayer().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, l := range []*Layer{
		{ID: "Bad Id", Each: testLayer().Each},
		{ID: "ok"},
		{ID: "ok", Each: testLayer().Each, Fields: []Field{{Name: "a"}, {Name: "a"}}},
	} {
		if err := l.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", l.ID, err)
		}
	}
}

func TestCheckTile(t *testing.T) {
	for _, c := range [][3]int{{30, 0, 0}, {23, 0, 0}, {-1, 0, 0}, {3, 8, 0}, {3, 0, 8}, {3, -1, 0}} {
		if _, err := CheckTile(c[0], c[1], c[2]); !errors.Is(err, ErrInvalid) {
			t.Errorf("%v: %v", c, err)
		}
	}
	if tl, err := CheckTile(22, 1<<22-1, 0); err != nil || tl.Z != 22 {
		t.Fatal(err)
	}
}

// TestTile encodes the Bordeaux points in their z12 tile: the tile holds
// them (not Paris), tagged with the fields, lists joined, nil left out.
func TestTile(t *testing.T) {
	l := testLayer()
	tile := maptile.At(orb.Point{-0.575, 44.838}, 12)
	data, n, err := Tile(l, tile)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := mvt.Unmarshal(data)
	if err != nil || len(ls) != 1 || ls[0].Name != "test" || ls[0].Version != 2 || n != len(ls[0].Features) {
		t.Fatalf("%v %+v", err, ls)
	}
	tags := map[string]map[string]any{}
	for _, f := range ls[0].Features {
		tags[f.Properties["name"].(string)] = f.Properties
	}
	if a := tags["Bordeaux \"centre\"\n"]; a == nil || a["tags"] != "x|y" || fmt.Sprint(a["n"]) != "3" {
		t.Fatalf("a: %v", tags)
	}
	if b := tags["é<>&\u2028"]; b == nil || b["x"] != nil {
		t.Fatalf("b: %v", tags)
	}
	ls[0].ProjectToWGS84(tile)
	for _, f := range ls[0].Features {
		if p, ok := f.Geometry.(orb.Point); ok && !tile.Bound(0).Pad(0.001).Contains(p) {
			t.Fatalf("point %v outside its tile", p)
		}
	}
	// Paris's tile has one point; the ocean's none.
	if _, n, _ := Tile(l, maptile.At(orb.Point{2.35, 48.85}, 12)); n != 1 {
		t.Fatalf("paris: %d", n)
	}
	if data, n, err := Tile(l, maptile.At(orb.Point{-30, 40}, 12)); data != nil || n != 0 || err != nil {
		t.Fatalf("ocean: %d bytes, %d, %v", len(data), n, err)
	}
}

// TestTileReuse checks that pooled encoders carry nothing from one tile to
// the next (the same tile encodes to the same bytes after others), that a
// shared geometry is left as it was, and that a polygon crossing the tile's
// edge is clipped to its buffer while one inside keeps every vertex.
func TestTileReuse(t *testing.T) {
	square := orb.Polygon{{{-0.58, 44.83}, {-0.57, 44.83}, {-0.57, 44.84}, {-0.58, 44.84}, {-0.58, 44.83}}}
	big := orb.Polygon{{{-1, 44}, {0, 44}, {0, 45}, {-1, 45}, {-1, 44}}}
	keep := orb.Clone(big).(orb.Polygon)
	l := &Layer{ID: "p", Geometry: Polygon, Fields: []Field{{Name: "name", Kind: String}, {Name: "x", Kind: Number}},
		Each: func(q Query, fn func(*Feature) error) error {
			for i, g := range []orb.Polygon{square, big} {
				if err := fn(&Feature{ID: fmt.Sprint(i), NumID: uint64(i + 1), Geom: g, Values: []any{fmt.Sprint("p", i), float64(i) + 0.5}}); err != nil {
					return err
				}
			}
			return nil
		}}
	tile := maptile.At(orb.Point{-0.575, 44.835}, 14)
	first, n, err := Tile(l, tile)
	if err != nil || n != 2 {
		t.Fatalf("%d features, %v", n, err)
	}
	for _, z := range []maptile.Zoom{3, 8, 12} {
		if _, _, err := Tile(testLayer(), maptile.At(orb.Point{-0.575, 44.835}, z)); err != nil {
			t.Fatal(err)
		}
	}
	again, _, _ := Tile(l, tile)
	if !bytes.Equal(first, again) {
		t.Fatalf("the same tile encodes differently after others (%d vs %d bytes)", len(first), len(again))
	}
	if !orb.Equal(big, keep) {
		t.Fatalf("the shared geometry changed: %v", big)
	}
	ls, err := mvt.Unmarshal(first)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ls[0].Features {
		ring := f.Geometry.(orb.Polygon)[0]
		switch f.Properties["name"] {
		case "p0":
			if len(ring) != 5 {
				t.Fatalf("the inner square lost vertices: %v", ring)
			}
		case "p1":
			for _, p := range ring {
				if p[0] < -TileBuffer || p[0] > 4096+TileBuffer || p[1] < -TileBuffer || p[1] > 4096+TileBuffer {
					t.Fatalf("vertex %v beyond the buffer", p)
				}
			}
		default:
			t.Fatalf("feature %v", f.Properties)
		}
	}
}

// TestAppendGeoJSON: within its cap it appends what WriteGeoJSON writes;
// over it, nothing, and one more than the cap as the count.
func TestAppendGeoJSON(t *testing.T) {
	l := testLayer()
	var w bytes.Buffer
	if err := WriteGeoJSON(&w, l, Query{}, 6); err != nil {
		t.Fatal(err)
	}
	b, n, err := AppendGeoJSON([]byte("x"), l, Query{}, 6, 4)
	if err != nil || n != 4 || string(b) != "x"+w.String() {
		t.Fatalf("%d %v:\n%s\nwant\n%s", n, err, b, w.String())
	}
	b, n, err = AppendGeoJSON([]byte("x"), l, Query{}, 6, 3)
	if err != nil || n != 4 || string(b) != "x" {
		t.Fatalf("over the cap: %d %v %q", n, err, b)
	}
}

// TestIterateSkip: Iterate applies Query.Skip for a layer that does not.
func TestIterateSkip(t *testing.T) {
	var got []string
	if err := testLayer().Iterate(Query{Skip: 2}, func(f *Feature) error { got = append(got, f.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "c,d" {
		t.Fatalf("skip 2: %v", got)
	}
}

// TestIterateID: a layer that does not find ids itself gets the one
// feature of the id, and its walk stops there; an unknown id gets none.
func TestIterateID(t *testing.T) {
	l := testLayer()
	each, walked := l.Each, 0
	l.Each = func(q Query, fn func(*Feature) error) error {
		if q.ID != "" {
			t.Fatalf("Each got Query.ID %q, which it does not honour", q.ID)
		}
		return each(q, func(f *Feature) error { walked++; return fn(f) })
	}
	for _, tc := range []struct {
		id     string
		want   string
		walked int
	}{{"b", "b", 2}, {"d", "d", 4}, {"zz", "", 4}} {
		walked = 0
		var got []string
		if err := l.Iterate(Query{ID: tc.id}, func(f *Feature) error { got = append(got, f.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, ",") != tc.want || walked != tc.walked {
			t.Errorf("id %q: got %v after walking %d features, want %q after %d", tc.id, got, walked, tc.want, tc.walked)
		}
	}
}
