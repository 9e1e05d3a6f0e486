// Command gohttp runs one workload of Courier's comparison through Go's net/http client and prints
// the same RESULT lines as the Java driver (dev.courier.bench.compare.Driver), as a reference point.
//
//	gohttp -workload get1k-c16 -url http://127.0.0.1:8080 [-server nginx] [-warmup 5] [-measure 8] [-windows 3] \
//	    [-server-status http://127.0.0.1:8080/status] [-server-pids 123,124]
//
// The idle10k workload is not a load loop: see idle.go. idle10k-tls is the same over https (run-tls-h2.sh):
// -ca names the PEM file of the CA that signed the server's certificate, and HTTP/2 is off (ALPN http/1.1).
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type workload struct {
	method       string
	path         string
	requestBody  int64
	concurrency  int
	keepAlive    bool
	responseBody int64
}

// The same workloads as Workload.java.
var workloads = map[string]workload{
	"get1k-c1":    {"GET", "/1k", 0, 1, true, 1024},
	"get1k-c16":   {"GET", "/1k", 0, 16, true, 1024},
	"get1k-c128":  {"GET", "/1k", 0, 128, true, 1024},
	"get1k-c1024": {"GET", "/1k", 0, 1024, true, 1024},
	"get1m-c4":    {"GET", "/1m", 0, 4, true, 1 << 20},
	"upload64m":   {"POST", "/upload", 64 << 20, 1, true, 2},
	"post4k-c16":  {"POST", "/upload", 4096, 16, true, 2},
	"close-c16":   {"GET", "/1k", 0, 16, false, 1024},
	"idle10k":     {"GET", "/idle", 0, 10000, true, 3072},
	"idle10k-tls": {"GET", "/idle", 0, 10000, true, 3072},
}

const uploadChunk = 64 * 1024

var (
	completed  int64
	bodyBytes  int64
	errorCount int64
	firstError atomic.Value
	latencies  atomic.Pointer[histogram]
	running    int32 = 1
)

// repeatReader yields n bytes of 'x' from one shared chunk: a streamed upload body.
type repeatReader struct {
	chunk []byte
	n     int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := copy(p, r.chunk)
	if int64(k) > r.n {
		k = int(r.n)
	}
	r.n -= int64(k)
	return k, nil
}

func worker(client *http.Client, w workload, url string, small []byte, chunk []byte, wg *sync.WaitGroup) {
	defer wg.Done()
	for atomic.LoadInt32(&running) == 1 {
		var body io.Reader
		if w.requestBody > uploadChunk {
			body = &repeatReader{chunk, w.requestBody}
		} else if w.requestBody > 0 {
			body = bytes.NewReader(small)
		}
		start := time.Now()
		n, err := once(client, w, url, body)
		if err == nil && n != w.responseBody {
			err = fmt.Errorf("read %d body bytes, expected %d", n, w.responseBody)
		}
		if err != nil {
			atomic.AddInt64(&errorCount, 1)
			firstError.CompareAndSwap(nil, err.Error())
			time.Sleep(10 * time.Millisecond)
			continue
		}
		latencies.Load().record(int64(time.Since(start)))
		atomic.AddInt64(&completed, 1)
		atomic.AddInt64(&bodyBytes, n)
	}
}

