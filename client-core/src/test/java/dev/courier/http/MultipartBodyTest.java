package dev.courier.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.Httpbin;
import dev.courier.http.testing.Json;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.RecordingSubscriber;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MultipartBody}: Go's mime/multipart bytes, the boundary rules, name escaping, length and
 * chunking, replay, streaming a large file with bounded buffering, and httpbin's parsing of the form.
 */
class MultipartBodyTest {
    @RegisterExtension
    static final Httpbin httpbin = new Httpbin();

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @TempDir
    Path dir;

    /** Go 1.19's multipart.Writer with SetBoundary("XyZ123"), WriteField, CreateFormFile, WriteField(""), Close. */
    @Test
    void bytesAreGosMultipartWritersForTheSameParts() throws Exception {
        Path photo = Files.write(dir.resolve("beach.jpg"), "JPEGDATA".getBytes(UTF_8));
        MultipartBody body = MultipartBody.newBuilder().boundary("XyZ123")
                .field("title", "holiday")
                .file("photo", photo)
                .field("note", "")
                .build();

        String expected = "--XyZ123\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nholiday\r\n"
                + "--XyZ123\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"beach.jpg\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\nJPEGDATA\r\n"
                + "--XyZ123\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n\r\n--XyZ123--\r\n";
        assertThat(new String(FormBodyTest.bytes(body), UTF_8)).isEqualTo(expected);
        assertThat(body.contentLength()).isEqualTo(expected.length());
        assertThat(body.contentType()).isEqualTo("multipart/form-data; boundary=XyZ123");
        assertThat(body.isReplayable()).isTrue();
        assertThat(new String(FormBodyTest.bytes(body), UTF_8)).as("published again").isEqualTo(expected);
        // Go's Writer.Close with no part written.
        assertThat(new String(FormBodyTest.bytes(MultipartBody.newBuilder().boundary("XyZ123").build()), UTF_8))
                .isEqualTo("\r\n--XyZ123--\r\n");
    }

