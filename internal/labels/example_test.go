package labels_test

import (
	"fmt"
	"strings"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/internal/labels"
)

func Example() {
	fr := labels.FR
	// U+202F (narrow no-break space) shown as "_" here.
	show := func(s string) string { return strings.ReplaceAll(s, labels.Group, "_") }
	fmt.Println(show(fr.Int(136048)), show(fr.Percent(0.785)), fr.Minutes(12.34), labels.EN.Int(136048), labels.EN.Percent(0.785))
	p := fr.Profile(labels.ProfileFacts{Population: []maillage.Attr{maillage.Ind65_79, maillage.Ind80p}, Mode: "walk", MaxMinutes: 20})
	fmt.Println(p.Label)
	// Output:
	// 136_048 78,5_% 12,3 min 136,048 78.5%
	// 65 ans et plus, 20 min à pied
}
