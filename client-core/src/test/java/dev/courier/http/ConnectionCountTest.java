package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.TransportStats.RouteStats;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.H2Response;
import dev.courier.http.testing.H2Settings;
import dev.courier.http.testing.H2TestServer;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestCertificates;
import dev.courier.http.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How many connections the pool opens, with the races that decide it forced by the test servers (held TLS
 * handshakes, held SETTINGS) rather than hoped for: on HTTP/1.1 never more connections open or dialing for a route
 * than requests in flight on it (Go's {@code queueForIdleConn}/{@code queueForDial}: a dial whose request was served
 * by a released connection serves the next waiter); on HTTP/2 one connection per route until its stream limit.
 */
class ConnectionCountTest {
    private static final TestCertificates CERTS = TestCertificates.get();
    /** A response body far larger than one read: its connection stays leased until the test reads it. */
    private static final long HELD = 1 << 20;

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private Transport transport() {
        return courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
    }

    @Test
    void http11OverTlsNeverOpensMoreConnectionsThanRequestsInFlight() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server()); // no ALPN: HTTP/1.1, though the client offers h2
        server.dispatcher(r -> ServerResponse.status(200).streamBody(HELD));
        server.holdConnections(true);
        Transport t = transport();
        RouteKey route = new RouteKey(null, "https", "127.0.0.1", server.port());
        List<CompletableFuture<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            calls.add(t.roundTrip(Request.newBuilder(server.uri("/" + i)).build()));
        }
        // The route may speak h2: one dial until its handshake says which protocol.
        assertThat(t.stats().routes().get(route)).isEqualTo(new RouteStats(0, 0, 16, 1));
        Await.until("the first dial is accepted", () -> server.connectionCount() == 1);

        server.releaseConnection(0);
        Response first = calls.get(0).get(10, SECONDS);
        // HTTP/1.1: every other waiter dials its own connection (their handshakes held).
        Await.until(() -> "16 connections accepted: " + server.connectionCount(), () -> server.connectionCount() == 16);
        assertThat(t.stats().routes().get(route)).isEqualTo(new RouteStats(0, 1, 15, 16));

        // The first response ends; its connection goes at once to the next waiter, whose own dial is still in its
        // handshake; the request that the completion starts (a closed loop) waits for that spare dial.
        first.body().discard().get(10, SECONDS);
        Response second = calls.get(1).get(10, SECONDS);
        calls.add(t.roundTrip(Request.newBuilder(server.uri("/16")).build()));
        assertThat(t.stats().routes().get(route)).isEqualTo(new RouteStats(0, 1, 15, 16));

        // Each handshake that completes serves one waiter and opens nothing: 16 in flight, 16 connections.
        for (int i = 1; i < 16; i++) {
            int waiting = 15 - i;
            server.releaseConnection(i);
            Await.until(() -> waiting + " waiting: " + t.stats(), () -> t.stats().pending() == waiting);
            assertThat(t.stats().routes().get(route)).as("after handshake %d", i)
                    .isEqualTo(new RouteStats(0, i + 1, waiting, 16));
        }
        assertThat(server.connectionCount()).isEqualTo(16);

        server.holdConnections(false);
        second.body().discard().get(10, SECONDS);
        for (CompletableFuture<Response> c : calls.subList(2, calls.size())) {
            c.get(10, SECONDS).body().discard().get(10, SECONDS);
        }
        Await.idleConnections(t, 16);
        assertThat(server.connectionCount()).isEqualTo(16);
    }

    @Test
    void aColdHttp2BurstOpensOneConnectionWhenTheServerSetsNoStreamLimit() throws Exception {
        H2TestServer server = courier.closeAfter(H2TestServer.startTls(CERTS.server(),
                H2Settings.defaults().withoutStreamLimit()));
        server.holdConnections(true);
        server.holdSettings(true);
        Transport t = transport();
        RouteKey route = new RouteKey(null, "https", "localhost", server.port());
        List<CompletableFuture<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            calls.add(t.roundTrip(Request.newBuilder(server.uri("/" + i)).build()));
        }
        // ALPN not known yet: one dial, every other request waits for it.
        assertThat(t.stats().routes().get(route)).isEqualTo(new RouteStats(0, 0, 128, 1));
        Await.until("the first dial is accepted", () -> server.connectionCount() == 1);

        // h2, but the server's SETTINGS are held: the 100 streams assumed until then (as Go), the rest wait.
        server.releaseConnection(0);
        Await.until(() -> "100 streams and 28 waiting: " + t.stats(),
                () -> t.stats().streams() == 100 && t.stats().pending() == 28);
        assertThat(t.stats().routes().get(route).total()).isEqualTo(1);
        // (The client's TLS 1.3 handshake ends a flight before the server's: wait for the server's side too.)
        Await.until("the server's SETTINGS are held", () -> server.settingsHeld(0));
        server.holdConnections(false); // a second connection, if any, is counted below rather than left hanging
        server.holdSettings(false);

        // No SETTINGS_MAX_CONCURRENT_STREAMS means no limit (RFC 9113 section 6.5.2): the 28 go on this connection.
        server.releaseSettings(0);
        for (CompletableFuture<Response> c : calls) {
            assertThat(c.get(10, SECONDS).body().text().get(10, SECONDS)).isEqualTo("ok");
        }
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(t.stats().routes().get(route)).isEqualTo(new RouteStats(1, 0, 0, 1));
        assertThat(server.requestCount()).isEqualTo(128);
    }

    @Test
    void aColdHttp2BurstWaitsForTheHeldSettingsAndFitsTheServersLimit() throws Exception {
        H2TestServer server = courier.closeAfter(H2TestServer.startTls(CERTS.server(),
                H2Settings.defaults().withMaxConcurrentStreams(128)));
        server.dispatcher(r -> H2Response.status(200).body("ok"));
        server.holdSettings(true);
        Transport t = transport();
        RouteKey route = new RouteKey(null, "https", "localhost", server.port());
        List<CompletableFuture<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            calls.add(t.roundTrip(Request.newBuilder(server.uri("/" + i)).build()));
        }
        Await.until(() -> "100 streams and 28 waiting: " + t.stats(),
                () -> t.stats().streams() == 100 && t.stats().pending() == 28);
        assertThat(t.stats().routes().get(route).total()).isEqualTo(1);
        Await.until("the server's SETTINGS are held", () -> server.settingsHeld(0));
        server.holdSettings(false);
        server.releaseSettings(0);
        for (CompletableFuture<Response> c : calls) {
            assertThat(c.get(10, SECONDS).body().text().get(10, SECONDS)).isEqualTo("ok");
        }
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(t.stats().routes().get(route)).isEqualTo(new RouteStats(1, 0, 0, 1));
    }
}
