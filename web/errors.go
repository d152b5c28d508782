package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/maillage/maillage/geo/travel"
)

// Errors that requests can run into; handlers wrap them with details.
var (
	// ErrInvalid: the request is malformed (a bad bbox, a bad parameter).
	ErrInvalid = errors.New("web: invalid request")
	// ErrNotFound: no such endpoint or object.
	ErrNotFound = errors.New("web: not found")
	// ErrTooLarge: the answer would be larger than the server allows.
	ErrTooLarge = errors.New("web: answer too large")
)

// statusOf is the one table mapping error kinds to HTTP statuses; anything
// else is an internal error.
func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, travel.ErrOffNetwork):
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// fail answers with err as JSON {"error": "…"}. Internal errors are logged
// and the client sees a plain message.
func (s *Server) fail(c *gin.Context, err error) {
	status := statusOf(err)
	msg := err.Error()
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", "path", c.Request.URL.Path, "err", err)
		msg = "internal error"
	}
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
}

// reqError is an error whose message is meant for the client as it is, of
// one of the kinds above.
type reqError struct {
	kind error
	msg  string
}

func (e *reqError) Error() string { return e.msg }
func (e *reqError) Unwrap() error { return e.kind }
