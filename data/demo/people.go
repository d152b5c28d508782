package demo

import (
	"errors"
	"math"
	"slices"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/uber/h3-go/v4"
)

// Sizes of the demo territory.
const (
	numVillages = 66
	numHamlets  = 260
	numFarms    = 1500
)

var townSizes = []float64{32000, 16000, 9500}
var townNames = []string{"Valmoraine", "Saint-Aubert-les-Forges", "Montclaret"}

// errCrowded is returned when settlements cannot be placed (never with the
// built-in sizes).
var errCrowded = errors.New("demo: cannot place every settlement")

func (g *gen) settlements() error {
	g.names = map[string]bool{}
	for i, pop := range townSizes {
		margin, spacing := 12.0, 18.0
		if i == 0 {
			margin = 20 // the préfecture is near the middle
		}
		p, ok := g.place(margin, spacing, g.seats)
		if !ok {
			return errCrowded
		}
		s := &settlement{kind: town, at: p, pop: pop, name: townNames[i]}
		g.names[s.name] = true
		// One or two poverty pockets 0.7-1.5 km from the centre.
		for range 1 + min(1, 2-i) {
			a, d := g.r.Float64()*2*math.Pi, 0.7+g.r.Float64()*0.8
			s.pockets = append(s.pockets, xy{p.X + d*math.Cos(a), p.Y + d*math.Sin(a)})
		}
		g.seats = append(g.seats, s)
	}
	for range numVillages {
		p, ok := g.place(2.5, 3.4, g.seats)
		if !ok {
			return errCrowded
		}
		// Log-uniform between 220 and 2,600 inhabitants.
		pop := math.Round(220 * math.Exp(g.r.Float64()*math.Log(2600.0/220)))
		for _, t := range g.seats[:len(townSizes)] {
			if dist(p, t.at) < 5 {
				pop *= 1.6 // suburbs of a town are larger
			}
		}
		g.seats = append(g.seats, &settlement{kind: village, at: p, pop: pop, name: g.name()})
	}
	for range numHamlets {
		p, ok := g.place(0.8, 1.0, g.seats, g.hamlets)
		if !ok {
			return errCrowded
		}
		g.hamlets = append(g.hamlets, &settlement{kind: hamlet, at: p, pop: math.Round(15 + g.r.Float64()*g.r.Float64()*140), name: g.name()})
	}
	for range numFarms {
		g.farms = append(g.farms, g.randomInside(0.4))
	}
	for i, s := range g.seats {
		s.commune = i
	}
	for _, h := range g.hamlets {
		h.commune = g.communeOf(h.at)
	}
	return nil
}

var (
	nameStarts = []string{"Mont", "Bel", "Chau", "Ver", "Roche", "Fon", "Lau", "Bois", "Mar", "Cha",
		"Ri", "Sau", "Lan", "Pré", "Val", "Gour", "Bru", "Cour", "Ma", "Ser", "Tou", "Vil", "Ar", "Ju"}
	nameEnds = []string{"ville", "court", "mont", "lac", "bert", "nac", "zeix", "gnac", "roux", "taine",
		"ssac", "lieu", "val", "champ", "rieux", "gère", "soux", "dières", "gny", "lles", "nat", "zac"}
	namePrefixes = []string{"Saint-", "Sainte-", "La ", "Le ", "Les "}
	nameSuffixes = []string{"-le-Haut", "-les-Bois", "-sur-Lièvre", "-en-Marche", "-la-Forêt", "-le-Vieux", "-des-Prés"}
)

// name invents a unique French-sounding place name.
func (g *gen) name() string {
	for {
		n := nameStarts[g.r.IntN(len(nameStarts))] + nameEnds[g.r.IntN(len(nameEnds))]
		if g.r.IntN(5) == 0 {
			n = namePrefixes[g.r.IntN(len(namePrefixes))] + n
		}
		if g.r.IntN(5) == 0 {
			n += nameSuffixes[g.r.IntN(len(nameSuffixes))]
		}
		if !g.names[n] {
			g.names[n] = true
			return n
		}
	}
}

// profile is the make-up of a kind of place: age-band shares (0-3 … 80+),
// persons per household, and shares of single-person and poor households.
type profile struct {
	ages                 [10]float64
	hhSize, single, poor float64
}

var (
	townProfile    = profile{[10]float64{0.045, 0.024, 0.058, 0.08, 0.10, 0.20, 0.19, 0.12, 0.13, 0.053}, 2.05, 0.42, 0.11}
	pocketProfile  = profile{[10]float64{0.06, 0.03, 0.07, 0.10, 0.12, 0.22, 0.17, 0.09, 0.09, 0.05}, 2.4, 0.38, 0.38}
	villageProfile = profile{[10]float64{0.036, 0.02, 0.055, 0.08, 0.06, 0.15, 0.20, 0.15, 0.17, 0.079}, 2.25, 0.30, 0.12}
	ruralProfile   = profile{[10]float64{0.025, 0.015, 0.04, 0.065, 0.045, 0.11, 0.18, 0.17, 0.23, 0.12}, 2.1, 0.33, 0.16}
)

