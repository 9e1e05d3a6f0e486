#!/usr/bin/env bash
# Runs Courier's TLS and HTTP/2 comparison and regenerates benchmarks/RESULTS-tls-h2.md (see TLS-H2.md).
#
#   benchmarks/run-tls-h2.sh            quick: all but tls-resume and idle10k-tls, every client, 3 x 3 s windows
#   benchmarks/run-tls-h2.sh --full     every workload, 3 x 6 s windows, 3 fresh processes per client
#   benchmarks/run-tls-h2.sh --smoke    checks the harness end to end (2 s warm-up, one 2 s window; not a measurement)
#   (--dry-run prints each one's time estimate.) benchmarks/run-comparison.sh runs this script for its TLS
#   and HTTP/2 workloads and folds the results into RESULTS.md; run alone, it writes RESULTS-tls-h2.md.
#
# Options (after the mode; each overrides the mode's default):
#   --workloads a,b   tls-handshake,tls-resume,tls-get1k-c16,h2-cold128,h2-get1k-c128,idle10k-tls
#                     (quick: all but tls-resume and idle10k-tls)
#   --clients a,b     courier-jdk,courier-boringssl,go,wrk,h2load,jdk,reactor,ahc,apache,jetty,vertx (default: all;
#                     each runs the workloads it has: see clients_of below)
#   --warmup S        JVM client warm-up, at most S seconds (quick 15, full 20)
#   --warmup-min S    at least S seconds, then until the JIT is quiet (Warmup.java; default 8; = --warmup: fixed)
#   --warmup-quiet-ms MS  "quiet": JIT compilation time grew by less than MS over the last 3 s (50)
#   --handshake-warmup S  the same cap on tls-handshake and tls-resume (quick 45, full 60): a handshake runs far
#                     more code than a request and ~1,000 of them a second reach the JIT's thresholds slowly
#   --handshake-warmup-min S  their minimum (20)
#   --go-warmup S     Go client warm-up seconds (5)
#   --measure S       seconds per measured window (quick 3, full 6)
#   --windows K       measured windows per client process (3)
#   --runs R          fresh processes per client and workload (quick 1, full 3); figures are medians of R x K windows
#   --key ec|rsa      the server certificate's key: ECDSA P-256 (default) or RSA 2048
#   --out FILE        the report (benchmarks/RESULTS-tls-h2.md)
#   --label TEXT      a note printed at the top of the report
#   --no-install      do not apt-get install missing tools
#   --dry-run         print the plan and the time estimate, run nothing
#   --run-dir DIR     raw output there (default benchmarks/results/tls-h2-<date>)
#   --no-build        use benchmarks/target/benchmarks.jar as built (run-comparison.sh has just built it)
#   --no-report       write no report: run-comparison.sh folds the RESULT lines into RESULTS.md
#
# It installs nginx, golang-go, wrk, nghttp2-client (h2load), openssl and time from Debian when missing,
# makes a test CA and a certificate for 127.0.0.1 with openssl, builds the benchmarks module (with
# client-tls, for BoringSSL), the peers' classpaths (benchmarks/peers/*) and the Go client (go-tls/),
# starts one nginx with five ports (nginx/tls-h2.conf.template), runs every client in its own process,
# stops nginx and writes the report. Raw output stays in benchmarks/results/tls-h2-<date>/ (not committed).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"
ALL_WORKLOADS="tls-handshake,tls-resume,tls-get1k-c16,h2-cold128,h2-get1k-c128,idle10k-tls"
ALL_CLIENTS="courier-jdk,courier-boringssl,go,wrk,h2load,jdk,reactor,ahc,apache,jetty,vertx"
MODE=quick WORKLOADS="tls-handshake,tls-get1k-c16,h2-cold128,h2-get1k-c128" CLIENTS=$ALL_CLIENTS WARMUP=15 HS_WARMUP=45
WARMUP_MIN=8 WARMUP_QUIET_MS=50 HS_WARMUP_MIN=20 GO_WARMUP=5 MEASURE=3 WINDOWS=3 RUNS=1
KEY=ec OUT="$HERE/RESULTS-tls-h2.md" LABEL="" INSTALL=1 DRY_RUN=0 RUN_DIR="" BUILD=1 REPORT=1
ARGS="$*"

