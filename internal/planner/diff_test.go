package planner_test

import (
	"context"
	"errors"
	"testing"

	"github.com/maillage/maillage/internal/planner"
)

// TestDiffBase: the base against itself differs by nothing; a stored
// scenario without a store is ErrNoStore, not a crash.
func TestDiffBase(t *testing.T) {
	p := demoRoadPlanner(t)
	d, warnings, err := p.Diff(context.Background(), nil, 0, 0, "seniors-20min-walk")
	if err != nil {
		t.Fatal(err)
	}
	if d.Total.Covered != 0 || d.Total.WeightedCovered != 0 || d.Total.A.Covered == 0 || len(d.Communes) == 0 || len(warnings) != 0 {
		t.Errorf("base vs base: %+v, warnings %v", d.Total, warnings)
	}
	if _, _, err := p.Diff(context.Background(), nil, 0, 3, "seniors-20min-walk"); !errors.Is(err, planner.ErrNoStore) {
		t.Errorf("scenario 3 without a store: %v, want ErrNoStore", err)
	}
}
