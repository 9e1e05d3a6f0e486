package dev.courier.http.testing;

import dev.courier.http.Headers;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One request as an {@link H2TestServer} received it: pseudo-headers, headers, body, trailers and where it arrived.
 *
 * <p>A request is recorded when its body ends (END_STREAM), or, if it never ends, when the client resets its stream
 * or the connection closes; then {@code bodyComplete} is false and the body holds what arrived.
 *
 * @param protocol        {@code "h2"} (TLS, ALPN), {@code "h2c"} (prior knowledge) or {@code "http/1.1"} (ALPN
 *                        fallback)
 * @param method          {@code :method}, e.g. {@code GET}
 * @param path            {@code :path} as sent, query included, e.g. {@code /a?b=1}
 * @param authority       {@code :authority} (the Host header for http/1.1), or null when absent
 * @param scheme          {@code :scheme}, e.g. {@code https} ({@code https} for http/1.1)
 * @param headers         the regular header fields in arrival order (no pseudo-headers; names lower case in h2)
 * @param body            body bytes (at most {@link #MAX_BODY_BYTES}; beyond that only {@code bodySize} counts)
 * @param bodySize        number of body bytes received
 * @param trailers        trailer fields (a HEADERS frame after the body), empty if none
 * @param bodyComplete    whether the request ended normally with END_STREAM (false: reset or connection lost)
 * @param streamId        the HTTP/2 stream id (0 for http/1.1)
 * @param connectionIndex 0 for the server's first accepted connection, 1 for the next, ...
 */
public record H2RecordedRequest(String protocol, String method, String path, String authority, String scheme,
        Headers headers, byte[] body, long bodySize, Headers trailers, boolean bodyComplete, int streamId,
        int connectionIndex) {

    /** The most body bytes a recorded request keeps (16 MiB). */
    public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    /** Checks the required fields. */
    public H2RecordedRequest {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(trailers, "trailers");
        body = body == null ? new byte[0] : body;
    }

    /** The first value of the named header (case-insensitive), or null. */
    public String header(String name) {
        return headers.first(name);
    }

    /** Every value of the named header (case-insensitive), in arrival order; empty if none. */
    public List<String> headers(String name) {
        return headers.all(name);
    }

    /** The headers as a map from name to values (see {@link Headers#map()}). */
    public Map<String, List<String>> headerMap() {
        return headers.map();
    }

    /** The first value of the named trailer (case-insensitive), or null. */
    public String trailer(String name) {
        return trailers.first(name);
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The query of {@link #path()} (after {@code ?}), or null when it has none. */
    public String query() {
        int q = path == null ? -1 : path.indexOf('?');
        return q < 0 ? null : path.substring(q + 1);
    }

    @Override
    public String toString() {
        return method + " " + scheme + "://" + authority + path + " (" + protocol + ", connection "
                + connectionIndex + ", stream " + streamId + ", " + bodySize + " body bytes"
                + (bodyComplete ? "" : ", body incomplete") + ")";
    }
}
