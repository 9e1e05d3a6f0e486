#!/usr/bin/env bash
# Runs Courier's side-by-side comparison and regenerates benchmarks/RESULTS.md and its charts: the plain
# HTTP/1.1 workloads here, then the TLS and HTTP/2 ones through run-tls-h2.sh, in one report.
#
#   benchmarks/run-comparison.sh            full comparison (see --dry-run for the estimate: under an hour)
#   benchmarks/run-comparison.sh --quick    one workload (get1k-c16 on nginx), all clients (about 5 minutes);
#                                           with --workloads X, workload X (plain or TLS/HTTP/2) instead
#   benchmarks/run-comparison.sh --smoke    checks the harness end to end (2 s windows, plain and TLS/h2);
#                                           its RESULTS.md says it is a smoke run, not a measurement
#
# Options (after the mode; each overrides the mode's default):
#   --workloads a,b      workloads: plain ones run against nginx (Workload.java), TLS/HTTP/2 ones through
#                        run-tls-h2.sh (TlsH2Workload.java: tls-handshake, tls-resume, tls-get1k-c16,
#                        h2-cold128, h2-get1k-c128, idle10k-tls)   (full: all but tls-resume)
#   --netty-workloads    workloads run against BenchServer  (full: get1k-c16; "all" for all plain ones
#                                                            but idle10k, which needs nginx's slow /idle)
#   --servers a,b        nginx and/or netty, for the plain workloads (full: nginx,netty; quick: nginx)
#   --clients a,b        courier,jdk,reactor,ahc,apache,jetty,go,wrk,h2load,vertx (default: all); "courier"
#                        is both TLS engines in the TLS part (courier-jdk or courier-boringssl: one of them)
#   --warmup S           JVM client warm-up, at most S seconds (20: on 2 shared cores some JITs need it)
#   --warmup-min S       at least S seconds, then until the JIT is quiet (8; = --warmup for a fixed warm-up)
#   --warmup-quiet-ms MS quiet: JIT compilation time grew by less than MS over the last 3 s (50)
#   --handshake-warmup S the cap on tls-handshake/tls-resume (45), --handshake-warmup-min S their minimum (20)
#   --go-warmup S        Go client warm-up seconds          (5)
#   --measure S          seconds per measured window        (4)
#   --windows K          measured windows per client JVM    (3)
#   --runs R             fresh JVMs per client and workload (1); figures are medians over R x K windows;
#                        each run starts the clients one further along the list, so that none is always
#                        measured at the same moment of a run (other work on the machine comes and goes)
#   --out FILE           the report                         (benchmarks/RESULTS.md)
#   --label TEXT         a note printed at the top of the report
#   --pin-c1 MODE        get1k-c1's CPU placement: same (client and server on CPU 0: the default),
#                        split (server on CPU 0, client on CPU 1) or none (the scheduler's choice)
#   --no-install         do not apt-get install missing tools
#   --dry-run            print the plan and the time estimate, run nothing
#
# It installs nginx, golang-go, wrk, gnuplot-nox and time from Debian when missing (as root, or with
# sudo), builds the benchmarks module, each peer's classpath (benchmarks/peers/*) and the Go client,
# starts the servers on loopback, runs every client in its own process, stops the servers; then runs
# run-tls-h2.sh for the TLS/HTTP/2 workloads (it installs nghttp2-client, openssl and iproute2 when
# missing and starts its own nginx) and writes one report. Raw output stays in benchmarks/results/<date>/
# (the TLS/HTTP/2 part's in its tls-h2/; not committed).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"
ALL_WORKLOADS="get1k-c1,get1k-c16,get1k-c128,get1k-c1024,get1m-c4,upload64m,post4k-c16,close-c16,idle10k"
# run by run-tls-h2.sh; tls-resume only when asked for (issue 6 names the full handshake)
TLS_WORKLOADS_ALL="tls-handshake,tls-resume,tls-get1k-c16,h2-cold128,h2-get1k-c128,idle10k-tls"
TLS_WORKLOADS="tls-handshake,tls-get1k-c16,h2-cold128,h2-get1k-c128,idle10k-tls"
ALL_CLIENTS="wrk,go,courier,jdk,reactor,ahc,apache,jetty,h2load,vertx"
MODE=full WORKLOADS=$ALL_WORKLOADS NETTY_WORKLOADS="get1k-c16" SERVERS="nginx,netty" HS_WARMUP=45 HS_WARMUP_MIN=20
PIN_C1=same CLIENTS=$ALL_CLIENTS WARMUP=20 WARMUP_MIN=8 WARMUP_QUIET_MS=50 GO_WARMUP=5 MEASURE=4 WINDOWS=3 RUNS=1 OUT="$HERE/RESULTS.md" LABEL="" INSTALL=1 DRY_RUN=0
# common.parallelism=2: with 2 CPUs the common pool has parallelism 1, and CompletableFuture's default
# async executor then starts a new thread per task; the JDK HttpClient completes every sendAsync through
# it (HttpClientImpl's ASYNC_POOL), which made it 10-30x slower here. Harmless to the other clients.
JVM_OPTS=${JVM_OPTS:--Xms2g -Xmx2g -XX:+UseG1GC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}
ARGS="$*"