    @Test
    void aRandomBoundaryIsGosSizeAndDiffersEachTime() {
        String a = MultipartBody.newBuilder().field("a", "b").build().boundary();
        String b = MultipartBody.newBuilder().field("a", "b").build().boundary();
        assertThat(a).matches("[0-9a-f]{60}");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void aBoundaryThatOccursInAPartOrBreaksRfc2046IsRefused() {
        assertThatThrownBy(() -> MultipartBody.newBuilder().boundary("abc").field("f", "x\r\n--abc\r\n").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("occurs in the content of a part");
        assertThatThrownBy(() -> MultipartBody.newBuilder().boundary("abc").part("f", null, null, "--abc".getBytes(UTF_8)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("occurs in the content of a part");
        assertThatThrownBy(() -> MultipartBody.newBuilder().boundary("a;b").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 1");
        assertThatThrownBy(() -> MultipartBody.newBuilder().boundary("ends with space ").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MultipartBody.newBuilder().boundary("x".repeat(71)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 70");
        assertThat(MultipartBody.newBuilder().boundary("with space").build().contentType())
                .as("quoted as Go's FormDataContentType does").isEqualTo("multipart/form-data; boundary=\"with space\"");
    }

    /** The rule of MultipartEncoding: {@code "}, {@code \}, CR, LF percent-encoded; the rest as UTF-8. */
    @Test
    void namesAndFileNamesArePercentEncodedForQuoteBackslashCrLf() {
        MultipartBody body = MultipartBody.newBuilder().boundary("B")
                .part("a\"b\\c\r\nd", "x\"y\\z\r\n.txt", "text/plain", "v".getBytes(UTF_8)).build();
        assertThat(new String(FormBodyTest.bytes(body), UTF_8)).startsWith(
                "--B\r\nContent-Disposition: form-data; name=\"a%22b%5Cc%0D%0Ad\"; filename=\"x%22y%5Cz%0D%0A.txt\"\r\n"
                        + "Content-Type: text/plain\r\n\r\nv\r\n");
        assertThatThrownBy(() -> MultipartBody.newBuilder().part("f", null, "text/plain\r\nX: y", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character");
    }

    @Test
    void httpbinParsesFieldsAndFiles() throws Exception {
        Path notes = Files.write(dir.resolve("notes.txt"), "line one\nline two\n".getBytes(UTF_8));
        MultipartBody body = MultipartBody.newBuilder()
                .field("title", "Zoë's holiday")
                .field("tag", "a")
                .field("tag", "b")
                .file("notes", notes, "text/plain")
                .part("inline", "inline.csv", "text/csv", "x,y\n1,2\n".getBytes(UTF_8))
                .field("odd\"name\\", "q")
                .build();
        Client client = Client.newBuilder().transport(courier.transport()).build();

        Response r = client.send(Request.newBuilder(httpbin.uri("/post")).post(body).build()).get(10, SECONDS);
        Object json = Json.parse(r.body().text().get(10, SECONDS));

        assertThat(r.status()).isEqualTo(200);
        assertThat(Json.at(json, "form", "title")).isEqualTo("Zoë's holiday");
        assertThat(Json.at(json, "form", "tag")).isEqualTo(List.of("a", "b"));
        assertThat(Json.at(json, "form", "odd%22name%5C")).as("werkzeug keeps the percent-encoding, as it does a browser's").isEqualTo("q");
        assertThat(Json.at(json, "files", "notes")).isEqualTo("line one\nline two\n");
        assertThat(Json.at(json, "files", "inline")).isEqualTo("x,y\n1,2\n");
        assertThat((String) Json.at(json, "headers", "Content-Type")).isEqualTo(body.contentType());
        assertThat(Json.at(json, "headers", "Content-Length")).isEqualTo(Long.toString(body.contentLength()));
    }

    @Test
    void httpbinAnythingReadsAChunkedFormWithAPublisherPart() throws Exception {
        Flow.Publisher<ByteBuffer> oneShot = RequestBody.of("streamed part".getBytes(UTF_8)).publisher();
        MultipartBody body = MultipartBody.newBuilder().field("a", "1")
                .part("upload", "s.bin", "application/octet-stream", oneShot, -1)
                .build();
        assertThat(body.contentLength()).as("a part of unknown length").isEqualTo(-1);
        assertThat(body.isReplayable()).isFalse();
        Client client = Client.newBuilder().transport(courier.transport()).build();

        var sent = client.send(Request.newBuilder(httpbin.uri("/anything")).method("PUT", body).build());
        Object json = Json.parse(sent.get(10, SECONDS).body().text().get(10, SECONDS));

        assertThat(Json.at(json, "method")).isEqualTo("PUT");
        assertThat(Json.at(json, "form", "a")).isEqualTo("1");
        assertThat(Json.at(json, "files", "upload")).isEqualTo("streamed part");
        assertThat(Json.at(json, "headers", "Transfer-Encoding")).isEqualTo("chunked");
        assertThatThrownBy(body::publisher).isInstanceOf(IllegalStateException.class).hasMessageContaining("already sent");
    }

    @Test
    void aFileFormIsSentAgainAfterA307AndAOneShotFormIsNot() throws Exception {
        Path file = Files.write(dir.resolve("f.txt"), "file body".getBytes(UTF_8));
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(307).header("Location", "/again"));
        server.enqueue(ServerResponse.ok("done"));
        Client client = Client.newBuilder().transport(courier.transport()).build();
        MultipartBody replayable = MultipartBody.newBuilder().file("f", file).build();

        Response r = client.send(Request.newBuilder(server.uri("/first")).post(replayable).build()).get(10, SECONDS);

        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("done");
        RecordedRequest first = server.takeRequest();
        RecordedRequest again = server.takeRequest();
        assertThat(again.path()).isEqualTo("/again");
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.bodyText()).contains("file body");

        server.enqueue(ServerResponse.status(307).header("Location", "/again"));
        MultipartBody oneShot = MultipartBody.newBuilder()
                .part("p", null, null, RequestBody.of(new byte[] {1, 2, 3}).publisher(), 3).build();
        Response kept = client.send(Request.newBuilder(server.uri("/first")).post(oneShot).build()).get(10, SECONDS);
        assertThat(kept.status()).as("Go's rule: a 307 whose body cannot be sent again is returned").isEqualTo(307);
        kept.body().discard().get(10, SECONDS);
    }

    /**
     * A 64 MiB file streamed in a form: the server gets every byte, and between the file and the connection
     * the body never holds more than one 64 KiB read: the writer asks for one buffer at a time, the body
     * emits nothing it was not asked for, and no buffer is larger than a read.
     */
    @Test
    void aLargeFileIsStreamedWithBoundedBuffering() throws Exception {
        int size = 64 << 20;
        Path big = dir.resolve("big.bin");
        byte[] block = new byte[1 << 20];
        new Random(7).nextBytes(block);
        try (var out = Files.newOutputStream(big)) {
            for (int i = 0; i < size / block.length; i++) {
                out.write(block);
            }
        }
        MultipartBody form = MultipartBody.newBuilder().field("before", "x").file("big", big).field("after", "y").build();
        CountingBody counting = new CountingBody(form);
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("stored"));

        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/upload")).post(counting).build()).get(60, SECONDS);

        assertThat(r.body().text().get(30, SECONDS)).isEqualTo("stored");
        RecordedRequest got = server.takeRequest();
        assertThat(got.bodySize()).isEqualTo(form.contentLength()).isGreaterThan(size);
        assertThat(got.chunked()).isFalse();
        int fileStart = MultipartEncodingOffsets.indexOf(got.body(), block, 0);
        assertThat(fileStart).as("the file's first MiB in the recorded body").isPositive();
        assertThat(Arrays.copyOfRange(got.body(), fileStart + block.length, fileStart + 2 * block.length)).isEqualTo(block);
        assertThat(counting.emitted.get()).isEqualTo(form.contentLength());
        assertThat(counting.maxAhead.get()).as("buffers emitted beyond the writer's demand").isLessThanOrEqualTo(0);
        assertThat(counting.maxDemand.get()).as("most buffers the writer asked for at once").isEqualTo(1);
        assertThat(counting.maxItem.get()).as("largest buffer emitted").isLessThanOrEqualTo(64 * 1024);
    }

    /** Byte search in recorded bodies. */
    static final class MultipartEncodingOffsets {
        static int indexOf(byte[] haystack, byte[] needle, int from) {
            outer:
            for (int i = from; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }

    /**
     * Wraps a body to measure, between its publisher and the writer, the buffers emitted, the demand outstanding
     * and the largest buffer: what the body holds in memory at any time is at most outstanding demand times
     * the largest buffer.
     */
    private static final class CountingBody extends RequestBody {
        final RequestBody inner;
        final AtomicLong emitted = new AtomicLong();
        final AtomicLong demand = new AtomicLong();
        final AtomicLong maxDemand = new AtomicLong();
        final AtomicLong maxAhead = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong maxItem = new AtomicLong();

        CountingBody(RequestBody inner) {
            this.inner = inner;
        }

        @Override
        public String contentType() {
            return inner.contentType();
        }

        @Override
        public long contentLength() {
            return inner.contentLength();
        }

        @Override
        public boolean isReplayable() {
            return inner.isReplayable();
        }

        @Override
        public Flow.Publisher<ByteBuffer> publisher() {
            Flow.Publisher<ByteBuffer> p = inner.publisher();
            return s -> p.subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription sub) {
                    s.onSubscribe(new Flow.Subscription() {
                        @Override
                        public void request(long n) {
                            maxDemand.accumulateAndGet(demand.addAndGet(n), Math::max);
                            sub.request(n);
                        }

                        @Override
                        public void cancel() {
                            sub.cancel();
                        }
                    });
                }

                @Override
                public void onNext(ByteBuffer item) {
                    maxAhead.accumulateAndGet(-demand.decrementAndGet(), Math::max);
                    maxItem.accumulateAndGet(item.remaining(), Math::max);
                    emitted.addAndGet(item.remaining());
                    s.onNext(item);
                }

                @Override
                public void onError(Throwable t) {
                    s.onError(t);
                }

                @Override
                public void onComplete() {
                    s.onComplete();
                }
            });
        }
    }

    /** The same bytes over HTTP/2 (TLS), where DATA frames carry the parts, the file read off the event loop. */
    @Test
    void aFileFormGoesOverHttp2() throws Exception {
        byte[] content = new byte[200 * 1024];
        new Random(3).nextBytes(content);
        Path file = Files.write(dir.resolve("h2.bin"), content);
        MultipartBody form = MultipartBody.newBuilder().field("a", "1").file("f", file).build();
        dev.courier.http.testing.TestCertificates certs = dev.courier.http.testing.TestCertificates.get();
        dev.courier.http.testing.H2TestServer server = courier.closeAfter(dev.courier.http.testing.H2TestServer.startTls(certs.server()));
        server.enqueue(dev.courier.http.testing.H2Response.ok("got it"));
        Transport t = courier.transport(b -> b.trustStore(certs.caTrustStore()));

        Response r = t.roundTrip(Request.newBuilder(server.uri("/up")).post(form).build()).get(10, SECONDS);

        assertThat(r.protocol()).isEqualTo(Protocol.HTTP_2);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("got it");
        dev.courier.http.testing.H2RecordedRequest got = server.takeRequest();
        assertThat(got.header("content-type")).isEqualTo(form.contentType());
        assertThat(got.header("content-length")).isEqualTo(Long.toString(form.contentLength()));
        assertThat(got.body()).isEqualTo(FormBodyTest.bytes(form));
    }

    @Test
    void demandCarriesAcrossPartsAndCancelStopsTheFile() throws Exception {
        Path file = dir.resolve("f.bin");
        Files.write(file, new byte[300 * 1024]);
        MultipartBody body = MultipartBody.newBuilder().field("a", "1").file("f", file).field("b", "2").build();
        RecordingSubscriber sub = new RecordingSubscriber();
        body.publisher().subscribe(sub);

        sub.awaitSubscription().request(2);
        ByteBuffer first = sub.items.poll(10, SECONDS);
        ByteBuffer second = sub.items.poll(10, SECONDS);
        assertThat(first).as("the in-memory head of the form").isNotNull();
        assertThat(second).as("the first read of the file").isNotNull();
        assertThat(second.remaining()).isEqualTo(64 * 1024);
        assertThat(sub.items.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS)).as("nothing beyond the demand of 2").isNull();

        sub.awaitSubscription().cancel();
        sub.awaitSubscription().request(5);
        assertThat(sub.items.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS)).as("nothing after cancel").isNull();
        assertThat(sub.errors).isEmpty();
    }
}
