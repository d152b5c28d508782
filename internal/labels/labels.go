// Package labels is the one catalogue of the words Maillage shows people:
// profiles' readable labels and rules, age bands and population attributes,
// services, programmes, publics, travel modes, units, kinds of place,
// roll-up levels, EPCI types and week days, in French (the default) and
// English, with the number formatting that goes with them ("136 048",
// "78,5 %", "12,3 min").
//
// The CLI's text outputs, the web API (GET /api/v1/labels, the label and
// rule of each profile) and the planners' page all read it, so a word is
// defined once. JSON and CSV keys stay stable English identifiers: labels are
// for people, keys for programs. The package depends on the root value types
// only, so every core package may use it; it imports no net/http.
package labels

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/maillage/maillage"
)

// Lang is a language of the labels: FR (the default) or EN.
type Lang string

// The languages.
const (
	FR Lang = "fr"
	EN Lang = "en"
)

// Langs lists the languages, the default first.
var Langs = []Lang{FR, EN}

// ErrLang is returned by ParseLang for an unknown language.
var ErrLang = fmt.Errorf("labels: unknown language: want fr or en")

// ParseLang returns the language named s ("fr", "en", any case; "" is FR).
func ParseLang(s string) (Lang, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "fr", "fr-fr", "français", "francais":
		return FR, nil
	case "en", "en-gb", "en-us", "english":
		return EN, nil
	}
	return FR, fmt.Errorf("%q: %w", s, ErrLang)
}

// Pick returns fr or en according to l (FR for any value but EN).
func (l Lang) Pick(fr, en string) string {
	if l == EN {
		return en
	}
	return fr
}

// Sprintf formats with the format of l's language: Pick(fr, en) then
// fmt.Sprintf. Numbers should be formatted with l.Int, l.Percent… first.
func (l Lang) Sprintf(fr, en string, args ...any) string {
	return fmt.Sprintf(l.Pick(fr, en), args...)
}

// term is one label in both languages.
type term struct{ fr, en string }

func (t term) in(l Lang) string { return l.Pick(t.fr, t.en) }

// attrTerms are the labels of the population attributes, by attribute.
var attrTerms = [maillage.NumAttrs]term{
	maillage.Ind:      {"habitants", "inhabitants"},
	maillage.Men:      {"ménages", "households"},
	maillage.MenPauv:  {"ménages pauvres", "poor households"},
	maillage.Men1Ind:  {"ménages d'une personne", "single-person households"},
	maillage.Ind0_3:   {"0 à 3 ans", "aged 0-3"},
	maillage.Ind4_5:   {"4 à 5 ans", "aged 4-5"},
	maillage.Ind6_10:  {"6 à 10 ans", "aged 6-10"},
	maillage.Ind11_17: {"11 à 17 ans", "aged 11-17"},
	maillage.Ind18_24: {"18 à 24 ans", "aged 18-24"},
	maillage.Ind25_39: {"25 à 39 ans", "aged 25-39"},
	maillage.Ind40_54: {"40 à 54 ans", "aged 40-54"},
	maillage.Ind55_64: {"55 à 64 ans", "aged 55-64"},
	maillage.Ind65_79: {"65 à 79 ans", "aged 65-79"},
	maillage.Ind80p:   {"80 ans et plus", "aged 80 and over"},
	maillage.IndInc:   {"âge inconnu", "age unknown"},
}

// Attr returns the label of a population attribute ("80 ans et plus").
func (l Lang) Attr(a maillage.Attr) string {
	if a < maillage.NumAttrs {
		return attrTerms[a].in(l)
	}
	return a.String()
}

