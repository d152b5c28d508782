package planner

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"github.com/maillage/maillage"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/internal/layer"
)

// agg says how a numeric column of an H3 layer combines when cells are
// aggregated to a parent resolution for low-zoom tiles.
type agg uint8

const (
	aggSum   agg = iota // the sum over the children
	aggMax              // the largest (+Inf wins: "beyond the limit somewhere")
	aggWMean            // the mean weighted by column 0 (persons)
)

// hexCol is one numeric column of an H3 layer: its field (Kind Number,
// Integer or Boolean; a Boolean is true when the value is ≥ 0.5, so an
// aggregated "covered" holds for most of the weight), its rounding and how
// it aggregates.
type hexCol struct {
	f   layer.Field
	dec int
	agg agg
}

// hexSpec defines an H3 layer: one feature per territory cell that row
// accepts (at full detail), or per parent cell at lower resolutions. Its
// fields are "h3", the commune fields, then cols. Column 0 is the weight:
// the aggregated commune is that of the child with the largest weight.
type hexSpec struct {
	id, title, desc string
	cols            []hexCol
	// row fills v (len(cols)) for cell i, false to leave the cell out. It
	// may be called from several goroutines at once.
	row func(i int, v []float64) bool
}

// hexLevel is a hex layer aggregated at one parent resolution.
type hexLevel struct {
	cells   []h3.Cell
	commune []int32
	vals    []float64 // len(cells) × len(cols)
	polys   []orb.Polygon
	index   geo.Index[int32]
}

// hexLayers keeps the aggregated levels of the H3 layers, built on first use.
type hexLayers struct {
	mu     sync.Mutex
	levels map[string]*levelOnce
}

type levelOnce struct {
	once sync.Once
	l    *hexLevel
}

// tileResolution returns the H3 resolution a tile at zoom z draws cells at:
// the finest, not finer than the territory's, whose hexagons are still at
// least about 6 pixels across on a 256-pixel tile (at 46° N, France's
// middle), so that a tile holds at most a few thousand hexagons.
func tileResolution(z, max int) int {
	if z <= 0 {
		z = 0
	}
	px := 156543.03 * math.Cos(46*math.Pi/180) / math.Exp2(float64(z)) // metres per pixel
	for r := max; r > 0; r-- {
		e, err := h3.HexagonEdgeLengthAvgM(r)
		if err == nil && e >= 3*px { // edge ≥ 3 px: a hexagon ≥ 6 px wide
			return r
		}
	}
	return 0
}

func (p *Planner) centres() *geo.Index[int32] {
	p.centreOnce.Do(func() {
		for i := range p.t.Cells {
			p.centreIdx.InsertPoint(p.t.Cells[i].Center, int32(i))
		}
	})
	return &p.centreIdx
}

// centredIn counts the territory's cells centred in b or close enough to
// reach into it, stopping past max: at least as many as a hex layer's
// features in b at full detail.
func (p *Planner) centredIn(b orb.Bound, max int) int {
	n := 0
	p.centres().Search(widen(b, p.t.Resolution), func(orb.Bound, int32) bool {
		n++
		return n <= max
	})
	return n
}

// margin returns how far (degrees of latitude, of longitude at lat) a
// resolution-r hexagon reaches beyond its centre, with room to spare.
func margin(r int, lat float64) (dlat, dlon float64) {
	e, err := h3.HexagonEdgeLengthAvgM(r)
	if err != nil {
		e = 1e6
	}
	dlat = 2 * e / 111_000
	c := math.Cos(lat * math.Pi / 180)
	if c < 0.05 {
		c = 0.05
	}
	return dlat, dlat / c
}

func widen(b orb.Bound, r int) orb.Bound {
	dlat, dlon := margin(r, math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1])))
	return orb.Bound{Min: orb.Point{b.Min[0] - dlon, b.Min[1] - dlat}, Max: orb.Point{b.Max[0] + dlon, b.Max[1] + dlat}}
}

