package coverage

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
)

// round rounds x to the given number of decimals (for stable outputs).
func round(x float64, dec int) float64 {
	p := math.Pow10(dec)
	return math.Round(x*p) / p
}

func num(x float64, dec int) string { return strconv.FormatFloat(round(x, dec), 'f', -1, 64) }

// WriteSummaryCSV writes one row per profile and commune (per area of the
// roll-up when the report has one, see Report.RollUp: code and name are then
// the EPCI's or the département's), plus one row per profile with code "*"
// for the whole territory: profile, code, name, population, covered,
// covered_share, weighted_population, weighted_covered, access.
func WriteSummaryCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"profile", "code", "name", "population", "covered", "covered_share",
		"weighted_population", "weighted_covered", "access"}); err != nil {
		return err
	}
	for _, p := range r.Profiles {
		rows := [][]string{{p.Name, "*", r.Territory, num(p.Population, 3), num(p.Covered, 3), num(p.CoveredShare, 6),
			num(p.WeightedPopulation, 3), num(p.WeightedCovered, 3), num(p.Access, 6)}}
		areas := p.Communes
		if p.Level != "" {
			areas = p.Areas
		}
		for _, c := range areas {
			rows = append(rows, []string{p.Name, c.Code, c.Name, num(c.Population, 3), num(c.Covered, 3), num(c.CoveredShare, 6),
				num(c.WeightedPopulation, 3), num(c.WeightedCovered, 3), num(c.Access, 6)})
		}
		if err := cw.WriteAll(rows); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