// serviceTerms are the 9 services of the national schema, in bit order: the
// schema's own (French) label, its English translation, and a short form
// for tight places (a profile label, a table column).
var serviceTerms = []struct{ fr, en, shortFR, shortEN string }{
	{"Aide aux démarches administratives", "Help with administrative procedures", "démarches administratives", "admin procedures"},
	{"Maîtrise des outils numériques du quotidien", "Mastering everyday digital tools", "outils du quotidien", "everyday tools"},
	{"Insertion professionnelle via le numérique", "Finding work through digital tools", "insertion professionnelle", "work"},
	{"Utilisation sécurisée du numérique", "Using digital tools safely", "usage sécurisé", "safe use"},
	{"Parentalité et éducation avec le numérique", "Parenting and education with digital tools", "parentalité et éducation", "parenting"},
	{"Loisirs et créations numériques", "Digital leisure and creation", "loisirs et création", "leisure"},
	{"Compréhension du monde numérique", "Understanding the digital world", "culture numérique", "digital culture"},
	{"Accès internet et matériel informatique", "Internet access and computers", "accès internet et matériel", "internet access"},
	{"Acquisition de matériel informatique à prix solidaire", "Low-cost computers", "matériel à prix solidaire", "low-cost computers"},
}

// ServiceCount is the number of services of the national schema.
const ServiceCount = 9

// Service returns the label of one service bit (the schema's label in
// French), or "" for a value that is not one service.
func (l Lang) Service(s maillage.Service) string {
	for i, t := range serviceTerms {
		if s == 1<<i {
			return l.Pick(t.fr, t.en)
		}
	}
	return ""
}

// ServiceShort is the short label of one service bit ("démarches
// administratives").
func (l Lang) ServiceShort(s maillage.Service) string {
	for i, t := range serviceTerms {
		if s == 1<<i {
			return l.Pick(t.shortFR, t.shortEN)
		}
	}
	return ""
}

// programmeEN translates the national programmes (the schema's values, in
// French); a programme not listed keeps its French name in English too.
var programmeEN = map[string]string{
	"Aidants Connect":                      "Aidants Connect",
	"Bibliothèques numérique de référence": "Reference digital libraries",
	"Certification PIX":                    "PIX certification",
	"Conseillers numériques":               "Conseillers numériques (digital advisers)",
	"Emmaüs Connect":                       "Emmaüs Connect",
	"France Services":                      "France Services",
	"Grande école du numérique":            "Grande école du numérique",
	"La Croix Rouge":                       "French Red Cross",
	"Point d'accès numérique CAF":          "CAF digital access point",
	"Promeneurs du net":                    "Promeneurs du net",
	"Relais numérique (Emmaüs Connect)":    "Relais numérique (Emmaüs Connect)",
}

// Programme returns the label of a national programme (the schema's value).
func (l Lang) Programme(p string) string {
	if l == EN {
		if en, ok := programmeEN[p]; ok {
			return en
		}
	}
	return p
}

var publicEN = map[string]string{"Jeunes": "Young people", "Étudiants": "Students",
	"Familles et/ou enfants": "Families and children", "Seniors": "Seniors", "Femmes": "Women"}

// Public returns the label of a public (the schema's value).
func (l Lang) Public(p string) string {
	if l == EN {
		if en, ok := publicEN[p]; ok {
			return en
		}
	}
	return p
}

// modeTerms are the travel modes: how one travels ("à pied").
var modeTerms = map[string]term{
	"walk":   {"à pied", "on foot"},
	"senior": {"à pied", "on foot"},
	"bike":   {"à vélo", "by bike"},
	"car":    {"en voiture", "by car"},
}

// modeLongTerms say the mode with its pace ("à pied, au pas d'une personne
// âgée").
var modeLongTerms = map[string]term{
	"walk":   {"à pied", "on foot"},
	"senior": {"à pied, au pas d'une personne âgée", "on foot at a senior's pace"},
	"bike":   {"à vélo", "by bike"},
	"car":    {"en voiture", "by car"},
}

// Mode returns how one travels in mode ("à pied", "en voiture"); an unknown
// mode gives its name.
func (l Lang) Mode(mode string) string {
	if t, ok := modeTerms[mode]; ok {
		return t.in(l)
	}
	return mode
}

