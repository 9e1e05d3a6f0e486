package dev.courier.http;

import static dev.courier.http.testing.Exchanges.failure;
import static dev.courier.http.testing.Exchanges.read;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.PeerProcess;
import dev.courier.http.testing.ProxyPeers;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.TestCertificates;
import dev.courier.http.testing.TestServer;
import dev.courier.http.testing.TunnelProxy;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SOCKS proxies: SOCKS5 with and without username/password (Debian's microsocks, and danted), the
 * origin's name resolved by the proxy, http and https origins, pooling per SOCKS route, typed failures;
 * SOCKS4 against danted (IP literals; danted rejects 4a host names) and SOCKS4a with a host name against
 * a {@link TunnelProxy}, which records the name it received.
 */
class SocksProxyTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @RegisterExtension
    static final ProxyPeers peers = new ProxyPeers();

    private static final TestCertificates CERTS = TestCertificates.get();

    private Transport transport(String proxyUri) {
        return courier.transport(b -> b.trustStore(CERTS.caTrustStore())
                .proxy(ProxySelector.of(Proxy.of(URI.create(proxyUri)))));
    }

    private static CompletableFuture<Response> get(Transport t, URI uri) {
        return t.roundTrip(Request.newBuilder(uri).build());
    }

    /** The origin's URI with the host name {@code localhost}, which only the proxy resolves. */
    private static URI byName(TestServer server, String path) {
        return URI.create((server.isTls() ? "https" : "http") + "://localhost:" + server.port() + path);
    }

    @Test
    void socks5WithoutAuthenticationForHttpAndHttpsOrigins() throws Exception {
        PeerProcess microsocks = peers.microsocks();
        TestServer plain = courier.server();
        TestServer tls = courier.tlsServer(CERTS.server());
        Transport t = transport("socks5://127.0.0.1:" + microsocks.port());

        assertThat(read(get(t, byName(plain, "/plain")))).isEqualTo("ok");
        assertThat(read(get(t, byName(tls, "/tls")))).isEqualTo("ok");

        RecordedRequest atPlain = plain.takeRequest();
        assertThat(atPlain.target()).isEqualTo("/plain"); // origin form: SOCKS carries bytes, not proxy requests
        assertThat(atPlain.header("Host")).isEqualTo("localhost:" + plain.port());
        assertThat(tls.takeSniHostName()).isEqualTo("localhost");
    }

    @Test
    void socks5WithUsernameAndPassword() throws Exception {
        PeerProcess microsocks = peers.microsocks("carol", "pa55");
        TestServer tls = courier.tlsServer(CERTS.server());
        Transport t = transport("socks5://carol:pa55@127.0.0.1:" + microsocks.port());

        assertThat(read(get(t, byName(tls, "/")))).isEqualTo("ok");
        assertThat(tls.takeRequest().header("Proxy-Authorization")).isNull();
    }

    @Test
    void socks5hIsTheSameAsSocks5() throws Exception {
        PeerProcess microsocks = peers.microsocks();
        TestServer plain = courier.server();
        Transport t = transport("socks5h://127.0.0.1:" + microsocks.port());

        assertThat(read(get(t, byName(plain, "/")))).isEqualTo("ok");
    }

    @Test
    void socks5WrongPasswordFailsTypedWithoutThePassword() {
        PeerProcess microsocks = peers.microsocks("carol", "pa55");
        TestServer plain = courier.server();
        Transport t = transport("socks5://carol:nope@127.0.0.1:" + microsocks.port());

        RequestException e = failure(get(t, plain.uri("/")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("SOCKS5 proxy socks5://carol:***@127.0.0.1:" + microsocks.port())
                .contains("rejected the username/password of user \"carol\"").doesNotContain("nope");
        assertThat(plain.connectionCount()).isZero();
    }

    @Test
    void socks5WithoutCredentialsWhenTheProxyWantsThemFailsTyped() {
        PeerProcess microsocks = peers.microsocks("carol", "pa55");
        TestServer plain = courier.server();
        Transport t = transport("socks5://127.0.0.1:" + microsocks.port());

        RequestException e = failure(get(t, plain.uri("/")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("accepts none of the offered authentication methods");
    }

    @Test
    void socks5ProxyCannotReachTheOrigin() throws Exception {
        PeerProcess dante = peers.dante();
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Transport t = transport("socks5://127.0.0.1:" + dante.port());

        RequestException e = failure(get(t, URI.create("http://127.0.0.1:" + closedPort + "/")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("could not connect to 127.0.0.1:" + closedPort);
    }

    @Test
    void socks5ThroughDanteAndOneConnectionPerPooledRoute() throws Exception {
        PeerProcess dante = peers.dante();
        TestServer tls = courier.tlsServer(CERTS.server());
        Transport t = transport("socks5://127.0.0.1:" + dante.port());

        read(get(t, tls.uri("/1")));
        read(get(t, tls.uri("/2")));

        assertThat(tls.connectionCount()).isEqualTo(1);
        assertThat(t.stats().routes()).containsOnlyKeys(new RouteKey(Proxy.of(URI.create("socks5://127.0.0.1:"
                + dante.port())), "https", "127.0.0.1", tls.port()));
    }

    @Test
    void socks4ToAnAddressThroughDante() throws Exception {
        PeerProcess dante = peers.dante();
        TestServer plain = courier.server();
        Transport t = transport("socks4a://127.0.0.1:" + dante.port());

        assertThat(read(get(t, plain.uri("/v4")))).isEqualTo("ok");
        assertThat(plain.takeRequest().path()).isEqualTo("/v4");
    }

    @Test
    void danteRejectsASocks4aHostNameAndThatFailsTyped() {
        PeerProcess dante = peers.dante();
        TestServer plain = courier.server();
        Transport t = transport("socks4a://127.0.0.1:" + dante.port());

        RequestException e = failure(get(t, byName(plain, "/")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("SOCKS4a proxy socks4a://127.0.0.1:" + dante.port())
                .contains("localhost:" + plain.port()).contains("rejected or failed (91)");
    }

    @Test
    void socks4aSendsTheHostNameAndUserIdForTheProxyToResolve() throws Exception {
        TestServer tls = courier.tlsServer(CERTS.server());
        try (TunnelProxy proxy = TunnelProxy.socks4a()) {
            Transport t = transport(proxy.uri("dave").toString());

            assertThat(read(get(t, byName(tls, "/named")))).isEqualTo("ok");

            RecordedRequest command = proxy.takeRequest();
            assertThat(command.target()).isEqualTo("localhost:" + tls.port());
            assertThat(command.header("User-Id")).isEqualTo("dave");
            assertThat(tls.takeRequest().path()).isEqualTo("/named");
        }
    }

    @Test
    void aSocksProxyThatIsDownFailsInThePhaseProxy() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Transport t = transport("socks5://carol:pa55@127.0.0.1:" + closedPort);

        RequestException e = failure(get(t, URI.create("http://origin.test/")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("cannot connect to proxy socks5://carol:***@127.0.0.1:" + closedPort)
                .doesNotContain("pa55");
    }
}
