package dev.courier.http;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * The cause of a {@link RequestException} when an HTTP/2 server reset the stream (RST_STREAM) or went
 * away (GOAWAY) under it: the error code as RFC 9113 section 7 defines it, and for a GOAWAY the last
 * stream id the server processed and its debug data.
 */
public final class Http2Exception extends IOException {
    /** The HTTP/2 error code. */
    private final long errorCode;
    /** The GOAWAY's last stream id, or -1 for a stream reset. */
    private final int lastStreamId;
    /** The GOAWAY's debug data, or empty. */
    private final String debugData;

    /**
     * A stream reset (RST_STREAM).
     *
     * @param message what happened, for the exception's message
     * @param errorCode the RST_STREAM's error code
     */
    public Http2Exception(String message, long errorCode) {
        this(message, errorCode, -1, "");
    }

    /**
     * A GOAWAY: {@code lastStreamId} is the highest stream the server may have processed.
     *
     * @param message what happened, for the exception's message
     * @param errorCode the GOAWAY's error code
     * @param lastStreamId the GOAWAY's last stream id, 0 or more
     * @param debugData the GOAWAY's debug data as text, or null for none
     */
    public Http2Exception(String message, long errorCode, int lastStreamId, String debugData) {
        super(message);
        this.errorCode = errorCode;
        this.lastStreamId = lastStreamId;
        this.debugData = debugData == null ? "" : debugData;
    }

    /** {@return the HTTP/2 error code, e.g. 0x7 for REFUSED_STREAM} */
    public long errorCode() {
        return errorCode;
    }

    /**
     * {@return the error code's RFC 9113 name, e.g. "REFUSED_STREAM", or "UNKNOWN" for a code it does not
     * define}
     */
    public String errorName() {
        io.netty.handler.codec.http2.Http2Error e = io.netty.handler.codec.http2.Http2Error.valueOf(errorCode);
        return e == null ? "UNKNOWN" : e.name();
    }

    /** {@return whether the server sent GOAWAY (rather than resetting only this stream)} */
    public boolean isGoAway() {
        return lastStreamId >= 0;
    }

    /** {@return for a GOAWAY, the last stream id the server processed; empty for a stream reset} */
    public OptionalInt lastStreamId() {
        return lastStreamId >= 0 ? OptionalInt.of(lastStreamId) : OptionalInt.empty();
    }

    /** {@return for a GOAWAY, the server's debug data as text (often a reason), else empty} */
    public String debugData() {
        return debugData;
    }
}
