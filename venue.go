package maillage

import (
	"strings"

	"github.com/paulmach/orb"
)

// Service is a set of the national schema's 9 service values, as a bit set.
type Service uint16

// The 9 services of the national "lieux de médiation numérique" schema.
const (
	ServiceDemarches     Service = 1 << iota // Aide aux démarches administratives
	ServiceQuotidien                         // Maîtrise des outils numériques du quotidien
	ServiceInsertion                         // Insertion professionnelle via le numérique
	ServiceSecurite                          // Utilisation sécurisée du numérique
	ServiceParentalite                       // Parentalité et éducation avec le numérique
	ServiceLoisirs                           // Loisirs et créations numériques
	ServiceComprehension                     // Compréhension du monde numérique
	ServiceAcces                             // Accès internet et matériel informatique
	ServiceMateriel                          // Acquisition de matériel informatique à prix solidaire
)

// ServiceNames are the schema's labels, in bit order.
var ServiceNames = []string{
	"Aide aux démarches administratives",
	"Maîtrise des outils numériques du quotidien",
	"Insertion professionnelle via le numérique",
	"Utilisation sécurisée du numérique",
	"Parentalité et éducation avec le numérique",
	"Loisirs et créations numériques",
	"Compréhension du monde numérique",
	"Accès internet et matériel informatique",
	"Acquisition de matériel informatique à prix solidaire",
}

// ParseService returns the service with the schema label name (exact label,
// compared case-insensitively).
func ParseService(name string) (Service, bool) {
	for i, n := range ServiceNames {
		if strings.EqualFold(n, strings.TrimSpace(name)) {
			return 1 << i, true
		}
	}
	return 0, false
}

// Names returns the schema labels of the services in s.
func (s Service) Names() []string {
	var out []string
	for i, n := range ServiceNames {
		if s&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// Venue is a place that offers digital-mediation help: a France Services site,
// an EPN, a library, an association, a Conseiller numérique's permanence, or an
// itinerant stop. Positions are WGS84 (orb.Point{lon, lat}).
type Venue struct {
	ID     string // unique within a territory ("fs-12", the schema's id…)
	Source string // which file or source it came from (base name)
	Line   int    // line in Source where the record starts (1-based), 0 if not from a file
	Pivot  string // SIRET/RNA, the schema's pivot
	Name   string

	Point   orb.Point // WGS84 lon/lat; meaningful only if Located
	Located bool      // false when the source has no usable coordinates

	Address     string
	Postcode    string
	CommuneName string // as written in the source
	Commune     string // INSEE code of the commune the point falls in (or the source's code_insee)

	Services   Service
	Publics    []string // publics_specifiquement_adresses, e.g. "Seniors"
	Support    []string // prise_en_charge_specifique, e.g. "Surdité"
	Programmes []string // dispositif_programmes_nationaux, e.g. "France Services"
	Fees       string   // frais_a_charge: "Gratuit", "Payant"…
	Itinerant  bool

	Hours Week // weekly opening hours; Hours.Known is false if unknown

	// Updated is the date the record was last updated (the schema's
	// date_maj), as YYYY-MM-DD; "" when the source gives none.
	Updated string
}

// HasProgramme reports whether v belongs to the national programme p
// (case-insensitive), e.g. "France Services".
func (v *Venue) HasProgramme(p string) bool {
	for _, q := range v.Programmes {
		if strings.EqualFold(q, p) {
			return true
		}
	}
	return false
}
