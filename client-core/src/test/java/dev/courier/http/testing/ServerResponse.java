package dev.courier.http.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * An immutable script telling a {@link TestServer} how to answer one request, including the faults to inject.
 *
 * <p>Every method returns a new instance, so a script can be shared and extended:
 * {@code ServerResponse.status(200).header("X", "y").body("hello")}.
 */
public final class ServerResponse {

    private static final Map<Long, byte[]> GZIP_BOMBS = new ConcurrentHashMap<>();

    private int code;
    private String reason;
    private List<Map.Entry<String, String>> headers = List.of();
    private byte[] body = new byte[0];
    private int chunkSize;
    private List<Map.Entry<String, String>> trailers = List.of();
    private String compression;
    private boolean bodyPreEncoded;
    private Long contentLength;
    private boolean noContentLength;
    private boolean closeConnection;
    private int keepAliveTimeout = -1;
    private int informationalCode;
    private int informationalTimes;
    private int endlessInformationalCode;
    private Duration delayHeaders = Duration.ZERO;
    private Duration delayBody = Duration.ZERO;
    private int throttleBytes;
    private Duration throttlePeriod = Duration.ZERO;
    private long truncateAfter = -1;
    private boolean truncateWithReset;
    private int hugeHeaders;
    private boolean badChunk;
    private byte[] raw;
    private boolean noResponse;
    private long streamTotal = -1;
    private boolean streamChunked;
    private ExpectMode expectMode;
    private boolean upgrade;
    private boolean echoBody;
    private CompletableFuture<?> bodyGate;
    private boolean truncateBodyOnly;
    private CompletableFuture<?> unsolicitedGate;
    private byte[] unsolicited;
    private ChunkFeed feed;

