package dev.courier.http;

import static dev.courier.http.testing.Exchanges.failure;
import static dev.courier.http.testing.Exchanges.read;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.PeerProcess;
import dev.courier.http.testing.ProxyPeers;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * http:// requests through an HTTP proxy: absolute-form request line, Proxy-Authorization to the proxy and
 * never to the origin, pooling per proxy route, the 407 challenge answered once, typed failures naming the
 * proxy without its password, and ProxySelector.fromEnvironment end to end. The real proxy is Debian's
 * tinyproxy; a TestServer standing in as the proxy shows the exact bytes a proxy receives.
 */
class HttpProxyTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @RegisterExtension
    static final ProxyPeers peers = new ProxyPeers();

    @TempDir
    Path dir;

    private static final String BASIC_ALICE = "Basic " + Base64.getEncoder()
            .encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));

    private static Proxy proxy(String uri) {
        return Proxy.of(URI.create(uri));
    }

    private static CompletableFuture<Response> get(Transport t, URI uri) {
        return t.roundTrip(Request.newBuilder(uri).build());
    }

    @Test
    void absoluteFormRequestLineAndProxyAuthorizationGoToTheProxy() throws Exception {
        TestServer proxyServer = courier.server();
        proxyServer.enqueue(ServerResponse.ok("from the proxy"));
        Transport t = courier.transport(b -> b.proxy(ProxySelector.of(
                proxy("http://alice:s3cret@127.0.0.1:" + proxyServer.port()))));

        URI origin = URI.create("http://origin.test:8080/path?q=1#fragment");
        assertThat(read(get(t, origin))).isEqualTo("from the proxy");

        RecordedRequest seen = proxyServer.takeRequest();
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.target()).isEqualTo("http://origin.test:8080/path?q=1");
        assertThat(seen.header("Host")).isEqualTo("origin.test:8080");
        assertThat(seen.header("Proxy-Authorization")).isEqualTo(BASIC_ALICE);
    }

    @Test
    void theDefaultPortIsLeftOutAndPercentEncodedCredentialsAreDecoded() throws Exception {
        TestServer proxyServer = courier.server();
        Transport t = courier.transport(b -> b.proxy(ProxySelector.of(
                proxy("http://al%40ce:p%3Ass@127.0.0.1:" + proxyServer.port()))));

        read(get(t, URI.create("http://origin.test/")));

        RecordedRequest seen = proxyServer.takeRequest();
        assertThat(seen.target()).isEqualTo("http://origin.test/");
        assertThat(seen.header("Proxy-Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString("al@ce:p:ss".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void throughTinyproxyWithBasicAuthTheOriginNeverSeesTheProxyCredentials() throws Exception {
        PeerProcess tinyproxy = peers.tinyproxy("alice", "s3cret");
        TestServer origin = courier.server();
        origin.enqueue(ServerResponse.ok("origin says hi"));
        Transport t = courier.transport(b -> b.proxy(ProxySelector.of(
                proxy("http://alice:s3cret@127.0.0.1:" + tinyproxy.port()))));

        assertThat(read(get(t, origin.uri("/hello")))).isEqualTo("origin says hi");

        RecordedRequest atOrigin = origin.takeRequest();
        assertThat(atOrigin.target()).isEqualTo("/hello"); // tinyproxy turned the absolute form into origin form
        assertThat(atOrigin.header("Proxy-Authorization")).isNull();
    }

    @Test
    void throughOpenTinyproxy() throws Exception {
        PeerProcess tinyproxy = peers.tinyproxy();
        TestServer origin = courier.server();
        Transport t = courier.transport(b -> b.proxy(ProxySelector.of(proxy("http://127.0.0.1:" + tinyproxy.port()))));

        assertThat(read(get(t, origin.uri("/")))).isEqualTo("ok");
        assertThat(origin.takeRequest().path()).isEqualTo("/");
    }

    @Test
    void aCallersProxyAuthorizationIsReplacedByTheProxyUrlsAndSentAsGivenWithout() throws Exception {
        TestServer proxyServer = courier.server();
        Transport withCredentials = courier.transport(b -> b.proxy(ProxySelector.of(
                proxy("http://alice:s3cret@127.0.0.1:" + proxyServer.port()))));
        Transport without = courier.transport(b -> b.proxy(ProxySelector.of(proxy("http://127.0.0.1:" + proxyServer.port()))));
        Request request = Request.newBuilder("http://origin.test/").header("Proxy-Authorization", "Bearer mine").build();

        read(withCredentials.roundTrip(request));
        read(without.roundTrip(request));

        assertThat(proxyServer.takeRequest().headers("Proxy-Authorization")).containsExactly(BASIC_ALICE);
        assertThat(proxyServer.takeRequest().headers("Proxy-Authorization")).containsExactly("Bearer mine");
    }

    @Test
    void connectionsArePooledPerProxyRoute() throws Exception {
        TestServer proxyA = courier.server();
        TestServer proxyB = courier.server();
        Proxy a = proxy("http://127.0.0.1:" + proxyA.port());
        Proxy b = proxy("http://127.0.0.1:" + proxyB.port());
        Transport t = courier.transport(builder -> builder.proxy(request ->
                java.util.Optional.of(request.uri().getPath().startsWith("/a") ? a : b)));

        read(get(t, URI.create("http://origin.test/a1")));
        read(get(t, URI.create("http://origin.test/a2")));
        read(get(t, URI.create("http://origin.test/b1")));

        assertThat(proxyA.connectionCount()).isEqualTo(1);
        assertThat(proxyA.takeRequest().connectionIndex()).isEqualTo(proxyA.takeRequest().connectionIndex());
        assertThat(proxyB.connectionCount()).isEqualTo(1);
        assertThat(t.stats().routes()).containsKeys(new RouteKey(a, "http", "origin.test", 80),
                new RouteKey(b, "http", "origin.test", 80));
    }

    @Test
    void a407IsAnsweredOnceWithTheConfiguredCredentials() throws Exception {
        TestServer proxyServer = courier.server();
        proxyServer.enqueue(ServerResponse.status(407).header("Proxy-Authenticate", "Basic realm=\"p\"").body("who?"));
        proxyServer.enqueue(ServerResponse.ok("welcome"));
        List<String> retries = new CopyOnWriteArrayList<>();
        Transport t = courier.transport(b -> b.proxy(ProxySelector.of(
                proxy("http://alice:s3cret@127.0.0.1:" + proxyServer.port()))));
        Request request = Request.newBuilder("http://origin.test/").trace(new ClientTrace() {
            @Override
            public void retrying(int attempt, RequestException cause, String reason) {
                retries.add(reason);
            }
        }).build();

        assertThat(read(t.roundTrip(request))).isEqualTo("welcome");

        RecordedRequest first = proxyServer.takeRequest();
        RecordedRequest second = proxyServer.takeRequest();
        assertThat(first.header("Proxy-Authorization")).isEqualTo(BASIC_ALICE);
        assertThat(second.header("Proxy-Authorization")).isEqualTo(BASIC_ALICE);
        assertThat(second.connectionIndex()).isNotEqualTo(first.connectionIndex()); // the challenged one was closed
        assertThat(retries).singleElement().asString().contains("407");
    }

    @Test
    void aSecond407FailsNamingTheProxyWithoutItsPassword() {
        TestServer proxyServer = courier.server();
        proxyServer.dispatcher(r -> ServerResponse.status(407).header("Proxy-Authenticate", "Basic realm=\"p\""));
        Transport t = courier.transport(b -> b.proxy(ProxySelector.of(
                proxy("http://alice:s3cret@127.0.0.1:" + proxyServer.port()))));

        RequestException e = failure(get(t, URI.create("http://origin.test/x")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("http://alice:***@127.0.0.1:" + proxyServer.port())
                .contains("407 Proxy Authentication Required").contains("GET http://origin.test/x")
                .contains("\"alice\"").doesNotContain("s3cret");
        assertThat(proxyServer.requestCount()).isEqualTo(2);
    }

    @Test
    void a407WithoutCredentialsFailsAtOnce() {
        TestServer proxyServer = courier.server();
        proxyServer.dispatcher(r -> ServerResponse.status(407));
        Transport t = courier.transport(b -> b.proxy(ProxySelector.of(proxy("http://127.0.0.1:" + proxyServer.port()))));

        RequestException e = failure(get(t, URI.create("http://origin.test/")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("407").contains("user:password@ in the proxy URL");
        assertThat(proxyServer.requestCount()).isEqualTo(1);
    }

    @Test
    void a407ToABodyThatCannotBeSentAgainIsNotRetried() {
        TestServer proxyServer = courier.server();
        proxyServer.dispatcher(r -> ServerResponse.status(407));
        Transport t = courier.transport(b -> b.proxy(ProxySelector.of(
                proxy("http://alice:s3cret@127.0.0.1:" + proxyServer.port()))));
        Flow.Publisher<ByteBuffer> once = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private boolean done;

            @Override
            public void request(long n) {
                if (!done) {
                    done = true;
                    subscriber.onNext(ByteBuffer.wrap("data".getBytes(StandardCharsets.US_ASCII)));
                    subscriber.onComplete();
                }
            }

            @Override
            public void cancel() {
                done = true;
            }
        });
        Request post = Request.newBuilder("http://origin.test/upload").method("POST")
                .body(RequestBody.ofPublisher(once, -1)).build();

        RequestException e = failure(t.roundTrip(post));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(proxyServer.requestCount()).isEqualTo(1);
    }

    /**
     * tinyproxy answers a request without credentials with 407. (To wrong credentials it answers 401 with
     * WWW-Authenticate, which for an absolute-form request cannot be told from an origin's 401 and is returned
     * as the response; ConnectTunnelTest shows the same answer failing a CONNECT.)
     */
    @Test
    void missingCredentialsAtTinyproxyFailTyped() {
        PeerProcess tinyproxy = peers.tinyproxy("alice", "s3cret");
        TestServer origin = courier.server();
        Transport t = courier.transport(b -> b.proxy(ProxySelector.of(proxy("http://127.0.0.1:" + tinyproxy.port()))));

        RequestException e = failure(get(t, origin.uri("/")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("proxy http://127.0.0.1:" + tinyproxy.port())
                .contains("407 Proxy Authentication Required").contains("requires credentials");
        assertThat(origin.requestCount()).isZero();
    }

    @Test
    void aProxyThatIsDownFailsInThePhaseProxy() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Transport t = courier.transport(b -> b.proxy(ProxySelector.of(proxy("http://bob:hunter2@127.0.0.1:" + closedPort))));

        RequestException e = failure(get(t, URI.create("http://origin.test/")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("cannot connect to proxy http://bob:***@127.0.0.1:" + closedPort)
                .contains("origin.test:80").doesNotContain("hunter2");
        assertThat(t.stats().routes().values()).allSatisfy(r -> assertThat(r.total()).isZero());
    }

    @Test
    void theProxysAddressIsWhatIsDialedAndTraced() throws Exception {
        TestServer proxyServer = courier.server();
        List<InetSocketAddress> dialed = new CopyOnWriteArrayList<>();
        Transport t = courier.transport(b -> b.proxy(ProxySelector.of(proxy("http://127.0.0.1:" + proxyServer.port()))));
        Request request = Request.newBuilder("http://origin.test/").trace(new ClientTrace() {
            @Override
            public void connectStart(InetSocketAddress address) {
                dialed.add(address);
            }
        }).build();

        read(t.roundTrip(request));

        assertThat(dialed).containsExactly(proxyServer.address());
    }

    @Test
    void fromEnvironmentEndToEndHonoursNoProxyAndNeverProxiesLoopback() throws Exception {
        TestServer proxyServer = courier.server();
        proxyServer.dispatcher(r -> ServerResponse.ok("via proxy"));
        TestServer origin = courier.server();
        origin.dispatcher(r -> ServerResponse.ok("direct"));
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 direct.test proxied.test\n");
        ProxySelector env = ProxySelector.fromEnvironment(Map.of(
                "HTTP_PROXY", "127.0.0.1:" + proxyServer.port(), // no scheme: http
                "NO_PROXY", "direct.test"));
        Transport t = courier.transport(b -> b.hostsFile(hosts).proxy(env));

        assertThat(read(get(t, URI.create("http://direct.test:" + origin.port() + "/")))).isEqualTo("direct");
        assertThat(read(get(t, URI.create("http://proxied.test:" + origin.port() + "/")))).isEqualTo("via proxy");
        assertThat(read(get(t, origin.uri("/")))).isEqualTo("direct"); // 127.0.0.1: never proxied

        assertThat(proxyServer.takeRequest().target()).isEqualTo("http://proxied.test:" + origin.port() + "/");
        assertThat(proxyServer.requestCount()).isEqualTo(1);
        assertThat(origin.requestCount()).isEqualTo(2);
    }

    /**
     * CVE-2025-22870 end to end: the zone of {@code [::%25.example.com]} spells a NO_PROXY domain, yet the
     * request must go to the proxy. The origin listens on ::1, where a direct dial to {@code [::]} would land
     * (Linux connects the unspecified address to the local host), so the bypass shows as the wrong body.
     */
    @Test
    void anIpv6ZoneSpellingANoProxyDomainStillGoesThroughTheProxy() throws Exception {
        TestServer proxyServer = courier.server();
        proxyServer.dispatcher(r -> ServerResponse.ok("via proxy"));
        TestServer origin = courier.server(java.net.InetAddress.getByName("::1"));
        origin.dispatcher(r -> ServerResponse.ok("direct"));
        ProxySelector env = ProxySelector.fromEnvironment(Map.of(
                "HTTP_PROXY", "http://127.0.0.1:" + proxyServer.port(), "NO_PROXY", "example.com"));
        Client client = Client.newBuilder().transport(courier.transport(b -> b.proxy(env))).build();

        String url = "http://[::%25.example.com]:" + origin.port() + "/zone";
        assertThat(read(client.get(url))).isEqualTo("via proxy");

        RecordedRequest seen = proxyServer.takeRequest();
        assertThat(seen.target()).startsWith("http://[::").endsWith("]:" + origin.port() + "/zone");
        assertThat(origin.requestCount()).isZero();
    }

    @Test
    void aProxyVariableWithASchemeCourierCannotSpeakFailsTheRequestBeforeAnythingIsSent() throws Exception {
        TestServer proxyServer = courier.server();
        ProxySelector env = ProxySelector.fromEnvironment(Map.of(
                "HTTP_PROXY", "foo://alice:s3cret@127.0.0.1:" + proxyServer.port()));
        Transport t = courier.transport(b -> b.proxy(env));

        RequestException e = failure(Client.newBuilder().transport(t).build().get("http://origin.test/x"));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.url()).isEqualTo("http://origin.test/x");
        assertThat(e.getMessage()).contains("HTTP_PROXY=\"foo://alice:***@127.0.0.1:" + proxyServer.port() + "\"")
                .contains("http, https, socks5, socks5h and socks4a").doesNotContain("s3cret");
        assertThat(proxyServer.connectionCount()).isZero();
    }

    /**
     * Unlike Go's DefaultTransport, a Transport built without {@code proxy(...)} ignores HTTP_PROXY: a library
     * should not change where it connects because of its process's environment. A child JVM gets the variable
     * (a test cannot set its own environment); the same request with {@code fromEnvironment()} shows it was seen.
     */
    @Test
    void theDefaultTransportIgnoresTheProxyVariablesOfItsEnvironment() throws Exception {
        TestServer proxyServer = courier.server();
        proxyServer.dispatcher(r -> ServerResponse.ok("via proxy"));
        TestServer origin = courier.server();
        origin.dispatcher(r -> ServerResponse.ok("direct"));
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 origin.test\n");
        String url = "http://origin.test:" + origin.port() + "/";

        List<String> out = childGets(url, hosts, "http://127.0.0.1:" + proxyServer.port());

        assertThat(out).contains("default=direct", "env=via proxy");
        assertThat(proxyServer.requestCount()).isEqualTo(1);
    }

    private static List<String> childGets(String url, Path hosts, String proxy) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), dev.courier.http.testing.EnvironmentGet.class.getName(),
                url, hosts.toString()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.equalsIgnoreCase("NO_PROXY") || k.equalsIgnoreCase("REQUEST_METHOD"));
        pb.environment().put("HTTP_PROXY", proxy);
        pb.environment().put("http_proxy", proxy);
        Process p = pb.start();
        try {
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("the child JVM finished").isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isZero();
            return out.lines().map(String::trim).toList();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aSelectorThatThrowsFailsTheRequestInThePhaseProxy() {
        Transport t = courier.transport(b -> b.proxy(request -> {
            throw new IllegalStateException("no proxy today");
        }));

        RequestException e = failure(get(t, URI.create("http://origin.test/")));

        assertThat(e.phase()).isEqualTo(RequestException.Phase.PROXY);
        assertThat(e.getMessage()).contains("no proxy today");
    }

    @Test
    void noProxyByDefault() throws Exception {
        TestServer origin = courier.server();
        Transport t = courier.transport();
        assertThat(read(get(t, origin.uri("/")))).isEqualTo("ok");
        assertThat(origin.takeRequest().target()).isEqualTo("/");
    }
}
