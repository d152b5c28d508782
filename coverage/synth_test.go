package coverage

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/maillage/maillage"
	mgeo "github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/geo/travel"
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// synth describes a small synthetic territory: the H3 cells of GridDisk(rings)
// around a centre, each holding the same population, split into communes by
// longitude, with venues. It is also the input format of the golden gap
// tests (testdata/NAME.json).
type synth struct {
	Center     [2]float64         `json:"center"` // lon, lat
	Resolution int                `json:"resolution"`
	Rings      int                `json:"rings"`
	Pop        map[string]float64 `json:"pop"` // per cell, by Filosofi column
	Communes   []synthCommune     `json:"communes"`
	Venues     []synthVenue       `json:"venues"`
	Profile    json.RawMessage    `json:"profile"` // one profile, in the profile-file form
}

type synthCommune struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	MaxLon float64 `json:"max_lon"` // cells with centre longitude ≤ MaxLon (first match)
}

type synthVenue struct {
	ID         string   `json:"id"`
	Lon        float64  `json:"lon"`
	Lat        float64  `json:"lat"`
	Unlocated  bool     `json:"unlocated"`
	Hours      *float64 `json:"hours"` // weekly hours; absent = unknown
	Services   []string `json:"services"`
	Programmes []string `json:"programmes"`
	Publics    []string `json:"publics"`
	Fees       string   `json:"fees"`
}

// week returns a schedule open h hours a week, in spans of at most 10 h a day
// from Monday 08:00.
func week(h float64) maillage.Week {
	w := maillage.Week{Known: true}
	m := int(math.Round(h * 60))
	for d := 0; d < 7 && m > 0; d++ {
		n := min(m, 600)
		w.Days[d] = []maillage.Span{{Open: 480, Close: uint16(480 + n)}}
		m -= n
	}
	return w
}

func (sv synthVenue) venue(tb testing.TB) maillage.Venue {
	tb.Helper()
	v := maillage.Venue{ID: sv.ID, Name: sv.ID, Point: orb.Point{sv.Lon, sv.Lat}, Located: !sv.Unlocated,
		Programmes: sv.Programmes, Publics: sv.Publics, Fees: sv.Fees}
	for _, s := range sv.Services {
		x, ok := maillage.ParseService(s)
		if !ok {
			tb.Fatalf("venue %s: unknown service %q", sv.ID, s)
		}
		v.Services |= x
	}
	if sv.Hours != nil {
		v.Hours = week(*sv.Hours)
	}
	return v
}

// build makes the territory.
func (sp *synth) build(tb testing.TB) *maillage.Territory {
	tb.Helper()
	c, err := h3.LatLngToCell(h3.NewLatLng(sp.Center[1], sp.Center[0]), sp.Resolution)
	if err != nil {
		tb.Fatal(err)
	}
	cells, err := c.GridDisk(sp.Rings)
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(cells)
	var pop maillage.Pop
	for k, x := range sp.Pop {
		a, ok := maillage.ParseAttr(k)
		if !ok {
			tb.Fatalf("unknown column %q", k)
		}
		pop[a] = x
	}
	t := &maillage.Territory{Name: "synthetic", Fictional: true, Resolution: sp.Resolution}
	for _, co := range sp.Communes {
		t.Communes = append(t.Communes, maillage.Commune{Code: co.Code, Name: co.Name})
	}
	for _, h := range cells {
		ll, err := h.LatLng()
		if err != nil {
			tb.Fatal(err)
		}
		i := int32(len(t.Cells))
		com := int32(-1)
		for k, co := range sp.Communes {
			if ll.Lng <= co.MaxLon {
				com = int32(k)
				break
			}
		}
		t.Cells = append(t.Cells, maillage.Cell{H3: h, Center: mgeo.FromLatLng(ll), Pop: pop, Commune: com,
			PartStart: int32(len(t.Parts)), PartEnd: int32(len(t.Parts) + 1)})
		t.Parts = append(t.Parts, maillage.Part{Cell: i, Commune: com, Pop: pop})
	}
	for _, sv := range sp.Venues {
		t.Venues = append(t.Venues, sv.venue(tb))
	}
	return t
}

