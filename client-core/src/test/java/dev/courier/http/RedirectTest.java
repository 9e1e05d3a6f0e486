package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Client follows redirects by Go's rules: methods, bodies, headers, credentials, Referer, limits. */
class RedirectTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @TempDir
    Path dir;

    private Client client(Transport t) {
        return Client.newBuilder().transport(t).build();
    }

    private static ServerResponse redirect(int status, String location) {
        return ServerResponse.status(status).header("Location", location).body("moved");
    }

    @Test
    void followsAChainAndKeepsTheHistory() throws Exception {
        TestServer server = courier.server();
        server.enqueue(redirect(302, "/b"));
        server.enqueue(redirect(301, server.uri("/c").toString()));
        server.enqueue(ServerResponse.ok("landed"));
        Response r = client(courier.transport()).get(server.uri("/a").toString()).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("landed");
        assertThat(r.request().uri()).isEqualTo(server.uri("/c"));
        Response second = r.previous().orElseThrow();
        assertThat(second.status()).isEqualTo(301);
        assertThat(second.request().uri()).isEqualTo(server.uri("/b"));
        Response first = second.previous().orElseThrow();
        assertThat(first.status()).isEqualTo(302);
        assertThat(first.previous()).isEmpty();
        List<RecordedRequest> seen = List.of(server.takeRequest(), server.takeRequest(), server.takeRequest());
        assertThat(seen).extracting(RecordedRequest::target).containsExactly("/a", "/b", "/c");
        // The small redirect bodies were drained, so one connection served the whole chain.
        assertThat(seen).extracting(RecordedRequest::connectionIndex).containsOnly(0);
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303})
    void postBecomesGetWithoutBodyOrContentHeaders(int status) throws Exception {
        TestServer server = courier.server();
        server.enqueue(redirect(status, "/next"));
        server.enqueue(ServerResponse.ok("done"));
        Request post = Request.newBuilder(server.uri("/form")).post(RequestBody.of("a=1", StandardCharsets.UTF_8))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-Kept", "yes").build();
        Response r = client(courier.transport()).send(post).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("done");
        server.takeRequest();
        RecordedRequest next = server.takeRequest();
        assertThat(next.method()).isEqualTo("GET");
        assertThat(next.bodySize()).isZero();
        assertThat(next.header("Content-Type")).isNull();
        assertThat(next.header("Content-Length")).isNull();
        assertThat(next.header("X-Kept")).isEqualTo("yes");
    }

    @Test
    void headStaysHead() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(302).header("Location", "/there"));
        server.enqueue(ServerResponse.ok("ignored"));
        Response r = client(courier.transport()).head(server.uri("/here").toString()).get(10, SECONDS);
        r.close();
        server.takeRequest();
        assertThat(server.takeRequest().method()).isEqualTo("HEAD");
    }

    @ParameterizedTest
    @ValueSource(ints = {307, 308})
    void keepsMethodAndReplayableBody(int status) throws Exception {
        TestServer server = courier.server();
        server.enqueue(redirect(status, "/again"));
        server.enqueue(ServerResponse.status(200).echoBody());
        Request put = Request.newBuilder(server.uri("/put")).method("PUT", RequestBody.of("payload", StandardCharsets.UTF_8))
                .header("Content-Type", "text/plain").build();
        Response r = client(courier.transport()).send(put).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("payload");
        server.takeRequest();
        RecordedRequest again = server.takeRequest();
        assertThat(again.method()).isEqualTo("PUT");
        assertThat(again.header("Content-Type")).isEqualTo("text/plain");
    }

    @Test
    void aNonReplayableBodyReturnsThe307AsItIs() throws Exception {
        TestServer server = courier.server();
        server.enqueue(redirect(307, "/again"));
        Flow.Publisher<ByteBuffer> once = RequestBody.of("data".getBytes(StandardCharsets.US_ASCII)).publisher();
        Request post = Request.newBuilder(server.uri("/once")).post(RequestBody.ofPublisher(once, 4)).build();
        Response r = client(courier.transport()).send(post).get(10, SECONDS);
        assertThat(r.status()).isEqualTo(307);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("moved");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aRedirectWithoutLocationIsReturned() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(302).body("nowhere"));
        Response r = client(courier.transport()).get(server.uri("/x").toString()).get(10, SECONDS);
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("nowhere");
    }

    @Test
    void aBadLocationFailsQuotingIt() throws Exception {
        TestServer server = courier.server();
        server.enqueue(redirect(302, "http://[::1:bad"));
        ExecutionException e = catchThrowableOfType(() -> client(courier.transport()).get(server.uri("/x").toString())
                .get(10, SECONDS), ExecutionException.class);
        assertThat(e.getCause()).isInstanceOf(RequestException.class);
        RequestException re = (RequestException) e.getCause();
        assertThat(re.phase()).isEqualTo(RequestException.Phase.CLIENT);
        assertThat(re.getMessage()).contains("failed to parse Location header \"http://[::1:bad\"");
    }

    @Test
    void stopsAfterTenRequestsByDefault() throws Exception {
        TestServer server = courier.server();
        server.dispatcher(req -> redirect(302, "/loop"));
        ExecutionException e = catchThrowableOfType(() -> client(courier.transport()).get(server.uri("/loop").toString())
                .get(10, SECONDS), ExecutionException.class);
        assertThat(e.getCause()).isInstanceOf(RequestException.class).hasMessageContaining("stopped after 10 redirects");
        assertThat(server.requestCount()).isEqualTo(10);
    }

    /** As Go's {@code Get "/?n=10": stopped after 10 redirects}: the error names the Location refused, not the last hop sent. */
    @Test
    void theRedirectLimitNamesTheLocationItRefused() throws Exception {
        TestServer server = courier.server();
        server.dispatcher(req -> redirect(302, "/?n=" + (Integer.parseInt(req.target().substring("/?n=".length())) + 1)));
        ExecutionException e = catchThrowableOfType(() -> client(courier.transport()).get(server.uri("/?n=0").toString())
                .get(10, SECONDS), ExecutionException.class);
        assertThat(e.getCause()).isInstanceOf(RequestException.class);
        RequestException re = (RequestException) e.getCause();
        String refused = server.uri("/?n=10").toString();
        assertThat(re.url()).isEqualTo(refused);
        assertThat(re.method()).isEqualTo("GET");
        assertThat(re.phase()).isEqualTo(RequestException.Phase.CLIENT);
        assertThat(re.getMessage()).isEqualTo("GET " + refused + ": client policy: stopped after 10 redirects");
        assertThat(server.requestCount()).isEqualTo(10);
    }

    @Test
    void aRefusedRedirectIsNamedWithoutItsPassword() throws Exception {
        TestServer server = courier.server();
        server.enqueue(redirect(302, "http://eve:pa55@127.0.0.1:" + server.port() + "/next"));
        Client c = Client.newBuilder().transport(courier.transport())
                .redirectPolicy((next, via) -> RedirectPolicy.Decision.fail(new java.io.IOException("not there"))).build();
        ExecutionException e = catchThrowableOfType(() -> c.get(server.uri("/start").toString()).get(10, SECONDS),
                ExecutionException.class);
        RequestException re = (RequestException) e.getCause();
        assertThat(re.url()).isEqualTo("http://eve:***@127.0.0.1:" + server.port() + "/next");
        assertThat(re.getMessage()).doesNotContain("pa55");
    }

    @Test
    void policyNoneReturnsTheRedirectWithItsBodyOpen() throws Exception {
        TestServer server = courier.server();
        server.enqueue(redirect(302, "/elsewhere"));
        Client c = Client.newBuilder().transport(courier.transport()).redirectPolicy(RedirectPolicy.none()).build();
        Response r = c.get(server.uri("/x").toString()).get(10, SECONDS);
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("moved");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aCustomPolicySeesTheChainAndCanFail() throws Exception {
        TestServer server = courier.server();
        server.enqueue(redirect(302, "/two"));
        server.enqueue(redirect(302, "/three"));
        IllegalStateException refusal = new IllegalStateException("no third hop");
        List<List<String>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        RedirectPolicy policy = (next, via) -> {
            seen.add(via.stream().map(q -> q.uri().getPath()).toList());
            return via.size() >= 2 ? RedirectPolicy.Decision.fail(refusal) : RedirectPolicy.Decision.follow();
        };
        Client c = Client.newBuilder().transport(courier.transport()).redirectPolicy(policy).build();
        ExecutionException e = catchThrowableOfType(() -> c.get(server.uri("/one").toString()).get(10, SECONDS),
                ExecutionException.class);
        assertThat(e.getCause()).isInstanceOf(RequestException.class).hasCause(refusal);
        assertThat(seen).containsExactly(List.of("/one"), List.of("/one", "/two"));
    }

    @Test
    void credentialsStayOnTheirHostAndAreNeverRestored() throws Exception {
        TestServer server = courier.server();
        String other = "http://localhost:" + server.port();
        server.enqueue(redirect(302, "/same"));                       // 127.0.0.1 -> 127.0.0.1: kept
        server.enqueue(redirect(302, other + "/other"));              // -> localhost: dropped
        server.enqueue(redirect(302, server.uri("/back").toString())); // -> 127.0.0.1 again: still dropped
        server.enqueue(ServerResponse.ok("end"));
        Request r = Request.newBuilder(server.uri("/start")).header("Authorization", "Bearer t0ken")
                .header("Cookie", "k=v").header("Proxy-Authorization", "Basic eA==").header("Proxy-Authenticate", "Basic")
                .header("Cookie2", "$Version=1").header("X-Other", "1").build();
        client(courier.transport()).send(r).get(10, SECONDS).body().discard().get(10, SECONDS);
        RecordedRequest start = server.takeRequest();
        RecordedRequest same = server.takeRequest();
        RecordedRequest otherHost = server.takeRequest();
        RecordedRequest back = server.takeRequest();
        assertThat(start.header("Authorization")).isEqualTo("Bearer t0ken");
        assertThat(same.header("Authorization")).isEqualTo("Bearer t0ken");
        assertThat(same.header("Cookie")).isEqualTo("k=v");
        for (RecordedRequest dropped : List.of(otherHost, back)) {
            assertThat(dropped.header("Authorization")).isNull();
            assertThat(dropped.header("Cookie")).isNull();
            assertThat(dropped.header("Proxy-Authorization")).isNull();
            assertThat(dropped.header("Proxy-Authenticate")).isNull();
            assertThat(dropped.header("Cookie2")).isNull();
            assertThat(dropped.header("X-Other")).isEqualTo("1");
        }
    }

    /**
     * Go 1.21's rule (commit 451106921f, golang/go#35104), which Courier follows: the host name alone decides, so
     * a redirect to another port of the same host keeps the caller's Authorization and Cookie. Go 1.19 and 1.20
     * compared host:port and dropped them.
     */
    @Test
    void credentialsStayOnAnotherPortOfTheSameHost() throws Exception {
        TestServer first = courier.server();
        TestServer second = courier.server();
        first.enqueue(redirect(302, second.uri("/moved").toString()));
        second.enqueue(ServerResponse.ok("ok"));
        Request r = Request.newBuilder(first.uri("/start")).header("Authorization", "Bearer t0ken")
                .header("Cookie", "k=v").header("WWW-Authenticate", "x").build();
        client(courier.transport()).send(r).get(10, SECONDS).body().discard().get(10, SECONDS);
        first.takeRequest();
        RecordedRequest moved = second.takeRequest();
        assertThat(second.port()).isNotEqualTo(first.port());
        assertThat(moved.header("Authorization")).isEqualTo("Bearer t0ken");
        assertThat(moved.header("Cookie")).isEqualTo("k=v");
        assertThat(moved.header("WWW-Authenticate")).isEqualTo("x");
    }

    /**
     * http to https on the same host keeps the credentials too (Go 1.19 dropped them: 80 is not 443). The
     * reverse, https to http, keeps them as well, as in Go; only the Referer is withheld (RFC 9110 section 10.1.3).
     */
    @Test
    void credentialsFollowASchemeChangeOnTheSameHost() throws Exception {
        TestServer plain = courier.server();
        TestServer secure = courier.tlsServer(dev.courier.http.testing.TestCertificates.get().server());
        Transport t = courier.transport(b -> b.trustStore(dev.courier.http.testing.TestCertificates.get().caTrustStore()));
        plain.enqueue(redirect(302, secure.uri("/up").toString()));
        secure.enqueue(ServerResponse.ok("ok"));
        secure.enqueue(redirect(302, plain.uri("/down").toString()));
        plain.enqueue(ServerResponse.ok("ok"));
        Client c = client(t);
        c.send(Request.newBuilder(plain.uri("/start")).header("Authorization", "A").header("Cookie", "k=1").build())
                .get(10, SECONDS).body().discard().get(10, SECONDS);
        c.send(Request.newBuilder(secure.uri("/start")).header("Authorization", "B").header("Cookie", "k=2").build())
                .get(10, SECONDS).body().discard().get(10, SECONDS);

        plain.takeRequest();
        RecordedRequest up = secure.takeRequest();
        assertThat(up.header("Authorization")).as("http to https").isEqualTo("A");
        assertThat(up.header("Cookie")).isEqualTo("k=1");
        secure.takeRequest();
        RecordedRequest down = plain.takeRequest();
        assertThat(down.header("Authorization")).as("https to http").isEqualTo("B");
        assertThat(down.header("Cookie")).isEqualTo("k=2");
        assertThat(down.header("Referer")).isNull();
    }

    /**
     * CVE-2023-45289 (Go 1.21.8 and 1.22.1): the zone of an IPv6 literal is not a domain, so a redirect from
     * www.example.test to {@code [::1%25.www.example.test]} goes to another host and the credentials stay behind.
     */
    @Test
    void anIpv6ZoneIsNeverTakenForASubdomain() throws Exception {
        TestServer server = courier.server(java.net.InetAddress.getByName("::1"));
        Path hosts = Files.writeString(dir.resolve("hosts"), "::1 www.example.test\n");
        Transport t = courier.transport(b -> b.hostsFile(hosts));
        server.enqueue(redirect(302, "http://[::1%25.www.example.test]:" + server.port() + "/next"));
        server.enqueue(ServerResponse.ok("ok"));
        Request r = Request.newBuilder("http://www.example.test:" + server.port() + "/start")
                .header("Authorization", "Bearer t0ken").header("Cookie", "k=v").build();
        client(t).send(r).get(10, SECONDS).body().discard().get(10, SECONDS);
        assertThat(server.takeRequest().header("Authorization")).isEqualTo("Bearer t0ken");
        RecordedRequest next = server.takeRequest();
        assertThat(next.target()).isEqualTo("/next");
        assertThat(next.header("Authorization")).isNull();
        assertThat(next.header("Cookie")).isNull();
    }

    /**
     * As Go since 1.22.11 and 1.23.5: each hop is judged against the initial URL (whose credentials they
     * are), so a chain that goes to a subdomain and comes back keeps them; one that ever leaves the initial
     * host's domain has dropped them for good.
     */
    @Test
    void credentialsAreJudgedAgainstTheInitialHost() throws Exception {
        TestServer server = courier.server();
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 example.test sub.example.test\n");
        Transport t = courier.transport(b -> b.hostsFile(hosts));
        String parent = "http://example.test:" + server.port();
        String sub = "http://sub.example.test:" + server.port();
        server.enqueue(redirect(302, sub + "/down"));
        server.enqueue(redirect(302, parent + "/back"));
        server.enqueue(ServerResponse.ok("ok"));
        client(t).send(Request.newBuilder(parent + "/a").header("Authorization", "A").build())
                .get(10, SECONDS).body().discard().get(10, SECONDS);
        server.takeRequest();
        assertThat(server.takeRequest().header("Authorization")).as("parent to subdomain").isEqualTo("A");
        assertThat(server.takeRequest().header("Authorization")).as("subdomain back to the initial host").isEqualTo("A");
    }

    @Test
    void credentialsFollowToSubdomainsOnly() throws Exception {
        TestServer server = courier.server();
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 example.test sub.example.test\n");
        Transport t = courier.transport(b -> b.hostsFile(hosts));
        String parent = "http://example.test:" + server.port();
        String sub = "http://sub.example.test:" + server.port();
        server.enqueue(redirect(302, sub + "/down"));
        server.enqueue(ServerResponse.ok("ok"));
        server.enqueue(redirect(302, parent + "/up"));
        server.enqueue(ServerResponse.ok("ok"));
        Client c = client(t);
        c.send(Request.newBuilder(parent + "/a").header("Authorization", "A").build()).get(10, SECONDS).body().discard().get(10, SECONDS);
        c.send(Request.newBuilder(sub + "/b").header("Authorization", "B").build()).get(10, SECONDS).body().discard().get(10, SECONDS);
        server.takeRequest();
        assertThat(server.takeRequest().header("Authorization")).as("parent to subdomain").isEqualTo("A");
        server.takeRequest();
        assertThat(server.takeRequest().header("Authorization")).as("subdomain to parent").isNull();
    }

    @Test
    void aCustomHostSurvivesOnlyRelativeRedirects() throws Exception {
        TestServer server = courier.server();
        server.enqueue(redirect(302, "/relative"));
        server.enqueue(redirect(302, server.uri("/absolute").toString()));
        server.enqueue(ServerResponse.ok("ok"));
        Request r = Request.newBuilder(server.uri("/start")).header("Host", "virtual.example").build();
        client(courier.transport()).send(r).get(10, SECONDS).body().discard().get(10, SECONDS);
        assertThat(server.takeRequest().header("Host")).isEqualTo("virtual.example");
        assertThat(server.takeRequest().header("Host")).isEqualTo("virtual.example");
        assertThat(server.takeRequest().header("Host")).isEqualTo("127.0.0.1:" + server.port());
    }

    @Test
    void refererNamesThePreviousUrlWithoutCredentialsOrFragment() throws Exception {
        TestServer server = courier.server();
        server.enqueue(redirect(302, "/next"));
        server.enqueue(ServerResponse.ok("ok"));
        String start = "http://alice:s3cret@127.0.0.1:" + server.port() + "/start?q=1#frag";
        client(courier.transport()).get(start).get(10, SECONDS).body().discard().get(10, SECONDS);
        RecordedRequest first = server.takeRequest();
        assertThat(first.header("Referer")).isNull();
        assertThat(first.header("Authorization")).isEqualTo("Basic " + java.util.Base64.getEncoder()
                .encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)));
        RecordedRequest next = server.takeRequest();
        assertThat(next.header("Referer")).isEqualTo("http://127.0.0.1:" + server.port() + "/start?q=1");
        // A relative Location keeps the base URL's user info (RFC 3986 section 5.2.2, as Go resolves it).
        assertThat(next.header("Authorization")).isEqualTo(first.header("Authorization"));
    }

    @Test
    void theUserInfoPasswordNeverAppearsInErrors() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(200).noResponse());
        Client c = Client.newBuilder().transport(courier.transport()).timeout(Duration.ofMillis(200)).build();
        ExecutionException e = catchThrowableOfType(() -> c.get("http://bob:hunter2@127.0.0.1:" + server.port() + "/x")
                .get(10, SECONDS), ExecutionException.class);
        assertThat(e.getCause()).isInstanceOf(RequestException.class);
        assertThat(((RequestException) e.getCause()).isTimeout()).isTrue();
        assertThat(e.getCause().getMessage()).doesNotContain("hunter2").contains("bob:***@");
        assertThat(e.getCause().toString()).doesNotContain("hunter2");
    }

    @Test
    void theClientTimeoutSpansTheWholeChain() throws Exception {
        TestServer server = courier.server();
        server.enqueue(redirect(302, "/b").delayHeaders(Duration.ofMillis(150)));
        server.enqueue(redirect(302, "/c").delayHeaders(Duration.ofMillis(150)));
        server.enqueue(ServerResponse.ok("late").delayHeaders(Duration.ofMillis(150)));
        // Each hop alone fits in 300 ms; the chain does not.
        Client c = Client.newBuilder().transport(courier.transport()).timeout(Duration.ofMillis(300)).build();
        ExecutionException e = catchThrowableOfType(() -> c.get(server.uri("/a").toString()).get(10, SECONDS),
                ExecutionException.class);
        assertThat(e.getCause()).isInstanceOf(RequestException.class);
        assertThat(((RequestException) e.getCause()).isTimeout()).isTrue();
    }

    @Test
    void drainingAFlowSubscriberNeverSeesTheRedirectBody() throws Exception {
        TestServer server = courier.server();
        server.enqueue(redirect(302, "/final"));
        server.enqueue(ServerResponse.ok("final body"));
        Response r = client(courier.transport()).get(server.uri("/start").toString()).get(10, SECONDS);
        StringBuilder got = new StringBuilder();
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        r.body().subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override public void onSubscribe(Flow.Subscription s) { s.request(Long.MAX_VALUE); }
            @Override public void onNext(ByteBuffer item) { got.append(StandardCharsets.UTF_8.decode(item)); }
            @Override public void onError(Throwable t) { done.completeExceptionally(t); }
            @Override public void onComplete() { done.complete(null); }
        });
        done.get(10, SECONDS);
        assertThat(got.toString()).isEqualTo("final body");
    }
}
