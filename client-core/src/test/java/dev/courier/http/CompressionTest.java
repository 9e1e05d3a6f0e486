package dev.courier.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Transparent gzip/deflate (Go's DisableCompression rules): when Courier asks and decodes, and when it must not. */
class CompressionTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private static final String TEXT = text(50_000);

    enum Coding {
        GZIP(ServerResponse.ok(TEXT).gzip()),
        GZIP_CHUNKED(ServerResponse.ok(TEXT).gzip().chunked(1000)),
        DEFLATE_ZLIB(ServerResponse.ok(TEXT).deflate()),
        DEFLATE_RAW(ServerResponse.status(200).header("Content-Type", "text/plain; charset=utf-8")
                .header("Content-Encoding", "deflate").body(rawDeflate(TEXT.getBytes(UTF_8))));

        final ServerResponse response;

        Coding(ServerResponse response) {
            this.response = response;
        }
    }

    @ParameterizedTest
    @EnumSource(Coding.class)
    void compressedBodyIsDecodedWhenCourierAskedForIt(Coding coding) throws Exception {
        TestServer server = courier.server();
        server.enqueue(coding.response);
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/z")).build()).get(10, SECONDS);
        assertThat(r.uncompressed()).isTrue();
        assertThat(r.headers().contains("Content-Encoding")).isFalse();
        assertThat(r.headers().contains("Content-Length")).isFalse();
        assertThat(r.headers().first("Content-Type")).as("other fields kept").isEqualTo("text/plain; charset=utf-8");
        assertThat(r.body().contentLength()).isEqualTo(-1);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo(TEXT);
        assertThat(server.takeRequest().headers("Accept-Encoding")).containsExactly("gzip, deflate, br, zstd");
    }

    @ParameterizedTest(name = "[{index}] Accept-Encoding: {0}")
    @ValueSource(strings = {"gzip", "gzip, deflate", "br;q=1.0, gzip;q=0.5"})
    void callersAcceptEncodingTurnsDecodingOff(String acceptEncoding) throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok(TEXT).gzip());
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/z"))
                .header("Accept-Encoding", acceptEncoding).build()).get(10, SECONDS);
        assertRawGzip(r);
        assertThat(server.takeRequest().headers("Accept-Encoding")).containsExactly(acceptEncoding);
    }

    @Test
    void headRequestDoesNotAskForCompression() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok(TEXT).gzip());
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/z")).method("HEAD").build())
                .get(10, SECONDS);
        assertThat(r.uncompressed()).isFalse();
        assertThat(r.headers().first("Content-Encoding")).isEqualTo("gzip");
        assertThat(r.headers().contains("Content-Length")).isTrue();
        assertThat(r.body().bytes().get(10, SECONDS)).isEmpty();
        assertThat(server.takeRequest().header("Accept-Encoding")).isNull();
    }

    @Test
    void rangeRequestDoesNotAskForCompression() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(206).header("Content-Type", "text/plain; charset=utf-8")
                .body(TEXT).gzip());
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/z"))
                .header("Range", "bytes=0-").build()).get(10, SECONDS);
        assertThat(r.status()).isEqualTo(206);
        assertRawGzip(r);
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.header("Accept-Encoding")).isNull();
        assertThat(recorded.header("Range")).isEqualTo("bytes=0-");
    }

    @Test
    void disableCompressionNeitherAsksNorDecodes() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok(TEXT).gzip());
        Transport t = courier.transport(b -> b.disableCompression(true));
        Response r = t.roundTrip(Request.newBuilder(server.uri("/z")).build()).get(10, SECONDS);
        assertRawGzip(r);
        assertThat(server.takeRequest().header("Accept-Encoding")).isNull();
    }

    @Test
    void codingCourierDidNotAskForPassesThrough() throws Exception {
        TestServer server = courier.server();
        byte[] opaque = {1, 2, 3, 4, 5, 6, 7, 8};
        server.enqueue(ServerResponse.status(200).header("Content-Encoding", "compress").body(opaque));
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/z")).build()).get(10, SECONDS);
        assertThat(r.uncompressed()).isFalse();
        assertThat(r.headers().first("Content-Encoding")).isEqualTo("compress");
        assertThat(r.headers().first("Content-Length")).isEqualTo("8");
        assertThat(r.body().bytes().get(10, SECONDS)).isEqualTo(opaque);
    }

    @Test
    void gzipBombStopsAtMaxDecompressedBytes() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(200).gzipBomb(1L << 30));
        Transport t = courier.transport(b -> b.maxDecompressedBytes(10L << 20));
        Response r = t.roundTrip(Request.newBuilder(server.uri("/bomb")).build()).get(10, SECONDS);
        assertThat(r.uncompressed()).isTrue();
        Throwable failure = catchThrowable(() -> r.body().discard().get(30, SECONDS));
        assertThat(failure).isInstanceOf(ExecutionException.class);
        assertThat(failure.getCause()).isInstanceOf(IOException.class)
                .hasMessageContaining("maxDecompressedBytes")
                .hasMessageContaining(Long.toString(10L << 20));
        Await.noConnections(t);
    }

    enum DecodingFault {
        BOMB(ServerResponse.status(200).gzipBomb(64L << 20)),
        CORRUPT(ServerResponse.status(200).header("Content-Encoding", "gzip").body("this is not gzip at all"));

        final ServerResponse response;

        DecodingFault(ServerResponse response) {
            this.response = response;
        }
    }

    /** Like every other body failure (DESIGN: failures are RequestExceptions with a phase). */
    @ParameterizedTest
    @EnumSource(DecodingFault.class)
    void decodingFailuresAreRequestExceptionsInReadBodyPhase(DecodingFault fault) throws Exception {
        TestServer server = courier.server();
        server.enqueue(fault.response);
        Transport t = courier.transport(b -> b.maxDecompressedBytes(1L << 20));
        Response r = t.roundTrip(Request.newBuilder(server.uri("/bad-z")).build()).get(10, SECONDS);
        Throwable failure = catchThrowable(() -> r.body().bytes().get(30, SECONDS));
        assertThat(failure).isInstanceOf(ExecutionException.class);
        assertThat(failure.getCause()).isInstanceOf(RequestException.class);
        assertThat(((RequestException) failure.getCause()).phase()).isEqualTo(RequestException.Phase.READ_BODY);
    }

    /**
     * Found by ResponseFuzzTest: a compressed body cut short by the server before anyone subscribed to it.
     * The early failure had closed the decompressor; the subscriber's first request then drove the closed
     * decompressor, whose IllegalStateException was lost on the event loop, and the body never ended.
     */
    @ParameterizedTest
    @ValueSource(strings = {"valid", "invalid"})
    void compressedBodyCutShortBeforeItIsReadFailsRatherThanHangs(String header) throws Exception {
        TestServer server = courier.server();
        byte[] gzip = "valid".equals(header) ? gzip(TEXT.getBytes(UTF_8))
                // compression method 6: the decompressor refuses the header
                : new byte[] {0x1f, (byte) 0x8b, 0x06, 0x00, 0x7c, 0x2a, 0x17, 0x6b, 0x02, (byte) 0xff};
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + (gzip.length + 1)
                + "\r\n\r\n").getBytes(UTF_8);
        byte[] raw = java.util.Arrays.copyOf(head, head.length + gzip.length);
        System.arraycopy(gzip, 0, raw, head.length, gzip.length);
        server.enqueue(ServerResponse.status(200).raw(raw).closeConnection());
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/short-z")).build()).get(10, SECONDS);
        Await.noConnections(t); // the connection is gone, the failure recorded, before anyone reads
        Throwable failure = catchThrowable(() -> r.body().bytes().get(10, SECONDS));
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(RequestException.class);
        assertThat(((RequestException) failure.getCause()).phase()).isEqualTo(RequestException.Phase.READ_BODY);
    }

    @Test
    void corruptGzipFailsTheBodyWithoutPoisoningTheConnection() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(200).header("Content-Encoding", "gzip").body("this is not gzip at all"));
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/bad-z")).build()).get(10, SECONDS);
        Throwable failure = catchThrowable(() -> r.body().text().get(10, SECONDS));
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(IOException.class);
        server.enqueue(ServerResponse.ok("next").gzip());
        Response next = t.roundTrip(Request.newBuilder(server.uri("/next")).build()).get(10, SECONDS);
        assertThat(next.body().text().get(10, SECONDS)).isEqualTo("next");
    }

    @Test
    void largeGzipBodyDecodesCorrectlyOnePieceAtATime() throws Exception {
        TestServer server = courier.server();
        byte[] original = text(8 << 20).getBytes(UTF_8);
        server.enqueue(ServerResponse.status(200).body(original).gzip());
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/big-z")).build()).get(10, SECONDS);
        assertThat(r.uncompressed()).isTrue();
        OneAtATime subscriber = new OneAtATime();
        r.body().subscribe(subscriber);
        byte[] decoded = subscriber.result.get(30, SECONDS);
        assertThat(subscriber.violations).as("onNext without outstanding demand").hasValue(0);
        assertThat(subscriber.pieces.get()).isGreaterThan(1);
        assertThat(decoded.length).isEqualTo(original.length);
        assertThat(decoded).isEqualTo(original);
    }

    // ---- helpers ----

    /** A subscriber that requests one piece, and the next only once the previous arrived. */
    private static final class OneAtATime implements Flow.Subscriber<ByteBuffer> {
        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        final AtomicInteger violations = new AtomicInteger();
        final AtomicInteger pieces = new AtomicInteger();
        private final AtomicLong outstanding = new AtomicLong();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            outstanding.incrementAndGet();
            s.request(1);
        }

        @Override
        public void onNext(ByteBuffer item) {
            if (outstanding.decrementAndGet() < 0) {
                violations.incrementAndGet();
            }
            pieces.incrementAndGet();
            byte[] b = new byte[item.remaining()];
            item.get(b);
            out.write(b, 0, b.length);
            outstanding.incrementAndGet();
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }

    /** Courier handed the gzip bytes over as they came: headers intact, body still compressed. */
    private static void assertRawGzip(Response r) throws Exception {
        assertThat(r.uncompressed()).isFalse();
        assertThat(r.headers().first("Content-Encoding")).isEqualTo("gzip");
        byte[] raw = r.body().bytes().get(10, SECONDS);
        assertThat(r.headers().first("Content-Length")).isEqualTo(Integer.toString(raw.length));
        assertThat(raw.length).isLessThan(TEXT.length());
        assertThat(new String(gunzip(raw), UTF_8)).isEqualTo(TEXT);
    }

    private static byte[] gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] rawDeflate(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, true))) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Compressible but not trivial text of about {@code n} characters. */
    private static String text(int n) {
        String[] words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett"};
        Random random = new Random(42);
        StringBuilder sb = new StringBuilder(n + 16);
        while (sb.length() < n) {
            sb.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(' ');
        }
        sb.setLength(n);
        return sb.toString();
    }

}
