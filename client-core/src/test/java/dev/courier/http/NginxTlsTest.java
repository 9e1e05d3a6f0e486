package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.Nginx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS against a real peer, Debian's nginx (OpenSSL), trusted through {@code trustPem} of the test CA. Runs
 * on both engines: here on the JDK's, and again in client-tls on BoringSSL.
 */
class NginxTlsTest {
    @RegisterExtension
    static final Nginx nginx = new Nginx();

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @TempDir
    Path dir;

    private Transport transport() {
        return courier.transport(b -> b.trustPem(nginx.caPem()));
    }

    private static Response get(Transport t, URI uri) throws Exception {
        return t.roundTrip(Request.newBuilder(uri).build()).get(10, SECONDS);
    }

    private static Map<String, String> echo(Transport t, URI uri) throws Exception {
        try (Response r = get(t, uri)) {
            assertThat(r.status()).isEqualTo(200);
            return Nginx.parseEcho(r.body().text().get(10, SECONDS));
        }
    }

    @Test
    void http1PortKeepsTheConnectionAliveAcrossRequests() throws Exception {
        Transport t = transport();
        List<Boolean> reused = new ArrayList<>();
        ClientTrace trace = new ClientTrace() {
            @Override
            public void gotConn(ConnInfo info) {
                synchronized (reused) {
                    reused.add(info.reused());
                }
            }
        };
        Map<String, String> first;
        Map<String, String> second;
        try (Response r = t.roundTrip(Request.newBuilder(nginx.http1Uri("/echo")).trace(trace).build()).get(10, SECONDS)) {
            assertThat(r.protocol()).isEqualTo(Protocol.HTTP_1_1);
            first = Nginx.parseEcho(r.body().text().get(10, SECONDS));
        }
        try (Response r = t.roundTrip(Request.newBuilder(nginx.http1Uri("/echo")).trace(trace).build()).get(10, SECONDS)) {
            second = Nginx.parseEcho(r.body().text().get(10, SECONDS));
        }
        assertThat(first).containsEntry("protocol", "HTTP/1.1").containsEntry("tls-protocol", "TLSv1.3")
                .containsEntry("user-agent", Transport.DEFAULT_USER_AGENT).containsEntry("connection-requests", "1");
        assertThat(second.get("connection")).isEqualTo(first.get("connection"));
        assertThat(second).containsEntry("connection-requests", "2");
        synchronized (reused) {
            assertThat(reused).containsExactly(false, true);
        }
        assertThat(t.stats().total()).isEqualTo(1);
        assertThat(t.stats().idle()).isEqualTo(1);
    }

