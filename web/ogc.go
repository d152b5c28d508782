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

	"github.com/maillage/maillage/internal/labels"
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
		return false, reqErrorf(ErrInvalid, "f=%q: want json or html", f)
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
			return reqErrorf(ErrInvalid, "unknown parameter %q (allowed here: %s)", k, strings.Join(allowed, ", "))
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
	page := htmlPage{Title: doc["title"].(string), Description: doc["description"].(string), Crumbs: s.crumbs(c, nil, false)[:1], Links: links,
		Head: []string{"Page", "Relation", "Format"}}
	for _, l := range links {
		href, kind := l.Href, l.Type
		switch l.Rel {
		case "self", "alternate":
			continue
		case "conformance", "data":
			href, kind = href+"?f=html", htmlType+" (JSON avec f=json)"
		}
		page.Rows = append(page.Rows, []htmlCell{{Text: l.Title, Href: href}, {Text: l.Rel}, {Text: kind}})
	}
	s.answerOGC(c, html, jsonType, doc, page)
}

func (s *Server) handleOGCConformance(c *gin.Context) {
	html, ok := s.formatOnly(c)
	if !ok {
		return
	}
	links := s.selfAlt(c, html, nil, jsonType)
	doc := map[string]any{"conformsTo": []string{confCore, confGeoJSON, confHTML, confOAS30}, "links": links}
	page := htmlPage{Title: "Conformité", Description: "Les classes de conformité d'OGC API - Features, Part 1 que ce serveur suit.",
		Crumbs: s.crumbs(c, nil, false)[:1], Links: links, Head: []string{"Classe de conformité"}}
	for _, cc := range []string{confCore, confGeoJSON, confHTML, confOAS30} {
		page.Rows = append(page.Rows, []htmlCell{{Text: cc, Href: cc}})
	}
	s.answerOGC(c, html, jsonType, doc, page)
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
	page := htmlPage{Title: "Collections", Crumbs: s.crumbs(c, nil, false)[:1],
		Description: "Chaque couche de Maillage est une collection : QGIS, GDAL (OAPIF:) et les scripts les lisent telles quelles.",
		Head:        []string{"Identifiant", "Titre", "Géométrie", "Objets"}}
	base := s.ExternalBase(c.Request) + "/ogc/collections/"
	for i, l := range ls {
		cols[i] = s.collectionDoc(c, l)
		page.Rows = append(page.Rows, []htmlCell{{Text: l.ID, Href: base + l.ID + "?f=html"}, {Text: l.Title}, {Text: l.Geometry.String()},
			{Text: "parcourir", Href: base + l.ID + "/items?f=html"}})
	}
	links := s.selfAlt(c, html, nil, jsonType)
	page.Links = links
	doc := map[string]any{"links": links, "collections": cols}
	s.answerOGC(c, html, jsonType, doc, page)
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
	page := htmlPage{Title: l.Title, Description: l.Description, Crumbs: s.crumbs(c, nil, false), Links: doc["links"].([]Link),
		Pages: []Link{{Href: s.ExternalBase(c.Request) + "/ogc/collections/" + l.ID + "/items?f=html", Rel: "items", Title: "Parcourir les objets"}},
		Head:  []string{"Champ", "Type", "Unité", "Signification"}}
	for _, f := range l.Fields {
		page.Rows = append(page.Rows, []htmlCell{{Text: f.Name}, {Text: f.Kind.String()}, {Text: f.Unit}, {Text: f.Title}})
	}
	s.answerOGC(c, html, jsonType, doc, page)
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
		return ItemsQuery{}, reqErrorf(ErrInvalid, format, a...)
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
		return orb.Bound{}, reqErrorf(ErrInvalid, "bbox: %v", labels.Msg(format, a...))
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
	var values []htmlCell
	found := false
	err = l.Iterate(layer.Query{ID: fid}, func(f *layer.Feature) error {
		found = true
		var err error
		if body, err = layer.AppendFeature(nil, l, f, itemsPrecision); err != nil {
			return err
		}
		for i := range l.Fields {
			values = append(values, textCell(f.Values[i]))
		}
		return layer.ErrStop
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	if !found {
		s.fail(c, reqErrorf(ErrNotFound, "collection %s has no feature %q", l.ID, fid))
		return
	}
	links := append(s.selfAlt(c, html, nil, geoJSONType),
		Link{Href: s.ExternalBase(c.Request) + "/ogc/collections/" + l.ID, Rel: "collection", Type: jsonType, Title: l.Title})
	if html {
		page := htmlPage{Title: l.Title + " — " + fid, Crumbs: s.crumbs(c, l, true), Links: links, Head: []string{"Champ", "Valeur", "Unité", "Signification"}}
		for i, f := range l.Fields {
			page.Rows = append(page.Rows, []htmlCell{{Text: f.Name}, values[i], {Text: f.Unit}, {Text: f.Title}})
		}
		s.answerOGC(c, true, "", nil, page)
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
		name := f.Name
		if f.Unit != "" {
			name += " (" + f.Unit + ")"
		}
		head = append(head, name)
	}
	base := s.ExternalBase(c.Request) + "/ogc/collections/" + l.ID + "/items/"
	var rows [][]htmlCell
	_, _, _, err := s.itemsPage(l, iq, func(f *layer.Feature) error {
		r := []htmlCell{{Text: f.ID, Href: base + url.PathEscape(f.ID) + "?f=html"}}
		for i := range l.Fields {
			r = append(r, textCell(f.Values[i]))
		}
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	fr := labels.FR.Int
	title := fmt.Sprintf("%s — objets %s à %s sur %s", l.Title, fr(float64(iq.Offset+1)), fr(float64(iq.Offset+returned)), fr(float64(matched)))
	if returned == 0 {
		title = fmt.Sprintf("%s — aucun objet à partir du %sᵉ (%s en tout)", l.Title, fr(float64(iq.Offset+1)), fr(float64(matched)))
	}
	page := htmlPage{Title: title, Description: l.Description, Crumbs: s.crumbs(c, l, false), Links: links, Head: head, Rows: rows}
	for _, rel := range []string{"prev", "next"} {
		for _, k := range links {
			if k.Rel == rel {
				page.Pages = append(page.Pages, k)
			}
		}
	}
	s.answerOGC(c, true, "", nil, page)
}

var ogcPage = template.Must(template.New("ogc").Parse(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — Maillage</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;line-height:1.45}
header{background:#123c69;color:#fff;padding:.6em 1.5em}header a{color:#fff}
nav.fil{font-size:.9em}nav.fil a{color:#fff}
main{padding:1em 1.5em;max-width:100%}
h1{font-size:1.5em;margin:.3em 0}
p.desc{max-width:60em}
a{color:#0b4f9c}a:focus{outline:3px solid #f5a623;outline-offset:2px}
.pages a{display:inline-block;margin-right:1em;padding:.2em .7em;border:1px solid #0b4f9c;border-radius:3px;text-decoration:none}
.table{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5em 0;font-size:.92em}
th{background:#e8eef5;text-align:left;position:sticky;top:0}
th,td{border:1px solid #c9d3df;padding:3px 8px;vertical-align:top}
tr:nth-child(even) td{background:#f6f8fb}
td.num{text-align:right;font-variant-numeric:tabular-nums}
details{margin-top:1.5em}
</style></head>
<body><header><nav class="fil" aria-label="Fil d'Ariane">{{range $i, $c := .Crumbs}}{{if $i}} › {{end}}<a href="{{$c.Href}}">{{$c.Title}}</a>{{end}}</nav>
<h1>{{.Title}}</h1></header>
<main>
{{if .Description}}<p class="desc">{{.Description}}</p>{{end}}
{{if .Pages}}<p class="pages">{{range .Pages}}<a href="{{.Href}}" rel="{{.Rel}}">{{.Title}}</a>{{end}}</p>{{end}}
{{if .Head}}<div class="table"><table>
<thead><tr>{{range .Head}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td{{if .Num}} class="num"{{end}}>{{if .Href}}<a href="{{.Href}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}</td>{{end}}</tr>{{end}}</tbody>
</table></div>{{end}}
<details><summary>Liens et formats</summary><ul>{{range .Links}}<li><a href="{{.Href}}">{{if .Title}}{{.Title}}{{else}}{{.Rel}}{{end}}</a> ({{.Rel}}{{if .Type}}, {{.Type}}{{end}})</li>{{end}}</ul></details>
</main></body></html>
`))

// htmlPage is what the HTML representation of an OGC answer shows: a trail
// back to the landing page, the title and description, links to the
// neighbouring pages, a table, and every link of the JSON answer.
type htmlPage struct {
	Title, Description string
	Crumbs, Pages      []Link
	Head               []string
	Rows               [][]htmlCell
	Links              []Link
}

// htmlCell is one table cell: a number is aligned right, a cell with Href
// is a link.
type htmlCell struct {
	Text, Href string
	Num        bool
}

// textCell is v as layer.Text writes it, aligned right when a number.
func textCell(v any) htmlCell {
	c := htmlCell{Text: layer.Text(v)}
	switch v.(type) {
	case int, float64:
		c.Num = true
	}
	return c
}

// crumbs is the trail from the landing page to (and including) the pages
// named by ids: "collections", then a collection id, then "items".
func (s *Server) crumbs(c *gin.Context, l *layer.Layer, items bool) []Link {
	base := s.ExternalBase(c.Request) + "/ogc"
	out := []Link{{Href: base + "?f=html", Title: "Maillage"}, {Href: base + "/collections?f=html", Title: "Collections"}}
	if l != nil {
		out = append(out, Link{Href: base + "/collections/" + l.ID + "?f=html", Title: l.Title})
		if items {
			out = append(out, Link{Href: base + "/collections/" + l.ID + "/items?f=html", Title: "Objets"})
		}
	}
	return out
}

// answerOGC answers doc as JSON (with media type jsonMedia), or page as
// HTML.
func (s *Server) answerOGC(c *gin.Context, html bool, jsonMedia string, doc any, page htmlPage) {
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
	if err := ogcPage.Execute(&sb, page); err != nil {
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
		return nil, reqErrorf(ErrNotFound, "no collection %q (scenario collections are scenario-{id}-places and scenario-{id}-results-{profile})", id)
	}
	if results {
		if _, err := s.p.Profile(profile); err != nil {
			return nil, reqErrorf(ErrNotFound, "no collection %q: %v", id, err)
		}
	}
	if s.store == nil {
		return nil, reqErrorf(ErrNotFound, "no collection %q: the server has no scenario store", id)
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
