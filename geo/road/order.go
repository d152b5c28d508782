package road

func permute[T any](xs []T, order []int32) []T {
	out := make([]T, len(xs))
	for i, c := range order {
		out[i] = xs[c]
	}
	return out
}

// hilbertOrder returns the node indices sorted along a Hilbert curve over
// the bounding box of the coordinates (16 bits per axis).
func hilbertOrder(lat, lon []int32) []int32 {
	n := len(lat)
	if n == 0 {
		return nil
	}
	minLat, maxLat, minLon, maxLon := lat[0], lat[0], lon[0], lon[0]
	for i := range n {
		minLat, maxLat = min(minLat, lat[i]), max(maxLat, lat[i])
		minLon, maxLon = min(minLon, lon[i]), max(maxLon, lon[i])
	}
	spanLat := float64(maxLat-minLat) + 1
	spanLon := float64(maxLon-minLon) + 1
	type kv struct {
		k uint64
		i int32
	}
	kvs := make([]kv, n)
	for i := range n {
		x := uint32(float64(lon[i]-minLon) / spanLon * 65536)
		y := uint32(float64(lat[i]-minLat) / spanLat * 65536)
		kvs[i] = kv{hilbert(x, y), int32(i)}
	}
	// LSD radix sort on the 32-bit keys, 11 bits a pass: stable, so ties
	// keep the input order.
	tmp := make([]kv, n)
	for shift := uint(0); shift < 33; shift += 11 {
		var count [1 << 11]int
		for _, e := range kvs {
			count[(e.k>>shift)&(1<<11-1)]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, e := range kvs {
			d := (e.k >> shift) & (1<<11 - 1)
			tmp[count[d]] = e
			count[d]++
		}
		kvs, tmp = tmp, kvs
	}
	out := make([]int32, n)
	for i, e := range kvs {
		out[i] = e.i
	}
	return out
}

// hilbert returns the position of (x, y), 16-bit coordinates, along the
// Hilbert curve of order 16.
func hilbert(x, y uint32) uint64 {
	const n = 1 << 16
	var d uint64
	for s := uint32(n / 2); s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				x, y = n-1-x, n-1-y
			}
			x, y = y, x
		}
	}
	return d
}
