package dev.courier.http.testing;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests the {@link H2TestServer} fixture itself: requests, recording, TLS/ALPN, h2c and settings, with the JDK's
 * HTTP/2 client and a raw Netty client ({@link H2RawClient}); the faults are in {@link H2TestServerFaultsTest}.
 */
@ExtendWith(NettyLeakExtension.class)
class H2TestServerTest {

    /** One JDK client for the class (its selector thread lives as long as it does), trusting the test CA. */
    static final HttpClient JDK_H2 = jdkClient(HttpClient.Version.HTTP_2);
    static final HttpClient JDK_H1 = jdkClient(HttpClient.Version.HTTP_1_1);

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

    @Test
    void tlsRequestIsAnsweredWithTheEnqueuedResponseAndRecorded() throws Exception {
        H2TestServer server = use(H2TestServer.startTls(TestCertificates.get().server()));
        server.enqueue(H2Response.status(201).header("X-Reply", "r").body("created"));
        HttpResponse<String> response = JDK_H2.send(HttpRequest.newBuilder(server.uri("/echo?x=1"))
                .header("X-Test", "yes").POST(HttpRequest.BodyPublishers.ofString("hello")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("x-reply")).hasValue("r");
        assertThat(response.headers().firstValue("content-length")).hasValue("7");
        assertThat(response.body()).isEqualTo("created");

        H2RecordedRequest r = server.takeRequest();
        assertThat(r.protocol()).isEqualTo("h2");
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/echo?x=1");
        assertThat(r.query()).isEqualTo("x=1");
        assertThat(r.authority()).isEqualTo("localhost:" + server.port());
        assertThat(r.scheme()).isEqualTo("https");
        assertThat(r.header("X-Test")).isEqualTo("yes");
        assertThat(r.headerMap()).doesNotContainKey(":method").containsKey("x-test");
        assertThat(r.bodyText()).isEqualTo("hello");
        assertThat(r.bodySize()).isEqualTo(5);
        assertThat(r.bodyComplete()).isTrue();
        assertThat(r.streamId() % 2).isEqualTo(1);
        assertThat(r.connectionIndex()).isZero();
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(server.bodyBytesWritten()).isEqualTo(7);
        assertThat(server.uri("/p").toString()).isEqualTo("https://localhost:" + server.port() + "/p");
    }

    @Test
    void withRecordingOffRequestsAreAnsweredAndCountedButNothingIsKept() throws Exception {
        H2TestServer server = use(H2TestServer.startTls(TestCertificates.get().server()));
        server.recording(false);
        server.dispatcher(r -> H2Response.ok("to " + r.path()));
        HttpResponse<String> response = JDK_H2.send(HttpRequest.newBuilder(server.uri("/a")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo("to /a");
        assertThat(server.requestCount()).isEqualTo(1);
        assertThatThrownBy(() -> server.takeRequest(Duration.ofMillis(50))).isInstanceOf(AssertionError.class);
        assertThat(server.clientSettings(0)).isNull();
        assertThat(server.windowUpdatesReceived()).isEmpty();
    }

    @Test
    void defaultDispatcherCustomDispatcherAndAFailingOne() throws Exception {
        H2TestServer server = use(H2TestServer.startTls(TestCertificates.get().server()));
        assertThat(getString(server, "/")).isEqualTo("200 ok");

        server.dispatcher(r -> H2Response.status(404).body("no " + r.path()));
        assertThat(getString(server, "/nothing")).isEqualTo("404 no /nothing");

        server.dispatcher(r -> {
            throw new IllegalStateException("dispatcher bug");
        });
        assertThat(getString(server, "/x")).startsWith("500 java.lang.IllegalStateException: dispatcher bug");
    }

    @Test
    void concurrentRequestsAreStreamsOfOneConnection() throws Exception {
        H2TestServer server = use(H2TestServer.startTls(TestCertificates.get().server()));
        getString(server, "/warm-up"); // lets the JDK client settle on one connection first
        server.dispatcher(r -> H2Response.ok(r.path()).delayHeaders(Duration.ofMillis(100)));
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(JDK_H2.sendAsync(HttpRequest.newBuilder(server.uri("/" + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < 8; i++) {
            assertThat(futures.get(i).get(10, TimeUnit.SECONDS).body()).isEqualTo("/" + i);
        }
        List<Integer> streamIds = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            H2RecordedRequest r = server.takeRequest();
            assertThat(r.connectionIndex()).isZero();
            streamIds.add(r.streamId());
        }
        assertThat(streamIds).doesNotHaveDuplicates();
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(server.openConnections()).isEqualTo(1);
    }

    @Test
    void h2cWithPriorKnowledge() {
        H2TestServer server = use(H2TestServer.startH2c());
        H2RawClient client = use(H2RawClient.connect(server));
        int id = client.get("/plain?q");
        H2RawClient.Response response = client.response(id);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("ok");
        assertThat(response.ended()).isTrue();
        H2RecordedRequest r = server.takeRequest();
        assertThat(r.protocol()).isEqualTo("h2c");
        assertThat(r.scheme()).isEqualTo("http");
        assertThat(r.authority()).isEqualTo("127.0.0.1:" + server.port());
        assertThat(r.path()).isEqualTo("/plain?q");
        assertThat(r.streamId()).isEqualTo(id);

        H2RawClient.Response head = client.response(client.request("HEAD", "/plain", true));
        assertThat(head.header("content-length")).isEqualTo("2");
        assertThat(head.body()).isEmpty();
        assertThat(head.ended()).isTrue();
        assertThat(server.isTls()).isFalse();
        assertThat(server.uri("/a").toString()).isEqualTo("http://127.0.0.1:" + server.port() + "/a");
    }

    @Test
    void http1FallbackAnswersHttp1ClientsAndServesH2Clients() throws Exception {
        H2TestServer server = use(H2TestServer.startTlsWithHttp1Fallback(TestCertificates.get().server()));
        HttpResponse<String> h1 = JDK_H1.send(HttpRequest.newBuilder(server.uri("/one")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(h1.body()).isEqualTo("http1");
        H2RecordedRequest r = server.takeRequest();
        assertThat(r.protocol()).isEqualTo("http/1.1");
        assertThat(r.path()).isEqualTo("/one");
        assertThat(r.authority()).isEqualTo("localhost:" + server.port());
        assertThat(r.streamId()).isZero();

        HttpResponse<String> h2 = JDK_H2.send(HttpRequest.newBuilder(server.uri("/two")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(h2.body()).isEqualTo("ok");
        assertThat(server.takeRequest().protocol()).isEqualTo("h2");
    }

    @Test
    void tlsServerOffersOnlyH2ByDefault() {
        H2TestServer server = use(H2TestServer.startTls(TestCertificates.get().server()));
        H2RawClient client = use(H2RawClient.connect(server));
        assertThat(client.response(client.get("/")).bodyText()).isEqualTo("ok");
        assertThat(client.negotiatedProtocol()).isEqualTo("h2");

        // An HTTP/1.1 client's request meets the HTTP/2 preface check: GOAWAY, then the connection closes.
        assertThatThrownBy(() -> JDK_H1.send(HttpRequest.newBuilder(server.uri("/")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void settingsAreAdvertisedAndTheClientsAreRecorded() {
        H2Settings settings = H2Settings.defaults().withMaxConcurrentStreams(3).withInitialWindowSize(1000)
                .withMaxFrameSize(20_000).withMaxHeaderListSize(4096);
        H2TestServer server = use(H2TestServer.startH2c(settings));
        Http2Settings mine = new Http2Settings().initialWindowSize(1 << 20).maxHeaderListSize(1 << 20);
        H2RawClient client = use(H2RawClient.connect(server, mine, false));

        Http2Settings advertised = client.serverSettings();
        assertThat(advertised.maxConcurrentStreams()).isEqualTo(3L);
        assertThat(advertised.initialWindowSize()).isEqualTo(1000);
        assertThat(advertised.maxFrameSize()).isEqualTo(20_000);
        assertThat(advertised.maxHeaderListSize()).isEqualTo(4096L);
        assertThat(server.settings()).isEqualTo(settings);

        client.response(client.get("/")); // the client's SETTINGS precede its first request
        Http2Settings received = server.clientSettings(0);
        assertThat(received.initialWindowSize()).isEqualTo(1 << 20);
        assertThat(received.maxHeaderListSize()).isEqualTo(1L << 20);
        assertThat(server.clientSettings(1)).isNull();
        assertThatThrownBy(() -> H2Settings.defaults().withMaxFrameSize(100))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamsBeyondMaxConcurrentStreamsAreRefused() {
        H2TestServer server = use(H2TestServer.startH2c(H2Settings.defaults().withMaxConcurrentStreams(1)));
        H2RawClient client = use(H2RawClient.connect(server));
        client.serverSettings();
        client.ignoreServerStreamLimit(); // misbehave, to see the server enforce its limit
        int held = client.request("POST", "/1", false); // stays active: its body has not ended
        H2RawClient.Response refused = client.response(client.get("/2"));

        assertThat(refused.resetCode()).isEqualTo(Http2Error.REFUSED_STREAM.code());
        assertThat(refused.headers()).isNull();
        client.data(held, new byte[1], true);
        assertThat(client.response(held).bodyText()).isEqualTo("ok");
        assertThat(server.requestCount()).isEqualTo(1); // the refused stream never reached the fixture
    }

    @Test
    void requestTrailersAreRecordedAndEchoGzipAndResponseTrailersAreSent() throws Exception {
        H2TestServer server = use(H2TestServer.startH2c());
        server.enqueue(H2Response.status(200).echoBody().gzip().trailers(Map.of("x-checksum", "abc")));
        H2RawClient client = use(H2RawClient.connect(server));
        int id = client.request("POST", "/up", false, "content-type", "text/plain");
        client.data(id, "hello ".getBytes(StandardCharsets.UTF_8), false);
        client.data(id, "world".getBytes(StandardCharsets.UTF_8), false);
        client.trailers(id, "x-request-trailer", "t1");
        H2RawClient.Response response = client.response(id);

        assertThat(response.header("content-encoding")).isEqualTo("gzip");
        assertThat(gunzip(response.body())).isEqualTo("hello world");
        assertThat(response.header("content-length")).isEqualTo(Integer.toString(response.body().length));
        assertThat(response.trailers().get("x-checksum").toString()).isEqualTo("abc");
        H2RecordedRequest r = server.takeRequest();
        assertThat(r.bodyText()).isEqualTo("hello world");
        assertThat(r.trailer("x-request-trailer")).isEqualTo("t1");
        assertThat(r.header("content-type")).isEqualTo("text/plain");
        assertThat(server.requestBodyBytesReceived()).isEqualTo(11);
    }

    @Test
    void expectContinueGets100AndInformationalResponsesPrecedeTheFinalOne() {
        H2TestServer server = use(H2TestServer.startH2c());
        server.enqueue(H2Response.ok("done").informational(103));
        H2RawClient client = use(H2RawClient.connect(server));
        int id = client.request("PUT", "/", false, "expect", "100-continue");
        assertThat(client.awaitInformational(id).status().toString()).isEqualTo("100");
        client.data(id, new byte[10], true);
        H2RawClient.Response response = client.response(id);

        assertThat(response.informational()).extracting(h -> h.status().toString()).containsExactly("100", "103");
        assertThat(response.informational().get(1).get("link")).isNotNull();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("done");
    }

    @Test
    void hugeHeadersTotalAboutTheRequestedSize() {
        H2TestServer server = use(H2TestServer.startH2c());
        server.enqueue(H2Response.ok("x").hugeHeaders(100_000));
        H2RawClient client = use(H2RawClient.connect(server, new Http2Settings().maxHeaderListSize(1 << 20), false));
        H2RawClient.Response response = client.response(client.get("/"));

        long filler = 0;
        for (Map.Entry<CharSequence, CharSequence> e : response.headers()) {
            if (e.getKey().toString().startsWith("x-filler-")) {
                filler += e.getKey().length() + e.getValue().length();
            }
        }
        assertThat(filler).isBetween(99_000L, 101_000L);
        assertThat(response.bodyText()).isEqualTo("x");
    }

    @Test
    void delayedHeadersAndBodyArriveNoSoonerThanScripted() {
        H2TestServer server = use(H2TestServer.startH2c());
        server.enqueue(H2Response.ok("late").delayHeaders(Duration.ofMillis(200)).delayBody(Duration.ofMillis(200)));
        H2RawClient client = use(H2RawClient.connect(server));
        long sent = System.nanoTime();
        int id = client.get("/");

        Http2Headers headers = client.awaitHeaders(id);
        long headersAfter = System.nanoTime() - sent;
        assertThat(headers.status().toString()).isEqualTo("200");
        assertThat(client.response(id).bodyText()).isEqualTo("late");
        long bodyAfter = System.nanoTime() - sent;
        // Lower bounds only: a delay can be longer on a busy machine, never shorter.
        assertThat(headersAfter).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(bodyAfter).isGreaterThanOrEqualTo(Duration.ofMillis(400).toNanos());
    }

    @Test
    void takeRequestFailsWhenNoRequestArrives() {
        H2TestServer server = use(H2TestServer.startH2c());
        assertThatThrownBy(() -> server.takeRequest(Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("no request recorded within");
    }

    @Test
    void closeClosesTheOpenConnections() {
        H2TestServer server = H2TestServer.startH2c();
        H2RawClient client = use(H2RawClient.connect(server));
        client.response(client.get("/"));
        assertThat(server.openConnections()).isEqualTo(1);
        server.close();
        client.awaitClosed();
        assertThat(server.openConnections()).isZero();
    }

    private static String getString(H2TestServer server, String path) throws Exception {
        HttpResponse<String> r = JDK_H2.send(HttpRequest.newBuilder(server.uri(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    static String gunzip(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static HttpClient jdkClient(HttpClient.Version version) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(TestCertificates.get().caTrustStore());
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().version(version).sslContext(ssl)
                    .connectTimeout(Duration.ofSeconds(10)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
