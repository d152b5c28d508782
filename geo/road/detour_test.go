package road

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb/geo"
)

// TestDetourFactors measures, on the three French extracts, the ratio of the
// road distance to the great-circle distance between random node pairs 500 m
// to 15 km apart, per network, and checks that the crow-fly defaults of
// package travel are the measured medians (within 0.05). The figures are
// written in the doc comment of travel's constants.
func TestDetourFactors(t *testing.T) {
	if testing.Short() {
		t.Skip("routes a few thousand pairs")
	}
	files := []string{"paris-3e-10e-11e-clipped", "monaco-and-french-neighbours", "saint-brieuc-loudeac-22"}
	const perFile = 200
	modes := travel.DefaultModes()
	ratios := map[string][]float64{}
	var carKmh []float64
	for _, file := range files {
		g := cachedExtract(t, file)
		for _, name := range []string{"walk", "bike", "car"} {
			m, _ := modes.Get(name)
			e, err := NewEngine(g, m, nil, EngineOptions{})
			if err != nil {
				t.Fatal(err)
			}
			net := e.net
			var nodes []int
			for v := range g.NumNodes() {
				if hasOut(g, net, v) {
					nodes = append(nodes, v)
				}
			}
			rng := rand.New(rand.NewPCG(1, uint64(len(file))))
			n, before := 0, len(ratios[m.Network])
			for tries := 0; n < perFile && tries < 50*perFile; tries++ {
				a, b := g.Node(nodes[rng.IntN(len(nodes))]), g.Node(nodes[rng.IntN(len(nodes))])
				d := geo.Distance(a, b)
				if d < 500 || d > 15000 {
					continue
				}
				r, err := e.Route(a, b)
				if err != nil {
					continue // different components
				}
				n++
				ratios[m.Network] = append(ratios[m.Network], r.Meters/d)
				if name == "car" {
					carKmh = append(carKmh, r.Meters/r.Seconds*3.6)
				}
			}
			own := ratios[m.Network][before:]
			t.Logf("%s %s: %d pairs, median %.2f p90 %.2f", file, name, n, quantile(own, 0.5), quantile(own, 0.9))
		}
	}
	want := map[string]float64{"foot": travel.FootDetour, "bike": travel.BikeDetour, "car": travel.CarDetour}
	for net, rs := range ratios {
		med, p90 := quantile(rs, 0.5), quantile(rs, 0.9)
		t.Logf("%s: %d pairs, detour median %.2f p90 %.2f", net, len(rs), med, p90)
		if math.Abs(want[net]-med) > 0.05 {
			t.Errorf("%s: default detour %v, measured median %.2f", net, want[net], med)
		}
	}
	med := quantile(carKmh, 0.5)
	t.Logf("car: average speed along the road median %.1f km/h, p10 %.1f, p90 %.1f", med, quantile(carKmh, 0.1), quantile(carKmh, 0.9))
	if travel.CarKmh > med {
		t.Errorf("default car crow-fly speed %v km/h is above the measured median %.1f", travel.CarKmh, med)
	}
}

func quantile(xs []float64, q float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return math.NaN()
	}
	return s[int(q*float64(len(s)-1))]
}
