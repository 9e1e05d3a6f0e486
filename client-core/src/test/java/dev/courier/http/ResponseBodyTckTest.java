package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.LeakDetection;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.ITestResult;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK (java.util.concurrent.Flow flavour, TestNG, run on the JUnit Platform by the
 * TestNG engine) against {@link ResponseBody} as a {@code Flow.Publisher<ByteBuffer>}.
 *
 * <p>A publisher of N elements is the body of a response the server sends in N chunks of one byte. The
 * HTTP decoder turns each chunk into one content piece and cannot split a one-byte chunk across reads,
 * and the body emits one buffer per piece (no decompression: the server sends no Content-Encoding), so
 * the element count is exactly N whatever the socket reads look like ({@link #oneElementPerChunk} checks
 * that). The failed publisher is a chunked body whose second chunk-size line is not hexadecimal: the
 * body fails before anyone subscribes, so the error reaches a subscriber that requests nothing.
 *
 * <p>CourierExtension is JUnit-only, so the server and the transports are managed here, with the same
 * checks: after each TCK test that passed, no connection may stay leased (tests that fail or are skipped
 * may abandon a subscription, so their responses are closed for them); at the end, none at all, and no
 * Netty leak.
 */
public class ResponseBodyTckTest extends FlowPublisherVerification<ByteBuffer> {
    private static final long DEFAULT_TIMEOUT_MILLIS = 2000;
    private static final long NO_SIGNALS_TIMEOUT_MILLIS = 300;
    private static final long GC_TIMEOUT_MILLIS = 1000;
    private static final int MAX_ELEMENTS = 1024;

    private TestServer server;
    private Transport transport;
    private Transport failingTransport;
    /** Responses created by the current test. TestNG runs this class's tests one at a time. */
    private final List<Response> responses = new ArrayList<>();
    private final List<String> leasedAfter = new ArrayList<>();

    public ResponseBodyTckTest() {
        super(new TestEnvironment(DEFAULT_TIMEOUT_MILLIS, NO_SIGNALS_TIMEOUT_MILLIS), GC_TIMEOUT_MILLIS);
    }

    @BeforeClass
    public void start() {
        LeakDetection.install();
        LeakDetection.drainLeaks();
        server = TestServer.start();
        server.dispatcher(request -> {
            String path = request.path();
            if (path.startsWith("/elements/")) {
                int n = Integer.parseInt(path.substring("/elements/".length()));
                return ServerResponse.status(200).body(new byte[n]).chunked(1);
            }
            if (path.equals("/failed")) {
                return ServerResponse.status(200).body("a body whose second chunk is broken").chunked(4).badChunk();
            }
            return ServerResponse.status(404);
        });
        transport = Transport.newBuilder().eventLoopThreads(2).build();
        // Its own transport, so that "its connection is closed" can be read from its stats alone.
        failingTransport = Transport.newBuilder().eventLoopThreads(1).build();
    }

    @AfterMethod
    public void checkNoConnectionLeft(ITestResult result) {
        try {
            TransportStats stats = Await.noActiveConnections(transport);
            if (result.getStatus() == ITestResult.SUCCESS && stats.active() != 0) {
                leasedAfter.add(result.getMethod().getMethodName() + ": " + stats);
            }
        } finally {
            responses.forEach(Response::close);
            // close() ends the body on its event loop; wait until it has (the trailers settle after the
            // subscriber's last signal), so that no signal of this test lands in the next one.
            for (Response r : responses) {
                try {
                    r.trailers().toCompletableFuture().handle((t, e) -> null).get(10, SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("the body of a closed response did not end: " + r, e);
                }
            }
            responses.clear();
        }
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        TransportStats stats = transport == null ? null : Await.noActiveConnections(transport);
        TransportStats failingStats = failingTransport == null ? null : Await.noActiveConnections(failingTransport);
        if (transport != null) {
            transport.close();
        }
        if (failingTransport != null) {
            failingTransport.close();
        }
        if (server != null) {
            server.close();
        }
        if (!leasedAfter.isEmpty()) {
            throw new AssertionError("connections left leased after passing TCK tests: " + leasedAfter);
        }
        if (stats != null && stats.active() != 0 || failingStats != null && failingStats.active() != 0) {
            throw new AssertionError("connections left leased at the end: " + stats + ", " + failingStats);
        }
        LeakDetection.assertNoLeaks();
    }

    @Override
    public Flow.Publisher<ByteBuffer> createFlowPublisher(long elements) {
        Response response = get(transport, "/elements/" + elements);
        responses.add(response);
        return response.body();
    }

    @Override
    public Flow.Publisher<ByteBuffer> createFailedFlowPublisher() {
        Response response = get(failingTransport, "/failed");
        responses.add(response);
        // The client closes the connection when the body fails; after that the error is recorded in the body.
        Await.until(() -> "the broken body failed and closed its connection: " + failingTransport.stats(),
                () -> failingTransport.stats().total() == 0);
        return response.body();
    }

    @Override
    public long maxElementsFromPublisher() {
        return MAX_ELEMENTS;
    }

    /** The premise of createFlowPublisher: one ByteBuffer per one-byte chunk, at every size served. */
    @Test
    public void oneElementPerChunk() throws Exception {
        for (long n : new long[] {0, 1, 3, 10, 100, MAX_ELEMENTS}) {
            for (int round = 0; round < 5; round++) {
                Flow.Publisher<ByteBuffer> body = createFlowPublisher(n);
                CompletableFuture<long[]> counts = new CompletableFuture<>();
                body.subscribe(new Flow.Subscriber<>() {
                    private long elements;
                    private long bytes;

                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(ByteBuffer item) {
                        elements++;
                        bytes += item.remaining();
                    }

                    @Override
                    public void onError(Throwable t) {
                        counts.completeExceptionally(t);
                    }

                    @Override
                    public void onComplete() {
                        counts.complete(new long[] {elements, bytes});
                    }
                });
                long[] got = counts.get(10, SECONDS);
                if (got[0] != n || got[1] != n) {
                    throw new AssertionError("a body of " + n + " one-byte chunks gave " + got[0] + " buffers and "
                            + got[1] + " bytes");
                }
            }
        }
    }

    private Response get(Transport t, String path) {
        try {
            return t.roundTrip(Request.newBuilder(server.uri(path)).build()).get(10, SECONDS);
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed", e);
        }
    }

}
