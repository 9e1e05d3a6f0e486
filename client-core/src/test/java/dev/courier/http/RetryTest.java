package dev.courier.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static dev.courier.http.testing.Exchanges.failure;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Transport's retry of a request that failed on a reused connection the server had closed (Go's
 * {@code shouldRetryRequest}): once, on a fresh connection, only when it is safe.
 */
class RetryTest {
    /** The server reads the request and closes the connection without a byte of response. */
    private static final ServerResponse STALE = ServerResponse.ok("never sent").closeAfterBytes(0);

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private final List<Retry> retries = new CopyOnWriteArrayList<>();
    private final ClientTrace trace = new ClientTrace() {
        @Override
        public void retrying(int attempt, RequestException cause, String reason) {
            retries.add(new Retry(attempt, cause, reason));
        }
    };

    private record Retry(int attempt, RequestException cause, String reason) {
    }

    @Test
    void aGetOnAStaleReusedConnectionIsRetriedOnAFreshOne() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.ok("first"));
        server.enqueue(STALE);
        server.enqueue(ServerResponse.ok("second"));
        assertThat(text(t, get(server, "/1"))).isEqualTo("first");

        assertThat(text(t, get(server, "/2"))).isEqualTo("second");
        assertRecorded(server.takeRequest(), "/1", 0, 0);
        assertRecorded(server.takeRequest(), "/2", 0, 1);
        assertRecorded(server.takeRequest(), "/2", 1, 0);
        assertThat(retries).singleElement().satisfies(r -> {
            assertThat(r.attempt()).isEqualTo(1);
            assertThat(r.reason()).isNotBlank();
            assertThat(r.cause().reused()).isTrue();
            assertThat(r.cause().phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        });
    }

    @Test
    void aPostWithANonReplayableBodyIsNotRetried() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.ok("first"));
        server.enqueue(STALE);
        server.enqueue(ServerResponse.ok("a retry"));
        assertThat(text(t, get(server, "/1"))).isEqualTo("first");

        byte[] payload = "payload".getBytes(UTF_8);
        Request post = Request.newBuilder(server.uri("/post")).trace(trace)
                .post(RequestBody.ofPublisher(onePiece(payload), payload.length)).build();
        RequestException e = failure(t.roundTrip(post));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.reused()).isTrue();
        assertThat(e.getMessage()).contains("reused");
        server.takeRequest();
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.bodyText()).as("the body reached the server").isEqualTo("payload");
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(retries).isEmpty();
    }

    @Test
    void aReplayablePostWithAnIdempotencyKeyIsRetried() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.ok("first"));
        server.enqueue(STALE);
        server.enqueue(ServerResponse.ok("second"));
        assertThat(text(t, get(server, "/1"))).isEqualTo("first");

        Request post = Request.newBuilder(server.uri("/post")).trace(trace).header("Idempotency-Key", "k-1")
                .post(RequestBody.of("payload".getBytes(UTF_8))).build();
        assertThat(text(t, post)).isEqualTo("second");
        server.takeRequest();
        assertRecorded(server.takeRequest(), "/post", 0, 1);
        RecordedRequest retried = server.takeRequest();
        assertRecorded(retried, "/post", 1, 0);
        assertThat(retried.method()).isEqualTo("POST");
        assertThat(retried.bodyText()).isEqualTo("payload");
        assertThat(retried.header("Idempotency-Key")).isEqualTo("k-1");
        assertThat(retries).hasSize(1);
    }

    @Test
    void aFailureOnANewConnectionIsNotRetried() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(STALE);
        server.enqueue(ServerResponse.ok("a retry"));

        RequestException e = failure(t.roundTrip(get(server, "/1")));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.reused()).isFalse();
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(retries).isEmpty();
    }

    @Test
    void aFailureAfterResponseBodyBytesIsNotRetried() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.ok("first"));
        // The head arrives first; then part of the body and a reset.
        server.enqueue(ServerResponse.ok("x".repeat(20_000)).delayBody(Duration.ofMillis(100)).resetAfterBytes(5_000));
        server.enqueue(ServerResponse.ok("a retry"));
        assertThat(text(t, get(server, "/1"))).isEqualTo("first");

        Response r = t.roundTrip(get(server, "/2")).get(10, SECONDS);
        assertThat(r.status()).isEqualTo(200);
        RequestException e = failure(r.body().bytes());
        assertThat(e.phase()).isEqualTo(RequestException.Phase.READ_BODY);
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(retries).isEmpty();
    }

    @Test
    void aFailureAfterPartOfTheResponseHeadIsNotRetried() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.ok("first"));
        server.enqueue(ServerResponse.ok("cut").closeAfterBytes("HTTP/1.1 2".length()));
        server.enqueue(ServerResponse.ok("a retry"));
        assertThat(text(t, get(server, "/1"))).isEqualTo("first");

        // The server sent response bytes: the request may have been processed, so it must not be sent again.
        Throwable thrown = catchThrowable(() -> text(t, get(server, "/2")));
        assertThat(retries).isEmpty();
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(thrown).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RequestException.class);
        assertThat(((RequestException) thrown.getCause()).phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
    }

    @Test
    void aRequestIsRetriedAtMostOnce() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.ok("first"));
        server.enqueue(STALE);
        server.enqueue(STALE);
        server.enqueue(ServerResponse.ok("a second retry"));
        assertThat(text(t, get(server, "/1"))).isEqualTo("first");

        RequestException e = failure(t.roundTrip(get(server, "/2")));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(server.connectionCount()).isEqualTo(2);
        assertThat(retries).hasSize(1);
    }

    // ---- helpers ----

    private Request get(TestServer server, String path) {
        return Request.newBuilder(server.uri(path)).trace(trace).build();
    }

    private static String text(Transport t, Request request) throws Exception {
        return t.roundTrip(request).get(10, SECONDS).body().text().get(10, SECONDS);
    }

    private static void assertRecorded(RecordedRequest r, String path, int connection, int exchange) {
        assertThat(r.path()).isEqualTo(path);
        assertThat(r.connectionIndex()).as("connection of " + r).isEqualTo(connection);
        assertThat(r.exchangeIndex()).as("exchange of " + r).isEqualTo(exchange);
    }

    /** A publisher that can be subscribed once and sends {@code bytes} in one piece. */
    private static Flow.Publisher<ByteBuffer> onePiece(byte[] bytes) {
        AtomicBoolean subscribed = new AtomicBoolean();
        return subscriber -> {
            if (!subscribed.compareAndSet(false, true)) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                subscriber.onError(new IllegalStateException("subscribed twice"));
                return;
            }
            AtomicBoolean sent = new AtomicBoolean();
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    if (n > 0 && sent.compareAndSet(false, true)) {
                        subscriber.onNext(ByteBuffer.wrap(bytes));
                        subscriber.onComplete();
                    }
                }

                @Override
                public void cancel() {
                    sent.set(true);
                }
            });
        };
    }
}
