package data

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/maillage/maillage"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"golang.org/x/text/unicode/norm"
)

// VenueMergeDistance is the largest distance, in metres, between two records
// of one place listed by two sources.
const VenueMergeDistance = 100.0

// MergeVenues merges lists of venues read from different sources (e.g. the
// France Services list and a national-schema export) into one list where each
// place is counted once. It does not modify its arguments and is safe for
// concurrent use.
//
// The rule: two records are the same place when they come from different
// sources (Venue.Source), are both located, are at most VenueMergeDistance
// (100 m) apart, are both fixed or both itinerant, and either
//   - their normalised names share a distinctive word (lower case, accents and
//     punctuation removed, words of one or two letters and generic words such
//     as "france", "services", "mairie", "commune", "médiathèque", "saint"
//     dropped: "France services Captieux" and "COMMUNE DE CAPTIEUX" share
//     "captieux"), or
//   - both belong to the same national programme "France Services" (a France
//     Services site and a Conseillers numériques record labelled France
//     Services at the same address).
//
// Records of the same source are never merged with each other (two
// conseillers at one address are two records of that source). A record is
// merged into the nearest matching group; a group holds at most one record
// per source. The group keeps its richest record (most fields filled, known
// hours and a position counting as fields; first listed on a tie), completes
// its empty fields from the others and takes the union of programmes,
// services, publics and specific support. Each dropped record gives a finding
// of severity Merged at its own file and line.
//
// Ids are then made unique: a venue whose id was already used by a venue of
// another source is renamed "<source>:<id>" (a Warning finding).
// Unlocated venues are kept as they are.
func MergeVenues(lists ...[]maillage.Venue) ([]maillage.Venue, []maillage.Finding) {
	type group struct {
		rep     maillage.Venue
		sources []string         // sources of rep and drop (a handful)
		drop    []maillage.Venue // records merged into rep
	}
	total := 0
	for _, l := range lists {
		total += len(l)
	}
	groups := make([]*group, 0, total)
	grid := map[[2]int][]int{} // ~1 km cells → group indexes
	cellOf := func(p orb.Point) [2]int {
		return [2]int{int(math.Floor(p[1] * 100)), int(math.Floor(p[0] * 100 * math.Cos(p[1]*math.Pi/180)))}
	}
	for _, list := range lists {
		for _, v := range list {
			v = venueClone(v)
			if !v.Located {
				groups = append(groups, &group{rep: v, sources: []string{v.Source}})
				continue
			}
			c := cellOf(v.Point)
			best, bestD := -1, math.Inf(1)
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					for _, gi := range grid[[2]int{c[0] + dy, c[1] + dx}] {
						g := groups[gi]
						if slices.Contains(g.sources, v.Source) {
							continue
						}
						d := geo.Distance(g.rep.Point, v.Point)
						if d <= VenueMergeDistance && d < bestD && venueSamePlace(&g.rep, &v, g.drop) {
							best, bestD = gi, d
						}
					}
				}
			}
			if best < 0 {
				grid[c] = append(grid[c], len(groups))
				groups = append(groups, &group{rep: v, sources: []string{v.Source}})
				continue
			}
			g := groups[best]
			g.sources = append(g.sources, v.Source)
			if venueRichness(&v) > venueRichness(&g.rep) {
				g.rep, v = v, g.rep
				// keep the group findable from the cell it was indexed in
			}
			venueAbsorb(&g.rep, &v)
			g.drop = append(g.drop, v)
		}
	}
	out := make([]maillage.Venue, 0, len(groups))
	var fs []maillage.Finding
	for _, g := range groups {
		for _, d := range g.drop {
			fs = append(fs, maillage.Finding{
				File: d.Source, Line: d.Line, Field: "", ID: d.ID, Severity: maillage.Merged,
				Reason: fmt.Sprintf("same place as %q (%s:%d), %.0f m apart: %q merged into %q",
					g.rep.ID, g.rep.Source, g.rep.Line, geo.Distance(g.rep.Point, d.Point), d.Name, g.rep.Name),
			})
		}
		out = append(out, g.rep)
	}
	// Unique ids across sources.
	owner := make(map[string]string, len(out))
	for i := range out {
		v := &out[i]
		src, used := owner[v.ID]
		if !used {
			owner[v.ID] = v.Source
			continue
		}
		nid := venueSourceStem(v.Source) + ":" + v.ID
		for k := 2; ; k++ {
			if _, taken := owner[nid]; !taken {
				break
			}
			nid = fmt.Sprintf("%s:%s#%d", venueSourceStem(v.Source), v.ID, k)
		}
		fs = append(fs, maillage.Finding{File: v.Source, Line: v.Line, Field: "id", ID: v.ID, Severity: maillage.Warning,
			Reason: fmt.Sprintf("id %q also used in %s: renamed %q", v.ID, src, nid)})
		v.ID = nid
		owner[nid] = v.Source
	}
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].File != fs[j].File {
			return fs[i].File < fs[j].File
		}
		return fs[i].Line < fs[j].Line
	})
	return out, fs
}

