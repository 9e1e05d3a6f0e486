#!/usr/bin/env bash
# Spring WebClient over Courier (client-spring's CourierClientHttpConnector) against WebClient over Reactor Netty
# (Spring's ReactorClientHttpConnector, WebClient's default), and the two clients bare for reference, on
# get1k-c16 (keep-alive GET of 1 KiB, 16 in flight) against BenchServer in its own JVM. All four run from
# benchmarks.jar, on one classpath and one Netty (4.2.18); each client JVM is the comparison's Driver (CPU and
# bytes allocated per request, client process only), and the clients take turns within each run so that
# drifting machine load spreads over all of them. Prints every RESULT line and, per client, the medians and
# the ratio to WebClient over Reactor Netty.
#
#   benchmarks/run-webclient.sh [--runs 2] [--windows 3] [--measure 4] [--warmup 40] [--warmup-min 15] [--no-build]
#                               [--clients webclient-courier,webclient-reactor,courier,reactor]
#   benchmarks/run-webclient.sh --summarize benchmarks/results/webclient-DATE/results.txt   # the table again
#
# About (runs x clients) x (warm-up 15-40 s + windows x measure) + build: ~6-8 minutes with the defaults.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
# shellcheck source=lib.sh
. "$HERE/lib.sh"

# Medians over all windows of each client, each against WebClient over Reactor Netty; cpu_min is the least
# disturbed window's CPU per request (on a shared machine, other work only ever adds to it).
summarize() {
  awk '
  function field(name,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] } return "" }
  function median(list,   a, k, i, j, t) {
    k = split(list, a, " "); for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  function least(list,   a, k, i, m) { k = split(list, a, " "); m = a[1]; for (i = 2; i <= k; i++) if (a[i] + 0 < m + 0) m = a[i]; return m }
  /^RESULT / { m = field("mode"); cpu[m] = cpu[m] " " field("cpu_us_per_req"); alloc[m] = alloc[m] " " field("alloc_b_per_req");
               rps[m] = rps[m] " " field("rps"); other[m] = other[m] " " field("other_cores"); cnt[m]++ }
  END {
    printf "%-18s %8s %11s %10s %13s %10s %12s %9s %10s\n", "client", "windows", "cpu_us/req", "vs wc-rn", "alloc_B/req", "req/s", "other_cores", "cpu_min", "vs wc-rn"
    split("webclient-courier webclient-reactor courier reactor", modes, " ")
    base = median(cpu["webclient-reactor"]); baseMin = least(cpu["webclient-reactor"])
    for (i = 1; i <= 4; i++) { m = modes[i]; if (!cnt[m]) continue
      c = median(cpu[m]); lo = least(cpu[m])
      printf "%-18s %8d %11.1f %9.2fx %13.0f %10.0f %12.2f %9.1f %9.2fx\n", m, cnt[m], c, (base > 0 ? c / base : 0),
        median(alloc[m]), median(rps[m]), median(other[m]), lo, (baseMin > 0 ? lo / baseMin : 0) }
  }' "$1"
}

CLIENTS=(webclient-courier webclient-reactor courier reactor)
RUNS=2 WINDOWS=3 MEASURE=4 WARMUP=40 WARMUP_MIN=15 BUILD=1 WORKLOAD=get1k-c16
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --windows) WINDOWS=$2; shift 2 ;;
    --measure) MEASURE=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --warmup-min) WARMUP_MIN=$2; shift 2 ;;
    --workload) WORKLOAD=$2; shift 2 ;;
    --clients) IFS=, read -r -a CLIENTS <<< "$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --summarize) summarize "$2"; exit 0 ;;
    *) sed -n '2,14p' "$0" >&2; exit 2 ;;
  esac
done
JVM_OPTS=${JVM_OPTS:--Xms2g -Xmx2g -XX:+UseG1GC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}
JAR="$HERE/target/benchmarks.jar"
OUT="$HERE/results/webclient-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"

if [ "$BUILD" = 1 ]; then
  log "building (mvn -pl benchmarks -am package)"
  (cd "$ROOT" && mvn -B -ntp -q -pl benchmarks -am package -DskipTests) > "$OUT/build.log" 2>&1
fi

java -Xms1g -Xmx1g -cp "$JAR" dev.courier.bench.BenchServer --port "$(free_port)" > "$OUT/bench-server.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2> /dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^PORT' "$OUT/bench-server.log" 2> /dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$(awk '/^PORT/ {print $2}' "$OUT/bench-server.log")"
wait_port "${URL##*:}"
log "BenchServer at $URL (pid $SERVER_PID); load average $(cut -d' ' -f1-3 /proc/loadavg)"

for run in $(seq "$RUNS"); do
  for i in "${!CLIENTS[@]}"; do
    client=${CLIENTS[$(( (i + run - 1) % ${#CLIENTS[@]} ))]}
    logf="$OUT/$client-run$run.log"
    log "$client (run $run); load average $(cut -d' ' -f1-3 /proc/loadavg)"
    # shellcheck disable=SC2086
    timeout -k 10 300 java $JVM_OPTS -cp "$JAR" dev.courier.bench.compare.Driver \
      --client "$client" --workload "$WORKLOAD" --url "$URL" --server netty --warmup "$WARMUP" --warmup-min "$WARMUP_MIN" \
      --measure "$MEASURE" --windows "$WINDOWS" --server-status "$URL/status" --server-pids "$SERVER_PID" \
      > "$logf" 2>&1 || log "  $client failed: see $logf"
    grep '^RESULT ' "$logf" | sed "s/^RESULT /RESULT mode=$client run=$run /" | tee -a "$OUT/results.txt" | cut -c1-200 >&2 || true
  done
done

summarize "$OUT/results.txt" | tee "$OUT/summary.txt"
log "raw results in $OUT"
