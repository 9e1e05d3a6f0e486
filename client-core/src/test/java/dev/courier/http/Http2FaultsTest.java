package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.H2Response;
import dev.courier.http.testing.H2Settings;
import dev.courier.http.testing.H2TestServer;
import dev.courier.http.testing.TestCertificates;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP/2 faults: a stream the server refused is retried on the same connection (a bounded number of times), one
 * a GOAWAY left unprocessed once on another;
 * resets, GOAWAY, oversized headers, dead connections and timeouts fail with typed errors that keep the
 * HTTP/2 error code, and never cost the other streams their connection.
 */
class Http2FaultsTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private static final TestCertificates CERTS = TestCertificates.get();
    private static final int CANCEL = 0x8;
    private static final int REFUSED_STREAM = 0x7;
    private static final int INTERNAL_ERROR = 0x2;

    private H2TestServer server() {
        return courier.closeAfter(H2TestServer.startTls(CERTS.server()));
    }

    private Transport transport(UnaryOperator<Transport.Builder> more) {
        return courier.transport(b -> more.apply(b.trustStore(CERTS.caTrustStore())));
    }

    private Transport transport() {
        return transport(b -> b);
    }

    private static Request get(H2TestServer server, String path, List<String> retries) {
        return Request.newBuilder(server.uri(path)).trace(new ClientTrace() {
            @Override
            public void retrying(int attempt, RequestException cause, String reason) {
                retries.add(reason + " after " + cause.getMessage());
            }
        }).build();
    }

    private static RequestException failure(CompletableFuture<Response> call) {
        return failure(call, 10);
    }

    private static RequestException failure(CompletableFuture<Response> call, int seconds) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> call.get(seconds, SECONDS));
        assertThat(e.getCause()).isInstanceOf(RequestException.class);
        return (RequestException) e.getCause();
    }

    @Test
    void aRefusedStreamIsRetriedOnTheSameConnection() throws Exception {
        H2TestServer server = server();
        server.enqueue(H2Response.status(200).rstStream(REFUSED_STREAM));
        server.enqueue(H2Response.status(200).body("second try"));
        List<String> retries = new CopyOnWriteArrayList<>();
        Transport t = transport();
        Response r = t.roundTrip(get(server, "/", retries)).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("second try");
        assertThat(retries).singleElement().asString().contains("REFUSED_STREAM");
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(server.takeRequest().connectionIndex()).isZero();
        assertThat(server.takeRequest().connectionIndex()).isZero();
        assertThat(t.stats().total()).isEqualTo(1);
    }

    @Test
    void aRefusedPostWithAReplayableBodyIsRetriedToo() throws Exception {
        H2TestServer server = server();
        server.enqueue(H2Response.status(200).rstStream(REFUSED_STREAM));
        server.enqueue(H2Response.status(200).echoBody());
        Response r = transport().roundTrip(Request.newBuilder(server.uri("/")).method("POST")
                .body(RequestBody.of("payload", java.nio.charset.StandardCharsets.UTF_8)).build()).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("payload");
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void aStreamRefusedSeveralTimesIsRetriedOnTheSameConnectionUntilAccepted() throws Exception {
        H2TestServer server = server();
        for (int i = 0; i < 3; i++) {
            server.enqueue(H2Response.status(200).rstStream(REFUSED_STREAM));
        }
        server.enqueue(H2Response.status(200).body("fourth try"));
        List<String> retries = new CopyOnWriteArrayList<>();
        Transport t = transport();
        Response r = t.roundTrip(get(server, "/x", retries)).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("fourth try");
        assertThat(retries).hasSize(3).allSatisfy(reason -> assertThat(reason).contains("REFUSED_STREAM"));
        assertThat(server.requestCount()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(server.takeRequest().connectionIndex()).isZero();
        }
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(t.stats().total()).isEqualTo(1);
    }

    @Test
    void aStreamTheServerAlwaysRefusesFailsAfterABoundedNumberOfAttemptsNamingRefusedStream() throws Exception {
        H2TestServer server = server();
        server.dispatcher(req -> H2Response.status(200).rstStream(REFUSED_STREAM));
        List<String> retries = new CopyOnWriteArrayList<>();
        Transport t = transport();
        RequestException e = failure(t.roundTrip(get(server, "/x", retries)));
        // Go's HTTP/2 transport: the first attempt and 7 retries (RoundTripOpt's "retry <= 6").
        assertThat(server.requestCount()).isEqualTo(8);
        assertThat(retries).hasSize(7);
        assertThat(e.getMessage()).contains("GET").contains("/x").contains("REFUSED_STREAM").contains("refused 8 times");
        assertThat(e.phase()).isIn(RequestException.Phase.AWAIT_HEADERS, RequestException.Phase.WRITE_REQUEST);
        assertThat(e.getCause()).isInstanceOfSatisfying(Http2Exception.class, h2 -> {
            assertThat(h2.errorCode()).isEqualTo(REFUSED_STREAM);
            assertThat(h2.errorName()).isEqualTo("REFUSED_STREAM");
            assertThat(h2.isGoAway()).isFalse();
        });
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(t.stats().total()).isEqualTo(1);
    }

    @Test
    void aBurstWithRefusedStreamsKeepsOneConnection() throws Exception {
        H2TestServer server = server();
        java.util.Set<String> refused = java.util.concurrent.ConcurrentHashMap.newKeySet();
        // The first attempt of every other request is refused: 16 refusals, each retried on the same connection.
        server.dispatcher(req -> Integer.parseInt(req.path().substring(1)) % 2 == 0 && refused.add(req.path())
                ? H2Response.status(200).rstStream(REFUSED_STREAM)
                : H2Response.status(200).body("ok"));
        Transport t = transport();
        List<CompletableFuture<Response>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 32; i++) {
            calls.add(t.roundTrip(Request.newBuilder(server.uri("/" + i)).build()));
        }
        for (CompletableFuture<Response> c : calls) {
            assertThat(c.get(10, SECONDS).body().text().get(10, SECONDS)).isEqualTo("ok");
        }
        assertThat(server.requestCount()).isEqualTo(48);
        assertThat(server.connectionCount()).isEqualTo(1);
        Await.idleConnections(t, 1);
        assertThat(t.stats().total()).isEqualTo(1);
    }

    @Test
    void streamsAboveAGoAwaysLastStreamAreRetriedAndTheConnectionRetires() throws Exception {
        H2TestServer server = server();
        server.enqueue(H2Response.status(200).body("first"));
        server.enqueue(H2Response.status(200).goAwayBefore(0, "maintenance"));
        server.enqueue(H2Response.status(200).body("elsewhere"));
        Transport t = transport();
        t.roundTrip(Request.newBuilder(server.uri("/1")).build()).get(10, SECONDS).body().discard().get(10, SECONDS);
        List<String> retries = new CopyOnWriteArrayList<>();
        Response r = t.roundTrip(get(server, "/2", retries)).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("elsewhere");
        assertThat(retries).singleElement().asString().contains("GOAWAY").contains("maintenance");
        assertThat(server.connectionCount()).isEqualTo(2);
        Await.until("the retired connection closes", () -> server.openConnections() == 1);
    }

    @Test
    void theStreamsAGoAwayLeftUnprocessedAllMoveToOneNewConnection() throws Exception {
        H2TestServer server = server();
        java.util.concurrent.atomic.AtomicInteger onFirst = new java.util.concurrent.atomic.AtomicInteger();
        // On the burst's connection the first request is answered (late, so that the connection stays open until
        // the client has read the GOAWAY), the second answers with GOAWAY(last stream = the first): it and every
        // later stream are unprocessed. Every request on another connection is answered.
        server.dispatcher(req -> {
            if (req.connectionIndex() != 1) {
                return H2Response.status(200).body("ok");
            }
            int n = onFirst.getAndIncrement();
            return n == 0 ? H2Response.status(200).delayHeaders(Duration.ofMillis(300)).body("ok")
                    : n == 1 ? H2Response.status(200).goAwayBefore(0, "maintenance")
                    : H2Response.status(200).noResponse();
        });
        Transport t = transport();
        t.roundTrip(Request.newBuilder(server.uri("/warm")).build()).get(10, SECONDS).body().discard().get(10, SECONDS);
        server.closeAllConnections(); // so that the burst's connection is connection 1
        Await.noConnections(t);
        List<String> retries = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Response>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(t.roundTrip(get(server, "/" + i, retries)));
        }
        for (CompletableFuture<Response> c : calls) {
            assertThat(c.get(10, SECONDS).body().text().get(10, SECONDS)).isEqualTo("ok");
        }
        assertThat(retries).hasSize(7).allSatisfy(reason -> assertThat(reason).contains("GOAWAY"));
        // The warm-up's connection, the burst's, and one more for all seven retries (not one per retry).
        assertThat(server.connectionCount()).isEqualTo(3);
        Await.until(() -> "one connection left: " + t.stats(), () -> t.stats().total() == 1);
    }

    @Test
    void aGoAwayAfterAResponseSendsTheNextRequestToANewConnection() throws Exception {
        H2TestServer server = server();
        server.enqueue(H2Response.status(200).body("bye").goAwayAfter(0, "draining"));
        server.enqueue(H2Response.status(200).body("new"));
        Transport t = transport();
        assertThat(t.roundTrip(Request.newBuilder(server.uri("/1")).build()).get(10, SECONDS).body().text()
                .get(10, SECONDS)).isEqualTo("bye");
        Await.until("the connection is retired", () -> server.openConnections() == 0);
        assertThat(t.roundTrip(Request.newBuilder(server.uri("/2")).build()).get(10, SECONDS).body().text()
                .get(10, SECONDS)).isEqualTo("new");
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void aResetAfterTheHeadersFailsTheBodyWithTheCode() throws Exception {
        H2TestServer server = server();
        server.enqueue(H2Response.status(200).streamBody(1 << 20).rstAfterBytes(10_000, INTERNAL_ERROR));
        server.enqueue(H2Response.status(200).body("still here"));
        Transport t = transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/r")).build()).get(10, SECONDS);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> r.body().bytes().get(10, SECONDS));
        assertThat(e.getCause()).isInstanceOf(RequestException.class);
        RequestException re = (RequestException) e.getCause();
        assertThat(re.phase()).isEqualTo(RequestException.Phase.READ_BODY);
        assertThat(re.getMessage()).contains("INTERNAL_ERROR");
        assertThat(t.roundTrip(Request.newBuilder(server.uri("/2")).build()).get(10, SECONDS).body().text()
                .get(10, SECONDS)).isEqualTo("still here");
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void aHeaderListJustBeyondMaxResponseHeaderBytesResetsOnlyItsStream() throws Exception {
        H2TestServer server = server();
        // About 17.5 KB of fields (more with HPACK's 32 bytes per field) against a 16 KiB limit; encoded (Huffman)
        // they stay under 1.25 times the limit, so the client can decode and drop them and keep the connection.
        server.enqueue(H2Response.status(200).hugeHeaders(17_500).body("too big"));
        server.enqueue(H2Response.status(200).body("small"));
        Transport t = transport(b -> b.maxResponseHeaderBytes(16 * 1024).responseHeaderTimeout(Duration.ofSeconds(60)));
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/big")).build()), 20);
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.isTimeout()).isFalse();
        assertThat(e.getMessage()).contains("/big").contains("the response head exceeds maxResponseHeaderBytes (16384 bytes)");
        assertThat(server.clientSettings(0).maxHeaderListSize()).isEqualTo(16 * 1024L);
        Await.until(() -> "RST_STREAM(PROTOCOL_ERROR) for the stream: " + server.resetsReceived(), () -> server.resetsReceived().stream()
                .anyMatch(reset -> reset.streamId() == 3 && reset.errorCode() == 0x1));
        assertThat(t.roundTrip(Request.newBuilder(server.uri("/small")).build()).get(10, SECONDS).body().text()
                .get(10, SECONDS)).isEqualTo("small");
        assertThat(server.connectionCount()).as("the connection served on").isEqualTo(1);
        assertThat(server.requestCount()).as("not retried").isEqualTo(2);
    }

    @Test
    void aHeaderBlockFarBeyondMaxResponseHeaderBytesFailsAtOnceNamingTheLimit() throws Exception {
        H2TestServer server = server();
        server.enqueue(H2Response.status(200).hugeHeaders(2 << 20).body("too big"));
        server.enqueue(H2Response.status(200).body("small"));
        // The default limit (1 MiB, advertised as SETTINGS_MAX_HEADER_LIST_SIZE); the header timeout is far beyond
        // the wait below: the failure must not be it.
        Transport t = transport(b -> b.responseHeaderTimeout(Duration.ofSeconds(60)));
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/big")).build()), 20);
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.isTimeout()).isFalse();
        assertThat(e.getMessage()).contains("/big")
                .contains("the response head exceeds maxResponseHeaderBytes (1048576 bytes)");
        assertThat(server.clientSettings(0).maxHeaderListSize()).isEqualTo(1L << 20);
        // About 1.5 MiB encoded: more than the 1.25 MiB the client buffers to decode a block, so the connection went.
        Await.until("GOAWAY from the client", () -> !server.goAwaysReceived().isEmpty());
        assertThat(server.goAwaysReceived().get(0).errorCode()).as(server.goAwaysReceived().toString()).isEqualTo(0x1);
        assertThat(t.roundTrip(Request.newBuilder(server.uri("/small")).build()).get(10, SECONDS).body().text()
                .get(10, SECONDS)).isEqualTo("small");
        assertThat(server.requestCount()).as("not retried").isEqualTo(2);
    }

    @Test
    void aContinuationFloodOfLargeFramesEndsAtTheBufferBound() throws Exception {
        H2TestServer server = server();
        server.enqueue(H2Response.status(200).continuationFlood(64, 16_384)); // 1 MiB, never END_HEADERS
        Transport t = transport(b -> b.maxResponseHeaderBytes(64 * 1024).responseHeaderTimeout(Duration.ofSeconds(60)));
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/flood")).build()), 20);
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.isTimeout()).isFalse();
        assertThat(e.getMessage()).contains("the response head exceeds maxResponseHeaderBytes (65536 bytes)")
                .contains("81920 encoded bytes");
        Await.noConnections(t);
    }

    @Test
    void aContinuationFloodOfSmallFramesEndsAfterSixteen() throws Exception {
        H2TestServer server = server();
        server.enqueue(H2Response.status(200).continuationFlood(10_000, 10)); // tiny frames, never END_HEADERS
        Transport t = transport(b -> b.responseHeaderTimeout(Duration.ofSeconds(60)));
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/flood")).build()), 20);
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.isTimeout()).isFalse();
        assertThat(e.getMessage()).contains("too many small CONTINUATION frames");
        Await.until("GOAWAY(ENHANCE_YOUR_CALM) from the client", () -> server.goAwaysReceived().stream()
                .anyMatch(g -> g.errorCode() == 0xb));
        Await.noConnections(t);
    }

    @Test
    void aDeadConnectionIsFoundByPingAndFailsItsStreams() throws Exception {
        H2TestServer server = server();
        server.ignorePings(true);
        server.enqueue(H2Response.status(200).noResponse());
        Transport t = transport(b -> b.http2PingInterval(Duration.ofMillis(100)).http2PingTimeout(Duration.ofMillis(200)));
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/hang")).build()));
        assertThat(e.getMessage()).contains("PING");
        assertThat(server.pingsReceived()).isGreaterThanOrEqualTo(1);
        Await.noConnections(t);
    }

    @Test
    void aLiveIdleConnectionAnswersPingsAndStays() throws Exception {
        H2TestServer server = server();
        server.enqueue(H2Response.status(200).delayHeaders(Duration.ofMillis(600)).body("slow but alive"));
        Transport t = transport(b -> b.http2PingInterval(Duration.ofMillis(100)).http2PingTimeout(Duration.ofMillis(300)));
        Response r = t.roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("slow but alive");
        assertThat(server.pingsReceived()).isGreaterThanOrEqualTo(2);
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void aRequestTimeoutResetsOnlyItsStream() throws Exception {
        H2TestServer server = server();
        server.enqueue(H2Response.status(200).noResponse());
        server.enqueue(H2Response.status(200).body("next"));
        Transport t = transport();
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/slow"))
                .timeout(Duration.ofMillis(200)).build()));
        assertThat(e.isTimeout()).isTrue();
        Await.until("the stream is reset", () -> !server.resetsReceived().isEmpty());
        assertThat(server.resetsReceived().get(0).errorCode()).isEqualTo(CANCEL);
        assertThat(t.roundTrip(Request.newBuilder(server.uri("/n")).build()).get(10, SECONDS).body().text()
                .get(10, SECONDS)).isEqualTo("next");
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void responseHeaderTimeoutAppliesPerStream() throws Exception {
        H2TestServer server = server();
        server.enqueue(H2Response.status(200).noResponse());
        Transport t = transport(b -> b.responseHeaderTimeout(Duration.ofMillis(200)));
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/")).build()));
        assertThat(e.isTimeout()).isTrue();
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
    }

    @Test
    void cancellingTheFutureResetsTheStream() throws Exception {
        H2TestServer server = server();
        server.enqueue(H2Response.status(200).noResponse());
        Transport t = transport();
        CompletableFuture<Response> call = t.roundTrip(Request.newBuilder(server.uri("/")).build());
        Await.until("the request reached the server", () -> server.requestCount() == 1);
        call.cancel(true);
        Await.until("the stream is reset", () -> !server.resetsReceived().isEmpty());
        assertThat(server.resetsReceived().get(0).errorCode()).isEqualTo(CANCEL);
        assertThatThrownBy(call::join).isInstanceOf(java.util.concurrent.CancellationException.class);
    }

    @Test
    void aConnectionClosedMidResponseFailsEveryStreamOnIt() throws Exception {
        H2TestServer server = server();
        server.dispatcher(req -> req.path().equals("/close") ? H2Response.status(200).closeConnection()
                : req.path().equals("/warm") ? H2Response.status(200).body("warm") : H2Response.status(200).noResponse());
        Transport t = transport();
        t.roundTrip(Request.newBuilder(server.uri("/warm")).build()).get(10, SECONDS).body().discard().get(10, SECONDS);
        // POSTs: not idempotent, so not retried on another connection (a GET would be, as Go does).
        CompletableFuture<Response> hanging = t.roundTrip(Request.newBuilder(server.uri("/hang")).method("POST")
                .body(RequestBody.of("x", java.nio.charset.StandardCharsets.UTF_8)).build());
        Await.until("the first stream is open", () -> server.requestCount() >= 2);
        CompletableFuture<Response> closing = t.roundTrip(Request.newBuilder(server.uri("/close"))
                .method("POST").build());
        RequestException e = failure(hanging);
        assertThat(e.getMessage()).contains("HTTP/2 connection closed");
        failure(closing);
        Await.noConnections(t);
    }

    @Test
    void aLowStreamLimitBeforeSettingsDoesNotFailRequests() throws Exception {
        H2TestServer server = courier.closeAfter(H2TestServer.startTls(CERTS.server(),
                H2Settings.defaults().withMaxConcurrentStreams(1)));
        server.dispatcher(req -> H2Response.status(200).delayHeaders(Duration.ofMillis(20)).body("ok"));
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()).http2StrictMaxConcurrentStreams(true));
        List<CompletableFuture<Response>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(t.roundTrip(Request.newBuilder(server.uri("/" + i)).build()));
        }
        for (CompletableFuture<Response> c : calls) {
            assertThat(c.get(10, SECONDS).body().text().get(10, SECONDS)).isEqualTo("ok");
        }
        assertThat(server.requestCount()).isEqualTo(5);
    }

    @Test
    void theClientTimeoutCoversAnHttp2BodyAndResetsOnlyItsStream() throws Exception {
        H2TestServer server = server();
        server.enqueue(H2Response.status(200).body("late").delayBody(Duration.ofSeconds(5)));
        server.enqueue(H2Response.status(200).body("next"));
        Transport t = transport();
        Client client = Client.newBuilder().transport(t).timeout(Duration.ofMillis(300)).build();
        Response r = client.send(Request.newBuilder(server.uri("/slow-body")).build()).get(10, SECONDS);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> r.body().text().get(10, SECONDS));
        assertThat(e.getCause()).isInstanceOf(RequestException.class);
        assertThat(((RequestException) e.getCause()).isTimeout()).isTrue();
        Await.until("the stream is reset", () -> !server.resetsReceived().isEmpty());
        assertThat(client.send(Request.newBuilder(server.uri("/n")).build()).get(10, SECONDS).body().text()
                .get(10, SECONDS)).isEqualTo("next");
        assertThat(server.connectionCount()).isEqualTo(1);
    }
}