// profile parses the synth's profile.
func (sp *synth) profile(tb testing.TB) Profile {
	tb.Helper()
	ps, err := ParseProfiles([]byte(`{"profiles":[` + string(sp.Profile) + `]}`))
	if err != nil {
		tb.Fatal(err)
	}
	return ps[0]
}

// randomTerritory makes a territory of about 3·rings² cells at resolution 8
// around Bordeaux, with random populations, 4 communes, and n random venues
// (a few without position, some with unknown hours, some outside the grid).
func randomTerritory(tb testing.TB, rng *rand.Rand, rings, n int) *maillage.Territory {
	tb.Helper()
	sp := synth{Center: [2]float64{-0.58, 44.84}, Resolution: 8, Rings: rings,
		Pop: map[string]float64{"Ind": 1}}
	t := sp.build(tb)
	t.Communes = []maillage.Commune{{Code: "33001", Name: "A"}, {Code: "33002", Name: "B"}, {Code: "33003", Name: "C"}, {Code: "33004", Name: "D"}}
	t.Parts = t.Parts[:0]
	for i := range t.Cells {
		c := &t.Cells[i]
		var p maillage.Pop
		for _, a := range maillage.AgeBands {
			p[a] = math.Round(rng.Float64()*20*100) / 100
			p[maillage.Ind] += p[a]
		}
		p[maillage.Men] = p[maillage.Ind] / 2.2
		p[maillage.MenPauv] = p[maillage.Men] * 0.15
		p[maillage.Men1Ind] = p[maillage.Men] * 0.35
		if rng.IntN(10) == 0 {
			p = maillage.Pop{} // unpopulated cell
		}
		c.Pop = p
		q := int32(0)
		if c.Center[0] > sp.Center[0] {
			q++
		}
		if c.Center[1] > sp.Center[1] {
			q += 2
		}
		c.Commune = q
		c.PartStart = int32(len(t.Parts))
		if rng.IntN(8) == 0 { // straddles two communes
			a, b := p, p
			for k := range a {
				a[k] *= 0.25
				b[k] *= 0.75
			}
			t.Parts = append(t.Parts, maillage.Part{Cell: int32(i), Commune: q, Pop: b},
				maillage.Part{Cell: int32(i), Commune: (q + 1) % 4, Pop: a})
		} else {
			t.Parts = append(t.Parts, maillage.Part{Cell: int32(i), Commune: q, Pop: p})
		}
		c.PartEnd = int32(len(t.Parts))
	}
	b := orb.MultiPoint(cellCenters(t)).Bound().Pad(0.05)
	for j := 0; j < n; j++ {
		t.Venues = append(t.Venues, randomVenue(rng, b, j))
	}
	return t
}

func cellCenters(t *maillage.Territory) []orb.Point {
	pts := make([]orb.Point, len(t.Cells))
	for i := range t.Cells {
		pts[i] = t.Cells[i].Center
	}
	return pts
}

func randomVenue(rng *rand.Rand, b orb.Bound, j int) maillage.Venue {
	v := maillage.Venue{
		ID:      "v" + strconv.Itoa(j),
		Point:   orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])},
		Located: rng.IntN(20) != 0,
	}
	v.Services = maillage.Service(rng.IntN(1 << 9))
	if rng.IntN(4) == 0 {
		v.Programmes = []string{"France Services"}
	}
	if rng.IntN(6) != 0 {
		v.Hours = week(float64(rng.IntN(40)) / 2)
	}
	return v
}

// builtinMode returns the built-in travel mode called name (travel.DefaultModes).
func builtinMode(name string) travel.Mode {
	m, err := travel.DefaultModes().Get(name)
	if err != nil {
		panic(err)
	}
	return m
}
