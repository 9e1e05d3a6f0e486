package dev.courier.http;

import static dev.courier.http.testing.Exchanges.failure;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.RecordingSubscriber;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code CompletableFuture.cancel} in every phase of an exchange, the timeouts that abort one, and
 * {@code Response.close()} before the body was read: each must release or close the connection, never
 * leave it leased (the extension checks that after every test) and never poison the pool.
 */
class CancellationTest {
    private static final Duration SHORT = Duration.ofMillis(300);
    /**
     * How late a "late" response head comes. The test server half-closes on the client's FIN and notices
     * the close only when it next writes, i.e. after this delay, so it is kept well above the timeouts
     * (200-300 ms) but short enough not to slow the suite.
     */
    private static final Duration LATE = Duration.ofSeconds(2);

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    // ---- cancel(true) in each phase ----

    @Test
    void cancelWhileQueuedForAConnectionLeavesTheQueueAndTheBusyConnectionStaysPooled() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport(b -> b.maxConnsPerHost(1));
        server.enqueue(ServerResponse.status(200).streamBody(1L << 20));

        // The first response holds the only connection until its 1 MiB body is read.
        Response first = t.roundTrip(get(server, "/first")).get(10, SECONDS);
        CompletableFuture<Response> queued = t.roundTrip(get(server, "/queued"));
        Await.until(() -> "the second request waits: " + t.stats(), () -> t.stats().pending() == 1);

        assertThat(queued.cancel(true)).isTrue();
        assertThat(queued.isCancelled()).isTrue();
        assertThatThrownBy(() -> queued.get(1, SECONDS)).isInstanceOf(CancellationException.class);
        Await.until(() -> "the cancelled request left the queue: " + t.stats(), () -> t.stats().pending() == 0);