case "${1:-}" in
  --quick) shift ;;
  --full) MODE=full; WORKLOADS=$ALL_WORKLOADS; WARMUP=20; HS_WARMUP=60; MEASURE=6; RUNS=3; shift ;;
  --smoke) MODE=smoke; WORKLOADS=${ALL_WORKLOADS%,idle10k-tls}; WARMUP=2; HS_WARMUP=2; WARMUP_MIN=2; HS_WARMUP_MIN=2
           GO_WARMUP=1; MEASURE=2; WINDOWS=1
           LABEL="SMOKE RUN: 2 s warm-up and one 2 s window per client, to check the harness; not a measurement."
           shift ;;
esac
while [ $# -gt 0 ]; do
  case "$1" in
    --workloads) WORKLOADS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --handshake-warmup) HS_WARMUP=$2; shift 2 ;;
    --warmup-min) WARMUP_MIN=$2; shift 2 ;;
    --warmup-quiet-ms) WARMUP_QUIET_MS=$2; shift 2 ;;
    --handshake-warmup-min) HS_WARMUP_MIN=$2; shift 2 ;;
    --run-dir) RUN_DIR=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-report) REPORT=0; shift ;;
    --go-warmup) GO_WARMUP=$2; shift 2 ;;
    --measure) MEASURE=$2; shift 2 ;;
    --windows) WINDOWS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --key) KEY=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --label) LABEL=$2; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case $KEY in ec|rsa) ;; *) echo "--key must be ec or rsa" >&2; exit 2 ;; esac

# -Djavax.net.ssl.trustStore (added below) is how every JVM client here trusts the test CA: each reads
# the JVM's default trust store when given no trust of its own. common.parallelism=2: see README.md
# ("The JDK client on two cores"). Transport=info logs the TLS engine Courier picked.
JVM_OPTS=${JVM_OPTS:--Xms2g -Xmx2g -XX:+UseG1GC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}
JVM_OPTS="$JVM_OPTS -Dorg.slf4j.simpleLogger.log.dev.courier.http.Transport=info"


# The workloads each client runs: wrk has no HTTP/2, h2load is run for HTTP/2 only (the limit reference),
# the JVM peers and Go where the issue names them, Vert.x for HTTP/2 only. h2-cold128 is a short run (no
# warm-up to speak of) that only counts the connections a cold burst of 128 opens; h2-get1k-c128 then
# primes each client with one request, so that its 128 streams find a connection with known SETTINGS.
# idle10k-tls: every client that keeps a pool (wrk and h2load do not; Vert.x is here for HTTP/2 only).
clients_of() {
  case $1 in
    tls-handshake|tls-resume) echo "courier-jdk courier-boringssl go wrk jdk" ;;
    tls-get1k-c16) echo "courier-jdk courier-boringssl go wrk jdk reactor apache" ;;
    h2-cold128) echo "courier-jdk courier-boringssl go jdk reactor apache vertx" ;;
    h2-get1k-c128) echo "courier-jdk courier-boringssl go h2load jdk reactor apache vertx" ;;
    idle10k-tls) echo "courier-jdk courier-boringssl go jdk reactor ahc apache jetty" ;;
    *) echo "unknown workload $1" >&2; return 1 ;;
  esac
}
for w in ${WORKLOADS//,/ }; do clients_of "$w" > /dev/null; done

install_tools() {
  local missing=()
  command -v nginx > /dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v go > /dev/null || missing+=(golang-go)
  command -v wrk > /dev/null || missing+=(wrk)
  command -v h2load > /dev/null || missing+=(nghttp2-client)
  command -v openssl > /dev/null || missing+=(openssl)
  command -v ss > /dev/null || missing+=(iproute2)
  [ -x /usr/bin/time ] || missing+=(time)
  install_missing ${missing[@]+"${missing[@]}"}
}

# The adaptive warm-up ends between its minimum and its cap; the estimate takes the warm-up the JVM clients
# needed in measured runs (README.md, "Time budget": 13 s on average on get1k-c16 and -c128; on tls-handshake Courier
# on BoringSSL was quiet after 29 s, the two JDK-engine clients not within 45), and also says how long the
# run takes if every one of them needs the cap.
TYPICAL_WARMUP=13 TYPICAL_HS_WARMUP=40
typical() { local cap=$1 min=$2 t=$3; [ "$t" -lt "$min" ] && t=$min; [ "$t" -gt "$cap" ] && t=$cap; echo "$t"; }
runs_planned=0 seconds_planned=0 seconds_most=0
plan() { seconds_planned=$((seconds_planned + RUNS * $1)); seconds_most=$((seconds_most + RUNS * ${2:-$1})); }
for w in ${WORKLOADS//,/ }; do
  for c in $(clients_of "$w"); do
    has "$CLIENTS" "$c" || continue
    runs_planned=$((runs_planned + RUNS))
    case $w:$c in
      h2-cold128:*) plan 11 ;;
      # start-up, 10,000 TLS handshakes, ~12 s of slow responses, full GCs: measured (load 6-8) 36-77 s
      idle10k-tls:courier-jdk|idle10k-tls:jdk|idle10k-tls:apache) plan 75 ;;
      idle10k-tls:*) plan 55 ;;
      # besides warm-up and windows: start, close, the connection count and the pause after each (measured)
      *:wrk|*:h2load) plan $((MEASURE * WINDOWS + 3)) ;;
      *:go) plan $((GO_WARMUP + MEASURE * WINDOWS + 3)) ;;
      tls-handshake:*|tls-resume:*)
        plan $(( $(typical "$HS_WARMUP" "$HS_WARMUP_MIN" "$TYPICAL_HS_WARMUP") + MEASURE * WINDOWS + 5)) $((HS_WARMUP + MEASURE * WINDOWS + 5)) ;;
      *) plan $(( $(typical "$WARMUP" "$WARMUP_MIN" "$TYPICAL_WARMUP") + MEASURE * WINDOWS + 4)) $((WARMUP + MEASURE * WINDOWS + 4)) ;;
    esac
  done