    @Test
    void downloadsALargeFileIntact() throws Exception {
        Transport t = transport();
        try (Response r = get(t, nginx.http1Uri("/large.bin"))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().first("Content-Length")).isEqualTo(String.valueOf(Nginx.LARGE_BYTES));
            assertThat(r.body().bytes().get(10, SECONDS)).isEqualTo(nginx.largeBody());
        }
        try (Response r = get(t, nginx.http1Uri("/1k"))) {
            assertThat(r.body().bytes().get(10, SECONDS)).isEqualTo(nginx.smallBody());
        }
    }

    @Test
    void decodesGzippedText() throws Exception {
        Transport t = transport();
        try (Response r = get(t, nginx.http1Uri("/text.txt"))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.uncompressed()).as("nginx gzipped the body and the transport decoded it").isTrue();
            assertThat(r.body().text().get(10, SECONDS)).isEqualTo(nginx.text());
        }
    }

    @Test
    void verifiesNginxsCertificateAgainstTheHostName() throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost wrong.example\n");
        Transport t = courier.transport(b -> b.trustPem(nginx.caPem()).hostsFile(hosts));
        Map<String, String> seen = echo(t, URI.create("https://localhost:" + nginx.http1Port() + "/echo"));
        assertThat(seen).containsEntry("sni", "localhost").containsEntry("host", "localhost");

        ExecutionException e = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
                () -> get(t, URI.create("https://wrong.example:" + nginx.http1Port() + "/echo")).close());
        assertThat(e.getCause()).isInstanceOf(RequestException.class);
        RequestException failure = (RequestException) e.getCause();
        assertThat(failure.phase()).isEqualTo(RequestException.Phase.TLS);
        assertThat(failure.getMessage())
                .contains("certificate is valid for localhost, 127.0.0.1, 0:0:0:0:0:0:0:1, not wrong.example");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void resumesTheSessionOnANewConnection(String version) throws Exception {
        Transport t = courier.transport(b -> b.trustPem(nginx.caPem()).tlsProtocols(version).disableKeepAlives(true));
        Map<String, String> first = echo(t, nginx.http1Uri("/echo"));
        Map<String, String> second = echo(t, nginx.http1Uri("/echo"));
        assertThat(first).containsEntry("tls-protocol", version).containsEntry("tls-session-reused", ".");
        assertThat(second.get("connection")).isNotEqualTo(first.get("connection"));
        assertThat(second).containsEntry("tls-protocol", version).containsEntry("tls-session-reused", "r");
    }

    /**
     * tlsSessionCacheSize bounds the sessions kept: with room for one, a session with nginx's second port
     * pushes out the first port's, whose next connection then makes a full handshake; with the default,
     * it resumes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void sessionCacheSizeBoundsTheSessionsKeptForResumption(String version) throws Exception {
        Transport one = courier.transport(b -> b.trustPem(nginx.caPem()).tlsProtocols(version).disableKeepAlives(true)
                .disableHttp2(true).tlsSessionCacheSize(1));
        Transport roomy = courier.transport(b -> b.trustPem(nginx.caPem()).tlsProtocols(version).disableKeepAlives(true)
                .disableHttp2(true));
        for (Transport t : new Transport[] {one, roomy}) {
            echo(t, nginx.http1Uri("/echo"));
            echo(t, nginx.h2Uri("/echo"));
        }
        assertThat(echo(one, nginx.http1Uri("/echo"))).containsEntry("tls-session-reused", ".");
        assertThat(echo(roomy, nginx.http1Uri("/echo"))).containsEntry("tls-session-reused", "r");
    }

    @Test
    void h2PortServesTheExchangeOverTls() throws Exception {
        Transport t = transport();
        try (Response r = get(t, nginx.h2Uri("/echo"))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.tlsSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");
            Map<String, String> seen = Nginx.parseEcho(r.body().text().get(10, SECONDS));
            assertThat(seen).containsEntry("tls-protocol", "TLSv1.3");
            // ALPN: Courier offers h2 first; this port accepts it.
            assertThat(r.protocol()).isEqualTo(Protocol.HTTP_2);
            assertThat(seen).containsEntry("alpn", "h2").containsEntry("protocol", "HTTP/2.0");
        }
        try (Response r = get(t, nginx.h2Uri("/large.bin"))) {
            assertThat(r.body().bytes().get(10, SECONDS)).isEqualTo(nginx.largeBody());
        }
    }

    @Test
    void h2MultiplexesConcurrentRequestsOnOneConnection() throws Exception {
        Transport t = transport();
        echo(t, nginx.h2Uri("/echo")); // the route is known to speak h2 from now on
        java.util.List<java.util.concurrent.CompletableFuture<Response>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            calls.add(t.roundTrip(Request.newBuilder(nginx.h2Uri("/echo")).build()));
        }
        java.util.Set<String> connections = new java.util.HashSet<>();
        for (java.util.concurrent.CompletableFuture<Response> c : calls) {
            try (Response r = c.get(10, SECONDS)) {
                assertThat(r.protocol()).isEqualTo(Protocol.HTTP_2);
                connections.add(Nginx.parseEcho(r.body().text().get(10, SECONDS)).get("connection"));
            }
        }
        assertThat(connections).hasSize(1);
        assertThat(t.stats().total()).isEqualTo(1);
    }

    @Test
    void h2DecodesGzipAndDownloadsLargeFiles() throws Exception {
        Transport t = transport();
        try (Response r = get(t, nginx.h2Uri("/text.txt"))) {
            assertThat(r.protocol()).isEqualTo(Protocol.HTTP_2);
            assertThat(r.uncompressed()).isTrue();
            assertThat(r.body().text().get(10, SECONDS)).isEqualTo(nginx.text());
        }
    }

    @Test
    void anHttp11OnlyPortFallsBackThroughAlpn() throws Exception {
        Transport t = transport();
        try (Response r = get(t, nginx.http1Uri("/echo"))) {
            assertThat(r.protocol()).isEqualTo(Protocol.HTTP_1_1);
            assertThat(Nginx.parseEcho(r.body().text().get(10, SECONDS)).get("alpn")).isIn("", "http/1.1");
        }
    }
}
