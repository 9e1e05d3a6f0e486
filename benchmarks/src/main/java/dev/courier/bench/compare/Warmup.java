package dev.courier.bench.compare;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;

/**
 * The warm-up before the measured windows: at least {@code min} seconds, then until the JIT has been
 * quiet (its total compilation time grew by less than {@code quietMillis} over the last
 * {@code quietSeconds}), and never longer than {@code max}. With {@code min == max} it is the fixed
 * warm-up of earlier runs.
 *
 * <p>Why adaptive: on two shared cores a fixed 20 s (60 s for TLS handshakes) spent most of the
 * comparison's hour warming up clients whose JIT had gone quiet after 8-12 s. The criterion is the one
 * the windows are judged by (JIT time inside a window near zero), so a client that keeps compiling gets
 * the whole {@code max}. Each second's JIT total is printed as a {@code WARMUP} line to the log, and the
 * warm-up used and the JIT time of its last quiet period go into every RESULT line ({@link #addTo}).
 */
final class Warmup {
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    final double min;
    final double max;
    final double quietMillis;
    final int quietSeconds;
    private double used;
    private long lastQuietJitMillis = -1;

    Warmup(double min, double max, double quietMillis, int quietSeconds) {
        if (min < 0 || max < min || quietSeconds < 1) {
            throw new IllegalArgumentException("warm-up: need 0 <= min <= max and quietSeconds >= 1, got min " + min
                    + ", max " + max + ", quietSeconds " + quietSeconds);
        }
        this.min = min;
        this.max = max;
        this.quietMillis = quietMillis;
        this.quietSeconds = quietSeconds;
    }

    /**
     * From the drivers' options: {@code --warmup} (the cap; 20 s unless {@code defaultMax} says
     * otherwise), {@code --warmup-min} (default: the cap, so a fixed warm-up), {@code --warmup-quiet-ms}
     * (50) and {@code --warmup-quiet-s} (3).
     */
    static Warmup fromOptions(Map<String, String> opts, String defaultMax) {
        double max = Double.parseDouble(opts.getOrDefault("warmup", defaultMax));
        double min = Math.min(max, Double.parseDouble(opts.getOrDefault("warmup-min", Double.toString(max))));
        return new Warmup(min, max, Double.parseDouble(opts.getOrDefault("warmup-quiet-ms", "50")),
                Integer.parseInt(opts.getOrDefault("warmup-quiet-s", "3")));
    }

    /**
     * Waits out the warm-up while the load runs, calling {@code measurementPath} about once a second;
     * returns the seconds it took. The callback runs what the windows run around the client (snapshots,
     * the latency histogram, the server probe), so that the JIT compiles that code here rather than in
     * the first window (where, run cold, it showed 0.1-2 s of JIT time after a quiet warm-up).
     */
    double run(Runnable measurementPath) throws InterruptedException {
        long start = System.nanoTime();
        // JIT totals a second apart from the start, so that the quiet period is known when min is reached
        ArrayDeque<Long> jitBySecond = new ArrayDeque<>();
        jitBySecond.add(jitMillis());
        while (true) {
            measurementPath.run();
            double elapsed = (System.nanoTime() - start) / 1e9;
            long recent = jitBySecond.size() > quietSeconds ? jitBySecond.getLast() - jitBySecond.getFirst() : -1;
            System.err.printf(Locale.ROOT, "WARMUP t=%.1f jit_total_ms=%d jit_last_%ds_ms=%s%n", elapsed,
                    jitBySecond.getLast(), quietSeconds, recent < 0 ? "na" : Long.toString(recent));
            if (elapsed >= min) {
                if (recent >= 0) {
                    lastQuietJitMillis = recent;
                }
                if (elapsed >= max || (recent >= 0 && recent < quietMillis)) {
                    used = elapsed;
                    return used;
                }
            }
            Driver.sleep(Math.min(1.0, max - elapsed)); // a second between samples, the last one short of max
            jitBySecond.add(jitMillis());
            while (jitBySecond.size() > quietSeconds + 1) {
                jitBySecond.removeFirst();
            }
        }
    }

    /** Adds {@code warmup_s} (the warm-up used) and {@code warmup_jit_ms} (JIT ms over its last quiet period). */
    void addTo(Map<String, Object> line) {
        line.put("warmup_s", used);
        line.put("warmup_jit_ms", lastQuietJitMillis < 0 ? "na" : Long.toString(lastQuietJitMillis));
    }

    private static long jitMillis() {
        return JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : 0;
    }
}
