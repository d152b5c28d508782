package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/propose"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/coverage/scenario/sqlite"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/geo"
	"github.com/maillage/maillage/geo/road"
	"github.com/maillage/maillage/geo/travel"
	"github.com/maillage/maillage/internal/errtext"
	"github.com/maillage/maillage/internal/gpkg"
	"github.com/maillage/maillage/internal/labels"
	"github.com/maillage/maillage/internal/layer"
	"github.com/maillage/maillage/internal/planner"
)

// Errors that requests can run into; handlers wrap them with details.
var (
	// ErrInvalid: the request is malformed (a bad bbox, a bad parameter).
	ErrInvalid = errors.New("web: invalid request")
	// ErrNotFound: no such endpoint or object.
	ErrNotFound = errors.New("web: not found")
	// ErrTooLarge: the request or the answer is larger than the server allows.
	ErrTooLarge = errors.New("web: too large")
	// ErrUnprocessable: the request is well formed but this territory cannot
	// answer it (no road network, a point off the network).
	ErrUnprocessable = errors.New("web: cannot answer on this territory")
	// ErrUnavailable: the endpoint needs something the server was started
	// without (the scenario store).
	ErrUnavailable = errors.New("web: unavailable")
	// ErrUnauthorized: a write without an API key (when keys are configured).
	ErrUnauthorized = errors.New("web: API key needed")
	// ErrForbidden: a write with a key that is not accepted.
	ErrForbidden = errors.New("web: API key refused")
	// ErrUnsupportedMedia: a write whose body is not JSON.
	ErrUnsupportedMedia = errors.New("web: unsupported media type")
	// ErrMethod: a known path asked with a method it does not serve.
	ErrMethod = errors.New("web: method not allowed")
	// ErrTooManyRequests: the client is over its rate limit.
	ErrTooManyRequests = errors.New("web: too many requests")
	// ErrBusy: the server is computing as much as it allows at once, or
	// the computation ran past its deadline.
	ErrBusy = errors.New("web: busy")
	// ErrClientGone: the client closed the connection before the answer
	// (logged as 499, as nginx does; nobody reads the answer).
	ErrClientGone = errors.New("web: client went away")
)

// sentinel is one row of the error table: an error kind, its name as the
// source spells it (TestErrorTableCoversSentinels checks every exported
// Err… of the packages the server runs is listed) and its HTTP status.
type sentinel struct {
	name   string
	err    error
	status int
}

