#!/usr/bin/env bash
# What the observability modules cost: Courier bare, with client-micrometer, with client-opentelemetry, and
# with both, on get1k-c16 (keep-alive GET of 1 KiB, 16 in flight) against BenchServer in its own JVM. Each
# client JVM is the comparison's Driver (CPU and bytes allocated per request, client process only); the
# modes take turns within each run so that drifting machine load spreads over all of them. Prints every
# RESULT line and, per mode, the median over all windows and the ratio to bare.
#
#   benchmarks/run-observe.sh [--runs 3] [--windows 3] [--measure 4] [--warmup 60] [--warmup-min 20] [--no-build]
#                             [--modes none,micrometer,otel,both]   (also otel10, both10: one trace in ten sampled)
#   benchmarks/run-observe.sh --summarize benchmarks/results/observe-DATE/results.txt   # the table again
#
# The warm-up is longer than the comparison's (20-60 s, ending once the JIT is quiet): with both modules the
# JIT was still compiling after 20 s on a loaded 2-core machine, and its threads' CPU landed in the windows.
# About (runs x modes) x (warm-up 20-60 s + windows x measure) + build: ~12-15 minutes with the defaults.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
# shellcheck source=lib.sh
. "$HERE/lib.sh"

# Medians over all windows of each mode, and each mode against bare Courier; cpu_min is the least disturbed
# window's CPU per request (on a shared machine, other work only ever adds to it).
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
    printf "%-11s %8s %11s %9s %13s %10s %12s %9s %9s\n", "mode", "windows", "cpu_us/req", "vs none", "alloc_B/req", "req/s", "other_cores", "cpu_min", "vs none"
    split("none micrometer otel both otel10 both10", modes, " ")
    base = median(cpu["none"])
    for (i = 1; i <= 6; i++) { m = modes[i]; if (!cnt[m]) continue
      c = median(cpu[m]); lo = least(cpu[m])
      printf "%-11s %8d %11.1f %+8.1f%% %13.0f %10.0f %12.2f %9.1f %+8.1f%%\n", m, cnt[m], c, (base > 0 ? (c / base - 1) * 100 : 0),
        median(alloc[m]), median(rps[m]), median(other[m]), lo, (least(cpu["none"]) > 0 ? (lo / least(cpu["none"]) - 1) * 100 : 0) }
  }' "$1"
}

MODES=(none micrometer otel both)
RUNS=3 WINDOWS=3 MEASURE=4 WARMUP=60 WARMUP_MIN=20 BUILD=1 WORKLOAD=get1k-c16
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --windows) WINDOWS=$2; shift 2 ;;
    --measure) MEASURE=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --warmup-min) WARMUP_MIN=$2; shift 2 ;;
    --workload) WORKLOAD=$2; shift 2 ;;
    --modes) IFS=, read -r -a MODES <<< "$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --summarize) summarize "$2"; exit 0 ;;
    *) sed -n '2,10p' "$0" >&2; exit 2 ;;
  esac
done
JVM_OPTS=${JVM_OPTS:--Xms2g -Xmx2g -XX:+UseG1GC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}
JAR="$HERE/target/benchmarks.jar"
OUT="$HERE/results/observe-$(date +%Y%m%d-%H%M%S)"
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
  for i in "${!MODES[@]}"; do
    mode=${MODES[$(( (i + run - 1) % ${#MODES[@]} ))]}
    logf="$OUT/$mode-run$run.log"
    log "$mode (run $run)"
    # shellcheck disable=SC2086
    timeout -k 10 300 java $JVM_OPTS -Dcourier.bench.observe="$mode" -cp "$JAR" dev.courier.bench.compare.Driver \
      --client courier --workload "$WORKLOAD" --url "$URL" --server netty --warmup "$WARMUP" --warmup-min "$WARMUP_MIN" \
      --measure "$MEASURE" --windows "$WINDOWS" --server-status "$URL/status" --server-pids "$SERVER_PID" \
      > "$logf" 2>&1 || log "  $mode failed: see $logf"
    grep '^RESULT ' "$logf" | sed "s/^RESULT /RESULT mode=$mode run=$run /" | tee -a "$OUT/results.txt" | cut -c1-200 >&2 || true
  done
done

summarize "$OUT/results.txt" | tee "$OUT/summary.txt"
log "raw results in $OUT"
