package dev.courier.http;

import static dev.courier.http.testing.Exchanges.failure;
import static dev.courier.http.testing.Exchanges.read;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How Courier's HTTP/1.1 exchange reads responses: heads, interim responses, framing, faults and body conveniences. */
class ResponseReadingTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @TempDir
    Path tmp;

    // ---- the head ----

    @Test
    void statusReasonHeadersAndProtocolAreReported() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(201).reason("Made It").header("X-Thing", "abc")
                .header("Content-Type", "application/json").body("{}"));
        Request request = Request.newBuilder(server.uri("/things")).post(RequestBody.of("{}", UTF_8)).build();
        Response r = courier.transport().roundTrip(request).get(10, SECONDS);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.reason()).isEqualTo("Made It");
        assertThat(r.protocol()).isEqualTo(Protocol.HTTP_1_1);
        assertThat(r.headers().first("x-thing")).isEqualTo("abc");
        assertThat(r.headers().first("content-type")).isEqualTo("application/json");
        assertThat(r.headers().first("Content-Length")).isEqualTo("2");
        assertThat(r.request()).isSameAs(request);
        assertThat(r.uncompressed()).isFalse();
        assertThat(r.body().contentLength()).isEqualTo(2);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("{}");
    }

    @Test
    void http10ResponseIsReportedAndItsConnectionNotReused() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(200).raw("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi"));
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/old")).build()).get(10, SECONDS);
        assertThat(r.protocol()).isEqualTo(Protocol.HTTP_1_0);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("hi");
        server.takeRequest();
        assertNextRequestUsesNewConnection(server, t);
    }

    @Test
    void multiValuedResponseHeadersKeepTheirOrder() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").header("Set-Cookie", "a=1").header("X-Other", "o")
                .header("set-cookie", "b=2").header("Set-Cookie", "c=3"));
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        r.body().discard().get(10, SECONDS);
        assertThat(r.headers().all("Set-Cookie")).containsExactly("a=1", "b=2", "c=3");
        assertThat(r.headers().map().get("Set-Cookie")).containsExactly("a=1", "b=2", "c=3");
        assertThat(r.headers().first("x-other")).isEqualTo("o");
    }

    @Test
    void headBeyondMaxResponseHeaderBytesFailsAndClosesTheConnection() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").hugeHeaders(64 * 1024));
        Transport t = courier.transport(b -> b.maxResponseHeaderBytes(8192));
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/huge")).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.getMessage()).contains("maxResponseHeaderBytes").contains("8192");
        Await.noConnections(t);
        Await.serverConnections(server, 0);
        assertThat(server.requestCount()).as("not retried").isEqualTo(1);
    }

    @Test
    void headJustUnderMaxResponseHeaderBytesIsAccepted() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("fine").hugeHeaders(8000));
        Transport t = courier.transport(b -> b.maxResponseHeaderBytes(16 * 1024));
        Response r = t.roundTrip(Request.newBuilder(server.uri("/big-head")).build()).get(10, SECONDS);
        assertThat(r.headers().first("X-Filler-0")).startsWith("aaa");
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("fine");
    }

    // ---- interim responses ----

    record Interim(int status, Headers headers) {
    }

    @Test
    void earlyHintsAreReportedToTheTraceAndSkipped() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("done").informational(103, 2));
        List<Interim> seen = new CopyOnWriteArrayList<>();
        ClientTrace trace = new ClientTrace() {
            @Override
            public void got1xxResponse(int status, Headers headers) {
                seen.add(new Interim(status, headers));
            }
        };
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/hints")).trace(trace).build()).get(10, SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("done");
        assertThat(seen).hasSize(2).allSatisfy(i -> {
            assertThat(i.status()).isEqualTo(103);
            assertThat(i.headers().first("Link")).contains("rel=preload");
        });
        read(t.roundTrip(Request.newBuilder(server.uri("/after")).build()));
        server.takeRequest();
        assertThat(server.takeRequest().exchangeIndex()).as("connection reused after the 1xx").isEqualTo(1);
    }

    @Test
    void endlessInformationalResponsesFail() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(200).endlessInformational(102));
        Transport t = courier.transport();
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/forever")).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.getMessage()).contains("too many 1xx");
        Await.noConnections(t);
    }

    @Test
    void switchingProtocolsTakesTheConnectionOutOfThePool() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        read(t.roundTrip(Request.newBuilder(server.uri("/warm")).build()));
        assertThat(t.stats().total()).isEqualTo(1);
        server.enqueue(ServerResponse.status(200).upgrade());
        Response r = t.roundTrip(Request.newBuilder(server.uri("/upgrade"))
                .header("Connection", "Upgrade").header("Upgrade", "echo").build()).get(10, SECONDS);
        try {
            assertThat(r.status()).isEqualTo(101);
            assertThat(r.headers().first("Upgrade")).isEqualTo("echo");
            assertThat(t.stats().total()).as("pool after the upgrade: %s", t.stats()).isZero();
            assertThat(t.stats().active()).isZero();
        } finally {
            r.close();
        }
        Await.serverConnections(server, 0);
    }

    // ---- framing ----

    @Test
    void trailersAreAvailableAfterTheBody() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("hello trailers").chunked(4).trailer("X-Checksum", "abc123")
                .trailer("X-Count", "2"));
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/t")).build()).get(10, SECONDS);
        CompletableFuture<Headers> trailers = r.trailers().toCompletableFuture();
        assertThat(trailers).as("trailers before the body was read").isNotDone();
        assertThat(r.body().contentLength()).isEqualTo(-1);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("hello trailers");
        Headers t = trailers.get(10, SECONDS);
        assertThat(t.first("x-checksum")).isEqualTo("abc123");
        assertThat(t.first("X-Count")).isEqualTo("2");
    }

    @Test
    void chunkedBodyWithoutTrailersHasEmptyTrailers() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("abcdefgh").chunked(3));
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/t")).build()).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("abcdefgh");
        assertThat(r.trailers().toCompletableFuture().get(10, SECONDS).isEmpty()).isTrue();
    }

    @Test
    void headResponseHasEmptyBodyAndConnectionIsReused() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("hello world"));
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/h")).method("HEAD").build()).get(10, SECONDS);
        assertThat(r.headers().first("Content-Length")).isEqualTo("11");
        assertThat(r.body().contentLength()).isZero();
        assertThat(r.body().bytes().get(10, SECONDS)).isEmpty();
        server.takeRequest();
        assertNextRequestReusesConnection(server, t);
    }

    @ParameterizedTest(name = "[{index}] {0} with Content-Length {1}")
    @CsvSource({"204,", "304,", "304, 1234", "204, 0"})
    void bodilessStatusHasEmptyBodyAndConnectionIsReused(int status, String contentLength) throws Exception {
        TestServer server = courier.server();
        ServerResponse response = ServerResponse.status(status);
        if (contentLength != null) {
            response = response.header("Content-Length", contentLength);
        }
        server.enqueue(response);
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/b")).build()).get(10, SECONDS);
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.body().contentLength()).isZero();
        assertThat(r.body().bytes().get(10, SECONDS)).isEmpty();
        server.takeRequest();
        assertNextRequestReusesConnection(server, t);
    }

    @Test
    void bodyReadUntilCloseIsReadFullyAndConnectionNotReused() throws Exception {
        TestServer server = courier.server();
        byte[] data = randomBytes(100_000, 7);
        server.enqueue(ServerResponse.status(200).body(data).noContentLength());
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/eof")).build()).get(10, SECONDS);
        assertThat(r.headers().contains("Content-Length")).isFalse();
        assertThat(r.body().contentLength()).isEqualTo(-1);
        assertThat(r.body().bytes().get(10, SECONDS)).isEqualTo(data);
        server.takeRequest();
        assertNextRequestUsesNewConnection(server, t);
    }

    @Test
    void contentLengthLongerThanTheBodyFailsTheBody() throws Exception {
        TestServer server = courier.server();
        // The delay lets the reader subscribe before the short body and the close arrive.
        server.enqueue(ServerResponse.ok("short").contentLength(100).delayBody(Duration.ofMillis(100)).closeConnection());
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/lie")).build()).get(10, SECONDS);
        assertThat(r.body().contentLength()).isEqualTo(100);
        RequestException e = failure(r.body().bytes());
        assertThat(e.phase()).isEqualTo(RequestException.Phase.READ_BODY);
        assertThat(e.getMessage()).containsPattern("\\b5\\b.*\\b100\\b");
        Await.noConnections(t);
    }

    @Test
    void contentLengthLongerThanTheBodyFailsTheBodyEvenWhenTheCloseCameBeforeReading() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("short").contentLength(100).closeConnection());
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/lie")).build()).get(10, SECONDS);
        awaitConnectionClosedBeforeReading(t);
        RequestException e = failure(r.body().bytes());
        assertThat(e.phase()).isEqualTo(RequestException.Phase.READ_BODY);
        assertThat(e.getMessage()).containsPattern("\\b5\\b.*\\b100\\b");
    }

    @Test
    void malformedChunkFailsTheBody() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("0123456789abcdef").badChunk().delayBody(Duration.ofMillis(100)));
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/bad")).build()).get(10, SECONDS);
        RequestException e = failure(r.body().bytes());
        assertThat(e.phase()).isEqualTo(RequestException.Phase.READ_BODY);
        Await.noConnections(t);
    }

    @Test
    void malformedChunkFailsTheBodyEvenWhenItArrivedBeforeReading() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("0123456789abcdef").badChunk());
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/bad")).build()).get(10, SECONDS);
        awaitConnectionClosedBeforeReading(t);
        RequestException e = failure(r.body().bytes());
        assertThat(e.phase()).isEqualTo(RequestException.Phase.READ_BODY);
    }

    @Test
    void resetInsideTheHeadFailsTheRequest() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("hello").resetAfterBytes(24));
        Transport t = courier.transport();
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/rst")).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        Await.noConnections(t);
    }

    @Test
    void resetInsideTheBodyFailsTheBody() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(200).body(randomBytes(100_000, 8))
                .delayBody(Duration.ofMillis(50)).resetAfterBytes(5_000));
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/rst-body")).build()).get(10, SECONDS);
        assertThat(r.status()).isEqualTo(200);
        RequestException e = failure(r.body().bytes());
        assertThat(e.phase()).isEqualTo(RequestException.Phase.READ_BODY);
        Await.noConnections(t);
    }

    // ---- body conveniences ----

    @Test
    void bytesReturnsTheWholeBody() throws Exception {
        TestServer server = courier.server();
        byte[] data = randomBytes(300_000, 9);
        server.enqueue(ServerResponse.status(200).body(data));
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        assertThat(r.body().contentLength()).isEqualTo(data.length);
        assertThat(r.body().bytes().get(10, SECONDS)).isEqualTo(data);
    }

    @ParameterizedTest(name = "[{index}] Content-Type: {0}")
    @CsvSource(delimiter = '|', value = {
            "text/plain; charset=ISO-8859-1   | ISO-8859-1",
            "text/plain; charset=UTF-16BE     | UTF-16BE",
            "text/html;charset=\"windows-1252\" | windows-1252",
            "text/plain; charset=utf-8        | UTF-8",
            "text/plain                       | UTF-8",
            "text/plain; charset=x-no-such    | UTF-8",
    })
    void textHonoursTheCharsetOfContentType(String contentType, String wireCharset) throws Exception {
        TestServer server = courier.server();
        String text = "caf\u00e9 na\u00efve \u00fcber";
        server.enqueue(ServerResponse.status(200).header("Content-Type", contentType)
                .body(text.getBytes(Charset.forName(wireCharset))));
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo(text);
    }

    @Test
    void toFileWritesTheBodyAndTruncatesTheFile() throws Exception {
        TestServer server = courier.server();
        byte[] data = randomBytes(300_000, 10);
        Path file = Files.write(tmp.resolve("out.bin"), randomBytes(1 << 20, 11));
        server.enqueue(ServerResponse.status(200).body(data).chunked(10_000));
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        assertThat(r.body().toFile(file).get(10, SECONDS)).isEqualTo(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(data);
    }

    @Test
    void discardCountsTheBytesAndKeepsTheConnection() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(200).body(randomBytes(50_000, 12)));
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        assertThat(r.body().discard().get(10, SECONDS)).isEqualTo(50_000L);
        server.takeRequest();
        assertNextRequestReusesConnection(server, t);
    }

    @Test
    void inputStreamReadsTheBodyOnACallerThread() throws Exception {
        TestServer server = courier.server();
        int size = 1 << 20;
        server.enqueue(ServerResponse.status(200).streamBody(size));
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            byte[] read = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = r.body().inputStream()) {
                    return in.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, reader).get(10, SECONDS);
            assertThat(read).hasSize(size);
            for (int i = 0; i < size; i++) {
                if (read[i] != (byte) (i % 251)) {
                    throw new AssertionError("byte " + i + " is " + read[i] + ", want " + (byte) (i % 251));
                }
            }
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    void closingTheInputStreamEarlyReleasesTheConnection() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(200).streamBody(8 << 20));
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            byte[] first = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = r.body().inputStream()) {
                    return in.readNBytes(1000);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, reader).get(10, SECONDS);
            assertThat(first).hasSize(1000);
        } finally {
            reader.shutdownNow();
        }
        Await.noConnections(t);
    }

    // ---- helpers ----

    private static void assertNextRequestReusesConnection(TestServer server, Transport t) throws Exception {
        assertThat(read(t.roundTrip(Request.newBuilder(server.uri("/next")).build()))).isEqualTo("ok");
        RecordedRequest next = server.takeRequest();
        assertThat(next.path()).isEqualTo("/next");
        assertThat(next.connectionIndex()).isZero();
        assertThat(next.exchangeIndex()).isEqualTo(1);
    }

    private static void assertNextRequestUsesNewConnection(TestServer server, Transport t) throws Exception {
        Await.noConnections(t);
        assertThat(read(t.roundTrip(Request.newBuilder(server.uri("/next")).build()))).isEqualTo("ok");
        RecordedRequest next = server.takeRequest();
        assertThat(next.path()).isEqualTo("/next");
        assertThat(next.connectionIndex()).isEqualTo(1);
        assertThat(next.exchangeIndex()).isZero();
    }

    /**
     * Gives the failure (a close or a framing error the codec already decoded) time to reach the exchange
     * before anyone subscribes to the body; not asserted, as either order must give the same result.
     */
    private static void awaitConnectionClosedBeforeReading(Transport t) {
        Await.within(Duration.ofSeconds(2), () -> t.stats().total() == 0);
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