// ModeLong is Mode with the pace when it matters ("à pied, au pas d'une
// personne âgée").
func (l Lang) ModeLong(mode string) string {
	if t, ok := modeLongTerms[mode]; ok {
		return t.in(l)
	}
	return mode
}

var engineTerms = map[string]term{
	"road":    {"par la route", "on the roads"},
	"crowfly": {"à vol d'oiseau", "as the crow flies"},
	"auto":    {"par la route si le territoire a un réseau, sinon à vol d'oiseau", "on the roads when the territory has a network, else as the crow flies"},
}

// Engine returns how travel times are computed ("par la route").
func (l Lang) Engine(engine string) string {
	if t, ok := engineTerms[engine]; ok {
		return t.in(l)
	}
	return engine
}

// Unit is the label of a unit: singular, plural and a short symbol.
type Unit struct {
	One    string `json:"one"`
	Other  string `json:"other"`
	Symbol string `json:"symbol"`
}

var unitTerms = map[string][2]Unit{
	"persons":        {{"personne", "personnes", "pers."}, {"person", "persons", "pers."}},
	"households":     {{"ménage", "ménages", "mén."}, {"household", "households", "hh"}},
	"weighted":       {{"personne pondérée", "personnes pondérées", "pond."}, {"weighted person", "weighted persons", "wt."}},
	"minutes":        {{"minute", "minutes", "min"}, {"minute", "minutes", "min"}},
	"hours":          {{"heure", "heures", "h"}, {"hour", "hours", "h"}},
	"hours_per_week": {{"heure par semaine", "heures par semaine", "h/sem."}, {"hour a week", "hours a week", "h/week"}},
	"access":         {{"heure par semaine pour 1 000 personnes pondérées", "heures par semaine pour 1 000 personnes pondérées", "h/sem. pour 1 000"}, {"hour a week per 1,000 weighted persons", "hours a week per 1,000 weighted persons", "h/week per 1,000"}},
	"share":          {{"part", "parts", "%"}, {"share", "shares", "%"}},
	"metres":         {{"mètre", "mètres", "m"}, {"metre", "metres", "m"}},
	"kilometres":     {{"kilomètre", "kilomètres", "km"}, {"kilometre", "kilometres", "km"}},
	"cells":          {{"hexagone", "hexagones", "hex."}, {"cell", "cells", "cells"}},
	"places":         {{"lieu", "lieux", "lieux"}, {"place", "places", "places"}},
	"communes":       {{"commune", "communes", "comm."}, {"commune", "communes", "comm."}},
	"areas":          {{"zone", "zones", "zones"}, {"area", "areas", "areas"}},
	"scenarios":      {{"scénario", "scénarios", "scén."}, {"scenario", "scenarios", "scen."}},
	"sites":          {{"nouveau site", "nouveaux sites", "sites"}, {"new site", "new sites", "sites"}},
}

// Unit returns the label of the unit named key (persons, households,
// weighted, minutes, hours, hours_per_week, access, share, metres,
// kilometres, cells, places, communes, areas, scenarios), or a Unit of key
// itself.
func (l Lang) Unit(key string) Unit {
	if u, ok := unitTerms[key]; ok {
		if l == EN {
			return u[1]
		}
		return u[0]
	}
	return Unit{key, key, key}
}

// Count formats n things of unit key, with the unit agreeing: "1 lieu",
// "38 lieux", "136 048 personnes". French takes the singular below 2.
func (l Lang) Count(n float64, key string) string {
	u := l.Unit(key)
	word := u.Other
	r := n
	if r < 0 {
		r = -r
	}
	if l == EN && r == 1 || l != EN && r < 2 {
		word = u.One
	}
	return l.Int(n) + " " + word
}