done
# nginx start and certificates: ~5 s; the build: ~30 s (none with --no-build)
seconds_planned=$((seconds_planned + 5 + 30 * BUILD)) seconds_most=$((seconds_most + 5 + 30 * BUILD))
log "mode $MODE: $runs_planned client runs, about $((seconds_planned / 60 + 1)) minutes" \
  "(at most $((seconds_most / 60 + 1)) if every JVM client needs its whole warm-up)"
if [ "$DRY_RUN" = 1 ]; then
  echo "ESTIMATE seconds=$seconds_planned most=$seconds_most"
  for w in ${WORKLOADS//,/ }; do
    echo "$w: $(for c in $(clients_of "$w"); do has "$CLIENTS" "$c" && printf '%s ' "$c"; done)"
  done
  exit 0
fi

STAMP=$(date -u +%Y%m%d-%H%M%S)
[ -n "$RUN_DIR" ] || RUN_DIR="$HERE/results/tls-h2-$STAMP"
mkdir -p "$RUN_DIR/logs"
RESULTS="$RUN_DIR/results.txt"
: > "$RESULTS"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
NGINX_PID="" NGINX_DIR=""
cleanup() {
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2> /dev/null || true; wait "$NGINX_PID" 2> /dev/null || true; fi
  [ -n "$NGINX_DIR" ] && rm -rf "$NGINX_DIR"
  return 0
}
trap cleanup EXIT

install_tools
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
ulimit -n 65536 2> /dev/null || ulimit -n "$(ulimit -Hn)" 2> /dev/null || true

if [ "$BUILD" = 1 ]; then
  log "building (results in $RUN_DIR)"
  (cd "$ROOT" && mvn -q -B package -DskipTests -pl benchmarks -am) > "$RUN_DIR/logs/build.log" 2>&1 \
    || { tail -30 "$RUN_DIR/logs/build.log" >&2; exit 1; }
fi
JAR="$HERE/target/benchmarks.jar"
declare -A CP
for c in courier-jdk courier-boringssl jdk; do CP[$c]=$JAR; done
for p in reactor ahc apache jetty vertx; do
  has "$CLIENTS" "$p" || continue
  (cd "$HERE/peers/$p" && mvn -q -B dependency:build-classpath -Dmdep.outputFile="$RUN_DIR/cp-$p.txt") \
    >> "$RUN_DIR/logs/build.log" 2>&1 || { tail -30 "$RUN_DIR/logs/build.log" >&2; exit 1; }
  CP[$p]="$HERE/target/classes:$(cat "$RUN_DIR/cp-$p.txt")"
done
if has "$CLIENTS" go; then
  (cd "$HERE/go-tls" && go build -o "$RUN_DIR/gotls" .) >> "$RUN_DIR/logs/build.log" 2>&1 \
    || { tail -30 "$RUN_DIR/logs/build.log" >&2; exit 1; }
  # idle10k-tls: the plain comparison's Go client (go/idle.go) over https
  (cd "$HERE/go" && go build -o "$RUN_DIR/gohttp" .) >> "$RUN_DIR/logs/build.log" 2>&1 \
    || { tail -30 "$RUN_DIR/logs/build.log" >&2; exit 1; }
fi

# A test CA and a server certificate for 127.0.0.1 (and localhost), made fresh for each run.
make_certs() {
  local d=$1 keyopts
  if [ "$KEY" = ec ]; then keyopts=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); else keyopts=(-newkey rsa:2048); fi
  openssl req -x509 "${keyopts[@]}" -nodes -days 2 -subj "/CN=Courier bench test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$d/ca-key.pem" -out "$d/ca.pem" 2> "$d/openssl.log"
  openssl req "${keyopts[@]}" -nodes -subj "/CN=127.0.0.1" -keyout "$d/server-key.pem" -out "$d/server.csr" \
    2>> "$d/openssl.log"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
    > "$d/server.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial -days 2 \
    -extfile "$d/server.ext" -out "$d/server-chain.pem" 2>> "$d/openssl.log"
  rm -f "$d/trust.p12"
  keytool -importcert -noprompt -alias bench-ca -file "$d/ca.pem" -keystore "$d/trust.p12" -storetype PKCS12 \
    -storepass changeit > /dev/null 2>> "$d/openssl.log"
}

