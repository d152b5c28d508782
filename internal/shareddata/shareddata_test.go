package shareddata

import (
	"os"
	"testing"
)

func TestPathFindsGrid(t *testing.T) {
	p := Path(t, "population/filosofi2015-carreaux-200m-bordeaux-metropole.csv")
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() < 1_000_000 {
		t.Fatalf("%s: %d bytes, want the 1.6 MB grid", p, st.Size())
	}
}
