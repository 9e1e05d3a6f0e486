package dev.courier.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.ZstdOutputStream;
import dev.courier.http.testing.AcceptEncodingProbe;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.H2Response;
import dev.courier.http.testing.H2TestServer;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestCertificates;
import dev.courier.http.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Brotli and zstd bodies (optional brotli4j and zstd-jni, on this module's test class path), compressed
 * here by the real encoders: asked for, decoded over HTTP/1.1 and HTTP/2, corrupt input and bombs failing
 * typed as gzip's do, and not asked for at all where the libraries are absent.
 */
class ContentCodingsTest {
    private static final TestCertificates CERTS = TestCertificates.get();
    /** Text with some repetition, so that it compresses, and some randomness, so that it is not trivial. */
    private static final byte[] TEXT = text();

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @BeforeAll
    static void encoders() {
        Brotli4jLoader.ensureAvailability();
    }

    enum Coding {
        BR("br"), ZSTD("zstd"), GZIP("gzip");

        final String name;

        Coding(String name) {
            this.name = name;
        }

        byte[] compress(byte[] data) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream c = encoder(out)) {
                c.write(data);
            }
            return out.toByteArray();
        }

        /** {@code size} zero bytes compressed, written in 1 MiB pieces (never held whole). */
        byte[] bomb(long size) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] zeros = new byte[1 << 20];
            try (OutputStream c = encoder(out)) {
                for (long left = size; left > 0; left -= zeros.length) {
                    c.write(zeros, 0, (int) Math.min(zeros.length, left));
                }
            }
            return out.toByteArray();
        }

        private OutputStream encoder(OutputStream out) throws IOException {
            switch (this) {
                case BR:
                    return new BrotliOutputStream(out, new Encoder.Parameters().setQuality(5));
                case ZSTD:
                    return new ZstdOutputStream(out, 3);
                default:
                    return new GZIPOutputStream(out);
            }
        }
    }

    @Test
    void brAndZstdAreAskedForWhenTheirLibrariesLoad() throws Exception {
        TestServer server = courier.server();
        courier.transport().roundTrip(Request.newBuilder(server.uri("/ae")).build()).get(10, SECONDS).body().discard().get(10, SECONDS);
        assertThat(server.takeRequest().headers("Accept-Encoding")).containsExactly("gzip, deflate, br, zstd");
    }

    @ParameterizedTest
    @EnumSource(Coding.class)
    void aCompressedBodyIsDecoded(Coding coding) throws Exception {
        TestServer server = courier.server();
        byte[] compressed = coding.compress(TEXT);
        assertThat(compressed.length).as("it compressed").isLessThan(TEXT.length / 2);
        server.enqueue(ServerResponse.status(200).header("Content-Encoding", coding.name).body(compressed));
        server.enqueue(ServerResponse.status(200).header("Content-Encoding", coding.name).body(compressed).chunked(1000));

        for (int i = 0; i < 2; i++) {
            Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/z")).build()).get(10, SECONDS);
            assertThat(r.uncompressed()).isTrue();
            assertThat(r.headers().contains("Content-Encoding")).as("stripped, as for gzip").isFalse();
            assertThat(r.body().contentLength()).isEqualTo(-1);
            assertThat(r.body().bytes().get(10, SECONDS)).isEqualTo(TEXT);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Coding.class, names = {"BR", "ZSTD"})
    void aCompressedBodyIsDecodedOverHttp2(Coding coding) throws Exception {
        H2TestServer server = courier.closeAfter(H2TestServer.startTls(CERTS.server()));
        server.enqueue(H2Response.status(200).header("content-encoding", coding.name).body(coding.compress(TEXT)));
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));

        Response r = t.roundTrip(Request.newBuilder(server.uri("/z")).build()).get(10, SECONDS);

        assertThat(r.protocol()).isEqualTo(Protocol.HTTP_2);
        assertThat(r.uncompressed()).isTrue();
        assertThat(r.body().bytes().get(10, SECONDS)).isEqualTo(TEXT);
        assertThat(server.takeRequest().headers().first("accept-encoding")).isEqualTo("gzip, deflate, br, zstd");
    }

    @ParameterizedTest
    @EnumSource(Coding.class)
    void corruptInputFailsWithATypedError(Coding coding) throws Exception {
        TestServer server = courier.server();
        byte[] good = coding.compress(TEXT);
        byte[] corrupt = Arrays.copyOf(good, good.length);
        for (int i = 20; i < corrupt.length - 20; i += 7) {
            corrupt[i] ^= 0x5a; // past gzip's header, which has no checksum of its own
        }
        server.enqueue(ServerResponse.status(200).header("Content-Encoding", coding.name).body(corrupt));
        Transport t = courier.transport();
        Response r = t.roundTrip(Request.newBuilder(server.uri("/bad")).build()).get(10, SECONDS);

        Throwable failure = catchThrowable(() -> r.body().bytes().get(10, SECONDS));

        assertThat(failure).isInstanceOf(ExecutionException.class);
        RequestException e = (RequestException) failure.getCause();
        assertThat(e.phase()).isEqualTo(RequestException.Phase.READ_BODY);
        assertThat(e.getMessage()).contains("cannot decompress the " + coding.name + " body");
        assertThat(e.getCause()).isInstanceOfSatisfying(ContentDecodingException.class,
                c -> assertThat(c.coding()).isEqualTo(coding.name));
        Await.noActiveConnections(t);
    }

    /** 256 MiB of zeros, compressed to less than 1 MiB, against a 4 MiB cap: stopped at the cap, typed, connection released. */
    @ParameterizedTest
    @EnumSource(Coding.class)
    void aBombStopsAtMaxDecompressedBytes(Coding coding) throws Exception {
        TestServer server = courier.server();
        byte[] bomb = coding.bomb(256L << 20);
        assertThat(bomb.length).isLessThan(1 << 20);
        server.enqueue(ServerResponse.status(200).header("Content-Encoding", coding.name).body(bomb));
        Transport t = courier.transport(b -> b.maxDecompressedBytes(4L << 20));
        Response r = t.roundTrip(Request.newBuilder(server.uri("/bomb")).build()).get(10, SECONDS);

        Throwable failure = catchThrowable(() -> r.body().discard().get(30, SECONDS));

        assertThat(failure).isInstanceOf(ExecutionException.class);
        RequestException e = (RequestException) failure.getCause();
        assertThat(e.phase()).isEqualTo(RequestException.Phase.READ_BODY);
        assertThat(e.getCause()).isInstanceOfSatisfying(BodyLimitException.class, limit -> {
            assertThat(limit.limit()).isEqualTo(BodyLimitException.Limit.DECOMPRESSED_SIZE);
            assertThat(limit.max()).isEqualTo(4L << 20);
        });
        // Released: closed if compressed bytes were still arriving, pooled if the (small) bomb had been read whole.
        assertThat(Await.noActiveConnections(t).active()).isZero();
    }

    /**
     * client-core without brotli4j and zstd-jni (they are optional): a JVM on this test class path less
     * those jars offers only gzip and deflate, and loads nothing that needs them.
     */
    @Test
    void withoutTheOptionalLibrariesOnlyGzipAndDeflateAreAskedFor() throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("brotli4j") && !entry.contains("zstd-jni"))
                .collect(Collectors.joining(File.pathSeparator));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, AcceptEncodingProbe.class.getName()).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("accept-encoding=gzip, deflate\n").contains("br=false zstd=false");
    }

    private static byte[] text() {
        Random random = new Random(11);
        StringBuilder sb = new StringBuilder();
        String[] words = {"courier", "netty", "brotli", "zstd", "stream", "body", "event", "line"};
        for (int i = 0; i < 20_000; i++) {
            sb.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(i % 12 == 0 ? '\n' : ' ');
        }
        return sb.toString().getBytes(UTF_8);
    }
}
