package dev.courier.bench;

import dev.courier.http.Request;
import dev.courier.http.Transport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Keep-alive GETs of a 1 KiB body from a local Netty server, with {@code concurrency} requests always in
 * flight: one benchmark operation is one completed request (body fully read), so ops/s is requests/s
 * and {@code -prof gc}'s {@code gc.alloc.rate.norm} is bytes allocated per request (client and server
 * together, as both run in the benchmark JVM; the server's share is the same for every client).
 *
 * <p>The measuring thread waits for the next completion and immediately starts a replacement request,
 * so the number in flight stays constant.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class KeepAliveGetBenchmark {

    @Param({"1", "16", "128"})
    public int concurrency;

    @Param({"courier", "jdk"})
    public String client;

    private BenchServer server;
    private Transport courier;
    private HttpClient jdk;
    private Request courierRequest;
    private HttpRequest jdkRequest;
    private final LinkedBlockingQueue<Object> completions = new LinkedBlockingQueue<>();

    /**
     * With {@code -Dbench.port=N} the benchmark uses a server already running there (start one with
     * {@code java -cp benchmarks/target/benchmarks.jar dev.courier.bench.BenchServer --port N}), so that
     * {@code -prof gc} counts the client's allocations alone.
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        int external = Integer.getInteger("bench.port", 0);
        server = external == 0 ? BenchServer.start(1024) : null;
        URI uri = URI.create("http://127.0.0.1:" + (external == 0 ? server.port() : external) + "/1k");
        switch (client) {
            case "courier":
                courier = Transport.newBuilder().maxIdleConnsPerHost(Math.max(64, concurrency)).build();
                courierRequest = Request.newBuilder(uri).build();
                break;
            case "jdk":
                jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                jdkRequest = HttpRequest.newBuilder(uri).build();
                break;
            default:
                throw new IllegalArgumentException("unknown client " + client);
        }
        for (int i = 0; i < concurrency; i++) {
            send();
        }
    }

    @Benchmark
    public Object request() throws Exception {
        Object done = completions.poll(10, TimeUnit.SECONDS);
        if (done == null) {
            throw new IllegalStateException("no response within 10 s");
        }
        if (done instanceof Throwable) {
            throw new IllegalStateException("request failed", (Throwable) done);
        }
        send();
        return done;
    }

    private void send() {
        CompletableFuture<?> f;
        if (courier != null) {
            f = courier.roundTrip(courierRequest).thenCompose(r -> r.body().bytes());
        } else {
            f = jdk.sendAsync(jdkRequest, HttpResponse.BodyHandlers.ofByteArray()).thenApply(HttpResponse::body);
        }
        f.whenComplete((body, error) -> completions.add(error != null ? error : body));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        for (int i = 0; i < concurrency; i++) {
            completions.poll(10, TimeUnit.SECONDS);
        }
        if (courier != null) {
            courier.close();
        }
        if (jdk != null && jdk instanceof AutoCloseable) {
            ((AutoCloseable) jdk).close();
        }
        if (server != null) {
            server.close();
        }
    }
}
