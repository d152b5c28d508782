package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/maillage/maillage"
	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// A territory file holds one maillage.Territory, written by `maillage ingest`
// and loaded by every other command. Layout (little-endian):
//
//	magic   8 bytes "MAILLAGE"
//	version uint16 (TerritoryFileVersion)
//	codec   uint8  (0 = plain, 1 = gzip: everything after the header is gzipped)
//	flags   uint8  (0)
//	body:
//	  meta      uint64 length + gob(name, fictional, resolution, venues,
//	            findings, venues read, sources): the small, irregular part
//	  communes  uint64 count, then per commune: code, name, centre, and the
//	            multipolygon as counts and raw float64 lon/lat pairs
//	  cells     uint64 count, then fixed 156-byte records: h3 uint64, centre
//	            lon/lat float64, the NumAttrs attributes float64, commune
//	            int32, part start/end int32
//	  parts     uint64 count, then fixed 128-byte records: cell int32,
//	            commune int32, the NumAttrs attributes float64
//	  roads     uint64 length + the road graph's encoded bytes, as they are
//	  crc       uint32 CRC-32C (Castagnoli) of the body before it
//
// The bulk (cells and parts) is fixed-size binary so that a 1.5-million-cell
// territory loads in about a second; gob is used only where the structure is
// irregular and small. Measurements are in BenchmarkTerritoryLoad and
// INTERNALS.md: plain is the default because gzip roughly halves the size but
// multiplies the load time.

// TerritoryFileVersion is the version of the territory file layout written by
// WriteTerritory.
const TerritoryFileVersion = 1

const (
	terrMagic      = "MAILLAGE"
	terrCodecPlain = 0
	terrCodecGzip  = 1
	terrCellBytes  = 8 + 16 + 8*int(maillage.NumAttrs) + 12
	terrPartBytes  = 8 + 8*int(maillage.NumAttrs)
	terrMaxString  = 1 << 20 // a name, code or section longer than this is corruption
	terrMaxMeta    = 1 << 30
	terrMaxRoads   = 1 << 34
	terrPrealloc   = 1 << 16 // counts read from a file pre-allocate at most this many items
)

// ErrNotTerritory is returned when a file is not a territory file at all.
var ErrNotTerritory = errors.New("data: not a maillage territory file")

// ErrTerritoryVersion is returned for a territory file written by another
// version of the layout.
var ErrTerritoryVersion = errors.New("data: unsupported territory file version")

// ErrCorruptTerritory is wrapped by every error about a damaged or truncated
// territory file.
var ErrCorruptTerritory = errors.New("data: corrupt or truncated territory file")

// TerritoryFileOptions chooses how a territory file is written.
type TerritoryFileOptions struct {
	// Gzip compresses the file (about half the size, slower to load).
	Gzip bool
}

// terrMeta is the gob-encoded part of a territory file.
type terrMeta struct {
	Name          string
	Fictional     bool
	Resolution    int
	Venues        []maillage.Venue
	Findings      []maillage.Finding
	VenuesRead    int
	VenuesOutside int
	Sources       []string
	// EPCIs, CommuneEPCI (one EPCI code per commune, in commune order; nil
	// without the EPCI list) and UnmappedCodes came with version 1 files
	// later: gob leaves them empty when reading an older file.
	EPCIs         []maillage.EPCI
	CommuneEPCI   []string
	UnmappedCodes []string
}

// TerritoryFileMode is the permission of a file WriteTerritoryFile writes:
// readable by everyone (a territory holds open data only), so that a server
// running as another user, such as the Docker image's, can load it.
const TerritoryFileMode = 0o644

