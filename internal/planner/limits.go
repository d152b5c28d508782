package planner

import (
	"time"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/geo/road"
)

// DataLimits are the plain facts that limit a territory's figures, which
// every text output states once: places whose hours are unknown, records
// not updated for two years, profiles on crow-fly times although they would
// use roads, cells too far from the road network.
type DataLimits struct {
	Places       int             `json:"places"`        // located places
	UnknownHours int             `json:"unknown_hours"` // of which hours unknown
	Dated        int             `json:"dated"`         // places whose record has a date
	Old          int             `json:"old"`           // of which last updated before OldBefore
	OldBefore    string          `json:"old_before"`    // YYYY-MM-DD, two years before the report
	Profiles     []ProfileLimits `json:"profiles"`
}

// ProfileLimits are the limits of one profile's figures.
type ProfileLimits struct {
	Name string `json:"name"`
	// MinWeeklyHours is the profile's minimum of weekly hours: places of
	// unknown hours bring nothing to it.
	MinWeeklyHours float64 `json:"min_weekly_hours"`
	// CrowFlyFallback: the profile would use roads (engine auto) but the
	// territory has no road network, so its times are crow-fly distances
	// × detour at the mode's speed.
	CrowFlyFallback   bool    `json:"crowfly_fallback"`
	OffNetworkCells   int     `json:"off_network_cells"`
	OffNetworkPersons float64 `json:"off_network_persons"`
	SnapMetres        float64 `json:"snap_metres"`
}

// Limits returns the data limits of the territory for the named profiles
// (all when none), with "old" meaning last updated more than two years
// before now.
func (p *Planner) Limits(now time.Time, names ...string) (DataLimits, error) {
	var d DataLimits
	before := now.AddDate(-2, 0, 0).Format(time.DateOnly)
	d.OldBefore = before
	for i := range p.t.Venues {
		v := &p.t.Venues[i]
		if !v.Located {
			continue
		}
		d.Places++
		if !v.Hours.Known {
			d.UnknownHours++
		}
		if v.Updated != "" {
			d.Dated++
			if v.Updated < before {
				d.Old++
			}
		}
	}
	if len(names) == 0 {
		for _, q := range p.profiles {
			names = append(names, q.Name)
		}
	}
	for _, n := range names {
		pr, err := p.Profile(n)
		if err != nil {
			return d, err
		}
		pl := ProfileLimits{Name: n, MinWeeklyHours: pr.MinWeeklyHours, SnapMetres: road.DefaultMaxSnapMetres,
			CrowFlyFallback: (pr.Engine == coverage.EngineAuto || pr.Engine == "") && p.graph == nil}
		off, err := p.OffNetwork(n)
		if err != nil {
			return d, err
		}
		pl.OffNetworkCells = len(off)
		for _, c := range off {
			pl.OffNetworkPersons += p.t.Cells[c].Pop[maillage.Ind]
		}
		d.Profiles = append(d.Profiles, pl)
	}
	return d, nil
}
