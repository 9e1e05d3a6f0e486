package dev.courier.bench.soak;

import dev.courier.http.TransportStats;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Every few seconds while the soak runs: one row of {@code samples.csv} (requests ended by outcome, heap after a
 * full GC, direct memory, descriptors, the pool's connections, the event loops' latency over the interval, Netty
 * leak reports so far, the load average) and one progress line; keeps the maxima for the report and writes every
 * leak report to {@code leaks.txt}, and every request in flight longer than {@link SoakDriver#HANG} to
 * {@code hung.txt}.
 */
final class Sampler implements AutoCloseable {
    static final String HEADER = "t_s,ended,ok,failed,unexpected,inflight,oldest_inflight_s,req_per_s,heap_mib,"
            + "jdk_direct_mib,netty_direct_mib,pooled_direct_mib,pooled_heap_mib,pooled_direct_active_mib,fds,sockets,"
            + "conns_total,conns_leased,conns_idle,conns_pending,h2_streams,loop_p99_ms,loop_max_ms,leaks,retries,load1,"
            + "direct_in_use_mib";

    private final SoakDriver driver;
    private final BufferedWriter csv;
    private final Path dir;
    private final int seconds;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-sampler");
        t.setDaemon(true);
        return t;
    });
    private final Set<Long> hung = new LinkedHashSet<>();
    private final List<String> marks = new ArrayList<>();
    private long t0;
    private long lastEnded;
    private long lastNanos;
    // Maxima over the run, and the worst interval; confined to the sampler thread (read after close()).
    long samples;
    long leaks;
    Reading max = new Reading(0, 0, 0, 0, 0, 0, 0, 0);
    long maxConnections;
    long maxDirectInUse;
    long maxLeased;
    double worstIntervalP99Ms;
    double worstIntervalMaxMs;

    Sampler(SoakDriver driver, Path csvFile, int seconds) throws IOException {
        this.driver = driver;
        this.dir = csvFile.getParent();
        this.seconds = seconds;
        this.csv = Files.newBufferedWriter(csvFile);
        csv.write(HEADER);
        csv.newLine();
    }

    void start(long t0Nanos) {
        this.t0 = t0Nanos;
        this.lastNanos = t0Nanos;
        timer.scheduleAtFixedRate(this::sampleSafely, seconds, seconds, TimeUnit.SECONDS);
    }

    /** Notes a moment of the run (the start and end readings), with its time, for the report. */
    void mark(String label) {
        synchronized (marks) {
            marks.add(String.format(Locale.ROOT, "%.1f s: %s", (System.nanoTime() - t0) / 1e9, label));
        }
    }

    List<String> marks() {
        synchronized (marks) {
            return List.copyOf(marks);
        }
    }

    Set<Long> hung() {
        synchronized (hung) {
            return Set.copyOf(hung);
        }
    }

    private void sampleSafely() {
        try {
            sample();
        } catch (Throwable t) {
            System.err.println("soak: sampling failed: " + t);
            t.printStackTrace();
        }
    }

    private void sample() throws IOException {
        Reading r = Reading.afterFullGc(); // one full collection per sample: the heap figure is what survived it
        TransportStats pool = driver.transport.stats();
        Histogram loop = driver.probe.interval();
        List<String> newLeaks = SoakDriver.drainLeaks();
        if (!newLeaks.isEmpty()) {
            leaks += newLeaks.size();
            Files.write(dir.resolve("leaks.txt"), newLeaks, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
        long now = System.nanoTime();
        long oldestStart = now;
        for (SoakDriver.InFlight f : driver.inFlight.values()) {
            oldestStart = Math.min(oldestStart, f.startNanos());
            if (now - f.startNanos() > SoakDriver.HANG.toNanos()) {
                synchronized (hung) {
                    if (hung.add(f.plan().id())) {
                        String line = "hung " + (now - f.startNanos()) / 1_000_000_000 + " s: " + f.plan();
                        System.out.println("soak: " + line);
                        Files.writeString(dir.resolve("hung.txt"), line + "\n",
                                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    }
                }
            }
        }
        Outcomes o = driver.outcomes;
        long ended = o.ended.sum();
        double rate = (ended - lastEnded) / ((now - lastNanos) / 1e9);
        lastEnded = ended;
        lastNanos = now;
        double p99 = loop.getTotalCount() == 0 ? 0 : loop.getValueAtPercentile(99) / 1000.0;
        double lmax = loop.getTotalCount() == 0 ? 0 : loop.getMaxValue() / 1000.0;
        samples++;
        max = new Reading(Math.max(max.heapUsed(), r.heapUsed()), Math.max(max.jdkDirect(), r.jdkDirect()),
                Math.max(max.nettyDirect(), r.nettyDirect()), Math.max(max.pooledDirect(), r.pooledDirect()),
                Math.max(max.pooledDirectActive(), r.pooledDirectActive()), Math.max(max.pooledHeap(), r.pooledHeap()),
                Math.max(max.fds(), r.fds()),
                Math.max(max.sockets(), r.sockets()));
        maxConnections = Math.max(maxConnections, pool.total());
        maxDirectInUse = Math.max(maxDirectInUse, r.directInUse());
        maxLeased = Math.max(maxLeased, pool.active());
        worstIntervalP99Ms = Math.max(worstIntervalP99Ms, p99);
        worstIntervalMaxMs = Math.max(worstIntervalMaxMs, lmax);
        double t = (now - t0) / 1e9;
        csv.write(String.format(Locale.ROOT,
                "%.1f,%d,%d,%d,%d,%d,%.1f,%.0f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%d,%d,%d,%d,%d,%d,%d,%.3f,%.3f,%d,%d,%s,%.2f",
                t, ended, o.ok.sum(), o.failed.sum(), o.unexpected.sum(), driver.inFlight.size(),
                (now - oldestStart) / 1e9, rate, mib(r.heapUsed()), mib(r.jdkDirect()), mib(r.nettyDirect()),
                mib(r.pooledDirect()), mib(r.pooledHeap()), mib(r.pooledDirectActive()), r.fds(), r.sockets(),
                pool.total(), pool.active(), pool.idle(), pool.pending(), pool.streams(), p99, lmax, leaks,
                driver.retries.sum(), load1(), mib(r.directInUse())));
        csv.newLine();
        csv.flush();
        System.out.printf(Locale.ROOT, "soak: %6.0f s  %,9d ended (%,d unexpected)  %5.0f req/s  heap %6.1f MiB  "
                + "direct %6.1f MiB  fds %4d  conns %3d (%3d leased)  loop p99 %6.2f ms max %7.2f ms  leaks %d%n",
                t, ended, o.unexpected.sum(), rate, mib(r.heapUsed()), mib(r.direct()), r.fds(), pool.total(),
                pool.active(), p99, lmax, leaks);
    }

    static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static String load1() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Stops sampling after one last sample, and closes the CSV. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(60, TimeUnit.SECONDS);
            sample();
            csv.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
