package main

import (
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// idle measures the memory Go's net/http holds per idle pooled keep-alive connection, as IdleMemory.java
// does for the JVM clients: a few requests first, then a reading after collection; then w.concurrency
// requests at once to a path the server answers slowly (each needs its own connection), and when all
// ended and their connections sit idle, the same reading again. "Heap" is HeapAlloc; the "direct"
// column holds goroutine stacks (StackInuse): Go keeps a read and a write goroutine per connection.
func idle(client *http.Client, w workload, url, name, server string) int {
	t0 := time.Now()
	warmErrs := batch(client, w, url, 16)
	before := memReading()
	t1 := time.Now()
	errs := batch(client, w, url, w.concurrency) // 16 take the warm-up's idle connections, the others open new ones
	open := time.Since(t1).Seconds()
	time.Sleep(time.Second) // a connection returns to the pool just after its body's end is read
	after := memReading()
	conns := after.sockets - before.sockets
	per := float64(conns)
	if per < 1 {
		per = 1
	}
	fmt.Printf("RESULT client=go version=net/http_%s workload=%s server=%s window=1 seconds=%.3f requests=%d errors=%d"+
		" open_seconds=%.3f connections=%d heap_kib_per_conn=%.3f direct_kib_per_conn=%.3f total_kib_per_conn=%.3f"+
		" heap_before=%d heap_after=%d stacks_before=%d stacks_after=%d sockets_before=%d sockets_after=%d\n",
		runtime.Version(), name, server, time.Since(t0).Seconds(), 16+w.concurrency, warmErrs+errs, open, conns,
		float64(after.heap-before.heap)/per/1024, float64(after.stacks-before.stacks)/per/1024,
		float64(after.heap+after.stacks-before.heap-before.stacks)/per/1024,
		before.heap, after.heap, before.stacks, after.stacks, before.sockets, after.sockets)
	if warmErrs+errs > 0 || conns <= 0 {
		return 1
	}
	return 0
}

type memory struct{ heap, stacks, sockets int64 }

func memReading() memory {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memory{int64(ms.HeapAlloc), int64(ms.StackInuse), sockets()}
}

// batch sends n requests at once and waits (at most 180 s) until all ended; it returns the failures.
func batch(client *http.Client, w workload, url string, n int) int64 {
	var wg sync.WaitGroup
	var failed int64
	var first atomic.Value
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := once(client, w, url, nil)
			if err == nil && got != w.responseBody {
				err = fmt.Errorf("read %d body bytes, expected %d", got, w.responseBody)
			}
			if err != nil {
				atomic.AddInt64(&failed, 1)
				first.CompareAndSwap(nil, err.Error())
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(180 * time.Second):
		fmt.Fprintln(os.Stderr, "requests had not ended after 180 s")
		return int64(n)
	}
	if e := first.Load(); e != nil {
		fmt.Fprintf(os.Stderr, "%d requests failed; the first failure: %s\n", failed, e)
	}
	return failed
}
