package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/maillage/maillage/coverage"
	"github.com/maillage/maillage/coverage/propose"
	"github.com/maillage/maillage/coverage/scenario"
	"github.com/maillage/maillage/data"
	"github.com/maillage/maillage/geo/travel"
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

// statusOf is the one table mapping error kinds (this package's and the
// core's sentinels) to HTTP statuses; anything else is an internal error.
// Order matters: scenario.ErrTooLarge also matches scenario.ErrInvalid.
func statusOf(err error) int {
	var mb *http.MaxBytesError
	switch {
	case errors.Is(err, ErrTooLarge), errors.Is(err, scenario.ErrTooLarge), errors.As(err, &mb):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrInvalid), errors.Is(err, scenario.ErrInvalid),
		errors.Is(err, planner.ErrUnknownProfile), errors.Is(err, coverage.ErrUnknownProfile),
		errors.Is(err, coverage.ErrBadProfile), errors.Is(err, coverage.ErrLevel), errors.Is(err, data.ErrCandidates),
		errors.Is(err, propose.ErrCoverInstance), errors.Is(err, travel.ErrUnknownMode),
		errors.Is(err, planner.ErrBadEngine):
		return http.StatusBadRequest
	case errors.Is(err, ErrNotFound), errors.Is(err, scenario.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, scenario.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, ErrUnprocessable), errors.Is(err, travel.ErrOffNetwork), errors.Is(err, coverage.ErrNoRoads):
		return http.StatusUnprocessableEntity
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable
	case errors.Is(err, ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ErrUnsupportedMedia):
		return http.StatusUnsupportedMediaType
	case errors.Is(err, ErrMethod):
		return http.StatusMethodNotAllowed
	case errors.Is(err, ErrTooManyRequests):
		return http.StatusTooManyRequests
	case errors.Is(err, ErrBusy):
		return http.StatusServiceUnavailable
	case errors.Is(err, ErrClientGone):
		return statusClientGone
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
	status := statusOf(err)
	body := errorBody{Error: err.Error()}
	var ve *scenario.ValidationError
	if errors.As(err, &ve) {
		body.Problems = ve.Problems
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		body.Error = fmt.Sprintf("request body larger than the limit of %d bytes", mb.Limit)
	}
	if (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable && !errors.Is(err, ErrUnavailable)) &&
		c.Writer.Header().Get("Retry-After") == "" {
		c.Header("Retry-After", strconv.Itoa(retryBusy))
	}
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", "path", c.Request.URL.Path, "err", err)
		body = errorBody{Error: "internal error"}
	}
	c.AbortWithStatusJSON(status, body)
}

// reqError is an error whose message is meant for the client as it is, of
// one of the kinds above.
type reqError struct {
	kind error
	msg  string
}

func (e *reqError) Error() string { return e.msg }
func (e *reqError) Unwrap() error { return e.kind }
