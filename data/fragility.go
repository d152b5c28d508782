package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/maillage/maillage"
)

// ErrFragility is wrapped by the errors of ReadFragility that stop the
// reading (unreadable CSV, missing column).
var ErrFragility = errors.New("data: bad digital-fragility file")

// FragilityIndex is one commune's digital-fragility index, as published by
// the inclusion-numerique project (file indice-fragilite-numerique-communes.csv).
// Every component is a score from 0 (least fragile) to 10 (most fragile):
// no very-high-speed broadband, no 4G coverage, poverty, people aged 65+,
// people aged 15+ without a diploma; Total combines them (the file's "total").
type FragilityIndex struct {
	Code      string // INSEE commune code
	Name      string
	NoTHD     float64
	No4G      float64
	Poverty   float64
	Older65   float64
	NoDiploma float64
	Total     float64
}

// Fragility maps INSEE commune codes to their index.
type Fragility map[string]FragilityIndex

// Totals returns code → Total, the form coverage.Options.Fragility takes.
func (f Fragility) Totals() map[string]float64 {
	out := make(map[string]float64, len(f))
	for k, v := range f {
		out[k] = v.Total
	}
	return out
}

// fragColumns are the file's columns: header name → where the value goes.
var fragColumns = []string{"name", "code", "no_thd_coverage_rate", "no_4g_coverage_rate", "poverty_rate",
	"older_65_rate", "nscol15p_rate", "total"}

// ReadFragility reads the digital-fragility CSV (header name, division,
// code, no_thd_coverage_rate, no_4g_coverage_rate, poverty_rate,
// older_65_rate, nscol15p_rate, total; columns found by name in any case
// and order; code and total are required). file names the source in
// findings. Rows without an index (all values empty, e.g. Marseille 13055
// in the 2023 file) are skipped with a warning; rows with a bad code, a
// value that is not a number within [0, 10], or a duplicate code are
// rejected with a finding; neither stops the reading.
func ReadFragility(r io.Reader, file string) (Fragility, []maillage.Finding, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: header: %v", ErrFragility, file, err)
	}
	col := make([]int, len(fragColumns))
	for k := range col {
		col[k] = -1
	}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		for k, name := range fragColumns {
			if h == name && col[k] < 0 {
				col[k] = i
			}
		}
	}
	if col[1] < 0 || col[7] < 0 {
		return nil, nil, fmt.Errorf("%w: %s: the header lacks the column code or total", ErrFragility, file)
	}
	out := Fragility{}
	var findings []maillage.Finding
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return out, findings, fmt.Errorf("%w: %s: %v", ErrFragility, file, err)
		}
		line, _ := cr.FieldPos(0)
		get := func(k int) string {
			if col[k] < 0 || col[k] >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[col[k]])
		}
		code := get(1)
		reject := func(field, reason string, sev maillage.Severity) {
			findings = append(findings, maillage.Finding{File: file, Line: line, Field: field, Reason: reason, Severity: sev, ID: code})
		}
		if !fragCode(code) {
			reject("code", fmt.Sprintf("%q is not an INSEE commune code", code), maillage.Rejected)
			continue
		}
		if _, dup := out[code]; dup {
			reject("code", "duplicate commune code", maillage.Rejected)
			continue
		}
		if get(7) == "" {
			reject("total", "no index for this commune", maillage.Warning)
			continue
		}
		idx := FragilityIndex{Code: code, Name: get(0)}
		dst := []*float64{&idx.NoTHD, &idx.No4G, &idx.Poverty, &idx.Older65, &idx.NoDiploma, &idx.Total}
		ok := true
		for k, p := range dst {
			s := get(2 + k)
			if s == "" {
				continue // a missing component; the total is what coverage uses
			}
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(x) || x < 0 || x > 10 {
				reject(fragColumns[2+k], fmt.Sprintf("%q is not a score within [0, 10]", s), maillage.Rejected)
				ok = false
				break
			}
			*p = x
		}
		if ok {
			out[code] = idx
		}
	}
	return out, findings, nil
}

// fragCode reports whether s looks like an INSEE commune code: 5 characters,
// digits, with 2A/2B for Corsica.
func fragCode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := 0; i < 5; i++ {
		c := s[i]
		if c >= '0' && c <= '9' || i == 1 && (c == 'A' || c == 'B') && s[0] == '2' {
			continue
		}
		return false
	}
	return true
}
