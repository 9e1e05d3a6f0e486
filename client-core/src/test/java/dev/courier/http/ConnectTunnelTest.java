package dev.courier.http;

import static dev.courier.http.testing.Exchanges.failure;
import static dev.courier.http.testing.Exchanges.read;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.PeerProcess;
import dev.courier.http.testing.ProxyPeers;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestCertificates;
import dev.courier.http.testing.TestServer;
import dev.courier.http.testing.TunnelProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * https:// through HTTP proxies: a CONNECT tunnel (Debian's tinyproxy, with and without Basic auth), TLS to
 * the origin inside it, the proxy's credentials and CONNECT headers on the CONNECT only, one tunnel per
 * pooled connection, 407 answered once, typed failures for 401/403/407 answers and a proxy that never
 * answers; and https:// proxies (TLS to the proxy: Debian's stunnel in front of tinyproxy, verified
 * against the proxy's name). A {@link TunnelProxy} stands in where a scripted answer (a 407 first) or
 * the exact CONNECT bytes are needed.
 */
class ConnectTunnelTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @RegisterExtension
    static final ProxyPeers peers = new ProxyPeers();

    private static final TestCertificates CERTS = TestCertificates.get();
    private static final String BASIC_ALICE = "Basic " + Base64.getEncoder()
            .encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));

    private Transport transport(String proxyUri) {
        return transport(proxyUri, b -> b);
    }

    private Transport transport(String proxyUri, java.util.function.UnaryOperator<Transport.Builder> more) {
        return courier.transport(b -> more.apply(b.trustStore(CERTS.caTrustStore())
                .proxy(ProxySelector.of(Proxy.of(URI.create(proxyUri))))));
    }

    private static CompletableFuture<Response> get(Transport t, URI uri) {
        return t.roundTrip(Request.newBuilder(uri).build());
    }

    @Test
    void httpsThroughTinyproxyWithAuthTunnelsAndTheOriginNeverSeesTheCredentials() throws Exception {
        PeerProcess tinyproxy = peers.tinyproxy("alice", "s3cret");
        TestServer origin = courier.tlsServer(CERTS.server());
        origin.enqueue(ServerResponse.ok("secret origin"));
        Transport t = transport("http://alice:s3cret@127.0.0.1:" + tinyproxy.port());

        Response r = get(t, origin.uri("/inside")).get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(r.body().text().get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("secret origin");
        assertThat(r.tlsSession()).isNotNull(); // TLS to the origin, end to end through the tunnel
        RecordedRequest atOrigin = origin.takeRequest();
        assertThat(atOrigin.target()).isEqualTo("/inside");
        assertThat(atOrigin.header("Proxy-Authorization")).isNull();
        assertThat(origin.takeSniHostName()).isEmpty(); // SNI names the origin (an IP literal here: none), not the proxy
    }

    @Test
    void httpsThroughOpenTinyproxyToALocalhostOrigin() throws Exception {
        PeerProcess tinyproxy = peers.tinyproxy();
        TestServer origin = courier.tlsServer(CERTS.server());
        Transport t = transport("http://127.0.0.1:" + tinyproxy.port());

        assertThat(read(get(t, URI.create("https://localhost:" + origin.port() + "/")))).isEqualTo("ok");
        assertThat(origin.takeSniHostName()).isEqualTo("localhost");
    }

    @Test
    void oneTunnelCarriesSeveralRequests() throws Exception {
        PeerProcess tinyproxy = peers.tinyproxy();
        TestServer origin = courier.tlsServer(CERTS.server());
        Transport t = transport("http://127.0.0.1:" + tinyproxy.port());

        read(get(t, origin.uri("/1")));
        read(get(t, origin.uri("/2")));

        assertThat(origin.connectionCount()).isEqualTo(1); // one tunnel = one connection at the origin
        assertThat(origin.takeRequest().connectionIndex()).isEqualTo(origin.takeRequest().connectionIndex());
        assertThat(t.stats().routes()).containsOnlyKeys(new RouteKey(Proxy.of(URI.create("http://127.0.0.1:"
                + tinyproxy.port())), "https", "127.0.0.1", origin.port()));
    }

    @Test
    void theConnectCarriesTheCredentialsAndConfiguredHeadersAndNothingElseDoes() throws Exception {
        TestServer origin = courier.tlsServer(CERTS.server());
        try (TunnelProxy proxy = TunnelProxy.connect()) {
            Transport t = transport(proxy.uri("alice:s3cret").toString(),
                    b -> b.proxyConnectHeaders(Headers.of("X-Tenant", "blue", "User-Agent", "tunnel-agent")));

            read(get(t, origin.uri("/")));

            RecordedRequest connect = proxy.takeRequest();
            assertThat(connect.method()).isEqualTo("CONNECT");
            assertThat(connect.target()).isEqualTo("127.0.0.1:" + origin.port());
            assertThat(connect.header("Host")).isEqualTo("127.0.0.1:" + origin.port());
            assertThat(connect.header("Proxy-Authorization")).isEqualTo(BASIC_ALICE);
            assertThat(connect.header("X-Tenant")).isEqualTo("blue");
            assertThat(connect.headers("User-Agent")).containsExactly("tunnel-agent");
            RecordedRequest atOrigin = origin.takeRequest();
            assertThat(atOrigin.header("Proxy-Authorization")).isNull();
            assertThat(atOrigin.header("X-Tenant")).isNull();
        }
    }

    @Test
    void a407ToConnectIsAnsweredOnceOnAFreshConnection() throws Exception {
        TestServer origin = courier.tlsServer(CERTS.server());
        try (TunnelProxy proxy = TunnelProxy.connect()) {
            proxy.challenge(1);
            Transport t = transport(proxy.uri("alice:s3cret").toString());

            assertThat(read(get(t, origin.uri("/")))).isEqualTo("ok");

            RecordedRequest first = proxy.takeRequest();
            RecordedRequest second = proxy.takeRequest();
            assertThat(first.header("Proxy-Authorization")).isEqualTo(BASIC_ALICE);
            assertThat(second.header("Proxy-Authorization")).isEqualTo(BASIC_ALICE);
            assertThat(second.connectionIndex()).isNotEqualTo(first.connectionIndex());
            assertThat(proxy.connectionCount()).isEqualTo(2);
        }
    }

    @Test
    void aSecond407ToConnectFailsAndNothingIsPooled() {
        TestServer origin = courier.tlsServer(CERTS.server());
        try (TunnelProxy proxy = TunnelProxy.connect()) {
            proxy.challenge(5);
            Transport t = transport(proxy.uri("alice:s3cret").toString());

            RequestException e = failure(get(t, origin.uri("/")));

            assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
            assertThat(e.getMessage()).contains("proxy http://alice:***@127.0.0.1:" + proxy.port())
                    .contains("CONNECT 127.0.0.1:" + origin.port())
                    .contains("HTTP/1.1 407 Proxy Authentication Required")
                    .doesNotContain("s3cret");
            assertThat(proxy.connectionCount()).isEqualTo(2);
            assertThat(origin.connectionCount()).isZero();
            assertThat(t.stats().routes().values()).allSatisfy(r -> assertThat(r.total()).isZero());
        }
    }

    @Test
    void a407ToConnectWithoutCredentialsFailsAtOnce() {
        TestServer origin = courier.tlsServer(CERTS.server());
        try (TunnelProxy proxy = TunnelProxy.connect()) {
            proxy.challenge(5);
            Transport t = transport(proxy.uri(null).toString());

            RequestException e = failure(get(t, origin.uri("/")));

            assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
            assertThat(e.getMessage()).contains("407").contains("requires credentials");
            assertThat(proxy.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void tinyproxyRejectingTheCredentialsFailsTyped() {
        PeerProcess tinyproxy = peers.tinyproxy("alice", "s3cret");
        TestServer origin = courier.tlsServer(CERTS.server());
        Transport t = transport("http://alice:wrong@127.0.0.1:" + tinyproxy.port());

        RequestException e = failure(get(t, origin.uri("/")));

        // tinyproxy answers wrong credentials with 401 (not 407), so there is no retry
        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("proxy http://alice:***@127.0.0.1:" + tinyproxy.port())
                .contains("CONNECT 127.0.0.1:" + origin.port()).contains("401 Unauthorized").doesNotContain("wrong");
        assertThat(origin.connectionCount()).isZero();
    }

    @Test
    void a403ToConnectFailsWithTheProxysStatusLine() {
        TestServer origin = courier.tlsServer(CERTS.server());
        PeerProcess tinyproxy = peers.tinyproxyConnectingOnlyTo(1); // not the origin's port
        Transport t = transport("http://127.0.0.1:" + tinyproxy.port());

        RequestException e = failure(get(t, origin.uri("/")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("answered CONNECT 127.0.0.1:" + origin.port() + " with HTTP/1.1 403 Access violation");
        assertThat(e.isTimeout()).isFalse();
    }

    @Test
    void aProxyThatNeverAnswersConnectTimesOutWithinConnectTimeout() {
        TestServer silent = courier.server();
        silent.dispatcher(r -> ServerResponse.ok("").noResponse());
        TestServer origin = courier.tlsServer(CERTS.server());
        Transport t = transport("http://127.0.0.1:" + silent.port(), b -> b.connectTimeout(Duration.ofMillis(300)));

        RequestException e = failure(get(t, origin.uri("/")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.isTimeout()).isTrue();
        assertThat(e.getMessage()).contains("did not complete the CONNECT handshake").contains("connectTimeout");
        assertThat(silent.takeRequest().method()).isEqualTo("CONNECT");
    }

    @Test
    void aProxyAnsweringConnectWithSomethingElseThanHttpFailsTyped() {
        TestServer confused = courier.server();
        confused.dispatcher(r -> ServerResponse.status(200).raw("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
        TestServer origin = courier.tlsServer(CERTS.server());
        Transport t = transport("http://127.0.0.1:" + confused.port());

        RequestException e = failure(get(t, origin.uri("/")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("did not answer CONNECT 127.0.0.1:" + origin.port() + " with HTTP");
    }

    @Test
    void aProxyClosingTheConnectionBeforeAnsweringFailsTyped() {
        TestServer closing = courier.server();
        closing.dispatcher(r -> ServerResponse.status(200).raw(new byte[0]).closeConnection());
        TestServer origin = courier.tlsServer(CERTS.server());
        Transport t = transport("http://127.0.0.1:" + closing.port());

        RequestException e = failure(get(t, origin.uri("/")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("closed the connection during the CONNECT handshake for 127.0.0.1:"
                + origin.port());
    }

    @Test
    void httpsProxyStunnelInFrontOfTinyproxyForHttpsAndHttpOrigins() throws Exception {
        PeerProcess tinyproxy = peers.tinyproxy("alice", "s3cret");
        PeerProcess stunnel = peers.stunnel(CERTS.server(), tinyproxy.port());
        TestServer tlsOrigin = courier.tlsServer(CERTS.server());
        TestServer plainOrigin = courier.server();
        List<String> handshakes = new CopyOnWriteArrayList<>();
        Transport t = transport("https://alice:s3cret@localhost:" + stunnel.port());
        ClientTrace trace = new ClientTrace() {
            @Override
            public void tlsHandshakeDone(javax.net.ssl.SSLSession session, Throwable error) {
                handshakes.add(session == null ? "failed" : session.getPeerHost());
            }
        };

        assertThat(read(t.roundTrip(Request.newBuilder(tlsOrigin.uri("/tunnel")).trace(trace).build()))).isEqualTo("ok");
        assertThat(read(t.roundTrip(Request.newBuilder(plainOrigin.uri("/absolute")).trace(trace).build()))).isEqualTo("ok");

        assertThat(tlsOrigin.takeRequest().header("Proxy-Authorization")).isNull();
        assertThat(plainOrigin.takeRequest().header("Proxy-Authorization")).isNull();
        // TLS to the proxy (named localhost) then to the origin for the first; to the proxy only for the second
        assertThat(handshakes).containsExactly("localhost", "127.0.0.1", "localhost");
    }

    @Test
    void anHttpsProxyIsVerifiedAgainstItsOwnName() {
        PeerProcess tinyproxy = peers.tinyproxy();
        PeerProcess stunnel = peers.stunnel(CERTS.otherHost(), tinyproxy.port()); // valid for other.example only
        TestServer origin = courier.tlsServer(CERTS.server());
        Transport t = transport("https://127.0.0.1:" + stunnel.port());

        RequestException e = failure(get(t, origin.uri("/")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("TLS handshake with proxy https://127.0.0.1:" + stunnel.port());
        assertThat(origin.connectionCount()).isZero();
    }

    @Test
    void httpsProxyRecordedConnectOverTls() throws Exception {
        TestServer origin = courier.tlsServer(CERTS.server());
        try (TunnelProxy proxy = TunnelProxy.connectOverTls(CERTS.server())) {
            Transport t = transport(proxy.uri("alice:s3cret").toString());

            read(get(t, origin.uri("/")));
            read(get(t, origin.uri("/")));

            RecordedRequest connect = proxy.takeRequest();
            assertThat(connect.method()).isEqualTo("CONNECT");
            assertThat(connect.header("Proxy-Authorization")).isEqualTo(BASIC_ALICE);
            assertThat(proxy.connectionCount()).isEqualTo(1);
            assertThat(proxy.pendingRequests()).isZero();
        }
    }
}
