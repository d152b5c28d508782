package scenario

import (
	"context"

	"github.com/maillage/maillage"
)

// Evaluator computes the Result of a scenario's effect on its base
// territory. An incremental coverage engine holding the base's coverage
// updates it from eff.Edits (see Effect); a plain one evaluates
// eff.Territory from scratch. For the base itself, eff has no edits and
// eff.Territory is the base.
type Evaluator func(ctx context.Context, base *maillage.Territory, eff *Effect) (Result, error)

// Evaluate resolves s against base and evaluates it with ev; the Result
// carries the scenario's id and name. A nil s evaluates the base itself
// (Scenario 0).
func (o Options) Evaluate(ctx context.Context, base *maillage.Territory, s *Scenario, ev Evaluator) (Result, error) {
	if base == nil {
		return Result{}, errNilTerritory
	}
	eff := &Effect{Territory: base}
	if s != nil {
		var err error
		if eff, err = o.Resolve(base, *s); err != nil {
			return Result{}, err
		}
	}
	r, err := ev(ctx, base, eff)
	if err != nil {
		return Result{}, err
	}
	r.Territory = base.Name
	if s != nil {
		r.Scenario, r.Name = s.ID, s.Name
	} else {
		r.Scenario, r.Name = 0, base.Name
	}
	return r, nil
}

// Diff evaluates a and b (nil: the base) on base and compares them (b − a).
func (o Options) Diff(ctx context.Context, base *maillage.Territory, a, b *Scenario, ev Evaluator) (Delta, error) {
	ra, err := o.Evaluate(ctx, base, a, ev)
	if err != nil {
		return Delta{}, err
	}
	rb, err := o.Evaluate(ctx, base, b, ev)
	if err != nil {
		return Delta{}, err
	}
	return Compare(ra, rb), nil
}
