package dev.courier.http.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An immutable script telling an {@link H2TestServer} how to answer one request (one stream), faults included.
 *
 * <p>Every method returns a new instance: {@code H2Response.status(200).header("x-a", "1").body("hello")}. The
 * server answers once the request has ended (END_STREAM). It adds {@code content-length} for a body whose length it
 * knows, unless the script sets one; a HEAD request gets the headers only. Header names are sent in lower case, as
 * HTTP/2 requires.
 *
 * <p>Faults ({@code rstStream}, {@code goAwayBefore}, {@code noResponse}, {@code closeConnection},
 * {@code resetConnection}, {@code cutInsideHeaders}, {@code continuationFlood}) replace the answer;
 * {@code rstAfterHeaders}/{@code rstAfterBytes}/{@code resetConnectionAfterBytes} cut it short; {@code goAwayAfter}
 * follows it; {@code ignoreFlowControl} overruns the client's windows.
 */
public final class H2Response {

    private int code;
    private String rawStatus;
    private boolean omitStatus;
    private List<Map.Entry<String, String>> headers = List.of();
    private List<Map.Entry<String, String>> rawHeaders = List.of();
    private byte[] body = new byte[0];
    private List<Map.Entry<String, String>> trailers = List.of();
    private Duration delayHeaders = Duration.ZERO;
    private Duration delayBody = Duration.ZERO;
    private long streamTotal = -1;
    private long rstStream = -1;
    private long rstAfterHeaders = -1;
    private long rstAfterBytes = -1;
    private long rstAfterBytesCode = -1;
    private long goAwayBeforeCode = -1;
    private String goAwayBeforeDebug = "";
    private long goAwayAfterCode = -1;
    private String goAwayAfterDebug = "";
    private int hugeHeaders;
    private int floodFrames;
    private int floodFrameBytes;
    private List<Integer> informational = List.of();
    private boolean gzip;
    private boolean noResponse;
    private boolean echoBody;
    private boolean closeConnection;
    private CompletableFuture<?> bodyGate;
    private boolean resetConnection;
    private boolean resetConnectionAfterBytes;
    private boolean ignoreFlowControl;
    private boolean continuationFlood;
    private boolean cutInsideHeaders;

    private H2Response(int code) {
        if (code < 200 || code > 999) {
            throw new IllegalArgumentException("final status code out of range 200..999: " + code);
        }
        this.code = code;
    }

    /** A response with this final status code, no headers and an empty body. */
    public static H2Response status(int code) {
        return new H2Response(code);
    }

    /** A 200 response with this UTF-8 body and {@code content-type: text/plain; charset=utf-8}. */
    public static H2Response ok(String body) {
        return status(200).header("content-type", "text/plain; charset=utf-8").body(body);
    }

    /** Adds a header field (its name is lower-cased). */
    public H2Response header(String name, String value) {
        H2Response c = copy();
        c.headers = append(headers, name, value);
        return c;
    }

    /**
     * Sends {@code :status} with this value, as given (say "20" or "abc"), instead of the code; or, with null,
     * no {@code :status} at all. For malformed responses; the head then goes out unvalidated.
     */
    public H2Response rawStatus(String value) {
        H2Response c = copy();
        c.rawStatus = value;
        c.omitStatus = value == null;
        return c;
    }

    /**
     * Adds a field exactly as given: the name is not lower-cased and nothing is validated (an upper-case name, a
     * connection-specific field, a pseudo-header, a control character in the value). For malformed responses.
     */
    public H2Response rawHeader(String name, String value) {
        H2Response c = copy();
        c.rawHeaders = append(rawHeaders, name, value);
        return c;
    }

    /** Sets the body as UTF-8 text. */
    public H2Response body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sets the body bytes. */
    public H2Response body(byte[] bytes) {
        H2Response c = copy();
        c.body = bytes.clone();
        return c;
    }

    /** Adds a trailer field, sent in a HEADERS frame with END_STREAM after the body. */
    public H2Response trailer(String name, String value) {
        H2Response c = copy();
        c.trailers = append(trailers, name, value);
        return c;
    }

