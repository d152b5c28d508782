package planner

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"runtime/debug"
	"sync"
)

// Answers of the base territory (gap zones, accessibility, coverage
// reports) are the same for every request until the territory or the
// profiles change, which they do only when the program restarts: the planner
// keeps each one, encoded, the first time it is asked for, within a memory
// budget (least recently used answers go first), and gives it a strong ETag.

// Answer is one encoded answer and its entity tag.
type Answer struct {
	Body []byte
	// ETag is a strong entity tag (quoted) derived from the territory's
	// digest, the profiles, the program's build, the answer's key and its
	// bytes: the same tag always means the same bytes. (The bytes are
	// hashed too because some answers are not bit-identical from one run
	// to the next: per-commune 2SFCA sums can differ in their last digit.)
	ETag string
}

// DefaultMemoBytes is the memory budget of the answers kept when
// Config.MemoBytes is 0.
const DefaultMemoBytes = 256 << 20

// memo keeps answers by key within a byte budget, computing each once even
// when asked for concurrently. Errors are not kept.
type memo struct {
	max int64

	mu      sync.Mutex
	size    int64
	entries map[string]*memoEntry
	lru     list.List // of *memoEntry, most recently used first
}

type memoEntry struct {
	key  string
	done chan struct{}
	ans  *Answer
	err  error
	elem *list.Element // nil until kept
}

func newMemo(max int64) *memo {
	if max <= 0 {
		max = DefaultMemoBytes
	}
	return &memo{max: max, entries: map[string]*memoEntry{}}
}

// get returns the answer of key, computing it with compute unless it is
// kept or being computed (then it waits for that computation). An answer
// over an eighth of the budget is returned but not kept.
func (m *memo) get(key string, compute func() (*Answer, error)) (*Answer, error) {
	m.mu.Lock()
	if e := m.entries[key]; e != nil {
		if e.elem != nil {
			m.lru.MoveToFront(e.elem)
		}
		m.mu.Unlock()
		<-e.done
		return e.ans, e.err
	}
	e := &memoEntry{key: key, done: make(chan struct{})}
	m.entries[key] = e
	m.mu.Unlock()

	e.ans, e.err = compute()

	m.mu.Lock()
	if e.err != nil || int64(len(e.ans.Body)) > m.max/8 {
		delete(m.entries, key)
	} else {
		e.elem = m.lru.PushFront(e)
		m.size += int64(len(e.ans.Body))
		for m.size > m.max {
			old := m.lru.Remove(m.lru.Back()).(*memoEntry)
			delete(m.entries, old.key)
			m.size -= int64(len(old.ans.Body))
		}
	}
	m.mu.Unlock()
	close(e.done)
	return e.ans, e.err
}

// stats returns the number of answers kept and their bytes.
func (m *memo) stats() (int, int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lru.Len(), m.size
}

// Answer returns the answer named by key (a canonical form of the request:
// what is asked and every parameter that changes the bytes), written by
// write the first time and kept (see memo). Only answers about the base
// territory may be memoised: nothing a request stores may change them.
func (p *Planner) Answer(key string, write func(io.Writer) error) (*Answer, error) {
	return p.answers.get(key, func() (*Answer, error) {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			return nil, err
		}
		return &Answer{Body: buf.Bytes(), ETag: p.etag(key, buf.Bytes())}, nil
	})
}

// AnswersKept returns the number of answers kept and their size in bytes.
func (p *Planner) AnswersKept() (int, int64) { return p.answers.stats() }

// etag derives the strong ETag of the answer key whose bytes are body.
func (p *Planner) etag(key string, body []byte) string {
	p.etagOnce.Do(func() {
		h := sha256.New()
		io.WriteString(h, p.Digest())
		prof, _ := json.Marshal(p.profiles) // plain values: cannot fail
		h.Write(prof)
		frag, _ := json.Marshal(p.frag)
		h.Write(frag)
		if bi, ok := debug.ReadBuildInfo(); ok {
			io.WriteString(h, bi.Main.Version)
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
					io.WriteString(h, s.Value)
				}
			}
		}
		p.etagBase = h.Sum(nil)
	})
	h := sha256.New()
	h.Write(p.etagBase)
	io.WriteString(h, key)
	h.Write([]byte{0})
	h.Write(body)
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}