// kindTerms are the kinds of place a planner meets: where a proposed site
// comes from (cell, commune, user, venue), what a scenario does to a place
// (added, removed, changed, moved) and kinds of existing places.
var kindTerms = map[string]term{
	"cell":                 {"centre d'hexagone peuplé", "populated cell centre"},
	"commune":              {"centre de commune", "commune centre"},
	"user":                 {"site proposé par l'utilisateur", "user's site"},
	"venue":                {"lieu existant (heures en plus)", "existing place (more hours)"},
	"added":                {"ajouté", "added"},
	"removed":              {"supprimé", "removed"},
	"changed":              {"modifié", "changed"},
	"moved":                {"déplacé", "moved"},
	"france_services":      {"France Services", "France Services"},
	"conseiller_numerique": {"permanence de conseiller numérique", "digital adviser's desk"},
	"itinerant":            {"itinérant", "itinerant"},
	"mediation":            {"lieu de médiation numérique", "digital-help place"},
}

// Kind returns the label of a kind of place (see kindTerms' keys: cell,
// commune, user, venue, added, removed, changed, moved, france_services,
// conseiller_numerique, itinerant, mediation).
func (l Lang) Kind(k string) string {
	if t, ok := kindTerms[k]; ok {
		return t.in(l)
	}
	return k
}

// Levels are the roll-up levels, finest first.
var Levels = []string{"commune", "epci", "departement"}

var levelTerms = map[string]term{
	"commune":     {"commune", "commune"},
	"epci":        {"intercommunalité (EPCI)", "intercommunality (EPCI)"},
	"departement": {"département", "département"},
	"territory":   {"territoire", "territory"},
}

// Level returns the label of a roll-up level (commune, epci, departement,
// territory).
func (l Lang) Level(level string) string {
	if t, ok := levelTerms[level]; ok {
		return t.in(l)
	}
	return level
}

// epciTypeTerms are the legal kinds of EPCI, by the code of the official
// list (epci-france-2026.json's type).
var epciTypeTerms = map[string]term{
	"METRO": {"métropole", "metropolis"},
	"MET69": {"métropole de Lyon", "Lyon metropolis"},
	"CU":    {"communauté urbaine", "urban community"},
	"CA":    {"communauté d'agglomération", "agglomeration community"},
	"CC":    {"communauté de communes", "community of communes"},
	"EPT":   {"établissement public territorial", "public territorial establishment"},
}

// EPCIType returns the label of an EPCI type code ("CC" → "communauté de
// communes"), or the code.
func (l Lang) EPCIType(code string) string {
	if t, ok := epciTypeTerms[code]; ok {
		return t.in(l)
	}
	return code
}

var dayTerms = [7]term{{"lundi", "Monday"}, {"mardi", "Tuesday"}, {"mercredi", "Wednesday"},
	{"jeudi", "Thursday"}, {"vendredi", "Friday"}, {"samedi", "Saturday"}, {"dimanche", "Sunday"}}

// DayKeys are the opening_hours day codes, Monday first (maillage.Week's
// order): maillage.DayKeys.
var DayKeys = maillage.DayKeys

// Day returns the name of day d (0 = Monday, as maillage.Week).
func (l Lang) Day(d int) string {
	if d >= 0 && d < 7 {
		return dayTerms[d].in(l)
	}
	return ""
}

var severityTerms = map[string]term{
	"rejected": {"rejetée", "rejected"},
	"warning":  {"avertissement", "warning"},
	"merged":   {"fusionnée", "merged"},
}

// Severity returns the label of a finding's severity (rejected, warning,
// merged).
func (l Lang) Severity(s string) string {
	if t, ok := severityTerms[s]; ok {
		return t.in(l)
	}
	return s
}

// De returns "de name", elided before a vowel or a mute h: "d'Espace
// numérique", "de Cenon" (French).
func De(name string) string {
	if r, _ := utf8.DecodeRuneInString(strings.ToLower(name)); strings.ContainsRune("aeiouyhàâäéèêëîïôöûüÿœæ", r) {
		return "d'" + name
	}
	return "de " + name
}
