package web

import (
	"bufio"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/maillage/maillage/internal/labels"
)

// APIKeys is the set of keys that writes need, held as SHA-256 digests only:
// the keys themselves are never kept in memory nor logged. The zero value
// (or nil) holds no key. An APIKeys is immutable and safe for concurrent use.
type APIKeys struct {
	digests [][sha256.Size]byte
}

// ParseAPIKeys reads keys one a line from r: either the key itself or
// "sha256:" followed by the 64 hex digits of its SHA-256 digest. Blank lines
// and everything after a "#" are ignored; surrounding spaces are trimmed.
// name names the source in errors, which give the line number but never the
// line's content.
func ParseAPIKeys(r io.Reader, name string) (*APIKeys, error) {
	k := &APIKeys{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		var d [sha256.Size]byte
		if hx, ok := strings.CutPrefix(s, "sha256:"); ok {
			b, err := hex.DecodeString(hx)
			if err != nil || len(b) != sha256.Size {
				return nil, fmt.Errorf("web: %s line %d: a sha256: key needs %d hex digits", name, line, 2*sha256.Size)
			}
			copy(d[:], b)
		} else {
			if strings.ContainsAny(s, " \t") {
				return nil, fmt.Errorf("web: %s line %d: a key holds no space", name, line)
			}
			d = sha256.Sum256([]byte(s))
		}
		k.digests = append(k.digests, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("web: %s: %w", name, err)
	}
	if len(k.digests) == 0 {
		return nil, fmt.Errorf("web: %s: no key (one a line, the key or sha256:HEX)", name)
	}
	return k, nil
}

// ReadAPIKeysFile reads the keys of file path (see ParseAPIKeys).
func ReadAPIKeysFile(path string) (*APIKeys, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("web: API keys: %w", err)
	}
	defer f.Close()
	return ParseAPIKeys(f, path)
}

// Len returns the number of keys.
func (k *APIKeys) Len() int {
	if k == nil {
		return 0
	}
	return len(k.digests)
}

// Check reports whether key is one of the keys. It compares the key's
// SHA-256 digest with every stored digest in constant time and visits all of
// them whatever matches, so the time taken depends neither on which key
// matched nor on how much of a wrong key is right (hashing first also
// removes any relation between a guess's prefix and a digest's).
func (k *APIKeys) Check(key string) bool {
	if k.Len() == 0 {
		return false
	}
	d := sha256.Sum256([]byte(key))
	match := 0
	for i := range k.digests {
		match |= subtle.ConstantTimeCompare(d[:], k.digests[i][:])
	}
	return match == 1
}

// String never shows a digest.
func (k *APIKeys) String() string { return fmt.Sprintf("%d API key(s)", k.Len()) }

// writes returns the route group every write (a route that creates,
// changes or deletes something) must be registered on: with API keys
// configured it answers 401 without an `Authorization: Bearer KEY` header
// and 403 with a key that is not one of them. Without keys writes are open,
// which Open allows only on a loopback address unless
// Config.InsecureOpenWrites is set.
func (s *Server) writes(g *gin.RouterGroup) *gin.RouterGroup {
	return g.Group("", s.requireKey)
}

func (s *Server) requireKey(c *gin.Context) {
	if s.cfg.APIKeys.Len() == 0 {
		c.Next()
		return
	}
	h := c.GetHeader("Authorization")
	scheme, key, _ := strings.Cut(strings.TrimSpace(h), " ")
	key = strings.TrimSpace(key)
	if h == "" || !strings.EqualFold(scheme, "Bearer") || key == "" {
		c.Header("WWW-Authenticate", `Bearer realm="maillage"`)
		s.fail(c, reqErrorf(ErrUnauthorized, "this write needs an API key: send Authorization: Bearer KEY"))
		return
	}
	if !s.cfg.APIKeys.Check(key) {
		s.fail(c, reqErrorf(ErrForbidden, "this API key is not accepted"))
		return
	}
	c.Next()
}

// listenAddr returns the address Open listens on: cfg.Addr, except that
// with open writes (no API key and not InsecureOpenWrites) a host-less
// address binds to 127.0.0.1 and a non-loopback host is refused.
func (s *Server) listenAddr() (string, error) {
	addr := s.cfg.Addr
	if s.cfg.APIKeys.Len() > 0 || s.cfg.InsecureOpenWrites {
		return addr, nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("web: address %q: %w", addr, err)
	}
	switch {
	case host == "":
		return net.JoinHostPort("127.0.0.1", port), nil
	case host == "localhost":
		return addr, nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return addr, nil
	}
	return "", fmt.Errorf("web: address %q: without API keys writes are open to anyone, so the server listens only on loopback; give --api-keys-file (or MAILLAGE_API_KEYS_FILE), or --insecure-open-writes to serve open writes on %s anyway", addr, host)
}

// AccessNote says, for people, how writes are protected, in l; serve
// prints it at start-up.
func (s *Server) AccessNote(l labels.Lang) string {
	switch {
	case s.cfg.APIKeys.Len() == 1:
		return l.Pick("les écritures demandent la clé d'API (Authorization: Bearer CLÉ)",
			"writes need one of 1 API key(s) (Authorization: Bearer KEY)")
	case s.cfg.APIKeys.Len() > 1:
		return fmt.Sprintf(l.Pick("les écritures demandent l'une des %d clés d'API (Authorization: Bearer CLÉ)",
			"writes need one of %d API key(s) (Authorization: Bearer KEY)"), s.cfg.APIKeys.Len())
	case s.cfg.InsecureOpenWrites:
		return l.Pick("ATTENTION : aucune clé d'API et --insecure-open-writes : quiconque atteint ce serveur peut créer, modifier et supprimer des scénarios",
			"WARNING: no API key and --insecure-open-writes: anyone who reaches this server can create, change and delete scenarios")
	}
	return l.Pick("aucune clé d'API : les écritures sont ouvertes, donc le serveur n'écoute que sur la boucle locale (donnez --api-keys-file pour servir un réseau)",
		"no API key configured: writes are open, so the server listens on loopback only (give --api-keys-file to serve a network)")
}
