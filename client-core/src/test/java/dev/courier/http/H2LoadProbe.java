package dev.courier.http;

import dev.courier.http.testing.H2Response;
import dev.courier.http.testing.H2TestServer;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestCertificates;
import dev.courier.http.testing.TestServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bounded load probe (a test-scope main, not a test): TLS HTTP/2 or TLS HTTP/1.1 against the in-process Netty
 * test servers, random response sizes 0..1 MiB, a share of slow body subscribers, {@code inFlight} requests at
 * once for {@code seconds}; prints requests per second, header latency percentiles, failures, and the CPU time
 * of the client's and the server's threads per request (the steadiest figure on a shared machine). For comparing
 * the two protocols and changes on one machine, not for absolute numbers (server and client share the CPU).
 *
 * <pre>
 * mvn -B -q -pl client-core test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 * java -cp "client-core/target/test-classes:client-core/target/classes:$(cat client-core/cp.txt)" \
 *     [-Dio.netty.leakDetection.level=paranoid] dev.courier.http.H2LoadProbe h2 64 10
 * </pre>
 * Arguments: h2|h1, requests in flight, seconds, [slow share 0..1 (default 0.1)], [max body bytes (1 MiB)];
 * -Dwarmup=s (10), -DheaderTimeoutMs=ms (1000, the soak's responseHeaderTimeout).
 */
public final class H2LoadProbe {
    private H2LoadProbe() {
    }

    public static void main(String[] args) throws Exception {
        boolean h2 = args[0].equals("h2");
        int inFlight = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        double slowShare = args.length > 3 ? Double.parseDouble(args[3]) : 0.1;
        int maxBody = args.length > 4 ? Integer.parseInt(args[4]) : 1 << 20;
        TestCertificates certs = TestCertificates.get();
        AutoCloseable server;
        java.util.function.Function<String, java.net.URI> uri;
        if (h2) {
            H2TestServer s = H2TestServer.startTls(certs.server());
            s.dispatcher(req -> H2Response.status(200).streamBody(size(req.path())));
            server = s;
            uri = s::uri;
        } else {
            TestServer s = TestServer.startTls(certs.server());
            s.dispatcher(req -> ServerResponse.status(200).streamBody(size(req.target())));
            server = s;
            uri = s::uri;
        }
        ScheduledExecutorService slowTicks = Executors.newSingleThreadScheduledExecutor();
        try (Transport t = Transport.newBuilder().trustStore(certs.caTrustStore()).disableHttp2(!h2)
                .maxIdleConnsPerHost(inFlight)
                .responseHeaderTimeout(Duration.ofMillis(Long.getLong("headerTimeoutMs", 1000))).build()) {
            run(t, uri, inFlight, Integer.getInteger("warmup", 10), slowShare, maxBody, slowTicks, false); // JIT warm-up
            run(t, uri, inFlight, seconds, slowShare, maxBody, slowTicks, true);
            System.out.println("stats " + t.stats());
        } finally {
            slowTicks.shutdownNow();
            server.close();
        }
    }

    private static long size(String path) {
        return Long.parseLong(path.substring(path.indexOf("n=") + 2));
    }

    private static void run(Transport t, java.util.function.Function<String, java.net.URI> uri, int inFlight,
            int seconds, double slowShare, int maxBody, ScheduledExecutorService slowTicks, boolean report)
            throws InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        LongAdder done = new LongAdder();
        LongAdder bytes = new LongAdder();
        AtomicInteger headerTimeouts = new AtomicInteger();
        AtomicInteger otherFailures = new AtomicInteger();
        AtomicLong firstFailure = new AtomicLong();
        long[] latencies = new long[1 << 22];
        AtomicInteger latencyCount = new AtomicInteger();
        long clientCpuBefore = cpuNanos("courier-");
        long serverCpuBefore = cpuNanos("h2-test-server") + cpuNanos("test-server");
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            ThreadLocalRandom r = ThreadLocalRandom.current();
            int n = r.nextInt(maxBody + 1);
            boolean slow = r.nextDouble() < slowShare;
            long sent = System.nanoTime();
            t.roundTrip(Request.newBuilder(uri.apply("/?n=" + n)).build()).thenCompose(resp -> {
                int i = latencyCount.getAndIncrement();
                if (i < latencies.length) {
                    latencies[i] = System.nanoTime() - sent;
                }
                return slow ? slowRead(resp, slowTicks) : resp.body().discard();
            }).whenComplete((read, err) -> {
                if (err == null) {
                    done.increment();
                    bytes.add(read);
                } else {
                    Throwable c = err instanceof java.util.concurrent.CompletionException ? err.getCause() : err;
                    if (c instanceof RequestException && ((RequestException) c).isTimeout()) {
                        headerTimeouts.incrementAndGet();
                    } else {
                        otherFailures.incrementAndGet();
                        if (firstFailure.compareAndSet(0, 1)) {
                            System.out.println("first failure: " + c);
                        }
                    }
                }
                slots.release();
            });
        }
        slots.acquire(inFlight); // let the last ones finish (bounded by the transport's timeouts)
        double elapsed = (System.nanoTime() - start) / 1e9;
        long clientCpu = cpuNanos("courier-") - clientCpuBefore;
        long serverCpu = cpuNanos("h2-test-server") + cpuNanos("test-server") - serverCpuBefore;
        if (report) {
            System.out.printf("cpu: client %.2f ms/request (%.0f%% of a core), server %.2f ms/request%n",
                    clientCpu / 1e6 / Math.max(1, done.sum()), clientCpu / 1e7 / elapsed,
                    serverCpu / 1e6 / Math.max(1, done.sum()));
            int count = Math.min(latencyCount.get(), latencies.length);
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            System.out.printf("%s in-flight=%d: %.0f req/s, %.1f MiB/s, header p50 %.1f ms p99 %.1f ms max %.1f ms,"
                    + " timeouts %d, other failures %d%n", "result", inFlight, done.sum() / elapsed,
                    bytes.sum() / elapsed / (1 << 20), pct(sorted, 0.5), pct(sorted, 0.99),
                    count == 0 ? 0 : sorted[count - 1] / 1e6, headerTimeouts.get(), otherFailures.get());
        }
    }

    /** CPU time of the live threads whose names start with {@code prefix} (event loops outlive a run). */
    private static long cpuNanos(String prefix) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo info : mx.dumpAllThreads(false, false)) {
            if (info.getThreadName().startsWith(prefix)) {
                long t = mx.getThreadCpuTime(info.getThreadId());
                sum += Math.max(0, t);
            }
        }
        return sum;
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, sorted.length * p)] / 1e6;
    }

    /** Reads the body one buffer at a time, one request per 2 ms: a slow consumer. */
    private static CompletableFuture<Long> slowRead(Response resp, ScheduledExecutorService ticks) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        resp.body().subscribe(new Flow.Subscriber<ByteBuffer>() {
            private Flow.Subscription s;
            private long n;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                this.s = s;
                s.request(1);
            }

            @Override
            public void onNext(ByteBuffer item) {
                n += item.remaining();
                ticks.schedule(() -> s.request(1), 2, TimeUnit.MILLISECONDS);
            }

            @Override
            public void onError(Throwable t) {
                f.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                f.complete(n);
            }
        });
        return f;
    }
}
