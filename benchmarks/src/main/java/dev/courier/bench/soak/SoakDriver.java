package dev.courier.bench.soak;

import dev.courier.bench.compare.RepeatingPublisher;
import dev.courier.http.Client;
import dev.courier.http.ClientTrace;
import dev.courier.http.Request;
import dev.courier.http.RequestBody;
import dev.courier.http.RequestException;
import dev.courier.http.Response;
import dev.courier.http.TlsEngine;
import dev.courier.http.Transport;
import dev.courier.http.testing.LeakDetection;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak's client (issue 12): sends a bounded number of requests, a fixed number in flight, over HTTP/1.1, TLS and
 * HTTP/2 to {@link SoakServer}, with random body sizes, random consumers and injected faults ({@link Plan}); samples
 * its own resources while it runs ({@link Sampler}); and ends with the checks of {@link SoakReport}. Exit status 0
 * when every check passed, 1 otherwise.
 *
 * <p>Usage: {@code SoakDriver --servers DIR --out DIR [--requests N] [--inflight N] [--faults P] [--seed N]
 * [--warmup N] [--sample-seconds S] [--max-minutes M]}. The resting reading the end is compared with is taken once
 * the first {@code --warmup} requests (default 10,000, at most a tenth of the run) have all ended. With
 * {@code --max-minutes}, sending stops at that time even if fewer requests were sent, and the run ends as usual
 * (every request sent must end, then the checks): a bounded run on a machine slower than planned. To narrow a
 * finding down, {@code --protos H1,H1_TLS,H2} and {@code --kinds KIND,...} restrict the protocols and fault kinds.
 */
