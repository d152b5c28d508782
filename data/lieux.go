package data

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/maillage/maillage"
)

// venueLieuxAliases maps older field names of the national schema onto the
// current ones (when both are present, the current one wins).
var venueLieuxAliases = map[string]string{
	"labels_nationaux":   "dispositif_programmes_nationaux",
	"conditions_access":  "frais_a_charge",
	"conditions_acces":   "frais_a_charge",
	"publics_accueillis": "publics_specifiquement_adresses",
	"accessibilite":      "fiche_acces_libre",
}

// venueLieuxRequired are the schema's required fields.
var venueLieuxRequired = []string{"id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj"}

// venueOlderServices maps the service labels of older national-schema
// exports (2022, e.g. the Conseillers numériques list) onto the schema's 9
// values. The four Conseillers numériques labels follow the mapping the ANCT's
// own cartography applied when it re-exported the same places (Charente 2023
// export: "Maîtrise des outils numériques du quotidien|Compréhension du monde
// numérique"); the others follow the label's meaning. Keys are lower case.
var venueOlderServices = map[string]maillage.Service{
	"prendre en main un smartphone ou une tablette":                 maillage.ServiceQuotidien,
	"prendre en main un ordinateur":                                 maillage.ServiceQuotidien,
	"utiliser le numérique au quotidien":                            maillage.ServiceQuotidien,
	"approfondir ma culture numérique":                              maillage.ServiceComprehension,
	"favoriser mon insertion professionnelle":                       maillage.ServiceInsertion,
	"créer et développer mon entreprise":                            maillage.ServiceInsertion,
	"accéder à une connexion internet":                              maillage.ServiceAcces,
	"accéder à du matériel":                                         maillage.ServiceAcces,
	"équiper en matériel informatique":                              maillage.ServiceMateriel,
	"promouvoir la citoyenneté numérique":                           maillage.ServiceComprehension,
	"réaliser des démarches administratives avec un accompagnement": maillage.ServiceDemarches,
	"accompagner les démarches de santé":                            maillage.ServiceDemarches,
	"soutenir la parentalité et l'éducation avec le numérique":      maillage.ServiceParentalite,
	"créer avec le numérique":                                       maillage.ServiceLoisirs,
	"sécuriser ses usages numériques":                               maillage.ServiceSecurite,
}

// venueProgrammes maps programme labels (lower case), current and older, onto
// the schema's dispositif_programmes_nationaux values.
var venueProgrammes = map[string]string{
	"aidants connect":                      "Aidants Connect",
	"bibliothèques numérique de référence": "Bibliothèques numérique de référence",
	"certification pix":                    "Certification PIX",
	"conseillers numériques":               "Conseillers numériques",
	"conseiller numérique":                 "Conseillers numériques",
	"cnfs":                                 "Conseillers numériques",
	"emmaüs connect":                       "Emmaüs Connect",
	"france services":                      "France Services",
	"france service":                       "France Services",
	"mfs":                                  "France Services",
	"grande école du numérique":            "Grande école du numérique",
	"la croix rouge":                       "La Croix Rouge",
	"point d'accès numérique caf":          "Point d'accès numérique CAF",
	"promeneurs du net":                    "Promeneurs du net",
	"relais numérique (emmaüs connect)":    "Relais numérique (Emmaüs Connect)",
}

// venuePublics maps publics (lower case) onto the schema's values; an empty
// value means "everyone" and is dropped without a finding.
var venuePublics = map[string]string{
	"jeunes":                 "Jeunes",
	"jeunes (16-26 ans)":     "Jeunes",
	"étudiants":              "Étudiants",
	"familles et/ou enfants": "Familles et/ou enfants",
	"familles/enfants":       "Familles et/ou enfants",
	"seniors":                "Seniors",
	"seniors (+ 65 ans)":     "Seniors",
	"femmes":                 "Femmes",
	"adultes":                "",
	"tout public":            "",
}

