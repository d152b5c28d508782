package geo_test

import (
	"math/rand/v2"
	"testing"

	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/internal/shareddata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestCommuneIndexGironde(t *testing.T) {
	communes, err := data.ReadCommunes(shareddata.Path(t, "boundaries/communes-33-gironde-2018.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	if len(communes) != 538 {
		t.Fatalf("read %d communes, want 538", len(communes))
	}
	ci := geo.NewCommuneIndex(communes)
	if ci.Len() != 538 {
		t.Fatalf("indexed %d communes, want 538", ci.Len())
	}
	tests := []struct {
		name     string
		lat, lon float64
		want     string // "" = none
	}{
		{"Bordeaux town hall", 44.8378, -0.5792, "33063"},
		{"Arcachon", 44.6586, -1.1689, "33009"},
		{"Mérignac", 44.8386, -0.6436, "33281"},
		{"Libourne", 44.9153, -0.2439, "33243"},
		{"Pessac", 44.8067, -0.6311, "33318"},
		{"Lacanau", 45.0017, -1.0797, "33214"},
		{"Bay of Biscay", 44.8, -1.6, ""},
		{"Toulouse (Haute-Garonne)", 43.6045, 1.4440, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ci.Code(orb.Point{tc.lon, tc.lat})
			if tc.want == "" {
				if ok {
					t.Fatalf("Code = %s, want none", got)
				}
				return
			}
			if !ok || got != tc.want {
				t.Fatalf("Code = %q, %v; want %s", got, ok, tc.want)
			}
		})
	}
	t.Run("matches a linear scan", func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		inside := 0
		for range 500 {
			p := orb.Point{-1.3 + r.Float64()*1.8, 44.2 + r.Float64()*1.1}
			want := -1
			for i, c := range communes {
				if planar.MultiPolygonContains(c.Geometry, p) {
					want = i
					break
				}
			}
			if got := ci.Locate(p); got != want {
				t.Fatalf("Locate(%v) = %d, linear scan %d", p, got, want)
			}
			if want >= 0 {
				inside++
			}
		}
		if inside < 250 {
			t.Fatalf("only %d of 500 random points fell in Gironde: test box wrong", inside)
		}
	})
	t.Run("centres inside", func(t *testing.T) {
		for i, c := range communes {
			if got := ci.Locate(c.Center); got != i {
				t.Errorf("centre of %s %s located in %d, want %d", c.Code, c.Name, got, i)
			}
		}
	})
}

func BenchmarkCommuneLocate(b *testing.B) {
	communes, err := data.ReadCommunes(shareddata.Path(b, "boundaries/communes-33-gironde-2018.geojson"))
	if err != nil {
		b.Fatal(err)
	}
	ci := geo.NewCommuneIndex(communes)
	r := rand.New(rand.NewPCG(1, 2))
	pts := make([]orb.Point, 1024)
	for i := range pts {
		pts[i] = orb.Point{-1.3 + r.Float64()*1.8, 44.2 + r.Float64()*1.1}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ci.Locate(pts[i%len(pts)])
	}
}
