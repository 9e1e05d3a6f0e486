package dev.courier.http.testing;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.courier.http.testing.H2TestServerTest.JDK_H2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests the faults an {@link H2TestServer} injects, observed frame by frame with {@link H2RawClient} (and the JDK
 * client where it sees the fault too).
 */
@ExtendWith(NettyLeakExtension.class)
class H2TestServerFaultsTest {

    private static final long REFUSED_STREAM = Http2Error.REFUSED_STREAM.code();
    private static final long CANCEL = Http2Error.CANCEL.code();
    private static final long INTERNAL_ERROR = Http2Error.INTERNAL_ERROR.code();

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeResources() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T use(T resource) {
        resources.add(resource);
        return resource;
    }

    private H2TestServer h2c() {
        return use(H2TestServer.startH2c());
    }

    @Test
    void rstStreamRefusesTheStreamAndTheConnectionStaysUsable() {
        H2TestServer server = h2c();
        server.enqueue(H2Response.ok("never").rstStream(REFUSED_STREAM));
        H2RawClient client = use(H2RawClient.connect(server));

        H2RawClient.Response refused = client.response(client.get("/"));
        assertThat(refused.resetCode()).isEqualTo(REFUSED_STREAM);
        assertThat(refused.headers()).isNull();
        assertThat(client.response(client.get("/again")).bodyText()).isEqualTo("ok");
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void rstAfterHeadersSendsTheHeadersThenResets() {
        H2TestServer server = h2c();
        server.enqueue(H2Response.ok("body never sent").rstAfterHeaders(INTERNAL_ERROR));
        H2RawClient client = use(H2RawClient.connect(server));
        H2RawClient.Response response = client.response(client.get("/"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(response.resetCode()).isEqualTo(INTERNAL_ERROR);
    }

    @Test
    void rstAfterBytesSendsThatManyBodyBytesThenResets() {
        H2TestServer server = h2c();
        server.enqueue(H2Response.status(200).streamBody(100_000).rstAfterBytes(40_000, CANCEL));
        H2RawClient client = use(H2RawClient.connect(server));
        H2RawClient.Response response = client.response(client.get("/"));

        assertThat(response.header("content-length")).isEqualTo("100000");
        assertThat(response.body()).hasSize(40_000);
        assertThat(response.body()[251]).isEqualTo((byte) 0); // byte i is i % 251
        assertThat(response.body()[39_999]).isEqualTo((byte) (39_999 % 251));
        assertThat(response.resetCode()).isEqualTo(CANCEL);
        assertThat(response.ended()).isFalse();
    }

    @ParameterizedTest(name = "error code {0}")
    @ValueSource(longs = {0, 11}) // NO_ERROR, ENHANCE_YOUR_CALM: either way earlier streams may finish
    void goAwayBeforeLeavesTheStreamUnprocessedLetsEarlierOnesFinishThenCloses(long errorCode) {
        H2TestServer server = h2c();
        server.enqueue(H2Response.ok("never").goAwayBefore(errorCode, "draining"));
        server.enqueue(H2Response.ok("first"));
        H2RawClient client = use(H2RawClient.connect(server));
        int first = client.request("POST", "/1", false); // in flight: its body has not ended
        int second = client.get("/2");

        H2RawClient.GoAwayFrame goAway = client.awaitGoAway();
        assertThat(goAway.lastStreamId()).isEqualTo(first).isLessThan(second);
        assertThat(goAway.errorCode()).isEqualTo(errorCode);
        assertThat(goAway.debugData()).isEqualTo("draining");
        H2RawClient.Response unprocessed = client.response(second);
        assertThat(unprocessed.headers()).isNull();
        assertThat(unprocessed.ended()).isFalse();
        assertThat(server.takeRequest().streamId()).isEqualTo(second); // received, just not processed
        assertThat(client.isOpen()).isTrue();

        client.data(first, "body".getBytes(StandardCharsets.UTF_8), true);
        assertThat(client.response(first).bodyText()).isEqualTo("first");
        client.awaitClosed();
        Await.until("the server's connection closed", () -> server.openConnections() == 0);
    }

    @Test
    void goAwayAfterAnswersThenSendsGoAwayForThisStreamAndCloses() {
        H2TestServer server = h2c();
        server.enqueue(H2Response.ok("last one").goAwayAfter(0, "bye"));
        H2RawClient client = use(H2RawClient.connect(server));
        int id = client.get("/");

        assertThat(client.response(id).bodyText()).isEqualTo("last one");
        H2RawClient.GoAwayFrame goAway = client.awaitGoAway();
        assertThat(goAway.lastStreamId()).isEqualTo(id);
        assertThat(goAway.debugData()).isEqualTo("bye");
        client.awaitClosed();
    }

    @Test
    void serverGoAwayNowNamesTheHighestStreamAndLetsItFinish() {
        H2TestServer server = h2c();
        H2RawClient client = use(H2RawClient.connect(server));
        assertThat(client.response(client.get("/1")).bodyText()).isEqualTo("ok");
        int inFlight = client.request("POST", "/2", false);
        Await.until("the second request's headers", () -> server.requestCount() == 2);

        server.goAway(Http2Error.NO_ERROR.code(), "maintenance");
        H2RawClient.GoAwayFrame goAway = client.awaitGoAway();
        assertThat(goAway.lastStreamId()).isEqualTo(inFlight);
        assertThat(goAway.debugData()).isEqualTo("maintenance");
        assertThat(client.isOpen()).isTrue();
        client.data(inFlight, new byte[3], true);
        assertThat(client.response(inFlight).bodyText()).isEqualTo("ok");
        client.awaitClosed();
    }

    @Test
    void clientResetsAreCountedAndAnUnfinishedUploadIsRecorded() {
        H2TestServer server = h2c();
        server.enqueue(H2Response.ok("never").noResponse());
        H2RawClient client = use(H2RawClient.connect(server));
        int waiting = client.get("/wait");
        assertThat(server.takeRequest().bodyComplete()).isTrue();
        client.reset(waiting, CANCEL);
        Await.until("the RST_STREAM at the server", () -> !server.resetsReceived().isEmpty());
        assertThat(server.resetsReceived()).containsExactly(new H2TestServer.Reset(0, waiting, CANCEL));

        int upload = client.request("POST", "/upload", false);
        client.data(upload, new byte[1000], false);
        Await.until("the DATA at the server", () -> server.requestBodyBytesReceived() == 1000);
        client.reset(upload, CANCEL);
        H2RecordedRequest cut = server.takeRequest();
        assertThat(cut.streamId()).isEqualTo(upload);
        assertThat(cut.bodyComplete()).isFalse();
        assertThat(cut.bodySize()).isEqualTo(1000);
        assertThat(client.response(client.get("/after")).bodyText()).isEqualTo("ok");
        assertThat(server.openConnections()).isEqualTo(1);
    }

    @Test
    void closeConnectionDropsTheConnectionWithoutGoAway() {
        H2TestServer server = h2c();
        server.enqueue(H2Response.ok("never").closeConnection());
        H2RawClient client = use(H2RawClient.connect(server));
        H2RawClient.Response response = client.response(client.get("/"));
        assertThat(response.headers()).isNull();
        assertThat(response.ended()).isFalse();
        client.awaitClosed();
        assertThat(client.goAwaysReceived()).isEmpty();

        H2TestServer tls = use(H2TestServer.startTls(TestCertificates.get().server()));
        tls.enqueue(H2Response.ok("never").closeConnection());
        assertThatThrownBy(() -> JDK_H2.send(HttpRequest.newBuilder(tls.uri("/")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        Await.until("the server's connection closed", () -> tls.openConnections() == 0);
    }

    @Test
    void noResponseTimesTheJdkClientOut() {
        H2TestServer server = use(H2TestServer.startTls(TestCertificates.get().server()));
        server.enqueue(H2Response.ok("never").noResponse());
        assertThatThrownBy(() -> JDK_H2.send(HttpRequest.newBuilder(server.uri("/"))
                .timeout(Duration.ofMillis(200)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);
        assertThat(server.takeRequest().path()).isEqualTo("/");
    }

    @Test
    void pingsAreAckedUntilIgnored() {
        H2TestServer server = h2c();
        H2RawClient client = use(H2RawClient.connect(server));
        client.ping(42);
        assertThat(client.awaitPingAck(Duration.ofSeconds(10))).isEqualTo(42L);
        assertThat(server.pingsReceived()).isEqualTo(1);

        server.ignorePings(true);
        client.ping(43);
        Await.until("the second PING at the server", () -> server.pingsReceived() == 2);
        client.response(client.get("/")); // a round trip after the PING: an ack would have come before it
        assertThat(client.awaitPingAck(Duration.ZERO)).isNull();
    }

    @Test
    void streamBodyStopsAtTheClientsWindowAndFollowsItsWindowUpdates() {
        H2TestServer server = h2c();
        int total = 1 << 20;
        server.enqueue(H2Response.status(200).streamBody(total));
        H2RawClient client = use(H2RawClient.connect(server, new Http2Settings(), true)); // 65,535-byte windows
        int id = client.get("/big");

        Await.until("a full window of DATA", () -> client.dataBytesReceived(id) == 65_535);
        assertThat(server.bodyBytesWritten()).isEqualTo(65_535); // stalled: not a byte more
        assertThat(server.windowUpdateBytesReceived(id)).isZero();

        for (int round = 0; round < 1000 && client.responseNow(id) == null; round++) {
            long before = client.dataBytesReceived(id);
            client.consumeAll(id);
            Await.until("more DATA after a WINDOW_UPDATE",
                    () -> client.dataBytesReceived(id) > before || client.responseNow(id) != null);
        }
        H2RawClient.Response response = client.response(id);
        assertThat(response.body()).hasSize(total);
        assertThat(response.body()[total - 1]).isEqualTo((byte) ((total - 1) % 251));
        assertThat(server.bodyBytesWritten()).isEqualTo(total);
        assertThat(server.windowUpdateBytesReceived(id)).isGreaterThanOrEqualTo(total - 65_535L);
        assertThat(server.windowUpdateBytesReceived(0)).isGreaterThanOrEqualTo(total - 65_535L);
        assertThat(server.windowUpdatesReceived()).allMatch(u -> u.connectionIndex() == 0 && u.increment() > 0);
    }

    @Test
    void stalledRequestBodiesStopTheUploadAtTheServersWindow() {
        H2TestServer server = use(H2TestServer.startH2c(H2Settings.defaults().withInitialWindowSize(1024)));
        server.enqueue(H2Response.status(200).echoBody());
        server.stallRequestBodies(true);
        H2RawClient client = use(H2RawClient.connect(server));
        client.serverSettings();
        int id = client.request("POST", "/up", false);
        client.data(id, new byte[10_000], true);

        Await.until("a window of request DATA", () -> server.requestBodyBytesReceived() == 1024);
        assertThat(client.responseNow(id)).isNull();
        server.stallRequestBodies(false);
        assertThat(client.response(id).body()).hasSize(10_000);
        assertThat(server.takeRequest().bodySize()).isEqualTo(10_000);
    }

    @Test
    void largeStreamedBodyReachesTheJdkClientOverTls() throws Exception {
        H2TestServer server = use(H2TestServer.startTls(TestCertificates.get().server()));
        int total = 8 << 20;
        server.enqueue(H2Response.status(200).streamBody(total));
        HttpResponse<InputStream> response = JDK_H2.send(HttpRequest.newBuilder(server.uri("/big")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long n = 0;
        try (InputStream in = response.body()) {
            byte[] buf = new byte[64 * 1024];
            for (int r; (r = in.read(buf)) > 0; ) {
                for (int i = 0; i < r; i++) {
                    if (buf[i] != (byte) ((n + i) % 251)) {
                        throw new AssertionError("byte " + (n + i) + " is " + buf[i]);
                    }
                }
                n += r;
            }
        }
        assertThat(n).isEqualTo(total);
        assertThat(server.bodyBytesWritten()).isEqualTo(total);
        assertThat(server.windowUpdateBytesReceived(0)).isPositive();
    }
}
