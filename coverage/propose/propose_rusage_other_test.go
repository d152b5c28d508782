//go:build !unix

package propose

import "time"

// propCPUTime is unavailable here: benchmarks report 0 CPU time.
func propCPUTime() time.Duration { return 0 }