case "${1:-}" in
  --quick) MODE=quick; WORKLOADS=get1k-c16; TLS_WORKLOADS=""; SERVERS=nginx; shift ;;
  --smoke) MODE=smoke; WORKLOADS="get1k-c16,upload64m"; TLS_WORKLOADS="tls-handshake,tls-get1k-c16,h2-cold128,h2-get1k-c128"
           NETTY_WORKLOADS=get1k-c16; WARMUP=2; WARMUP_MIN=2; HS_WARMUP=2; HS_WARMUP_MIN=2; GO_WARMUP=1
           MEASURE=2; WINDOWS=1; LABEL="SMOKE RUN: 2 s warm-up and one 2 s window per client, to check the harness; not a measurement."
           shift ;;
esac
while [ $# -gt 0 ]; do
  case "$1" in
    --workloads) WORKLOADS=""; TLS_WORKLOADS=""
                 for w in ${2//,/ }; do
                   if [[ ",$TLS_WORKLOADS_ALL," == *",$w,"* ]]; then TLS_WORKLOADS+="${TLS_WORKLOADS:+,}$w"
                   else WORKLOADS+="${WORKLOADS:+,}$w"; fi
                 done
                 shift 2 ;;
    --netty-workloads) NETTY_WORKLOADS=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --warmup-min) WARMUP_MIN=$2; shift 2 ;;
    --warmup-quiet-ms) WARMUP_QUIET_MS=$2; shift 2 ;;
    --handshake-warmup) HS_WARMUP=$2; shift 2 ;;
    --handshake-warmup-min) HS_WARMUP_MIN=$2; shift 2 ;;
    --go-warmup) GO_WARMUP=$2; shift 2 ;;
    --measure) MEASURE=$2; shift 2 ;;
    --windows) WINDOWS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --label) LABEL=$2; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    --pin-c1) PIN_C1=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case $PIN_C1 in same|split|none) ;; *) echo "--pin-c1: same, split or none, not $PIN_C1" >&2; exit 2 ;; esac
[ "$NETTY_WORKLOADS" = all ] && NETTY_WORKLOADS=${ALL_WORKLOADS%,idle10k}

# method path request-body-bytes concurrency keep-alive(1/0) response-body-bytes; as Workload.java and go/main.go
spec() {
  case $1 in
    get1k-c1) echo "GET /1k 0 1 1 1024" ;;
    get1k-c16) echo "GET /1k 0 16 1 1024" ;;
    get1k-c128) echo "GET /1k 0 128 1 1024" ;;
    get1k-c1024) echo "GET /1k 0 1024 1 1024" ;;
    get1m-c4) echo "GET /1m 0 4 1 1048576" ;;
    upload64m) echo "POST /upload 67108864 1 1 2" ;;
    post4k-c16) echo "POST /upload 4096 16 1 2" ;;
    close-c16) echo "GET /1k 0 16 0 1024" ;;
    idle10k) echo "GET /idle 0 10000 1 3072" ;;
    *) echo "unknown workload $1" >&2; return 1 ;;
  esac
}
for w in ${WORKLOADS//,/ } ${NETTY_WORKLOADS//,/ }; do spec "$w" > /dev/null; done
case ",$NETTY_WORKLOADS," in *,idle10k,*) echo "idle10k runs on nginx only (BenchServer has no slow /idle)" >&2; exit 2 ;; esac