// WriteTerritoryFile writes t to the file path (plain codec), replacing it
// atomically: the data goes to a temporary file in the same directory that
// is synced to disk and renamed over path only once complete. The file has
// mode TerritoryFileMode (os.CreateTemp alone would make it 0600).
func WriteTerritoryFile(path string, t *maillage.Territory, opts TerritoryFileOptions) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".territory-*")
	if err != nil {
		return fmt.Errorf("data: write territory: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = WriteTerritoryWith(f, t, opts); err != nil {
		return err
	}
	if err = f.Chmod(TerritoryFileMode); err != nil {
		return fmt.Errorf("data: write territory: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("data: write territory: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("data: write territory: %w", err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("data: write territory: %w", err)
	}
	return nil
}

// ReadTerritoryFile loads a territory file written by WriteTerritoryFile.
func ReadTerritoryFile(path string) (*maillage.Territory, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: read territory: %w", err)
	}
	defer f.Close()
	t, err := ReadTerritory(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// WriteTerritory writes t to w in the territory file format, uncompressed.
func WriteTerritory(w io.Writer, t *maillage.Territory) error {
	return WriteTerritoryWith(w, t, TerritoryFileOptions{})
}

// WriteTerritoryWith writes t to w in the territory file format.
func WriteTerritoryWith(w io.Writer, t *maillage.Territory, opts TerritoryFileOptions) error {
	hdr := make([]byte, 0, 12)
	hdr = append(hdr, terrMagic...)
	hdr = binary.LittleEndian.AppendUint16(hdr, TerritoryFileVersion)
	codec := byte(terrCodecPlain)
	if opts.Gzip {
		codec = terrCodecGzip
	}
	hdr = append(hdr, codec, 0)
	if _, err := w.Write(hdr); err != nil {
		return fmt.Errorf("data: write territory: %w", err)
	}
	var body io.Writer = w
	var zw *gzip.Writer
	if opts.Gzip {
		zw, _ = gzip.NewWriterLevel(w, gzip.BestSpeed)
		body = zw
	}
	bw := bufio.NewWriterSize(body, 1<<16)
	e := &terrEnc{w: bw, crc: crc32.New(crc32.MakeTable(crc32.Castagnoli))}
	e.territory(t)
	e.flush()
	if e.err == nil {
		_, e.err = bw.Write(binary.LittleEndian.AppendUint32(nil, e.crc.Sum32()))
	}
	if e.err == nil {
		e.err = bw.Flush()
	}
	if e.err == nil && zw != nil {
		e.err = zw.Close()
	}
	if e.err != nil {
		return fmt.Errorf("data: write territory: %w", e.err)
	}
	return nil
}

// terrEnc appends to a buffer that it flushes to w (and the CRC) in chunks.
type terrEnc struct {
	w   io.Writer
	crc hash.Hash32
	buf []byte
	err error
}

func (e *terrEnc) flush() {
	if e.err != nil || len(e.buf) == 0 {
		e.buf = e.buf[:0]
		return
	}
	e.crc.Write(e.buf)
	_, e.err = e.w.Write(e.buf)
	e.buf = e.buf[:0]
}

func (e *terrEnc) maybeFlush() {
	if len(e.buf) >= 1<<16 {
		e.flush()
	}
}

func (e *terrEnc) u32(v uint32)  { e.buf = binary.LittleEndian.AppendUint32(e.buf, v) }
func (e *terrEnc) u64(v uint64)  { e.buf = binary.LittleEndian.AppendUint64(e.buf, v) }
func (e *terrEnc) f64(v float64) { e.u64(math.Float64bits(v)) }
func (e *terrEnc) str(s string) {
	e.u32(uint32(len(s)))
	e.buf = append(e.buf, s...)
}
func (e *terrEnc) bytes(b []byte) {
	e.u64(uint64(len(b)))
	e.flush()
	if e.err == nil && len(b) > 0 {
		e.crc.Write(b)
		_, e.err = e.w.Write(b)
	}
}

func (e *terrEnc) territory(t *maillage.Territory) {
	var meta bytes.Buffer
	var communeEPCI []string
	if len(t.EPCIs) > 0 {
		communeEPCI = make([]string, len(t.Communes))
		for i := range t.Communes {
			communeEPCI[i] = t.Communes[i].EPCI
		}
	}
	if err := gob.NewEncoder(&meta).Encode(terrMeta{
		Name: t.Name, Fictional: t.Fictional, Resolution: t.Resolution,
		Venues: t.Venues, Findings: t.Findings, VenuesRead: t.VenuesRead, VenuesOutside: t.VenuesOutside, Sources: t.Sources,
		EPCIs: t.EPCIs, CommuneEPCI: communeEPCI, UnmappedCodes: t.UnmappedCodes,
	}); err != nil {
		e.err = err
		return
	}
	e.bytes(meta.Bytes())

	e.u64(uint64(len(t.Communes)))
	for _, c := range t.Communes {
		e.str(c.Code)
		e.str(c.Name)
		e.f64(c.Center[0])
		e.f64(c.Center[1])
		e.u32(uint32(len(c.Geometry)))
		for _, poly := range c.Geometry {
			e.u32(uint32(len(poly)))
			for _, ring := range poly {
				e.u32(uint32(len(ring)))
				for _, p := range ring {
					e.f64(p[0])
					e.f64(p[1])
				}
				e.maybeFlush()
			}
		}
		e.maybeFlush()
	}

	e.u64(uint64(len(t.Cells)))
	for i := range t.Cells {
		c := &t.Cells[i]
		e.u64(uint64(c.H3))
		e.f64(c.Center[0])
		e.f64(c.Center[1])
		for _, v := range c.Pop {
			e.f64(v)
		}
		e.u32(uint32(c.Commune))
		e.u32(uint32(c.PartStart))
		e.u32(uint32(c.PartEnd))
		e.maybeFlush()
	}

	e.u64(uint64(len(t.Parts)))
	for i := range t.Parts {
		p := &t.Parts[i]
		e.u32(uint32(p.Cell))
		e.u32(uint32(p.Commune))
		for _, v := range p.Pop {
			e.f64(v)
		}
		e.maybeFlush()
	}

	e.bytes(t.Roads)
}

// ReadTerritory reads a territory written by WriteTerritory. A file that is
// not a territory file gives ErrNotTerritory, another layout version
// ErrTerritoryVersion, and a damaged or truncated one an error wrapping
// ErrCorruptTerritory that says what was being read.
func ReadTerritory(r io.Reader) (*maillage.Territory, error) {
	var hdr [12]byte
	if n, err := io.ReadFull(r, hdr[:]); err != nil {
		if n < len(terrMagic) || string(hdr[:len(terrMagic)]) != terrMagic {
			return nil, ErrNotTerritory
		}
		return nil, fmt.Errorf("data: header: %w", ErrCorruptTerritory)
	}
	if string(hdr[:len(terrMagic)]) != terrMagic {
		return nil, ErrNotTerritory
	}
	if v := binary.LittleEndian.Uint16(hdr[8:]); v != TerritoryFileVersion {
		return nil, fmt.Errorf("%w: version %d, this program reads version %d", ErrTerritoryVersion, v, TerritoryFileVersion)
	}
	var body io.Reader
	var size int64
	switch hdr[10] {
	case terrCodecPlain:
		body = r
		size = terrSize(r)
	case terrCodecGzip:
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("data: gzip body: %v: %w", err, ErrCorruptTerritory)
		}
		defer zr.Close()
		body = zr
	default:
		return nil, fmt.Errorf("data: unknown codec %d: %w", hdr[10], ErrCorruptTerritory)
	}
	d := &terrDec{r: bufio.NewReaderSize(body, 1<<16), crc: crc32.New(crc32.MakeTable(crc32.Castagnoli)), size: size}
	t := d.territory()
	if d.err != nil {
		return nil, d.err
	}
	sum := d.crc.Sum32()
	var tail [4]byte
	if _, err := io.ReadFull(d.r, tail[:]); err != nil {
		return nil, fmt.Errorf("data: checksum: %w", ErrCorruptTerritory)
	}
	if binary.LittleEndian.Uint32(tail[:]) != sum {
		return nil, fmt.Errorf("data: checksum mismatch: %w", ErrCorruptTerritory)
	}
	if err := terrCheck(t); err != nil {
		return nil, err
	}
	return t, nil
}

// terrSize returns how many bytes are left to read in r when r can tell
// (a *bytes.Reader, a *os.File), else 0.
func terrSize(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len())
	case *os.File:
		st, err := r.Stat()
		if err != nil || !st.Mode().IsRegular() {
			return 0
		}
		pos, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return 0
		}
		return st.Size() - pos
	}
	return 0
}

