package dev.courier.http.reactor;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.Client;
import dev.courier.http.Request;
import dev.courier.http.RequestException;
import dev.courier.http.Response;
import dev.courier.http.Transport;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * ReactiveClient against our test server: the Mono sends per subscription, emits the response, and
 * releases the connection whenever the subscriber gives up; the body Flux honours demand and cancellation.
 */
class ReactiveClientTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Loopback socket buffers (send + receive, autotuned) plus one read stay far below this (as in BackpressureTest). */
    private static final long STALL_BOUND = 16L << 20;

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private static String utf8(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b).toString();
    }

    @Test
    void sendEmitsTheResponseAndItsBodyStreamsToTheEndReturningTheConnection() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.ok("hello").header("X-Test", "1"));
        ReactiveClient reactive = ReactiveClient.of(Client.newBuilder().transport(t).build());

        Mono<String> text = reactive.send(Request.newBuilder(server.uri("/a")).build())
                .flatMap(r -> {
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.headers().first("X-Test")).isEqualTo("1");
                    return ReactiveClient.body(r).map(ReactiveClientTest::utf8).reduce(String::concat);
                });
        StepVerifier.create(text).expectNext("hello").expectComplete().verify(WAIT);
        Await.idleConnections(t, 1);
        assertThat(server.takeRequest().path()).isEqualTo("/a");
    }

    @Test
    void nothingIsSentBeforeSubscriptionAndEachSubscriptionSendsAgain() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        ReactiveClient reactive = ReactiveClient.of(Client.newBuilder().transport(t).build());
        Mono<Integer> status = reactive.exchange(Request.newBuilder(server.uri("/again")).build(),
                r -> Mono.fromFuture(r.body().discard()).thenReturn(r.status())).next();
        assertThat(server.requestCount()).isZero();

        StepVerifier.create(status.repeat(2)).expectNext(200, 200, 200).expectComplete().verify(WAIT);
        assertThat(server.requestCount()).isEqualTo(3);
        Await.idleConnections(t, 1);
    }

    @Test
    void cancellingBeforeTheHeadArrivesCancelsTheRequestAndClosesTheConnection() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.ok("never").noResponse());
        ReactiveClient reactive = ReactiveClient.of(Client.newBuilder().transport(t).build());

        StepVerifier.create(reactive.send(Request.newBuilder(server.uri("/hang")).build()))
                .expectSubscription()
                .then(() -> assertThat(server.takeRequest().path()).isEqualTo("/hang"))
                .then(() -> assertThat(t.stats().active()).isEqualTo(1))
                .thenCancel()
                .verify(WAIT);
        // The server sees its connection closed: the request was abandoned on the wire, not just forgotten.
        Await.connectionsClosed(t, server);
        assertThat(t.stats().active()).isZero();
    }

    @Test
    void aResponseThatArrivedButWasNeverRequestedIsClosedOnCancel() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(8L << 20));
        // Completions go through this queue, so the test knows when the response reached the Mono.
        LinkedBlockingQueue<Runnable> completions = new LinkedBlockingQueue<>();
        ReactiveClient reactive = ReactiveClient.of(Client.newBuilder().transport(t).executor(completions::add).build());

        StepVerifier.create(reactive.send(Request.newBuilder(server.uri("/unrequested")).build()), 0)
                .expectSubscription()
                .then(() -> {
                    try {
                        completions.poll(10, SECONDS).run(); // the response reaches the Mono; no demand yet
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                })
                .expectNoEvent(Duration.ofMillis(50))
                .then(() -> assertThat(t.stats().active()).as("the response holds its connection").isEqualTo(1))
                .thenCancel()
                .verify(WAIT);
        Await.connectionsClosed(t, server);
        assertThat(server.bodyBytesWritten()).as("the 8 MiB body was abandoned, not read").isLessThan(8L << 20);
    }

    @Test
    void failuresAreTheRequestExceptionOfTheClient() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ReactiveClient reactive = ReactiveClient.of(Client.newBuilder().transport(courier.transport()).build());
        URI refused = URI.create("http://127.0.0.1:" + port + "/x");
        StepVerifier.create(reactive.send(Request.newBuilder(refused).build()))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(RequestException.class);
                    RequestException re = (RequestException) e;
                    assertThat(re.phase()).isEqualTo(RequestException.Phase.CONNECT);
                    assertThat(re.method()).isEqualTo("GET");
                    assertThat(re.url()).isEqualTo(refused.toString());
                })
                .verify(WAIT);
    }

    @Test
    void theBodyFluxReadsOnlyWhatIsDemandedAndCancellingItClosesTheConnection() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(1L << 30));
        ReactiveClient reactive = ReactiveClient.of(Client.newBuilder().transport(t).build());
        Response response = reactive.send(Request.newBuilder(server.uri("/huge")).build()).block(WAIT);

        StepVerifier.create(ReactiveClient.body(response), 2)
                .expectNextCount(2)
                .then(() -> assertThat(awaitServerStall(server)).as("bytes written while two buffers were asked for")
                        .isLessThan(STALL_BOUND))
                .expectNoEvent(Duration.ofMillis(50))
                .thenCancel()
                .verify(WAIT);
        Await.connectionsClosed(t, server);
        assertThat(server.bodyBytesWritten()).as("the download stopped far from its end").isLessThan(STALL_BOUND);
    }

    @Test
    void exchangeClosesAResponseWhoseHandlerIgnoresTheBody() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(8L << 20));
        ReactiveClient reactive = ReactiveClient.of(Client.newBuilder().transport(t).build());

        StepVerifier.create(reactive.exchange(Request.newBuilder(server.uri("/ignored")).build(), r -> Mono.just(r.status())))
                .expectNext(200).expectComplete().verify(WAIT);
        Await.connectionsClosed(t, server);
    }

    @Test
    void exchangeClosesTheResponseWhenTheHandlerThrows() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(8L << 20));
        ReactiveClient reactive = ReactiveClient.of(Client.newBuilder().transport(t).build());
        AtomicInteger calls = new AtomicInteger();

        StepVerifier.create(reactive.exchange(Request.newBuilder(server.uri("/throws")).build(), r -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("handler failed");
                }))
                .expectErrorMessage("handler failed").verify(WAIT);
        assertThat(calls).hasValue(1);
        Await.connectionsClosed(t, server);
    }

    @Test
    void aSecondSubscriptionToABodyIsRefused() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.ok("once"));
        ReactiveClient reactive = ReactiveClient.of(Client.newBuilder().transport(t).build());
        Response response = reactive.send(Request.newBuilder(server.uri("/once")).build()).block(WAIT);

        Flux<String> body = ReactiveClient.body(response).map(ReactiveClientTest::utf8);
        StepVerifier.create(body).expectNext("once").expectComplete().verify(WAIT);
        StepVerifier.create(body).expectError(IllegalStateException.class).verify(WAIT);
        Await.idleConnections(t, 1);
    }

    /** Polls the server's byte count until it stops moving for 300 ms; bounded by 20 s. */
    private static long awaitServerStall(TestServer server) {
        long deadline = System.nanoTime() + SECONDS.toNanos(20);
        long last = server.bodyBytesWritten();
        long lastChange = System.nanoTime();
        while (System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(MILLISECONDS.toNanos(50));
            long now = server.bodyBytesWritten();
            if (now >= STALL_BOUND) {
                return now;
            }
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange >= MILLISECONDS.toNanos(300)) {
                return now;
            }
        }
        throw new AssertionError("the server kept writing for 20 s though the client asked for two buffers: " + last);
    }
}