// errorTable is the one table mapping error kinds (this package's and the
// sentinels of every package the server runs) to HTTP statuses. The first
// row whose error errors.Is matches wins, so order matters:
// scenario.ErrTooLarge also matches scenario.ErrInvalid. Rows at 500 are
// kinds a request cannot cause (bad input files, a corrupt store, internal
// signals): the user sees "internal error" and the log has the real one.
var errorTable = []sentinel{
	{"web.ErrTooLarge", ErrTooLarge, http.StatusRequestEntityTooLarge},
	{"scenario.ErrTooLarge", scenario.ErrTooLarge, http.StatusRequestEntityTooLarge},

	{"web.ErrInvalid", ErrInvalid, http.StatusBadRequest},
	{"scenario.ErrInvalid", scenario.ErrInvalid, http.StatusBadRequest},
	{"coverage.ErrUnknownProfile", coverage.ErrUnknownProfile, http.StatusBadRequest},
	{"coverage.ErrBadProfile", coverage.ErrBadProfile, http.StatusBadRequest},
	{"planner.ErrUnknownCommune", planner.ErrUnknownCommune, http.StatusBadRequest},
	{"coverage.ErrLevel", coverage.ErrLevel, http.StatusBadRequest},
	{"data.ErrCandidates", data.ErrCandidates, http.StatusBadRequest},
	{"data.ErrHoursEmpty", data.ErrHoursEmpty, http.StatusBadRequest},
	{"data.ErrHoursSyntax", data.ErrHoursSyntax, http.StatusBadRequest},
	{"data.ErrHoursUnsupported", data.ErrHoursUnsupported, http.StatusBadRequest},
	{"propose.ErrCoverInstance", propose.ErrCoverInstance, http.StatusBadRequest},
	{"travel.ErrUnknownMode", travel.ErrUnknownMode, http.StatusBadRequest},
	{"planner.ErrBadEngine", planner.ErrBadEngine, http.StatusBadRequest},
	{"planner.ErrFormat", planner.ErrFormat, http.StatusBadRequest},
	{"planner.ErrInvalid", planner.ErrInvalid, http.StatusBadRequest},
	{"layer.ErrInvalid", layer.ErrInvalid, http.StatusBadRequest},
	{"labels.ErrLang", labels.ErrLang, http.StatusBadRequest},
	{"geo.ErrInvalidCell", geo.ErrInvalidCell, http.StatusBadRequest},

	{"web.ErrNotFound", ErrNotFound, http.StatusNotFound},
	{"scenario.ErrNotFound", scenario.ErrNotFound, http.StatusNotFound},
	{"planner.ErrUnknownLayer", planner.ErrUnknownLayer, http.StatusNotFound},

	{"scenario.ErrConflict", scenario.ErrConflict, http.StatusConflict},
	// 409, not 507: the store's caps are a quota the client resolves by
	// deleting scenarios, not a server fault (507 would count among the 5xx
	// of error rates and alerts); the message says what to do.
	{"scenario.ErrStoreFull", scenario.ErrStoreFull, http.StatusConflict},

	{"web.ErrUnprocessable", ErrUnprocessable, http.StatusUnprocessableEntity},
	{"travel.ErrOffNetwork", travel.ErrOffNetwork, http.StatusUnprocessableEntity},
	{"coverage.ErrNoRoads", coverage.ErrNoRoads, http.StatusUnprocessableEntity},
	{"road.ErrNoOverlap", road.ErrNoOverlap, http.StatusUnprocessableEntity},
	{"road.ErrUnknownNetwork", road.ErrUnknownNetwork, http.StatusUnprocessableEntity},

	{"web.ErrUnavailable", ErrUnavailable, http.StatusServiceUnavailable},
	{"web.ErrBusy", ErrBusy, http.StatusServiceUnavailable},
	{"planner.ErrNoStore", planner.ErrNoStore, http.StatusServiceUnavailable},
	{"web.ErrUnauthorized", ErrUnauthorized, http.StatusUnauthorized},
	{"web.ErrForbidden", ErrForbidden, http.StatusForbidden},
	{"web.ErrUnsupportedMedia", ErrUnsupportedMedia, http.StatusUnsupportedMediaType},
	{"web.ErrMethod", ErrMethod, http.StatusMethodNotAllowed},
	{"web.ErrTooManyRequests", ErrTooManyRequests, http.StatusTooManyRequests},
	{"web.ErrClientGone", ErrClientGone, statusClientGone},

	// Internal: state the request cannot reach, or files read at start-up.
	{"coverage.ErrUnknownPlace", coverage.ErrUnknownPlace, http.StatusInternalServerError},
	{"coverage.ErrDuplicatePlace", coverage.ErrDuplicatePlace, http.StatusInternalServerError},
	{"coverage.ErrNoID", coverage.ErrNoID, http.StatusInternalServerError},
	{"layer.ErrStop", layer.ErrStop, http.StatusInternalServerError},
	{"gpkg.ErrGeometry", gpkg.ErrGeometry, http.StatusInternalServerError},
	{"sqlite.ErrSchemaTooNew", sqlite.ErrSchemaTooNew, http.StatusInternalServerError},
	{"sqlite.ErrCorrupt", sqlite.ErrCorrupt, http.StatusInternalServerError},
	{"sqlite.ErrNotStore", sqlite.ErrNotStore, http.StatusInternalServerError}, // --db at start-up
	{"geo.ErrResolution", geo.ErrResolution, http.StatusInternalServerError},
	{"geo.ErrSquare", geo.ErrSquare, http.StatusInternalServerError},
	{"road.ErrNoRoads", road.ErrNoRoads, http.StatusInternalServerError},
	{"road.ErrTooLarge", road.ErrTooLarge, http.StatusInternalServerError},
	{"road.ErrCorrupt", road.ErrCorrupt, http.StatusInternalServerError},
	{"road.ErrBadPBF", road.ErrBadPBF, http.StatusInternalServerError},
	{"data.ErrBadBoundaries", data.ErrBadBoundaries, http.StatusInternalServerError},
	{"data.ErrRoadsNoOverlap", data.ErrRoadsNoOverlap, http.StatusInternalServerError},
	{"data.ErrGridOverlap", data.ErrGridOverlap, http.StatusInternalServerError},
	{"data.ErrNoReader", data.ErrNoReader, http.StatusInternalServerError},
	{"data.ErrBadEPCI", data.ErrBadEPCI, http.StatusInternalServerError},
	{"data.ErrGridFormat", data.ErrGridFormat, http.StatusInternalServerError},
	{"data.ErrSquareID", data.ErrSquareID, http.StatusInternalServerError},
	{"data.ErrFragility", data.ErrFragility, http.StatusInternalServerError},
	{"data.ErrNotTerritory", data.ErrNotTerritory, http.StatusInternalServerError},
	{"data.ErrTerritoryVersion", data.ErrTerritoryVersion, http.StatusInternalServerError},
	{"data.ErrCorruptTerritory", data.ErrCorruptTerritory, http.StatusInternalServerError},
	{"data.ErrVenueFormat", data.ErrVenueFormat, http.StatusInternalServerError},
	{"data.ErrVenueEncoding", data.ErrVenueEncoding, http.StatusInternalServerError},
	{"data.ErrVenueBinary", data.ErrVenueBinary, http.StatusInternalServerError},
	{"data.ErrVenueEmpty", data.ErrVenueEmpty, http.StatusInternalServerError},
}

