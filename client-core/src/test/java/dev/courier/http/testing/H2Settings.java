package dev.courier.http.testing;

import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The SETTINGS an {@link H2TestServer} advertises on every connection; a null component keeps Netty's default
 * (MAX_CONCURRENT_STREAMS 100, a 65,535-byte stream window, 16,384-byte frames, an 8,192-byte header list).
 *
 * <p>Netty enforces the server's own limits: a stream beyond {@code maxConcurrentStreams} is refused (RST_STREAM
 * REFUSED_STREAM) at once, request headers beyond {@code maxHeaderListSize} fail the stream, and
 * {@code initialWindowSize} bounds how much request body a client may send on a stream before the server returns
 * credit.
 *
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS; {@link #NO_STREAM_LIMIT} leaves it out of the frame
 * @param initialWindowSize    SETTINGS_INITIAL_WINDOW_SIZE (the client's send window per stream)
 * @param maxFrameSize         SETTINGS_MAX_FRAME_SIZE (16,384 to 16,777,215)
 * @param maxHeaderListSize    SETTINGS_MAX_HEADER_LIST_SIZE
 */
public record H2Settings(Integer maxConcurrentStreams, Integer initialWindowSize, Integer maxFrameSize,
        Integer maxHeaderListSize) {
    /** As {@code maxConcurrentStreams}: no SETTINGS_MAX_CONCURRENT_STREAMS at all, i.e. no limit (RFC 9113 6.5.2). */
    public static final int NO_STREAM_LIMIT = -1;

    /** Validates the values against the ranges RFC 9113 allows (IllegalArgumentException otherwise). */
    public H2Settings {
        check("maxConcurrentStreams", maxConcurrentStreams, NO_STREAM_LIMIT, Integer.MAX_VALUE);
        check("initialWindowSize", initialWindowSize, 0, Integer.MAX_VALUE);
        check("maxFrameSize", maxFrameSize, 16_384, 16_777_215);
        check("maxHeaderListSize", maxHeaderListSize, 0, Integer.MAX_VALUE);
    }

    /** Netty's defaults for every setting. */
    public static H2Settings defaults() {
        return new H2Settings(null, null, null, null);
    }

    /** A copy whose SETTINGS carry no SETTINGS_MAX_CONCURRENT_STREAMS (no limit; Netty's default sends 100). */
    public H2Settings withoutStreamLimit() {
        return new H2Settings(NO_STREAM_LIMIT, initialWindowSize, maxFrameSize, maxHeaderListSize);
    }

    /** A copy with SETTINGS_MAX_CONCURRENT_STREAMS set. */
    public H2Settings withMaxConcurrentStreams(int n) {
        return new H2Settings(n, initialWindowSize, maxFrameSize, maxHeaderListSize);
    }

    /** A copy with SETTINGS_INITIAL_WINDOW_SIZE set. */
    public H2Settings withInitialWindowSize(int bytes) {
        return new H2Settings(maxConcurrentStreams, bytes, maxFrameSize, maxHeaderListSize);
    }

    /** A copy with SETTINGS_MAX_FRAME_SIZE set. */
    public H2Settings withMaxFrameSize(int bytes) {
        return new H2Settings(maxConcurrentStreams, initialWindowSize, bytes, maxHeaderListSize);
    }

    /** A copy with SETTINGS_MAX_HEADER_LIST_SIZE set. */
    public H2Settings withMaxHeaderListSize(int bytes) {
        return new H2Settings(maxConcurrentStreams, initialWindowSize, maxFrameSize, bytes);
    }

    private static void check(String name, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ": " + value);
        }
    }

    /** These settings on top of Netty's defaults, as the server's first SETTINGS frame carries them. */
    Http2Settings toNetty() {
        Http2Settings s = Http2Settings.defaultSettings();
        if (maxConcurrentStreams != null && maxConcurrentStreams == NO_STREAM_LIMIT) {
            s.remove(Http2CodecUtil.SETTINGS_MAX_CONCURRENT_STREAMS);
        } else if (maxConcurrentStreams != null) {
            s.maxConcurrentStreams(maxConcurrentStreams);
        }
        if (initialWindowSize != null) {
            s.initialWindowSize(initialWindowSize);
        }
        if (maxFrameSize != null) {
            s.maxFrameSize(maxFrameSize);
        }
        if (maxHeaderListSize != null) {
            s.maxHeaderListSize(maxHeaderListSize);
        }
        return s;
    }
}
