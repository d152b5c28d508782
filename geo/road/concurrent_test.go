package road

import (
	"math"
	"sync"
	"testing"
)

// TestConcurrentUse runs catchments, nearest searches and routes from
// several goroutines at once (run it with -race) and checks that they give
// the sequential answers.
func TestConcurrentUse(t *testing.T) {
	g := Synthetic(8_000, 9)
	e, err := NewEngine(g, mode(t, "car"), nodePoints(g), EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	places := randomPoints(g, 40, 4)
	const max = 300.0
	want := make([]float64, len(places))
	for j, p := range places {
		e.Reach(p, max, func(_ int32, s float32) { want[j] += float64(s) })
	}
	got := make([]float64, len(places))
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		off := e.ReachMany(places, max, 4, func(j int, _ int32, s float32) {
			mu.Lock()
			got[j] += float64(s)
			mu.Unlock()
		})
		if len(off) != 0 {
			t.Errorf("%d places off network", len(off))
		}
	}()
	near := e.Nearest(places, max)
	go func() {
		defer wg.Done()
		for i := range 20 {
			if _, err := e.Route(places[i], places[i+1]); err != nil {
				t.Error(err)
			}
			again := e.Nearest(places, max)
			for k := range again {
				if again[k] != near[k] && !(math.IsInf(float64(again[k]), 1) && math.IsInf(float64(near[k]), 1)) {
					t.Errorf("nearest[%d] = %v then %v", k, near[k], again[k])
					return
				}
			}
		}
	}()
	wg.Wait()
	for j := range want {
		if math.Abs(got[j]-want[j]) > 1e-3*math.Max(1, want[j]) {
			t.Errorf("place %d: concurrent sum %v, sequential %v", j, got[j], want[j])
		}
		if want[j] == 0 {
			t.Errorf("place %d reaches nothing in %v s", j, max)
		}
	}
}
