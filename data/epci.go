package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/maillage/maillage"
)

// ErrBadEPCI is wrapped by every error about the EPCI list or the commune
// list (not the expected JSON, a record without its code, a grid commune in
// no EPCI).
var ErrBadEPCI = errors.New("data: bad EPCI or commune list")

// maxListBytes caps the size of the EPCI and commune lists (the national
// files are 4 and 11 MB).
const maxListBytes = 256 << 20

// EPCIList is the official list of EPCIs (epci-france-2026.json of
// @etalab/decoupage-administratif): each EPCI and the current communes it
// groups.
type EPCIList struct {
	EPCIs []maillage.EPCI // in file order
	// Of maps a current commune code to the index of its EPCI in EPCIs.
	Of map[string]int
}

type epciRecord struct {
	Code    string `json:"code"`
	Nom     string `json:"nom"`
	Type    string `json:"type"`
	Membres []struct {
		Code string `json:"code"`
	} `json:"membres"`
}

// ReadEPCIList reads the EPCI list: a JSON array of objects with code
// (SIREN), nom, type and membres (objects with the commune's code). Anything
// else — another JSON shape, an EPCI without code or members, a commune in
// two EPCIs — is an error wrapping ErrBadEPCI that names the record.
func ReadEPCIList(path string) (*EPCIList, error) {
	b, err := readList(path)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(path)
	var recs []epciRecord
	if err := strictArray(b, &recs); err != nil {
		return nil, fmt.Errorf("data: EPCI list %s: not the expected JSON (an array of {code, nom, type, membres: [{code}]}): %v: %w", name, err, ErrBadEPCI)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("data: EPCI list %s: no EPCI: %w", name, ErrBadEPCI)
	}
	l := &EPCIList{Of: map[string]int{}}
	for i, r := range recs {
		if r.Code == "" || len(r.Membres) == 0 {
			return nil, fmt.Errorf("data: EPCI list %s: record %d (%q): want a code and members: %w", name, i+1, r.Nom, ErrBadEPCI)
		}
		for _, m := range r.Membres {
			if m.Code == "" {
				return nil, fmt.Errorf("data: EPCI list %s: EPCI %s: a member without code: %w", name, r.Code, ErrBadEPCI)
			}
			if j, dup := l.Of[m.Code]; dup {
				return nil, fmt.Errorf("data: EPCI list %s: commune %s is a member of both %s and %s: %w", name, m.Code, l.EPCIs[j].Code, r.Code, ErrBadEPCI)
			}
			l.Of[m.Code] = len(l.EPCIs)
		}
		l.EPCIs = append(l.EPCIs, maillage.EPCI{Code: r.Code, Name: r.Nom, Type: r.Type})
	}
	return l, nil
}

// CommuneList is the official list of communes (communes-france-2026.json):
// the current communes with their names, and the codes they had before a
// merger (anciensCodes), which the INSEE grids of 2015 still use.
type CommuneList struct {
	// Name maps each current commune code to its name.
	Name map[string]string
	// Current maps a former code (anciensCodes), or a municipal
	// arrondissement's code (Paris, Lyon, Marseille), to the current commune.
	Current map[string]string
}

type communeRecord struct {
	Code         string   `json:"code"`
	Nom          string   `json:"nom"`
	Type         string   `json:"type"`
	Commune      string   `json:"commune"`
	AnciensCodes []string `json:"anciensCodes"`
}

// ReadCommuneList reads the commune list: a JSON array of objects with code,
// nom, type (commune-actuelle, commune-deleguee, commune-associee,
// arrondissement-municipal), anciensCodes and, for an arrondissement, its
// commune. Errors wrap ErrBadEPCI.
func ReadCommuneList(path string) (*CommuneList, error) {
	b, err := readList(path)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(path)
	var recs []communeRecord
	if err := strictArray(b, &recs); err != nil {
		return nil, fmt.Errorf("data: commune list %s: not the expected JSON (an array of {code, nom, type, anciensCodes}): %v: %w", name, err, ErrBadEPCI)
	}
	l := &CommuneList{Name: map[string]string{}, Current: map[string]string{}}
	for i, r := range recs {
		if r.Code == "" || r.Type == "" {
			return nil, fmt.Errorf("data: commune list %s: record %d (%q): want a code and a type: %w", name, i+1, r.Nom, ErrBadEPCI)
		}
		switch r.Type {
		case "commune-actuelle":
			l.Name[r.Code] = r.Nom
			for _, a := range r.AnciensCodes {
				l.Current[a] = r.Code
			}
		case "arrondissement-municipal":
			if r.Commune != "" {
				l.Current[r.Code] = r.Commune
			}
		}
	}
	if len(l.Name) == 0 {
		return nil, fmt.Errorf("data: commune list %s: no current commune (type commune-actuelle): %w", name, ErrBadEPCI)
	}
	return l, nil
}