func once(client *http.Client, w workload, url string, body io.Reader) (int64, error) {
	req, err := http.NewRequest(w.method, url, body)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.ContentLength = w.requestBody
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != 200 {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	return n, err
}

type snapshot struct {
	at                      time.Time
	cpu                     time.Duration
	alloc, gcCount, gcPause uint64
	completed, bytes, errs  int64
}

func take() snapshot {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return snapshot{
		at:        time.Now(),
		cpu:       time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		alloc:     ms.TotalAlloc,
		gcCount:   uint64(ms.NumGC),
		gcPause:   ms.PauseTotalNs,
		completed: atomic.LoadInt64(&completed),
		bytes:     atomic.LoadInt64(&bodyBytes),
		errs:      atomic.LoadInt64(&errorCount),
	}
}

func main() {
	name := flag.String("workload", "", "workload id, as get1k-c16")
	base := flag.String("url", "", "server base URL, as http://127.0.0.1:8080")
	server := flag.String("server", "?", "server name for the RESULT line")
	warmup := flag.Float64("warmup", 5, "warm-up seconds")
	measure := flag.Float64("measure", 8, "seconds per measured window")
	windows := flag.Int("windows", 3, "measured windows")
	statusURL := flag.String("server-status", "", "the server's stub_status URL, to check the request count")
	serverPids := flag.String("server-pids", "", "the server's process ids, for its CPU time")
	caFile := flag.String("ca", "", "https: PEM file of the CA that signed the server's certificate")
	flag.Parse()
	w, ok := workloads[*name]
	if !ok || *base == "" {
		fmt.Fprintln(os.Stderr, "usage: gohttp -workload ID -url http://HOST:PORT [-server NAME] [-warmup S] [-measure S] [-windows N]")
		os.Exit(2)
	}
	pool := w.concurrency
	if pool < 64 {
		pool = 64
	}
	transport := &http.Transport{
		Proxy:               nil,
		MaxIdleConns:        pool,
		MaxIdleConnsPerHost: pool,
		DisableKeepAlives:   !w.keepAlive,
		DisableCompression:  true,
	}
	if *caFile != "" {
		pem, err := os.ReadFile(*caFile)
		roots := x509.NewCertPool()
		if err != nil || !roots.AppendCertsFromPEM(pem) {
			fmt.Fprintln(os.Stderr, "no CA certificate in", *caFile, err)
			os.Exit(2)
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: roots, NextProtos: []string{"http/1.1"}}
		// A non-nil empty map turns HTTP/2 off, as net/http documents.
		transport.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	client := &http.Client{Transport: transport}
	if w.path == "/idle" {
		os.Exit(idle(client, w, *base+w.path, *name, *server))
	}
	prb := newProbe(*statusURL, *serverPids)
	small := make([]byte, w.requestBody%(uploadChunk+1))
	chunk := bytes.Repeat([]byte{'x'}, uploadChunk)
	latencies.Store(&histogram{})
	var wg sync.WaitGroup
	for i := 0; i < w.concurrency; i++ {
		wg.Add(1)
		go worker(client, w, *base+w.path, small, chunk, &wg)
	}
	time.Sleep(time.Duration(*warmup * float64(time.Second)))
	clean := atomic.LoadInt64(&completed) > 0
	for win := 1; win <= *windows; win++ {
		serverBegin := prb.read()
		latencies.Store(&histogram{})
		begin := take()
		time.Sleep(time.Duration(*measure * float64(time.Second)))
		end := take()
		serverEnd := prb.read()
		h := latencies.Load()
		requests := end.completed - begin.completed
		seconds := end.at.Sub(begin.at).Seconds()
		per := float64(requests)
		if per < 1 {
			per = 1
		}
		moved := float64(end.bytes-begin.bytes) + float64(requests)*float64(w.requestBody)
		errs := end.errs - begin.errs
		clean = clean && errs == 0 && requests > 0
		fmt.Printf("RESULT client=go version=net/http_%s workload=%s server=%s window=%d seconds=%.3f requests=%d errors=%d"+
			" rps=%.3f mib_s=%.3f cpu_us_per_req=%.3f cpu_cores=%.3f alloc_b_per_req=%.3f p50_us=%.3f p99_us=%.3f"+
			" p999_us=%.3f max_us=%.3f jit_ms=na gc_count=%d gc_ms=%.3f%s probe_conns=%d\n",
			runtime.Version(), *name, *server, win, seconds, requests, errs,
			float64(requests)/seconds, moved/seconds/(1<<20),
			float64(end.cpu-begin.cpu)/1e3/per, float64(end.cpu-begin.cpu)/1e9/seconds,
			float64(end.alloc-begin.alloc)/per,
			float64(h.percentile(50))/1e3, float64(h.percentile(99))/1e3, float64(h.percentile(99.9))/1e3,
			float64(h.percentile(100))/1e3, end.gcCount-begin.gcCount, float64(end.gcPause-begin.gcPause)/1e6,
			serverBegin.fields(serverEnd, seconds, float64(end.cpu-begin.cpu)/1e9/seconds, requests), prb.conns)
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