start_nginx() {
  local base=/dev/shm; [ -w "$base" ] || base=${TMPDIR:-/tmp}
  NGINX_DIR=$(mktemp -d "$base/courier-nginx-tls.XXXXXX")
  mkdir -p "$NGINX_DIR/www"
  head -c 1024 /dev/zero | tr '\0' x > "$NGINX_DIR/www/1k"
  head -c 3072 /dev/zero | tr '\0' x > "$NGINX_DIR/www/idle"
  make_certs "$NGINX_DIR"
  cp "$NGINX_DIR/ca.pem" "$RUN_DIR/ca.pem"
  local user="" version listen directive nofile; nofile=$(ulimit -n)
  [ "$(id -u)" = 0 ] && user="user root;"
  # idle10k-tls: 10,000 connections at once, each one descriptor in nginx (the /idle file's is shared)
  if [ "$nofile" -lt 10500 ] && has "$WORKLOADS" idle10k-tls; then
    echo "idle10k-tls needs 10,500 open files in nginx; ulimit -n is $nofile (raise the hard limit)" >&2; exit 1
  fi
  version=$("$NGINX" -v 2>&1 | sed 's#.*/##')
  # "http2 on;" came with nginx 1.25.1; before it http2 is a listen parameter (Debian 12 has 1.22).
  if printf '%s\n1.25.1\n' "$version" | sort -V -C; then listen=http2 directive=""; else listen="" directive="http2 on;"; fi
  H2_PORT=$(free_port) H1_PORT=$(free_port) FULL_PORT=$(free_port) RESUME_PORT=$(free_port) STATUS_PORT=$(free_port)
  sed -e "s#@DIR@#$NGINX_DIR#g" -e "s#@USER@#$user#" -e "s#@H2_PORT@#$H2_PORT#" -e "s#@H1_PORT@#$H1_PORT#" \
      -e "s#@FULL_PORT@#$FULL_PORT#" -e "s#@RESUME_PORT@#$RESUME_PORT#" -e "s#@STATUS_PORT@#$STATUS_PORT#" \
      -e "s#@HTTP2_LISTEN@#$listen#" -e "s#@HTTP2_DIRECTIVE@#$directive#" -e "s#@NOFILE@#$nofile#" \
      -e "s#@CONNECTIONS@#$(( nofile > 200 ? nofile - 100 : nofile ))#" \
      "$HERE/nginx/tls-h2.conf.template" > "$NGINX_DIR/nginx.conf"
  : > "$NGINX_DIR/full.log"; : > "$NGINX_DIR/resume.log"
  "$NGINX" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" > "$RUN_DIR/logs/nginx.log" 2>&1 &
  NGINX_PID=$!
  for p in $H2_PORT $H1_PORT $FULL_PORT $RESUME_PORT $STATUS_PORT; do wait_port "$p"; done
  cp "$NGINX_DIR/nginx.conf" "$RUN_DIR/nginx.conf"
}