// unknownAgeShare is the share of persons of unknown age (Ind_inc).
const unknownAgeShare = 0.004

// fill returns the attributes of n persons living as prof says, with ±15 %
// noise on each share.
func (g *gen) fill(n float64, prof profile) maillage.Pop {
	var p maillage.Pop
	var w [10]float64
	var sum float64
	for i, s := range prof.ages {
		w[i] = s * (0.85 + 0.3*g.r.Float64())
		sum += w[i]
	}
	known := n * (1 - unknownAgeShare)
	for i, a := range maillage.AgeBands[:10] {
		p[a] = known * w[i] / sum
	}
	p[maillage.IndInc] = n * unknownAgeShare
	// Ind is the sum of the bands, so bands + Ind_inc = Ind exactly.
	for _, a := range maillage.AgeBands {
		p[maillage.Ind] += p[a]
	}
	men := p[maillage.Ind] / (prof.hhSize * (0.9 + 0.2*g.r.Float64()))
	p[maillage.Men] = men
	p[maillage.Men1Ind] = men * prof.single * (0.85 + 0.3*g.r.Float64())
	p[maillage.MenPauv] = men * prof.poor * (0.7 + 0.6*g.r.Float64())
	return p
}

// people spreads every settlement's population over the H3 cells around it
// (a bell-shaped density with noise) and adds the scattered farms.
func (g *gen) people() error {
	acc := map[h3.Cell]*maillage.Pop{}
	var order []h3.Cell
	add := func(c h3.Cell, p maillage.Pop) {
		q := acc[c]
		if q == nil {
			q = new(maillage.Pop)
			acc[c] = q
			order = append(order, c)
		}
		q.Add(p)
	}
	spread := func(s *settlement, k int, prof profile) error {
		centre, err := h3.LatLngToCell(h3.NewLatLng(s.at.ll()[1], s.at.ll()[0]), Resolution)
		if err != nil {
			return err
		}
		rings, err := h3.GridDiskDistances(centre, k)
		if err != nil {
			return err
		}
		type share struct {
			c  h3.Cell
			w  float64
			at xy
		}
		var shares []share
		var total float64
		sigma := 0.55*float64(k) + 0.6
		for d, ring := range rings {
			for _, c := range ring {
				ll, err := h3.CellToLatLng(c)
				if err != nil {
					return err
				}
				at := fromLL(geo.FromLatLng(ll))
				if g.inside(at) < 0 {
					continue
				}
				w := math.Exp(-math.Pow(float64(d)/sigma, 2)) * (0.6 + 0.8*g.r.Float64())
				shares = append(shares, share{c, w, at})
				total += w
			}
		}
		for _, sh := range shares {
			pr := prof
			for _, pk := range s.pockets {
				if dist(sh.at, pk) < 0.65 {
					pr = pocketProfile
				}
			}
			add(sh.c, g.fill(s.pop*sh.w/total, pr))
		}
		return nil
	}
	for _, s := range g.seats {
		k, prof := 1, villageProfile
		switch {
		case s.kind == town:
			k, prof = int(math.Round(math.Sqrt(s.pop)/30)), townProfile
		case s.pop > 1500:
			k = 3
		case s.pop > 600:
			k = 2
		}
		if err := spread(s, k, prof); err != nil {
			return err
		}
	}
	for _, h := range g.hamlets {
		k := 0
		if h.pop > 60 {
			k = 1
		}
		if err := spread(h, k, ruralProfile); err != nil {
			return err
		}
	}
	for _, f := range g.farms {
		s := &settlement{at: f, pop: float64(2 + g.r.IntN(8))}
		if err := spread(s, 0, ruralProfile); err != nil {
			return err
		}
	}

	slices.Sort(order)
	// Each cell lies in the commune of its centre: no parts (an empty
	// range; the cell's Commune holds all of its Pop), as data.BuildCells
	// leaves the cells within one commune.
	g.cells = make([]maillage.Cell, 0, len(order))
	for _, c := range order {
		ll, err := h3.CellToLatLng(c)
		if err != nil {
			return err
		}
		centre := geo.FromLatLng(ll)
		com := int32(g.communeOf(fromLL(centre)))
		g.cells = append(g.cells, maillage.Cell{H3: c, Center: centre, Pop: *acc[c], Commune: com})
	}
	return nil
}