public final class SoakDriver {
    /**
     * Whole-call timeout of every request: far above any clean request's time, so only a hang reaches it. The
     * timeouts are generous because the soak shares two cores with other work: on a machine at load 18 a clean
     * request waited over 10 s for its head.
     */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);
    /** Bounds the head-stall faults; far above a clean request's time to its head. */
    static final Duration RESPONSE_HEADER_TIMEOUT = Duration.ofSeconds(30);
    static final Duration TLS_HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    /** The in-flight limit starts here and doubles every {@link #RAMP_STEP} (see {@link #rampUp}). */
    static final int RAMP_FROM = 8;
    static final Duration RAMP_STEP = Duration.ofSeconds(2);
    /** Request.timeout of HEAD_STALL_REQUEST_TIMEOUT, Client.timeout of BODY_STALL_CLIENT_TIMEOUT's client. */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(1);
    static final int MAX_RESPONSE_HEADER_BYTES = 16 * 1024;
    static final long MAX_DECOMPRESSED_BYTES = 4L << 20;
    static final int EVENT_LOOPS = 2;
    /** A request still in flight this long after it was sent has hung. */
    static final Duration HANG = Duration.ofSeconds(300);
    private static final ByteBuffer UPLOAD_CHUNK = RepeatingPublisher.chunk(64 * 1024);

    record Config(long requests, int inflight, double faults, long seed, long warmup, int sampleSeconds,
            double maxMinutes, java.util.Set<Proto> protos, java.util.Set<Kind> kinds, Path servers, Path out) {
    }

    /** A request in flight: its plan and when it was sent. */
    record InFlight(Plan plan, long startNanos) {
    }

    final Config config;
    final Outcomes outcomes = new Outcomes();
    final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    final LongAdder retries = new LongAdder();
    final LoopProbe probe = new LoopProbe(EVENT_LOOPS);
    private final Semaphore permits;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-slow-subscribers");
        t.setDaemon(true);
        return t;
    });
    final Transport transport;
    private final Client client;
    private final Client stallClient;
    private final URI h1;
    private final URI h1Tls;
    private final URI h2;
    private final URI h2Faults;
    volatile long issued;
    /** Set when {@code --max-minutes} stopped the sending before {@code --requests}. */
    volatile boolean stoppedEarly;
    private long deadlineNanos = Long.MAX_VALUE;

    private SoakDriver(Config config, Properties ports) {
        this.config = config;
        this.permits = new Semaphore(config.inflight());
        h1 = URI.create("http://127.0.0.1:" + ports.getProperty("h1"));
        h1Tls = URI.create("https://127.0.0.1:" + ports.getProperty("h1-tls"));
        h2 = URI.create("https://127.0.0.1:" + ports.getProperty("h2"));
        h2Faults = URI.create("https://127.0.0.1:" + ports.getProperty("h2-faults"));
        transport = Transport.newBuilder()
                .eventLoopThreads(EVENT_LOOPS)
                .tlsEngine(TlsEngine.JDK)
                .tlsHandshakeTimeout(TLS_HANDSHAKE_TIMEOUT)
                .trustPem(config.servers().resolve("ca.pem"))
                .maxIdleConns(1024).maxIdleConnsPerHost(512)
                .responseHeaderTimeout(RESPONSE_HEADER_TIMEOUT)
                .maxResponseHeaderBytes(MAX_RESPONSE_HEADER_BYTES)
                .maxDecompressedBytes(MAX_DECOMPRESSED_BYTES)
                .build();
        ClientTrace countRetries = new ClientTrace() {
            @Override
            public void retrying(int attempt, RequestException cause, String reason) {
                retries.increment();
            }
        };
        client = Client.newBuilder().transport(transport).timeout(CALL_TIMEOUT).trace(countRetries).build();
        stallClient = Client.newBuilder().transport(transport).timeout(STALL_TIMEOUT).trace(countRetries).build();
    }

    public static void main(String[] args) throws Exception {
        // Before the first ByteBuf: Netty's leak reports are counted, not only logged.
        LeakDetection.install();
        Config config = parse(args);
        Files.createDirectories(config.out());
        Properties ports = new Properties();
        try (Reader r = Files.newBufferedReader(config.servers().resolve("ports.properties"))) {
            ports.load(r);
        }
        SoakDriver driver = new SoakDriver(config, ports);
        boolean passed = driver.run();
        System.exit(passed ? 0 : 1);
    }

    private boolean run() throws Exception {
        System.out.printf("soak: %,d requests, %d in flight, %.1f %% faults, seed %d; leak detection %s; out %s%n",
                config.requests(), config.inflight(), config.faults() * 100, config.seed(),
                io.netty.util.ResourceLeakDetector.getLevel(), config.out());
        Plan.Planner planner = new Plan.Planner(config.seed(), config.faults(), config.protos(), config.kinds());
        Sampler sampler = new Sampler(this, config.out().resolve("samples.csv"), config.sampleSeconds());
        long t0 = System.nanoTime();
        if (config.maxMinutes() > 0) {
            deadlineNanos = t0 + (long) (config.maxMinutes() * 60e9);
        }
        sampler.start(t0);
        issue(planner, 0, config.warmup());
        boolean warmedUp = quiesce();
        Resting start = Resting.take(this);
        sampler.mark("start (after " + config.warmup() + " requests)");
        long tStart = System.nanoTime();
        issue(planner, config.warmup(), config.requests());
        boolean drained = quiesce();
        long tEnd = System.nanoTime();
        Resting end = Resting.take(this);
        sampler.mark("end");
        sampler.close();
        probe.close();
        SoakReport report = new SoakReport(this, sampler, start, end, warmedUp && drained, t0, tStart, tEnd);
        boolean passed = report.write(config.out());
        transport.close();
        return passed;
    }

    /**
     * Sends requests {@code from} (inclusive) to {@code to}, at most {@code inflight} at a time. Each phase starts
     * with nothing in flight and no connection open, so the limit ramps up ({@link #rampUp}).
     */
    private void issue(Plan.Planner planner, long from, long to) throws InterruptedException {
        Thread ramp = rampUp();
        try {
            issueAll(planner, from, to);
        } finally {
            ramp.interrupt();
            ramp.join();
        }
    }

    /**
     * Lets the in-flight limit grow from {@link #RAMP_FROM} to the configured one, doubling each {@link #RAMP_STEP},
     * on a thread it returns. Without it the first moment opens a connection per request at once (170 TLS handshakes
     * for 256 in flight), which on a loaded machine, with the JIT still cold, took the test servers past their own
     * 10 s TLS handshake timeout: a startup storm, not what the soak is about.
     */
    private Thread rampUp() {
        int all = permits.drainPermits();
        int first = Math.min(all, RAMP_FROM);
        permits.release(first);
        Thread t = new Thread(() -> {
            int granted = first;
            try {
                while (granted < all) {
                    Thread.sleep(RAMP_STEP.toMillis());
                    int more = Math.min(granted, all - granted);
                    granted += more;
                    permits.release(more);
                }
            } catch (InterruptedException e) {
                permits.release(all - granted);
            }
        }, "soak-ramp");
        t.start();
        return t;
    }

    private void issueAll(Plan.Planner planner, long from, long to) throws InterruptedException {
        for (long id = from; id < to; id++) {
            permits.acquire();
            if (System.nanoTime() > deadlineNanos) {
                permits.release();
                stoppedEarly = true;
                System.out.printf("soak: --max-minutes reached: stopping after %,d requests%n", id);
                return;
            }
            Plan plan = planner.next(id);
            inFlight.put(id, new InFlight(plan, System.nanoTime()));
            issued = id + 1;
            try {
                send(plan);
            } catch (RuntimeException e) {
                end(plan, e);
            }
        }
    }

    /** Waits until every request sent has ended, or {@link #HANG} passed with one still in flight (false). */
    private boolean quiesce() throws InterruptedException {
        long deadline = System.nanoTime() + HANG.toNanos();
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return inFlight.isEmpty();
    }

    private void send(Plan plan) {
        URI base = switch (plan.proto()) {
            case H1 -> h1;
            case H1_TLS -> h1Tls;
            case H2 -> plan.kind().h2FaultServer() ? h2Faults : h2;
        };
        Request.Builder b = Request.newBuilder(base.resolve("/soak/" + plan.kind() + "/" + plan.size() + "/"
                + plan.id()));
        if (plan.upload() >= 0) {
            long n = plan.upload();
            b.method("POST", RequestBody.ofPublisher(() -> new RepeatingPublisher(UPLOAD_CHUNK, n), n));
            outcomes.bytesSent.add(n);
        }
        if (plan.kind() == Kind.HEAD_STALL_REQUEST_TIMEOUT) {
            b.timeout(STALL_TIMEOUT);
        }
        Client c = plan.kind() == Kind.BODY_STALL_CLIENT_TIMEOUT ? stallClient : client;
        c.send(b.build()).whenComplete((response, failure) -> {
            probe.learn();
            if (failure != null) {
                end(plan, failure);
            } else {
                consume(plan, response);
            }
        });
    }

    private void consume(Plan plan, Response r) {
        boolean clean = plan.kind() == Kind.CLEAN;
        if (clean && r.status() != 200) {
            r.close();
            end(plan, "status " + r.status(), 0);
            return;
        }
        switch (plan.consumer()) {
            case CLOSE_UNREAD -> {
                r.close();
                end(plan, "closed", 0);
            }
            case ABANDON -> end(plan, "abandoned", 0); // and r is dropped, unread and unclosed
            case BYTES -> r.body().bytes().whenComplete((bytes, failure) -> {
                if (failure != null) {
                    end(plan, failure);
                    return;
                }
                String bad = clean ? BodyCheck.check(ByteBuffer.wrap(bytes), 0, plan.size()) : null;
                if (bad == null && clean && bytes.length != plan.size()) {
                    bad = bytes.length + " of " + plan.size() + " bytes";
                }
                end(plan, bad == null ? "ok" : "corrupt: " + bad, bytes.length);
            });
            default -> {
                BodyCheck check = new BodyCheck(plan.consumer(), plan.size(), clean, plan.cancelAfter(), scheduler);
                r.body().subscribe(check);
                check.done.whenComplete((result, failure) -> {
                    if (result.failure() != null) {
                        end(plan, result.failure());
                    } else {
                        end(plan, result.outcome(), result.bytes());
                    }
                });
            }
        }
    }

    private void end(Plan plan, String outcome, long bytes) {
        if (inFlight.remove(plan.id()) != null) {
            outcomes.ended(plan, outcome, bytes);
            permits.release();
        }
    }

    private void end(Plan plan, Throwable failure) {
        if (inFlight.remove(plan.id()) != null) {
            outcomes.failed(plan, failure);
            permits.release();
        }
    }

    /** Netty's leak reports since the last call (their text goes to leaks.txt). */
    static java.util.List<String> drainLeaks() {
        return LeakDetection.drainLeaks();
    }

    /**
     * Makes Netty's leak detector report what the collector found: collects, then allocates and releases unpooled
     * buffers, some of which the detector samples, which is when it polls its queue. (Unpooled: pooled ones would
     * give this thread a cache and its arena a chunk, which the direct-memory readings would then count.)
     */
    static void detectLeaks() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 2000; i++) {
                io.netty.buffer.Unpooled.buffer(1).release();
            }
        }
    }

    private static Config parse(String[] args) {
        long requests = 1_000_000;
        int inflight = 256;
        double faults = 0.05;
        long seed = 1;
        long warmup = -1;
        int sampleSeconds = 5;
        double maxMinutes = 0;
        java.util.Set<Proto> protos = new java.util.HashSet<>();
        java.util.Set<Kind> kinds = new java.util.HashSet<>();
        Path servers = null;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            i++;
            switch (a) {
                case "--requests" -> requests = Long.parseLong(v);
                case "--inflight" -> inflight = Integer.parseInt(v);
                case "--faults" -> faults = Double.parseDouble(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--warmup" -> warmup = Long.parseLong(v);
                case "--sample-seconds" -> sampleSeconds = Integer.parseInt(v);
                case "--max-minutes" -> maxMinutes = Double.parseDouble(v);
                case "--protos" -> java.util.Arrays.stream(v.split(",")).forEach(p -> protos.add(Proto.valueOf(p)));
                case "--kinds" -> java.util.Arrays.stream(v.split(",")).forEach(k -> kinds.add(Kind.valueOf(k)));
                case "--servers" -> servers = Path.of(v);
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (servers == null || out == null) {
            throw new IllegalArgumentException("--servers DIR and --out DIR are required");
        }
        if (warmup < 0) {
            warmup = Math.min(10_000, requests / 10);
        }
        if (requests < 1 || inflight < 1 || faults < 0 || faults > 1 || warmup >= requests || sampleSeconds < 1) {
            throw new IllegalArgumentException("bad options: " + String.join(" ", args));
        }
        return new Config(requests, inflight, faults, seed, warmup, sampleSeconds, maxMinutes, protos, kinds, servers,
                out);
    }

    /** Writes {@code text} to {@code file} (UTF-8). */
    static void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
    }

    static long elapsedMillis(long fromNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fromNanos);
    }
}