port_of() {
  case $1 in
    tls-handshake) echo "$FULL_PORT" ;;
    tls-resume) echo "$RESUME_PORT" ;;
    tls-get1k-c16|idle10k-tls) echo "$H1_PORT" ;;
    h2-get1k-c128|h2-cold128) echo "$H2_PORT" ;;
  esac
}

# nginx's count of accepted connections (stub_status); the query's own connection counts too.
accepts() {
  local reply
  reply=$(exec 3<> "/dev/tcp/127.0.0.1/$STATUS_PORT" && printf 'GET /status HTTP/1.0\r\nHost: x\r\n\r\n' >&3 && cat <&3)
  awk '/^ *[0-9]+ +[0-9]+ +[0-9]+ *$/ { print $1; exit }' <<< "$reply"
}

# Samples the connections established to port $1 every 2 s into file $2 (one count per line).
sample_connections() {
  local port=$1 out=$2 runner=$$
  while kill -0 "$runner" 2> /dev/null; do # ends with the runner, should it be killed
    ss -Htn state established "( dport = :$port )" 2> /dev/null | wc -l >> "$out"
    sleep 2
  done
}

# wrk (HTTP/1.1 over TLS) and h2load (HTTP/2): one run per window, CPU from /usr/bin/time (user + system).
run_wrk() {
  local workload=$1 logf=$2 url=$3 close=0 version
  [ "$workload" = tls-get1k-c16 ] || close=1
  version=$( (wrk -v 2>&1 || true) | head -1 | awk '{print $2}')
  for k in $(seq "$WINDOWS"); do
    WRK_METHOD=GET WRK_BODY_SIZE=0 WRK_CLOSE=$close /usr/bin/time -f "TIME %U %S" -o "$logf.time" \
      wrk -t2 -c16 -d"${MEASURE}s" --timeout 30s -s "$HERE/wrk/workload.lua" "$url/1k" >> "$logf" 2>&1 || true
    local line time
    line=$(grep '^WRK ' "$logf" | tail -1) time=$(cat "$logf.time" 2> /dev/null || echo "TIME 0 0")
    [ -n "$line" ] || { echo "wrk printed no result; see $logf" >&2; continue; }
    awk -v line="$line" -v time="$time" -v workload="$workload" -v k="$k" -v ver="$version" 'BEGIN {
      n = split(line, f, /[ =]/); for (i = 2; i < n; i += 2) v[f[i]] = f[i + 1]
      split(time, t, " "); cpu = (t[2] + t[3]) * 1e6; s = v["duration_us"] / 1e6; r = v["requests"]; per = r > 0 ? r : 1
      printf "RESULT client=wrk version=wrk_%s workload=%s server=nginx window=%d seconds=%.3f requests=%d errors=%d", ver, workload, k, s, r, v["errors"]
      printf " rps=%.3f mib_s=%.3f cpu_us_per_req=%.3f cpu_cores=%.3f alloc_b_per_req=na", r / s, r * 1024 / s / 1048576, cpu / per, cpu / 1e6 / s
      printf " p50_us=%s p99_us=%s p999_us=%s max_us=%s jit_ms=na gc_count=na gc_ms=na\n", v["p50_us"], v["p99_us"], v["p999_us"], v["max_us"]
    }' >> "$logf"
  done
}

