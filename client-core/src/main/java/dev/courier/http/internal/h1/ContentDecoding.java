package dev.courier.http.internal.h1;

import dev.courier.http.internal.body.ContentCodings;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.compression.Decompressor;
import io.netty.handler.codec.compression.JdkZlibDecompressor;
import io.netty.handler.codec.compression.ZlibWrapper;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Reading the parts of a response head that shape its body (content coding, charset), and describing a
 * bad head. The public methods take header values as text, for HTTP/2's header blocks.
 */
public final class ContentDecoding {
    private static final byte[] CHARSET_EQ = Ascii.bytes("charset=");
    private static final byte[] UTF_8 = Ascii.bytes("utf-8");

    private ContentDecoding() {
    }

    /**
     * A decompressor for a {@link ResponseHead} content coding if it is one Courier asked for (gzip,
     * deflate, and br and zstd when {@link ContentCodings} has them), else null. Deflate accepts both the
     * zlib format (RFC 9110) and the raw deflate some servers send.
     */
    static Decompressor decompressorFor(byte coding, ByteBufAllocator alloc) {
        switch (coding) {
            case ResponseHead.CODING_GZIP:
                return ContentCodings.named("gzip", zlib(ZlibWrapper.GZIP, alloc));
            case ResponseHead.CODING_DEFLATE:
                return ContentCodings.named("deflate", zlib(ZlibWrapper.ZLIB_OR_NONE, alloc));
            case ResponseHead.CODING_BR:
                return ContentCodings.brotli() ? ContentCodings.brotliDecompressor(alloc) : null;
            case ResponseHead.CODING_ZSTD:
                return ContentCodings.zstd() ? ContentCodings.zstdDecompressor(alloc) : null;
            default:
                return null;
        }
    }

    private static Decompressor zlib(ZlibWrapper wrapper, ByteBufAllocator alloc) {
        return JdkZlibDecompressor.builder().wrapper(wrapper).decompressConcatenated(true).build(alloc);
    }

    /** A decompressor for a Content-Encoding value (a coding Courier asks for), else null. */
    public static Decompressor decompressorFor(CharSequence contentEncoding, ByteBufAllocator alloc) {
        if (contentEncoding == null) {
            return null;
        }
        String c = contentEncoding.toString().trim().toLowerCase(java.util.Locale.ROOT);
        byte coding = c.equals("gzip") || c.equals("x-gzip") ? ResponseHead.CODING_GZIP
                : c.equals("deflate") ? ResponseHead.CODING_DEFLATE
                : c.equals("br") ? ResponseHead.CODING_BR
                : c.equals("zstd") ? ResponseHead.CODING_ZSTD : ResponseHead.CODING_NONE;
        return decompressorFor(coding, alloc);
    }

    /** The charset a Content-Type value names, or UTF-8. */
    public static Charset charset(CharSequence contentType) {
        if (contentType == null) {
            return StandardCharsets.UTF_8;
        }
        byte[] v = contentType.toString().getBytes(StandardCharsets.ISO_8859_1);
        return charset(v, 0, v.length);
    }

    /**
     * The cause of the RequestException for a response head the decoder could not read: a head over the
     * size limit or cut short by the server closing stays an IOException; a malformed one (the decoder's
     * IllegalArgumentException) becomes a {@link java.net.ProtocolException}, so that callers tell a
     * broken server apart by type, not by message.
     */
    static java.io.IOException headFailure(Throwable cause) {
        if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
            return new java.io.IOException(cause.getMessage(), cause);
        }
        if (cause instanceof io.netty.handler.codec.PrematureChannelClosureException) {
            return new java.io.IOException("connection closed while reading the response head", cause);
        }
        return malformed("malformed response head: " + cause.getMessage(), cause);
    }

    /** A {@link java.net.ProtocolException} (it has no constructor taking a cause) with this cause, if not null. */
    public static java.net.ProtocolException malformed(String message, Throwable cause) {
        java.net.ProtocolException e = new java.net.ProtocolException(message);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /**
     * The charset a Content-Type value in {@code v[start, end)} names, or UTF-8 when it names none or one
     * this JVM does not know. Only a charset other than UTF-8 costs a String.
     */
    static Charset charset(byte[] v, int start, int end) {
        int i = Ascii.indexOfIgnoreCase(v, start, end, CHARSET_EQ);
        if (i < 0) {
            return StandardCharsets.UTF_8;
        }
        int s = i + CHARSET_EQ.length;
        int e = s;
        while (e < end && v[e] != ';') {
            e++;
        }
        while (s < e && (FieldReader.isOws(v[s]) || v[s] == '"')) {
            s++;
        }
        while (e > s && (FieldReader.isOws(v[e - 1]) || v[e - 1] == '"')) {
            e--;
        }
        if (Ascii.equalsIgnoreCase(v, s, e, UTF_8)) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(Ascii.string(v, s, e).replace("\"", ""));
        } catch (RuntimeException unknown) {
            return StandardCharsets.UTF_8; // an unknown charset falls back to UTF-8 rather than failing the body
        }
    }
}