    /** Adds these trailer fields, in the map's iteration order. */
    public H2Response trailers(Map<String, String> fields) {
        H2Response c = this;
        for (Map.Entry<String, String> e : fields.entrySet()) {
            c = c.trailer(e.getKey(), e.getValue());
        }
        return c;
    }

    /** Waits this long before writing anything for this stream. */
    public H2Response delayHeaders(Duration delay) {
        H2Response c = copy();
        c.delayHeaders = Objects.requireNonNull(delay, "delay");
        return c;
    }

    /** Writes and flushes the HEADERS, then writes the body only once {@code gate} completes (either way). */
    public H2Response bodyAfter(CompletableFuture<?> gate) {
        H2Response c = copy();
        c.bodyGate = Objects.requireNonNull(gate, "gate");
        return c;
    }

    /** Writes and flushes the HEADERS, waits this long, then writes the body. */
    public H2Response delayBody(Duration delay) {
        H2Response c = copy();
        c.delayBody = Objects.requireNonNull(delay, "delay");
        return c;
    }

    /**
     * A body of {@code totalBytes} generated on the fly (byte i is {@code i % 251}), written in 16 KiB DATA
     * writes only while the client's stream and connection windows (and the socket) take more: a client that stops
     * granting WINDOW_UPDATEs stops the server (see {@link H2TestServer#bodyBytesWritten()}).
     */
    public H2Response streamBody(long totalBytes) {
        if (totalBytes < 0) {
            throw new IllegalArgumentException("negative size: " + totalBytes);
        }
        H2Response c = copy();
        c.streamTotal = totalBytes;
        return c;
    }

    /** Answers with RST_STREAM carrying this error code instead of a response (e.g. 7 REFUSED_STREAM). */
    public H2Response rstStream(long errorCode) {
        H2Response c = copy();
        c.rstStream = checkCode(errorCode);
        return c;
    }

    /** Sends the response HEADERS (without END_STREAM), then RST_STREAM with this error code. */
    public H2Response rstAfterHeaders(long errorCode) {
        H2Response c = copy();
        c.rstAfterHeaders = checkCode(errorCode);
        return c;
    }

    /**
     * Sends the HEADERS and the first {@code n} body bytes, then, once they are written, RST_STREAM with this error
     * code (the trailers are never sent).
     */
    public H2Response rstAfterBytes(long n, long errorCode) {
        if (n < 0) {
            throw new IllegalArgumentException("negative byte count: " + n);
        }
        H2Response c = copy();
        c.rstAfterBytes = n;
        c.rstAfterBytesCode = checkCode(errorCode);
        return c;
    }

    /**
     * Sends GOAWAY with a last-stream-id below this stream (the client's previous stream id, or 0) so this stream
     * counts as unprocessed, and never answers it. Streams at or below the last id are still answered; the
     * connection closes once none is active, whatever the error code.
     */
    public H2Response goAwayBefore(long errorCode, String debugData) {
        H2Response c = copy();
        c.goAwayBeforeCode = checkCode(errorCode);
        c.goAwayBeforeDebug = Objects.requireNonNull(debugData, "debugData");
        return c;
    }

    /**
     * Answers, then (once the answer is written) sends GOAWAY with last-stream-id = this stream; the connection closes
     * once no stream is active.
     */
    public H2Response goAwayAfter(long errorCode, String debugData) {
        H2Response c = copy();
        c.goAwayAfterCode = checkCode(errorCode);
        c.goAwayAfterDebug = Objects.requireNonNull(debugData, "debugData");
        return c;
    }

