package data

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/maillage/maillage"
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// terrSynthetic builds a territory of n cells (one part each, two extra
// parts on every tenth cell) with random attributes, 40 square communes and
// a few venues and findings. H3 indexes are increasing but not valid cells:
// the file format does not care.
func terrSynthetic(n int, seed uint64) *maillage.Territory {
	r := rand.New(rand.NewPCG(seed, 1))
	t := &maillage.Territory{Name: fmt.Sprintf("synthetic %d", n), Resolution: 9, VenuesRead: 3, Sources: []string{"a.csv", "b.json"}}
	for i := range 40 {
		x, y := float64(i%8)*0.1, float64(i/8)*0.1
		ring := orb.Ring{{x, y}, {x + 0.1, y}, {x + 0.1, y + 0.1}, {x, y + 0.1}, {x, y}}
		t.Communes = append(t.Communes, maillage.Commune{Code: fmt.Sprintf("99%03d", i), Name: fmt.Sprintf("Commune %d", i),
			Geometry: orb.MultiPolygon{{ring}}, Center: orb.Point{x + 0.05, y + 0.05}})
	}
	t.Cells = make([]maillage.Cell, n)
	for i := range t.Cells {
		c := &t.Cells[i]
		c.H3 = h3.Cell(0x891fb466257ffff + uint64(i)*16)
		c.Center = orb.Point{r.Float64(), r.Float64()}
		c.Commune = int32(r.IntN(40))
		nparts := 1
		if i%10 == 0 {
			nparts = 3
		}
		c.PartStart = int32(len(t.Parts))
		for k := range nparts {
			var p maillage.Part
			p.Cell, p.Commune = int32(i), int32((int(c.Commune)+k)%40)
			for a := range p.Pop {
				p.Pop[a] = r.Float64() * 20
			}
			p.Pop[maillage.Ind] = 0
			for _, a := range maillage.AgeBands {
				p.Pop[maillage.Ind] += p.Pop[a]
			}
			c.Pop.Add(p.Pop)
			t.Parts = append(t.Parts, p)
		}
		c.PartEnd = int32(len(t.Parts))
	}
	t.Venues = []maillage.Venue{
		{ID: "v1", Name: "Médiathèque", Point: orb.Point{0.1, 0.2}, Located: true, Services: maillage.ServiceDemarches | maillage.ServiceAcces,
			Programmes: []string{"France Services"}, Hours: maillage.Week{Known: true, Days: [7][]maillage.Span{{{Open: 540, Close: 720}, {Open: 810, Close: 1020}}}}},
		{ID: "v2", Name: "Bus", Itinerant: true, Publics: []string{"Seniors"}},
	}
	t.Findings = []maillage.Finding{{File: "a.csv", Line: 12, Field: "latitude", Reason: "missing coordinates", Severity: maillage.Warning}}
	t.Roads = []byte("road graph bytes")
	return t
}

