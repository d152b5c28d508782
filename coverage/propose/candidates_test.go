package propose

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/data"
	"github.com/paulmach/orb"
)

func TestCandidatesVenues(t *testing.T) {
	terr, _ := propLineTerritory()
	week := maillage.Week{Known: true}
	week.Days[1] = []maillage.Span{{Open: 9 * 60, Close: 12 * 60}}
	terr.Venues = []maillage.Venue{
		{ID: "v1", Name: "EPN", Point: orb.Point{0.06, 45}, Located: true, Commune: "33002", Hours: week},
		{ID: "v2", Name: "sans position"},
	}
	cs := Candidates(terr, CandidateOptions{Venues: true, Communes: true})
	if len(cs) != 3 || cs[2].Kind != CandidateVenue || cs[2].Venue != "v1" || cs[2].Hours != 3 || cs[2].Commune != 1 || cs[0].Kind != CandidateCommune {
		t.Errorf("%+v", cs)
	}
	// Commune outline for user points.
	terr.Communes[0].Geometry = orb.MultiPolygon{{{{-0.005, 44.9}, {0.045, 44.9}, {0.045, 45.1}, {-0.005, 45.1}, {-0.005, 44.9}}}}
	cs = Candidates(terr, CandidateOptions{User: []data.CandidateSite{{Name: "in", Point: orb.Point{0.01, 45}}, {Name: "out", Point: orb.Point{0.09, 45}}}, AllowedCommunes: []string{"33001"}})
	if len(cs) != 1 || cs[0].Name != "in" || cs[0].Commune != 0 {
		t.Errorf("allowed communes on user points: %+v", cs)
	}
}

func TestCandRadixSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	var tmp []int32
	for _, n := range []int{0, 1, 63, 64, 1000, 5000} {
		for _, hi := range []int32{10, 300, 70_000, 2_000_000_000} {
			a := make([]int32, n)
			for i := range a {
				a[i] = rng.Int32N(hi)
			}
			want := slices.Sorted(slices.Values(a))
			var got []int32
			got, tmp = candRadixSort(a, tmp)
			if !slices.Equal(got, want) {
				t.Fatalf("n=%d hi=%d: not sorted", n, hi)
			}
		}
	}
}
