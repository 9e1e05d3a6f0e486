package dev.courier.http;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A response dropped without reading or closing its body is found when it is garbage collected: its
 * connection is closed and a warning naming the request is logged (DESIGN invariant 4). A body that a
 * subscriber is reading is not reclaimed, even when nothing references the Response any more.
 *
 * <p>slf4j-simple (the tests' binding) writes to {@code System.err}, looked up at each log call, so the
 * tests capture it by replacing {@code System.err} for their duration.
 */
class LeakDetectionTest {
    /** Far more than one read: the exchange is still receiving the body when the response is dropped. */
    private static final long BODY = 8L << 20;
    private static final int PATTERN_PERIOD = 251;

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private PrintStream originalErr;
    private ByteArrayOutputStream captured;

    @BeforeEach
    void captureStandardError() {
        originalErr = System.err;
        captured = new ByteArrayOutputStream();
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                originalErr.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                originalErr.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStandardError() {
        System.setErr(originalErr);
    }

    @Test
    void droppedUnreadResponseIsDetectedItsConnectionClosedAndAWarningNamesTheRequest() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(BODY));
        URI uri = server.uri("/dropped?unread=1");

        WeakReference<Response> dropped = sendAndDrop(t, uri);
        assertThat(t.stats().active()).as("the unread body holds its connection").isEqualTo(1);

        boolean reclaimed = gcUntil(() -> t.stats().active() == 0, SECONDS.toNanos(10));
        assertThat(reclaimed)
                .as("the connection of the dropped response is reclaimed within 10 s of GCs (stats %s; the Response "
                        + "object itself was %s)", t.stats(), dropped.get() == null ? "collected" : "never collected")
                .isTrue();
        Await.serverConnections(server, 0);
        assertThat(t.stats().total()).isZero();
        // Not the slow-callback warning a loaded machine may log for the same request first.
        Await.until(() -> "a log line naming " + uri + " in: " + stderr(),
                () -> stderr().lines().anyMatch(l -> l.contains(uri.toString()) && !l.contains("SlowCallbacks")));
        String line = stderr().lines().filter(l -> l.contains(uri.toString()) && !l.contains("SlowCallbacks"))
                .findFirst().orElseThrow();
        assertThat(line).contains("WARN").containsIgnoringCase("leak").containsPattern("\\[c\\d+\\] GET ");
    }

    @Test
    void droppedHttp2ResponseIsDetectedItsStreamResetAndTheConnectionKept() throws Exception {
        dev.courier.http.testing.H2TestServer server = courier.closeAfter(
                dev.courier.http.testing.H2TestServer.startTls(dev.courier.http.testing.TestCertificates.get().server()));
        Transport t = courier.transport(b -> b.trustStore(dev.courier.http.testing.TestCertificates.get().caTrustStore()));
        server.enqueue(dev.courier.http.testing.H2Response.status(200).streamBody(BODY));
        URI uri = server.uri("/dropped?h2=1");

        WeakReference<Response> dropped = sendAndDrop(t, uri);
        assertThat(t.stats().streams()).as("the unread body holds its stream").isEqualTo(1);

        boolean reclaimed = gcUntil(() -> t.stats().streams() == 0, SECONDS.toNanos(10));
        assertThat(reclaimed).as("the stream of the dropped response is reclaimed (stats %s; Response %s)", t.stats(),
                dropped.get() == null ? "collected" : "never collected").isTrue();
        Await.until("the stream is reset", () -> !server.resetsReceived().isEmpty());
        assertThat(server.resetsReceived().get(0).errorCode()).isEqualTo(0x8); // CANCEL
        assertThat(t.stats().total()).as("the connection stays for other streams").isEqualTo(1);
        Await.until(() -> "a log line naming " + uri + " in: " + stderr(), () -> stderr().contains(uri.toString()));
    }

    @Test
    void droppedResponseWhoseBodyIsBeingReadIsNotReclaimedAndTheSubscriberGetsEveryByte() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(BODY));
        URI uri = server.uri("/dropped?subscribed=1");

        GatedSubscriber sub = new GatedSubscriber();
        WeakReference<Response> dropped = subscribeAndDrop(t, uri, sub);
        assertThat(sub.firstItem.await(10, SECONDS)).as("the subscriber got its first buffer").isTrue();

        // Collect while the subscriber holds only its subscription: the Cleaner must leave the body alone.
        gcUntil(() -> dropped.get() == null, SECONDS.toNanos(2));
        gcUntil(() -> false, MILLISECONDS.toNanos(300)); // and give the Cleaner's thread a chance to run
        assertThat(t.stats().active()).as("the body being read keeps its connection").isEqualTo(1);
        assertThat(sub.done.isDone()).as("the body was not cut").isFalse();

        sub.subscription.get().request(Long.MAX_VALUE);
        assertThat(sub.done.get(30, SECONDS)).as("every byte arrived, in order").isEqualTo(BODY);
        Await.idleConnections(t, 1);
        // Only the leak detector's lines count: on a loaded machine SlowCallbacks may warn about the same URL.
        assertThat(stderr().lines().filter(l -> l.contains(uri.toString()) && !l.contains("SlowCallbacks")))
                .as("no leak warning for a body being read").isEmpty();
    }

    /** Sends a request and forgets its response; nothing on the caller's stack keeps it. */
    private static WeakReference<Response> sendAndDrop(Transport t, URI uri) throws Exception {
        Response r = t.roundTrip(Request.newBuilder(uri).build()).get(10, SECONDS);
        assertThat(r.status()).isEqualTo(200);
        return new WeakReference<>(r);
    }

    /** Sends a request, subscribes {@code sub} to its body and forgets the response. */
    /**
     * The other way round: what the caller let go of is collected even though the connection it came over
     * stays pooled. An idle HTTP/1.1 connection (whose request writer serves its exchanges in turn) keeps
     * nothing of its last exchange: not the request, not the response.
     */
    @Test
    void anIdlePooledConnectionKeepsNothingOfItsLastExchange() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        List<WeakReference<Object>> gone = exchangeAndDrop(t, server.uri("/small"));
        Await.until("the connection is idle in the pool", () -> t.stats().idle() == 1);
        assertThat(gcUntil(() -> gone.stream().allMatch(w -> w.get() == null), SECONDS.toNanos(10)))
                .as("the request and response of the finished exchange are collected").isTrue();
        assertThat(t.stats().idle()).isEqualTo(1);
    }

    private static List<WeakReference<Object>> exchangeAndDrop(Transport t, URI uri) throws Exception {
        Request request = Request.newBuilder(uri).post(RequestBody.of("sent", StandardCharsets.UTF_8)).build();
        Response r = t.roundTrip(request).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
        return List.of(new WeakReference<>(request), new WeakReference<>(r));
    }

    private static WeakReference<Response> subscribeAndDrop(Transport t, URI uri, GatedSubscriber sub) throws Exception {
        Response r = t.roundTrip(Request.newBuilder(uri).build()).get(10, SECONDS);
        r.body().subscribe(sub);
        return new WeakReference<>(r);
    }

    /** Runs System.gc() until {@code condition} holds or {@code nanos} pass; returns whether it held. */
    private static boolean gcUntil(BooleanSupplier condition, long nanos) {
        long deadline = System.nanoTime() + nanos;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            System.gc();
            LockSupport.parkNanos(MILLISECONDS.toNanos(20));
        }
        return true;
    }

    private String stderr() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** Requests one buffer, then waits to be told to go on; checks the stream's byte pattern as it goes. */
    private static final class GatedSubscriber implements Flow.Subscriber<ByteBuffer> {
        final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        final CountDownLatch firstItem = new CountDownLatch(1);
        final CompletableFuture<Long> done = new CompletableFuture<>();
        private long offset;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.set(s);
            s.request(1);
        }

        @Override
        public void onNext(ByteBuffer item) {
            while (item.hasRemaining()) {
                byte expected = (byte) (offset % PATTERN_PERIOD);
                byte actual = item.get();
                if (actual != expected && !done.isDone()) {
                    done.completeExceptionally(new AssertionError("byte " + offset + " is " + actual
                            + ", expected " + expected));
                }
                offset++;
            }
            firstItem.countDown();
        }

        @Override
        public void onError(Throwable throwable) {
            done.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            done.complete(offset);
        }
    }
}
