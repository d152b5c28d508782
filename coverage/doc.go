// Package coverage answers the first question of a département: who cannot
// reach a place that can help them, within a time that makes sense for them,
// at hours when it is open — weighted towards those who need help most.
//
// # Profiles
//
// A Profile (profile.go) says who (everyone, or age bands such as
// Ind_65_79 + Ind_80p), weighted how (extra weight per attribute, a "needs
// help" model of persons × rate per age band, the commune's digital-fragility
// index), reaching which places (Filter: services, programmes, publics, free
// of charge), by which mode and engine (crow-fly or road, speed and detour
// overridable), within MaxMinutes, with at least MinWeeklyHours of opening
// reachable. Builtins returns the standard ones; ParseProfiles reads a JSON
// or YAML file and reports bad fields as *ProfileError.
//
// # Coverage
//
// New(territory, profile, Options) computes, for every cell, the time to the
// nearest suitable place, the number of suitable places within the limit,
// their weekly opening hours summed, and whether the cell is covered:
//
//	covered = (places within MaxMinutes ≥ 1) and (their weekly hours ≥ MinWeeklyHours)
//
// A suitable place is one that passes the filter and has a position. Places
// without position are ignored for coverage and counted in the summary
// (ProfileSummary.UnlocatedPlaces). Every place of the territory counts,
// including those outside the grid: the territory keeps the places of a
// buffer around the study area, so the grid's edge is never a false gap.
//
// Places whose opening hours are unknown (maillage.Week.Known false) are
// never given invented hours. They count for binary coverage when the
// profile has no minimum of hours (a place exists, its hours are simply not
// published); they add 0 h to the reachable hours, so they cannot by
// themselves satisfy a MinWeeklyHours rule; and they are left out of the
// 2SFCA supply unless the profile states an explicit assumption
// (Profile.UnknownHoursSupply, hours per week). Summaries count them
// (UnknownHoursPlaces) so a reader sees how much rests on unknown hours.
//
// # Accessibility
//
// The 2SFCA family (access.go): supply S_j = weekly staffed hours,
// R_j = 1000·S_j / Σ_k P_k f(t_kj), A_i = Σ_j R_j f(t_ij), in hours per week
// per 1,000 weighted inhabitants, per cell and per commune, with the decays
// step, E2SFCA, APL bands, linear, exponential and Gaussian.
//
// # Incremental updates
//
// A State keeps, per suitable place, its catchment (the cells within the
// limit, with travel times; with the crow-fly engine they are recomputed
// deterministically and kept only once an operation needs them, since
// storing tens of millions of pairs costs more than the queries) and, per
// cell, counters (places, opening
// minutes, accessibility, nearest place), and per commune the summary sums.
// Add, Remove and Update walk the changed place's catchment only: counters
// move by ±1 and ± the place's minutes, accessibility by ΔR_j·f(t_ij) (R_j
// depends on place j's own catchment only), covered flags that flip move the
// summary sums. When the nearest place of some cells goes away, only the
// places whose catchments' bounds meet those cells are scanned. Minutes are
// integers, so covered flags never depend on the order of floating-point
// additions; accessibility agrees with a full recomputation to 1e-9
// relative (TestIncrementalMatchesFull).
//
// Travel times come from a travel.Engine built by the caller's EngineFor
// (the package never imports the road engine): CrowFlyEngines gives the
// crow-fly CrowFly of this package, a faster equivalent of travel.CrowFly
// for the many one-to-many queries of a full computation, which runs on
// Options.Workers goroutines with per-worker accumulators.
//
// # Outputs
//
// Gaps groups the uncovered cells into contiguous zones (H3 neighbours)
// with their outline (RFC 7946 winding), persons by age band, weighted
// demand, communes and the time to the nearest place; the layers of
// internal/planner (gaps-{profile}, coverage-{profile}) encode them and the
// per-cell coverage through internal/layer. Summary and Summarize give the
// per-commune and overall figures in the JSON shape of `maillage coverage
// --json`, with the distance to the national 30-minute target stated
// plainly; WriteSummaryCSV writes them as CSV.
package coverage