// terrDec reads the body, updating the CRC; the first error sticks.
type terrDec struct {
	r    *bufio.Reader
	crc  hash.Hash32
	err  error
	what string // the section being read, for errors
	size int64  // the body's size in bytes when known (plain files), else 0
	b    [terrCellBytes]byte
}

func (d *terrDec) fail(reason string) {
	if d.err == nil {
		d.err = fmt.Errorf("data: %s: %s: %w", d.what, reason, ErrCorruptTerritory)
	}
}

// read returns the next n bytes (n <= len(d.b)), or zeros after an error.
func (d *terrDec) read(n int) []byte {
	b := d.b[:n]
	if d.err != nil {
		clear(b)
		return b
	}
	if _, err := io.ReadFull(d.r, b); err != nil {
		clear(b)
		d.fail("truncated")
		return b
	}
	d.crc.Write(b)
	return b
}

func (d *terrDec) u32() uint32  { return binary.LittleEndian.Uint32(d.read(4)) }
func (d *terrDec) u64() uint64  { return binary.LittleEndian.Uint64(d.read(8)) }
func (d *terrDec) f64() float64 { return math.Float64frombits(d.u64()) }

// blob reads n bytes into a fresh slice, growing it as data arrives so that a
// corrupt length cannot allocate more than the file holds.
func (d *terrDec) blob(n uint64, limit uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > limit {
		d.fail(fmt.Sprintf("length %d exceeds %d", n, limit))
		return nil
	}
	var buf bytes.Buffer
	buf.Grow(int(min(n, 1<<20)))
	if m, err := io.CopyN(&buf, d.r, int64(n)); err != nil || uint64(m) != n {
		d.fail("truncated")
		return nil
	}
	d.crc.Write(buf.Bytes())
	return buf.Bytes()
}