var venueSupports = []string{"Surdité", "Handicaps moteurs", "Handicaps mentaux", "Illettrisme",
	"Langues étrangères (anglais)", "Langues étrangères (autres)", "Déficience visuelle"}

var venueFees = []string{"Gratuit", "Gratuit sous condition", "Payant"}

// venueSplitReplacer turns the older separators into "|" (read-only, safe
// for concurrent use).
var venueSplitReplacer = strings.NewReplacer(";", "|", ", ", "|")

// venueSplit splits a multi-valued cell on "|" (current schema), ";" or ", "
// (older exports).
func venueSplit(s string) []string {
	s = venueSplitReplacer.Replace(s)
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func venueAppendUnique(list []string, s string) []string {
	for _, q := range list {
		if strings.EqualFold(q, s) {
			return list
		}
	}
	return append(list, s)
}

func venueLookup(values []string, s string) (string, bool) {
	for _, v := range values {
		if strings.EqualFold(v, s) {
			return v, true
		}
	}
	return "", false
}

// venueLieu is one national-schema record: canonical field name → value, and
// the source column each came from (for findings).
type venueLieu struct {
	val map[string]string
	col map[string]string
}

func (l *venueLieu) set(name, value string) {
	name = strings.ToLower(strings.TrimSpace(name))
	canon := name
	if c, ok := venueLieuxAliases[name]; ok {
		canon = c
		if _, current := l.col[c]; current && l.col[c] == c {
			return // the current field name wins
		}
	}
	l.val[canon] = strings.TrimSpace(value)
	l.col[canon] = name
}

func (l *venueLieu) field(canon string) string {
	if c, ok := l.col[canon]; ok {
		return c
	}
	return canon
}

// key renders the record canonically (for duplicate detection).
func (l *venueLieu) key() string {
	names := make([]string, 0, len(l.val))
	for k := range l.val {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(l.val[k])
		b.WriteByte('\x1f')
	}
	return b.String()
}

// venueFromLieu builds a venue from a national-schema record and validates it.
func venueFromLieu(l *venueLieu, file string, line int) (maillage.Venue, []maillage.Finding) {
	g := func(k string) string { return l.val[k] }
	v := maillage.Venue{
		ID: g("id"), Source: file, Line: line, Pivot: g("pivot"), Name: g("nom"),
		Address: g("adresse"), Postcode: g("code_postal"), CommuneName: g("commune"),
	}
	row := &venueRow{file: file, line: line, id: v.ID}
	for _, f := range venueLieuxRequired {
		if g(f) == "" && f != "code_postal" && f != "id" {
			row.warn(l.field(f), "missing required field")
		}
	}
	if v.ID == "" {
		v.ID = fmt.Sprintf("L%d", line)
		row.id = v.ID
		row.warn(l.field("id"), "missing required field: named %q", v.ID)
	}
	if p := v.Pivot; p != "" && !venuePivotRe.MatchString(p) {
		row.warn(l.field("pivot"), "bad pivot %q: want 9 to 14 letters or digits (SIRET/RNA)", p)
	}
	venueCheckPostcode(row, l.field("code_postal"), v.Postcode)
	if c := g("code_insee"); c != "" {
		if venueInseeRe.MatchString(c) {
			v.Commune = c
		} else {
			row.warn(l.field("code_insee"), "bad INSEE code %q", c)
		}
	}
	venueLocate(&v, row, l.field("latitude"), l.field("longitude"), g("latitude"), g("longitude"))
	if d := g("date_maj"); len(d) >= 10 {
		if _, err := time.Parse(time.DateOnly, d[:10]); err == nil {
			v.Updated = d[:10]
		}
	}

	for _, s := range venueSplit(g("services")) {
		if sv, ok := maillage.ParseService(s); ok {
			v.Services |= sv
		} else if sv, ok := venueOlderServices[strings.ToLower(s)]; ok {
			v.Services |= sv
		} else {
			row.warn(l.field("services"), "unknown service %q: ignored", s)
		}
	}
	if g("services") == "" {
		row.warn(l.field("services"), "no service listed")
	}
	for _, p := range venueSplit(g("dispositif_programmes_nationaux")) {
		if c, ok := venueProgrammes[strings.ToLower(p)]; ok {
			v.Programmes = venueAppendUnique(v.Programmes, c)
		} else {
			row.warn(l.field("dispositif_programmes_nationaux"), "unknown programme %q: kept as written", p)
			v.Programmes = venueAppendUnique(v.Programmes, p)
		}
	}
	for _, p := range venueSplit(g("publics_specifiquement_adresses")) {
		c, ok := venuePublics[strings.ToLower(p)]
		switch {
		case !ok:
			row.warn(l.field("publics_specifiquement_adresses"), "unknown public %q: kept as written", p)
			v.Publics = venueAppendUnique(v.Publics, p)
		case c != "":
			v.Publics = venueAppendUnique(v.Publics, c)
		}
	}
	for _, p := range venueSplit(g("prise_en_charge_specifique")) {
		c, ok := venueLookup(venueSupports, p)
		if !ok {
			row.warn(l.field("prise_en_charge_specifique"), "unknown specific support %q: kept as written", p)
			c = p
		}
		v.Support = venueAppendUnique(v.Support, c)
	}
	var fees []string
	for _, p := range venueSplit(g("frais_a_charge")) {
		c, ok := venueLookup(venueFees, p)
		if !ok {
			row.warn(l.field("frais_a_charge"), "unknown fee condition %q: kept as written", p)
			c = p
		}
		fees = venueAppendUnique(fees, c)
	}
	v.Fees = strings.Join(fees, "|")
	for _, p := range venueSplit(g("itinerance")) {
		switch strings.ToLower(p) {
		case "itinérant", "itinerant":
			v.Itinerant = true
		case "fixe":
		default:
			row.warn(l.field("itinerance"), "unknown itinerance %q: read as fixed", p)
		}
	}
	if h := g("horaires"); h != "" {
		w, err := ParseOpeningHours(h)
		if err != nil {
			row.warn(l.field("horaires"), "unparseable opening hours, kept as unknown: %v", err)
		} else {
			v.Hours = w
		}
	}
	return v, row.findings
}

// venueReadLieuxCSV reads a national-schema CSV export.
func venueReadLieuxCSV(b []byte, name string) ([]maillage.Venue, []maillage.Finding, error) {
	cr, header, err := venueCSV(b, name)
	if err != nil {
		return nil, nil, err
	}
	hasNom := false
	for _, h := range header {
		hasNom = hasNom || strings.EqualFold(strings.TrimSpace(h), "nom")
	}
	if !hasNom {
		return nil, nil, &VenueFileError{File: name, Line: 1, Err: fmt.Errorf("%w: no \"nom\" column in the header", ErrVenueFormat)}
	}
	var vs []maillage.Venue
	var keys []string
	var fs []maillage.Finding
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, venueCSVError(err, name)
		}
		line, _ := cr.FieldPos(0)
		l := &venueLieu{val: make(map[string]string, len(rec)), col: make(map[string]string, len(rec))}
		for i, h := range header {
			l.set(h, rec[i])
		}
		v, f := venueFromLieu(l, name, line)
		vs = append(vs, v)
		keys = append(keys, l.key())
		fs = append(fs, f...)
	}
	vs, f := venueDedupIDs(vs, keys, name)
	return vs, venueSortFindings(append(fs, f...)), nil
}

