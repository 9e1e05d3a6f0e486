package dev.courier.http;

import static dev.courier.http.testing.Exchanges.failure;
import static dev.courier.http.testing.Exchanges.read;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.ExpectMode;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** What Courier's HTTP/1.1 writer puts on the wire, as the {@link TestServer} records it. */
class RequestWritingTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @TempDir
    Path tmp;

    // ---- Host ----

    @Test
    void hostHeaderKeepsAnExplicitPort() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        read(t.roundTrip(Request.newBuilder(server.uri("/")).build()));
        RecordedRequest r = server.takeRequest();
        assertThat(r.headers("Host")).containsExactly("127.0.0.1:" + server.port());
    }

    @Test
    void callersHostHeaderIsSentAsGiven() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        read(t.roundTrip(Request.newBuilder(server.uri("/")).header("Host", "virtual.example:8080").build()));
        RecordedRequest r = server.takeRequest();
        assertThat(r.headers("Host")).containsExactly("virtual.example:8080");
    }

    /** The authority Courier writes as Host (RequestWriter sends {@link Request#hostHeader()}): default ports omitted. */
    @ParameterizedTest(name = "[{index}] {0} -> Host: {1}")
    @CsvSource({
            "http://example.com/,          example.com",
            "http://example.com:80/,       example.com",
            "https://example.com:443/,     example.com",
            "https://example.com/,         example.com",
            "http://example.com:443/,      example.com:443",
            "https://example.com:80/,      example.com:80",
            "http://example.com:8080/,     example.com:8080",
            "http://[::1]:80/,             [::1]",
            "http://[::1]:8080/,           [::1]:8080",
    })
    void hostHeaderOmitsDefaultPorts(String uri, String expectedHost) {
        assertThat(Request.newBuilder(uri).build().hostHeader()).isEqualTo(expectedHost);
    }

    // ---- User-Agent ----

    @Test
    void defaultUserAgentIsCourier() throws Exception {
        TestServer server = courier.server();
        read(courier.transport().roundTrip(Request.newBuilder(server.uri("/")).build()));
        assertThat(server.takeRequest().headers("User-Agent")).singleElement().asString().startsWith("Courier/");
    }

    @Test
    void callersUserAgentIsKept() throws Exception {
        TestServer server = courier.server();
        read(courier.transport().roundTrip(Request.newBuilder(server.uri("/")).header("user-agent", "my-app/2.0").build()));
        assertThat(server.takeRequest().headers("User-Agent")).containsExactly("my-app/2.0");
    }

    @Test
    void emptyConfiguredUserAgentSendsNone() throws Exception {
        TestServer server = courier.server();
        read(courier.transport(b -> b.userAgent("")).roundTrip(Request.newBuilder(server.uri("/")).build()));
        assertThat(server.takeRequest().header("User-Agent")).isNull();
    }

    // ---- bodies with a known length ----

    enum BodyKind { BYTES, BYTES_LARGER_THAN_THE_HEAD_BUFFER_TAKES, STRING_UTF8, STRING_LATIN1, FILE }

    @ParameterizedTest
    @EnumSource(BodyKind.class)
    void knownLengthBodiesAreSentWithContentLength(BodyKind kind) throws Exception {
        TestServer server = courier.server();
        String text = "h\u00e9llo w\u00f6rld";
        byte[] expected;
        RequestBody body;
        switch (kind) {
            case BYTES:
                expected = randomBytes(3000, 1);
                body = RequestBody.of(expected);
                break;
            case BYTES_LARGER_THAN_THE_HEAD_BUFFER_TAKES:
                expected = randomBytes(100_000, 3);
                body = RequestBody.of(expected);
                break;
            case STRING_UTF8:
                expected = text.getBytes(UTF_8);
                body = RequestBody.of(text, UTF_8);
                break;
            case STRING_LATIN1:
                expected = text.getBytes(ISO_8859_1);
                body = RequestBody.of(text, ISO_8859_1);
                break;
            default:
                expected = randomBytes(5000, 2);
                body = RequestBody.ofFile(Files.write(tmp.resolve("body.bin"), expected));
                break;
        }
        read(courier.transport().roundTrip(Request.newBuilder(server.uri("/upload")).post(body).build()));
        RecordedRequest r = server.takeRequest();
        assertThat(r.headers("Content-Length")).containsExactly(Integer.toString(expected.length));
        assertThat(r.header("Transfer-Encoding")).isNull();
        assertThat(r.chunked()).isFalse();
        assertThat(r.body()).isEqualTo(expected);
    }

    @Test
    void fileBodyOfOneMebibyteArrivesIntact() throws Exception {
        TestServer server = courier.server();
        byte[] data = randomBytes(1 << 20, 3);
        Path file = Files.write(tmp.resolve("upload.bin"), data);
        Response response = courier.transport().roundTrip(Request.newBuilder(server.uri("/file"))
                .method("PUT", RequestBody.ofFile(file)).build()).get(10, SECONDS);
        assertThat(response.body().text().get(10, SECONDS)).isEqualTo("ok");
        RecordedRequest r = server.takeRequest();
        assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(1 << 20));
        assertThat(r.bodySize()).isEqualTo(1 << 20);
        assertThat(r.body()).isEqualTo(data);
    }

    @ParameterizedTest(name = "[{index}] {0} without a body: Content-Length {1}")
    @CsvSource({"POST, 0", "PUT, 0", "PATCH, 0", "GET,", "DELETE,", "OPTIONS,"})
    void bodylessRequestsDeclareZeroLengthOnlyForMethodsThatExpectABody(String method, String expected) throws Exception {
        TestServer server = courier.server();
        read(courier.transport().roundTrip(Request.newBuilder(server.uri("/")).method(method).build()));
        RecordedRequest r = server.takeRequest();
        assertThat(r.method()).isEqualTo(method);
        assertThat(r.header("Content-Length")).isEqualTo(expected);
        assertThat(r.header("Transfer-Encoding")).isNull();
        assertThat(r.bodySize()).isZero();
    }

    @Test
    void callersFramingHeadersAreIgnored() throws Exception {
        TestServer server = courier.server();
        read(courier.transport().roundTrip(Request.newBuilder(server.uri("/"))
                .header("Content-Length", "999").header("Transfer-Encoding", "chunked")
                .post(RequestBody.of("abc", UTF_8)).build()));
        RecordedRequest r = server.takeRequest();
        assertThat(r.headers("Content-Length")).containsExactly("3");
        assertThat(r.header("Transfer-Encoding")).isNull();
        assertThat(r.bodyText()).isEqualTo("abc");
    }

    // ---- request target ----

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @CsvSource({
            "/a/b?x=1&y=2#fragment,  /a/b?x=1&y=2",
            "'',                     /",
            "/#only-fragment,        /",
            "?only=query,            /?only=query",
            "/p%20q/r?s=%2F&t=a+b,   /p%20q/r?s=%2F&t=a+b",
            "/caf%C3%A9,             /caf%C3%A9",
    })
    void requestTargetIsPathAndQueryWithoutFragment(String suffix, String expectedTarget) throws Exception {
        TestServer server = courier.server();
        URI uri = URI.create("http://127.0.0.1:" + server.port() + suffix);
        read(courier.transport().roundTrip(Request.newBuilder(uri).build()));
        assertThat(server.takeRequest().target()).isEqualTo(expectedTarget);
    }

    // ---- streamed bodies ----

    @Test
    void unknownLengthPublisherIsSentChunked() throws Exception {
        TestServer server = courier.server();
        Generator g = new Generator(100_000, 7_000);
        read(courier.transport().roundTrip(Request.newBuilder(server.uri("/stream"))
                .post(RequestBody.ofPublisher(g, -1)).build()));
        RecordedRequest r = server.takeRequest();
        assertThat(r.chunked()).isTrue();
        assertThat(r.headers("Transfer-Encoding")).containsExactly("chunked");
        assertThat(r.header("Content-Length")).isNull();
        assertThat(r.bodySize()).isEqualTo(100_000);
        assertThat(r.body()).isEqualTo(Generator.expected(100_000));
    }

    @Test
    void emptyPiecesOfAChunkedBodyAreSkippedRatherThanEndingIt() throws Exception {
        TestServer server = courier.server();
        read(courier.transport().roundTrip(Request.newBuilder(server.uri("/pieces"))
                .post(RequestBody.ofPublisher(pieces("ab", "", "cd", ""), -1)).build()));
        RecordedRequest r = server.takeRequest();
        assertThat(r.chunked()).isTrue();
        assertThat(r.bodyText()).isEqualTo("abcd");
    }

    @Test
    void knownLengthPublisherIsSentWithContentLength() throws Exception {
        TestServer server = courier.server();
        Generator g = new Generator(100_000, 7_000);
        read(courier.transport().roundTrip(Request.newBuilder(server.uri("/stream"))
                .post(RequestBody.ofPublisher(g, 100_000)).build()));
        RecordedRequest r = server.takeRequest();
        assertThat(r.chunked()).isFalse();
        assertThat(r.headers("Content-Length")).containsExactly("100000");
        assertThat(r.body()).isEqualTo(Generator.expected(100_000));
    }

    @Test
    void publisherProducingFewerBytesThanDeclaredFailsTheRequest() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/short"))
                .post(RequestBody.ofPublisher(new Generator(5, 5), 10)).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.WRITE_REQUEST);
        assertThat(e.getMessage()).contains("produced 5 bytes but declared 10");
        assertConnectionNotReused(server, t);
    }

    @Test
    void publisherProducingMoreBytesThanDeclaredFailsTheRequest() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/long"))
                .post(RequestBody.ofPublisher(new Generator(10, 10), 5)).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.WRITE_REQUEST);
        assertThat(e.getMessage()).contains("more than the declared length of 5 bytes");
        assertConnectionNotReused(server, t);
    }

    @Test
    void failingPublisherFailsTheRequest() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        Generator g = new Generator(100_000, 1_000).failAfter(3_000);
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/fail"))
                .post(RequestBody.ofPublisher(g, -1)).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.WRITE_REQUEST);
        assertThat(e).hasRootCauseMessage("disk on fire");
        assertConnectionNotReused(server, t);
    }

    @Test
    void largeUploadIsStreamedFromALazyPublisher() throws Exception {
        TestServer server = courier.server();
        long size = 64L << 20;
        Generator g = new Generator(size, 64 * 1024);
        Response response = courier.transport().roundTrip(Request.newBuilder(server.uri("/big"))
                .post(RequestBody.ofPublisher(g, size)).build()).get(60, SECONDS);
        assertThat(response.body().text().get(60, SECONDS)).isEqualTo("ok");
        RecordedRequest r = server.takeRequest();
        assertThat(r.header("Content-Length")).isEqualTo(Long.toString(size));
        assertThat(r.bodySize()).isEqualTo(size);
        assertThat(r.body()).isEqualTo(Generator.expected(RecordedRequest.MAX_BODY_BYTES));
        assertThat(g.maxOutstandingDemand.get()).as("demand the writer granted at once").isLessThanOrEqualTo(16);
    }

    // ---- Expect: 100-continue ----

    @Test
    void expectContinueSendsBodyAfter100() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("done").expectContinue(ExpectMode.SEND_100));
        // A timeout far beyond the wait below: the body can only go out because of the 100.
        Transport t = courier.transport(b -> b.expectContinueTimeout(Duration.ofSeconds(60)));
        CountDownLatch got100 = new CountDownLatch(1);
        ClientTrace trace = new ClientTrace() {
            @Override
            public void got100Continue() {
                got100.countDown();
            }
        };
        Response response = t.roundTrip(Request.newBuilder(server.uri("/upload")).header("Expect", "100-continue")
                .post(RequestBody.of("hello", UTF_8)).trace(trace).build()).get(10, SECONDS);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().text().get(10, SECONDS)).isEqualTo("done");
        assertThat(got100.await(10, SECONDS)).isTrue();
        RecordedRequest r = server.takeRequest();
        assertThat(r.header("Expect")).isEqualTo("100-continue");
        assertThat(r.bodyText()).isEqualTo("hello");
    }

    @Test
    void expectContinueSendsBodyAfterTimeoutWhenServerIgnoresIt() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("done").expectContinue(ExpectMode.IGNORE));
        Transport t = courier.transport(b -> b.expectContinueTimeout(Duration.ofMillis(200)));
        AtomicInteger got100 = new AtomicInteger();
        ClientTrace trace = new ClientTrace() {
            @Override
            public void got100Continue() {
                got100.incrementAndGet();
            }
        };
        Generator g = new Generator(20_000, 4_000);
        Response response = t.roundTrip(Request.newBuilder(server.uri("/upload")).header("Expect", "100-continue")
                .post(RequestBody.ofPublisher(g, 20_000)).trace(trace).build()).get(10, SECONDS);
        assertThat(response.body().text().get(10, SECONDS)).isEqualTo("done");
        RecordedRequest r = server.takeRequest();
        assertThat(r.bodySize()).isEqualTo(20_000);
        assertThat(r.body()).isEqualTo(Generator.expected(20_000));
        assertThat(got100).hasValue(0);
    }

    @Test
    void expectContinueFinalResponseWithout100LeavesBodyUnsent() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(417).body("nope").expectContinue(ExpectMode.FINAL_WITHOUT_100));
        Transport t = courier.transport(b -> b.expectContinueTimeout(Duration.ofSeconds(60)));
        Generator g = new Generator(20_000, 4_000);
        Response response = t.roundTrip(Request.newBuilder(server.uri("/upload")).header("Expect", "100-continue")
                .post(RequestBody.ofPublisher(g, 20_000)).build()).get(10, SECONDS);
        assertThat(response.status()).isEqualTo(417);
        assertThat(response.body().text().get(10, SECONDS)).isEqualTo("nope");
        RecordedRequest r = server.takeRequest();
        assertThat(r.bodySize()).isZero();
        assertThat(g.subscribed).as("body publisher subscribed").isFalse();
        Await.noConnections(t);
        read(t.roundTrip(Request.newBuilder(server.uri("/next")).build()));
        RecordedRequest next = server.takeRequest();
        assertThat(next.connectionIndex()).isEqualTo(1);
        assertThat(next.exchangeIndex()).isZero();
    }

    // ---- helpers ----

    /** The failed connection is gone from the pool, and the next request gets a new one. */
    /** Publishes these pieces in order as demand allows, on the thread that asks. */
    private static Flow.Publisher<ByteBuffer> pieces(String... pieces) {
        return s -> s.onSubscribe(new Flow.Subscription() {
            private int next;
            private long demand;
            private boolean emitting;
            private boolean done;

            @Override
            public synchronized void request(long n) {
                demand += n;
                if (emitting) {
                    return; // the loop below serves it
                }
                emitting = true;
                while (demand > 0 && next < pieces.length && !done) {
                    demand--;
                    s.onNext(ByteBuffer.wrap(pieces[next++].getBytes(UTF_8)));
                }
                if (next == pieces.length && !done) {
                    done = true;
                    s.onComplete();
                }
                emitting = false;
            }

            @Override
            public synchronized void cancel() {
                done = true;
            }
        });
    }

    // ---- one connection, one writer ----

    /**
     * A connection's writer serves its exchanges in turn: a chunked upload, a body-less GET, an upload
     * after "100 Continue", a small array body and a known-length stream, one after the other on the same
     * connection, each arrive whole and framed as their own (nothing carried over from the previous one).
     */
    @Test
    void successiveRequestsOfEveryKindOnOneConnectionAreEachWrittenAsTheirOwn() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("1"));
        server.enqueue(ServerResponse.ok("2"));
        server.enqueue(ServerResponse.ok("3").expectContinue(ExpectMode.SEND_100));
        server.enqueue(ServerResponse.ok("4"));
        server.enqueue(ServerResponse.ok("5"));
        Transport t = courier.transport(b -> b.expectContinueTimeout(Duration.ofSeconds(60)));
        read(t.roundTrip(Request.newBuilder(server.uri("/chunked")).post(RequestBody.ofPublisher(new Generator(20_000, 3_000), -1)).build()));
        read(t.roundTrip(Request.newBuilder(server.uri("/get")).build()));
        read(t.roundTrip(Request.newBuilder(server.uri("/continue")).header("Expect", "100-continue")
                .post(RequestBody.of("after the 100", UTF_8)).build()));
        read(t.roundTrip(Request.newBuilder(server.uri("/small")).post(RequestBody.of("small", UTF_8)).build()));
        read(t.roundTrip(Request.newBuilder(server.uri("/sized")).method("PUT", RequestBody.ofPublisher(new Generator(10_000, 4_000), 10_000)).build()));

        RecordedRequest chunked = server.takeRequest();
        assertThat(chunked.chunked()).isTrue();
        assertThat(chunked.body()).isEqualTo(Generator.expected(20_000));
        RecordedRequest get = server.takeRequest();
        assertThat(get.method()).isEqualTo("GET");
        assertThat(get.chunked()).isFalse();
        assertThat(get.header("Content-Length")).isNull();
        assertThat(get.bodySize()).isZero();
        RecordedRequest continued = server.takeRequest();
        assertThat(continued.header("Expect")).isEqualTo("100-continue");
        assertThat(continued.bodyText()).isEqualTo("after the 100");
        RecordedRequest small = server.takeRequest();
        assertThat(small.headers("Content-Length")).containsExactly("5");
        assertThat(small.bodyText()).isEqualTo("small");
        RecordedRequest sized = server.takeRequest();
        assertThat(sized.method()).isEqualTo("PUT");
        assertThat(sized.chunked()).isFalse();
        assertThat(sized.body()).isEqualTo(Generator.expected(10_000));
        for (RecordedRequest r : new RecordedRequest[] {chunked, get, continued, small, sized}) {
            assertThat(r.connectionIndex()).as(r.path()).isZero();
        }
        assertThat(sized.exchangeIndex()).isEqualTo(4);
    }

    private static void assertConnectionNotReused(TestServer server, Transport t) throws Exception {
        Await.noConnections(t);
        read(t.roundTrip(Request.newBuilder(server.uri("/after")).build()));
        RecordedRequest next = server.takeRequest();
        assertThat(next.path()).isEqualTo("/after");
        assertThat(next.connectionIndex()).isEqualTo(1);
        assertThat(next.exchangeIndex()).isZero();
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * A publisher generating {@code total} bytes on demand (byte i is {@code i % 251}), in pieces of
     * {@code piece} bytes, never holding more than one piece; optionally failing after some bytes.
     * Signals are trampolined, so a subscriber requesting from onNext does not recurse.
     */
    static final class Generator implements Flow.Publisher<ByteBuffer> {
        private static final int PERIOD = 251;
        private final long total;
        private final int piece;
        private final byte[] pattern;
        private long failAfter = -1;
        volatile boolean subscribed;
        final AtomicLong maxOutstandingDemand = new AtomicLong();

        Generator(long total, int piece) {
            this.total = total;
            this.piece = piece;
            this.pattern = new byte[piece + PERIOD];
            for (int i = 0; i < pattern.length; i++) {
                pattern[i] = (byte) (i % PERIOD);
            }
        }

        Generator failAfter(long bytes) {
            this.failAfter = bytes;
            return this;
        }

        static byte[] expected(int n) {
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) {
                b[i] = (byte) (i % PERIOD);
            }
            return b;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
            subscribed = true;
            s.onSubscribe(new Subscription(s));
        }

        private final class Subscription implements Flow.Subscription {
            private final Flow.Subscriber<? super ByteBuffer> s;
            private final AtomicLong demand = new AtomicLong();
            private final AtomicInteger wip = new AtomicInteger();
            private volatile boolean cancelled;
            private long sent;
            private boolean done;

            Subscription(Flow.Subscriber<? super ByteBuffer> s) {
                this.s = s;
            }

            @Override
            public void request(long n) {
                long now = demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
                maxOutstandingDemand.accumulateAndGet(now, Math::max);
                drain();
            }

            @Override
            public void cancel() {
                cancelled = true;
            }

            private void drain() {
                if (wip.getAndIncrement() != 0) {
                    return;
                }
                int missed = 1;
                do {
                    while (!cancelled && !done) {
                        if (failAfter >= 0 && sent >= failAfter) {
                            done = true;
                            s.onError(new IOException("disk on fire"));
                        } else if (sent == total) {
                            done = true;
                            s.onComplete();
                        } else if (demand.get() > 0) {
                            int n = (int) Math.min(piece, total - sent);
                            ByteBuffer b = ByteBuffer.allocate(n);
                            b.put(pattern, (int) (sent % PERIOD), n).flip();
                            sent += n;
                            demand.decrementAndGet();
                            s.onNext(b);
                        } else {
                            break;
                        }
                    }
                    missed = wip.addAndGet(-missed);
                } while (missed != 0);
            }
        }
    }
}
