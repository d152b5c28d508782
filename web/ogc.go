package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/maillage/maillage/internal/layer"
	"github.com/maillage/maillage/internal/planner"
)

// OGC API - Features, Part 1 (core, geojson, html, oas30) under /ogc: every
// layer of the planner is a collection, its items are the layer's features
// encoded by layer.AppendFeature.

// Page sizes of /ogc/collections/{id}/items, also stated in the OpenAPI
// document's components.parameters.limit (clients read them there).
const (
	ItemsDefaultLimit = 10
	ItemsMaxLimit     = 10_000
	// ItemsMaxOffset bounds offset: beyond it a request is refused (400)
	// rather than walked through.
	ItemsMaxOffset = 100_000_000
	// itemsPrecision is the decimals of item coordinates (about 0.1 m).
	itemsPrecision = 6
)

const (
	crs84       = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	jsonType    = "application/json"
	htmlType    = "text/html"
	oasType     = "application/vnd.oai.openapi+json;version=3.0"
	confCore    = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
	confGeoJSON = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
	confHTML    = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html"
	confOAS30   = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"
)

// Link is an OGC API link.
type Link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// wantHTML decides the representation: f=html or f=json first, else
// text/html in Accept before any JSON type (what browsers send).
func wantHTML(c *gin.Context) (bool, error) {
	switch f := c.Query("f"); f {
	case "html":
		return true, nil
	case "json", "geojson":
		return false, nil
	case "":
	default:
		return false, &reqError{ErrInvalid, fmt.Sprintf("f=%q: want json or html", f)}
	}
	acc := c.GetHeader("Accept")
	h := strings.Index(acc, "text/html")
	if h < 0 {
		return false, nil
	}
	j := strings.Index(acc, "json")
	return j < 0 || h < j, nil
}

// onlyParams fails with ErrInvalid for a query parameter not in allowed.
func onlyParams(c *gin.Context, allowed ...string) error {
	for k := range c.Request.URL.Query() {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
				break
			}
		}
		if !ok {
			return &reqError{ErrInvalid, fmt.Sprintf("unknown parameter %q (allowed here: %s)", k, strings.Join(allowed, ", "))}
		}
	}
	return nil
}

// hrefWith returns the absolute URL of path with query q (f set to format).
func (s *Server) href(c *gin.Context, path string, q url.Values, format string) string {
	u := s.ExternalBase(c.Request) + path
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	if format != "" {
		v.Set("f", format)
	} else {
		v.Del("f")
	}
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	return u
}

// selfAlt returns the self and alternate links of the current path.
func (s *Server) selfAlt(c *gin.Context, html bool, q url.Values, jsonMedia string) []Link {
	path := c.Request.URL.Path
	j := Link{Href: s.href(c, path, q, "json"), Type: jsonMedia, Title: "ce document en JSON"}
	h := Link{Href: s.href(c, path, q, "html"), Type: htmlType, Title: "ce document en HTML"}
	if html {
		h.Rel, j.Rel = "self", "alternate"
		return []Link{h, j}
	}
	j.Rel, h.Rel = "self", "alternate"
	return []Link{j, h}
}

// formatOnly checks a request that takes no parameter but f, and reports
// whether HTML is asked for; on a bad request it answers the error and
// reports false.
func (s *Server) formatOnly(c *gin.Context) (html, ok bool) {
	if err := onlyParams(c, "f"); err != nil {
		s.fail(c, err)
		return false, false
	}
	html, err := wantHTML(c)
	if err != nil {
		s.fail(c, err)
		return false, false
	}
	return html, true
}

