package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/maillage/maillage/internal/labels"
)

// englishWords are words of the English messages that no French answer
// may hold (as cmd/maillage's TestErrorsInFrench checks the CLI's).
var englishWords = []string{" want ", "unknown", "missing", "scenario: invalid", "invalid value", "is not", "required",
	" needs ", "not accepted", "too many", "computing", "larger than", "retry", "not found", "conflict",
	"opening hours", "overlaps", "no such", "a second", "internal error", "the update"}

// TestErrorsInFrench: a client asking for French (Accept-Language, as the
// page sends) gets every error of this table in French, with the same
// status as in English, and a client asking for nothing gets the errors'
// own English text; the problems of an invalid scenario keep their fields
// and have their reasons translated.
func TestErrorsInFrench(t *testing.T) {
	venue := mustDemo(t).Venues[0].ID
	auth := []string{"Content-Type", "application/json", "Authorization", "Bearer " + testKey}
	var fullWeek strings.Builder // 169 hours: every day round the clock, and Monday's first hour again
	for _, d := range labels.DayKeys {
		fullWeek.WriteString(`{"day":"` + d + `","open":"00:00","close":"24:00"},`)
	}
	fullWeek.WriteString(`{"day":"Mo","open":"00:00","close":"01:00"}`)
	hoursBody := `{"name":"x","changes":[{"op":"hours","venue_id":"` + venue + `","hours":[` + fullWeek.String() + `]}]}`
	osmBody := `{"name":"x","changes":[{"op":"hours","venue_id":"` + venue + `","opening_hours":"Mo 09:00-"}]}`
	create := `{"name":"w","changes":[{"op":"remove","venue_id":"` + venue + `"}]}`

	cases := []struct {
		name                 string
		cfg                  func(*Config)
		prep                 func(t *testing.T, s *Server, h http.Handler)
		method, target, body string
		headers              []string
		status               int
		fr, en               []string // words each message must hold
		problems             bool     // the answer lists problems
	}{
		{name: "bad bbox", method: "GET", target: "/api/v1/cells?bbox=1,2,3", status: 400,
			fr: []string{"bbox : 3 valeurs, 4 attendues"}, en: []string{"bbox: 3 values, want 4"}},
		{name: "bbox too large", method: "GET", target: "/api/v1/cells?bbox=-5,40,5,50", status: 413,
			fr: []string{"degrés carrés dépasse", "zoomez"}, en: []string{"square degrees exceeds", "zoom in"}},
		{name: "bad tile", method: "GET", target: "/tiles/cells/7/x/1.pbf", status: 400,
			fr: []string{`tuile : "x" n'est pas un numéro de tuile`}, en: []string{`tile: "x" is not a tile number`}},
		{name: "unknown profile", method: "GET", target: "/api/v1/coverage?profile=aucun", status: 400,
			fr: []string{`profil inconnu "aucun" (profils connus : [`}, en: []string{`unknown profile "aucun" (known: [`}},
		{name: "unknown layer", method: "GET", target: "/tiles/nope/7/1/1.pbf", status: 404,
			fr: []string{`couche inconnue "nope" (couches : venues, cells, `}, en: []string{`unknown layer "nope" (layers: venues, cells, `}},
		{name: "profile missing", method: "GET", target: "/api/v1/gaps", status: 400,
			fr: []string{"profile : manquant", "(profils connus : "}, en: []string{"profile: missing: want profile=NAME"}},
		{name: "bad lang", method: "GET", target: "/api/v1/labels?lang=de", status: 400,
			fr: []string{`lang "de" : fr ou en attendu`}, en: []string{`lang "de": want fr or en`}},
		{name: "no such endpoint", method: "GET", target: "/api/v1/nothing", status: 404,
			fr: []string{"point d'accès inconnu : /api/v1/nothing"}, en: []string{"no such endpoint: /api/v1/nothing"}},
		{name: "API key needed", method: "POST", target: "/api/v1/scenarios", body: create, headers: []string{"Content-Type", "application/json"}, status: 401,
			fr: []string{"cet enregistrement demande une clé d'API"}, en: []string{"this write needs an API key"}},
		{name: "API key refused", method: "POST", target: "/api/v1/scenarios", body: create,
			headers: []string{"Content-Type", "application/json", "Authorization", "Bearer wrong"}, status: 403,
			fr: []string{"cette clé d'API n'est pas acceptée"}, en: []string{"this API key is not accepted"}},
		{name: "not JSON", method: "POST", target: "/api/v1/proposals", body: "k=3", headers: []string{"Content-Type", "text/plain"}, status: 415,
			fr: []string{"Content-Type text/plain : ce point d'accès prend du application/json"}, en: []string{"this endpoint takes application/json"}},
		{name: "body too large", cfg: func(c *Config) { c.MaxBodyBytes = 100 }, method: "POST", target: "/api/v1/proposals",
			body:    `{"profiles":["seniors-20min-walk"],"k":3,"candidates":{"cells":true,"communes":true,"venues":true,"min_persons":0}}`,
			headers: []string{"Content-Type", "application/json"}, status: 413,
			fr: []string{"corps de la requête plus gros que la limite de 100 octets"}, en: []string{"request body larger than the limit of 100 bytes"}},
		{name: "scenario hours over 168 a week", method: "POST", target: "/api/v1/scenarios", body: hoursBody, headers: auth, status: 400, problems: true,
			fr: []string{"scénario invalide : changes[0].hours : Mo 00:00-01:00 chevauche 00:00-24:00"}, en: []string{"scenario: invalid: changes[0].hours: Mo 00:00-01:00 overlaps 00:00-24:00"}},
		{name: "scenario opening hours", method: "POST", target: "/api/v1/scenarios", body: osmBody, headers: auth, status: 400, problems: true,
			fr: []string{`changes[0].opening_hours : horaires mal écrits : heure incorrecte à la position 9 dans "Mo 09:00-"`},
			en: []string{`changes[0].opening_hours: data: opening hours syntax: bad hour at offset 9 in "Mo 09:00-"`}},
		{name: "scenario not found", method: "GET", target: "/api/v1/scenarios/99", status: 404,
			fr: []string{"scénario 99 introuvable"}, en: []string{"scenario: not found: scenario 99"}},
		{name: "bad scenario id", method: "GET", target: "/api/v1/scenarios/abc", status: 400,
			fr: []string{`"abc" n'est pas un identifiant de scénario`}, en: []string{`"abc" is not a scenario id`}},
		{name: "version conflict", prep: func(t *testing.T, s *Server, h http.Handler) {
			if code, _, b := send(t, h, "POST", "/api/v1/scenarios", create, auth...); code != 201 {
				t.Fatalf("create: %d %s", code, b)
			}
		}, method: "PUT", target: "/api/v1/scenarios/1", body: `{"name":"w","version":7,"changes":[{"op":"remove","venue_id":"` + venue + `"}]}`, headers: auth, status: 409,
			fr: []string{"conflit de versions : le scénario 1 est à la version 1, la modification a été faite depuis la version 7"},
			en: []string{"scenario: conflict: scenario 1 is at version 1, the update was made from version 7"}},
		{name: "proposal limit", method: "POST", target: "/api/v1/proposals", body: `{"profiles":["seniors-20min-walk"],"k":0}`,
			headers: []string{"Content-Type", "application/json"}, status: 400,
			fr: []string{"proposition : k : 0 n'est pas dans 1..500"}, en: []string{"proposal: k: 0 is not in 1..500"}},
		{name: "proposal unknown field", method: "POST", target: "/api/v1/proposals", body: `{"profils":["seniors-20min-walk"],"k":3}`,
			headers: []string{"Content-Type", "application/json"}, status: 400,
			fr: []string{`proposition : champ "profils" inconnu`}, en: []string{`proposal: unknown field "profils"`}},
		{name: "proposal without candidates", method: "POST", target: "/api/v1/proposals", body: `{"profiles":["seniors-20min-walk"],"k":3,"candidates":{}}`,
			headers: []string{"Content-Type", "application/json"}, status: 400,
			fr: []string{"proposition : candidates : choisissez au moins"}, en: []string{"proposal: candidates: choose at least one"}},
		{name: "proposal unknown profile", method: "POST", target: "/api/v1/proposals", body: `{"profiles":["aucun"],"k":3}`,
			headers: []string{"Content-Type", "application/json"}, status: 400,
			fr: []string{`profil inconnu "aucun"`}, en: []string{`unknown profile "aucun"`}},
		{name: "busy", cfg: func(c *Config) { c.MaxExpensive = 1 }, prep: func(t *testing.T, s *Server, h http.Handler) {
			s.pool.wait = 20 * time.Millisecond
			s.pool.slots <- struct{}{}
			t.Cleanup(func() { <-s.pool.slots })
		}, method: "POST", target: "/api/v1/proposals", body: `{"profiles":["seniors-20min-walk"],"k":3}`,
			headers: []string{"Content-Type", "application/json"}, status: 503,
			fr: []string{"proposition : le serveur en calcule déjà 1 ; réessayez dans"}, en: []string{"proposal: the server is computing 1 already; retry in"}},
		{name: "rate limit", cfg: func(c *Config) { c.RateLimit, c.RateBurst = 0.01, 1 }, prep: func(t *testing.T, s *Server, h http.Handler) {
			if code, _, b := send(t, h, "GET", "/api/v1/territory", ""); code != 200 {
				t.Fatalf("first request: %d %s", code, b)
			}
		}, method: "GET", target: "/api/v1/territory", status: 429,
			fr: []string{"trop de requêtes de 192.0.2.1 : au plus 0.01 par seconde", "réessayez dans"}, en: []string{"too many requests from 192.0.2.1: at most 0.01 a second"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			answer := func(lang ...string) (int, errorBody) {
				cfg := Config{APIKeys: testKeys(t)}
				if tc.cfg != nil {
					tc.cfg(&cfg)
				}
				s, _ := scenarioServerConfig(t, cfg)
				h := s.Handler()
				if tc.prep != nil {
					tc.prep(t, s, h)
				}
				code, hdr, b := send(t, h, tc.method, tc.target, tc.body, append(slices.Clone(tc.headers), lang...)...)
				if !strings.Contains(hdr.Get("Vary"), "Accept-Language") {
					t.Errorf("Vary %q lacks Accept-Language", hdr.Values("Vary"))
				}
				return code, errorOf(t, b)
			}
			frCode, fr := answer("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.8")
			enCode, en := answer()
			if frCode != tc.status || enCode != tc.status {
				t.Fatalf("status %d in French, %d in English, want %d: %q / %q", frCode, enCode, tc.status, fr.Error, en.Error)
			}
			for _, w := range tc.fr {
				if !strings.Contains(fr.Error, w) {
					t.Errorf("French message lacks %q:\n%s", w, fr.Error)
				}
			}
			for _, w := range tc.en {
				if !strings.Contains(en.Error, w) {
					t.Errorf("English message lacks %q:\n%s", w, en.Error)
				}
			}
			frenchOnly(t, fr.Error)
			if tc.problems != (len(fr.Problems) > 0) || len(fr.Problems) != len(en.Problems) {
				t.Fatalf("problems: %d in French, %d in English", len(fr.Problems), len(en.Problems))
			}
			for i, p := range fr.Problems {
				q := en.Problems[i]
				if p.Field != q.Field || p.Change != q.Change || p.Reason == q.Reason || !strings.Contains(fr.Error, p.Reason) {
					t.Errorf("problem %d: French %+v, English %+v", i, p, q)
				}
				frenchOnly(t, p.Reason)
			}
		})
	}
}

