package dev.courier.http.opentelemetry;

import dev.courier.http.Protocol;
import io.opentelemetry.api.common.AttributeKey;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * The stable HTTP client semantic conventions of OpenTelemetry that Courier emits (the attribute names
 * are written here, not taken from the incubating semconv artifact, so that this module needs the API
 * alone), and the rules that turn a request and its outcome into their values.
 */
final class SemanticAttributes {
    static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL = AttributeKey.stringKey("http.request.method_original");
    static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
    static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> NETWORK_PROTOCOL_VERSION = AttributeKey.stringKey("network.protocol.version");

    /** The advised buckets of {@code http.client.request.duration}, in seconds. */
    static final List<Double> DURATION_BUCKETS = List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
            5.0, 7.5, 10.0);

    /** RFC 9110's methods and PATCH (RFC 5789): the conventions' default set of known methods. */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH");
    /** Query parameters whose values the conventions say to redact in url.full (signed URLs). */
    private static final List<String> SENSITIVE_QUERY = List.of("AWSAccessKeyId", "Signature", "sig", "X-Goog-Signature");
    static final String OTHER_METHOD = "_OTHER";

    private SemanticAttributes() {
    }

    /** The method as the conventions want it: a known method as is, anything else {@value #OTHER_METHOD}. */
    static String method(String method) {
        return KNOWN_METHODS.contains(method) ? method : OTHER_METHOD;
    }

    /** "1.0", "1.1" or "2". */
    static String protocolVersion(Protocol protocol) {
        switch (protocol) {
            case HTTP_1_0:
                return "1.0";
            case HTTP_2:
                return "2";
            case HTTP_1_1:
            default:
                return "1.1";
        }
    }

    static long port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /**
     * {@code url.full}: the URI with the credentials of its user info replaced by
     * {@code REDACTED:REDACTED} and the values of signed-URL query parameters by {@code REDACTED}, as the
     * conventions require; the URI's own string otherwise (no copy).
     */
    static String urlFull(URI uri) {
        String text = uri.toString();
        String rawQuery = uri.getRawQuery();
        boolean sensitiveQuery = false;
        if (rawQuery != null) {
            for (String key : SENSITIVE_QUERY) {
                if (rawQuery.contains(key + "=")) {
                    sensitiveQuery = true;
                    break;
                }
            }
        }
        if (uri.getRawUserInfo() == null && !sensitiveQuery) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        sb.append(uri.getScheme()).append("://");
        if (uri.getRawUserInfo() != null) {
            sb.append("REDACTED:REDACTED@");
        }
        String host = uri.getHost();
        sb.append(host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host);
        if (uri.getPort() != -1) {
            sb.append(':').append(uri.getPort());
        }
        if (uri.getRawPath() != null) {
            sb.append(uri.getRawPath());
        }
        if (rawQuery != null) {
            sb.append('?').append(sensitiveQuery ? redactQuery(rawQuery) : rawQuery);
        }
        if (uri.getRawFragment() != null) {
            sb.append('#').append(uri.getRawFragment());
        }
        return sb.toString();
    }

    private static String redactQuery(String query) {
        StringBuilder sb = new StringBuilder(query.length());
        for (String pair : query.split("&", -1)) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            int eq = pair.indexOf('=');
            if (eq > 0 && SENSITIVE_QUERY.contains(pair.substring(0, eq))) {
                sb.append(pair, 0, eq + 1).append("REDACTED");
            } else {
                sb.append(pair);
            }
        }
        return sb.toString();
    }

    /**
     * {@code error.type} of a failure: the exception's fully qualified class name. Every failure of a
     * round trip is a {@link dev.courier.http.RequestException}, which says little: its root cause within
     * Courier is named instead when it has one ({@code java.net.ConnectException}); and for Netty's own subclasses of JDK
     * exceptions, the JDK class (Netty is Courier's implementation, not its API).
     */
    static String errorType(Throwable error) {
        Throwable e = error;
        // Courier's wrappers (RequestException, and internal ones such as a dial's) name their cause.
        while ((e instanceof dev.courier.http.RequestException || e.getClass().getName().startsWith("dev.courier.http.internal."))
                && e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        Class<?> type = e.getClass();
        while (type.getName().startsWith("io.netty.") && type.getSuperclass() != null
                && Throwable.class.isAssignableFrom(type.getSuperclass())) {
            type = type.getSuperclass();
        }
        return type.getName();
    }

    /** The span name: the method, or "HTTP" for a method outside the known set. */
    static String spanName(String method) {
        return OTHER_METHOD.equals(method) ? "HTTP" : method;
    }
}