        assertThat(first.body().bytes().get(10, SECONDS)).hasSize(1 << 20);
        Await.idleConnections(t, 1);
        assertThat(t.stats().total()).isEqualTo(1);
        assertThat(server.requestCount()).as("the cancelled request never reached the server").isEqualTo(1);
    }

    @Test
    void cancelWhileDialingCancelsTheFutureAndTheLateConnectionGoesIdleUnused() throws Exception {
        // A listener whose accept queue is full drops SYNs, so the dial hangs until we accept.
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = fillAcceptQueue(listener);
            try {
                Transport t = courier.transport();
                URI uri = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/dialing");
                CompletableFuture<Response> f = t.roundTrip(Request.newBuilder(uri).build());
                Await.until(() -> "one dial in progress for the waiting request: " + t.stats(),
                        () -> t.stats().pending() == 1 && t.stats().total() == 1);
                assertThat(f.isDone()).as("still dialing").isFalse();

                assertThat(f.cancel(true)).isTrue();
                assertThat(f.isCancelled()).isTrue();
                Await.until(() -> "the request stopped waiting: " + t.stats(), () -> t.stats().pending() == 0);

                // Let the dial through: it completes into the pool, unused, instead of sending the request.
                List<Socket> accepted = new ArrayList<>();
                try {
                    for (int i = 0; i < fillers.size(); i++) {
                        accepted.add(listener.accept());
                    }
                    listener.setSoTimeout(10_000);
                    Socket courierSide = listener.accept();
                    accepted.add(courierSide);
                    Await.idleConnections(t, 1);
                    courierSide.setSoTimeout(300);
                    InputStream in = courierSide.getInputStream();
                    assertThatThrownBy(in::read).as("no request bytes on the late connection")
                            .isInstanceOf(SocketTimeoutException.class);
                } finally {
                    for (Socket s : accepted) {
                        s.close();
                    }
                }
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void cancelImmediatelyAfterSendOnAFreshTransportLeaksNothing() throws Exception {
        TestServer server = courier.server();
        // The answer is held back, so that the cancel always lands before a response could complete the future.
        server.dispatcher(req -> req.path().equals("/fresh")
                ? ServerResponse.ok("late").delayHeaders(java.time.Duration.ofMillis(500)) : ServerResponse.ok("ok"));
        Transport t = courier.transport();
        CompletableFuture<Response> f = t.roundTrip(get(server, "/fresh"));
        assertThat(f.cancel(true)).isTrue();
        assertThat(f.isCancelled()).isTrue();
        assertThatThrownBy(() -> f.get(1, SECONDS)).isInstanceOf(CancellationException.class);

        Await.until(() -> "nothing leased or waiting after the cancel: " + t.stats(),
                () -> t.stats().active() == 0 && t.stats().pending() == 0);
        // Whatever phase the cancel caught, the transport still works and serves the next request.
        Response next = t.roundTrip(get(server, "/next")).get(10, SECONDS);
        assertThat(next.body().text().get(10, SECONDS)).isEqualTo("ok");
    }

    @Test
    void cancelWhileWritingTheRequestBodyClosesTheConnection() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        StallingPublisher body = new StallingPublisher();
        Request request = Request.newBuilder(server.uri("/upload"))
                .post(RequestBody.ofPublisher(body, -1)).build();

        CompletableFuture<Response> f = t.roundTrip(request);
        assertThat(body.firstSent.await(10, SECONDS)).as("the body publisher was asked for data").isTrue();
        Await.until("the server received the request head", () -> server.requestCount() == 1);
        assertThat(server.openConnections()).isEqualTo(1);

        assertThat(f.cancel(true)).isTrue();
        assertThat(f.isCancelled()).isTrue();
        assertThat(body.cancelled.await(10, SECONDS)).as("the body's subscription was cancelled").isTrue();
        Await.connectionsClosed(t, server);
    }

    enum Unanswered {
        NO_RESPONSE(ServerResponse.status(200).noResponse()),
        DELAYED_HEADERS(ServerResponse.ok("late").delayHeaders(LATE));

        final ServerResponse script;

        Unanswered(ServerResponse script) {
            this.script = script;
        }
    }

    @ParameterizedTest
    @EnumSource(Unanswered.class)
    void cancelWhileAwaitingHeadersClosesTheConnection(Unanswered kind) throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(kind.script);

        CompletableFuture<Response> f = t.roundTrip(get(server, "/wait"));
        server.takeRequest(); // fully written and received: the exchange now awaits the response head
        assertThat(f.isDone()).isFalse();

        assertThat(f.cancel(true)).isTrue();
        assertThat(f.isCancelled()).isTrue();
        Await.connectionsClosed(t, server);
    }

    @Test
    void cancelAfterTheResponseArrivedClosesTheBodyAndTheConnectionIsNotReused() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(8L << 20));

        CompletableFuture<Response> f = t.roundTrip(get(server, "/body"));
        Response response = f.get(10, SECONDS);
        RecordingSubscriber sub = new RecordingSubscriber();
        response.body().subscribe(sub);
        sub.awaitSubscription().request(1);
        assertThat(sub.items.poll(10, SECONDS)).as("the first buffer").isNotNull();

        f.cancel(true);
        Await.connectionsClosed(t, server);

        sub.awaitSubscription().request(16);
        assertThat(sub.items.poll(300, MILLISECONDS)).as("no data after the cancel").isNull();
        assertThat(sub.completed.getCount()).as("a cut body must not look complete").isEqualTo(1);

        Response next = t.roundTrip(get(server, "/next")).get(10, SECONDS);
        assertThat(next.body().text().get(10, SECONDS)).isEqualTo("ok");
        server.takeRequest();
        assertThat(server.takeRequest().connectionIndex()).as("a new connection, not the cancelled one").isEqualTo(1);
    }

    // ---- timeouts ----

    @Test
    void responseHeaderTimeoutFailsAwaitingHeadersAndClosesTheConnection() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport(b -> b.responseHeaderTimeout(Duration.ofMillis(200)));
        server.enqueue(ServerResponse.ok("late").delayHeaders(LATE));

        RequestException e = failure(t.roundTrip(get(server, "/slow-head")));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.isTimeout()).isTrue();
        assertThat(e.getMessage()).contains("responseHeaderTimeout");
        Await.connectionsClosed(t, server);
    }

    enum BodyReader {
        SUBSCRIBER(body -> {
            RecordingSubscriber sub = new RecordingSubscriber(Long.MAX_VALUE);
            body.subscribe(sub);
            return sub.result;
        }),
        BYTES(body -> body.bytes().thenApply(b -> (long) b.length));

        final Function<ResponseBody, CompletableFuture<Long>> read;

        BodyReader(Function<ResponseBody, CompletableFuture<Long>> read) {
            this.read = read;
        }
    }

    @ParameterizedTest
    @EnumSource(BodyReader.class)
    void requestTimeoutWhileReadingAThrottledBodyFailsTheBodyAndClosesTheConnection(BodyReader reader)
            throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(throttledBody());

        Request request = Request.newBuilder(server.uri("/throttled")).timeout(SHORT).build();
        Response response = t.roundTrip(request).get(10, SECONDS);
        assertBodyTimesOut(reader.read.apply(response.body()));
        Await.connectionsClosed(t, server);
    }

    @Test
    void clientTimeoutCoversReadingTheBody() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(throttledBody());

        try (Client client = Client.newBuilder().transport(t).timeout(SHORT).build()) {
            Response response = client.send(get(server, "/throttled")).get(10, SECONDS);
            assertBodyTimesOut(response.body().bytes().thenApply(b -> (long) b.length));
        }
        Await.connectionsClosed(t, server);
    }

    @Test
    void clientTimeoutBeforeTheResponseHeadFailsTheCall() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.ok("late").delayHeaders(LATE));

        try (Client client = Client.newBuilder().transport(t).timeout(SHORT).build()) {
            RequestException e = failure(client.send(get(server, "/slow-head")));
            assertThat(e.isTimeout()).isTrue();
            assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
            assertThat(e.getMessage()).contains("timeout");
        }
        Await.connectionsClosed(t, server);
    }

    // ---- Response.close() before reading ----

    @Test
    void closingASmallUnreadRemainderDrainsItAndReusesTheConnection() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        // 1 KiB arriving 256 bytes every 50 ms: at close() most of it is still on its way (<= 2 KiB: drained).
        server.enqueue(ServerResponse.status(200).body(new byte[1024]).throttle(256, Duration.ofMillis(50)));
        server.enqueue(ServerResponse.ok("next"));

        Response first = t.roundTrip(get(server, "/small")).get(10, SECONDS);
        first.close();
        Await.idleConnections(t, 1);

        Response next = t.roundTrip(get(server, "/next")).get(10, SECONDS);
        assertThat(next.body().text().get(10, SECONDS)).isEqualTo("next");
        server.takeRequest();
        RecordedRequest second = server.takeRequest();
        assertThat(second.connectionIndex()).as("the same connection").isEqualTo(0);
        assertThat(second.exchangeIndex()).isEqualTo(1);
    }

    @Test
    void closingALargeUnreadRemainderClosesTheConnection() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(8L << 20));
        server.enqueue(ServerResponse.ok("next"));

        Response first = t.roundTrip(get(server, "/large")).get(10, SECONDS);
        first.close();
        Await.connectionsClosed(t, server);

        Response next = t.roundTrip(get(server, "/next")).get(10, SECONDS);
        assertThat(next.body().text().get(10, SECONDS)).isEqualTo("next");
        server.takeRequest();
        assertThat(server.takeRequest().connectionIndex()).as("a new connection").isEqualTo(1);
    }

    @Test
    void closingTheResponseWhileBytesIsCollectingItFailsTheBytesFutureInsteadOfHanging() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(throttledBody());

        Response response = t.roundTrip(get(server, "/throttled")).get(10, SECONDS);
        CompletableFuture<byte[]> bytes = response.body().bytes();
        response.close();

        Await.noConnections(t);
        // Go's reader gets "read on closed response body"; a collector must not wait forever (invariant 5).
        assertThatThrownBy(() -> bytes.get(10, SECONDS)).as("bytes() ends once the body is closed under it")
                .isInstanceOf(ExecutionException.class);
    }

    // ---- helpers ----

    private static Request get(TestServer server, String path) {
        return Request.newBuilder(server.uri(path)).build();
    }

    /** 64 KiB at 1 KiB per 100 ms: the head and the first bytes come at once, the rest over 6 s. */
    private static ServerResponse throttledBody() {
        return ServerResponse.status(200).body(new byte[64 * 1024]).throttle(1024, Duration.ofMillis(100));
    }

    private static void assertBodyTimesOut(CompletableFuture<Long> read) {
        assertThatThrownBy(() -> read.get(10, SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(RequestException.class, e -> {
                    assertThat(e.isTimeout()).isTrue();
                    assertThat(e.phase()).isEqualTo(RequestException.Phase.READ_BODY);
                    assertThat(e.getMessage()).contains("timeout");
                });
    }

    /** Connects plain sockets until the listener's accept queue is full (a connect then hangs). */
    private static List<Socket> fillAcceptQueue(ServerSocket listener) throws IOException {
        List<Socket> fillers = new ArrayList<>();
        InetSocketAddress address = new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(address, 300);
            } catch (SocketTimeoutException full) {
                s.close();
                return fillers;
            }
            fillers.add(s);
        }
        for (Socket s : fillers) {
            s.close();
        }
        throw new AssertionError("the accept queue of a listener with backlog 1 never filled");
    }

    /** A request body that sends one buffer and then neither sends more nor completes. */
    private static final class StallingPublisher implements Flow.Publisher<ByteBuffer> {
        final CountDownLatch firstSent = new CountDownLatch(1);
        final CountDownLatch cancelled = new CountDownLatch(1);

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                private boolean sent;

                @Override
                public synchronized void request(long n) {
                    if (!sent) {
                        sent = true;
                        subscriber.onNext(ByteBuffer.wrap("partial".getBytes(StandardCharsets.US_ASCII)));
                        firstSent.countDown();
                    }
                }

                @Override
                public void cancel() {
                    cancelled.countDown();
                }
            });
        }
    }
}
