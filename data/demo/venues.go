package demo

import (
	"fmt"
	"math"
	"slices"

	"github.com/maillage/maillage"
)

// hm is a time of day in minutes.
func hm(h, m int) uint16 { return uint16(h*60 + m) }

// Weekly schedules, Monday = 0.
var (
	morning    = maillage.Span{Open: hm(9, 0), Close: hm(12, 0)}
	afternoon  = maillage.Span{Open: hm(13, 30), Close: hm(17, 0)}
	lateAft    = maillage.Span{Open: hm(14, 0), Close: hm(18, 0)}
	fullDay    = []maillage.Span{morning, afternoon}
	officeWeek = week(fullDay, fullDay, fullDay, fullDay, fullDay, []maillage.Span{morning}, nil)
)

func week(days ...[]maillage.Span) maillage.Week {
	w := maillage.Week{Known: true}
	copy(w.Days[:], days)
	return w
}

// Service sets used below.
const (
	svcFranceServices = maillage.ServiceDemarches | maillage.ServiceQuotidien | maillage.ServiceAcces | maillage.ServiceInsertion
	svcLibrary        = maillage.ServiceQuotidien | maillage.ServiceLoisirs | maillage.ServiceAcces | maillage.ServiceComprehension | maillage.ServiceParentalite
	svcCCAS           = maillage.ServiceDemarches | maillage.ServiceSecurite
	svcPermanence     = maillage.ServiceDemarches | maillage.ServiceQuotidien | maillage.ServiceSecurite
)

func (g *gen) addVenue(kindID string, _ *settlement, at xy, v maillage.Venue) {
	v.ID = fmt.Sprintf("demo-%s-%d", kindID, len(g.vens)+1)
	v.Source = "demo"
	v.Line = len(g.vens) + 1
	v.Pivot = fmt.Sprintf("99%012d", len(g.vens)+1)
	v.Point, v.Located = at.ll(), true
	c := g.communeOf(at)
	v.Commune = g.comms[c].Code
	v.CommuneName = g.comms[c].Name
	v.Postcode = fmt.Sprintf("99%03d", c*10%1000)
	v.Address = fmt.Sprintf("%d place de la Mairie", 1+len(g.vens)%40)
	if v.Fees == "" {
		v.Fees = "Gratuit"
	}
	g.vens = append(g.vens, v)
}

// near returns a point within r km of p.
func (g *gen) near(p xy, r float64) xy {
	a, d := g.r.Float64()*2*math.Pi, r*math.Sqrt(g.r.Float64())
	return xy{p.X + d*math.Cos(a), p.Y + d*math.Sin(a)}
}

