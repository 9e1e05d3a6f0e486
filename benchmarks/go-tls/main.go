// Command gotls runs one workload of Courier's TLS and HTTP/2 comparison (run-tls-h2.sh) through Go's
// net/http client and prints the same RESULT lines as the Java driver (dev.courier.bench.compare.TlsH2Driver).
//
//	gotls -workload tls-handshake -url https://127.0.0.1:8443 -ca ca.pem [-server nginx] [-warmup 5] [-measure 6] [-windows 3]
//
// Workloads (as TlsH2Workload.java and spec() in run-tls-h2.sh), each GET /1k (1 KiB):
//
//	tls-handshake  a new TLS connection per request (DisableKeepAlives), 16 in flight, no session cache
//	tls-resume     the same with a TLS session cache (tls.NewLRUClientSessionCache), so it can resume
//	tls-get1k-c16  HTTP/1.1 keep-alive over TLS, 16 in flight
//	h2-get1k-c128  HTTP/2 (ALPN, ForceAttemptHTTP2), 128 in flight
//	h2-cold128     the same, for the connections a cold burst of 128 opens (run without -prime)
//
// -prime completes one request before the load starts, so that it finds an open connection.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"math/bits"
	"net/http"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type workload struct {
	concurrency int
	keepAlive   bool
	resume      bool
	h2          bool
}

var workloads = map[string]workload{
	"tls-handshake": {16, false, false, false},
	"tls-resume":    {16, false, true, false},
	"tls-get1k-c16": {16, true, false, false},
	"h2-get1k-c128": {128, true, false, true},
	"h2-cold128":    {128, true, false, true},
}

const responseBody = 1024

var (
	completed  int64
	errorCount int64
	firstError atomic.Value
	latencies  atomic.Pointer[histogram]
	running    int32 = 1
)

// histogram counts latencies (ns) in 64 sub-buckets per power of two: under 2 % error.
type histogram struct {
	counts [64 * 64]uint64
}

func bucket(v int64) int {
	if v < 64 {
		if v < 0 {
			return 0
		}
		return int(v)
	}
	e := bits.Len64(uint64(v)) - 6 // the shift that leaves the top 6 bits, in [32, 64)
	return e*32 + int(uint64(v)>>uint(e))
}

func upper(i int) int64 {
	if i < 64 {
		return int64(i)
	}
	e := i/32 - 1
	m := int64(i%32 + 32)
	return ((m + 1) << uint(e)) - 1
}

func (h *histogram) record(v int64) { atomic.AddUint64(&h.counts[bucket(v)], 1) }

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
			return upper(i)
		}
	}
	return upper(len(h.counts) - 1)
}

func worker(client *http.Client, url string, h2 bool, wg *sync.WaitGroup) {
	defer wg.Done()
	for atomic.LoadInt32(&running) == 1 {
		start := time.Now()
		err := once(client, url, h2)
		if err != nil {
			atomic.AddInt64(&errorCount, 1)
			firstError.CompareAndSwap(nil, err.Error())
			time.Sleep(10 * time.Millisecond)
			continue
		}
		latencies.Load().record(int64(time.Since(start)))
		atomic.AddInt64(&completed, 1)
	}
}

func once(client *http.Client, url string, h2 bool) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch {
	case err != nil:
		return err
	case resp.StatusCode != 200:
		return fmt.Errorf("status %d", resp.StatusCode)
	case n != responseBody:
		return fmt.Errorf("read %d body bytes, expected %d", n, responseBody)
	case h2 != (resp.ProtoMajor == 2):
		return fmt.Errorf("answered over %s", resp.Proto)
	}
	return nil
}

type snapshot struct {
	at               time.Time
	cpu              time.Duration
	alloc            uint64
	gcCount, gcPause uint64
	completed, errs  int64
}

func take() snapshot {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return snapshot{time.Now(), time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), ms.TotalAlloc,
		uint64(ms.NumGC), ms.PauseTotalNs, atomic.LoadInt64(&completed), atomic.LoadInt64(&errorCount)}
}

