package errtext_test

import (
	"fmt"

	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/internal/errtext"
	"github.com/maillage/maillage/internal/labels"
)

// A scenario's problems, wrapped with the context a front end adds: the
// typed error is said from its fields, the context by the catalogue.
func ExampleText() {
	ve := &scenario.ValidationError{Problems: []scenario.Problem{
		{Change: 0, Field: "changes[0].op", Reason: `unknown op "open" (want add, remove, hours, services or move)`},
		{Change: 1, Field: "changes[1].lat", Reason: "95 is not a latitude (degrees, -90 to 90)"},
	}}
	err := fmt.Errorf("%s: %w", "brouillon.json", ve)
	fmt.Println(errtext.Text(err, labels.EN))
	fmt.Println(errtext.Text(err, labels.FR))
	fmt.Println(errtext.Problems(ve.Problems, labels.FR)[1].Reason)
	// Output:
	// brouillon.json: scenario: invalid: changes[0].op: unknown op "open" (want add, remove, hours, services or move); changes[1].lat: 95 is not a latitude (degrees, -90 to 90)
	// brouillon.json : scénario invalide : changes[0].op : opération "open" inconnue (add, remove, hours, services ou move attendu) ; changes[1].lat : 95 n'est pas une latitude (degrés, de -90 à 90)
	// 95 n'est pas une latitude (degrés, de -90 à 90)
}