func (s *Server) handleOGCLanding(c *gin.Context) {
	html, ok := s.formatOnly(c)
	if !ok {
		return
	}
	base := s.ExternalBase(c.Request)
	links := append(s.selfAlt(c, html, nil, jsonType),
		Link{Href: base + "/api/openapi.json", Rel: "service-desc", Type: oasType, Title: "la définition de l'API (OpenAPI 3.0)"},
		Link{Href: base + "/api/docs", Rel: "service-doc", Type: htmlType, Title: "la documentation de l'API"},
		Link{Href: base + "/ogc/conformance", Rel: "conformance", Type: jsonType, Title: "les classes de conformité"},
		Link{Href: base + "/ogc/collections", Rel: "data", Type: jsonType, Title: "les collections"},
	)
	doc := map[string]any{
		"title":       "Maillage — " + s.t.Name,
		"description": "Les couches de Maillage (lieux, population, couverture et zones blanches par profil, communes, scénarios) en OGC API - Features.",
		"links":       links,
	}
	s.answerOGC(c, html, jsonType, doc, doc["title"].(string), links, nil)
}

func (s *Server) handleOGCConformance(c *gin.Context) {
	html, ok := s.formatOnly(c)
	if !ok {
		return
	}
	links := s.selfAlt(c, html, nil, jsonType)
	doc := map[string]any{"conformsTo": []string{confCore, confGeoJSON, confHTML, confOAS30}, "links": links}
	s.answerOGC(c, html, jsonType, doc, "Conformité", links, [][]string{{confCore}, {confGeoJSON}, {confHTML}, {confOAS30}})
}

// ogcLayers returns the collections: the planner's layers, each profile's
// default proposal (proposals-{profile}, computed when first read), then each
// saved scenario's places and results.
func (s *Server) ogcLayers(c *gin.Context) ([]*layer.Layer, error) {
	ls := s.p.Layers()
	for _, id := range s.p.ProposalLayerIDs() {
		if l, err := s.p.Layer(id); err == nil {
			ls = append(ls, l)
		}
	}
	more, err := s.scenarioLayers(c)
	if err != nil {
		return nil, err
	}
	return append(ls, more...), nil
}

// ogcLayer returns collection id (404 when unknown).
func (s *Server) ogcLayer(c *gin.Context, id string) (*layer.Layer, error) {
	if strings.HasPrefix(id, "scenario-") {
		return s.scenarioLayer(c, id)
	}
	return s.layerOf(id)
}

func (s *Server) collectionDoc(c *gin.Context, l *layer.Layer) map[string]any {
	base := s.ExternalBase(c.Request) + "/ogc/collections/" + l.ID
	d := map[string]any{
		"id":          l.ID,
		"title":       l.Title,
		"description": l.Description,
		"itemType":    "feature",
		"crs":         []string{crs84},
		"storageCrs":  crs84,
		"links": []Link{
			{Href: base, Rel: "self", Type: jsonType, Title: l.Title},
			{Href: base + "?f=html", Rel: "alternate", Type: htmlType, Title: l.Title},
			{Href: base + "/items", Rel: "items", Type: geoJSONType, Title: "les objets"},
			{Href: base + "/items?f=html", Rel: "items", Type: htmlType, Title: "les objets (HTML)"},
			{Href: s.ExternalBase(c.Request) + "/tiles/" + l.ID + ".json", Rel: "tiles", Type: jsonType, Title: "tuiles vectorielles (TileJSON)"},
		},
	}
	if b := l.Bound; b != (orb.Bound{}) {
		d["extent"] = map[string]any{"spatial": map[string]any{
			"bbox": [][]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}},
			"crs":  crs84,
		}}
	}
	return d
}