run_h2load() {
  local workload=$1 logf=$2 url=$3 version
  version=$(h2load --version 2>&1 | awk '{print $2}' | sed 's#nghttp2/##')
  for k in $(seq "$WINDOWS"); do
    local out="$logf.window$k"
    /usr/bin/time -f "TIME %U %S" -o "$logf.time" h2load -c1 -t1 -m128 -D "$MEASURE" "$url/1k" > "$out" 2>&1 || true
    cat "$out" >> "$logf"
    awk -v time="$(cat "$logf.time" 2> /dev/null || echo "TIME 0 0")" -v workload="$workload" -v k="$k" -v ver="$version" '
      /^finished in/ { s = $3; sub(/s,$/, "", s) }
      /^requests:/ { r = $8; bad = $10 + $12 + $14 }
      /^time for request:/ { mean = $6 }
      END {
        if (s == "" || r == "") { print "h2load printed no result" > "/dev/stderr"; exit 1 }
        unit = mean; f = 1
        if (unit ~ /us$/) f = 1; else if (unit ~ /ms$/) f = 1000; else if (unit ~ /s$/) f = 1e6
        sub(/[a-z]+$/, "", unit)
        split(time, t, " "); cpu = (t[2] + t[3]) * 1e6; per = r > 0 ? r : 1
        printf "RESULT client=h2load version=nghttp2_%s workload=%s server=nginx window=%d seconds=%.3f requests=%d errors=%d", ver, workload, k, s, r, bad
        printf " rps=%.3f mib_s=%.3f cpu_us_per_req=%.3f cpu_cores=%.3f alloc_b_per_req=na", r / s, r * 1024 / s / 1048576, cpu / per, cpu / 1e6 / s
        printf " p50_us=na p99_us=na p999_us=na max_us=na mean_us=%.1f jit_ms=na gc_count=na gc_ms=na\n", unit * f
      }' "$out" >> "$logf" || true
  done
}

run_client() {
  local workload=$1 client=$2 run=$3 port url
  local logf="$RUN_DIR/logs/$workload-$client-run$run.log"
  local limit=$(( WARMUP + HS_WARMUP + MEASURE * WINDOWS + 120 ))
  # h2-cold128: a short run, only the connection count matters; h2-get1k-c128: primed (see clients_of).
  # idle10k-tls: not a load loop (IdleMemory.java, go/idle.go); Courier's heap growth by class is printed.
  local warmup=$WARMUP warmup_min=$WARMUP_MIN go_warmup=$GO_WARMUP measure=$MEASURE windows=$WINDOWS prime=false hist=()
  case $workload in
    tls-handshake|tls-resume) warmup=$HS_WARMUP warmup_min=$HS_WARMUP_MIN ;;
    h2-cold128) warmup=5 warmup_min=5 go_warmup=2 measure=1 windows=1 ;;
    h2-get1k-c128) prime=true ;;
    idle10k-tls) limit=400; case $client in courier-*) hist=(--histogram 25) ;; esac ;;
  esac
  port=$(port_of "$workload")
  url="https://127.0.0.1:$port"
  log "$workload $client (run $run)"
  local hslog="" hs_before=0
  case $workload in
    tls-handshake) hslog="$NGINX_DIR/full.log" ;;
    tls-resume) hslog="$NGINX_DIR/resume.log" ;;
  esac
  [ -n "$hslog" ] && hs_before=$(wc -l < "$hslog")
  local before after samples="$logf.conns"
  : > "$samples"
  before=$(accepts)
  sample_connections "$port" "$samples" &
  local sampler=$!
  case $client in
    wrk) run_wrk "$workload" "$logf" "$url" ;;
    h2load) run_h2load "$workload" "$logf" "$url" ;;
    go) if [ "$workload" = idle10k-tls ]; then
          GOMAXPROCS=$(nproc) timeout -k 10 "$limit" "$RUN_DIR/gohttp" -workload "$workload" -url "$url" \
            -ca "$RUN_DIR/ca.pem" -server nginx > "$logf" 2>&1 || log "  go failed: see $logf"
        else
          timeout -k 10 "$limit" "$RUN_DIR/gotls" -workload "$workload" -url "$url" -ca "$RUN_DIR/ca.pem" -server nginx \
            -warmup "$go_warmup" -measure "$measure" -windows "$windows" -prime="$prime" > "$logf" 2>&1 \
            || log "  go failed: see $logf"
        fi ;;
    *) # shellcheck disable=SC2086
       timeout -k 10 "$limit" java $JVM_OPTS -Djavax.net.ssl.trustStore="$NGINX_DIR/trust.p12" \
          -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12 \
          -cp "${CP[$client]}" dev.courier.bench.compare.TlsH2Driver --client "$client" --workload "$workload" \
          --url "$url" --server nginx --warmup "$warmup" --warmup-min "$warmup_min" --warmup-quiet-ms "$WARMUP_QUIET_MS" \
          --measure "$measure" --windows "$windows" --prime "$prime" "${hist[@]}" > "$logf" 2>&1 \
          || log "  $client failed: see $logf" ;;
  esac
  kill "$sampler" 2> /dev/null || true
  wait "$sampler" 2> /dev/null || true
  after=$(accepts)
  local opened=$(( after - before - 1 )) most
  most=$(sort -n "$samples" | tail -1)
  local extra="conns_opened=$opened conns_max=${most:-0}"
  if [ -n "$hslog" ]; then
    sleep 1.5 # the handshake log is flushed every second
    local lines reused tls
    lines=$(tail -n +"$((hs_before + 1))" "$hslog")
    reused=$(awk '$1 == "r" { r++ } END { printf "%.1f", NR ? 100 * r / NR : 0 }' <<< "$lines")
    tls=$(awk '{ c[$2 "/" $3 "/" $4]++ } END { for (k in c) if (c[k] > best) { best = c[k]; top = k } print top }' <<< "$lines")
    extra="$extra resumed_pct=$reused tls=${tls:-?}"
  fi
  local engine
  engine=$(grep -o 'TLS engine: .*' "$logf" | head -1 | sed 's/^TLS engine: //; s/ /_/g' || true)
  [ -n "$engine" ] && extra="$extra engine=$engine"
  grep '^HISTO ' "$logf" >> "$RESULTS" || true
  grep '^RESULT ' "$logf" | awk -v extra="run=$run $extra" '{ print $0, extra }' | tee -a "$RESULTS" | sed 's/^/  /' | cut -c1-260 >&2 || true
  sleep 1
}

