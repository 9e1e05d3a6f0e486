package dev.courier.http.internal.h1;

import dev.courier.http.Headers;
import io.netty.buffer.ByteBuf;
import java.nio.charset.Charset;
import java.util.function.Supplier;

/**
 * A response head as {@link Http1ResponseDecoder} produces it: the status line, and what the fields that
 * frame the body and decide the connection's fate say (read once by byte comparison, see
 * {@link HeadParser}). The header fields stay as a copy of the head's bytes and become {@link Headers}
 * only when someone asks ({@link #get()}), so a caller that reads only the status and body never pays
 * for a String per field.
 *
 * <p>Filled in by the parser on the event loop and not changed after the response is published, except
 * {@link #stripEncoding}, which is set before.
 */
final class ResponseHead implements Supplier<Headers> {
    static final byte CODING_NONE = 0;
    static final byte CODING_GZIP = 1;
    static final byte CODING_DEFLATE = 2;
    static final byte CODING_OTHER = 3;
    static final byte CODING_BR = 4;
    static final byte CODING_ZSTD = 5;

    /**
     * The field lines, each ending in LF (CR optional), without the status line (parsed from the read
     * buffer, never copied) and the blank line.
     */
    final byte[] bytes;

    int status;
    String reason;
    boolean http10;
    /** The declared body length, or -1: absent, or ignored because the body is chunked. */
    long contentLength = -1;
    boolean chunked;
    /** The server lets the connection carry another request (RFC 9112 section 9.3). */
    boolean persistent;
    /** Content-Encoding of the body: one of the CODING constants. */
    byte contentCoding = CODING_NONE;
    /** The Keep-Alive header's timeout in seconds (capped at a day), or -1. An int and a byte above: this object is per response. */
    int keepAliveSeconds = -1;
    Charset charset;
    /** The body is decompressed: its Content-Encoding and Content-Length no longer describe it. */
    boolean stripEncoding;
    /** The whole body when it came with the head (a retained slice the receiver owns), else null. */
    ByteBuf body;
    /** The response ends with this head (and its {@link #body}): no body message nor End follows. */
    boolean complete;

    ResponseHead(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Hands over the body that came with the head (null if none); the head no longer refers to it. */
    ByteBuf takeBody() {
        ByteBuf b = body;
        body = null;
        return b;
    }

    /** Releases a body nobody took (the head was dropped). */
    static void release(Object msg) {
        if (msg instanceof ResponseHead) {
            ByteBuf b = ((ResponseHead) msg).takeBody();
            if (b != null) {
                b.release();
            }
        } else {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    /** Whether the body is delimited by the server closing the connection (no length, not chunked). */
    boolean readsUntilClose() {
        return !chunked && contentLength < 0;
    }

    /** Whether this is an interim response (1xx other than 101): another head follows. */
    boolean isInformational() {
        return status < 200 && status != 101;
    }

    /** The header fields; built on first use by the response that holds this head. */
    @Override
    public Headers get() {
        return toHeaders(stripEncoding);
    }

    /**
     * The header fields in order, as sent, except: a repeated Content-Length counts once, Content-Length
     * is dropped when chunked framing overrides it (as Go does), and with {@code stripEncoding} so are
     * Content-Encoding and Content-Length. A field whose name is not a token, which {@link Headers} would
     * refuse, is skipped rather than failing the response (it cannot be a framing field; the values were
     * checked by the parser, see docs/MALFORMED-RESPONSES.md).
     */
    Headers toHeaders(boolean stripEncoding) {
        if (bytes.length == 0) {
            return Headers.empty();
        }
        Headers.Builder b = Headers.newBuilder();
        FieldReader r = new FieldReader().reset(bytes, 0, bytes.length);
        boolean sawLength = false;
        while (r.next()) {
            if (r.nameIs(HeadParser.CONTENT_LENGTH)) {
                if (stripEncoding || chunked || sawLength) {
                    continue;
                }
                sawLength = true;
            } else if (stripEncoding && r.nameIs(HeadParser.CONTENT_ENCODING)) {
                continue;
            }
            try {
                b.add(r.name(), r.valueString());
            } catch (IllegalArgumentException invalid) {
                // A field we would never send ourselves; leave it out rather than fail the response.
            }
        }
        return b.build();
    }
}