func venueSourceStem(s string) string {
	if i := strings.IndexByte(s, '.'); i > 0 {
		return s[:i]
	}
	return s
}

// venueSamePlace applies the name/programme part of the rule between a
// candidate v and a group (its representative and merged records).
func venueSamePlace(rep, v *maillage.Venue, merged []maillage.Venue) bool {
	if rep.Itinerant != v.Itinerant {
		return false
	}
	if rep.HasProgramme("France Services") && v.HasProgramme("France Services") {
		return true
	}
	words := venueNameWords(v.Name)
	others := append([]maillage.Venue{*rep}, merged...)
	for _, o := range others {
		for w := range venueNameWords(o.Name) {
			if words[w] {
				return true
			}
		}
	}
	return false
}

// venueGenericWords are name words too common to identify a place.
var venueGenericWords = map[string]bool{
	"france": true, "services": true, "service": true, "espace": true, "maison": true, "bus": true,
	"mairie": true, "commune": true, "communes": true, "communaute": true, "ville": true, "centre": true,
	"social": true, "sociale": true, "socio": true, "culturel": true, "socioculturel": true,
	"mediatheque": true, "bibliotheque": true, "association": true, "numerique": true, "numeriques": true,
	"point": true, "accueil": true, "saint": true, "sainte": true, "les": true, "des": true, "sur": true,
	"aux": true, "pour": true, "departement": true, "departemental": true, "conseiller": true,
	"conseillers": true, "cnfs": true, "efs": true, "ccas": true, "cias": true, "site": true,
	"antenne": true, "pays": true, "grand": true, "agglomeration": true, "intercommunal": true,
	"rurales": true, "solidarites": true, "pole": true, "tiers": true, "lieu": true,
}

// venueNameWords returns the distinctive words of a name (see MergeVenues).
func venueNameWords(name string) map[string]bool {
	d := norm.NFD.String(strings.ToLower(name))
	var b strings.Builder
	for _, r := range d {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	out := map[string]bool{}
	for _, w := range strings.Fields(b.String()) {
		if len(w) > 2 && !venueGenericWords[w] {
			out[w] = true
		}
	}
	return out
}

// venueRichness counts the filled fields of v.
func venueRichness(v *maillage.Venue) int {
	n := 0
	for _, s := range []string{v.Pivot, v.Name, v.Address, v.Postcode, v.CommuneName, v.Commune, v.Fees} {
		if s != "" {
			n++
		}
	}
	for _, l := range [][]string{v.Publics, v.Support, v.Programmes} {
		if len(l) > 0 {
			n++
		}
	}
	if v.Services != 0 {
		n++
	}
	if v.Hours.Known {
		n++
	}
	if v.Located {
		n++
	}
	return n
}

// venueAbsorb completes rep with o's fields.
func venueAbsorb(rep, o *maillage.Venue) {
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&rep.Pivot, o.Pivot)
	fill(&rep.Name, o.Name)
	fill(&rep.Address, o.Address)
	fill(&rep.Postcode, o.Postcode)
	fill(&rep.CommuneName, o.CommuneName)
	fill(&rep.Commune, o.Commune)
	fill(&rep.Fees, o.Fees)
	rep.Services |= o.Services
	for _, p := range o.Programmes {
		rep.Programmes = venueAppendUnique(rep.Programmes, p)
	}
	for _, p := range o.Publics {
		rep.Publics = venueAppendUnique(rep.Publics, p)
	}
	for _, p := range o.Support {
		rep.Support = venueAppendUnique(rep.Support, p)
	}
	if !rep.Hours.Known && o.Hours.Known {
		rep.Hours = o.Hours
	}
}

// venueClone copies v's slices so that merging never writes into the caller's
// venues.
func venueClone(v maillage.Venue) maillage.Venue {
	v.Publics = append([]string(nil), v.Publics...)
	v.Support = append([]string(nil), v.Support...)
	v.Programmes = append([]string(nil), v.Programmes...)
	for d := range v.Hours.Days {
		v.Hours.Days[d] = append([]maillage.Span(nil), v.Hours.Days[d]...)
	}
	return v
}
