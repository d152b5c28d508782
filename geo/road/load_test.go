package road

import (
	"context"
	"testing"

	"github.com/maillage/maillage/internal/shareddata"
)

func TestLoadAllLog(t *testing.T) {
	for _, f := range []string{"saint-barthelemy-2014", "saint-brieuc-loudeac-22", "paris-3e-10e-11e-clipped", "monaco-and-french-neighbours", "andorra", "porto-portugal", "columbus-unsorted"} {
		p := shareddata.Path(t, "osm/"+f+".osm.pbf")
		g, st, err := ReadPBFFile(context.Background(), p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %v nodes=%d", f, st, g.NumNodes())
	}
}
