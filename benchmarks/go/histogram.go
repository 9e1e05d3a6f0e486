package main

import (
	"math/bits"
	"sync/atomic"
)

// histogram is a lock-free log-linear latency histogram in nanoseconds: exact below 256 ns, then 128
// sub-buckets per power of two (under 1 % error), like HdrHistogram with two significant digits.
type histogram struct {
	counts [256 + 40*128]uint64
}

func bucketOf(v int64) int {
	if v < 256 {
		if v < 0 {
			return 0
		}
		return int(v)
	}
	e := bits.Len64(uint64(v)) - 8 // shift that leaves the top 8 bits
	m := int(uint64(v) >> uint(e)) // in [128, 256)
	i := 256 + (e-1)*128 + (m - 128)
	if i >= len(histogram{}.counts) {
		i = len(histogram{}.counts) - 1
	}
	return i
}

// highestOf is the largest value that falls in bucket i.
func highestOf(i int) int64 {
	if i < 256 {
		return int64(i)
	}
	e := (i-256)/128 + 1
	m := int64((i-256)%128 + 128)
	return ((m + 1) << uint(e)) - 1
}

func (h *histogram) record(v int64) {
	atomic.AddUint64(&h.counts[bucketOf(v)], 1)
}

// percentile is the value at or under which p percent of the recorded values fall.
func (h *histogram) percentile(p float64) int64 {
	var total uint64
	for i := range h.counts {
		total += atomic.LoadUint64(&h.counts[i])
	}
	if total == 0 {
		return 0
	}
	want := uint64(float64(total)*p/100 + 0.5)
	if want < 1 {
		want = 1
	}
	var seen uint64
	for i := range h.counts {
		seen += atomic.LoadUint64(&h.counts[i])
		if seen >= want {
			return highestOf(i)
		}
	}
	return highestOf(len(h.counts) - 1)
}
