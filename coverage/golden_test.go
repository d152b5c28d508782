package coverage

// The golden files of TestGapsGolden record the zone computation in the
// GeoJSON form the gaps writer had before the layers (internal/layer,
// internal/planner's gaps-{profile}) took over the product's outputs: this
// test-only encoding keeps them byte for byte, so the zone figures they
// hold stay checked.

import (
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/maillage/maillage"
	"github.com/paulmach/orb/geojson"
)

// minutesOrNil converts seconds to minutes rounded to 0.01, or nil for +Inf
// (JSON null).
func minutesOrNil(sec float64) any {
	if math.IsInf(sec, 0) || math.IsNaN(sec) {
		return nil
	}
	return round(sec/60, 2)
}

// goldenZone returns zone z as a GeoJSON feature. Properties: rank,
// profile, cells, persons, weighted, communes, too_few_hours_cells,
// nearest_min_minutes and nearest_max_minutes (null beyond search_minutes),
// search_minutes, every population attribute by its Filosofi name (Ind,
// Men, …, Ind_80p), then area and area_cells (the connected area the zone
// is a commune's part of), commune and commune_name (the zone's commune),
// and commune_shares ([{code, name, share}], the split of its persons).
func goldenZone(z *Zone, profile string) *geojson.Feature {
	f := geojson.NewFeature(z.Geometry)
	f.ID = z.Rank
	p := f.Properties
	p["rank"] = z.Rank
	p["profile"] = profile
	p["cells"] = len(z.Cells)
	p["persons"] = round(z.Persons, 3)
	p["weighted"] = round(z.Weighted, 3)
	communes := z.Communes
	if communes == nil {
		communes = []string{}
	}
	p["communes"] = communes
	p["too_few_hours_cells"] = z.TooFewHours
	p["nearest_min_minutes"] = minutesOrNil(z.NearestMin)
	p["nearest_max_minutes"] = minutesOrNil(z.NearestMax)
	p["search_minutes"] = round(z.SearchSeconds/60, 2)
	for a := maillage.Attr(0); a < maillage.NumAttrs; a++ {
		p[a.String()] = round(z.Pop[a], 3)
	}
	p["area"] = z.Area
	p["area_cells"] = z.AreaCells
	p["commune"] = z.Commune
	p["commune_name"] = z.CommuneName
	shares := make([]map[string]any, len(z.Shares))
	for k, c := range z.Shares {
		shares[k] = map[string]any{"code": c.Code, "name": c.Name, "share": round(c.Share, 6)}
	}
	p["commune_shares"] = shares
	return f
}

// writeGoldenGaps writes zones as a GeoJSON FeatureCollection (one
// MultiPolygon feature per zone, see goldenZone).
func writeGoldenGaps(w io.Writer, zones []Zone, profile string) error {
	fc := geojson.NewFeatureCollection()
	for k := range zones {
		fc.Append(goldenZone(&zones[k], profile))
	}
	b, err := json.MarshalIndent(fc, "", " ")
	if err != nil {
		return fmt.Errorf("coverage: gaps geojson: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