    private ServerResponse(int code) {
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("status code out of range: " + code);
        }
        this.code = code;
    }

    /** A response with this status code, no headers and an empty body. */
    public static ServerResponse status(int code) {
        return new ServerResponse(code);
    }

    /** A 200 response with this UTF-8 body and {@code Content-Type: text/plain; charset=utf-8}. */
    public static ServerResponse ok(String body) {
        return status(200).header("Content-Type", "text/plain; charset=utf-8").body(body);
    }

    /** Replaces the reason phrase of the status line (default: the standard one for the code). */
    public ServerResponse reason(String reasonPhrase) {
        ServerResponse c = copy();
        c.reason = Objects.requireNonNull(reasonPhrase, "reasonPhrase");
        return c;
    }

    /** Adds a header field (written as given, after the status line and before the generated framing headers). */
    public ServerResponse header(String name, String value) {
        ServerResponse c = copy();
        c.headers = append(headers, name, value);
        return c;
    }

    /** Sets the body as UTF-8 text. */
    public ServerResponse body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sets the body bytes; Content-Length is generated unless chunked or {@link #noContentLength()}. */
    public ServerResponse body(byte[] bytes) {
        ServerResponse c = copy();
        c.body = bytes.clone();
        c.bodyPreEncoded = false;
        return c;
    }

    /** Sends the body with {@code Transfer-Encoding: chunked}, in chunks of {@code size} bytes. */
    public ServerResponse chunked(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("chunk size must be positive: " + size);
        }
        ServerResponse c = copy();
        c.chunkSize = size;
        return c;
    }

    /** Adds a trailer field after the last chunk (only meaningful with {@link #chunked(int)}). */
    public ServerResponse trailer(String name, String value) {
        ServerResponse c = copy();
        c.trailers = append(trailers, name, value);
        return c;
    }

    /** Compresses the body with gzip and sets {@code Content-Encoding: gzip}. */
    public ServerResponse gzip() {
        ServerResponse c = copy();
        c.compression = "gzip";
        return c;
    }

    /** Compresses the body in zlib format (RFC 1950) and sets {@code Content-Encoding: deflate}. */
    public ServerResponse deflate() {
        ServerResponse c = copy();
        c.compression = "deflate";
        return c;
    }

    /** Sets the body to the gzip of {@code decodedSize} zero bytes, with {@code Content-Encoding: gzip}. */
    public ServerResponse gzipBomb(long decodedSize) {
        if (decodedSize < 0) {
            throw new IllegalArgumentException("negative size: " + decodedSize);
        }
        ServerResponse c = copy();
        c.body = GZIP_BOMBS.computeIfAbsent(decodedSize, ServerResponse::gzipOfZeros);
        c.bodyPreEncoded = true;
        c.compression = "gzip";
        return c;
    }

    /** Sends this Content-Length value instead of the true one; the body is still written as is. */
    public ServerResponse contentLength(long value) {
        ServerResponse c = copy();
        c.contentLength = value;
        return c;
    }

    /** Sends neither Content-Length nor chunked framing: the body ends when the server closes the connection. */
    public ServerResponse noContentLength() {
        ServerResponse c = copy();
        c.noContentLength = true;
        return c;
    }

    /** Adds {@code Connection: close} and closes the connection after the response. */
    public ServerResponse closeConnection() {
        ServerResponse c = copy();
        c.closeConnection = true;
        return c;
    }

    /** Adds {@code Keep-Alive: timeout=N}. */
    public ServerResponse keepAliveTimeout(int seconds) {
        ServerResponse c = copy();
        c.keepAliveTimeout = seconds;
        return c;
    }

    /** Sends {@code times} interim responses with this 1xx code before the final response. */
    public ServerResponse informational(int informational, int times) {
        checkInformational(informational);
        ServerResponse c = copy();
        c.informationalCode = informational;
        c.informationalTimes = times;
        return c;
    }

    /** Sends interim responses with this 1xx code every 10 ms until the client closes; never a final response. */
    public ServerResponse endlessInformational(int informational) {
        checkInformational(informational);
        ServerResponse c = copy();
        c.endlessInformationalCode = informational;
        return c;
    }

    /** Waits this long before writing anything. */
    public ServerResponse delayHeaders(Duration delay) {
        ServerResponse c = copy();
        c.delayHeaders = Objects.requireNonNull(delay, "delay");
        return c;
    }

    /**
     * Writes and flushes the head, then writes the body only once {@code gate} completes (either way): a test opens
     * it when the client has the head, so that a fault in the body (a reset that could overtake unread bytes) always
     * happens after the head was read.
     */
    public ServerResponse bodyAfter(CompletableFuture<?> gate) {
        ServerResponse c = copy();
        c.bodyGate = Objects.requireNonNull(gate, "gate");
        return c;
    }

    /**
     * After the whole response, once {@code gate} completes, writes {@code bytes} (ISO-8859-1) that no request asked
     * for, onto a connection the client considers idle.
     */
    public ServerResponse unsolicitedAfter(CompletableFuture<?> gate, String bytes) {
        ServerResponse c = copy();
        c.unsolicitedGate = Objects.requireNonNull(gate, "gate");
        c.unsolicited = bytes.getBytes(StandardCharsets.ISO_8859_1);
        return c;
    }

    /** Writes and flushes the head, waits this long, then writes the body. */
    public ServerResponse delayBody(Duration delay) {
        ServerResponse c = copy();
        c.delayBody = Objects.requireNonNull(delay, "delay");
        return c;
    }

    /** Writes the body (as framed on the wire) {@code bytes} at a time, flushing, with {@code period} between. */
    public ServerResponse throttle(int bytes, Duration period) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes must be positive: " + bytes);
        }
        ServerResponse c = copy();
        c.throttleBytes = bytes;
        c.throttlePeriod = Objects.requireNonNull(period, "period");
        return c;
    }

    /** Writes only the first {@code n} bytes of the final response (head and body), then closes with a FIN. */
    public ServerResponse closeAfterBytes(long n) {
        return truncate(n, false);
    }

    /** Writes only the first {@code n} bytes of the final response (head and body), then resets (TCP RST). */
    public ServerResponse resetAfterBytes(long n) {
        return truncate(n, true);
    }

    /**
     * Writes the whole head, then only the first {@code n} bytes of the body as framed on the wire (chunk-size lines
     * included), then closes with a FIN.
     */
    public ServerResponse closeInsideBody(long n) {
        ServerResponse c = truncate(n, false);
        c.truncateBodyOnly = true;
        return c;
    }

    /** Like {@link #closeInsideBody(long)}, but resets the connection (TCP RST) after those bytes. */
    public ServerResponse resetInsideBody(long n) {
        ServerResponse c = truncate(n, true);
        c.truncateBodyOnly = true;
        return c;
    }

    /** Adds {@code X-Filler-N} headers totalling about {@code bytes} bytes. */
    public ServerResponse hugeHeaders(int bytes) {
        ServerResponse c = copy();
        c.hugeHeaders = bytes;
        return c;
    }

    /** Sends a chunked body whose second chunk-size line is not hexadecimal ({@code zz}). */
    public ServerResponse badChunk() {
        ServerResponse c = copy();
        c.badChunk = true;
        return c;
    }

    /** Writes exactly these bytes as the response and nothing else. */
    public ServerResponse raw(byte[] bytes) {
        ServerResponse c = copy();
        c.raw = bytes.clone();
        return c;
    }

    /** Writes exactly these ISO-8859-1 characters as the response and nothing else. */
    public ServerResponse raw(String ascii) {
        return raw(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads the request and never answers; the connection stays open until the client closes it. */
    public ServerResponse noResponse() {
        ServerResponse c = copy();
        c.noResponse = true;
        return c;
    }

    /** A body of {@code totalBytes} generated on the fly (byte i is {@code i % 251}), written only while writable. */
    public ServerResponse streamBody(long totalBytes) {
        return stream(totalBytes, false);
    }

    /** Like {@link #streamBody(long)} but with chunked framing (16 KiB chunks). */
    public ServerResponse streamBodyChunked(long totalBytes) {
        return stream(totalBytes, true);
    }

    /** How to answer when the request carries {@code Expect: 100-continue} (default {@link ExpectMode#SEND_100}). */
    public ServerResponse expectContinue(ExpectMode mode) {
        ServerResponse c = copy();
        c.expectMode = Objects.requireNonNull(mode, "mode");
        return c;
    }

    /** Answers {@code 101 Switching Protocols} ({@code Upgrade: echo}) and then echoes every byte received. */
    public ServerResponse upgrade() {
        ServerResponse c = copy();
        c.upgrade = true;
        c.code = 101;
        return c;
    }

    /** Sends the body chunked, as the test {@linkplain ChunkFeed#send sends} it through {@code feed}, until it {@linkplain ChunkFeed#end ends}. */
    public ServerResponse feed(ChunkFeed feed) {
        ServerResponse c = copy();
        c.feed = Objects.requireNonNull(feed, "feed");
        return c;
    }

    /** Uses the request body as the response body (status 200 unless set otherwise). */
    public ServerResponse echoBody() {
        ServerResponse c = copy();
        c.echoBody = true;
        return c;
    }

    // ---- package-private accessors for the server ----

    int code() { return code; }
    String reasonPhrase() { return reason; }
    List<Map.Entry<String, String>> headers() { return headers; }
    byte[] body() { return body; }
    int chunkSize() { return chunkSize; }
    List<Map.Entry<String, String>> trailers() { return trailers; }
    String compression() { return compression; }
    boolean bodyPreEncoded() { return bodyPreEncoded; }
    Long contentLengthOverride() { return contentLength; }
    boolean noContentLengthSet() { return noContentLength; }
    boolean closesConnection() { return closeConnection; }
    int keepAliveTimeoutSeconds() { return keepAliveTimeout; }
    int informationalCode() { return informationalCode; }
    int informationalTimes() { return informationalTimes; }
    int endlessInformationalCode() { return endlessInformationalCode; }
    Duration headersDelay() { return delayHeaders; }
    Duration bodyDelay() { return delayBody; }
    int throttleBytes() { return throttleBytes; }
    Duration throttlePeriod() { return throttlePeriod; }
    long truncateAfter() { return truncateAfter; }
    boolean truncateWithReset() { return truncateWithReset; }
    int hugeHeadersBytes() { return hugeHeaders; }
    boolean badChunkSet() { return badChunk; }
    byte[] rawBytes() { return raw; }
    boolean noResponseSet() { return noResponse; }
    long streamTotal() { return streamTotal; }
    boolean streamChunked() { return streamChunked; }
    ExpectMode expectMode() { return expectMode; }
    boolean upgradeSet() { return upgrade; }
    boolean echoBodySet() { return echoBody; }
    CompletableFuture<?> bodyGate() { return bodyGate; }
    boolean truncatesBodyOnly() { return truncateBodyOnly; }
    CompletableFuture<?> unsolicitedGate() { return unsolicitedGate; }
    byte[] unsolicitedBytes() { return unsolicited; }
    ChunkFeed feedSet() { return feed; }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ServerResponse[").append(code);
        if (raw != null) {
            sb.append(" raw ").append(raw.length).append(" bytes");
        } else if (streamTotal >= 0) {
            sb.append(" stream ").append(streamTotal).append(" bytes");
        } else {
            sb.append(' ').append(body.length).append(" body bytes");
        }
        if (chunkSize > 0) {
            sb.append(" chunked(").append(chunkSize).append(')');
        }
        if (compression != null) {
            sb.append(' ').append(compression);
        }
        if (noResponse) {
            sb.append(" noResponse");
        }
        if (truncateAfter >= 0) {
            sb.append(truncateWithReset ? " resetAfter " : " closeAfter ").append(truncateAfter);
        }
        if (closeConnection) {
            sb.append(" close");
        }
        return sb.append(']').toString();
    }

    private ServerResponse truncate(long n, boolean reset) {
        if (n < 0) {
            throw new IllegalArgumentException("negative byte count: " + n);
        }
        ServerResponse c = copy();
        c.truncateAfter = n;
        c.truncateWithReset = reset;
        return c;
    }

    private ServerResponse stream(long totalBytes, boolean chunkedStream) {
        if (totalBytes < 0) {
            throw new IllegalArgumentException("negative size: " + totalBytes);
        }
        ServerResponse c = copy();
        c.streamTotal = totalBytes;
        c.streamChunked = chunkedStream;
        return c;
    }

    private static void checkInformational(int informational) {
        if (informational < 100 || informational > 199) {
            throw new IllegalArgumentException("not a 1xx status: " + informational);
        }
    }

    private ServerResponse copy() {
        ServerResponse c = new ServerResponse(code);
        c.reason = reason;
        c.headers = headers;
        c.body = body;
        c.chunkSize = chunkSize;
        c.trailers = trailers;
        c.compression = compression;
        c.bodyPreEncoded = bodyPreEncoded;
        c.contentLength = contentLength;
        c.noContentLength = noContentLength;
        c.closeConnection = closeConnection;
        c.keepAliveTimeout = keepAliveTimeout;
        c.informationalCode = informationalCode;
        c.informationalTimes = informationalTimes;
        c.endlessInformationalCode = endlessInformationalCode;
        c.delayHeaders = delayHeaders;
        c.delayBody = delayBody;
        c.throttleBytes = throttleBytes;
        c.throttlePeriod = throttlePeriod;
        c.truncateAfter = truncateAfter;
        c.truncateWithReset = truncateWithReset;
        c.hugeHeaders = hugeHeaders;
        c.badChunk = badChunk;
        c.raw = raw;
        c.noResponse = noResponse;
        c.streamTotal = streamTotal;
        c.streamChunked = streamChunked;
        c.expectMode = expectMode;
        c.upgrade = upgrade;
        c.echoBody = echoBody;
        c.bodyGate = bodyGate;
        c.truncateBodyOnly = truncateBodyOnly;
        c.unsolicitedGate = unsolicitedGate;
        c.unsolicited = unsolicited;
        c.feed = feed;
        return c;
    }

    private static List<Map.Entry<String, String>> append(List<Map.Entry<String, String>> list, String name,
            String value) {
        List<Map.Entry<String, String>> copy = new ArrayList<>(list);
        copy.add(Map.entry(name, value));
        return List.copyOf(copy);
    }

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
