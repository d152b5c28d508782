package data

import (
	"errors"
	"strings"
	"testing"

	"github.com/maillage/maillage/internal/shareddata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestReadCommunesGironde(t *testing.T) {
	communes, err := ReadCommunes(shareddata.Path(t, "boundaries/communes-33-gironde-2018.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	if len(communes) != 538 {
		t.Fatalf("%d communes, want 538", len(communes))
	}
	multi := 0
	byCode := map[string]string{}
	for _, c := range communes {
		byCode[c.Code] = c.Name
		if len(c.Geometry) > 1 {
			multi++
		}
		if !planar.MultiPolygonContains(c.Geometry, c.Center) {
			t.Errorf("%s %s: centre %v outside its outline", c.Code, c.Name, c.Center)
		}
	}
	if multi != 3 {
		t.Errorf("%d MultiPolygon communes, want 3", multi)
	}
	for code, name := range map[string]string{"33063": "Bordeaux", "33009": "Arcachon", "33281": "Mérignac"} {
		if byCode[code] != name {
			t.Errorf("commune %s is %q, want %q", code, byCode[code], name)
		}
	}
}

func TestDecodeCommunesErrors(t *testing.T) {
	const sq = `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`
	tests := []struct {
		name, in, want string
	}{
		{"not json", `garbage`, "not a GeoJSON FeatureCollection"},
		{"missing code", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"nom":"X"},"geometry":` + sq + `}]}`, "feature 1: code: missing commune code"},
		{"point", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"99001"},"geometry":{"type":"Point","coordinates":[0,0]}}]}`, "Point, want Polygon or MultiPolygon"},
		{"no geometry", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"99001"},"geometry":null}]}`, "missing geometry"},
		{"short ring", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"99001"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}]}`, "ring of 3 positions"},
		{"out of range", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"99001"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,100],[0,0]]]}}]}`, "not a WGS84"},
		{"duplicate", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"99001"},"geometry":` + sq + `},{"type":"Feature","properties":{"code":"99001"},"geometry":` + sq + `}]}`, "feature 2: code: commune 99001 already given by feature 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeCommunes(strings.NewReader(tc.in), "x.geojson")
			if !errors.Is(err, ErrBadBoundaries) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrBadBoundaries containing %q", err, tc.want)
			}
		})
	}
	t.Run("numeric code and BOM", func(t *testing.T) {
		cs, err := DecodeCommunes(strings.NewReader("\xef\xbb\xbf"+`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":33063,"nom":" Bordeaux "},"geometry":`+sq+`}]}`), "x")
		if err != nil || len(cs) != 1 || cs[0].Code != "33063" || cs[0].Name != "Bordeaux" || cs[0].Center != (orb.Point{0.5, 0.5}) {
			t.Fatalf("got %+v, %v", cs, err)
		}
	})
}

func TestInteriorPoint(t *testing.T) {
	// A U shape: its centroid (x=2, y≈1.43) lies in the notch, outside.
	u := orb.MultiPolygon{{{{0, 0}, {4, 0}, {4, 4}, {3, 4}, {3, 1}, {1, 1}, {1, 4}, {0, 4}, {0, 0}}}}
	c, _ := planar.CentroidArea(u)
	if planar.MultiPolygonContains(u, c) {
		t.Fatalf("test shape broken: centroid %v inside", c)
	}
	p := InteriorPoint(u)
	if !planar.MultiPolygonContains(u, p) {
		t.Fatalf("InteriorPoint = %v, outside the U", p)
	}
	// Middle line y=2 crosses the arms [0,1] and [3,4]: the first widest wins.
	if p != (orb.Point{0.5, 2}) {
		t.Fatalf("InteriorPoint = %v, want [0.5 2]", p)
	}
	if got := InteriorPoint(nil); got != (orb.Point{}) {
		t.Fatalf("InteriorPoint(nil) = %v", got)
	}
}

func FuzzDecodeCommunes(f *testing.F) {
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"99001","nom":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1"},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[]]}}]}`)
	f.Add(`{"type":"FeatureCollection","features":[null]}`)
	f.Fuzz(func(t *testing.T, in string) {
		cs, err := DecodeCommunes(strings.NewReader(in), "fuzz")
		if err != nil {
			if !errors.Is(err, ErrBadBoundaries) {
				t.Fatalf("error %v does not wrap ErrBadBoundaries", err)
			}
			return
		}
		for _, c := range cs {
			if c.Code == "" || len(c.Geometry) == 0 {
				t.Fatalf("accepted commune %+v", c)
			}
		}
	})
}
