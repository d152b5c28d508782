package road_test

import (
	"fmt"

	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// A generated street — what the embedded demo territory does — routed on
// foot and by car.
func ExampleFromOSM() {
	o := &osm.OSM{}
	for i := range 5 { // five nodes 100 m apart along a parallel
		o.Nodes = append(o.Nodes, &osm.Node{ID: osm.NodeID(i + 1), Lat: 45, Lon: -0.5 + float64(i)*0.0012716})
	}
	w := &osm.Way{ID: 1, Tags: osm.Tags{{Key: "highway", Value: "tertiary"}, {Key: "maxspeed", Value: "50"}}}
	for i := range 5 {
		w.Nodes = append(w.Nodes, osm.WayNode{ID: osm.NodeID(i + 1)})
	}
	o.Ways = append(o.Ways, w)

	g, st, err := road.FromOSM(o, road.Options{MinComponent: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st.RoutableWays, "way,", g.NumNodes(), "nodes,", g.NumArcs("car"), "car arcs")
	modes := travel.DefaultModes()
	from, to := orb.Point{-0.5, 45}, orb.Point{-0.5 + 4*0.0012716, 45}
	for _, name := range []string{"walk", "car"} {
		m, _ := modes.Get(name)
		e, err := road.NewEngine(g, m, nil, road.EngineOptions{})
		if err != nil {
			fmt.Println(err)
			return
		}
		r, err := e.Route(from, to)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %.0f m in %.1f min\n", name, r.Meters, r.Seconds/60)
	}
	// Output:
	// 1 way, 5 nodes, 8 car arcs
	// walk: 400 m in 5.3 min
	// car: 400 m in 0.6 min
}
