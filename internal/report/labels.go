package report

import "fmt"

// Until the label catalogue (internal/labels) lands, the report names the
// built-in profiles itself; the web page has the same fallback.
var builtinLabels = map[string]string{
	"france-services-30min-car": "Tous les habitants, 30 min en voiture d'une France Services",
	"demarches-20min-car":       "Tous les habitants, 20 min en voiture d'une aide aux démarches",
	"seniors-20min-walk":        "65 ans et plus, 20 min à pied",
	"needs-help-30min-car":      "Personnes ayant besoin d'aide, 30 min en voiture",
}

var modes = map[string]string{"walk": "à pied", "senior": "à pied, au pas d'un senior", "bike": "à vélo", "car": "en voiture"}

// ProfileLabel is the profile's readable French name.
func ProfileLabel(name string, maxMinutes float64, mode string) string {
	if l, ok := builtinLabels[name]; ok {
		return l
	}
	return fmt.Sprintf("%s (%s min %s)", name, Decimal(maxMinutes), modes[mode])
}

// ProfileRule is the profile's rule in words.
func ProfileRule(name string, maxMinutes float64, mode string, minHours float64) string {
	m := modes[mode]
	if m == "" {
		m = mode
	}
	r := fmt.Sprintf("un lieu adapté à %s min ou moins %s", Number(maxMinutes), m)
	if minHours > 0 {
		r += fmt.Sprintf(", ouvert au moins %s h par semaine", Number(minHours))
	}
	return r
}