# The plain part's clients (courier-jdk or courier-boringssl alone also mean Courier there) and the TLS
# part's (where "courier" is both engines); h2load and Vert.x take part in the TLS part only.
PLAIN_CLIENTS="" TLS_CLIENTS=""
for c in ${CLIENTS//,/ }; do
  case $c in
    courier|courier-jdk|courier-boringssl) has "$PLAIN_CLIENTS" courier || PLAIN_CLIENTS+="${PLAIN_CLIENTS:+,}courier" ;;
    wrk|go|jdk|reactor|ahc|apache|jetty) PLAIN_CLIENTS+="${PLAIN_CLIENTS:+,}$c" ;;
    h2load|vertx) ;;
    *) echo "unknown client $c (see --help)" >&2; exit 2 ;;
  esac
  if [ "$c" = courier ]; then TLS_CLIENTS+="${TLS_CLIENTS:+,}courier-jdk,courier-boringssl"; else TLS_CLIENTS+="${TLS_CLIENTS:+,}$c"; fi
done
CLIENTS=$PLAIN_CLIENTS
# run-tls-h2.sh's options for the TLS and HTTP/2 part: this run's settings, raw output under this run's directory
tls_args() {
  local a=(--workloads "$TLS_WORKLOADS" --clients "$TLS_CLIENTS" --warmup "$WARMUP" --warmup-min "$WARMUP_MIN"
           --warmup-quiet-ms "$WARMUP_QUIET_MS" --handshake-warmup "$HS_WARMUP" --handshake-warmup-min "$HS_WARMUP_MIN"
           --go-warmup "$GO_WARMUP" --measure "$MEASURE" --windows "$WINDOWS" --runs "$RUNS" --no-build --no-report)
  [ "$INSTALL" = 1 ] || a+=(--no-install)
  [ -z "$LABEL" ] || a+=(--label "$LABEL")
  printf '%s\0' "${a[@]}"
}


install_tools() {
  local missing=()
  command -v nginx > /dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v go > /dev/null || missing+=(golang-go)
  command -v wrk > /dev/null || missing+=(wrk)
  command -v gnuplot > /dev/null || missing+=(gnuplot-nox)
  [ -x /usr/bin/time ] || missing+=(time)
  install_missing ${missing[@]+"${missing[@]}"}
}