func TestTerritoryFileRoundTrip(t *testing.T) {
	want := terrSynthetic(500, 1)
	for _, opts := range []TerritoryFileOptions{{}, {Gzip: true}} {
		t.Run(fmt.Sprintf("gzip=%v", opts.Gzip), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTerritoryWith(&buf, want, opts); err != nil {
				t.Fatal(err)
			}
			got, err := ReadTerritory(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round trip differs:\n got %+v\nwant %+v", got.Venues, want.Venues)
			}
		})
	}
	t.Run("file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "x.territory")
		if err := WriteTerritoryFile(path, want, TerritoryFileOptions{}); err != nil {
			t.Fatal(err)
		}
		got, err := ReadTerritoryFile(path)
		if err != nil || len(got.Cells) != 500 || len(got.Parts) != 600 {
			t.Fatalf("got %d cells %d parts, err %v; want 500, 600", len(got.Cells), len(got.Parts), err)
		}
		if _, err := ReadTerritoryFile(filepath.Join(t.TempDir(), "missing")); err == nil {
			t.Fatal("missing file read without error")
		}
		// Readable by everyone, so that the Docker image's user loads a
		// territory written by the host's (the README's docker run -v).
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o644 {
			t.Errorf("territory file mode %v, want -rw-r--r--", st.Mode().Perm())
		}
		left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".territory-*"))
		if len(left) != 0 {
			t.Errorf("temporary files left: %v", left)
		}
	})
	t.Run("empty territory, nil roads", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteTerritory(&buf, &maillage.Territory{Name: "vide"}); err != nil {
			t.Fatal(err)
		}
		got, err := ReadTerritory(&buf)
		if err != nil || got.Name != "vide" || got.Roads != nil || len(got.Cells) != 0 {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
}

func TestTerritoryFileDamage(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTerritory(&buf, terrSynthetic(20, 2)); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()
	t.Run("every truncation", func(t *testing.T) {
		for n := 0; n < len(file); n += 1 + n/1000*6 { // every length up to 1000 bytes, then every 7th
			_, err := ReadTerritory(bytes.NewReader(file[:n]))
			switch {
			case n < 8 && !errors.Is(err, ErrNotTerritory):
				t.Fatalf("%d bytes: err %v, want ErrNotTerritory", n, err)
			case n >= 8 && !errors.Is(err, ErrCorruptTerritory):
				t.Fatalf("%d bytes: err %v, want ErrCorruptTerritory", n, err)
			}
		}
	})
	t.Run("missing checksum byte", func(t *testing.T) {
		if _, err := ReadTerritory(bytes.NewReader(file[:len(file)-1])); !errors.Is(err, ErrCorruptTerritory) {
			t.Fatalf("err %v, want ErrCorruptTerritory", err)
		}
	})
	t.Run("every flipped byte in the body", func(t *testing.T) {
		for i := 12; i < len(file); i += 1 + i/1000*6 {
			bad := bytes.Clone(file)
			bad[i] ^= 0x5a
			if _, err := ReadTerritory(bytes.NewReader(bad)); !errors.Is(err, ErrCorruptTerritory) {
				t.Fatalf("byte %d flipped: err %v, want ErrCorruptTerritory", i, err)
			}
		}
	})
	t.Run("header", func(t *testing.T) {
		bad := bytes.Clone(file)
		bad[8] = 9
		if _, err := ReadTerritory(bytes.NewReader(bad)); !errors.Is(err, ErrTerritoryVersion) {
			t.Fatalf("version 9: err %v", err)
		}
		bad = bytes.Clone(file)
		bad[10] = 7
		if _, err := ReadTerritory(bytes.NewReader(bad)); !errors.Is(err, ErrCorruptTerritory) {
			t.Fatalf("codec 7: err %v", err)
		}
		if _, err := ReadTerritory(bytes.NewReader([]byte("Ind,Men\n1,2\n"))); !errors.Is(err, ErrNotTerritory) {
			t.Fatalf("csv: err %v", err)
		}
	})
}

func FuzzReadTerritory(f *testing.F) {
	var buf bytes.Buffer
	WriteTerritory(&buf, terrSynthetic(3, 3))
	f.Add(buf.Bytes())
	buf.Reset()
	WriteTerritoryWith(&buf, terrSynthetic(2, 4), TerritoryFileOptions{Gzip: true})
	f.Add(buf.Bytes())
	f.Add([]byte("MAILLAGE\x01\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, in []byte) {
		tr, err := ReadTerritory(bytes.NewReader(in))
		if err != nil {
			return
		}
		for _, c := range tr.Cells {
			if c.PartEnd > int32(len(tr.Parts)) || c.Commune >= int32(len(tr.Communes)) {
				t.Fatalf("accepted bad cell %+v", c)
			}
		}
	})
}

// BenchmarkTerritoryLoad measures the load time of a Bordeaux-sized
// territory (12,000 cells) and a national-scale one (1.5 million cells) in
// the territory format, plain and gzip, against encoding/gob of the whole
// Territory. Run: go test ./data -run '^$' -bench TerritoryLoad -benchtime 3x
func BenchmarkTerritoryLoad(b *testing.B) {
	for _, n := range []int{12_000, 1_500_000} {
		tr := terrSynthetic(n, 5)
		enc := map[string][]byte{}
		for _, name := range []string{"plain", "gzip", "gob"} {
			var buf bytes.Buffer
			start := time.Now()
			var err error
			switch name {
			case "plain":
				err = WriteTerritory(&buf, tr)
			case "gzip":
				err = WriteTerritoryWith(&buf, tr, TerritoryFileOptions{Gzip: true})
			case "gob":
				err = gob.NewEncoder(&buf).Encode(tr)
			}
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%d cells, %s: %.1f MB, written in %v", n, name, float64(buf.Len())/1e6, time.Since(start).Round(time.Millisecond))
			enc[name] = buf.Bytes()
		}
		var plainNs float64
		for _, name := range []string{"plain", "gzip", "gob"} {
			b.Run(fmt.Sprintf("cells=%d/%s", n, name), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(enc[name])))
				for b.Loop() {
					var err error
					if name == "gob" {
						var t maillage.Territory
						err = gob.NewDecoder(bytes.NewReader(enc[name])).Decode(&t)
					} else {
						_, err = ReadTerritory(bytes.NewReader(enc[name]))
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				b.ReportMetric(ns/1e6, "ms/load")
				if name == "plain" {
					plainNs = ns
				} else if plainNs > 0 {
					b.ReportMetric(ns/plainNs, "x-plain-time")
				}
			})
		}
	}
}

// FuzzTerritoryBody fuzzes the section parser behind the checksum: the input
// is a body, to which the test adds a valid header and CRC-32C, so mutations
// reach the parser instead of failing the checksum.
func FuzzTerritoryBody(f *testing.F) {
	var buf bytes.Buffer
	WriteTerritory(&buf, terrSynthetic(3, 3))
	b := buf.Bytes()
	f.Add(b[12 : len(b)-4])
	buf.Reset()
	WriteTerritory(&buf, &maillage.Territory{Name: "x"})
	b = buf.Bytes()
	f.Add(b[12 : len(b)-4])
	f.Fuzz(func(t *testing.T, body []byte) {
		file := append([]byte(terrMagic+"\x01\x00\x00\x00"), body...)
		file = binary.LittleEndian.AppendUint32(file, crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli)))
		tr, err := ReadTerritory(bytes.NewReader(file))
		if err != nil {
			if !errors.Is(err, ErrCorruptTerritory) {
				t.Fatalf("error %v does not wrap ErrCorruptTerritory", err)
			}
			return
		}
		for _, c := range tr.Cells {
			if c.PartStart < 0 || c.PartEnd > int32(len(tr.Parts)) || c.PartStart > c.PartEnd || c.Commune >= int32(len(tr.Communes)) {
				t.Fatalf("accepted bad cell %+v", c)
			}
		}
	})
}
