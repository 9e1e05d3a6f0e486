package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.Httpbin;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Client and Transport against a real peer: Debian's httpbin 0.7.0 under gunicorn (gthread worker,
 * keep-alive) on 127.0.0.1, one server for the class. Redirects, Basic auth from user info, transparent
 * decompression, streamed bodies, the whole-call timeout, statuses and headers, as httpbin echoes them.
 */
class HttpbinTest {
    @RegisterExtension
    static final Httpbin httpbin = new Httpbin();

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private static final String PASSWORD = "s3cret-Pw-71";

    private Client client() {
        return Client.newBuilder().transport(courier.transport()).build();
    }

    private Client client(Duration timeout) {
        return Client.newBuilder().transport(courier.transport()).timeout(timeout).build();
    }

    private static Response await(CompletableFuture<Response> f) throws Exception {
        return f.get(10, SECONDS);
    }

    private static String text(Response r) throws Exception {
        return r.body().text().get(10, SECONDS);
    }

    /** The cause of a failed call, which must be a RequestException. */
    private static RequestException failure(CompletableFuture<?> f) {
        ExecutionException e = catchThrowableOfType(() -> f.get(10, SECONDS), ExecutionException.class);
        assertThat(e).as("the call should fail").isNotNull();
        assertThat(e.getCause()).isInstanceOf(RequestException.class);
        return (RequestException) e.getCause();
    }