func main() {
	name := flag.String("workload", "", "workload id, as tls-handshake")
	base := flag.String("url", "", "server base URL, as https://127.0.0.1:8443")
	caFile := flag.String("ca", "", "PEM file of the CA that signed the server's certificate")
	server := flag.String("server", "?", "server name for the RESULT line")
	warmup := flag.Float64("warmup", 5, "warm-up seconds")
	measure := flag.Float64("measure", 6, "seconds per measured window")
	windows := flag.Int("windows", 3, "measured windows")
	prime := flag.Bool("prime", false, "complete one request before the load starts")
	flag.Parse()
	w, ok := workloads[*name]
	if !ok || *base == "" || *caFile == "" {
		fmt.Fprintln(os.Stderr, "usage: gotls -workload tls-handshake|tls-resume|tls-get1k-c16|h2-get1k-c128|h2-cold128 -url https://HOST:PORT -ca CA.pem [-server NAME] [-warmup S] [-measure S] [-windows N] [-prime]")
		os.Exit(2)
	}
	pem, err := os.ReadFile(*caFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		fmt.Fprintln(os.Stderr, "no certificate in", *caFile)
		os.Exit(2)
	}
	tlsConfig := &tls.Config{RootCAs: roots}
	if w.resume {
		tlsConfig.ClientSessionCache = tls.NewLRUClientSessionCache(64)
	}
	if !w.h2 {
		tlsConfig.NextProtos = []string{"http/1.1"}
	}
	pool := w.concurrency
	if pool < 64 {
		pool = 64
	}
	transport := &http.Transport{
		Proxy:               nil,
		TLSClientConfig:     tlsConfig,
		ForceAttemptHTTP2:   w.h2,
		MaxIdleConns:        pool,
		MaxIdleConnsPerHost: pool,
		DisableKeepAlives:   !w.keepAlive,
		DisableCompression:  true,
	}
	if !w.h2 {
		// A non-nil empty map turns HTTP/2 off, as net/http documents.
		transport.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	client := &http.Client{Transport: transport}
	if *prime {
		if err := once(client, *base+"/1k", w.h2); err != nil {
			fmt.Fprintln(os.Stderr, "the priming request failed:", err)
			os.Exit(1)
		}
	}
	latencies.Store(&histogram{})
	var wg sync.WaitGroup
	for i := 0; i < w.concurrency; i++ {
		wg.Add(1)
		go worker(client, *base+"/1k", w.h2, &wg)
	}
	time.Sleep(time.Duration(*warmup * float64(time.Second)))
	clean := atomic.LoadInt64(&completed) > 0
	for win := 1; win <= *windows; win++ {
		latencies.Store(&histogram{})
		begin := take()
		time.Sleep(time.Duration(*measure * float64(time.Second)))
		end := take()
		h := latencies.Load()
		requests := end.completed - begin.completed
		seconds := end.at.Sub(begin.at).Seconds()
		per := float64(requests)
		if per < 1 {
			per = 1
		}
		errs := end.errs - begin.errs
		clean = clean && errs == 0 && requests > 0
		fmt.Printf("RESULT client=go version=net/http_%s workload=%s server=%s window=%d seconds=%.3f requests=%d errors=%d"+
			" rps=%.3f mib_s=%.3f cpu_us_per_req=%.3f cpu_cores=%.3f alloc_b_per_req=%.3f p50_us=%.3f p99_us=%.3f"+
			" p999_us=%.3f max_us=%.3f jit_ms=na gc_count=%d gc_ms=%.3f\n",
			runtime.Version(), *name, *server, win, seconds, requests, errs,
			float64(requests)/seconds, float64(requests)*responseBody/seconds/(1<<20),
			float64(end.cpu-begin.cpu)/1e3/per, float64(end.cpu-begin.cpu)/1e9/seconds,
			float64(end.alloc-begin.alloc)/per,
			float64(h.percentile(50))/1e3, float64(h.percentile(99))/1e3, float64(h.percentile(99.9))/1e3,
			float64(h.percentile(100))/1e3, end.gcCount-begin.gcCount, float64(end.gcPause-begin.gcPause)/1e6)
	}
	atomic.StoreInt32(&running, 0)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		fmt.Fprintln(os.Stderr, "some requests were still in flight 30 s after the end")
		clean = false
	}
	if e := firstError.Load(); e != nil {
		fmt.Fprintf(os.Stderr, "%d requests failed; the first failure: %s\n", atomic.LoadInt64(&errorCount), e)
	}
	if !clean {
		os.Exit(1)
	}
}
