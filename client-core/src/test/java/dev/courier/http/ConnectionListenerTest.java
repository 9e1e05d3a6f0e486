package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.ConnectionListener.CloseReason;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.Exchanges;
import dev.courier.http.testing.H2Response;
import dev.courier.http.testing.H2TestServer;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestCertificates;
import dev.courier.http.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Transport's {@link ConnectionListener}: each connection opened is closed exactly once, with the reason
 * that decided it, whoever closed the socket first; one test per reason, each forced by a real server.
 */
class ConnectionListenerTest {
    private static final TestCertificates CERTS = TestCertificates.get();

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    /** What the listener heard, in order: "opened c1 HTTP/1.1", "closed c1 SERVER_CLOSED". */
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<Throwable> causes = new CopyOnWriteArrayList<>();

    private final ConnectionListener recorder = new ConnectionListener() {
        @Override
        public void connectionOpened(Connection c) {
            events.add("opened " + c.id() + " " + c.protocol());
        }

        @Override
        public void connectionClosed(Connection c, CloseReason reason, Throwable cause) {
            events.add("closed " + c.id() + " " + reason);
            if (cause != null) {
                causes.add(cause);
            }
        }
    };

    private Transport transport(java.util.function.UnaryOperator<Transport.Builder> customize) {
        return courier.transport(b -> customize.apply(b.connectionListener(recorder).trustStore(CERTS.caTrustStore())));
    }

    private void awaitClosed(String id, CloseReason reason) {
        Await.until(() -> "closed " + id + " " + reason + " in " + events, () -> events.contains("closed " + id + " " + reason));
        assertThat(events.stream().filter(e -> e.startsWith("closed " + id + " "))).as("one close event").hasSize(1);
    }

    @Test
    void openedOnceAndClosedOnceWithTheServersClose() throws Exception {
        TestServer server = courier.server();
        server.dispatcher(r -> ServerResponse.ok("x"));
        Transport t = transport(b -> b);
        Response r = t.roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        r.body().discard().get(10, SECONDS);
        Await.idleConnections(t, 1);
        assertThat(events).containsExactly("opened " + r.connectionId() + " HTTP/1.1");
        server.closeIdleConnections();
        awaitClosed(r.connectionId(), CloseReason.SERVER_CLOSED);
    }

    @Test
    void connectionCloseFromTheServer() throws Exception {
        TestServer server = courier.server();
        server.dispatcher(r -> ServerResponse.ok("x").closeConnection());
        Response r = transport(b -> b).roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        r.body().discard().get(10, SECONDS);
        awaitClosed(r.connectionId(), CloseReason.CONNECTION_CLOSE);
    }

    @Test
    void idleTimeoutAndClientClose() throws Exception {
        TestServer server = courier.server();
        server.dispatcher(r -> ServerResponse.ok("x"));
        Response r = transport(b -> b.idleConnTimeout(Duration.ofMillis(20))).roundTrip(Request.newBuilder(server.uri("/")).build())
                .get(10, SECONDS);
        r.body().discard().get(10, SECONDS);
        awaitClosed(r.connectionId(), CloseReason.IDLE_TIMEOUT);

        Transport t = transport(b -> b);
        Response s = t.roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        s.body().discard().get(10, SECONDS);
        Await.idleConnections(t, 1);
        t.closeIdleConnections();
        awaitClosed(s.connectionId(), CloseReason.CLIENT_CLOSED);
    }

    @Test
    void theServersKeepAliveTimeoutExpiresIt() throws Exception {
        TestServer server = courier.server();
        server.dispatcher(r -> ServerResponse.ok("x").keepAliveTimeout(1)); // less the client's 1 s margin: now
        Response r = transport(b -> b).roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        r.body().discard().get(10, SECONDS);
        awaitClosed(r.connectionId(), CloseReason.EXPIRED);
    }