func (s *Server) handleOGCCollections(c *gin.Context) {
	html, ok := s.formatOnly(c)
	if !ok {
		return
	}
	ls, err := s.ogcLayers(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	cols := make([]map[string]any, len(ls))
	rows := make([][]string, len(ls))
	for i, l := range ls {
		cols[i] = s.collectionDoc(c, l)
		rows[i] = []string{l.ID, l.Title, s.ExternalBase(c.Request) + "/ogc/collections/" + l.ID + "?f=html"}
	}
	links := s.selfAlt(c, html, nil, jsonType)
	doc := map[string]any{"links": links, "collections": cols}
	s.answerOGC(c, html, jsonType, doc, "Collections", links, rows)
}

func (s *Server) handleOGCCollection(c *gin.Context) {
	html, ok := s.formatOnly(c)
	if !ok {
		return
	}
	l, err := s.ogcLayer(c, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	doc := s.collectionDoc(c, l)
	var rows [][]string
	for _, f := range l.Fields {
		rows = append(rows, []string{f.Name, f.Kind.String(), f.Unit, f.Title})
	}
	s.answerOGC(c, html, jsonType, doc, l.Title, doc["links"].([]Link), rows)
}

// ItemsQuery is a parsed /items request.
type ItemsQuery struct {
	Limit, Offset int
	Bound         orb.Bound // zero: no bbox
	// Filters are the property filters: field index → wanted text (the
	// value as layer.Text writes it).
	Filters map[int]string
}

// ParseItemsQuery parses the query of an items request on l: limit
// (1…ItemsMaxLimit, larger values clamped; default ItemsDefaultLimit),
// offset (0…ItemsMaxOffset), bbox (4 numbers, CRS84, not across the
// antimeridian), bbox-crs (CRS84 only), datetime (accepted: the layers have
// no time, so every feature matches), f, and one filter per simple field of
// the layer (its value compared with the field's text form). Anything else
// is an error wrapping ErrInvalid.
func ParseItemsQuery(l *layer.Layer, q url.Values) (ItemsQuery, error) {
	iq := ItemsQuery{Limit: ItemsDefaultLimit, Filters: map[int]string{}}
	bad := func(format string, a ...any) (ItemsQuery, error) {
		return ItemsQuery{}, &reqError{ErrInvalid, fmt.Sprintf(format, a...)}
	}
	for k, vs := range q {
		if len(vs) != 1 {
			return bad("parameter %q given %d times, want once", k, len(vs))
		}
		v := vs[0]
		switch k {
		case "limit":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && !strings.HasPrefix(v, "-") {
					n = math.MaxInt64
				} else {
					return bad("limit=%q: want an integer from 1 to %d", v, ItemsMaxLimit)
				}
			}
			if n < 1 {
				return bad("limit=%d: want an integer from 1 to %d", n, ItemsMaxLimit)
			}
			iq.Limit = int(min(n, ItemsMaxLimit))
		case "offset":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 || n > ItemsMaxOffset {
				return bad("offset=%q: want an integer from 0 to %d", v, ItemsMaxOffset)
			}
			iq.Offset = int(n)
		case "bbox":
			b, err := parseItemsBBox(v)
			if err != nil {
				return ItemsQuery{}, err
			}
			iq.Bound = b
		case "bbox-crs":
			if v != crs84 {
				return bad("bbox-crs=%q: only %s is supported", v, crs84)
			}
		case "datetime", "f":
		default:
			i := l.Field(k)
			if i < 0 || l.Fields[i].Kind == layer.Strings {
				names := []string{"limit", "offset", "bbox", "bbox-crs", "datetime", "f"}
				for _, f := range l.Fields {
					if f.Kind != layer.Strings {
						names = append(names, f.Name)
					}
				}
				return bad("unknown parameter %q for collection %s (allowed: %s)", k, l.ID, strings.Join(names, ", "))
			}
			iq.Filters[i] = v
		}
	}
	return iq, nil
}

// parseItemsBBox parses an items bbox: 4 finite numbers in range with min
// ≤ max; 6 numbers (3D) and boxes across the antimeridian (minLon > maxLon)
// are refused with a message saying so.
func parseItemsBBox(v string) (orb.Bound, error) {
	bad := func(format string, a ...any) (orb.Bound, error) {
		return orb.Bound{}, &reqError{ErrInvalid, "bbox: " + fmt.Sprintf(format, a...)}
	}
	parts := strings.Split(v, ",")
	if len(parts) == 6 {
		return bad("6 values (a 3D box) are not supported: give minLon,minLat,maxLon,maxLat")
	}
	if len(parts) != 4 {
		return bad("%d values, want 4: minLon,minLat,maxLon,maxLat", len(parts))
	}
	var x [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bad("value %d (%q) is not a finite number", i+1, p)
		}
		x[i] = f
	}
	for _, i := range []int{0, 2} {
		if x[i] < -180 || x[i] > 180 {
			return bad("longitude %g outside [-180, 180]", x[i])
		}
		if x[i+1] < -90 || x[i+1] > 90 {
			return bad("latitude %g outside [-90, 90]", x[i+1])
		}
	}
	if x[1] > x[3] {
		return bad("minLat %g is greater than maxLat %g", x[1], x[3])
	}
	if x[0] > x[2] {
		return bad("minLon %g > maxLon %g: a box across the antimeridian is not supported (split it in two)", x[0], x[2])
	}
	return orb.Bound{Min: orb.Point{x[0], x[1]}, Max: orb.Point{x[2], x[3]}}, nil
}