func (d *terrDec) str() string { return string(d.blob(uint64(d.u32()), terrMaxString)) }

// count reads an item count and returns it with a safe pre-allocation size.
func (d *terrDec) count(limit uint64) (int, int) {
	n := d.u64()
	if n > limit {
		d.fail(fmt.Sprintf("count %d exceeds %d", n, limit))
		return 0, 0
	}
	return int(n), int(min(n, terrPrealloc))
}

// prealloc returns how many items of size bytes to pre-allocate for a count
// of n: all of them when the body's size is known to hold them, else pre.
func (d *terrDec) prealloc(n, pre, size int) int {
	if d.size > 0 && int64(n)*int64(size) <= d.size {
		return n
	}
	return pre
}

// records reads n fixed-size records in chunks and calls fn on each.
func (d *terrDec) records(n, size int, fn func([]byte)) {
	const chunk = 1024
	buf := make([]byte, min(chunk, n)*size)
	for done := 0; done < n && d.err == nil; {
		k := min(chunk, n-done)
		b := buf[:k*size]
		if _, err := io.ReadFull(d.r, b); err != nil {
			d.fail("truncated")
			return
		}
		d.crc.Write(b)
		for i := range k {
			fn(b[i*size : (i+1)*size])
		}
		done += k
	}
}

