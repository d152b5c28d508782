package road

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Memory model of ReadPBF, from measured peaks (see EstimateMemory).
const (
	// estimateBase is the resident memory of a build before any data, bytes.
	estimateBase = 48 << 20
	// estimatePerByte is the peak resident memory per byte of PBF, in the
	// worst case: an extract of roads only (every node is a road node),
	// such as Porto's.
	estimatePerByte = 12
)

// EstimateMemory returns an upper estimate, in bytes, of the peak memory
// ReadPBF needs for a PBF file of size bytes. It assumes the worst case of
// an extract holding roads only; a full extract (where buildings and other
// unrouted objects make up most nodes) needs less than this.
func EstimateMemory(size int64) int64 {
	return estimateBase + estimatePerByte*size
}

// MachineMemory returns the machine's total memory in bytes, read from
// /proc/meminfo (MemTotal), or an error where that file is not available.
func MachineMemory() (int64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, fmt.Errorf("road: machine memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != "MemTotal" {
			continue
		}
		fs := strings.Fields(v)
		if len(fs) != 2 || fs[1] != "kB" {
			break
		}
		kb, err := strconv.ParseInt(fs[0], 10, 64)
		if err != nil {
			break
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("road: machine memory: no MemTotal in /proc/meminfo")
}

// DefaultMaxMemory returns the default memory budget of a build: the
// machine's memory less a margin of an eighth (at least 1 GiB) for the
// system and the rest of the ingest; 0 (no limit) when the machine's memory
// cannot be read.
func DefaultMaxMemory() int64 {
	m, err := MachineMemory()
	if err != nil {
		return 0
	}
	return m - max(m/8, 1<<30)
}
