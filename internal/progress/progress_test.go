package progress

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestBar(t *testing.T) {
	t.Run("quiet when not a terminal", func(t *testing.T) {
		f, err := os.Create(filepath.Join(t.TempDir(), "log"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if IsTerminal(f) {
			t.Fatal("a regular file is not a terminal")
		}
		b := New(f, "grid", 10)
		b.Add(5)
		b.Done()
		if st, _ := f.Stat(); st.Size() != 0 {
			t.Fatalf("wrote %d bytes to a file", st.Size())
		}
		var sb strings.Builder
		if IsTerminal(&sb) {
			t.Fatal("a strings.Builder is not a terminal")
		}
	})
	t.Run("nil bar", func(t *testing.T) {
		var b *Bar
		b.Add(1)
		b.Set(2)
		b.Done()
	})
	t.Run("drawn when enabled", func(t *testing.T) {
		var sb strings.Builder
		b := NewEnabled(&sb, "grid", 100, true)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 25 {
					b.Add(1)
				}
			})
		}
		wg.Wait()
		if b.done != 100 {
			t.Fatalf("done %d after 100 concurrent Adds", b.done)
		}
		b.Done()
		out := sb.String()
		// The first Add draws 1 %, Done draws 100 %.
		if !strings.HasPrefix(out, "\rgrid [") || !strings.Contains(out, "   1% 1/100") ||
			!strings.Contains(out, "\rgrid [##############################] 100% 100/100 (") || !strings.HasSuffix(out, ")\n") {
			t.Fatalf("output %q", out)
		}
	})
	t.Run("counter without total", func(t *testing.T) {
		var sb strings.Builder
		b := NewEnabled(&sb, "rows", 0, true)
		b.Set(42)
		b.Done()
		if !strings.Contains(sb.String(), "rows 42") {
			t.Fatalf("output %q", sb.String())
		}
	})
}
