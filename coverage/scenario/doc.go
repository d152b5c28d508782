// Package scenario describes what-if scenarios: a named, ordered list of
// changes to a base territory (add a place with its position, hours and
// services; remove one; change its hours, services or position). It checks a
// scenario against a territory, applies it to make a modified copy of the
// territory, summarises an evaluated territory per commune (Result) and
// compares two evaluations (Compare). It also defines the Store interface and
// the error codes (ErrNotFound, ErrConflict, ErrInvalid, ErrTooLarge) that
// storage implementations (package coverage/scenario/sqlite) return and the web layer maps
// to HTTP statuses, so the web layer never imports a storage package.
//
// Evaluation is not done here: the coverage engine computes, for the territory
// returned by Apply (or incrementally from the Effect returned by Resolve),
// per-cell covered shares and accessibility; Summarize turns those into a
// Result. Positions are WGS84 (orb.Point{lon, lat}); distances in metres;
// hours in minutes since midnight (Span) or hours per week.
//
// Changes are applied in order: a change may refer to a place added by an
// earlier change of the same scenario, and nothing may refer to a place after
// it is removed.
//
// All functions are safe for concurrent use; none modifies its arguments.
package scenario
