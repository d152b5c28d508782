package labels_test

import (
	"errors"
	"math"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/internal/labels"
)

func TestNumbers(t *testing.T) {
	const nb = labels.Group // U+202F
	tests := []struct {
		name     string
		fr, en   string
		frF, enF func() string
	}{
		{"int", "136" + nb + "048", "136,048", func() string { return labels.FR.Int(136048.4) }, func() string { return labels.EN.Int(136048.4) }},
		{"int millions", "-1" + nb + "234" + nb + "568", "-1,234,568", func() string { return labels.FR.Int(-1234567.6) }, func() string { return labels.EN.Int(-1234567.6) }},
		{"small", "999", "999", func() string { return labels.FR.Int(999) }, func() string { return labels.EN.Int(999) }},
		{"no minus zero", "0,0", "0.0", func() string { return labels.FR.Num(-0.01, 1) }, func() string { return labels.EN.Num(-0.01, 1) }},
		{"decimals kept", "1" + nb + "234,50", "1,234.50", func() string { return labels.FR.Num(1234.5, 2) }, func() string { return labels.EN.Num(1234.5, 2) }},
		{"percent", "78,5" + nb + "%", "78.5%", func() string { return labels.FR.Percent(0.7853) }, func() string { return labels.EN.Percent(0.7853) }},
		{"percent 100", "100,0" + nb + "%", "100.0%", func() string { return labels.FR.Percent(1) }, func() string { return labels.EN.Percent(1) }},
		{"minutes", "12,3 min", "12.3 min", func() string { return labels.FR.Minutes(12.34) }, func() string { return labels.EN.Minutes(12.34) }},
		{"minutes out of reach", "–", "–", func() string { return labels.FR.Minutes(math.Inf(1)) }, func() string { return labels.EN.Minutes(math.NaN()) }},
		{"hours", "3,5 h", "7 h", func() string { return labels.FR.Hours(3.5) }, func() string { return labels.EN.Hours(7) }},
		{"signed", "+1" + nb + "234", "-3", func() string { return labels.FR.Signed(1234, 0) }, func() string { return labels.EN.Signed(-3, 0) }},
		{"signed zero", "0", "0", func() string { return labels.FR.Signed(0.2, 0) }, func() string { return labels.EN.Signed(-0.2, 0) }},
		{"points", "+2,3 pts", "-0.5 pts", func() string { return labels.FR.Points(0.023) }, func() string { return labels.EN.Points(-0.005) }},
		{"km", "2,4 km", "350 m", func() string { return labels.FR.Km(2420) }, func() string { return labels.EN.Km(350.2) }},
		{"count agrees", "1 lieu", "38 places", func() string { return labels.FR.Count(1, "places") }, func() string { return labels.EN.Count(38, "places") }},
		{"count french singular below 2", "1,4 → 1 personne", "1 person", func() string { return "1,4 → " + labels.FR.Count(1.4, "persons") }, func() string { return labels.EN.Count(1, "persons") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.frF(); got != tt.fr {
				t.Errorf("fr %q, want %q", got, tt.fr)
			}
			if got := tt.enF(); got != tt.en {
				t.Errorf("en %q, want %q", got, tt.en)
			}
		})
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]labels.Lang{"": labels.FR, "fr": labels.FR, "FR": labels.FR, "en": labels.EN, " En ": labels.EN} {
		if got, err := labels.ParseLang(in); err != nil || got != want {
			t.Errorf("ParseLang(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := labels.ParseLang("de"); !errors.Is(err, labels.ErrLang) {
		t.Errorf("ParseLang(de) = %v, want ErrLang", err)
	}
}

func TestProfileLabel(t *testing.T) {
	seniors := labels.ProfileFacts{Name: "seniors-20min-walk", Population: []maillage.Attr{maillage.Ind65_79, maillage.Ind80p},
		Double: []maillage.Attr{maillage.Ind80p}, Mode: "senior", SpeedKmh: 3, MaxMinutes: 20}
	fs := labels.ProfileFacts{Name: "fs", Mode: "car", SpeedKmh: 60, MaxMinutes: 30, Programmes: []string{"France Services"}}
	young := labels.ProfileFacts{Name: "young", Population: []maillage.Attr{maillage.Ind18_24}, Mode: "bike", MaxMinutes: 12.5,
		Services: maillage.ServiceDemarches | maillage.ServiceInsertion, MinWeeklyHours: 3.5}
	tests := []struct {
		f                   labels.ProfileFacts
		lang                labels.Lang
		wantLabel, wantRule string
	}{
		{seniors, labels.FR, "65 ans et plus, 20 min à pied",
			"Les 65 ans et plus (les 80 ans et plus comptent double) à moins de 20 min à pied, au pas d'une personne âgée (3 km/h) d'un lieu de médiation numérique."},
		{seniors, labels.EN, "Aged 65 and over, 20 min on foot",
			"People aged 65 and over (those aged 80 and over count double) within 20 min on foot at a senior's pace (3 km/h) of a digital-help place."},
		{fs, labels.FR, "Toute la population, 30 min en voiture — France Services",
			"Toute la population à moins de 30 min en voiture (60 km/h) d'un lieu France Services."},
		{young, labels.FR, "18 à 24 ans, 12,5 min à vélo — démarches administratives ou insertion professionnelle",
			"Les 18 à 24 ans à moins de 12,5 min à vélo d'un lieu offrant « Aide aux démarches administratives » ou « Insertion professionnelle via le numérique », ces lieux ouvrant au moins 3,5 h par semaine au total."},
	}
	for _, tt := range tests {
		got := tt.lang.Profile(tt.f)
		if got.Label != tt.wantLabel {
			t.Errorf("%s %s label\n got %q\nwant %q", tt.f.Name, tt.lang, got.Label, tt.wantLabel)
		}
		if got.Rule != tt.wantRule {
			t.Errorf("%s %s rule\n got %q\nwant %q", tt.f.Name, tt.lang, got.Rule, tt.wantRule)
		}
	}
}

func TestCatalogueComplete(t *testing.T) {
	for _, l := range labels.Langs {
		c := l.Catalogue([]labels.ProfileFacts{{Name: "p", Mode: "walk", MaxMinutes: 10}})
		if len(c.AgeBands) != len(maillage.AgeBands) || len(c.AgeBandOrder) != len(maillage.AgeBands) {
			t.Errorf("%s: %d age bands, want %d", l, len(c.AgeBands), len(maillage.AgeBands))
		}
		if len(c.Attributes) != int(maillage.NumAttrs) || len(c.Services) != len(maillage.ServiceNames) || len(c.Days) != 7 {
			t.Errorf("%s: %d attributes, %d services, %d days", l, len(c.Attributes), len(c.Services), len(c.Days))
		}
		for k, v := range c.Services {
			if v == "" || c.ServiceShort[k] == "" {
				t.Errorf("%s: service %q unlabelled", l, k)
			}
		}
		if c.Profiles["p"].Label == "" || c.Levels["epci"] == "" || c.Units["persons"].Other == "" {
			t.Errorf("%s: missing labels in %+v", l, c)
		}
	}
	if fr, en := labels.FR.Catalogue(nil), labels.EN.Catalogue(nil); fr.AgeBands["Ind_80p"] != "80 ans et plus" || en.AgeBands["Ind_80p"] != "aged 80 and over" ||
		fr.Days["We"] != "mercredi" || fr.Number.Group != "\u202f" || en.Number.Decimal != "." {
		t.Errorf("catalogue: fr %v / en %v", fr.AgeBands, en.AgeBands)
	}
}

func TestStatement(t *testing.T) {
	fs := labels.ProfileFacts{Mode: "car", MaxMinutes: 30, Programmes: []string{"France Services"}}
	seniors := labels.ProfileFacts{Population: []maillage.Attr{maillage.Ind80p, maillage.Ind65_79}, Mode: "senior", MaxMinutes: 20}
	pair := labels.ProfileFacts{Population: []maillage.Attr{maillage.Ind18_24, maillage.Ind65_79}, Mode: "walk", MaxMinutes: 15}
	tests := []struct {
		f      labels.ProfileFacts
		un, of float64
		lang   labels.Lang
		want   string
	}{
		{fs, 12345.3, 385789.3, labels.EN, "12,345 people (3.2 %) live more than 30 min by car from a France Services site: the national target (everyone within 30 min of a France Services) is missed by 12,345 people"},
		{fs, 12345.3, 385789.3, labels.FR, "12\u202f345 personnes (3,2\u202f%) vivent à plus de 30 min en voiture d'un lieu France Services : il manque 12\u202f345 personnes pour atteindre l'objectif national (tout le monde à moins de 30 min d'une France Services)"},
		{fs, 0, 1000, labels.FR, "0 personne (0,0\u202f%) vit à plus de 30 min en voiture d'un lieu France Services : l'objectif national de 30 minutes est atteint"},
		{seniors, 30, 180, labels.EN, "30 people aged 65+ (16.7 %) live more than 20 min on foot at a senior's pace from a mediation place"},
		{seniors, 30, 180, labels.FR, "30 personnes de 65 ans et plus (16,7\u202f%) vivent à plus de 20 min à pied, au pas d'une personne âgée, d'un lieu de médiation numérique"},
		{pair, 5, 10, labels.EN, "5 people aged 18-24, 65-79 (50.0 %) live more than 15 min on foot from a mediation place"},
		{pair, 5, 10, labels.FR, "5 personnes de 18 à 24 ans, 65 à 79 ans (50,0\u202f%) vivent à plus de 15 min à pied d'un lieu de médiation numérique"},
	}
	for _, tt := range tests {
		if got := tt.lang.Statement(tt.f, tt.un, tt.of); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.lang, got, tt.want)
		}
	}
}