    /** A string member {@code "key": "value"} of httpbin's JSON (first occurrence), or null. */
    private static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return m.find() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : null;
    }

    /** Whether httpbin's JSON has {@code "key": true}. */
    private static boolean isTrue(String json, String key) {
        return Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*true\\b").matcher(json).find();
    }

    /** The responses that led to {@code r}, oldest first. */
    private static List<Response> chain(Response r) {
        List<Response> earlier = new ArrayList<>();
        for (Response p = r.previous().orElse(null); p != null; p = p.previous().orElse(null)) {
            earlier.add(p);
        }
        Collections.reverse(earlier);
        return earlier;
    }

    private static List<String> paths(List<Response> responses) {
        List<String> out = new ArrayList<>();
        responses.forEach(p -> out.add(p.request().uri().getRawPath()));
        return out;
    }

    private static URI withUserInfo(String user, String password, String path) {
        return URI.create("http://" + user + ":" + password + "@127.0.0.1:" + httpbin.port() + path);
    }

    // --- redirects ---

    @Test
    void redirectChainEndsAtGetAndKeepsItsHistoryOnOneConnection() throws Exception {
        Response r = await(client().get(httpbin.uri("/redirect/3")));
        String body = text(r);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.request().uri()).isEqualTo(httpbin.uri("/get"));
        assertThat(field(body, "url")).isEqualTo(httpbin.uri("/get").toString());
        List<Response> earlier = chain(r);
        assertThat(earlier).hasSize(3).extracting(Response::status).containsOnly(302);
        assertThat(paths(earlier)).containsExactly("/redirect/3", "/relative-redirect/2", "/relative-redirect/1");
        // Each small redirect body was drained, so the keep-alive connection served the whole chain.
        assertThat(earlier).extracting(Response::connectionId).containsOnly(r.connectionId());
    }

    @Test
    void relativeRedirectsResolveAgainstTheCurrentUrl() throws Exception {
        Response r = await(client().get(httpbin.uri("/relative-redirect/3")));
        assertThat(field(text(r), "url")).isEqualTo(httpbin.uri("/get").toString());
        List<Response> earlier = chain(r);
        assertThat(earlier).extracting(p -> p.headers().first("Location"))
                .containsExactly("/relative-redirect/2", "/relative-redirect/1", "/get");
        assertThat(paths(earlier)).containsExactly("/relative-redirect/3", "/relative-redirect/2", "/relative-redirect/1");
    }

    @Test
    void absoluteRedirectsAreFollowed() throws Exception {
        Response r = await(client().get(httpbin.uri("/absolute-redirect/3")));
        assertThat(field(text(r), "url")).isEqualTo(httpbin.uri("/get").toString());
        List<Response> earlier = chain(r);
        assertThat(earlier).extracting(p -> p.headers().first("Location")).containsExactly(
                httpbin.base() + "/absolute-redirect/2", httpbin.base() + "/absolute-redirect/1", httpbin.base() + "/get");
        assertThat(r.request().uri()).isEqualTo(httpbin.uri("/get"));
    }

    @ParameterizedTest
    @ValueSource(ints = {307, 308})
    void temporaryAndPermanentRedirectsKeepMethodAndBody(int status) throws Exception {
        Request post = Request.newBuilder(httpbin.uri("/redirect-to?url=/anything&status_code=" + status))
                .post(RequestBody.of("payload-xyz", StandardCharsets.UTF_8)).header("Content-Type", "text/plain").build();
        Response r = await(client().send(post));
        String body = text(r);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.previous().orElseThrow().status()).isEqualTo(status);
        assertThat(field(body, "method")).isEqualTo("POST");
        assertThat(field(body, "data")).isEqualTo("payload-xyz");
        assertThat(field(body, "Content-Type")).isEqualTo("text/plain");
        assertThat(field(body, "url")).isEqualTo(httpbin.uri("/anything").toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303})
    void postIsFollowedAsGetWithoutBody(int status) throws Exception {
        Request post = Request.newBuilder(httpbin.uri("/redirect-to?url=/anything&status_code=" + status))
                .post(RequestBody.of("payload-xyz", StandardCharsets.UTF_8)).header("Content-Type", "text/plain")
                .header("X-Kept", "yes").build();
        Response r = await(client().send(post));
        String body = text(r);
        assertThat(r.previous().orElseThrow().status()).isEqualTo(status);
        assertThat(field(body, "method")).isEqualTo("GET");
        assertThat(field(body, "data")).isEmpty();
        assertThat(field(body, "Content-Type")).as("Content-* headers go with the body").isNull();
        assertThat(field(body, "Content-Length")).isNull();
        assertThat(field(body, "X-Kept")).isEqualTo("yes");
        assertThat(r.request().method()).isEqualTo("GET");
    }

    @Test
    void headStaysHeadAcrossRedirects() throws Exception {
        Response r = await(client().head(httpbin.uri("/redirect/2").toString()));
        assertThat(r.body().bytes().get(10, SECONDS)).isEmpty();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.request().method()).isEqualTo("HEAD");
        assertThat(r.request().uri()).isEqualTo(httpbin.uri("/get"));
        assertThat(chain(r)).hasSize(2).extracting(p -> p.request().method()).containsOnly("HEAD");
    }

    @Test
    void policyNoneReturnsTheRedirectItself() throws Exception {
        Client client = Client.newBuilder().transport(courier.transport()).redirectPolicy(RedirectPolicy.none()).build();
        Response r = await(client.get(httpbin.uri("/redirect/3")));
        assertThat(text(r)).contains("/relative-redirect/2");
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.headers().first("Location")).isEqualTo("/relative-redirect/2");
        assertThat(r.previous()).isEmpty();
    }

    @Test
    void unreplayableBodyReturnsThe307AsItIs() throws Exception {
        byte[] data = "once-only".getBytes(StandardCharsets.UTF_8);
        Request post = Request.newBuilder(httpbin.uri("/redirect-to?url=/anything&status_code=307"))
                .post(RequestBody.ofPublisher(oneShot(data), data.length)).build();
        Response r = await(client().send(post));
        r.body().discard().get(10, SECONDS);
        assertThat(r.status()).isEqualTo(307);
        assertThat(r.headers().first("Location")).isEqualTo("/anything");
        assertThat(r.previous()).isEmpty();
    }

    /** A body that can be sent once. */
    private static Flow.Publisher<ByteBuffer> oneShot(byte[] data) {
        return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private boolean done;

            @Override
            public void request(long n) {
                if (!done && n > 0) {
                    done = true;
                    subscriber.onNext(ByteBuffer.wrap(data));
                    subscriber.onComplete();
                }
            }

            @Override
            public void cancel() {
                done = true;
            }
        });
    }

    @Test
    void unparsableLocationFailsQuotingIt() {
        RequestException e = failure(client().get(httpbin.uri("/redirect-to?url=http%3A%2F%2F%5Bbad")));
        assertThat(e.getMessage()).contains("\"http://[bad\"");
        assertThat(e.phase()).isEqualTo(RequestException.Phase.CLIENT);
    }

    @Test
    void redirectSetsRefererToThePreviousUrl() throws Exception {
        URI start = httpbin.uri("/redirect-to?url=/headers");
        Response r = await(client().get(start));
        assertThat(field(text(r), "Referer")).isEqualTo(start.toString());
    }

    @Test
    void authorizationFollowsSameHostRedirectButNotAnotherHost() throws Exception {
        Client client = client();
        Request same = Request.newBuilder(httpbin.uri("/redirect-to?url=/headers"))
                .header("Authorization", "Bearer token-123").header("X-Other", "kept").build();
        assertThat(field(text(await(client.send(same))), "Authorization")).isEqualTo("Bearer token-123");

        // localhost is another host name for the same server: Go's shouldCopyHeaderOnRedirect drops credentials.
        String elsewhere = "http://localhost:" + httpbin.port() + "/headers";
        Request other = Request.newBuilder(httpbin.uri("/redirect-to?url=" + elsewhere))
                .header("Authorization", "Bearer token-123").header("X-Other", "kept").build();
        Response r = await(client.send(other));
        String body = text(r);
        assertThat(r.request().uri().getHost()).isEqualTo("localhost");
        assertThat(field(body, "Authorization")).isNull();
        assertThat(field(body, "X-Other")).isEqualTo("kept");
    }

    @Test
    void nineRedirectsAreFollowedByDefault() throws Exception {
        Response r = await(client().get(httpbin.uri("/redirect/9")));
        assertThat(field(text(r), "url")).isEqualTo(httpbin.uri("/get").toString());
        assertThat(chain(r)).hasSize(9);
    }

    /** Go's default fails once 10 requests were sent: the 10th redirect is not followed. */
    @ParameterizedTest
    @ValueSource(ints = {10, 11})
    void defaultPolicyStopsAfterTenRedirects(int n) {
        RequestException e = failure(client().get(httpbin.uri("/redirect/" + n)));
        assertThat(e.getMessage()).contains("stopped after 10 redirects");
        assertThat(e.phase()).isEqualTo(RequestException.Phase.CLIENT);
        assertThat(e.isTimeout()).isFalse();
        assertThat(e.method()).isEqualTo("GET");
        assertThat(e.url()).startsWith(httpbin.base() + "/");
    }

    // --- Basic auth from user info ---

    @Test
    void userInfoBecomesBasicAuth() throws Exception {
        Response r = await(client().get(withUserInfo("user", PASSWORD, "/basic-auth/user/" + PASSWORD)));
        String body = text(r);
        assertThat(r.status()).isEqualTo(200);
        assertThat(isTrue(body, "authenticated")).isTrue();
        assertThat(field(body, "user")).isEqualTo("user");
    }

    @Test
    void wrongPasswordIsA401ResponseNotAnError() throws Exception {
        Response r = await(client().get(withUserInfo("user", PASSWORD, "/basic-auth/user/other-password")));
        assertThat(r.body().bytes().get(10, SECONDS)).isEmpty();
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers().first("WWW-Authenticate")).startsWith("Basic");
        assertThat(r.request().toString()).doesNotContain(PASSWORD);
    }

    @Test
    void passwordIsNotInATimeoutError() {
        RequestException e = failure(client(Duration.ofMillis(300)).get(withUserInfo("user", PASSWORD, "/delay/3")));
        assertThat(e.isTimeout()).isTrue();
        assertNoPassword(e);
    }

    @Test
    void passwordIsNotInARedirectLimitError() {
        RequestException e = failure(client().get(withUserInfo("user", PASSWORD, "/redirect/11")));
        assertThat(e.getMessage()).contains("stopped after 10 redirects");
        assertNoPassword(e);
    }

    private static void assertNoPassword(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(PASSWORD);
            assertThat(t.toString()).doesNotContain(PASSWORD);
            for (Throwable s : t.getSuppressed()) {
                assertThat(s.toString()).doesNotContain(PASSWORD);
            }
        }
        if (e instanceof RequestException) {
            assertThat(((RequestException) e).url()).doesNotContain(PASSWORD).contains("127.0.0.1");
        }
    }

    // --- compression ---

    @Test
    void gzipIsDecodedTransparently() throws Exception {
        Response r = await(client().get(httpbin.uri("/gzip")));
        String body = text(r);
        assertThat(r.uncompressed()).isTrue();
        assertThat(r.headers().contains("Content-Encoding")).isFalse();
        assertThat(isTrue(body, "gzipped")).isTrue();
        assertThat(field(body, "Accept-Encoding")).isEqualTo("gzip, deflate, br, zstd");
    }

    @Test
    void deflateIsDecodedTransparently() throws Exception {
        Response r = await(client().get(httpbin.uri("/deflate")));
        String body = text(r);
        assertThat(r.uncompressed()).isTrue();
        assertThat(r.headers().contains("Content-Encoding")).isFalse();
        assertThat(isTrue(body, "deflated")).isTrue();
        assertThat(field(body, "method")).isEqualTo("GET");
    }

    @Test
    void withCompressionDisabledGzipArrivesAsSent() throws Exception {
        Client client = Client.newBuilder().transport(courier.transport(b -> b.disableCompression(true))).build();
        Response r = await(client.get(httpbin.uri("/gzip")));
        byte[] raw = r.body().bytes().get(10, SECONDS);
        assertThat(r.uncompressed()).isFalse();
        assertThat(r.headers().first("Content-Encoding")).isEqualTo("gzip");
        assertThat(raw).startsWith((byte) 0x1f, (byte) 0x8b);
        String json;
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(isTrue(json, "gzipped")).isTrue();
        assertThat(field(json, "Accept-Encoding")).as("Courier did not ask for compression").isNull();
    }

    // --- streamed bodies and the whole-call timeout ---

    @Test
    void streamDeliversOneJsonObjectPerLine() throws Exception {
        Response r = await(client().get(httpbin.uri("/stream/5")));
        assertThat(r.body().contentLength()).isEqualTo(-1); // chunked
        String[] lines = text(r).split("\n");
        assertThat(lines).hasSize(5);
        for (int i = 0; i < lines.length; i++) {
            assertThat(lines[i]).startsWith("{").endsWith("}").containsPattern("\"id\"\\s*:\\s*" + i + "\\b");
            assertThat(field(lines[i], "url")).isEqualTo(httpbin.uri("/stream/5").toString());
        }
    }

    @Test
    void chunkedBinaryStreamIsReadWhole() throws Exception {
        Response r = await(client().get(httpbin.uri("/stream-bytes/3000?chunk_size=100&seed=7")));
        assertThat(r.body().contentLength()).isEqualTo(-1);
        assertThat(r.body().bytes().get(10, SECONDS)).hasSize(3000);
    }

    @Test
    void dripArrivesInPiecesToADemandDrivenSubscriber() throws Exception {
        Response r = await(client().get(httpbin.uri("/drip?numbytes=10&duration=0.5&delay=0")));
        assertThat(r.body().contentLength()).isEqualTo(10);
        AtomicInteger chunks = new AtomicInteger();
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        r.body().subscribe(new Flow.Subscriber<>() {
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(ByteBuffer item) {
                chunks.incrementAndGet();
                byte[] b = new byte[item.remaining()];
                item.get(b);
                bytes.writeBytes(b);
                subscription.request(1);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(bytes.toByteArray());
            }
        });
        assertThat(new String(done.get(10, SECONDS), StandardCharsets.US_ASCII)).isEqualTo("**********");
        // httpbin writes one byte every 50 ms: the body is streamed, not buffered to the end.
        assertThat(chunks.get()).isGreaterThan(1);
    }

    @Test
    void clientTimeoutWhileAwaitingHeaders() {
        RequestException e = failure(client(Duration.ofMillis(300)).get(httpbin.uri("/delay/3")));
        assertThat(e.isTimeout()).isTrue();
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.url()).isEqualTo(httpbin.uri("/delay/3").toString());
    }

    @Test
    void clientTimeoutWhileReadingTheBody() throws Exception {
        // Headers and the first byte come at once, then one byte a second: the timeout fires mid-body.
        Response r = await(client(Duration.ofMillis(400)).get(httpbin.uri("/drip?numbytes=5&duration=5&delay=0")));
        assertThat(r.status()).isEqualTo(200);
        RequestException e = failure(r.body().bytes());
        assertThat(e.isTimeout()).isTrue();
        assertThat(e.phase()).isEqualTo(RequestException.Phase.READ_BODY);
    }

    // --- statuses and headers ---

    @ParameterizedTest
    @ValueSource(ints = {204, 404, 500})
    void anyStatusIsAResponse(int status) throws Exception {
        Response r = await(client().get(httpbin.uri("/status/" + status)));
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.body().bytes().get(10, SECONDS)).isEmpty();
        assertThat(r.previous()).isEmpty();
    }

    @Test
    void repeatedResponseHeaderKeepsEveryValue() throws Exception {
        Response r = await(client().get(httpbin.uri("/response-headers?X-Test=a&X-Test=b")));
        String body = text(r);
        assertThat(r.headers().all("X-Test")).containsExactly("a", "b");
        assertThat(r.headers().map().get("X-Test")).containsExactly("a", "b");
        assertThat(body).containsPattern("\"X-Test\"\\s*:\\s*\\[\\s*\"a\"\\s*,\\s*\"b\"\\s*\\]");
    }

    @Test
    void defaultRequestHeadersAreSent() throws Exception {
        String body = text(await(client().get(httpbin.uri("/headers"))));
        assertThat(field(body, "User-Agent")).startsWith("Courier/");
        assertThat(field(body, "Accept-Encoding")).isEqualTo("gzip, deflate, br, zstd");
        assertThat(field(body, "Host")).isEqualTo("127.0.0.1:" + httpbin.port());
        assertThat(field(body, "Authorization")).isNull();
    }

    @Test
    void callersHeadersAreSentAsGiven() throws Exception {
        Request req = Request.newBuilder(httpbin.uri("/headers")).header("Authorization", "Bearer token-123")
                .header("User-Agent", "my-agent/2").header("X-Custom", "v1").build();
        String body = text(await(client().send(req)));
        assertThat(field(body, "Authorization")).isEqualTo("Bearer token-123");
        assertThat(field(body, "User-Agent")).isEqualTo("my-agent/2");
        assertThat(field(body, "X-Custom")).isEqualTo("v1");
    }

    @Test
    void callersAuthorizationWinsOverUserInfo() throws Exception {
        Request req = Request.newBuilder(withUserInfo("user", PASSWORD, "/headers"))
                .header("Authorization", "Bearer token-123").build();
        assertThat(field(text(await(client().send(req))), "Authorization")).isEqualTo("Bearer token-123");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1024, 102400})
    void bytesHaveTheAskedLength(int n) throws Exception {
        Response r = await(client().get(httpbin.uri("/bytes/" + n)));
        assertThat(r.body().contentLength()).isEqualTo(n);
        assertThat(r.headers().first("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(r.body().bytes().get(10, SECONDS)).hasSize(n);
    }

    @Test
    void sequentialRequestsReuseTheKeepAliveConnection() throws Exception {
        Transport transport = courier.transport();
        Client client = Client.newBuilder().transport(transport).build();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Response r = await(client.get(httpbin.uri("/get?i=" + i)));
            assertThat(field(text(r), "url")).isEqualTo(httpbin.uri("/get?i=" + i).toString());
            ids.add(r.connectionId());
        }
        assertThat(ids).containsOnly(ids.get(0));
        assertThat(transport.stats().idle()).isEqualTo(1);
    }

    @Test
    void headHasNoBody() throws Exception {
        Response r = await(client().head(httpbin.uri("/get").toString()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().first("Content-Length")).isNotNull();
        assertThat(r.body().bytes().get(10, SECONDS)).isEmpty();
    }

    // --- conditional requests ---

    @Test
    void matchingEtagGivesNotModifiedWithoutBody() throws Exception {
        Client client = client();
        Response fresh = await(client.send(Request.newBuilder(httpbin.uri("/etag/abc"))
                .header("If-None-Match", "\"other\"").build()));
        assertThat(text(fresh)).isNotEmpty();
        assertThat(fresh.status()).isEqualTo(200);
        assertThat(fresh.headers().first("ETag")).isEqualTo("abc");

        Response notModified = await(client.send(Request.newBuilder(httpbin.uri("/etag/abc"))
                .header("If-None-Match", "\"abc\"").build()));
        assertThat(notModified.body().bytes().get(10, SECONDS)).isEmpty();
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.previous()).isEmpty();
    }

    @Test
    void cacheAnswersNotModifiedToAConditionalRequest() throws Exception {
        Response r = await(client().send(Request.newBuilder(httpbin.uri("/cache"))
                .header("If-None-Match", "\"anything\"").build()));
        assertThat(r.body().bytes().get(10, SECONDS)).isEmpty();
        assertThat(r.status()).isEqualTo(304);
    }
}
