package dev.courier.http.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request as a {@link TestServer} received it: request line, headers, body, trailers and where it arrived.
 *
 * @param method          request method, e.g. {@code GET}
 * @param target          request target as sent, e.g. {@code /path?q=1}
 * @param version         protocol version, e.g. {@code HTTP/1.1}
 * @param headers         header fields in arrival order
 * @param body            body bytes (at most {@link #MAX_BODY_BYTES}; beyond that only {@code bodySize} counts)
 * @param bodySize        number of body bytes received (decoded from chunked framing if any)
 * @param chunked         whether the request body used {@code Transfer-Encoding: chunked}
 * @param trailers        trailer fields of a chunked body, in arrival order
 * @param connectionIndex 0 for the server's first accepted connection, 1 for the next, ...
 * @param exchangeIndex   0 for the first request on its connection, 1 for the second, ...
 */
public record RecordedRequest(String method, String target, String version,
        List<Map.Entry<String, String>> headers, byte[] body, long bodySize,
        boolean chunked, List<Map.Entry<String, String>> trailers,
        int connectionIndex, int exchangeIndex) {

    /** The most body bytes a recorded request keeps (16 MiB). */
    public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    /** Copies the lists so that the record is immutable. */
    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(version, "version");
        headers = List.copyOf(headers);
        body = body == null ? new byte[0] : body;
        trailers = List.copyOf(trailers);
    }

    /** The first value of the named header (case-insensitive), or null. */
    public String header(String name) {
        for (Map.Entry<String, String> e : headers) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Every value of the named header (case-insensitive), in arrival order; empty if none. */
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> e : headers) {
            if (e.getKey().equalsIgnoreCase(name)) {
                values.add(e.getValue());
            }
        }
        return values;
    }

    /** The first value of the named trailer (case-insensitive), or null. */
    public String trailer(String name) {
        for (Map.Entry<String, String> e : trailers) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The request target without its query string. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    @Override
    public String toString() {
        return method + " " + target + " " + version + " (connection " + connectionIndex + ", exchange "
                + exchangeIndex + ", " + bodySize + " body bytes" + (chunked ? ", chunked" : "") + ")";
    }
}
