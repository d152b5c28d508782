package data_test

import (
	"bytes"
	"testing"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/data/demo"
)

// TestDigest: the fingerprint of the demo territory is the same for two
// generations and after a round trip through the territory file; it ignores
// the name and findings, and changes with a venue's hours, a cell's
// population or the roads.
func TestDigest(t *testing.T) {
	a, _, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	da := data.Digest(a)
	if len(da) != len("sha256:")+16 || data.Digest(b) != da {
		t.Fatalf("digests %q, %q", da, data.Digest(b))
	}
	var buf bytes.Buffer
	if err := data.WriteTerritory(&buf, a); err != nil {
		t.Fatal(err)
	}
	c, err := data.ReadTerritory(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := data.Digest(c); got != da {
		t.Errorf("after the territory file: %q, before %q", got, da)
	}
	b.Name, b.Findings = "renamed", append(b.Findings, maillage.Finding{File: "x", Reason: "y"})
	if got := data.Digest(b); got != da {
		t.Errorf("renamed: %q, want %q", got, da)
	}
	for name, change := range map[string]func(t *maillage.Territory){
		"venue hours": func(t *maillage.Territory) { t.Venues[0].Hours.Known = !t.Venues[0].Hours.Known },
		"cell pop":    func(t *maillage.Territory) { t.Cells[10].Pop[maillage.Ind] += 1 },
		"roads":       func(t *maillage.Territory) { t.Roads = append(t.Roads, 1, 2, 3) },
	} {
		d, _, err := demo.Territory(demo.DefaultSeed)
		if err != nil {
			t.Fatal(err)
		}
		change(d)
		if got := data.Digest(d); got == da {
			t.Errorf("%s changed, digest did not", name)
		}
	}
}