// statusOf returns the HTTP status of err: the first matching row of
// errorTable (a request body over its cap is 413), else 500.
func statusOf(err error) int {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return http.StatusRequestEntityTooLarge
	}
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			return row.status
		}
	}
	return http.StatusInternalServerError
}

// statusClientGone is the status logged for a request whose client left.
const statusClientGone = 499

// errorBody is the JSON of every error answer. Problems lists, for an
// invalid scenario, each problem with its change index, field and reason.
type errorBody struct {
	Error    string             `json:"error"`
	Problems []scenario.Problem `json:"problems,omitempty"`
}

// fail answers with err as JSON {"error": "…"} (plus "problems" for an
// invalid scenario). Internal errors are logged and the client sees a plain
// message.
func (s *Server) fail(c *gin.Context, err error) {
	status, body := s.errorAnswer(c, err)
	c.AbortWithStatusJSON(status, body)
}

// errorAnswer is the status and body of err's answer (what fail sends, and
// a streamed answer's error line): the problems of a scenario, the limit
// of a body too large, Retry-After on a 429 or 503, and an internal error
// logged and shown as "internal error". The texts are in the request's
// error language (errorLang): English, err's own text, unless the client
// asks for French; the problems' fields are JSON paths and stay as they
// are, their reasons are translated.
func (s *Server) errorAnswer(c *gin.Context, err error) (int, errorBody) {
	status := statusOf(err)
	lang := errorLang(c)
	c.Writer.Header().Add("Vary", "Accept-Language")
	body := errorBody{Error: errtext.Text(err, lang)}
	var ve *scenario.ValidationError
	if errors.As(err, &ve) {
		body.Problems = errtext.Problems(ve.Problems, lang)
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		body.Error = labels.Msg("request body larger than the limit of %d bytes", mb.Limit).In(lang)
	}
	if (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable && !errors.Is(err, ErrUnavailable)) &&
		c.Writer.Header().Get("Retry-After") == "" {
		c.Header("Retry-After", strconv.Itoa(retryBusy))
	}
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", "path", c.Request.URL.Path, "err", err)
		body = errorBody{Error: labels.Msg("internal error").In(lang)}
	}
	return status, body
}

// errorLang is the language of c's error answers: ?lang= when it names one
// (fr or en), else the first of fr and en that the Accept-Language header
// prefers, else English (scripts and GIS clients send no header, and keep
// the errors' own English text).
func errorLang(c *gin.Context) labels.Lang {
	if q := c.Query("lang"); q != "" {
		if l, err := labels.ParseLang(q); err == nil {
			return l
		}
	}
	return acceptLang(c.GetHeader("Accept-Language"))
}

// acceptLang negotiates French or English from an Accept-Language header
// (RFC 9110 §12.5.4): the language whose tags (fr, fr-FR…; en, en-GB…) have
// the highest q-value, the earlier one on a tie; q=0 refuses a language; a
// wildcard or any other language counts for neither. English when the
// header names neither.
func acceptLang(h string) labels.Lang {
	best, bestQ := labels.EN, 0.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(part, ";")
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		var l labels.Lang
		switch primary {
		case "fr":
			l = labels.FR
		case "en":
			l = labels.EN
		default:
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0 // a malformed weight: not a preference
				}
				q = f
			}
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// reqError is an error whose message is meant for the client as it is, of
// one of the kinds above: a catalogue message (English, its key in
// internal/labels/messages_fr.go), said in French when the client asks
// (errtext.Texter). Its arguments may be errors or messages themselves,
// rendered in the same language.
type reqError struct {
	kind error
	msg  labels.Message
}

// reqErrorf returns a reqError of kind with the message of format and args.
func reqErrorf(kind error, format string, args ...any) *reqError {
	return &reqError{kind: kind, msg: labels.Msg(format, args...)}
}

func (e *reqError) Error() string { return e.msg.String() }
func (e *reqError) Unwrap() error { return e.kind }

// TextIn says e in l (errtext.Texter).
func (e *reqError) TextIn(l labels.Lang, text func(error) string) string {
	return sayIn(e.msg, l, text)
}

// sayIn renders m in l, its arguments that are errors or messages too.
func sayIn(m labels.Message, l labels.Lang, text func(error) string) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		switch a := a.(type) {
		case labels.Message:
			args[i] = sayIn(a, l, text)
		case error:
			args[i] = text(a)
		default:
			args[i] = a
		}
	}
	return labels.Msg(m.Format, args...).In(l)
}
