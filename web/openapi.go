package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/maillage/maillage/internal/layer"
)

// The OpenAPI 3.0 document of the whole server (/api/openapi.json), written
// here as data so that one test can check it against the router (every
// route is described) and kin-openapi can validate it and sample answers.

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/" + name} }

func qparam(name, desc string, schema obj) obj {
	return obj{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
}

func pparam(name, desc string, schema obj) obj {
	return obj{"name": name, "in": "path", "required": true, "description": desc, "schema": schema}
}

var (
	strSchema  = obj{"type": "string"}
	numSchema  = obj{"type": "number"}
	intSchema  = obj{"type": "integer"}
	anyObject  = obj{"type": "object"}
	profileArg = qparam("profile", "nom d'un profil de demande (GET /api/v1/profiles)", strSchema)
	formatArg  = func(vals ...string) obj {
		return qparam("format", "format de la réponse", obj{"type": "string", "enum": vals})
	}
)

// answer is a response with one media type and schema.
func answer(desc, media string, schema obj) obj {
	r := obj{"description": desc}
	if media != "" {
		r["content"] = obj{media: obj{"schema": schema}}
	}
	return r
}

func errAnswers(codes ...string) obj {
	out := obj{}
	for _, c := range codes {
		out[c] = ref("responses/Error")
	}
	return out
}

func op(summary string, params []any, ok obj, errs ...string) obj {
	resp := errAnswers(errs...)
	for k, v := range ok {
		resp[k] = v
	}
	o := obj{"summary": summary, "responses": resp}
	if len(params) > 0 {
		o["parameters"] = params
	}
	return o
}

func okJSON(desc string, schema obj) obj { return obj{"200": answer(desc, "application/json", schema)} }
func okGeo(desc string) obj {
	return obj{"200": answer(desc, geoJSONType, ref("schemas/FeatureCollection"))}
}

// openAPI returns the document.
func openAPI() obj {
	collID := pparam("collectionId", "identifiant de collection ([a-z0-9_-])", obj{"type": "string", "pattern": "^[a-z0-9_-]+$"})
	fParam := ref("parameters/f")
	scenID := pparam("id", "identifiant du scénario", obj{"type": "integer", "minimum": 1})
	bodyJSON := func(desc string) obj {
		return obj{"required": true, "description": desc, "content": obj{"application/json": obj{"schema": anyObject}}}
	}
	paths := obj{
		"/healthz": obj{"get": op("état du serveur", nil, okJSON("ok", anyObject))},
		"/readyz": obj{"get": op("prêt à servir : territoire chargé, base des scénarios accessible en écriture", nil,
			okJSON("prêt", anyObject), "503")},
		"/metrics": obj{"get": op("métriques Prometheus (format texte)", nil,
			obj{"200": answer("les métriques", "text/plain; version=0.0.4", strSchema)})},
		"/api/openapi.json": obj{"get": op("ce document (OpenAPI 3.0)", nil,
			obj{"200": answer("le document", oasType, anyObject)})},
		"/api/docs":         obj{"get": op("ce document, lisible", nil, obj{"200": answer("page HTML", htmlType, strSchema)})},
		"/api/v1/territory": obj{"get": op("résumé du territoire", nil, okJSON("le résumé", anyObject))},
		"/api/v1/venues":    obj{"get": op("lieux localisés (RFC 7946)", nil, okGeo("les lieux"))},
		"/api/v1/cells": obj{"get": op("cellules dont l'emprise rencontre la boîte (la couche cells)",
			[]any{qparam("bbox", "minLon,minLat,maxLon,maxLat (WGS84)", strSchema)}, okGeo("les cellules"), "400", "413")},
		"/api/v1/export.gpkg": obj{"get": op("toutes les couches dans un GeoPackage", []any{profileArg},
			obj{"200": answer("le GeoPackage", gpkgType, obj{"type": "string", "format": "binary"})}, "400")},
		"/api/v1/profiles": obj{"get": op("profils de demande", nil, okJSON("les profils", anyObject))},
		"/api/v1/labels":   obj{"get": op("catalogue des libellés", nil, okJSON("les libellés", anyObject), "400")},
		"/api/v1/coverage": obj{"get": op("rapport de couverture", []any{profileArg, formatArg("json", "csv")},
			obj{"200": obj{"description": "le rapport", "content": obj{"application/json": obj{"schema": anyObject}, "text/csv": obj{"schema": strSchema}}}}, "400")},
		"/api/v1/gaps": obj{"get": op("zones blanches d'un profil", []any{profileArg,
			qparam("min_persons", "nombre minimal de personnes non couvertes", obj{"type": "number", "minimum": 0}), formatArg("geojson", "csv")},
			obj{"200": obj{"description": "les zones", "content": obj{geoJSONType: obj{"schema": ref("schemas/FeatureCollection")}, "text/csv": obj{"schema": strSchema}}}}, "400")},
		"/api/v1/access": obj{"get": op("couverture et accessibilité 2SFCA par cellule", []any{profileArg, formatArg("geojson", "csv")},
			obj{"200": obj{"description": "les cellules", "content": obj{geoJSONType: obj{"schema": ref("schemas/FeatureCollection")}, "text/csv": obj{"schema": strSchema}}}}, "400")},
		"/api/v1/proposals": obj{"post": func() obj {
			o := op("propositions de nouveaux sites (avec Accept: application/x-ndjson, une ligne JSON par étape : {\"progress\": {\"done\", \"total\"}} pendant le calcul des zones de desserte des candidats, puis {\"proposal\": …} ou {\"error\": …})",
				[]any{formatArg("json", "geojson", "csv")},
				obj{"200": obj{"description": "la proposition", "content": obj{"application/json": obj{"schema": anyObject}, ndjsonType: obj{"schema": strSchema}}}}, "400", "413", "415")
			o["requestBody"] = bodyJSON("la demande de proposition")
			return o
		}()},
		"/api/v1/evaluation": obj{"post": func() obj {
			o := op("évaluer un scénario non enregistré (n'écrit rien) : l'évaluation, les cellules qui basculent et les personnes nouvellement couvertes par tranche d'âge",
				[]any{profileArg}, okJSON("l'évaluation", anyObject), "400", "413", "415")
			o["requestBody"] = bodyJSON("le scénario (nom, changements)")
			return o
		}()},
		"/": obj{"get": op("la carte des aménageurs (page HTML)", nil, obj{"200": answer("la page", htmlType, strSchema)})},
		"/report": obj{"get": op("rapport imprimable d'un scénario (page HTML A4)", []any{
			qparam("scenario", "identifiant (0 ou absent : le territoire actuel)", intSchema), qparam("profile", "profil de demande", strSchema)},
			obj{"200": answer("le rapport", htmlType, strSchema)})},
		"/app/{file}": obj{"get": op("fichiers de la page (modules ES, CSS)", []any{pparam("file", "chemin du fichier", strSchema)},
			obj{"200": answer("le fichier", "text/javascript", strSchema)}, "404")},
		"/vendor/{file}": obj{"get": op("MapLibre GL JS, copié dans le binaire", []any{pparam("file", "chemin du fichier", strSchema)},
			obj{"200": answer("le fichier", "text/javascript", strSchema)}, "404")},
		"/api/v1/route": obj{"get": op("un trajet", []any{
			qparam("from", "LAT,LON", strSchema), qparam("to", "LAT,LON", strSchema),
			qparam("mode", "mode de déplacement", strSchema), qparam("engine", "road ou crowfly", strSchema)},
			okJSON("le trajet", anyObject), "400", "422")},
		"/api/v1/scenarios": obj{
			"get": op("liste des scénarios", []any{qparam("offset", "décalage", obj{"type": "integer", "minimum": 0}),
				qparam("limit", "taille de page", obj{"type": "integer", "minimum": 1})}, okJSON("une page", anyObject), "400", "503"),
			"post": func() obj {
				o := op("créer un scénario", nil, obj{"201": answer("le scénario enregistré", "application/json", anyObject)}, "400", "401", "403", "413", "415", "503")
				o["requestBody"] = bodyJSON("le scénario")
				return o
			}(),
		},
		"/api/v1/scenarios/from-proposal": obj{"post": func() obj {
			o := op("proposer des sites et les enregistrer comme un scénario en une fois (les sites deviennent des ajouts)",
				[]any{qparam("name", "nom du scénario", strSchema)},
				obj{"201": answer("le scénario enregistré et la proposition", "application/json", anyObject)}, "400", "401", "403", "413", "415", "503")
			o["requestBody"] = bodyJSON("la demande de proposition, comme POST /api/v1/proposals")
			return o
		}()},
		"/api/v1/scenarios/diff": obj{"get": op("comparaison de deux scénarios", []any{
			qparam("a", "identifiant (0 : le territoire de base)", intSchema), qparam("b", "identifiant", intSchema), profileArg},
			okJSON("la comparaison", anyObject), "400", "404", "503")},
		"/api/v1/scenarios/{id}": obj{
			"get": op("un scénario", []any{scenID}, okJSON("le scénario", anyObject), "400", "404", "503"),
			"put": func() obj {
				o := op("modifier un scénario", []any{scenID}, okJSON("le scénario modifié", anyObject), "400", "401", "403", "404", "409", "413", "415", "503")
				o["requestBody"] = bodyJSON("le scénario, avec sa version")
				return o
			}(),
			"delete": op("supprimer un scénario", []any{scenID}, obj{"204": answer("supprimé", "", nil)}, "400", "401", "403", "404", "503"),
		},
		"/api/v1/scenarios/{id}/evaluation": obj{"get": op("évaluation d'un scénario", []any{scenID, profileArg}, okJSON("l'évaluation", anyObject), "400", "404", "503")},
		"/api/v1/scenarios/{id}/geojson":    obj{"get": op("les lieux changés par un scénario", []any{scenID}, okGeo("les lieux"), "400", "404", "503")},

		"/ogc": obj{"get": op("page d'accueil OGC API - Features", []any{fParam},
			obj{"200": obj{"description": "la page d'accueil", "content": obj{"application/json": obj{"schema": ref("schemas/LandingPage")}, htmlType: obj{"schema": strSchema}}}}, "400")},
		"/ogc/conformance": obj{"get": op("classes de conformité", []any{fParam},
			obj{"200": obj{"description": "les classes", "content": obj{"application/json": obj{"schema": ref("schemas/Conformance")}, htmlType: obj{"schema": strSchema}}}}, "400")},
		"/ogc/collections": obj{"get": op("collections", []any{fParam},
			obj{"200": obj{"description": "les collections", "content": obj{"application/json": obj{"schema": ref("schemas/Collections")}, htmlType: obj{"schema": strSchema}}}}, "400")},
		"/ogc/collections/{collectionId}": obj{"get": op("une collection", []any{collID, fParam},
			obj{"200": obj{"description": "la collection", "content": obj{"application/json": obj{"schema": ref("schemas/Collection")}, htmlType: obj{"schema": strSchema}}}}, "400", "404")},
		"/ogc/collections/{collectionId}/items": obj{"get": func() obj {
			o := op("objets d'une collection", []any{collID, ref("parameters/limit"), ref("parameters/offset"), ref("parameters/bbox"),
				ref("parameters/bbox-crs"), ref("parameters/datetime"), fParam, ref("parameters/properties")},
				obj{"200": obj{"description": "une page d'objets", "content": obj{geoJSONType: obj{"schema": ref("schemas/FeatureCollection")}, htmlType: obj{"schema": strSchema}}}}, "400", "404")
			o["description"] = "Filtres par propriété : tout champ simple de la collection (par exemple commune=33063) ; tout autre paramètre inconnu donne 400."
			return o
		}()},
		"/ogc/collections/{collectionId}/items/{featureId}": obj{"get": op("un objet", []any{collID,
			pparam("featureId", "identifiant de l'objet", strSchema), fParam},
			obj{"200": obj{"description": "l'objet", "content": obj{geoJSONType: obj{"schema": ref("schemas/Feature")}, htmlType: obj{"schema": strSchema}}}}, "400", "404")},

		"/tiles/{layer}.json": obj{"get": op("TileJSON 3.0 d'une couche", []any{pparam("layer", "identifiant de couche", strSchema)},
			okJSON("le TileJSON", anyObject), "404")},
		"/tiles/{layer}/{z}/{x}/{y}.pbf": obj{"get": op("tuile vectorielle (Mapbox Vector Tile 2.1, lignes XYZ)", []any{
			pparam("layer", "identifiant de couche", strSchema),
			pparam("z", "niveau de zoom", obj{"type": "integer", "minimum": 0, "maximum": 22}),
			pparam("x", "colonne", obj{"type": "integer", "minimum": 0}),
			pparam("y", "ligne (depuis le nord)", obj{"type": "integer", "minimum": 0}),
			qparam("detail", fmt.Sprintf("full : les cellules H3 à pleine résolution à tout zoom, tant que la tuile en compte au plus %d (au-delà, agrégées comme sans)", layer.MaxFullTile), obj{"type": "string", "enum": []string{"full"}})},
			obj{"200": answer("la tuile", mvtType, obj{"type": "string", "format": "binary"}), "204": answer("tuile vide", "", nil),
				"304": answer("inchangée (If-None-Match)", "", nil)}, "400", "404")},
		"/styles/{profile}.json": obj{"get": op("style MapLibre d'un profil", []any{pparam("profile", "nom du profil", strSchema)},
			okJSON("le style", anyObject), "404")},
	}
	link := obj{"type": "object", "required": []string{"href", "rel"}, "properties": obj{
		"href": strSchema, "rel": strSchema, "type": strSchema, "title": strSchema}}
	links := obj{"type": "array", "items": ref("schemas/Link")}
	return obj{
		"openapi": "3.0.3",
		"info": obj{"title": "Maillage", "version": "1",
			"description": "L'API de Maillage : l'API JSON /api/v1, OGC API - Features sous /ogc, les tuiles vectorielles et les styles. Les messages d'erreur ({\"error\": …, \"problems\": […]}) sont en français ou en anglais selon ?lang=fr|en, sinon l'en-tête Accept-Language (fr ou en, poids q respectés), sinon en anglais."},
		"paths": paths,
		"components": obj{
			"parameters": obj{
				"limit": obj{"name": "limit", "in": "query", "required": false, "style": "form", "explode": false,
					"description": "nombre maximal d'objets par page (au-delà du maximum, le maximum s'applique)",
					"schema":      obj{"type": "integer", "minimum": 1, "maximum": ItemsMaxLimit, "default": ItemsDefaultLimit}},
				"offset": obj{"name": "offset", "in": "query", "required": false,
					"description": "nombre d'objets à sauter", "schema": obj{"type": "integer", "minimum": 0, "maximum": ItemsMaxOffset, "default": 0}},
				"bbox": obj{"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
					"description": "minLon,minLat,maxLon,maxLat en CRS84 (4 nombres ; ni 3D ni à cheval sur l'antiméridien)",
					"schema":      obj{"type": "array", "minItems": 4, "maxItems": 4, "items": numSchema}},
				"bbox-crs": obj{"name": "bbox-crs", "in": "query", "required": false, "schema": obj{"type": "string", "enum": []string{crs84}}},
				"datetime": obj{"name": "datetime", "in": "query", "required": false,
					"description": "accepté ; les couches n'ont pas de dimension temporelle", "schema": strSchema},
				"f": obj{"name": "f", "in": "query", "required": false, "description": "format : json ou html",
					"schema": obj{"type": "string", "enum": []string{"json", "html"}}},
				"properties": obj{"name": "properties", "in": "query", "required": false, "style": "form", "explode": true,
					"description": "filtres sur les champs simples de la collection (nom=valeur)",
					"schema":      obj{"type": "object", "additionalProperties": strSchema}},
			},
			"responses": obj{"Error": answer("erreur", "application/json", ref("schemas/Error"))},
			"schemas": obj{
				"Error": obj{"type": "object", "required": []string{"error"}, "properties": obj{
					"error": strSchema, "problems": obj{"type": "array", "items": anyObject}}},
				"Link": link,
				"LandingPage": obj{"type": "object", "required": []string{"links"}, "properties": obj{
					"title": strSchema, "description": strSchema, "links": links}},
				"Conformance": obj{"type": "object", "required": []string{"conformsTo"}, "properties": obj{
					"conformsTo": obj{"type": "array", "items": strSchema}, "links": links}},
				"Collection": obj{"type": "object", "required": []string{"id", "links"}, "properties": obj{
					"id": strSchema, "title": strSchema, "description": strSchema, "itemType": strSchema,
					"crs":        obj{"type": "array", "items": strSchema},
					"storageCrs": strSchema,
					"extent": obj{"type": "object", "properties": obj{"spatial": obj{"type": "object", "properties": obj{
						"bbox": obj{"type": "array", "items": obj{"type": "array", "minItems": 4, "maxItems": 6, "items": numSchema}},
						"crs":  strSchema}}}},
					"links": links}},
				"Collections": obj{"type": "object", "required": []string{"links", "collections"}, "properties": obj{
					"links": links, "collections": obj{"type": "array", "items": ref("schemas/Collection")}}},
				"Geometry": obj{"type": "object", "nullable": true, "required": []string{"type"}, "properties": obj{
					"type":        obj{"type": "string", "enum": []string{"Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}},
					"coordinates": obj{"type": "array", "items": obj{}}}},
				"Feature": obj{"type": "object", "required": []string{"type", "geometry", "properties"}, "properties": obj{
					"type":       obj{"type": "string", "enum": []string{"Feature"}},
					"id":         obj{"oneOf": []any{strSchema, intSchema}},
					"geometry":   ref("schemas/Geometry"),
					"properties": obj{"type": "object", "nullable": true},
					"links":      links}},
				"FeatureCollection": obj{"type": "object", "required": []string{"type", "features"}, "properties": obj{
					"type":           obj{"type": "string", "enum": []string{"FeatureCollection"}},
					"features":       obj{"type": "array", "items": ref("schemas/Feature")},
					"numberMatched":  obj{"type": "integer", "minimum": 0},
					"numberReturned": obj{"type": "integer", "minimum": 0},
					"timeStamp":      obj{"type": "string", "format": "date-time"},
					"links":          links}},
			},
		},
	}
}

func (s *Server) handleOpenAPI(c *gin.Context) {
	c.Data(http.StatusOK, oasType, s.openapi)
}

var docsPage = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Maillage — API</title>
<style>body{font-family:sans-serif;margin:2em;max-width:70em}code{background:#eee;padding:0 3px}li{margin:2px 0}</style></head>
<body><h1>Maillage — API</h1><p>{{.Desc}} Le document machine : <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.0).</p>
{{range .Ops}}<h3><code>{{.Method}} {{.Path}}</code></h3><p>{{.Summary}}</p>{{if .Params}}<ul>{{range .Params}}<li><code>{{.}}</code></li>{{end}}</ul>{{end}}
{{end}}</body></html>
`))

// handleDocs renders the OpenAPI document as a readable page (service-doc).
func (s *Server) handleDocs(c *gin.Context) {
	doc := openAPI()
	paths := doc["paths"].(obj)
	comps := doc["components"].(obj)["parameters"].(obj)
	type opRow struct {
		Method, Path, Summary string
		Params                []string
	}
	var rows []opRow
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, p := range keys {
		for _, m := range []string{"get", "post", "put", "delete"} {
			o, ok := paths[p].(obj)[m].(obj)
			if !ok {
				continue
			}
			r := opRow{Method: strings.ToUpper(m), Path: p, Summary: o["summary"].(string)}
			ps, _ := o["parameters"].([]any)
			for _, x := range ps {
				pm := x.(obj)
				if rf, ok := pm["$ref"].(string); ok {
					pm = comps[strings.TrimPrefix(rf, "#/components/parameters/")].(obj)
				}
				desc, _ := pm["description"].(string)
				sc, _ := json.Marshal(pm["schema"])
				r.Params = append(r.Params, pm["name"].(string)+" ("+pm["in"].(string)+"): "+desc+" "+string(sc))
			}
			rows = append(rows, r)
		}
	}
	var sb strings.Builder
	if err := docsPage.Execute(&sb, map[string]any{"Desc": doc["info"].(obj)["description"], "Ops": rows}); err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(sb.String()))
}