start_nginx
log "nginx: h2 $H2_PORT, http/1.1 $H1_PORT, full handshakes $FULL_PORT, resumption $RESUME_PORT, status $STATUS_PORT"
for run in $(seq "$RUNS"); do
  for workload in ${WORKLOADS//,/ }; do
    for client in $(clients_of "$workload"); do
      has "$CLIENTS" "$client" || continue
      run_client "$workload" "$client" "$run"
    done
  done
done
kill "$NGINX_PID" 2> /dev/null || true
wait "$NGINX_PID" 2> /dev/null || true
NGINX_PID=""

META="$RUN_DIR/meta.properties"
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "mode=$MODE"
  echo "args=$ARGS"
  echo "label=$LABEL"
  echo "cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "nproc=$(nproc)"
  echo "memory=$(free -h | awk '/Mem:/ {print $2}')"
  echo "kernel=$(uname -sr)"
  echo "load=load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (1, 5, 15 min)"
  echo "java=$(java -version 2>&1 | head -2 | tail -1)"
  echo "jvm_opts=$JVM_OPTS"
  if command -v go > /dev/null; then echo "go=$(go version)"; fi
  echo "wrk=$( (wrk -v 2>&1 || true) | head -1 | awk '{print $1, $2}')"
  echo "h2load=$(h2load --version 2>&1 | head -1)"
  echo "openssl=$(openssl version)"
  echo "nginx=$("$NGINX" -v 2>&1 | sed 's/.*: //'), 1 worker, keep-alive, access_log off (a buffered one-line log on the two handshake ports)"
  echo "certificate=$( [ "$KEY" = ec ] && echo "ECDSA P-256" || echo "RSA 2048") leaf signed by a test CA (same key type); nginx sends the leaf only"
  echo "warmup=JVM clients: ${WARMUP_MIN}-${WARMUP} s, ${HS_WARMUP_MIN}-${HS_WARMUP} s on the handshake workloads, ending once JIT time grew < ${WARMUP_QUIET_MS} ms over 3 s (Warmup.java; the time used is warmup_s in each RESULT line); Go ${GO_WARMUP} s; wrk and h2load none; h2-cold128 5 s, one 1 s window"
  echo "measure=${MEASURE} s per window"
  echo "windows=$WINDOWS per client process"
  echo "runs=$RUNS process(es) per client and workload"
  echo "workloads=$WORKLOADS"
} > "$META"
if [ "$REPORT" = 1 ]; then
  mkdir -p "$(dirname "$OUT")"
  java -cp "$JAR" dev.courier.bench.compare.TlsH2Report --results "$RESULTS" --meta "$META" --out "$OUT"
  log "wrote $OUT ($(grep -c '^RESULT' "$RESULTS") result lines; raw output in $RUN_DIR)"
else
  log "TLS and HTTP/2: $(grep -c '^RESULT' "$RESULTS") result lines in $RESULTS"
fi