// frenchOnly fails when s holds a word of the English messages.
func frenchOnly(t *testing.T, s string) {
	t.Helper()
	for _, w := range englishWords {
		if strings.Contains(s, w) {
			t.Errorf("French message holds English %q:\n%s", w, s)
		}
	}
}

// TestErrorLang: the error language is ?lang= when it names one, else the
// language Accept-Language prefers among fr and en (q-values respected),
// else English.
func TestErrorLang(t *testing.T) {
	for _, c := range []struct {
		header string
		want   labels.Lang
	}{
		{"", labels.EN},
		{"fr-FR,fr;q=0.9", labels.FR},
		{"fr", labels.FR},
		{"FR-be", labels.FR},
		{"en", labels.EN},
		{"en-GB,en;q=0.9,fr;q=0.8", labels.EN},
		{"de-DE,de;q=0.9,fr;q=0.5,en;q=0.4", labels.FR},
		{"en;q=0.5, fr;q=0.8", labels.FR},
		{"fr;q=0.8, en;q=0.8", labels.FR}, // a tie: the first
		{"fr;q=0, en;q=0.1", labels.EN},
		{"fr;q=0", labels.EN},
		{"fr;q=zéro, en;q=0.1", labels.EN}, // a malformed weight is no preference
		{"*", labels.EN},
		{"de", labels.EN},
	} {
		if got := acceptLang(c.header); got != c.want {
			t.Errorf("acceptLang(%q) = %s, want %s", c.header, got, c.want)
		}
	}
	h := newTestServer(t, Config{}, mustDemo(t)).Handler()
	for _, c := range []struct {
		target, header, want string
	}{
		{"/api/v1/cells?bbox=1", "fr-FR,fr;q=0.9", "bbox : 1 valeurs, 4 attendues"},
		{"/api/v1/cells?bbox=1", "en", "bbox: 1 values, want 4"},
		{"/api/v1/cells?bbox=1", "", "bbox: 1 values, want 4"},
		{"/api/v1/cells?bbox=1&lang=en", "fr-FR,fr;q=0.9", "bbox: 1 values, want 4"},
		{"/api/v1/cells?bbox=1&lang=fr", "", "bbox : 1 valeurs, 4 attendues"},
		{"/api/v1/cells?bbox=1&lang=de", "fr", "bbox : 1 valeurs, 4 attendues"}, // not a language: the header's
	} {
		var hdr []string
		if c.header != "" {
			hdr = []string{"Accept-Language", c.header}
		}
		code, _, b := send(t, h, "GET", c.target, "", hdr...)
		if got := errorOf(t, b).Error; code != 400 || !strings.HasPrefix(got, c.want) {
			t.Errorf("%s, Accept-Language %q: %d %q, want 400 %q", c.target, c.header, code, got, c.want)
		}
	}
}

// TestInternalErrorInFrench: an internal error stays hidden, behind
// « erreur interne » in French and "internal error" in English.
func TestInternalErrorInFrench(t *testing.T) {
	logger, logs := testLogger()
	s := newTestServer(t, Config{Logger: logger}, mustDemo(t))
	for _, c := range []struct{ header, want string }{{"fr", "erreur interne"}, {"", "internal error"}} {
		ctx, _ := gin.CreateTestContext(httptest.NewRecorder())
		ctx.Request = httptest.NewRequest("GET", "/api/v1/coverage", nil)
		ctx.Request.Header.Set("Accept-Language", c.header)
		status, body := s.errorAnswer(ctx, errors.New("disk on fire"))
		if status != 500 || body.Error != c.want || body.Problems != nil {
			t.Errorf("Accept-Language %q: %d %+v, want 500 %q", c.header, status, body, c.want)
		}
	}
	if !strings.Contains(logs.String(), "disk on fire") {
		t.Errorf("the internal error is not logged:\n%s", logs)
	}
}
