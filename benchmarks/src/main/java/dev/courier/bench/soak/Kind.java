package dev.courier.bench.soak;

import dev.courier.http.testing.H2Response;
import dev.courier.http.testing.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;

/**
 * What the soak's server does with one request: answer it cleanly, or inject one of the fault matrix's faults
 * (docs/FAULT-MATRIX.md, same names where the fault is the same), scripted with client-core's test-server scripts.
 *
 * <p>Each kind says which protocols it applies to, what the client may end in ({@link #mayEndWell}: every faulty
 * request must end, in a typed {@code RequestException} or, where the matrix says the client recovers, in a response),
 * and what bounds a stall. HTTP/2 faults that break the whole connection (resets, closes, broken header blocks) go to
 * a second HTTP/2 server, {@link #h2FaultServer}, so that they cannot fail the clean requests multiplexed with them;
 * they still fail each other there, and those must end typed too. {@link #once} kinds inject their fault the first
 * time the server sees the request and answer its retry normally.
 */
enum Kind {
    /** No fault: a body of the request's random size (HTTP/1.1: Content-Length, or chunked for one request in 4). */
    CLEAN(Set.of(Proto.values()), true),

    RESET_BEFORE_HEAD(Set.of(Proto.values()), false),
    CLOSE_BEFORE_HEAD(Set.of(Proto.values()), false),
    RESET_INSIDE_HEAD(Set.of(Proto.values()), false),
    /** Go's idle-close-just-as-reused: the request reaches a pooled connection the server then closes unanswered. */
    STALE_POOLED_CONNECTION(EnumSet.of(Proto.H1, Proto.H1_TLS), true),
    INFORMATIONAL_FLOOD(Set.of(Proto.values()), false),
    HEADER_TOO_LARGE(Set.of(Proto.values()), false),
    HEAD_STALL_RESPONSE_HEADER_TIMEOUT(Set.of(Proto.values()), false),
    HEAD_STALL_REQUEST_TIMEOUT(Set.of(Proto.values()), false),
    RESET_INSIDE_BODY(Set.of(Proto.values()), false),
    CONTENT_LENGTH_LONGER_THAN_BODY(Set.of(Proto.values()), false),
    /** HTTP/1.1 reads the declared 5 bytes and drops the connection; HTTP/2 fails the stream. */
    CONTENT_LENGTH_SHORTER_THAN_BODY(Set.of(Proto.values()), true),
    TRUNCATED_CHUNK(EnumSet.of(Proto.H1, Proto.H1_TLS), false),
    BAD_CHUNK_SIZE(EnumSet.of(Proto.H1, Proto.H1_TLS), false),
    DECOMPRESSION_BOMB(Set.of(Proto.values()), false),
    CORRUPT_GZIP(Set.of(Proto.values()), false),
    BODY_STALL_CLIENT_TIMEOUT(Set.of(Proto.values()), false),
    GOAWAY_GRACEFUL_UNPROCESSED(EnumSet.of(Proto.H2), true),
    GOAWAY_ERROR_UNPROCESSED(EnumSet.of(Proto.H2), true),
    RST_STREAM_REFUSED(EnumSet.of(Proto.H2), true),
    RST_STREAM_CANCEL(EnumSet.of(Proto.H2), false),
    RST_STREAM_INSIDE_BODY(EnumSet.of(Proto.H2), false);

    private static final String HEAD_CUT = "HTTP/1.1 200 OK\r\nContent-Le";
    /** A gzip member header, then a deflate block of the reserved type 3 (RFC 1951 section 3.2.3): corrupt. */
    private static final byte[] CORRUPT_GZIP_BYTES = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    /** Inflates to 64 MiB; the client's maxDecompressedBytes stops it far sooner. */
    private static final long BOMB_BYTES = 64L << 20;
    private static final int NO_ERROR = 0x0;
    private static final int INTERNAL_ERROR = 0x2;
    private static final int REFUSED_STREAM = 0x7;
    private static final int CANCEL = 0x8;
    private static final byte[] BODY_10K = new byte[10 * 1024];

    final Set<Proto> protos;
    /** Whether the client may end this kind with a response (it recovers, or the fault is harmless to it). */
    final boolean mayEndWell;

    Kind(Set<Proto> protos, boolean mayEndWell) {
        this.protos = Set.copyOf(protos);
        this.mayEndWell = mayEndWell;
    }

    /** The fault kinds that apply to {@code p}. */
    static List<Kind> faults(Proto p) {
        return EnumSet.complementOf(EnumSet.of(CLEAN)).stream().filter(k -> k.protos.contains(p)).toList();
    }

    /** Whether the fault injects itself once, the retry of the same request being answered normally. */
    boolean once() {
        return this == STALE_POOLED_CONNECTION || this == GOAWAY_GRACEFUL_UNPROCESSED
                || this == GOAWAY_ERROR_UNPROCESSED || this == RST_STREAM_REFUSED;
    }

    /**
     * Whether the HTTP/2 version of this fault breaks the connection, so it goes to the HTTP/2 fault server. GOAWAY
     * too, although a graceful GOAWAY should spare the other streams: the test server closes the connection the
     * moment its last active stream ends, so the requests the client sent meanwhile meet a TCP reset (which also
     * discards responses the client had not read yet), and its last-stream-id (the GOAWAY's own stream minus 2) can
     * disown later streams it has already answered. A real server lingers after GOAWAY; on the main server's busy
     * connection this fixture's GOAWAY failed 60 % of the clean requests of a 4,000-request run.
     */
    boolean h2FaultServer() {
        return switch (this) {
            case RESET_BEFORE_HEAD, CLOSE_BEFORE_HEAD, RESET_INSIDE_HEAD, RESET_INSIDE_BODY, HEADER_TOO_LARGE,
                    GOAWAY_GRACEFUL_UNPROCESSED, GOAWAY_ERROR_UNPROCESSED -> true;
            default -> false;
        };
    }