// venues places the help: most in the towns, a France Services and
// permanences in the larger villages, libraries, an itinerant bus touring
// remote villages, one place with unknown hours, one without a position and
// one rejected record (to exercise validation reports).
func (g *gen) venues() {
	towns := g.seats[:len(townSizes)]
	for i, t := range towns {
		g.addVenue("fs", t, g.near(t.at, 0.25), maillage.Venue{Name: "France Services de " + t.name, Services: svcFranceServices,
			Programmes: []string{"France Services", "Aidants Connect"}, Hours: officeWeek})
		g.addVenue("epn", t, g.near(t.at, 0.4), maillage.Venue{Name: "Médiathèque de " + t.name, Services: svcLibrary,
			Programmes: []string{"Conseillers numériques"},
			Hours: week(nil, []maillage.Span{{Open: hm(13, 0), Close: hm(18, 0)}},
				[]maillage.Span{{Open: hm(10, 0), Close: hm(12, 0)}, {Open: hm(13, 0), Close: hm(18, 0)}},
				nil, []maillage.Span{{Open: hm(13, 0), Close: hm(18, 0)}}, []maillage.Span{{Open: hm(10, 0), Close: hm(17, 0)}}, nil)})
		if i < 2 {
			g.addVenue("cyber", t, g.near(t.at, 0.6), maillage.Venue{Name: "Cyber-base de " + t.name,
				Services:   maillage.ServiceQuotidien | maillage.ServiceAcces | maillage.ServiceInsertion | maillage.ServiceLoisirs,
				Programmes: []string{"Conseillers numériques"},
				Hours:      week(nil, []maillage.Span{lateAft}, fullDay, []maillage.Span{lateAft}, []maillage.Span{lateAft}, []maillage.Span{morning}, nil)})
		}
		{
			g.addVenue("ccas", t, g.near(t.at, 0.3), maillage.Venue{Name: "CCAS de " + t.name, Services: svcCCAS,
				Publics: []string{"Seniors"}, Programmes: []string{"Aidants Connect"},
				Hours: week([]maillage.Span{morning}, nil, nil, []maillage.Span{morning}, nil, nil, nil)})
			g.addVenue("asso", t, g.near(t.at, 0.8), maillage.Venue{Name: "Association Clic & Lien — " + t.name,
				Services: maillage.ServiceQuotidien | maillage.ServiceSecurite, Publics: []string{"Seniors"},
				Support: []string{"Surdité"}, Fees: "Adhésion",
				Hours: week(nil, []maillage.Span{lateAft}, nil, []maillage.Span{lateAft}, nil, nil, nil)})
		}
		for k, pk := range t.pockets {
			g.addVenue("quartier", t, g.near(pk, 0.15), maillage.Venue{Name: fmt.Sprintf("Espace numérique du quartier %d, %s", k+1, t.name),
				Services:   maillage.ServiceInsertion | maillage.ServiceAcces | maillage.ServiceMateriel | maillage.ServiceDemarches,
				Publics:    []string{"Jeunes", "Familles et/ou enfants"},
				Programmes: []string{"Conseillers numériques"},
				Hours:      week([]maillage.Span{lateAft}, []maillage.Span{lateAft}, []maillage.Span{lateAft}, []maillage.Span{lateAft}, []maillage.Span{lateAft}, nil, nil)})
		}
		if i == 0 {
			g.addVenue("ml", t, g.near(t.at, 0.5), maillage.Venue{Name: "Mission locale de " + t.name,
				Services: maillage.ServiceInsertion | maillage.ServiceDemarches, Publics: []string{"Jeunes"},
				Hours: week(fullDay, fullDay, fullDay, fullDay, fullDay, nil, nil)})
			// A place whose hours the source did not give.
			g.addVenue("gare", t, g.near(t.at, 0.9), maillage.Venue{Name: "Point numérique de la gare de " + t.name,
				Services: maillage.ServiceAcces})
		}
	}

	villages := slices.Clone(g.seats[len(townSizes):])
	slices.SortStableFunc(villages, func(a, b *settlement) int { return cmpF(b.pop, a.pop) })
	// The largest village far from the towns gets a France Services.
	for _, v := range villages {
		if g.farFromTowns(v.at) > 12 {
			g.addVenue("fs", v, g.near(v.at, 0.15), maillage.Venue{Name: "France Services de " + v.name, Services: svcFranceServices,
				Programmes: []string{"France Services"},
				Hours:      week([]maillage.Span{morning}, fullDay, []maillage.Span{morning}, fullDay, []maillage.Span{morning}, nil, nil)})
			break
		}
	}
	// Weekly permanences of a Conseiller numérique in six town halls.
	for i, v := range villages[:6] {
		day := i % 5
		span := morning
		if i%2 == 1 {
			span = maillage.Span{Open: hm(14, 0), Close: hm(16, 30)}
		}
		var w maillage.Week
		w.Known = true
		w.Days[day] = []maillage.Span{span}
		g.addVenue("perm", v, g.near(v.at, 0.1), maillage.Venue{Name: "Permanence numérique — mairie de " + v.name, Services: svcPermanence,
			Programmes: []string{"Conseillers numériques"}, Publics: publicsFor(i), Hours: w})
	}
	// Three village libraries.
	for _, v := range villages[6:9] {
		g.addVenue("biblio", v, g.near(v.at, 0.1), maillage.Venue{Name: "Bibliothèque de " + v.name,
			Services: maillage.ServiceAcces | maillage.ServiceLoisirs,
			Hours:    week(nil, nil, []maillage.Span{{Open: hm(14, 0), Close: hm(17, 0)}}, nil, nil, []maillage.Span{{Open: hm(10, 0), Close: hm(12, 0)}}, nil)})
	}
	// The France Services bus: six stops in the villages farthest from the
	// towns, one half-day each.
	remote := slices.Clone(g.seats[len(townSizes):])
	slices.SortStableFunc(remote, func(a, b *settlement) int { return cmpF(g.farFromTowns(b.at), g.farFromTowns(a.at)) })
	for i, v := range remote[:6] {
		span := morning
		if i%2 == 1 {
			span = maillage.Span{Open: hm(14, 0), Close: hm(17, 0)}
		}
		var w maillage.Week
		w.Known = true
		w.Days[i/2] = []maillage.Span{span}
		g.addVenue("bus", v, g.near(v.at, 0.05), maillage.Venue{Name: fmt.Sprintf("France Services itinérant — arrêt %s", v.name),
			Services: maillage.ServiceDemarches | maillage.ServiceQuotidien, Programmes: []string{"France Services"},
			Publics: []string{"Seniors"}, Itinerant: true, Hours: w})
	}
	// A home-visit service with no fixed address: kept, not on the map.
	g.vens = append(g.vens, maillage.Venue{ID: fmt.Sprintf("demo-domicile-%d", len(g.vens)+1), Source: "demo", Line: len(g.vens) + 1,
		Name: "Aidant numérique à domicile", CommuneName: towns[0].name, Commune: g.comms[0].Code,
		Services: maillage.ServiceDemarches | maillage.ServiceQuotidien, Publics: []string{"Seniors"},
		Programmes: []string{"Conseillers numériques"}, Hours: week(nil, nil, nil, nil, fullDay, nil, nil)})
	g.findings = append(g.findings,
		maillage.Finding{File: "demo", Line: len(g.vens), Field: "latitude", Reason: "missing coordinates: kept, not placed on the map",
			Severity: maillage.Warning, ID: g.vens[len(g.vens)-1].ID},
		maillage.Finding{File: "demo", Line: 1, Field: "horaires", Reason: "hours unknown", Severity: maillage.Warning,
			ID: g.venueID("gare")},
		maillage.Finding{File: "demo", Line: len(g.vens) + 1, Field: "services", Reason: `unknown service value "Cours de guitare"`,
			Severity: maillage.Rejected, ID: "demo-rejected"})
	g.rejected = 1
	for i := range g.findings {
		if g.findings[i].ID != "" {
			for _, v := range g.vens {
				if v.ID == g.findings[i].ID {
					g.findings[i].Line = v.Line
				}
			}
		}
	}
}

func (g *gen) venueID(kind string) string {
	for _, v := range g.vens {
		if len(v.ID) > len("demo-"+kind) && v.ID[:len("demo-"+kind)+1] == "demo-"+kind+"-" {
			return v.ID
		}
	}
	return ""
}

func publicsFor(i int) []string {
	if i%3 == 0 {
		return []string{"Seniors"}
	}
	return nil
}

// farFromTowns returns the distance in km from p to the nearest town.
func (g *gen) farFromTowns(p xy) float64 {
	d := math.Inf(1)
	for _, t := range g.seats[:len(townSizes)] {
		d = min(d, dist(p, t.at))
	}
	return d
}
