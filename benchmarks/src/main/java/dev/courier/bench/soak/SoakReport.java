package dev.courier.bench.soak;

import static dev.courier.bench.soak.Sampler.mib;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The soak's end: its checks (every request ended, nothing leased, no LEAK report, heap after GC, direct memory and
 * descriptors back within 5 % of the start reading, every outcome one its kind allows) and the report of the run,
 * {@code summary.md}, with the outcome counts in {@code outcomes.tsv} and the unexpected outcomes in
 * {@code unexpected.txt}.
 */
final class SoakReport {
    /** How far above the start reading the end reading may be. */
    static final double TOLERANCE = 0.05;

    private final SoakDriver d;
    private final Sampler sampler;
    private final Resting start;
    private final Resting end;
    private final boolean allEnded;
    private final long t0;
    private final long tStart;
    private final long tEnd;

    SoakReport(SoakDriver d, Sampler sampler, Resting start, Resting end, boolean allEnded, long t0, long tStart,
            long tEnd) {
        this.d = d;
        this.sampler = sampler;
        this.start = start;
        this.end = end;
        this.allEnded = allEnded;
        this.t0 = t0;
        this.tStart = tStart;
        this.tEnd = tEnd;
    }

    /** Writes the report into {@code dir}, prints it, and tells whether every check passed. */
    boolean write(Path dir) throws IOException {
        Outcomes o = d.outcomes;
        long issued = d.issued;
        long ended = o.ended.sum();
        List<String[]> checks = new ArrayList<>();
        boolean pass = true;
        pass &= check(checks, "every request ended", allEnded && ended == issued && sampler.hung().isEmpty(),
                String.format(Locale.ROOT, "%,d sent, %,d ended, %d still in flight %d s after the last was sent, "
                        + "%d ever in flight over %d s", issued, ended, d.inFlight.size(), SoakDriver.HANG.toSeconds(),
                        sampler.hung().size(), SoakDriver.HANG.toSeconds()));
        pass &= check(checks, "no connection leased at the end", end.pool().active() == 0 && end.pool().pending() == 0
                        && end.openAfterClose() == 0,
                end.pool().active() + " leased, " + end.pool().pending() + " waiting, " + end.pool().idle()
                        + " idle (then closed: " + end.openAfterClose() + " still open after 10 s)");
        pass &= check(checks, "no Netty LEAK report", sampler.leaks == 0, sampler.leaks + " reports at level "
                + io.netty.util.ResourceLeakDetector.getLevel() + " (see leaks.txt)");
        pass &= within(checks, "heap after GC", start.reading().heapUsed(), end.reading().heapUsed(), true);
        pass &= within(checks, "direct memory in use", start.reading().directInUse(), end.reading().directInUse(),
                true);
        pass &= within(checks, "open file descriptors", start.reading().fds(), end.reading().fds(), false);
        pass &= check(checks, "every outcome one its kind allows", o.unexpected.sum() == 0,
                o.unexpected.sum() + " unexpected (see unexpected.txt)");

        double totalS = (tEnd - t0) / 1e9;
        double measuredS = (tEnd - tStart) / 1e9;
        StringBuilder md = new StringBuilder();
        md.append("## Run\n\n| | |\n|---|---|\n");
        row(md, "requests", String.format(Locale.ROOT, "%,d (%,d before the start reading)%s", issued,
                d.config.warmup(), d.stoppedEarly ? String.format(Locale.ROOT, "; **stopped by --max-minutes %s "
                        + "before the %,d planned**", d.config.maxMinutes(), d.config.requests()) : ""));
        row(md, "in flight", String.valueOf(d.config.inflight()));
        row(md, "faults", String.format(Locale.ROOT, "%.1f %% of requests", d.config.faults() * 100));
        row(md, "seed", String.valueOf(d.config.seed()));
        row(md, "duration", String.format(Locale.ROOT, "%.0f s (%.1f min); %.0f s from the start reading to the end",
                totalS, totalS / 60, measuredS));
        row(md, "throughput", String.format(Locale.ROOT, "%.0f requests/s over the whole run", ended / totalS));
        row(md, "bytes", String.format(Locale.ROOT, "%.2f GiB of response bodies read, %.2f GiB uploaded",
                o.bytesReceived.sum() / (double) (1L << 30), o.bytesSent.sum() / (double) (1L << 30)));
        row(md, "Transport retries", String.format(Locale.ROOT, "%,d", d.retries.sum()));
        row(md, "leak detection", io.netty.util.ResourceLeakDetector.getLevel() + ", 1 buffer in "
                + Integer.getInteger("io.netty.leakDetection.samplingInterval", 128) + " tracked");
        row(md, "samples", sampler.samples + ", every " + d.config.sampleSeconds() + " s, each after System.gc()");
        for (String m : sampler.marks()) {
            row(md, "mark", m);
        }

        md.append("\n## Checks\n\n| check | result | detail |\n|---|---|---|\n");
        for (String[] c : checks) {
            md.append("| ").append(c[0]).append(" | ").append(c[1]).append(" | ").append(c[2]).append(" |\n");
        }

        md.append("\n## Resources of the client process\n\n");
        md.append("Start and end are the resting readings (every request ended, idle connections closed, after GC); "
                + "max is the largest periodic sample during the run (connections open, not closed).\n\n");
        md.append("| | start | end | change | max during the run |\n|---|---|---|---|---|\n");
        resource(md, "heap after GC (MiB)", start.reading().heapUsed(), end.reading().heapUsed(), sampler.max.heapUsed());
        resource(md, "direct memory in use (MiB)", start.reading().directInUse(), end.reading().directInUse(),
                sampler.maxDirectInUse);
        resource(md, "direct memory allocated (MiB)", start.reading().direct(), end.reading().direct(),
                Math.max(sampler.max.jdkDirect(), sampler.max.nettyDirect()));
        resource(md, "  of which Netty's counter (MiB)", start.reading().nettyDirect(), end.reading().nettyDirect(),
                sampler.max.nettyDirect());
        resource(md, "  pooled allocator, direct arenas (MiB)", start.reading().pooledDirect(),
                end.reading().pooledDirect(), sampler.max.pooledDirect());
        resource(md, "    in use in them (MiB)", start.reading().pooledDirectActive(),
                end.reading().pooledDirectActive(), sampler.max.pooledDirectActive());
        resource(md, "pooled allocator, heap arenas (MiB)", start.reading().pooledHeap(), end.reading().pooledHeap(),
                sampler.max.pooledHeap());
        count(md, "open file descriptors", start.reading().fds(), end.reading().fds(), sampler.max.fds());
        count(md, "  of which sockets", start.reading().sockets(), end.reading().sockets(), sampler.max.sockets());
        count(md, "connections open (before closing idle)", start.pool().total(), end.pool().total(),
                sampler.maxConnections);
        count(md, "connections leased", start.pool().active(), end.pool().active(), sampler.maxLeased);

        Histogram loop = d.probe.total();
        md.append(String.format(Locale.ROOT, "%nEvent-loop latency (a no-op task handed to each of the %d loops every "
                        + "10 ms, %,d probes): p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.1f ms; worst %d-s "
                        + "interval: p99 %.2f ms, max %.1f ms.%n",
                d.probe.loopsKnown(), loop.getTotalCount(), loop.getValueAtPercentile(50) / 1000.0,
                loop.getValueAtPercentile(99) / 1000.0, loop.getValueAtPercentile(99.9) / 1000.0,
                loop.getMaxValue() / 1000.0, d.config.sampleSeconds(), sampler.worstIntervalP99Ms,
                sampler.worstIntervalMaxMs));

        md.append("\n## Outcomes\n\n");
        md.append("Requests by kind and protocol, each cell the count of every outcome: ok (body read and checked "
                + "byte for byte, or for a fault kind the client recovered), cancelled (the subscriber cancelled), "
                + "closed (closed unread), abandoned (dropped unread and unclosed), or the `RequestException`'s phase "
                + "(\"timeout\" when `isTimeout()`).\n\n");
        md.append("| kind | h1 | h1-tls | h2 |\n|---|---|---|---|\n");
        Map<String, Map<String, Map<String, Long>>> byKind = new LinkedHashMap<>();
        for (Kind k : Kind.values()) {
            byKind.put(k.name(), new TreeMap<>());
        }
        StringBuilder tsv = new StringBuilder("proto\tkind\toutcome\tcount\n");
        for (Map.Entry<String, Long> e : o.snapshot().entrySet()) {
            String[] p = e.getKey().split("\t");
            byKind.get(p[1]).computeIfAbsent(p[0], x -> new TreeMap<>()).put(p[2], e.getValue());
            tsv.append(e.getKey()).append('\t').append(e.getValue()).append('\n');
        }
        for (Map.Entry<String, Map<String, Map<String, Long>>> k : byKind.entrySet()) {
            md.append("| `").append(k.getKey()).append("` |");
            for (Proto p : Proto.values()) {
                Map<String, Long> cell = k.getValue().get(p.label);
                md.append(' ');
                if (cell == null) {
                    md.append(Kind.valueOf(k.getKey()).protos.contains(p) ? "0" : "n/a");
                } else {
                    List<String> parts = new ArrayList<>();
                    cell.forEach((outcome, n) -> parts.add(String.format(Locale.ROOT, "%s %,d", outcome, n)));
                    md.append(String.join("; ", parts));
                }
                md.append(" |");
            }
            md.append('\n');
        }
        Files.writeString(dir.resolve("summary.md"), md);
        Files.writeString(dir.resolve("outcomes.tsv"), tsv);
        Files.write(dir.resolve("unexpected.txt"), o.samples());
        Files.write(dir.resolve("fds-start.txt"), start.fdTargets());
        Files.write(dir.resolve("fds-end.txt"), end.fdTargets());
        Files.writeString(dir.resolve("heap-histogram-start.txt"), start.heapHistogram());
        Files.writeString(dir.resolve("heap-histogram-end.txt"), end.heapHistogram());
        System.out.println();
        System.out.println(md);
        System.out.println(pass ? "soak: PASSED" : "soak: FAILED");
        return pass;
    }

    private static boolean check(List<String[]> checks, String name, boolean ok, String detail) {
        checks.add(new String[] {name, ok ? "pass" : "**FAIL**", detail});
        return ok;
    }

    private static boolean within(List<String[]> checks, String name, long start, long end, boolean bytes) {
        boolean ok = end <= start * (1 + TOLERANCE);
        String detail = bytes
                ? String.format(Locale.ROOT, "start %.2f MiB, end %.2f MiB (%+.1f %%)", mib(start), mib(end),
                        pct(start, end))
                : String.format(Locale.ROOT, "start %d, end %d (%+.1f %%)", start, end, pct(start, end));
        return check(checks, name + " within 5 % of the start", ok, detail);
    }

    private static double pct(long start, long end) {
        return start == 0 ? (end == 0 ? 0 : 100) : (end - start) * 100.0 / start;
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static void resource(StringBuilder md, String name, long start, long end, long max) {
        md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %+.1f %% | %.2f |%n", name, mib(start), mib(end),
                pct(start, end), mib(max)));
    }

    private static void count(StringBuilder md, String name, long start, long end, long max) {
        md.append(String.format(Locale.ROOT, "| %s | %d | %d | %+d | %d |%n", name, start, end, end - start, max));
    }
}
