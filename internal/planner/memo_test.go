package planner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/maillage/maillage/data/demo"
)

// TestAnswerMemo: an answer is computed once however many ask for it at the
// same time, is the bytes the writer gives, has a strong ETag that depends
// on the key only; errors are not kept; the budget evicts the least
// recently used answers and never keeps one over an eighth of it.
func TestAnswerMemo(t *testing.T) {
	terr, _, err := demo.Territory(demo.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(terr, Config{})
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	var want bytes.Buffer
	if err := p.WriteGaps(&want, "seniors-20min-walk", "geojson", 0); err != nil {
		t.Fatal(err)
	}
	write := func(w io.Writer) error {
		calls.Add(1)
		return p.WriteGaps(w, "seniors-20min-walk", "geojson", 0)
	}
	var wg sync.WaitGroup
	got := make([]*Answer, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := p.Answer("gaps?profile=seniors-20min-walk", write)
			if err != nil {
				t.Error(err)
			}
			got[i] = a
		}()
	}
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("computed %d times for 16 concurrent requests", calls.Load())
	}
	for _, a := range got {
		if a != got[0] || !bytes.Equal(a.Body, want.Bytes()) || len(a.ETag) != 34 || a.ETag[0] != '"' {
			t.Fatalf("answer %q (%d bytes), want the gaps (%d bytes) with a strong ETag", a.ETag, len(a.Body), want.Len())
		}
	}
	other, err2 := p.Answer("gaps?profile=other", func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err })
	if err2 != nil || other.ETag == got[0].ETag || p.etag("gaps?profile=seniors-20min-walk", want.Bytes()) != got[0].ETag ||
		p.etag("gaps?profile=seniors-20min-walk", []byte("other bytes")) == got[0].ETag {
		t.Fatalf("ETags: %q %q (%v)", other.ETag, got[0].ETag, err2)
	}
	n, size := p.AnswersKept()
	if n != 2 || size != int64(want.Len()+1) {
		t.Fatalf("kept %d answers, %d bytes; want 2, %d", n, size, want.Len()+1)
	}

	boom := errors.New("boom")
	fails := 0
	for range 2 {
		if _, err := p.Answer("fails", func(io.Writer) error { fails++; return boom }); !errors.Is(err, boom) {
			t.Fatal(err)
		}
	}
	if fails != 2 {
		t.Fatalf("an error was kept: computed %d times", fails)
	}

	m := newMemo(800)
	put := func(key string, size int) {
		if _, err := m.get(key, func() (*Answer, error) { return &Answer{Body: []byte(strings.Repeat("x", size))}, nil }); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 9 {
		put(fmt.Sprint(i), 100) // 900 bytes: the oldest goes
	}
	put("1", 100) // used again: now the most recent
	put("big", 101)
	if n, size := m.stats(); n != 8 || size != 800 || m.entries["0"] != nil || m.entries["big"] != nil || m.entries["1"] == nil {
		t.Fatalf("after eviction: %d answers, %d bytes, keys %v", n, size, m.entries)
	}
	put("9b", 100)
	if m.entries["2"] != nil || m.entries["1"] == nil {
		t.Fatal("least recently used answer not evicted first")
	}
}