func (d *terrDec) territory() *maillage.Territory {
	t := &maillage.Territory{}
	d.what = "metadata"
	meta := d.blob(d.u64(), terrMaxMeta)
	if d.err != nil {
		return nil
	}
	var m terrMeta
	if err := gob.NewDecoder(bytes.NewReader(meta)).Decode(&m); err != nil {
		d.fail(err.Error())
		return nil
	}
	t.Name, t.Fictional, t.Resolution = m.Name, m.Fictional, m.Resolution
	t.Venues, t.Findings, t.VenuesRead, t.VenuesOutside, t.Sources = m.Venues, m.Findings, m.VenuesRead, m.VenuesOutside, m.Sources

	d.what = "communes"
	n, pre := d.count(math.MaxInt32)
	t.Communes = make([]maillage.Commune, 0, pre)
	for i := 0; i < n && d.err == nil; i++ {
		var c maillage.Commune
		c.Code = d.str()
		c.Name = d.str()
		c.Center = orb.Point{d.f64(), d.f64()}
		np := d.u32()
		for range np {
			if d.err != nil {
				break
			}
			nr := d.u32()
			var poly orb.Polygon
			for range nr {
				if d.err != nil {
					break
				}
				npt := d.u32()
				ring := make(orb.Ring, 0, min(npt, terrPrealloc))
				for range npt {
					if d.err != nil {
						break
					}
					ring = append(ring, orb.Point{d.f64(), d.f64()})
				}
				poly = append(poly, ring)
			}
			c.Geometry = append(c.Geometry, poly)
		}
		t.Communes = append(t.Communes, c)
	}
	t.EPCIs, t.UnmappedCodes = m.EPCIs, m.UnmappedCodes
	if len(m.CommuneEPCI) > 0 && d.err == nil {
		if len(m.CommuneEPCI) != len(t.Communes) {
			d.fail(fmt.Sprintf("%d commune EPCI codes for %d communes", len(m.CommuneEPCI), len(t.Communes)))
			return nil
		}
		for i := range t.Communes {
			t.Communes[i].EPCI = m.CommuneEPCI[i]
		}
	}

	d.what = "cells"
	n, pre = d.count(math.MaxInt32)
	t.Cells = make([]maillage.Cell, 0, d.prealloc(n, pre, terrCellBytes))
	d.records(n, terrCellBytes, func(b []byte) {
		var c maillage.Cell
		c.H3 = h3.Cell(binary.LittleEndian.Uint64(b))
		c.Center = orb.Point{math.Float64frombits(binary.LittleEndian.Uint64(b[8:])), math.Float64frombits(binary.LittleEndian.Uint64(b[16:]))}
		o := 24
		for a := range c.Pop {
			c.Pop[a] = math.Float64frombits(binary.LittleEndian.Uint64(b[o:]))
			o += 8
		}
		c.Commune = int32(binary.LittleEndian.Uint32(b[o:]))
		c.PartStart = int32(binary.LittleEndian.Uint32(b[o+4:]))
		c.PartEnd = int32(binary.LittleEndian.Uint32(b[o+8:]))
		t.Cells = append(t.Cells, c)
	})

	d.what = "parts"
	n, pre = d.count(math.MaxInt32)
	t.Parts = make([]maillage.Part, 0, d.prealloc(n, pre, terrPartBytes))
	d.records(n, terrPartBytes, func(b []byte) {
		var p maillage.Part
		p.Cell = int32(binary.LittleEndian.Uint32(b))
		p.Commune = int32(binary.LittleEndian.Uint32(b[4:]))
		for a := range p.Pop {
			p.Pop[a] = math.Float64frombits(binary.LittleEndian.Uint64(b[8+8*a:]))
		}
		t.Parts = append(t.Parts, p)
	})

	d.what = "roads"
	if roads := d.blob(d.u64(), terrMaxRoads); len(roads) > 0 {
		t.Roads = roads
	}
	return t
}

// terrCheck verifies the cross-references of a decoded territory.
func terrCheck(t *maillage.Territory) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("data: %s: %w", fmt.Sprintf(format, a...), ErrCorruptTerritory)
	}
	nc, np := int32(len(t.Communes)), int32(len(t.Parts))
	for i, c := range t.Cells {
		if c.Commune < -1 || c.Commune >= nc {
			return bad("cell %d: commune %d out of range", i, c.Commune)
		}
		if c.PartStart < 0 || c.PartStart > c.PartEnd || c.PartEnd > np {
			return bad("cell %d: parts [%d, %d) out of range", i, c.PartStart, c.PartEnd)
		}
		if i > 0 && t.Cells[i-1].H3 >= c.H3 {
			return bad("cell %d: not sorted by H3 index", i)
		}
	}
	for i, p := range t.Parts {
		if p.Cell < 0 || int(p.Cell) >= len(t.Cells) || p.Commune < -1 || p.Commune >= nc {
			return bad("part %d: cell %d or commune %d out of range", i, p.Cell, p.Commune)
		}
	}
	return nil
}
