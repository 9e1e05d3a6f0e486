#!/usr/bin/env bash
# The soak (issue 12): a bounded run of many requests with faults, which checks that Courier ends every request,
# leaves nothing leased, leaks nothing and comes back to the resources it started with. Not part of `mvn verify`.
#
#   benchmarks/run-soak.sh [--requests 1000000] [--inflight 256] [--faults 0.05] [--seed 1] [--warmup N]
#                          [--sample-seconds 5] [--max-minutes M] [--out DIR] [--no-build]
#
# Builds the module (reactor build from the repository root, no install), starts SoakServer (client-core's test
# servers: HTTP/1.1, HTTP/1.1 over TLS, HTTP/2 over TLS, and an HTTP/2 server for connection-breaking faults) in its
# own JVM, runs SoakDriver in another, then draws the chart. Writes into DIR (default
# benchmarks/results/soak-DATE/, which git ignores): samples.csv, summary.md, outcomes.tsv, unexpected.txt,
# leaks.txt and hung.txt (when any), soak-chart.png, driver.log, server.log. Exit status: the driver's (0: every
# check passed). About 25 minutes per million requests on 2 idle cores (see SOAK.md); --requests 20000 for a check.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
# shellcheck source=lib.sh
. "$HERE/lib.sh"

ARGS=() OUT="" BUILD=1 SAMPLE=5
while [ $# -gt 0 ]; do
  case $1 in
    --requests|--inflight|--faults|--seed|--warmup|--max-minutes|--protos|--kinds) ARGS+=("$1" "$2"); shift 2 ;;
    --sample-seconds) SAMPLE=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    *) sed -n '2,12p' "$0" >&2; exit 2 ;;
  esac
done
OUT=${OUT:-$HERE/results/soak-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
JAR="$HERE/target/benchmarks.jar"
command -v gnuplot > /dev/null || install_missing gnuplot-nox

if [ "$BUILD" = 1 ]; then
  log "building (mvn -pl benchmarks -am package -DskipTests)"
  (cd "$ROOT" && mvn -B -ntp -q -pl benchmarks -am package -DskipTests) > "$OUT/build.log" 2>&1 \
    || { tail -30 "$OUT/build.log" >&2; exit 1; }
fi

# The servers: Netty's leak detector off (they are fixtures; the client is what is checked).
java -Xms1g -Xmx1g -XX:+UseG1GC -Dio.netty.leakDetection.level=disabled -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$JAR" dev.courier.bench.soak.SoakServer "$OUT/servers" > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2> /dev/null || true' EXIT
for _ in $(seq 300); do [ -f "$OUT/servers/ports.properties" ] && break; sleep 0.1; done
[ -f "$OUT/servers/ports.properties" ] || { cat "$OUT/server.log" >&2; exit 1; }
log "servers up (pid $SERVER_PID): $(tr '\n' ' ' < "$OUT/servers/ports.properties"); load average $(cut -d' ' -f1-3 /proc/loadavg)"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# The client: ADVANCED leak detection samples 1 buffer in 128 (Netty's default interval) and records where each
# tracked buffer was touched; PARANOID (every buffer) is for the tests. A fixed-size heap keeps "heap after GC"
# comparable over the run.
CLIENT_OPTS=${CLIENT_OPTS:--Xms1g -Xmx1g -XX:+UseG1GC -Dio.netty.leakDetection.level=advanced}
log "client: ${ARGS[*]:-defaults}"
# shellcheck disable=SC2086
java $CLIENT_OPTS -cp "$JAR" dev.courier.bench.soak.SoakDriver --servers "$OUT/servers" --out "$OUT" \
  --sample-seconds "$SAMPLE" "${ARGS[@]}" > "$OUT/driver.log" 2>&1 &
DRIVER_PID=$!
trap 'kill "$SERVER_PID" "$DRIVER_PID" 2> /dev/null || true' EXIT
# Progress on the terminal: the driver's own lines (the log has Courier's and Netty's too).
tail -n +1 -f --pid="$DRIVER_PID" "$OUT/driver.log" | grep --line-buffered -E '^(soak|\||#|$)' || true
status=0
wait "$DRIVER_PID" || status=$?
kill "$SERVER_PID" 2> /dev/null || true
wait "$SERVER_PID" 2> /dev/null || true
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "load average (1, 5, 15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER"
  echo "LEAK lines in driver.log: $(grep -c 'LEAK:' "$OUT/driver.log" || true)"
  echo "abandoned-response warnings in driver.log: $(grep -c 'A connection was leaked' "$OUT/driver.log" || true)"
} | tee "$OUT/machine.txt"

# The chart: memory (heap after GC, direct) and descriptors/connections over time, event-loop latency under them.
gnuplot <<EOF || log "gnuplot failed"
set terminal pngcairo size 1200,1000 font "sans,10"
set output "$OUT/soak-chart.png"
set datafile separator ","
set key autotitle columnhead
set multiplot layout 3,1 title "Courier soak: client process over time ($(grep -m1 '^soak:' "$OUT/driver.log" | sed -e 's/^soak: //' -e 's/; out .*//'))"
set xlabel "minutes"
set grid
set ylabel "MiB"
set key top left
# A sample whose System.gc() ran no full collection has no heap figure (-1): left out.
plot "$OUT/samples.csv" using (\$1/60):(\$9 > 0 ? \$9 : NaN) with lines lw 2 title "heap used after a full GC", \
     "" using (\$1/60):27 with lines lw 2 title "direct memory in use", \
     "" using (\$1/60):11 with lines lw 1 title "direct memory allocated (Netty's counter: the pooled allocator's 4 MiB chunks and the rest)"
set ylabel "count"
plot "$OUT/samples.csv" using (\$1/60):15 with lines lw 2 title "open file descriptors", \
     "" using (\$1/60):16 with lines lw 1 title "sockets", \
     "" using (\$1/60):17 with lines lw 2 title "connections open", \
     "" using (\$1/60):18 with lines lw 1 title "connections leased"
set ylabel "ms"
set logscale y
plot "$OUT/samples.csv" using (\$1/60):(\$22 > 0 ? \$22 : 0.001) with lines lw 2 title "event-loop latency p99 (per interval)", \
     "" using (\$1/60):(\$23 > 0 ? \$23 : 0.001) with lines lw 1 title "event-loop latency max (per interval)"
unset multiplot
EOF
log "results in $OUT (exit status $status)"
exit "$status"
