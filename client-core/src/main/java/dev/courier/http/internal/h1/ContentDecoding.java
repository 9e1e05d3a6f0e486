package dev.courier.http.internal.h1;

import dev.courier.http.Headers;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.compression.Decompressor;
import io.netty.handler.codec.compression.JdkZlibDecompressor;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** Reading the parts of a response head that shape its body (content coding, charset, keep-alive timeout), and describing a bad head. */
public final class ContentDecoding {
    private ContentDecoding() {
    }

    /**
     * A decompressor for {@code contentEncoding} if it is one Courier asked for (gzip, deflate), else
     * null. Deflate accepts both the zlib format (RFC 9110) and the raw deflate some servers send.
     */
    public static Decompressor decompressorFor(String contentEncoding, ByteBufAllocator alloc) {
        if (contentEncoding == null) {
            return null;
        }
        String coding = contentEncoding.trim().toLowerCase(Locale.ROOT);
        ZlibWrapper wrapper;
        switch (coding) {
            case "gzip":
            case "x-gzip":
                wrapper = ZlibWrapper.GZIP;
                break;
            case "deflate":
            case "x-deflate":
                wrapper = ZlibWrapper.ZLIB_OR_NONE;
                break;
            default:
                return null;
        }
        return JdkZlibDecompressor.builder().wrapper(wrapper).decompressConcatenated(true).build(alloc);
    }

    /** What went wrong with a response head the codec could not decode, for the error message. */
    static String describeHeadFailure(Throwable cause, int maxResponseHeaderBytes) {
        if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
            return "the response head exceeds maxResponseHeaderBytes (" + maxResponseHeaderBytes + " bytes): "
                    + cause.getMessage();
        }
        if (cause instanceof io.netty.handler.codec.PrematureChannelClosureException) {
            return "connection closed while reading the response head";
        }
        return "malformed response head: " + cause.getMessage();
    }

    /** The charset a Content-Type names, or UTF-8. */
    public static Charset charset(String contentType) {
        if (contentType != null) {
            int i = contentType.toLowerCase(Locale.ROOT).indexOf("charset=");
            if (i >= 0) {
                String name = contentType.substring(i + 8).split(";", 2)[0].trim().replace("\"", "");
                try {
                    return Charset.forName(name);
                } catch (RuntimeException ignored) {
                    // An unknown charset falls back to UTF-8 rather than failing the body.
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** The {@code timeout} parameter of a Keep-Alive header in seconds, or -1. */
    static long keepAliveTimeoutSeconds(String keepAlive) {
        for (String part : keepAlive.split(",")) {
            String p = part.trim();
            if (p.regionMatches(true, 0, "timeout=", 0, 8)) {
                try {
                    return Long.parseLong(p.substring(8).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Converts codec headers; {@code stripEncoding} drops Content-Encoding and Content-Length after decompression. */
    static Headers toHeaders(HttpHeaders h, boolean stripEncoding) {
        if (h.isEmpty()) {
            return Headers.empty();
        }
        Headers.Builder b = Headers.newBuilder();
        Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            String name = e.getKey().toString();
            if (stripEncoding && (name.equalsIgnoreCase("Content-Encoding") || name.equalsIgnoreCase("Content-Length"))) {
                continue;
            }
            try {
                b.add(name, e.getValue().toString());
            } catch (IllegalArgumentException invalid) {
                // The codec let through a field we would never send; skip it rather than fail the response.
            }
        }
        return b.build();
    }
}
