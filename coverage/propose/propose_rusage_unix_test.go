//go:build unix

package propose

import (
	"syscall"
	"time"
)

// propCPUTime returns the process's user+system CPU time, so benchmarks can
// report CPU per operation, which the load of a shared machine inflates far
// less than wall time.
func propCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
