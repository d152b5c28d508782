package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"math"

	"github.com/maillage/maillage"
)

// Digest returns a fingerprint of what analyses of t depend on: its H3
// resolution, cells (index, population, commune), parts, commune codes,
// venues and road network, but not its name, findings or sources. Two
// territories with the same digest give the same coverage, proposals and
// scenario results. It is the first 16 hex digits of a SHA-256, prefixed
// "sha256:". A scenario records the digest of the territory it was made on
// (scenario.Scenario.BaseDigest), so that evaluating it on a re-ingested
// territory of the same name can say so. It reads t only.
func Digest(t *maillage.Territory) string {
	h := sha256.New()
	var b [8]byte
	u64 := func(h hash.Hash, v uint64) {
		binary.LittleEndian.PutUint64(b[:], v)
		h.Write(b[:])
	}
	pop := func(h hash.Hash, p *maillage.Pop) {
		for _, v := range p {
			u64(h, math.Float64bits(v))
		}
	}
	u64(h, uint64(t.Resolution))
	u64(h, uint64(len(t.Cells)))
	for i := range t.Cells {
		c := &t.Cells[i]
		u64(h, uint64(c.H3))
		u64(h, uint64(uint32(c.Commune))<<32|uint64(uint32(c.PartEnd-c.PartStart)))
		pop(h, &c.Pop)
	}
	u64(h, uint64(len(t.Parts)))
	for i := range t.Parts {
		p := &t.Parts[i]
		u64(h, uint64(uint32(p.Cell))<<32|uint64(uint32(p.Commune)))
		pop(h, &p.Pop)
	}
	u64(h, uint64(len(t.Communes)))
	for _, c := range t.Communes {
		u64(h, uint64(len(c.Code)))
		h.Write([]byte(c.Code))
	}
	// Venues through their Go syntax (deterministic: they hold no pointer
	// or map, and NaN coordinates print), each length-prefixed.
	u64(h, uint64(len(t.Venues)))
	var vb []byte
	for i := range t.Venues {
		vb = fmt.Appendf(vb[:0], "%#v", t.Venues[i])
		u64(h, uint64(len(vb)))
		h.Write(vb)
	}
	u64(h, uint64(len(t.Roads)))
	h.Write(t.Roads)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:16]
}
