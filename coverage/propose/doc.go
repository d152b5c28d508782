// Package propose chooses new permanence sites over the coverage engine of
// package coverage: candidate sites (cell centres, commune centres, existing
// venues, a user list), the covering instance built from a profile's
// uncovered demand and the candidates' catchments, lazy greedy (CELF)
// maximal covering and set cover with a certified upper bound, swap
// improvement, capacity assignment and itinerant tours (stops and a weekly
// loop within a driving budget). The CPLEX LP export of the MILP and the CBC
// check that measure greedy against the optimum are test code
// (milp_lp_test.go, MAILLAGE_MILP=1).
//
// The package sits below coverage in the import graph and never imports the
// road engine: travel times come from a travel.Engine the caller builds
// (internal/planner does).
package propose