// matches reports whether f passes the property filters.
func (iq ItemsQuery) matches(f *layer.Feature) bool {
	for i, want := range iq.Filters {
		if i >= len(f.Values) || layer.Text(f.Values[i]) != want {
			return false
		}
	}
	return true
}

func (s *Server) handleOGCItems(c *gin.Context) {
	l, err := s.ogcLayer(c, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	q := c.Request.URL.Query()
	iq, err := ParseItemsQuery(l, q)
	if err != nil {
		s.fail(c, err)
		return
	}
	html, err := wantHTML(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	body, matched, returned, err := s.itemsPage(l, iq, nil)
	if err != nil {
		s.fail(c, err)
		return
	}
	path := c.Request.URL.Path
	links := s.selfAlt(c, html, q, geoJSONType)
	page := func(off int) url.Values {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("offset", strconv.Itoa(off))
		v.Set("limit", strconv.Itoa(iq.Limit))
		return v
	}
	format := "json"
	media := geoJSONType
	if html {
		format, media = "html", htmlType
	}
	if iq.Offset+returned < matched {
		links = append(links, Link{Href: s.href(c, path, page(iq.Offset+iq.Limit), format), Rel: "next", Type: media, Title: "page suivante"})
	}
	if iq.Offset > 0 {
		links = append(links, Link{Href: s.href(c, path, page(max(0, iq.Offset-iq.Limit)), format), Rel: "prev", Type: media, Title: "page précédente"})
	}
	links = append(links, Link{Href: s.ExternalBase(c.Request) + "/ogc/collections/" + l.ID, Rel: "collection", Type: jsonType, Title: l.Title})
	if html {
		s.itemsHTML(c, l, iq, links, matched, returned)
		return
	}
	body = append(body, `],"numberMatched":`...)
	body = strconv.AppendInt(body, int64(matched), 10)
	body = append(body, `,"numberReturned":`...)
	body = strconv.AppendInt(body, int64(returned), 10)
	body = append(body, `,"timeStamp":`...)
	body = layer.AppendString(body, time.Now().UTC().Format(time.RFC3339))
	lj, _ := json.Marshal(links)
	body = append(body, `,"links":`...)
	body = append(body, lj...)
	body = append(body, '}')
	c.Data(http.StatusOK, geoJSONType, body)
}

// itemsPage encodes the page iq asks of l as the start of a GeoJSON
// FeatureCollection (up to the features' closing bracket, excluded), and
// returns the number of matching features. That number is counted by the
// first request for a selection (layer, bbox, filters) and then kept, so
// later pages stop after their last feature. With each set, it calls it
// for the page's features instead of encoding them.
func (s *Server) itemsPage(l *layer.Layer, iq ItemsQuery, each func(*layer.Feature) error) ([]byte, int, int, error) {
	body := make([]byte, 0, 64<<10)
	body = append(body, `{"type":"FeatureCollection","features":[`...)
	key := iq.selection(l)
	known, ok := s.matched.get(key)
	matched, returned := 0, 0
	q := layer.Query{Bound: iq.Bound}
	if ok && len(iq.Filters) == 0 && iq.Offset < known {
		q.Skip, matched = iq.Offset, iq.Offset // the layer passes over the offset
	}
	err := l.Iterate(q, func(f *layer.Feature) error {
		if !iq.matches(f) {
			return nil
		}
		matched++
		if matched <= iq.Offset {
			return nil
		}
		if returned >= iq.Limit {
			if ok {
				return layer.ErrStop
			}
			return nil
		}
		returned++
		if each != nil {
			return each(f)
		}
		if returned > 1 {
			body = append(body, ',')
		}
		var err error
		body, err = layer.AppendFeature(body, l, f, itemsPrecision)
		return err
	})
	if err != nil {
		return nil, 0, 0, err
	}
	if ok {
		return body, known, returned, nil
	}
	s.matched.put(key, matched)
	return body, matched, returned, nil
}

// selectionKey names the features an items request selects: the layer
// (its definition: a scenario's layers are defined anew for each request)
// and the text of the bbox and filters.
type selectionKey struct {
	l *layer.Layer
	q string
}

func (iq ItemsQuery) selection(l *layer.Layer) selectionKey {
	var b strings.Builder
	if iq.Bound != (orb.Bound{}) {
		fmt.Fprint(&b, iq.Bound.Min, iq.Bound.Max)
	}
	for _, i := range slices.Sorted(maps.Keys(iq.Filters)) {
		fmt.Fprintf(&b, "|%d=%q", i, iq.Filters[i])
	}
	return selectionKey{l, b.String()}
}

// matchedCounts keeps the number of features of the most recent selections
// (at most maxSelections; the oldest goes first).
type matchedCounts struct {
	mu    sync.Mutex
	n     map[selectionKey]int
	order []selectionKey
}

const maxSelections = 1024

func (m *matchedCounts) get(k selectionKey) (int, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, ok := m.n[k]
	return n, ok
}

func (m *matchedCounts) put(k selectionKey, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n == nil {
		m.n = map[selectionKey]int{}
	}
	if _, ok := m.n[k]; ok {
		return
	}
	if len(m.order) == maxSelections {
		delete(m.n, m.order[0])
		m.order = m.order[1:]
	}
	m.n[k] = n
	m.order = append(m.order, k)
}

func (s *Server) handleOGCItem(c *gin.Context) {
	html, ok := s.formatOnly(c)
	if !ok {
		return
	}
	l, err := s.ogcLayer(c, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	fid := c.Param("fid")
	var body []byte
	var values []string
	found := false
	err = l.Iterate(layer.Query{}, func(f *layer.Feature) error {
		if f.ID != fid {
			return nil
		}
		found = true
		var err error
		if body, err = layer.AppendFeature(nil, l, f, itemsPrecision); err != nil {
			return err
		}
		for i := range l.Fields {
			values = append(values, layer.Text(f.Values[i]))
		}
		return layer.ErrStop
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	if !found {
		s.fail(c, &reqError{ErrNotFound, fmt.Sprintf("collection %s has no feature %q", l.ID, fid)})
		return
	}
	links := append(s.selfAlt(c, html, nil, geoJSONType),
		Link{Href: s.ExternalBase(c.Request) + "/ogc/collections/" + l.ID, Rel: "collection", Type: jsonType, Title: l.Title})
	if html {
		rows := make([][]string, len(l.Fields))
		for i, f := range l.Fields {
			rows[i] = []string{f.Name, values[i], f.Unit}
		}
		s.answerOGC(c, true, "", nil, l.Title+" — "+fid, links, rows)
		return
	}
	lj, _ := json.Marshal(links)
	body = append(body[:len(body)-1], `,"links":`...)
	body = append(body, lj...)
	body = append(body, '}')
	c.Data(http.StatusOK, geoJSONType, body)
}

func (s *Server) itemsHTML(c *gin.Context, l *layer.Layer, iq ItemsQuery, links []Link, matched, returned int) {
	head := []string{"id"}
	for _, f := range l.Fields {
		head = append(head, f.Name)
	}
	rows := [][]string{head}
	_, _, _, err := s.itemsPage(l, iq, func(f *layer.Feature) error {
		r := []string{f.ID}
		for i := range l.Fields {
			r = append(r, layer.Text(f.Values[i]))
		}
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	title := fmt.Sprintf("%s — objets %d à %d sur %d", l.Title, iq.Offset+1, iq.Offset+returned, matched)
	s.answerOGC(c, true, "", nil, title, links, rows)
}

var ogcPage = template.Must(template.New("ogc").Parse(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td{border:1px solid #ccc;padding:2px 6px}</style></head>
<body><h1>{{.Title}}</h1>
<ul>{{range .Links}}<li><a href="{{.Href}}">{{if .Title}}{{.Title}}{{else}}{{.Rel}}{{end}}</a> ({{.Rel}}{{if .Type}}, {{.Type}}{{end}})</li>{{end}}</ul>
{{if .Rows}}<table>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</table>{{end}}
</body></html>
`))

// answerOGC answers doc as JSON (with media type jsonMedia), or an HTML page
// with the title, the links and a table of rows.
func (s *Server) answerOGC(c *gin.Context, html bool, jsonMedia string, doc any, title string, links []Link, rows [][]string) {
	if !html {
		b, err := json.Marshal(doc)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Data(http.StatusOK, jsonMedia, b)
		return
	}
	var sb strings.Builder
	if err := ogcPage.Execute(&sb, map[string]any{"Title": title, "Links": links, "Rows": rows}); err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(sb.String()))
}

// scenarioLayers returns, for each saved scenario (none without a store,
// planner.MaxListedScenarios at most), its places layer then its results
// layer for every profile; scenarios left out are logged.
func (s *Server) scenarioLayers(c *gin.Context) ([]*layer.Layer, error) {
	if s.store == nil {
		return nil, nil
	}
	out, warnings, err := s.p.SavedScenarioLayers(c.Request.Context(), s.store, planner.MaxListedScenarios, nil)
	for _, w := range warnings {
		s.log.Warn("scenario collections", "warning", w)
	}
	return out, err
}

// scenarioLayer returns the collection scenario-{id}-places or
// scenario-{id}-results-{profile}.
func (s *Server) scenarioLayer(c *gin.Context, id string) (*layer.Layer, error) {
	num, rest, _ := strings.Cut(strings.TrimPrefix(id, "scenario-"), "-")
	profile, results := strings.CutPrefix(rest, "results-")
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || (planner.ScenarioLayerID(n) != id && (!results || planner.ScenarioResultsID(n, profile) != id)) {
		return nil, &reqError{ErrNotFound, fmt.Sprintf("no collection %q (scenario collections are scenario-{id}-places and scenario-{id}-results-{profile})", id)}
	}
	if results {
		if _, err := s.p.Profile(profile); err != nil {
			return nil, &reqError{ErrNotFound, fmt.Sprintf("no collection %q: %v", id, err)}
		}
	}
	if s.store == nil {
		return nil, &reqError{ErrNotFound, fmt.Sprintf("no collection %q: the server has no scenario store", id)}
	}
	sc, err := s.store.Get(c.Request.Context(), n)
	if err != nil {
		return nil, err
	}
	if results {
		return s.p.ScenarioResults(*sc, profile)
	}
	return s.p.ScenarioPlaces(*sc)
}
