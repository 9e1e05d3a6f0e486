package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// probe reads what happened outside the client during a window, as ServerProbe.java does: the requests
// the server counted (nginx's stub_status page, or BenchServer's /status), the server processes' CPU
// ticks and the whole machine's busy and total ticks. It counts the connections it opens (conns), which
// the server counts among those it accepted, so that the runner can tell the client's own.
type probe struct {
	statusHost, statusPath string
	pids                   []string
	conns                  int
}

type reading struct {
	serverRequests, serverTicks int64
	busy, total                 int64
	at                          time.Time // when the server's count was read
}

func newProbe(statusURL, pids string) *probe {
	p := &probe{}
	if statusURL != "" {
		u, err := url.Parse(statusURL)
		if err == nil {
			p.statusHost, p.statusPath = u.Host, u.RequestURI()
		}
	}
	for _, pid := range strings.Split(pids, ",") {
		if pid = strings.TrimSpace(pid); pid != "" {
			p.pids = append(p.pids, pid)
		}
	}
	return p
}

func (p *probe) read() reading {
	r := reading{serverRequests: -1, serverTicks: -1, busy: -1, total: -1}
	if p.statusHost != "" {
		r.serverRequests = p.requests()
	}
	r.at = time.Now()
	if len(p.pids) > 0 {
		r.serverTicks = 0
		for _, pid := range p.pids {
			b, err := os.ReadFile("/proc/" + pid + "/stat")
			if err != nil {
				r.serverTicks = -1
				break
			}
			s := string(b)
			f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
			u, _ := strconv.ParseInt(f[11], 10, 64)
			k, _ := strconv.ParseInt(f[12], 10, 64)
			r.serverTicks += u + k
		}
	}
	r.busy, r.total = machineTicks()
	return r
}

func (p *probe) requests() int64 {
	c, err := net.DialTimeout("tcp", p.statusHost, 2*time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot read the server's status:", err)
		return -1
	}
	p.conns++
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", p.statusPath, p.statusHost)
	page, _ := io.ReadAll(c)
	s := string(page)
	at := strings.Index(s, "server accepts handled requests")
	if at < 0 {
		fmt.Fprintln(os.Stderr, "not a stub_status page:", s)
		return -1
	}
	f := strings.Fields(s[at+len("server accepts handled requests"):])
	if len(f) < 3 {
		return -1
	}
	n, _ := strconv.ParseInt(f[2], 10, 64)
	return n
}

var onlineCPUs int

func machineTicks() (busy, total int64) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return -1, -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	first := ""
	cpus := 0
	for sc.Scan() {
		line := sc.Text()
		if first == "" {
			first = line
		} else if strings.HasPrefix(line, "cpu") {
			cpus++
		}
	}
	onlineCPUs = cpus
	fields := strings.Fields(first)
	for i := 1; i < len(fields) && i <= 8; i++ { // user nice system idle iowait irq softirq steal
		v, _ := strconv.ParseInt(fields[i], 10, 64)
		total += v
		// busy: user, nice, system and steal; not irq and softirq (loopback traffic the client and
		// server cause but are not charged for)
		if i <= 3 || i == 8 {
			busy += v
		}
	}
	return busy, total
}

// fields formats server_requests, server_cpu_us_per_req and other_cores as ServerProbe.addTo does.
func (begin reading) fields(end reading, seconds, clientCores float64, requests int64) string {
	srv := "na"
	if begin.serverRequests >= 0 && end.serverRequests >= 0 {
		srv = strconv.FormatInt(end.serverRequests-begin.serverRequests-1, 10)
	}
	srv += fmt.Sprintf(" server_seconds=%.3f", end.at.Sub(begin.at).Seconds())
	if begin.total < 0 || end.total <= begin.total || onlineCPUs == 0 {
		return fmt.Sprintf(" server_requests=%s server_cpu_us_per_req=na other_cores=na", srv)
	}
	hz := float64(end.total-begin.total) / seconds / float64(onlineCPUs)
	serverCores, serverCPU := 0.0, "na"
	if begin.serverTicks >= 0 && end.serverTicks >= 0 {
		serverCores = float64(end.serverTicks-begin.serverTicks) / hz / seconds
		per := float64(requests)
		if per < 1 {
			per = 1
		}
		serverCPU = fmt.Sprintf("%.3f", serverCores*seconds*1e6/per)
	}
	other := float64(end.busy-begin.busy)/hz/seconds - clientCores - serverCores
	if other < 0 {
		other = 0
	}
	return fmt.Sprintf(" server_requests=%s server_cpu_us_per_req=%s other_cores=%.3f", srv, serverCPU, other)
}

// sockets counts this process's open sockets.
func sockets() int64 {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	var n int64
	for _, e := range entries {
		if l, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name())); err == nil && strings.HasPrefix(l, "socket:") {
			n++
		}
	}
	return n
}
