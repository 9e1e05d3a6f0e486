package dev.courier.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static java.util.concurrent.TimeUnit.SECONDS;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestCertificates;
import dev.courier.http.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS on HTTP/1.1 against the Netty test server. Runs on both engines: here on the JDK's (client-core's
 * surefire sets {@code -Dcourier.tls.engine=jdk}) and again in client-tls on BoringSSL.
 */
class TlsTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private static final TestCertificates CERTS = TestCertificates.get();

    private static SSLContext trustingTestCa() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, CERTS.ca().toTrustManagerFactory().getTrustManagers(), null);
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response get(Transport t, TestServer server, String path) throws Exception {
        return t.roundTrip(Request.newBuilder(server.uri(path)).build()).get(10, SECONDS);
    }

    @Test
    void getOverTlsReusesTheConnection() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server());
        assertThat(server.uri("/a").getScheme()).isEqualTo("https");
        server.enqueue(ServerResponse.ok("hello"));
        server.enqueue(ServerResponse.ok("world"));
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));

        Response r1 = get(t, server, "/a");
        assertThat(r1.body().text().get(10, SECONDS)).isEqualTo("hello");
        Response r2 = get(t, server, "/b");
        assertThat(r2.body().text().get(10, SECONDS)).isEqualTo("world");

        assertThat(r1.protocol()).isEqualTo(Protocol.HTTP_1_1);
        RecordedRequest first = server.takeRequest();
        RecordedRequest second = server.takeRequest();
        assertThat(first.path()).isEqualTo("/a");
        assertThat(second.connectionIndex()).isEqualTo(first.connectionIndex());
        assertThat(second.exchangeIndex()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @TempDir
    Path dir;

    /** The engine this run is for: client-tls sets the property to boringssl, client-core to jdk. */
    static TlsEngine engineOfThisRun() {
        return "boringssl".equalsIgnoreCase(System.getProperty("courier.tls.engine")) ? TlsEngine.BORINGSSL : TlsEngine.JDK;
    }

    @Test
    void connectionsRunOnTheEngineThisRunIsFor() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server());
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
        assertThat(t.tlsEngine()).isEqualTo(engineOfThisRun());
        try (Response r = get(t, server, "/")) {
            r.body().discard().get(10, SECONDS);
            // The session's class tells the engines apart: Netty's OpenSSL engine or the JDK's SSLEngineImpl.
            assertThat(r.tlsSession().orElseThrow().getClass().getName())
                    .startsWith(engineOfThisRun() == TlsEngine.BORINGSSL ? "io.netty.handler.ssl." : "sun.security.ssl.");
        }
    }

    @Test
    void userSslContextAlwaysRunsOnTheJdkEngine() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server());
        Transport t = courier.transport(b -> b.sslContext(trustingTestCa()));
        assertThat(t.tlsEngine()).isEqualTo(TlsEngine.JDK);
        assertThat(getText(t, server)).isEqualTo("ok");
        assertThatThrownBy(() -> Transport.newBuilder().sslContext(trustingTestCa()).tlsEngine(TlsEngine.BORINGSSL).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("sslContext(SSLContext) runs on the JDK's TLS engine; it cannot be combined with "
                        + "tlsEngine(BORINGSSL)");
    }

    private static String getText(Transport t, TestServer server) throws Exception {
        try (Response r = get(t, server, "/")) {
            return r.body().text().get(10, SECONDS);
        }
    }

    @Test
    void trustFromPemFile() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server());
        Path pem = CERTS.caPem(dir);
        Transport t = courier.transport(b -> b.trustPem(pem));
        assertThat(getText(t, server)).isEqualTo("ok");
    }

    @Test
    void trustFromKeyStore() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server());
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
        assertThat(getText(t, server)).isEqualTo("ok");
    }

    @Test
    void mutualTlsWithPemClientCertificate() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server(), CERTS.ca());
        Path chain = TestCertificates.chainPem(CERTS.client(), dir);
        Path key = TestCertificates.keyPem(CERTS.client(), dir);
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()).clientCertificate(chain, key));
        assertThat(getText(t, server)).isEqualTo("ok");
    }

    @Test
    void mutualTlsWithKeyStoreClientCertificate() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server(), CERTS.ca());
        char[] password = "secret".toCharArray();
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore())
                .clientCertificate(TestCertificates.keyStore(CERTS.client(), password), password));
        assertThat(getText(t, server)).isEqualTo("ok");
    }

    @Test
    void insecureOptionAcceptsAnUntrustedCertificateForAnotherHost() throws Exception {
        TestServer server = courier.tlsServer(CERTS.otherHost());
        TestServer untrusted = courier.tlsServer(CERTS.untrusted());
        Transport t = courier.transport(b -> b.insecureSkipTlsVerificationForTestsOnly());
        assertThat(getText(t, server)).isEqualTo("ok");
        assertThat(getText(t, untrusted)).isEqualTo("ok");
    }

    @Test
    void tlsProtocolsLimitTheNegotiatedVersion() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server());
        CompletableFuture<SSLSession> session = new CompletableFuture<>();
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()).tlsProtocols("TLSv1.2")
                .tlsCiphers("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
        Request request = Request.newBuilder(server.uri("/")).trace(new ClientTrace() {
            @Override
            public void tlsHandshakeDone(SSLSession s, Throwable error) {
                session.complete(s);
            }
        }).build();
        try (Response r = t.roundTrip(request).get(10, SECONDS)) {
            assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
        }
        assertThat(session.get(10, SECONDS).getProtocol()).isEqualTo("TLSv1.2");
        assertThat(session.get(10, SECONDS).getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    }

    @Test
    void builderValidatesTlsArguments() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> Transport.newBuilder().trustPem(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trustPem " + missing + " is not a readable file");
        assertThatThrownBy(() -> Transport.newBuilder().trustPem(null))
                .isInstanceOf(NullPointerException.class).hasMessage("trustPem");
        assertThatThrownBy(() -> Transport.newBuilder().trustStore(null))
                .isInstanceOf(NullPointerException.class).hasMessage("trustStore");
        Path key = TestCertificates.keyPem(CERTS.client(), dir);
        assertThatThrownBy(() -> Transport.newBuilder().clientCertificate(missing, key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("certChainPem " + missing + " is not a readable file");
        assertThatThrownBy(() -> Transport.newBuilder().clientCertificate(null, "x".toCharArray()))
                .isInstanceOf(NullPointerException.class).hasMessage("keyStore");
        assertThatThrownBy(() -> Transport.newBuilder().tlsProtocols())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tlsProtocols is empty");
        assertThatThrownBy(() -> Transport.newBuilder().tlsProtocols("TLSv1.3", "TLSv1.9"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tlsProtocols: TLSv1.9 is not a TLS version (use TLSv1.3, TLSv1.2, TLSv1.1, TLSv1)");
        assertThatThrownBy(() -> Transport.newBuilder().tlsSessionCacheSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tlsSessionCacheSize must be at least 1, got 0");
        assertThatThrownBy(() -> Transport.newBuilder().tlsEngine(null))
                .isInstanceOf(NullPointerException.class).hasMessage("tlsEngine");
        assertThatThrownBy(() -> Transport.newBuilder().tlsCiphers("TLS_AES_128_GCM_SHA256", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tlsCiphers contains a null or blank name");
        assertThatThrownBy(() -> Transport.newBuilder().trustStore(CERTS.caTrustStore())
                .insecureSkipTlsVerificationForTestsOnly().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("insecureSkipTlsVerificationForTestsOnly cannot be combined with trustPem or trustStore");
        assertThatThrownBy(() -> Transport.newBuilder().sslContext(trustingTestCa()).tlsProtocols("TLSv1.3").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("sslContext cannot be combined with");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
        assertThatThrownBy(() -> Transport.newBuilder().trustPem(garbage).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot create the TLS context (trust): ");
    }

    @Test
    void unknownCipherFailsWhenTheTransportIsBuiltNotOnTheFirstRequest() {
        assertThatThrownBy(() -> Transport.newBuilder().tlsCiphers("TLS_AES_128_GCM_SHA256", "NOT_A_CIPHER").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot create the TLS context")
                .hasMessageContaining("NOT_A_CIPHER");
    }

    private RequestException failure(Transport t, java.net.URI uri) throws Exception {
        CompletableFuture<Response> f = t.roundTrip(Request.newBuilder(uri).build());
        try {
            f.get(10, SECONDS).close();
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RequestException.class);
            return (RequestException) e.getCause();
        }
        throw new AssertionError("request to " + uri + " succeeded");
    }

    @Test
    void certificateForAnotherHostNamesBothHosts() throws Exception {
        TestServer server = courier.tlsServer(CERTS.otherHost());
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
        RequestException e = failure(t, server.uri("/"));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.TLS);
        assertThat(e.isTimeout()).isFalse();
        assertThat(e.getMessage()).contains("certificate is valid for other.example, www.other.example, not 127.0.0.1");
    }

    @Test
    void certificateForAnotherHostNameFailsHostnameVerification() throws Exception {
        // A trusted, valid certificate for localhost, reached under another name: only hostname verification can fail it.
        TestServer server = courier.tlsServer(CERTS.server());
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 wrong.example\n");
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()).hostsFile(hosts));
        RequestException e = failure(t, java.net.URI.create("https://wrong.example:" + server.port() + "/"));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.TLS);
        assertThat(e.getMessage()).contains("certificate is valid for localhost, 127.0.0.1, 0:0:0:0:0:0:0:1, not wrong.example");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void notYetValidCertificateFails() throws Exception {
        TestServer server = courier.tlsServer(CERTS.notYetValid());
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
        RequestException e = failure(t, server.uri("/"));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.TLS);
        assertThat(e.getMessage()).contains("certificate is not yet valid: CN=localhost is valid from "
                + CERTS.notYetValid().getCertificate().getNotBefore().toInstant());
    }

    @Test
    void expiredCertificateFails() throws Exception {
        TestServer server = courier.tlsServer(CERTS.expired());
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
        RequestException e = failure(t, server.uri("/"));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.TLS);
        assertThat(e.getMessage()).contains("certificate has expired: CN=localhost was valid until ");
    }

    @Test
    void untrustedAuthorityFails() throws Exception {
        TestServer server = courier.tlsServer(CERTS.untrusted());
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
        RequestException e = failure(t, server.uri("/"));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.TLS);
        assertThat(e.getMessage()).contains("certificate signed by unknown authority: CN=Untrusted Test CA is not trusted");
    }

    @Test
    void systemTrustDoesNotTrustTheTestCa() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server());
        Transport t = courier.transport(b -> b);
        RequestException e = failure(t, server.uri("/"));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.TLS);
        assertThat(e.getMessage()).contains("certificate signed by unknown authority: CN=Courier Test CA");
    }

    @Test
    void plaintextServerAnsweringTheHandshakeGetsGosMessage() throws Exception {
        TestServer plain = courier.server();
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
        java.net.URI https = java.net.URI.create("https://127.0.0.1:" + plain.port() + "/");
        RequestException e = failure(t, https);
        assertThat(e.phase()).isEqualTo(RequestException.Phase.TLS);
        assertThat(e.getMessage()).contains("server gave HTTP response to HTTPS client");
    }

    @Test
    void handshakeTimeoutWhenTheServerNeverAnswers() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore())
                    .tlsHandshakeTimeout(java.time.Duration.ofMillis(200)));
            RequestException e = failure(t, java.net.URI.create("https://127.0.0.1:" + silent.getLocalPort() + "/"));
            assertThat(e.phase()).isEqualTo(RequestException.Phase.TLS);
            assertThat(e.isTimeout()).isTrue();
        }
    }

    @Test
    void mutualTlsWithoutClientCertificateFailsInTls() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server(), CERTS.ca());
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
        RequestException e = failure(t, server.uri("/"));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.TLS);
        // The same words on both engines, although the JDK and BoringSSL name the alert differently.
        assertThat(e.getMessage()).contains("server sent TLS alert bad_certificate (the server may want a client "
                + "certificate it trusts: Transport.Builder.clientCertificate)");
    }

    @Test
    void responseExposesTheTlsSessionAndTraceSeesTheHandshake() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server());
        CompletableFuture<SSLSession> traced = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger starts = new java.util.concurrent.atomic.AtomicInteger();
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
        Request request = Request.newBuilder(server.uri("/")).trace(new ClientTrace() {
            @Override
            public void tlsHandshakeStart() {
                starts.incrementAndGet();
            }

            @Override
            public void tlsHandshakeDone(SSLSession s, Throwable error) {
                traced.complete(s);
            }
        }).build();
        try (Response r = t.roundTrip(request).get(10, SECONDS)) {
            assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
            assertThat(r.protocol()).isEqualTo(Protocol.HTTP_1_1);
            SSLSession session = r.tlsSession().orElseThrow();
            assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
            assertThat(session.getPeerCertificates()[0]).isEqualTo(CERTS.server().getCertificate());
            assertThat(traced.get(10, SECONDS)).isSameAs(session);
        }
        assertThat(starts.get()).isEqualTo(1);
        TestServer plain = courier.server();
        try (Response r = get(t, plain, "/")) {
            assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
            assertThat(r.tlsSession()).isEmpty();
        }
    }

    @Test
    void sniCarriesTheHostName() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server());
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()).hostsFile(hosts));
        try (Response r = t.roundTrip(Request.newBuilder(
                java.net.URI.create("https://localhost:" + server.port() + "/")).build()).get(10, SECONDS)) {
            assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
        }
        assertThat(server.takeSniHostName()).isEqualTo("localhost");
    }

    @Test
    void fileBodyOverTlsArrivesIntact() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server());
        byte[] data = new byte[1 << 20];
        new java.util.Random(42).nextBytes(data);
        Path file = Files.write(dir.resolve("upload.bin"), data);
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
        Request request = Request.newBuilder(server.uri("/upload")).post(RequestBody.ofFile(file)).build();
        try (Response r = t.roundTrip(request).get(10, SECONDS)) {
            assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
        }
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.bodySize()).isEqualTo(data.length);
        assertThat(recorded.body()).isEqualTo(data);
    }

    @Test
    void tls12SessionIsResumedOnASecondConnection() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server());
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()).tlsProtocols("TLSv1.2")
                .disableKeepAlives(true));
        byte[] firstId;
        try (Response r = get(t, server, "/")) {
            r.body().text().get(10, SECONDS);
            firstId = r.tlsSession().orElseThrow().getId();
        }
        try (Response r = get(t, server, "/")) {
            r.body().text().get(10, SECONDS);
            assertThat(r.tlsSession().orElseThrow().getId()).isEqualTo(firstId);
        }
        assertThat(server.connectionCount()).isEqualTo(2);
    }
}