    @Test
    void aFullPoolClosesTheExtraConnection() throws Exception {
        TestServer server = courier.server();
        server.dispatcher(r -> ServerResponse.ok("x").streamBody(1 << 20));
        Transport t = transport(b -> b.maxIdleConnsPerHost(1));
        Response a = t.roundTrip(Request.newBuilder(server.uri("/a")).build()).get(10, SECONDS);
        Response b = t.roundTrip(Request.newBuilder(server.uri("/b")).build()).get(10, SECONDS);
        a.body().discard().get(10, SECONDS);
        b.body().discard().get(10, SECONDS);
        // b's connection went idle last, most recent first: a's is the one beyond the limit.
        awaitClosed(a.connectionId(), CloseReason.POOL_FULL);
    }

    @Test
    void aClosedBodyCancelsAndATimeoutTimesOut() throws Exception {
        TestServer server = courier.server();
        server.dispatcher(r -> r.path().equals("/slow") ? ServerResponse.ok("x").delayHeaders(Duration.ofSeconds(30))
                : ServerResponse.ok("x").streamBody(8 << 20));
        Transport t = transport(b -> b);
        Response big = t.roundTrip(Request.newBuilder(server.uri("/big")).build()).get(10, SECONDS);
        big.close();
        awaitClosed(big.connectionId(), CloseReason.CANCELLED);

        RequestException e = Exchanges.failure(t.roundTrip(Request.newBuilder(server.uri("/slow"))
                .timeout(Duration.ofMillis(100)).build()));
        assertThat(e.isTimeout()).isTrue();
        String slow = events.get(events.size() - 1).startsWith("opened ") ? events.get(events.size() - 1).split(" ")[1]
                : events.stream().filter(x -> x.startsWith("opened ")).reduce((x, y) -> y).orElseThrow().split(" ")[1];
        awaitClosed(slow, CloseReason.TIMEOUT);
    }

    @Test
    void aResetIsAnErrorWithItsCause() throws Exception {
        TestServer server = courier.server();
        server.dispatcher(r -> ServerResponse.ok("x").streamBody(1 << 20).resetAfterBytes(1000));
        CompletableFuture<Response> f = transport(b -> b).roundTrip(Request.newBuilder(server.uri("/")).build());
        Throwable failure = f.thenCompose(r -> r.body().bytes()).handle((v, x) -> x).get(10, SECONDS);
        assertThat(failure).isNotNull();
        Await.until(() -> "a close in " + events, () -> events.stream().anyMatch(s -> s.startsWith("closed ")));
        String closed = events.stream().filter(s -> s.startsWith("closed ")).findFirst().orElseThrow();
        // The reset is seen as an error (usually) or as the end of the stream, depending on when it lands.
        assertThat(closed).matches("closed c\\d+ (ERROR|SERVER_CLOSED)");
        if (closed.endsWith("ERROR")) {
            assertThat(causes).hasSize(1);
        }
    }

    @Test
    void goAwayOnHttp2() throws Exception {
        H2TestServer server = courier.closeAfter(H2TestServer.startTls(CERTS.server()));
        server.dispatcher(r -> H2Response.ok("x"));
        Transport t = transport(b -> b);
        Response r = t.roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        r.body().discard().get(10, SECONDS);
        assertThat(events).containsExactly("opened " + r.connectionId() + " h2");
        server.goAway(0, "bye");
        awaitClosed(r.connectionId(), CloseReason.GOAWAY);
    }

    @Test
    void unsolicitedBytesAreAProtocolError() throws Exception {
        TestServer server = courier.server();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        server.dispatcher(r -> ServerResponse.ok("x").unsolicitedAfter(gate, "HTTP/1.1 200 OK\r\n"));
        Transport t = transport(b -> b);
        Response r = t.roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        r.body().discard().get(10, SECONDS);
        Await.idleConnections(t, 1);
        gate.complete(null);
        awaitClosed(r.connectionId(), CloseReason.PROTOCOL_ERROR);
    }
}
