package web

import (
	"context"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/maillage/maillage/internal/labels"
)

// memoized answers with the planner's memoised answer of this request (see
// planner.Answer), keyed by the route and its canonical query (parameters
// sorted by name, repeated values in order), computed by write in the pool
// of expensive work the first time: the answer carries its strong ETag, and
// a request whose If-None-Match holds that tag gets 304 without a body.
// Use it only for answers about the base territory (nothing a request
// stores changes them).
func (s *Server) memoized(c *gin.Context, contentType string, write func(io.Writer) error) {
	key := c.FullPath() + "?" + c.Request.URL.Query().Encode()
	s.memoizedAs(c, key, contentType, func(w io.Writer) error {
		return s.expensive(c, labels.Msg("computing %s", c.FullPath()), func(context.Context) error { return write(w) })
	})
}

// memoizedAs is memoized with the caller's key and without the pool: for
// answers whose key names everything they depend on (a stored scenario's
// evaluation is keyed by the scenario's whole content).
func (s *Server) memoizedAs(c *gin.Context, key, contentType string, write func(io.Writer) error) {
	a, err := s.p.Answer(key, write)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("ETag", a.ETag)
	c.Header("Cache-Control", "no-cache") // may be kept, but ask again (cheap with If-None-Match)
	if etagMatch(c.GetHeader("If-None-Match"), a.ETag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, contentType, a.Body)
}

// etagMatch reports whether an If-None-Match header value matches etag
// (weak comparison, as RFC 9110 asks for If-None-Match; "*" matches).
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
