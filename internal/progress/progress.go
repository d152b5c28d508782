// Package progress shows the progress of long work (reading a national grid,
// writing a territory file) as a bar on a terminal, and stays quiet when the
// output is not a terminal (a log file, a pipe, a test).
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Bar is a progress bar for one task of a known total (items, bytes…). A nil
// *Bar and a disabled bar accept every call and draw nothing. A Bar is safe
// for concurrent use; it redraws at most every 100 ms.
type Bar struct {
	mu      sync.Mutex
	w       io.Writer
	label   string
	total   int64
	done    int64
	start   time.Time
	drawn   time.Time
	enabled bool
}

// New returns a bar for label and total, drawn on w when w is a terminal and
// silent otherwise. A total of 0 or less draws a counter without a bar.
func New(w io.Writer, label string, total int64) *Bar {
	return NewEnabled(w, label, total, IsTerminal(w))
}

// NewEnabled is New with the decision to draw made by the caller.
func NewEnabled(w io.Writer, label string, total int64, enabled bool) *Bar {
	return &Bar{w: w, label: label, total: total, start: time.Now(), enabled: enabled}
}

// Add records n more items done.
func (b *Bar) Add(n int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	b.drawLocked(false)
}

// Set records that n items are done in all.
func (b *Bar) Set(n int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done = n
	b.drawLocked(false)
}

// Done draws the final state and ends the line.
func (b *Bar) Done() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.total > 0 && b.done < b.total {
		b.done = b.total
	}
	b.drawLocked(true)
	if b.enabled {
		fmt.Fprintln(b.w)
	}
	b.enabled = false
}

const width = 30

func (b *Bar) drawLocked(force bool) {
	if !b.enabled {
		return
	}
	now := time.Now()
	if !force && now.Sub(b.drawn) < 100*time.Millisecond {
		return
	}
	b.drawn = now
	el := now.Sub(b.start).Round(100 * time.Millisecond)
	if b.total <= 0 {
		fmt.Fprintf(b.w, "\r%s %d (%v)", b.label, b.done, el)
		return
	}
	f := min(1, float64(b.done)/float64(b.total))
	n := int(f * width)
	fmt.Fprintf(b.w, "\r%s [%s%s] %3.0f%% %d/%d (%v)", b.label, strings.Repeat("#", n), strings.Repeat(".", width-n), 100*f, b.done, b.total, el)
}
