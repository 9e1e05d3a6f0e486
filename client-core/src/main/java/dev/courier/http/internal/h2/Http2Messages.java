package dev.courier.http.internal.h2;

import dev.courier.http.Headers;
import dev.courier.http.Request;
import dev.courier.http.RequestBody;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.net.URI;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Converts between Courier's messages and HTTP/2 header blocks (RFC 9113 section 8): pseudo-header
 * fields, lower-case names, no connection-specific fields.
 */
final class Http2Messages {
    /** gzip and deflate, and br and zstd when their optional libraries load. */
    private static final AsciiString GZIP_DEFLATE = AsciiString.cached(dev.courier.http.internal.body.ContentCodings.ACCEPT_ENCODING);
    private static final AsciiString ZERO = AsciiString.cached("0");

    private Http2Messages() {
    }

    /** The request's header block; {@code acceptEncoding[0]} tells whether Courier added Accept-Encoding. */
    static Http2Headers requestHeaders(Request request, String userAgent, boolean disableCompression,
                                       boolean[] acceptEncoding) {
        Headers user = request.headers();
        DefaultHttp2Headers h = new DefaultHttp2Headers(false, user.size() + 8);
        URI uri = request.uri();
        String host = user.first("Host");
        h.method(request.method());
        h.scheme(uri.getScheme().toLowerCase(Locale.ROOT));
        h.authority(host != null ? host : request.hostHeader());
        h.path(dev.courier.http.internal.RequestTarget.originForm(uri));
        boolean hasUserAgent = false;
        boolean hasAcceptEncoding = false;
        boolean hasRange = false;
        for (int i = 0; i < user.size(); i++) {
            String name = user.name(i).toLowerCase(Locale.ROOT);
            String value = user.value(i);
            switch (name) {
                case "host":
                case "content-length":
                case "transfer-encoding":
                case "connection":
                case "keep-alive":
                case "proxy-connection":
                case "upgrade":
                    continue; // connection-specific: forbidden in HTTP/2 (RFC 9113 section 8.2.2)
                case "te":
                    if (!value.trim().equalsIgnoreCase("trailers")) {
                        continue;
                    }
                    break;
                default:
                    break;
            }
            hasUserAgent |= name.equals("user-agent");
            hasAcceptEncoding |= name.equals("accept-encoding");
            hasRange |= name.equals("range");
            h.add(name, value);
        }
        if (!hasUserAgent && !userAgent.isEmpty()) {
            h.add("user-agent", userAgent);
        }
        RequestBody body = request.body();
        if (body != null && body.contentLength() >= 0) {
            h.add("content-length", Long.toString(body.contentLength()));
        } else if (body == null && (request.method().equals("POST") || request.method().equals("PUT")
                || request.method().equals("PATCH"))) {
            h.add("content-length", ZERO);
        }
        if (!disableCompression && !hasAcceptEncoding && !hasRange && !request.method().equals("HEAD")) {
            h.add("accept-encoding", GZIP_DEFLATE);
            acceptEncoding[0] = true;
        }
        return h;
    }

    /** The response's or trailers' regular fields as {@link Headers}; {@code stripEncoding} once Courier decodes the body. */
    static Headers toHeaders(Http2Headers h, boolean stripEncoding) {
        if (h.isEmpty()) {
            return Headers.empty();
        }
        Headers.Builder b = Headers.newBuilder();
        Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iterator();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                continue;
            }
            String n = name.toString();
            if (stripEncoding && (n.equals("content-encoding") || n.equals("content-length"))) {
                continue;
            }
            try {
                b.add(n, e.getValue().toString());
            } catch (IllegalArgumentException invalid) {
                // A field we would never send (the codec does not validate values): skip it rather than fail.
            }
        }
        return b.build();
    }
}