    /**
     * Adds {@code x-filler-N} headers whose names and values total about {@code bytes} bytes (sent even when that
     * exceeds the client's SETTINGS_MAX_HEADER_LIST_SIZE).
     */
    public H2Response hugeHeaders(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative size: " + bytes);
        }
        H2Response c = copy();
        c.hugeHeaders = bytes;
        return c;
    }

    /**
     * Answers with a header block that never ends: a HEADERS frame ({@code :status} only, no END_HEADERS) and then
     * {@code frames} CONTINUATION frames of {@code frameBytes} bytes each, none with END_HEADERS (a CONTINUATION
     * flood; the fields are HPACK literals without indexing, so the server's own HPACK state is untouched). Written
     * as raw frames: Netty's encoder never splits a block that way.
     */
    public H2Response continuationFlood(int frames, int frameBytes) {
        if (frames < 1 || frameBytes < 1 || frameBytes > 16_384) {
            throw new IllegalArgumentException("frames >= 1 and 1 <= frameBytes <= 16384: " + frames + ", " + frameBytes);
        }
        H2Response c = copy();
        c.floodFrames = frames;
        c.floodFrameBytes = frameBytes;
        return c;
    }

    /** Sends an interim response with this 1xx status (e.g. 103, with a {@code link} header) first; repeatable. */
    public H2Response informational(int status) {
        if (status < 100 || status > 199 || status == 101) {
            throw new IllegalArgumentException("not an interim status usable in HTTP/2: " + status);
        }
        H2Response c = copy();
        List<Integer> list = new ArrayList<>(informational);
        list.add(status);
        c.informational = List.copyOf(list);
        return c;
    }

    /** Compresses the body (or the echoed body) with gzip and sets {@code content-encoding: gzip}. */
    public H2Response gzip() {
        H2Response c = copy();
        c.gzip = true;
        return c;
    }

    /** Never answers this stream (the client must time out or cancel); the connection stays open. */
    public H2Response noResponse() {
        H2Response c = copy();
        c.noResponse = true;
        return c;
    }

    /** Uses the request body as the response body. */
    public H2Response echoBody() {
        H2Response c = copy();
        c.echoBody = true;
        return c;
    }

    /** Closes the TCP connection abruptly (no GOAWAY, no TLS close_notify) instead of answering. */
    public H2Response closeConnection() {
        H2Response c = copy();
        c.closeConnection = true;
        return c;
    }

    /** Resets the TCP connection (RST: no GOAWAY, no TLS close_notify) instead of answering. */
    public H2Response resetConnection() {
        H2Response c = copy();
        c.resetConnection = true;
        return c;
    }

    /**
     * Sends the HEADERS and the first {@code n} body bytes, then, once they are written, resets the TCP connection
     * (RST) rather than the stream.
     */
    public H2Response resetConnectionAfterBytes(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative byte count: " + n);
        }
        H2Response c = copy();
        c.rstAfterBytes = n;
        c.rstAfterBytesCode = 0;
        c.resetConnectionAfterBytes = true;
        return c;
    }

    /**
     * Writes the body's DATA frames without regard to the client's flow-control windows (RFC 9113 section 6.9): a
     * body larger than the client's stream window, unread by the client, overruns it.
     */
    public H2Response ignoreFlowControl() {
        H2Response c = copy();
        c.ignoreFlowControl = true;
        return c;
    }

    /**
     * Answers with a HEADERS frame without END_HEADERS and then CONTINUATION frames of 1 KiB header fields, never
     * ending the header block, until the client closes the connection (at most 64 MiB).
     */
    public H2Response continuationFlood() {
        H2Response c = copy();
        c.continuationFlood = true;
        return c;
    }

    /** Sends a HEADERS frame without END_HEADERS (the header block is cut short), then resets the TCP connection. */
    public H2Response cutInsideHeaders() {
        H2Response c = copy();
        c.cutInsideHeaders = true;
        return c;
    }

    // ---- package-private accessors for the server ----

    int code() { return code; }
    String rawStatus() { return rawStatus; }
    boolean omitsStatus() { return omitStatus; }
    List<Map.Entry<String, String>> headers() { return headers; }
    List<Map.Entry<String, String>> rawHeaders() { return rawHeaders; }
    byte[] body() { return body; }
    List<Map.Entry<String, String>> trailers() { return trailers; }
    Duration headersDelay() { return delayHeaders; }
    Duration bodyDelay() { return delayBody; }
    long streamTotal() { return streamTotal; }
    long rstStreamCode() { return rstStream; }
    long rstAfterHeadersCode() { return rstAfterHeaders; }
    long rstAfterBytesCount() { return rstAfterBytes; }
    long rstAfterBytesCode() { return rstAfterBytesCode; }
    long goAwayBeforeCode() { return goAwayBeforeCode; }
    String goAwayBeforeDebug() { return goAwayBeforeDebug; }
    long goAwayAfterCode() { return goAwayAfterCode; }
    String goAwayAfterDebug() { return goAwayAfterDebug; }
    int hugeHeadersBytes() { return hugeHeaders; }
    int floodFrames() { return floodFrames; }
    int floodFrameBytes() { return floodFrameBytes; }
    List<Integer> informationalCodes() { return informational; }
    boolean gzipSet() { return gzip; }
    boolean noResponseSet() { return noResponse; }
    boolean echoBodySet() { return echoBody; }
    boolean closeConnectionSet() { return closeConnection; }
    CompletableFuture<?> bodyGate() { return bodyGate; }
    boolean resetConnectionSet() { return resetConnection; }
    boolean resetsConnectionAfterBytes() { return resetConnectionAfterBytes; }
    boolean ignoresFlowControl() { return ignoreFlowControl; }
    boolean continuationFloodSet() { return continuationFlood; }
    boolean cutInsideHeadersSet() { return cutInsideHeaders; }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("H2Response[").append(code);
        if (streamTotal >= 0) {
            sb.append(" stream ").append(streamTotal).append(" bytes");
        } else if (echoBody) {
            sb.append(" echo");
        } else {
            sb.append(' ').append(body.length).append(" body bytes");
        }
        if (noResponse) {
            sb.append(" noResponse");
        }
        if (closeConnection) {
            sb.append(" closeConnection");
        }
        if (rstStream >= 0) {
            sb.append(" rstStream ").append(rstStream);
        }
        if (goAwayBeforeCode >= 0) {
            sb.append(" goAwayBefore ").append(goAwayBeforeCode);
        }
        return sb.append(']').toString();
    }

    private static long checkCode(long errorCode) {
        if (errorCode < 0 || errorCode > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("HTTP/2 error code out of range: " + errorCode);
        }
        return errorCode;
    }

    private static List<Map.Entry<String, String>> append(List<Map.Entry<String, String>> list, String name,
            String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        List<Map.Entry<String, String>> copy = new ArrayList<>(list);
        copy.add(Map.entry(name, value));
        return List.copyOf(copy);
    }

    private H2Response copy() {
        H2Response c = new H2Response(code);
        c.rawStatus = rawStatus;
        c.omitStatus = omitStatus;
        c.headers = headers;
        c.rawHeaders = rawHeaders;
        c.body = body;
        c.trailers = trailers;
        c.delayHeaders = delayHeaders;
        c.delayBody = delayBody;
        c.streamTotal = streamTotal;
        c.rstStream = rstStream;
        c.rstAfterHeaders = rstAfterHeaders;
        c.rstAfterBytes = rstAfterBytes;
        c.rstAfterBytesCode = rstAfterBytesCode;
        c.goAwayBeforeCode = goAwayBeforeCode;
        c.goAwayBeforeDebug = goAwayBeforeDebug;
        c.goAwayAfterCode = goAwayAfterCode;
        c.goAwayAfterDebug = goAwayAfterDebug;
        c.hugeHeaders = hugeHeaders;
        c.floodFrames = floodFrames;
        c.floodFrameBytes = floodFrameBytes;
        c.informational = informational;
        c.gzip = gzip;
        c.noResponse = noResponse;
        c.echoBody = echoBody;
        c.closeConnection = closeConnection;
        c.bodyGate = bodyGate;
        c.resetConnection = resetConnection;
        c.resetConnectionAfterBytes = resetConnectionAfterBytes;
        c.ignoreFlowControl = ignoreFlowControl;
        c.continuationFlood = continuationFlood;
        c.cutInsideHeaders = cutInsideHeaders;
        return c;
    }
}
