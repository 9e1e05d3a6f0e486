package dev.courier.http.spring;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.Client;
import dev.courier.http.RedirectPolicy;
import dev.courier.http.RequestException;
import dev.courier.http.Transport;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A real Spring WebClient over CourierClientHttpConnector against our test server: what goes on the wire,
 * streaming both ways with backpressure, cancellation at each stage releasing the connection, and errors.
 */
class CourierClientHttpConnectorTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Loopback socket buffers (send + receive, autotuned) plus a few reads stay far below this (as in BackpressureTest). */
    private static final long STALL_BOUND = 16L << 20;

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private static WebClient webClient(Transport t) {
        Client client = Client.newBuilder().transport(t).redirectPolicy(RedirectPolicy.none()).build();
        return WebClient.builder().clientConnector(new CourierClientHttpConnector(client)).build();
    }

    @Test
    void methodUriHeadersAndCookiesGoOnTheWireAndTheResponseComesBack() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(201).header("X-Reply", "r1").header("X-Reply", "r2")
                .header("Content-Type", "text/plain").body("made"));

        ResponseEntity<String> entity = webClient(t).put().uri(server.uri("/items/7?q=a%20b"))
                .header("X-Custom", "v1").header("Accept", "text/plain")
                .cookie("session", "s1").cookie("theme", "dark")
                .retrieve().toEntity(String.class).block(WAIT);

        assertThat(entity.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(entity.getBody()).isEqualTo("made");
        assertThat(entity.getHeaders().get("x-reply")).containsExactly("r1", "r2");
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.method()).isEqualTo("PUT");
        assertThat(recorded.target()).isEqualTo("/items/7?q=a%20b");
        assertThat(recorded.header("X-Custom")).isEqualTo("v1");
        assertThat(recorded.header("Accept")).isEqualTo("text/plain");
        assertThat(recorded.header("Cookie")).isEqualTo("session=s1; theme=dark");
        assertThat(recorded.header("Host")).isEqualTo("127.0.0.1:" + server.port());
        Await.idleConnections(t, 1);
    }

    @Test
    void aBodyValueIsSentWithItsContentLengthAndTheConnectionIsReused() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        WebClient web = webClient(t);

        for (String text : new String[] {"hello", "again"}) {
            String reply = web.post().uri(server.uri("/echo")).bodyValue(text).retrieve().bodyToMono(String.class).block(WAIT);
            assertThat(reply).isEqualTo("ok");
            RecordedRequest recorded = server.takeRequest();
            assertThat(recorded.bodyText()).isEqualTo(text);
            assertThat(recorded.header("Content-Length")).isEqualTo("5");
            assertThat(recorded.chunked()).isFalse();
            assertThat(recorded.connectionIndex()).as("keep-alive through the connector").isZero();
        }
        Await.idleConnections(t, 1);
    }

    @Test
    void aStreamedRequestBodyIsSentChunkedAndAStreamedResponseComesBackPieceByPiece() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).echoBody());
        Flux<String> parts = Flux.range(0, 100).map(i -> "part-" + i + ";");

        String echoed = webClient(t).post().uri(server.uri("/stream")).body(parts, String.class)
                .retrieve().bodyToFlux(DataBuffer.class)
                .map(b -> b.toString(StandardCharsets.UTF_8))
                .reduce(String::concat).block(WAIT);

        String expected = String.join("", parts.collectList().block());
        assertThat(echoed).isEqualTo(expected);
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.chunked()).isTrue();
        assertThat(recorded.header("Content-Length")).isNull();
        Await.idleConnections(t, 1);
    }

    @Test
    void aLargeUploadStreamsWithTheDeclaredLength() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        int chunk = 64 * 1024;
        int chunks = 512; // 32 MiB, produced as Courier asks for it
        byte[] block = new byte[chunk];
        Flux<DataBuffer> body = Flux.range(0, chunks).map(i -> DefaultDataBufferFactory.sharedInstance.wrap(block));

        String reply = webClient(t).post().uri(server.uri("/upload"))
                .contentLength((long) chunk * chunks)
                .body(body, DataBuffer.class)
                .retrieve().bodyToMono(String.class).block(Duration.ofSeconds(60));

        assertThat(reply).isEqualTo("ok");
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.bodySize()).isEqualTo((long) chunk * chunks);
        assertThat(recorded.header("Content-Length")).isEqualTo(Long.toString((long) chunk * chunks));
        assertThat(recorded.chunked()).isFalse();
    }

    @Test
    void aSlowConsumerHoldsTheServerAtABoundedOffsetAndCancellingClosesTheConnection() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(1L << 30));

        Flux<DataBuffer> body = webClient(t).get().uri(server.uri("/huge")).retrieve().bodyToFlux(DataBuffer.class);
        StepVerifier.create(body, 4)
                .expectNextCount(4)
                .then(() -> assertThat(awaitServerStall(server)).as("bytes the server wrote while WebClient asked for 4 buffers")
                        .isLessThan(STALL_BOUND))
                .then(() -> assertThat(t.stats().active()).isEqualTo(1))
                .thenCancel()
                .verify(WAIT);

        Await.connectionsClosed(t, server);
        assertThat(server.bodyBytesWritten()).as("the 1 GiB download stopped far from its end").isLessThan(STALL_BOUND);
    }

    @Test
    void disposingMidBodyClosesTheConnection() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(64L << 20).throttle(16 * 1024, Duration.ofMillis(20)));
        CompletableFuture<Long> firstBytes = new CompletableFuture<>();

        Disposable d = webClient(t).get().uri(server.uri("/slow")).retrieve().bodyToFlux(DataBuffer.class)
                .subscribe(b -> firstBytes.complete((long) b.readableByteCount()));
        assertThat(firstBytes.orTimeout(10, SECONDS).join()).isPositive();
        d.dispose();

        Await.connectionsClosed(t, server);
        assertThat(server.bodyBytesWritten()).isLessThan(64L << 20);
    }

    @Test
    void disposingBeforeTheHeadArrivesCancelsTheRequestOnTheWire() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.ok("never").noResponse());

        Disposable d = webClient(t).get().uri(server.uri("/hang")).retrieve().toBodilessEntity().subscribe();
        assertThat(server.takeRequest().path()).isEqualTo("/hang");
        assertThat(t.stats().active()).isEqualTo(1);
        d.dispose();

        Await.connectionsClosed(t, server);
    }

    @Test
    void disposingAfterTheHeadButBeforeTheBodyIsSubscribedClosesTheResponse() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(8L << 20));
        CompletableFuture<Integer> head = new CompletableFuture<>();

        // The handler never subscribes to the body: only the connector can release the response.
        Disposable d = webClient(t).get().uri(server.uri("/head-only"))
                .exchangeToMono(response -> {
                    head.complete(response.statusCode().value());
                    return Mono.never();
                })
                .subscribe();
        assertThat(head.orTimeout(10, SECONDS).join()).isEqualTo(200);
        assertThat(t.stats().active()).isEqualTo(1);
        d.dispose();

        Await.connectionsClosed(t, server);
        assertThat(server.bodyBytesWritten()).isLessThan(8L << 20);
    }

    @Test
    void aFailedConnectIsAWebClientRequestExceptionCausedByTheRequestException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI refused = URI.create("http://127.0.0.1:" + port + "/nothing");

        StepVerifier.create(webClient(courier.transport()).get().uri(refused).retrieve().bodyToMono(String.class))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(WebClientRequestException.class);
                    WebClientRequestException w = (WebClientRequestException) e;
                    assertThat(w.getUri()).isEqualTo(refused);
                    assertThat(w.getCause()).isInstanceOf(RequestException.class);
                    assertThat(((RequestException) w.getCause()).phase()).isEqualTo(RequestException.Phase.CONNECT);
                })
                .verify(WAIT);
    }

    @Test
    void aBodyCutShortFailsTheBodyWithTheRequestExceptionAsCause() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.ok("x".repeat(10_000)).closeInsideBody(100));

        StepVerifier.create(webClient(t).get().uri(server.uri("/cut")).retrieve().bodyToMono(String.class))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(WebClientResponseException.class);
                    assertThat(e.getCause()).isInstanceOf(RequestException.class);
                    assertThat(((RequestException) e.getCause()).phase()).isEqualTo(RequestException.Phase.READ_BODY);
                })
                .verify(WAIT);
        Await.connectionsClosed(t, server);
    }

    @Test
    void anErrorStatusIsWebClientsToJudgeAndItsBodyIsReleased() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(503).body("busy"));

        StepVerifier.create(webClient(t).get().uri(server.uri("/busy")).retrieve().bodyToMono(String.class))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(WebClientResponseException.ServiceUnavailable.class);
                    assertThat(((WebClientResponseException) e).getResponseBodyAsString()).isEqualTo("busy");
                })
                .verify(WAIT);
        Await.idleConnections(t, 1);
    }

    @Test
    void responseCookiesAreParsedFromSetCookie() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.ok("c")
                .header("Set-Cookie", "id=a3fWa; Max-Age=60; Path=/docs; Secure; HttpOnly; SameSite=Lax")
                .header("Set-Cookie", "lang=en"));

        MultiValueMap<String, ResponseCookie> cookies = webClient(t).get().uri(server.uri("/cookies"))
                .exchangeToMono(r -> r.releaseBody().thenReturn(r.cookies())).block(WAIT);

        ResponseCookie id = cookies.getFirst("id");
        assertThat(id.getValue()).isEqualTo("a3fWa");
        assertThat(id.getMaxAge()).isEqualTo(Duration.ofSeconds(60));
        assertThat(id.getPath()).isEqualTo("/docs");
        assertThat(id.isSecure()).isTrue();
        assertThat(id.isHttpOnly()).isTrue();
        assertThat(id.getSameSite()).isEqualTo("Lax");
        assertThat(cookies.getFirst("lang").getValue()).isEqualTo("en");
        Await.idleConnections(t, 1);
    }

    @Test
    void theClientIsUsedAsGivenAndTheDefaultConnectorFollowsNoRedirect() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.dispatcher(r -> r.path().equals("/from")
                ? ServerResponse.status(302).header("Location", "/to").body("moved")
                : ServerResponse.ok("arrived"));

        try (CourierClientHttpConnector own = new CourierClientHttpConnector()) {
            ResponseEntity<Void> e = WebClient.builder().clientConnector(own).build()
                    .get().uri(server.uri("/from")).retrieve().toBodilessEntity().block(WAIT);
            assertThat(e.getStatusCode()).isEqualTo(HttpStatus.FOUND);
        }
        Client following = Client.newBuilder().transport(t).redirectPolicy(RedirectPolicy.follow(5)).build();
        String body = WebClient.builder().clientConnector(new CourierClientHttpConnector(following)).build()
                .get().uri(server.uri("/from")).retrieve().bodyToMono(String.class).block(WAIT);
        assertThat(body).isEqualTo("arrived");
    }

    @Test
    void eachSubscriptionToTheConnectorsMonoPreparesAndSendsARequestOfItsOwn() {
        TestServer server = courier.server();
        Transport t = courier.transport();
        CourierClientHttpConnector connector = new CourierClientHttpConnector(Client.newBuilder().transport(t).build());
        byte[] payload = "once more".getBytes(StandardCharsets.UTF_8);

        Mono<String> sent = connector.connect(HttpMethod.POST, server.uri("/twice"),
                        request -> {
                            request.getHeaders().add("X-Once", "1");
                            return request.writeWith(Mono.fromSupplier(() -> request.bufferFactory().wrap(payload)));
                        })
                .flatMap(response -> DataBufferUtils.join(response.getBody()).map(b -> b.toString(StandardCharsets.UTF_8)));
        StepVerifier.create(sent.repeat(1)).expectNext("ok", "ok").expectComplete().verify(WAIT);

        for (int i = 0; i < 2; i++) {
            RecordedRequest recorded = server.takeRequest();
            assertThat(recorded.bodyText()).as("body of request " + i).isEqualTo("once more");
            assertThat(recorded.headers("X-Once")).as("the header written once into request " + i).containsExactly("1");
        }
        Await.idleConnections(t, 1);
    }

    /** Polls the server's byte count until it stops moving for 300 ms (or passes the bound); at most 20 s. */
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
        throw new AssertionError("the server kept writing for 20 s while WebClient asked for 4 buffers: " + last);
    }
}