# An estimate, so that nobody starts an hour's run by mistake. The adaptive warm-up ends between its
# minimum and its cap: the estimate takes what the JVM clients needed in measured runs (README.md, "Time
# budget"), and says how long the run would take if every one needed the cap.
TYPICAL_WARMUP=13
typical_warmup=$(( TYPICAL_WARMUP < WARMUP_MIN ? WARMUP_MIN : (TYPICAL_WARMUP > WARMUP ? WARMUP : TYPICAL_WARMUP) ))
jvm_clients=0 other=0
for c in ${CLIENTS//,/ }; do case $c in wrk|go) other=$((other + 1)) ;; *) jvm_clients=$((jvm_clients + 1)) ;; esac; done
pairs=0 idle_pairs=0
for s in ${SERVERS//,/ }; do
  list=$WORKLOADS; [ "$s" = netty ] && list=$NETTY_WORKLOADS
  for w in ${list//,/ }; do if [ "$w" = idle10k ]; then idle_pairs=$((idle_pairs + 1)); else pairs=$((pairs + 1)); fi; done
done
# Besides warm-up and windows, measured: a JVM client's start, close and the pause after it take ~2-3 s, Go
# ~1-2, wrk ~2; idle10k 27-33 s per client (two rounds of ~12 s slow responses, full GCs, start-up; wrk does
# not take part). Then the build and the peers' classpaths (~60 s) and BenchServer's wrk warm-up.
netty_warmup=0
has "$SERVERS" netty && [ -n "$NETTY_WORKLOADS" ] && netty_warmup=$(( 3 * (WARMUP / 2 > 2 ? WARMUP / 2 : 2) ))
plain_seconds() {
  echo $(( pairs * RUNS * (jvm_clients * ($1 + MEASURE * WINDOWS + 3) + other * (MEASURE * WINDOWS + 2) + GO_WARMUP)
           + idle_pairs * RUNS * (jvm_clients + other) * 32 + 60 + netty_warmup ))
}
plain_estimate=$(plain_seconds "$typical_warmup") plain_most=$(plain_seconds "$WARMUP")
[ $((pairs + idle_pairs)) -gt 0 ] || plain_estimate=0 plain_most=0
tls_estimate=0 tls_most=0
if [ -n "$TLS_WORKLOADS" ]; then
  line=$(xargs -0 "$HERE/run-tls-h2.sh" --dry-run < <(tls_args) 2> /dev/null | grep '^ESTIMATE ') \
    || { echo "run-tls-h2.sh --dry-run failed" >&2; exit 2; }
  tls_estimate=$(sed 's/.*seconds=\([0-9]*\).*/\1/' <<< "$line") tls_most=$(sed 's/.*most=\([0-9]*\).*/\1/' <<< "$line")
fi
estimate=$((plain_estimate + tls_estimate)) most=$((plain_most + tls_most))
log "mode $MODE: $((pairs + idle_pairs)) plain server/workload pairs x $RUNS run(s), clients $CLIENTS" \
  "(about $((plain_estimate / 60 + 1)) min); TLS/HTTP/2: ${TLS_WORKLOADS:-none} (about $((tls_estimate / 60 + 1)) min)"
log "about $((estimate / 60 + 1)) minutes in all (at most $((most / 60 + 1)) if every JVM client needs its whole warm-up)"
if [ "$DRY_RUN" = 1 ]; then
  for s in ${SERVERS//,/ }; do
    list=$WORKLOADS; [ "$s" = netty ] && list=$NETTY_WORKLOADS
    echo "$s: $list"
  done
  echo "tls-h2 (run-tls-h2.sh): ${TLS_WORKLOADS:-none}; clients $TLS_CLIENTS"
  exit 0
fi

STAMP=$(date -u +%Y%m%d-%H%M%S)
RUN_DIR="$HERE/results/$STAMP"
mkdir -p "$RUN_DIR/logs"
RESULTS="$RUN_DIR/results.txt"
: > "$RESULTS"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2> /dev/null || true; done
  [ -n "${NGINX_DIR:-}" ] && rm -rf "$NGINX_DIR"
  return 0
}
trap cleanup EXIT

install_tools
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
ulimit -n 65536 2> /dev/null || ulimit -n "$(ulimit -Hn)" 2> /dev/null || true

log "building (results in $RUN_DIR)"
(cd "$ROOT" && mvn -q -B package -DskipTests -pl benchmarks -am) > "$RUN_DIR/logs/build.log" 2>&1 \
  || { tail -30 "$RUN_DIR/logs/build.log" >&2; exit 1; }
JAR="$HERE/target/benchmarks.jar"
declare -A CP
for c in courier jdk; do CP[$c]=$JAR; done
for p in reactor ahc apache jetty; do
  has "$CLIENTS" "$p" || continue
  (cd "$HERE/peers/$p" && mvn -q -B dependency:build-classpath -Dmdep.outputFile="$RUN_DIR/cp-$p.txt") \
    >> "$RUN_DIR/logs/build.log" 2>&1 || { tail -30 "$RUN_DIR/logs/build.log" >&2; exit 1; }
  CP[$p]="$HERE/target/classes:$(cat "$RUN_DIR/cp-$p.txt")"
done
if has "$CLIENTS" go; then
  (cd "$HERE/go" && go build -o "$RUN_DIR/gohttp" .) >> "$RUN_DIR/logs/build.log" 2>&1 \
    || { tail -30 "$RUN_DIR/logs/build.log" >&2; exit 1; }
fi

start_nginx() {
  local base=/dev/shm; [ -w "$base" ] || base=${TMPDIR:-/tmp}
  NGINX_DIR=$(mktemp -d "$base/courier-nginx.XXXXXX")
  mkdir -p "$NGINX_DIR/www"
  head -c 1024 /dev/zero | tr '\0' x > "$NGINX_DIR/www/1k"
  head -c 1048576 /dev/zero | tr '\0' x > "$NGINX_DIR/www/1m"
  head -c 3072 /dev/zero | tr '\0' x > "$NGINX_DIR/www/idle"
  local port user="" nofile; port=$(free_port); nofile=$(ulimit -n)
  [ "$(id -u)" = 0 ] && user="user root;"
  # idle10k: 10,000 connections at once, each one descriptor in nginx (the /idle file's is shared)
  if [ "$nofile" -lt 10500 ] && has "$WORKLOADS" idle10k; then
    echo "idle10k needs 10,500 open files in nginx; ulimit -n is $nofile (raise the hard limit)" >&2; exit 1
  fi
  sed -e "s#@DIR@#$NGINX_DIR#g" -e "s#@PORT@#$port#g" -e "s#@USER@#$user#" -e "s#@NOFILE@#$nofile#" \
    -e "s#@CONNECTIONS@#$(( nofile > 200 ? nofile - 100 : nofile ))#" \
    "$HERE/nginx/nginx.conf.template" > "$NGINX_DIR/nginx.conf"
  "$NGINX" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" > "$RUN_DIR/logs/nginx.log" 2>&1 &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  wait_port "$port"
  SERVER_URL="http://127.0.0.1:$port"
  # The master and its worker: their CPU time is the server's.
  for _ in $(seq 50); do pgrep -P "$SERVER_PID" > /dev/null && break; sleep 0.1; done
  SERVER_PIDS=$(echo "$SERVER_PID" $(pgrep -P "$SERVER_PID") | tr ' ' ,)
}

start_netty() {
  local out="$RUN_DIR/logs/bench-server.log"
  rm -f "$out"
  java -Xms1g -Xmx1g -cp "$JAR" dev.courier.bench.BenchServer --port "$(free_port)" > "$out" 2>&1 &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  for _ in $(seq 100); do grep -q '^PORT' "$out" 2> /dev/null && break; sleep 0.1; done
  SERVER_URL="http://127.0.0.1:$(awk '/^PORT/ {print $2}' "$out")"
  SERVER_PIDS=$SERVER_PID
  wait_port "${SERVER_URL##*:}"
  # The server's JIT warms up before any client is measured (the clients' own warm-up follows).
  local t=$(( WARMUP / 2 > 2 ? WARMUP / 2 : 2 ))
  log "warming up BenchServer for $((t * 3)) s"
  WRK_METHOD=GET wrk -t2 -c16 -d"${t}s" -s "$HERE/wrk/workload.lua" "$SERVER_URL/1k" > /dev/null 2>&1 || true
  WRK_METHOD=GET wrk -t2 -c4 -d"${t}s" -s "$HERE/wrk/workload.lua" "$SERVER_URL/1m" > /dev/null 2>&1 || true
  WRK_METHOD=POST WRK_BODY_SIZE=4096 wrk -t2 -c16 -d"${t}s" -s "$HERE/wrk/workload.lua" "$SERVER_URL/upload" \
    > /dev/null 2>&1 || true
}

stop_server() {
  kill "$SERVER_PID" 2> /dev/null || true
  wait "$SERVER_PID" 2> /dev/null || true
  if [ -n "${NGINX_DIR:-}" ]; then rm -rf "$NGINX_DIR"; NGINX_DIR=""; fi
}

# "server-requests server-ticks machine-busy-ticks machine-total-ticks nanoseconds": what the Java and Go
# clients read around each window (ServerProbe.java), read here around each wrk run.
probe() {
  local req=-1 ticks=0 pid
  if exec 3<> "/dev/tcp/127.0.0.1/${SERVER_URL##*:}" 2> /dev/null; then
    printf 'GET /status HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    req=$(timeout 2 cat <&3 | awk 'f { print $3; exit } /server accepts handled requests/ { f = 1 }')
    exec 3>&-
  fi
  for pid in ${SERVER_PIDS//,/ }; do
    ticks=$(( ticks + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }') ))
  done
  echo "${req:--1} $ticks $(head -1 /proc/stat | awk '{ t = 0; for (i = 2; i <= 9; i++) t += $i; print $2 + $3 + $4 + $9, t }') $(date +%s%N)"
}

# The server's count of accepted connections (stub_status's "accepts"; BenchServer's /status the same);
# the query's own connection counts too. -1 when the page cannot be read.
accepts() {
  local n=""
  if exec 3<> "/dev/tcp/127.0.0.1/${SERVER_URL##*:}" 2> /dev/null; then
    printf 'GET /status HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    n=$(timeout 2 cat <&3 | awk 'f { print $1; exit } /server accepts handled requests/ { f = 1 }')
    exec 3>&-
  fi
  echo "${n:--1}"
}

# wrk: one run per window; CPU from /usr/bin/time (user + system of the wrk process)
run_wrk() {
  local server=$1 workload=$2 logf=$3 method path reqb conc keep respb threads
  read -r method path reqb conc keep respb <<< "$(spec "$workload")"
  threads=$(( conc == 1 ? 1 : 2 ))
  local version; version=$( (wrk -v 2>&1 || true) | head -1 | awk '{print $2}')
  local cpus; cpus=$(grep -c '^cpu[0-9]' /proc/stat)
  for k in $(seq "$WINDOWS"); do
    local before after; before=$(probe)
    WRK_METHOD=$method WRK_BODY_SIZE=$reqb WRK_CLOSE=$(( 1 - keep )) /usr/bin/time -f "TIME %U %S" -o "$logf.time" \
      "${PIN[@]}" wrk -t"$threads" -c"$conc" -d"${MEASURE}s" --timeout 30s -s "$HERE/wrk/workload.lua" "$SERVER_URL$path" \
      >> "$logf" 2>&1 || true
    after=$(probe)
    local line time
    line=$(grep '^WRK ' "$logf" | tail -1) time=$(cat "$logf.time" 2> /dev/null || echo "TIME 0 0")
    [ -n "$line" ] || { echo "wrk printed no result; see $logf" >&2; continue; }
    awk -v line="$line" -v time="$time" -v server="$server" -v workload="$workload" -v k="$k" -v ver="$version" \
        -v moved=$(( reqb + respb )) -v before="$before" -v after="$after" -v cpus="$cpus" 'BEGIN {
      n = split(line, f, /[ =]/); for (i = 2; i < n; i += 2) v[f[i]] = f[i + 1]
      split(time, t, " "); cpu = (t[2] + t[3]) * 1e6; s = v["duration_us"] / 1e6; r = v["requests"]; per = r > 0 ? r : 1
      printf "RESULT client=wrk version=wrk_%s workload=%s server=%s window=%d seconds=%.3f requests=%d errors=%d", ver, workload, server, k, s, r, v["errors"]
      printf " rps=%.3f mib_s=%.3f cpu_us_per_req=%.3f cpu_cores=%.3f alloc_b_per_req=na", r / s, r * moved / s / 1048576, cpu / per, cpu / 1e6 / s
      printf " p50_us=%s p99_us=%s p999_us=%s max_us=%s jit_ms=na gc_count=na gc_ms=na", v["p50_us"], v["p99_us"], v["p999_us"], v["max_us"]
      split(before, b, " "); split(after, a, " "); ws = (a[5] - b[5]) / 1e9
      printf " probe_conns=%d", 2 * k # probe() reads the status twice per window
      printf " server_requests=%s server_seconds=%.3f", (b[1] >= 0 && a[1] >= 0) ? a[1] - b[1] - 1 : "na", ws
      if (a[4] > b[4] && ws > 0) {
        hz = (a[4] - b[4]) / ws / cpus; sc = (a[2] - b[2]) / hz / ws; other = (a[3] - b[3]) / hz / ws - cpu / 1e6 / ws - sc
        printf " server_cpu_us_per_req=%.3f other_cores=%.3f\n", sc * ws * 1e6 / per, other < 0 ? 0 : other
      } else {
        printf " server_cpu_us_per_req=na other_cores=na\n"
      }
    }' >> "$logf"
  done
}

# At one request in flight, where the scheduler puts the client and the server decides the result: on
# one CPU a request costs their two CPU times; on two, each of its two wakeups also crosses CPUs, which
# in this VM costs ~35 µs of CPU and latency (wrk: 55,000 req/s and 6 µs of CPU per request on one CPU,
# 4,000 and 48 µs across two). Left to the scheduler, a run lands in either, and may switch mid-window.
# So get1k-c1 pins both (--pin-c1); the JVM and Go are told the machine's CPU count, so that the clients
# configure their threads as in the other workloads. Sets PIN (the client's command prefix) and
# JVM_PIN_OPTS.
PIN=() JVM_PIN_OPTS=""
pin_for() {
  local workload=$1 all=0-$(( $(nproc) - 1 )) pid server_cpu=0 client_cpu=""
  PIN=() JVM_PIN_OPTS=""
  if [ "$workload" = get1k-c1 ] && [ "$PIN_C1" != none ]; then
    client_cpu=0; [ "$PIN_C1" = split ] && [ "$(nproc)" -gt 1 ] && client_cpu=1
    PIN=(taskset -c "$client_cpu") JVM_PIN_OPTS="-XX:ActiveProcessorCount=$(nproc)"
  fi
  for pid in ${SERVER_PIDS//,/ }; do
    if [ -n "$client_cpu" ]; then taskset -apc "$server_cpu" "$pid" > /dev/null; else taskset -apc "$all" "$pid" > /dev/null; fi
  done
}

run_client() {
  local server=$1 workload=$2 client=$3 run=$4
  local logf="$RUN_DIR/logs/$server-$workload-$client-run$run.log"
  local limit=$(( WARMUP + MEASURE * WINDOWS + 120 )) extra=()
  pin_for "$workload"
  if [ "$workload" = idle10k ]; then
    [ "$client" = wrk ] && return 0 # nothing to measure: wrk holds no pool
    limit=400
    # Courier's heap growth by class, for whoever makes its idle connections leaner
    [ "$client" = courier ] && extra=(--histogram 25)
  fi
  log "$server $workload $client (run $run)"
  local before after
  before=$(accepts)
  case $client in
    wrk) run_wrk "$server" "$workload" "$logf" ;;
    go) GOMAXPROCS=$(nproc) timeout -k 10 "$limit" "${PIN[@]}" "$RUN_DIR/gohttp" -workload "$workload" -url "$SERVER_URL" -server "$server" \
          -warmup "$GO_WARMUP" -measure "$MEASURE" -windows "$WINDOWS" -server-status "$SERVER_URL/status" \
          -server-pids "$SERVER_PIDS" > "$logf" 2>&1 || log "  go failed: see $logf" ;;
    *) # shellcheck disable=SC2086
       timeout -k 10 "$limit" "${PIN[@]}" java $JVM_OPTS $JVM_PIN_OPTS -cp "${CP[$client]}" dev.courier.bench.compare.Driver --client "$client" \
          --workload "$workload" --url "$SERVER_URL" --server "$server" --warmup "$WARMUP" --warmup-min "$WARMUP_MIN" --warmup-quiet-ms "$WARMUP_QUIET_MS" --measure "$MEASURE" \
          --windows "$WINDOWS" --server-status "$SERVER_URL/status" --server-pids "$SERVER_PIDS" "${extra[@]}" \
          > "$logf" 2>&1 || log "  $client failed: see $logf" ;;
  esac
  after=$(accepts)
  # The connections the client opened over its whole run, warm-up included: what the server accepted,
  # minus the status readings' own (probe_conns, the last line's: they count up) and this query's.
  local probes opened=na
  probes=$(grep '^RESULT ' "$logf" | grep -o 'probe_conns=[0-9]*' | tail -1 | cut -d= -f2)
  if [ "$before" -ge 0 ] && [ "$after" -ge 0 ]; then opened=$(( after - before - 1 - ${probes:-0} )); fi
  grep '^HISTO ' "$logf" >> "$RESULTS" || true
  grep '^RESULT ' "$logf" | awk -v extra="run=$run conns_opened=$opened" '{ print $0, extra }' | tee -a "$RESULTS" \
    | sed 's/^/  /' | cut -c1-220 >&2 || true
  sleep 1
}

# The client list rotated left by $1 places.
rotated() {
  local -a list=(${CLIENTS//,/ }); local n=${#list[@]} i out=()
  for ((i = 0; i < n; i++)); do out+=("${list[$(( (i + $1) % n ))]}"); done
  echo "${out[*]}"
}

for server in ${SERVERS//,/ }; do
  list=$WORKLOADS; [ "$server" = netty ] && list=$NETTY_WORKLOADS
  [ -n "$list" ] || continue # e.g. --quick --workloads tls-get1k-c16: nothing plain to run
  case $server in
    nginx) start_nginx ;;
    netty) start_netty ;;
    *) echo "unknown server $server" >&2; exit 2 ;;
  esac
  log "server $server at $SERVER_URL"
  for run in $(seq "$RUNS"); do
    for workload in ${list//,/ }; do
      for client in $(rotated $((run - 1))); do run_client "$server" "$workload" "$client" "$run"; done
    done
  done
  stop_server
done

# The TLS and HTTP/2 workloads: run-tls-h2.sh with this run's settings, its raw output in tls-h2/; its
# RESULT lines and meta go into this report below.
TLS_DIR="$RUN_DIR/tls-h2"
if [ -n "$TLS_WORKLOADS" ]; then
  log "TLS and HTTP/2: $TLS_WORKLOADS (run-tls-h2.sh, raw output in $TLS_DIR)"
  xargs -0 "$HERE/run-tls-h2.sh" --run-dir "$TLS_DIR" < <(tls_args) || log "run-tls-h2.sh failed: see above"
fi

META="$RUN_DIR/meta.properties"
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "args=$ARGS"
  echo "label=$LABEL"
  echo "cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "nproc=$(nproc)"
  echo "memory=$(free -h | awk '/Mem:/ {print $2}')"
  echo "kernel=$(uname -sr)"
  echo "load=load average $(cut -d' ' -f1-3 /proc/loadavg) at the end (the machine may be shared)"
  echo "java=$(java -version 2>&1 | head -2 | tail -1)"
  echo "jvm_opts=$JVM_OPTS"
  if command -v go > /dev/null; then echo "go=$(go version)"; fi
  echo "wrk=$( (wrk -v 2>&1 || true) | head -1 | awk '{print $1, $2}')"
  echo "nginx=$("$NGINX" -v 2>&1 | sed 's/.*: //'), 1 worker, keep-alive, access_log off, worker_connections $(( $(ulimit -n) - 100 ))"
  echo "warmup=JVM clients ${WARMUP_MIN}-${WARMUP} s, ending once JIT time grew < ${WARMUP_QUIET_MS} ms over 3 s (Warmup.java; the time used is the warm-up s column); Go ${GO_WARMUP} s; wrk none"
  echo "measure=${MEASURE} s per window"
  echo "windows=$WINDOWS per client process"
  echo "runs=$RUNS process(es) per client and workload"
  if has "$SERVERS" nginx && [ -n "$WORKLOADS" ]; then echo "nginx_workloads=$WORKLOADS"; fi
  case $PIN_C1 in
    same) echo "pin_c1=get1k-c1: client and server on CPU 0 (taskset), so that placement cannot decide the result" ;;
    split) echo "pin_c1=get1k-c1: server on CPU 0, client on CPU 1 (taskset): every wakeup crosses CPUs" ;;
    none) echo "pin_c1=get1k-c1: placement left to the scheduler" ;;
  esac
  if has "$SERVERS" netty && [ -n "$NETTY_WORKLOADS" ]; then
    echo "netty_workloads=$NETTY_WORKLOADS (BenchServer: 1 event loop, in its own JVM, warmed up by wrk first)"
  fi
} > "$META"
mkdir -p "$(dirname "$OUT")"
java -cp "$JAR" dev.courier.bench.compare.ResultsReport --results "$RESULTS" --meta "$META" --out "$OUT" \
  --chart-dir "$RUN_DIR/chart" --chart-png "$(dirname "$OUT")/results-chart" \
  --tls-results "$TLS_DIR/results.txt" --tls-meta "$TLS_DIR/meta.properties"
gnuplot "$RUN_DIR/chart/chart.gp" 2> "$RUN_DIR/logs/gnuplot.log" || log "gnuplot failed: see $RUN_DIR/logs/gnuplot.log"
log "wrote $OUT ($(cat "$RESULTS" "$TLS_DIR/results.txt" 2> /dev/null | grep -c '^RESULT') result lines; raw output in $RUN_DIR)"