// Map returns the current commune code of code: itself when it is current,
// the commune it merged into, or false when the list knows it under no
// current or former code.
func (l *CommuneList) Map(code string) (string, bool) {
	if _, ok := l.Name[code]; ok {
		return code, true
	}
	c, ok := l.Current[code]
	return c, ok
}

func readList(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxListBytes+1))
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", filepath.Base(path), err)
	}
	if len(b) > maxListBytes {
		return nil, fmt.Errorf("data: %s: larger than %d bytes: %w", filepath.Base(path), maxListBytes, ErrBadEPCI)
	}
	return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), nil
}

// strictArray decodes a JSON array into v, refusing anything else.
func strictArray(b []byte, v any) error {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || t[0] != '[' {
		return errors.New("not a JSON array")
	}
	return json.Unmarshal(t, v)
}

// applyCommuneLists maps the territory's commune codes to current communes
// (merging the communes a merger joined: cell, part and venue references
// follow), names them from the list, sets each commune's EPCI and the
// territory's EPCIs. Grid codes the list does not know are kept, reported in
// t.UnmappedCodes and one warning finding. A mapped commune with population
// in no EPCI is an error naming the communes. Either list may be nil.
func applyCommuneLists(t *maillage.Territory, cl *CommuneList, el *EPCIList, clFile, elFile string) ([]maillage.Finding, error) {
	var fs []maillage.Finding
	populated := make([]bool, len(t.Communes))
	for _, c := range t.Cells {
		if c.Commune >= 0 && int(c.Commune) < len(populated) {
			populated[c.Commune] = true
		}
	}
	for _, p := range t.Parts {
		if p.Commune >= 0 && int(p.Commune) < len(populated) {
			populated[p.Commune] = true
		}
	}
	unmapped := map[string]bool{}
	if cl != nil {
		codeOf := func(c string) string {
			if cur, ok := cl.Map(c); ok {
				return cur
			}
			return c
		}
		out := make([]maillage.Commune, 0, len(t.Communes))
		pop := make([]bool, 0, len(t.Communes))
		index := map[string]int32{}
		remap := make([]int32, len(t.Communes))
		for i, c := range t.Communes {
			cur, ok := cl.Map(c.Code)
			if !ok {
				if populated[i] {
					unmapped[c.Code] = true
				}
				cur = c.Code
			}
			j, seen := index[cur]
			if !seen {
				j = int32(len(out))
				index[cur] = j
				nc := c
				nc.Code = cur
				if n, ok := cl.Name[cur]; ok {
					nc.Name = n
				}
				out = append(out, nc)
				pop = append(pop, populated[i])
			} else {
				// a merger: the outlines join, the first centre stays
				out[j].Geometry = append(slices.Clip(out[j].Geometry), c.Geometry...)
				pop[j] = pop[j] || populated[i]
			}
			remap[i] = j
		}
		at := func(i int32) int32 {
			if i < 0 || int(i) >= len(remap) {
				return i
			}
			return remap[i]
		}
		for i := range t.Cells {
			t.Cells[i].Commune = at(t.Cells[i].Commune)
		}
		for i := range t.Parts {
			t.Parts[i].Commune = at(t.Parts[i].Commune)
		}
		for i := range t.Venues {
			if t.Venues[i].Commune != "" {
				t.Venues[i].Commune = codeOf(t.Venues[i].Commune)
			}
		}
		t.Communes, populated = out, pop
		t.UnmappedCodes = nil
		for c := range unmapped {
			t.UnmappedCodes = append(t.UnmappedCodes, c)
		}
		sort.Strings(t.UnmappedCodes)
		if len(t.UnmappedCodes) > 0 {
			fs = append(fs, maillage.Finding{File: filepath.Base(clFile), Field: "code", Severity: maillage.Warning,
				Reason: fmt.Sprintf("%d grid commune codes match no current or former commune of the list, kept as they are: %s",
					len(t.UnmappedCodes), strings.Join(t.UnmappedCodes, ", "))})
		}
	}
	if el != nil {
		used := map[int]bool{}
		var missing []string
		for i := range t.Communes {
			c := &t.Communes[i]
			k, ok := el.Of[c.Code]
			switch {
			case ok:
				c.EPCI = el.EPCIs[k].Code
				used[k] = true
			case populated[i] && !unmapped[c.Code]:
				missing = append(missing, c.Code+" "+c.Name)
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("data: EPCI list %s: %d commune(s) of the grid in no EPCI: %s (is the list of the same year as the commune list?): %w",
				filepath.Base(elFile), len(missing), strings.Join(missing, ", "), ErrBadEPCI)
		}
		t.EPCIs = t.EPCIs[:0]
		for k := range el.EPCIs {
			if used[k] {
				t.EPCIs = append(t.EPCIs, el.EPCIs[k])
			}
		}
		sort.Slice(t.EPCIs, func(i, j int) bool { return t.EPCIs[i].Code < t.EPCIs[j].Code })
	}
	return fs, nil
}