// hexLayer returns the layer spec defines over the planner's territory.
func (p *Planner) hexLayer(spec hexSpec) *layer.Layer {
	t := p.t
	fields := []layer.Field{{Name: "h3", Title: "Index H3 de la cellule", Kind: layer.String}}
	fields = append(fields, communeFields()...)
	for _, c := range spec.cols {
		fields = append(fields, c.f)
	}
	nc := len(communeColumns)
	l := &layer.Layer{
		ID: spec.id, Title: spec.title, Description: spec.desc,
		Geometry: layer.Polygon, Fields: fields, Bound: p.cellBound(),
		MinZoom: 0, MaxZoom: 16, Skips: true, FindsID: true,
	}
	l.Each = func(q layer.Query, fn func(*layer.Feature) error) error {
		// Per call: Each runs in several goroutines at once (tiles asked in
		// parallel), and a feature's geometry is read before the next is emitted.
		var poly orb.Polygon // the outline of the cell being emitted
		geom := func() (orb.Geometry, error) { return poly, nil }
		emit := func(f *layer.Feature, c h3.Cell, commune int32, v []float64, outline orb.Polygon) {
			f.ID = c.String()
			f.NumID = uint64(c)
			f.Values[0] = f.ID
			p.communeValues(f.Values[1:1+nc], commune)
			for k, col := range spec.cols {
				x := v[k]
				var out any
				switch {
				case math.IsNaN(x) || math.IsInf(x, 0):
					out = nil
				case col.f.Kind == layer.Boolean:
					out = x >= 0.5
				case col.f.Kind == layer.Integer:
					out = int(math.Round(x))
				default:
					out = layer.Round(x, col.dec)
				}
				f.Values[1+nc+k] = out
			}
			f.Geom, poly = nil, outline
			f.GeomFunc = geom
			if outline == nil {
				f.GeomFunc = func() (orb.Geometry, error) { return hexPolygon(c), nil }
			}
		}
		f := &layer.Feature{Values: make([]any, len(fields))}
		v := make([]float64, len(spec.cols))
		skip := q.Skip // features passed over before the first emitted
		res := t.Resolution
		if q.Zoom != 0 {
			z := q.Zoom
			if z < 0 {
				z = 0
			}
			res = tileResolution(z, t.Resolution)
		}
		if q.ID != "" {
			res = t.Resolution // ids are full-detail cells
		}
		// Full detail on request, down to hexagons about half a pixel wide
		// (the 6-pixel rule four zooms deeper): below, they would round to
		// nothing in the tile anyway.
		if res < t.Resolution && q.FullUpTo > 0 && q.HasBound() && tileResolution(q.Zoom+4, t.Resolution) == t.Resolution &&
			p.centredIn(q.Bound, q.FullUpTo) <= q.FullUpTo {
			res = t.Resolution
		}
		if res < t.Resolution && len(t.Cells) > 0 {
			lv := p.hexLevel(spec, res)
			var idx []int32
			if q.HasBound() {
				lv.index.Search(widen(q.Bound, res), func(_ orb.Bound, i int32) bool {
					idx = append(idx, i)
					return true
				})
				slices.Sort(idx)
			} else {
				idx = make([]int32, len(lv.cells))
				for i := range idx {
					idx[i] = int32(i)
				}
			}
			w := len(spec.cols)
			for _, i := range idx {
				if q.HasBound() && !layer.Intersects(lv.polys[i], q.Bound) {
					continue
				}
				if skip > 0 {
					skip--
					continue
				}
				emit(f, lv.cells[i], lv.commune[i], lv.vals[int(i)*w:int(i+1)*w], lv.polys[i])
				if err := fn(f); err != nil {
					return err
				}
			}
			return nil
		}
		visit := func(i int) error {
			if !spec.row(i, v) {
				return nil
			}
			c := &t.Cells[i]
			var outline orb.Polygon
			// A hexagon's box holds its centre: only cells centred outside
			// the box need their outline to be tested.
			if q.HasBound() && !q.Bound.Contains(c.Center) {
				if outline = hexPolygon(c.H3); !layer.Intersects(outline, q.Bound) {
					return nil
				}
			}
			if skip > 0 {
				skip--
				return nil
			}
			emit(f, c.H3, c.Commune, v, outline)
			return fn(f)
		}
		if q.ID != "" {
			// An id is a cell of the territory's resolution: found by
			// binary search, the cells being sorted by H3 index.
			c := h3.Cell(h3.IndexFromString(q.ID))
			i, ok := slices.BinarySearchFunc(t.Cells, c, func(x maillage.Cell, c h3.Cell) int { return cmp.Compare(x.H3, c) })
			if !ok || c.String() != q.ID || skip > 0 {
				return nil
			}
			return visit(i)
		}
		if !q.HasBound() {
			for i := range t.Cells {
				if err := visit(i); err != nil {
					return err
				}
			}
			return nil
		}
		var idx []int32
		p.centres().Search(widen(q.Bound, t.Resolution), func(_ orb.Bound, i int32) bool {
			idx = append(idx, i)
			return true
		})
		slices.Sort(idx)
		for _, i := range idx {
			if err := visit(int(i)); err != nil {
				return err
			}
		}
		return nil
	}
	return l
}