    /** The HTTP/1.1 script for this kind; {@code size} is the clean body's size, {@code id} the request's number. */
    ServerResponse h1(long size, long id, boolean retry) {
        if (retry) {
            return ServerResponse.ok("retried");
        }
        return switch (this) {
            case CLEAN -> id % 4 == 0 ? ServerResponse.status(200).streamBodyChunked(size)
                    : ServerResponse.status(200).streamBody(size);
            case RESET_BEFORE_HEAD -> ServerResponse.ok("never").resetAfterBytes(0);
            case CLOSE_BEFORE_HEAD, STALE_POOLED_CONNECTION -> ServerResponse.ok("never").closeAfterBytes(0);
            case RESET_INSIDE_HEAD -> ServerResponse.status(200).raw(HEAD_CUT).resetAfterBytes(HEAD_CUT.length());
            case INFORMATIONAL_FLOOD -> ServerResponse.ok("late").informational(103, 20);
            case HEADER_TOO_LARGE -> ServerResponse.ok("big").hugeHeaders(64 * 1024);
            case HEAD_STALL_RESPONSE_HEADER_TIMEOUT, HEAD_STALL_REQUEST_TIMEOUT -> ServerResponse.ok("x").noResponse();
            case RESET_INSIDE_BODY -> ServerResponse.status(200).body(BODY_10K).resetInsideBody(4096);
            case CONTENT_LENGTH_LONGER_THAN_BODY -> ServerResponse.ok("hello").contentLength(100).closeConnection();
            case CONTENT_LENGTH_SHORTER_THAN_BODY -> ServerResponse.ok("hello, world").contentLength(5);
            case TRUNCATED_CHUNK -> ServerResponse.status(200).body(new byte[8192]).chunked(4096).closeInsideBody(100);
            case BAD_CHUNK_SIZE -> ServerResponse.ok("a chunked body").badChunk();
            case DECOMPRESSION_BOMB -> ServerResponse.status(200).gzipBomb(BOMB_BYTES);
            case CORRUPT_GZIP -> ServerResponse.status(200).header("Content-Encoding", "gzip").body(CORRUPT_GZIP_BYTES);
            case BODY_STALL_CLIENT_TIMEOUT -> ServerResponse.ok("never").bodyAfter(new CompletableFuture<>());
            default -> throw new IllegalArgumentException(this + " does not apply to HTTP/1.1");
        };
    }

    /** The HTTP/2 script for this kind. */
    H2Response h2(long size, boolean retry) {
        if (retry) {
            return H2Response.ok("retried");
        }
        return switch (this) {
            case CLEAN -> H2Response.status(200).streamBody(size);
            case RESET_BEFORE_HEAD -> H2Response.ok("never").resetConnection();
            case CLOSE_BEFORE_HEAD -> H2Response.ok("never").closeConnection();
            case RESET_INSIDE_HEAD -> H2Response.ok("never").cutInsideHeaders();
            case INFORMATIONAL_FLOOD -> {
                H2Response r = H2Response.ok("late");
                for (int i = 0; i < 20; i++) {
                    r = r.informational(103);
                }
                yield r;
            }
            case HEADER_TOO_LARGE -> H2Response.ok("big").hugeHeaders(64 * 1024);
            case HEAD_STALL_RESPONSE_HEADER_TIMEOUT, HEAD_STALL_REQUEST_TIMEOUT -> H2Response.ok("x").noResponse();
            case RESET_INSIDE_BODY -> H2Response.status(200).streamBody(64 * 1024).resetConnectionAfterBytes(4096);
            case CONTENT_LENGTH_LONGER_THAN_BODY -> H2Response.ok("hello").header("content-length", "100");
            case CONTENT_LENGTH_SHORTER_THAN_BODY -> H2Response.ok("hello, world").header("content-length", "5");
            case DECOMPRESSION_BOMB -> H2Response.status(200).header("content-encoding", "gzip").body(Bomb.BYTES);
            case CORRUPT_GZIP -> H2Response.status(200).header("content-encoding", "gzip").body(CORRUPT_GZIP_BYTES);
            case BODY_STALL_CLIENT_TIMEOUT -> H2Response.ok("never").bodyAfter(new CompletableFuture<>());
            case GOAWAY_GRACEFUL_UNPROCESSED -> H2Response.ok("x").goAwayBefore(NO_ERROR, "soak");
            case GOAWAY_ERROR_UNPROCESSED -> H2Response.ok("x").goAwayBefore(INTERNAL_ERROR, "soak");
            case RST_STREAM_REFUSED -> H2Response.ok("x").rstStream(REFUSED_STREAM);
            case RST_STREAM_CANCEL -> H2Response.ok("x").rstStream(CANCEL);
            case RST_STREAM_INSIDE_BODY -> H2Response.status(200).streamBody(64 * 1024).rstAfterBytes(10_000,
                    INTERNAL_ERROR);
            default -> throw new IllegalArgumentException(this + " does not apply to HTTP/2");
        };
    }

    /** The gzip of 64 MiB of zeros (about 64 KiB), made once. */
    private static final class Bomb {
        static final byte[] BYTES = gzipOfZeros(BOMB_BYTES);

        private static byte[] gzipOfZeros(long size) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
                byte[] zeros = new byte[64 * 1024];
                for (long left = size; left > 0; left -= zeros.length) {
                    gz.write(zeros, 0, (int) Math.min(zeros.length, left));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    }
}
