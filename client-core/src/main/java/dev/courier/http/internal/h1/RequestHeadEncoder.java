package dev.courier.http.internal.h1;

import dev.courier.http.Headers;
import dev.courier.http.Request;
import dev.courier.http.RequestBody;
import dev.courier.http.internal.TransportContext;
import dev.courier.http.internal.body.ContentCodings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Writes a request head (Go's {@code Request.write}) straight into the connection's head buffer (see
 * {@link Http1Connection#headBuffer}), so a request costs no header map, no message object and one
 * write: the request line, then Host, the caller's fields minus the framing ones Courier decides, and
 * the fields Courier adds (User-Agent, Content-Length or Transfer-Encoding, Accept-Encoding,
 * Connection), then the blank line.
 *
 * <p>Strings go out one byte per char (a char above U+00FF becomes '?', as Netty's encoder did); the
 * caller's names and values were validated when the request was built, so no CR or LF gets through.
 */
final class RequestHeadEncoder {
    private static final String HTTP11_CRLF = " HTTP/1.1\r\n";
    /** gzip and deflate, and br and zstd when their optional libraries load ({@link ContentCodings}). */
    private static final String GZIP_DEFLATE = ContentCodings.ACCEPT_ENCODING;

    private RequestHeadEncoder() {
    }

    /**
     * The head of {@code request} with {@code body} (null for none) in a buffer with room for
     * {@code extra} more bytes after it (a small body sent in the same write). What it decided goes into
     * {@code decided}'s fields {@code addedAcceptEncoding}, {@code connectionClose} and {@code chunked}
     * (fields of the writer rather than of an encoder object: one object less per request).
     */
    static ByteBuf encode(Http1Connection connection, TransportContext ctx, Request request, RequestBody body,
                          String target, String proxyAuthorization, int extra, RequestWriter decided) {
        String method = request.method();
        String host = request.hostHeader();
        Headers user = request.headers();
        boolean hasUserAgent = false;
        boolean hasAcceptEncoding = false;
        boolean hasRange = false;
        boolean closeAsked = false;
        int size = method.length() + 1 + target.length() + HTTP11_CRLF.length() + fieldSize("Host", host) + 2;
        for (int i = 0; i < user.size(); i++) {
            String name = user.name(i);
            if (isOurs(name, proxyAuthorization)) {
                continue;
            }
            hasUserAgent |= name.equalsIgnoreCase("User-Agent");
            hasAcceptEncoding |= name.equalsIgnoreCase("Accept-Encoding");
            hasRange |= name.equalsIgnoreCase("Range");
            if (name.equalsIgnoreCase("Connection") && containsIgnoreCase(user.value(i), "close")) {
                closeAsked = true;
            }
            size += fieldSize(name, user.value(i));
        }
        String userAgent = hasUserAgent ? "" : ctx.userAgent();
        if (!userAgent.isEmpty()) {
            size += fieldSize("User-Agent", userAgent);
        }
        long length = -1;
        boolean chunked = false;
        if (body != null) {
            length = body.contentLength();
            chunked = length < 0;
        } else if (needsZeroLength(method)) {
            length = 0;
        }
        if (length >= 0) {
            size += "Content-Length: \r\n".length() + digits(length);
        } else if (chunked) {
            size += fieldSize("Transfer-Encoding", "chunked");
        }
        // Go's rule: ask for compression only when the caller expressed no preference and decoding cannot
        // confuse them (a HEAD has no body; a Range of a compressed body is a range of bytes the caller
        // could not decode).
        boolean addedAcceptEncoding = !ctx.disableCompression() && !hasAcceptEncoding && !hasRange && !method.equals("HEAD");
        if (addedAcceptEncoding) {
            size += fieldSize("Accept-Encoding", GZIP_DEFLATE);
        }
        boolean addClose = ctx.disableKeepAlives() && !closeAsked;
        if (addClose) {
            size += fieldSize("Connection", "close");
        }
        if (proxyAuthorization != null) {
            size += fieldSize("Proxy-Authorization", proxyAuthorization);
        }
        decided.addedAcceptEncoding = addedAcceptEncoding;
        decided.connectionClose = closeAsked || addClose;
        decided.chunked = chunked;

        ByteBuf buf = connection.headBuffer(size + extra);
        ByteBufUtil.writeAscii(buf, method);
        buf.writeByte(' ');
        ByteBufUtil.writeAscii(buf, target);
        ByteBufUtil.writeAscii(buf, HTTP11_CRLF);
        field(buf, "Host", host);
        for (int i = 0; i < user.size(); i++) {
            String name = user.name(i);
            if (!isOurs(name, proxyAuthorization)) {
                field(buf, name, user.value(i));
            }
        }
        if (!userAgent.isEmpty()) {
            field(buf, "User-Agent", userAgent);
        }
        if (length >= 0) {
            ByteBufUtil.writeAscii(buf, "Content-Length: ");
            writeDecimal(buf, length);
            buf.writeShort(CRLF);
        } else if (chunked) {
            field(buf, "Transfer-Encoding", "chunked");
        }
        if (addedAcceptEncoding) {
            field(buf, "Accept-Encoding", GZIP_DEFLATE);
        }
        if (proxyAuthorization != null) {
            field(buf, "Proxy-Authorization", proxyAuthorization); // absolute form through an HTTP proxy only
        }
        if (addClose) {
            field(buf, "Connection", "close");
        }
        buf.writeShort(CRLF);
        return buf;
    }

    private static final int CRLF = ('\r' << 8) | '\n';

    /**
     * Host and the framing fields are Courier's to decide (Go ignores the caller's too); so is
     * Proxy-Authorization when the proxy URL has credentials (they win, as Go's Header.Set does).
     */
    private static boolean isOurs(String name, String proxyAuthorization) {
        return name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Content-Length")
                || name.equalsIgnoreCase("Transfer-Encoding")
                || proxyAuthorization != null && name.equalsIgnoreCase("Proxy-Authorization");
    }

    private static int fieldSize(String name, String value) {
        return name.length() + 2 + value.length() + 2;
    }

    private static void field(ByteBuf buf, String name, String value) {
        ByteBufUtil.writeAscii(buf, name);
        buf.writeShort((':' << 8) | ' ');
        ByteBufUtil.writeAscii(buf, value);
        buf.writeShort(CRLF);
    }

    static boolean needsZeroLength(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }

    private static boolean containsIgnoreCase(String s, String lower) {
        for (int i = 0; i + lower.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, lower, 0, lower.length())) {
                return true;
            }
        }
        return false;
    }

    static int digits(long n) {
        int d = 1;
        while (n >= 10) {
            n /= 10;
            d++;
        }
        return d;
    }

    /** Writes a non-negative number in decimal without a String. */
    static void writeDecimal(ByteBuf buf, long n) {
        int d = digits(n);
        int at = buf.writerIndex();
        buf.ensureWritable(d);
        for (int i = d - 1; i >= 0; i--) {
            buf.setByte(at + i, (int) ('0' + n % 10));
            n /= 10;
        }
        buf.writerIndex(at + d);
    }
}
