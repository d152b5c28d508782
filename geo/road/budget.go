package road

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Memory model of ReadPBF, from measured peaks (BenchmarkPortoPeakRSS,
// BenchmarkSynthetic20M; see the package documentation). The peak grows
// with the road nodes, not with the file: a build holds about 90 bytes per
// reference of a routable way to a node at its peak, and nothing per node
// of anything else.
const (
	// estimateBase is the resident memory of a build before any data, bytes.
	estimateBase = 48 << 20
	// estimatePerByte is the peak per byte of PBF of a full extract
	// (geofabrik-like, with metadata: 7-9 bytes a node, a quarter to a
	// third of the nodes on roads): about 3 measured, 4 with a margin.
	estimatePerByte = 4
	// estimatePerRef is the peak per node reference of the routable ways:
	// 66 bytes measured on the synthetic département, about 75 on Porto.
	estimatePerRef = 100
)

// EstimateMemory returns the estimated peak memory, in bytes, of ReadPBF on
// a PBF file of size bytes, before reading it: the figure of a full extract.
// An extract much richer in roads than that (one of roads only, or a
// synthetic one without metadata) is checked again after its ways are read
// (EstimateMemoryRefs), before its nodes are.
func EstimateMemory(size int64) int64 {
	return estimateBase + estimatePerByte*size
}

// EstimateMemoryRefs returns the estimated peak memory, in bytes, of a build
// whose routable ways hold refs node references: ReadPBF's second check,
// after its first pass (which holds 8 bytes a reference).
func EstimateMemoryRefs(refs int) int64 {
	return estimateBase + estimatePerRef*int64(refs)
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