// hexLevel returns spec's layer aggregated at resolution res, building it on
// first use (one pass over the cells, which are sorted by H3 index, so the
// children of a parent are consecutive).
func (p *Planner) hexLevel(spec hexSpec, res int) *hexLevel {
	key := spec.id + "@" + strconv.Itoa(res)
	p.hex.mu.Lock()
	if p.hex.levels == nil {
		p.hex.levels = map[string]*levelOnce{}
	}
	lo := p.hex.levels[key]
	if lo == nil {
		lo = &levelOnce{}
		p.hex.levels[key] = lo
	}
	p.hex.mu.Unlock()
	lo.once.Do(func() { lo.l = buildLevel(p.t, spec, res) })
	return lo.l
}

func buildLevel(t *maillage.Territory, spec hexSpec, res int) *hexLevel {
	w := len(spec.cols)
	lv := &hexLevel{}
	v := make([]float64, w)
	var cur h3.Cell
	var acc []float64
	var best float64
	var bestCommune int32
	flush := func() {
		if acc == nil {
			return
		}
		for k, c := range spec.cols {
			if c.agg == aggWMean {
				if acc[0] > 0 {
					acc[k] /= acc[0]
				} else {
					acc[k] = 0
				}
			}
		}
		lv.cells = append(lv.cells, cur)
		lv.commune = append(lv.commune, bestCommune)
		lv.vals = append(lv.vals, acc...)
		acc = nil
	}
	for i := range t.Cells {
		if !spec.row(i, v) {
			continue
		}
		par, err := t.Cells[i].H3.Parent(res)
		if err != nil {
			continue
		}
		if acc == nil || par != cur {
			flush()
			cur = par
			acc = make([]float64, w)
			best, bestCommune = math.Inf(-1), -1
			for k, c := range spec.cols {
				if c.agg == aggMax {
					acc[k] = math.Inf(-1)
				}
			}
		}
		if v[0] > best {
			best, bestCommune = v[0], t.Cells[i].Commune
		}
		for k, c := range spec.cols {
			switch c.agg {
			case aggSum:
				acc[k] += v[k]
			case aggMax:
				acc[k] = math.Max(acc[k], v[k])
			case aggWMean:
				acc[k] += v[k] * v[0]
			}
		}
	}
	flush()
	lv.polys = make([]orb.Polygon, len(lv.cells))
	for i, c := range lv.cells {
		lv.polys[i] = hexPolygon(c)
		lv.index.Insert(lv.polys[i].Bound(), int32(i))
	}
	return lv
}

// hexPolygon is the outline of cell c (geo.CellPolygon: closed,
// counter-clockwise, lon/lat).
func hexPolygon(c h3.Cell) orb.Polygon { return geo.CellPolygon(c) }

// cellBound is the CRS84 extent of the territory's cells: their centres'
// box widened by a hexagon's reach (exact to about one cell's size, without
// computing every outline).
func (p *Planner) cellBound() orb.Bound {
	p.boundOnce.Do(func() {
		for i := range p.t.Cells {
			c := p.t.Cells[i].Center
			if i == 0 {
				p.bound = orb.Bound{Min: c, Max: c}
			} else {
				p.bound = p.bound.Extend(c)
			}
		}
		if len(p.t.Cells) > 0 {
			p.bound = widen(p.bound, p.t.Resolution)
		}
	})
	return p.bound
}