// venueCSV opens a strict CSV reader (every row the header's width) on b,
// with the separator sniffed from the header, and reads the header.
func venueCSV(b []byte, name string) (*csv.Reader, []string, error) {
	line, _, _ := bytes.Cut(b, []byte{'\n'})
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = venueSeparator(line)
	header, err := cr.Read()
	if err != nil {
		return nil, nil, venueCSVError(err, name)
	}
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		header[i] = h
		if h != "" && seen[h] {
			return nil, nil, &VenueFileError{File: name, Line: 1, Err: fmt.Errorf("%w: column %q repeated", ErrVenueFormat, h)}
		}
		seen[h] = true
	}
	return cr, header, nil
}

func venueCSVError(err error, name string) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &VenueFileError{File: name, Line: pe.StartLine,
			Err: fmt.Errorf("%w (line %d, column %d)", pe.Err, pe.Line, pe.Column)}
	}
	return &VenueFileError{File: name, Err: err}
}

// venueReadLieuxJSON reads a national-schema JSON export: an array of objects.
// Each record's line is the line of its opening brace.
func venueReadLieuxJSON(b []byte, name string) ([]maillage.Venue, []maillage.Finding, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	fail := func(off int64, err error) ([]maillage.Venue, []maillage.Finding, error) {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = se.Offset
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			off = int64(len(b))
			err = fmt.Errorf("truncated JSON: %w", io.ErrUnexpectedEOF)
		}
		return nil, nil, &VenueFileError{File: name, Line: venueLineAt(b, int(off)), Err: err}
	}
	tok, err := dec.Token()
	if err != nil {
		return fail(dec.InputOffset(), err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fail(0, fmt.Errorf("%w: JSON is not an array of venues", ErrVenueFormat))
	}
	var vs []maillage.Venue
	var keys []string
	var fs []maillage.Finding
	line, lineOff := 1, 0 // line number at byte offset lineOff
	for dec.More() {
		start := int(dec.InputOffset())
		for start < len(b) && (b[start] == ',' || b[start] == ' ' || b[start] == '\t' || b[start] == '\r' || b[start] == '\n') {
			start++
		}
		line += bytes.Count(b[lineOff:start], []byte{'\n'})
		lineOff = start
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fail(int64(start), err)
		}
		var obj map[string]any
		dec2 := json.NewDecoder(bytes.NewReader(raw))
		dec2.UseNumber()
		if err := dec2.Decode(&obj); err != nil || obj == nil {
			fs = append(fs, maillage.Finding{File: name, Line: line, Field: "", Severity: maillage.Rejected,
				Reason: "array element is not a JSON object: dropped"})
			continue
		}
		l := &venueLieu{val: make(map[string]string, len(obj)), col: make(map[string]string, len(obj))}
		var nested []string
		names := make([]string, 0, len(obj))
		for k := range obj {
			names = append(names, k)
		}
		sort.Strings(names) // deterministic alias resolution and findings
		for _, k := range names {
			s, ok := venueJSONString(obj[k])
			if !ok {
				nested = append(nested, k)
				continue
			}
			l.set(k, s)
		}
		id := l.val["id"]
		v, f := venueFromLieu(l, name, line)
		for _, k := range nested {
			f = append(f, maillage.Finding{File: name, Line: line, Field: k, ID: id, Severity: maillage.Warning,
				Reason: "nested JSON object: ignored"})
		}
		vs = append(vs, v)
		keys = append(keys, l.key())
		fs = append(fs, f...)
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return fail(dec.InputOffset(), err)
	}
	end := int(dec.InputOffset())
	if rest := bytes.TrimSpace(b[end:]); len(rest) > 0 {
		return fail(int64(end+bytes.Index(b[end:], rest[:1])), errors.New("trailing data after the JSON array"))
	}
	vs, f := venueDedupIDs(vs, keys, name)
	return vs, venueSortFindings(append(fs, f...)), nil
}

// venueJSONString renders a JSON scalar or array of scalars as the schema's
// text ("|" between array items); ok is false for objects.
func venueJSONString(x any) (string, bool) {
	switch t := x.(type) {
	case nil:
		return "", true
	case string:
		return t, true
	case json.Number:
		return t.String(), true
	case bool:
		if t {
			return "true", true
		}
		return "false", true
	case []any:
		parts := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := venueJSONString(e)
			if !ok {
				return "", false
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, "|"), true
	}
	return "", false
}
