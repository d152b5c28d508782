package maillage

import "strings"

// Attr names one population attribute of an INSEE Filosofi square, in persons
// (Ind*) or households (Men*).
type Attr uint8

// The attributes kept from the Filosofi grids. The age bands plus IndInc (age
// unknown) sum to Ind.
const (
	Ind     Attr = iota // inhabitants (persons, may be fractional)
	Men                 // households
	MenPauv             // poor households
	Men1Ind             // single-person households
	Ind0_3              // persons aged 0-3
	Ind4_5
	Ind6_10
	Ind11_17
	Ind18_24
	Ind25_39
	Ind40_54
	Ind55_64
	Ind65_79
	Ind80p // persons aged 80 and over
	IndInc // persons of unknown age
	NumAttrs
)

var attrNames = [NumAttrs]string{
	"Ind", "Men", "Men_pauv", "Men_1ind",
	"Ind_0_3", "Ind_4_5", "Ind_6_10", "Ind_11_17", "Ind_18_24", "Ind_25_39",
	"Ind_40_54", "Ind_55_64", "Ind_65_79", "Ind_80p", "Ind_inc",
}

// AgeBands lists the age-band attributes (with IndInc last); they sum to Ind.
var AgeBands = []Attr{Ind0_3, Ind4_5, Ind6_10, Ind11_17, Ind18_24, Ind25_39,
	Ind40_54, Ind55_64, Ind65_79, Ind80p, IndInc}

// String returns the 2015 Filosofi column name of a, e.g. "Ind_80p".
func (a Attr) String() string {
	if a < NumAttrs {
		return attrNames[a]
	}
	return "Attr(?)"
}

// ParseAttr returns the attribute named by a Filosofi column name, in any case
// ("Ind_80p", "ind_80p"). The 2017/2019 count columns share these names.
func ParseAttr(name string) (Attr, bool) {
	for i, n := range attrNames {
		if strings.EqualFold(n, name) {
			return Attr(i), true
		}
	}
	return 0, false
}

// Pop holds every attribute of a square, a cell or an area.
type Pop [NumAttrs]float64

// Add adds q to p, attribute by attribute.
func (p *Pop) Add(q Pop) {
	for i := range p {
		p[i] += q[i]
	}
}

// AddScaled adds f·q to p.
func (p *Pop) AddScaled(q Pop, f float64) {
	for i := range p {
		p[i] += f * q[i]
	}
}
