package dev.courier.http;

import java.util.Locale;
import java.util.Objects;

/**
 * Identifies the connections that can carry a request: the pool key (Go's {@code connectMethodKey}).
 * Two requests share pooled connections exactly when their route keys are equal.
 *
 * <p>The forms a key takes:
 * <ul>
 *   <li>{@code (null, "http", host, port)}: direct plaintext connection to the origin;
 *   <li>{@code (null, "https", host, port)}: direct TLS connection to the origin;
 *   <li>{@code (httpProxy, "http", host, port)}: requests in absolute form through an {@code http://} or
 *       {@code https://} proxy (TLS to the proxy for the latter), no tunnel; the origin is kept in the key
 *       so that per-origin limits hold;
 *   <li>{@code (httpProxy, "https", host, port)}: a CONNECT tunnel through an {@code http://} or
 *       {@code https://} proxy, then TLS to the origin inside it;
 *   <li>{@code (socksProxy, "https", host, port)}: a SOCKS5 or SOCKS4a connection to the origin, then TLS;
 *   <li>{@code (socksProxy, "http", host, port)}: plaintext to the origin through a SOCKS proxy.
 * </ul>
 * The host is lower-cased; the port is always explicit. A proxy is compared by its whole URI, credentials
 * included, so requests sent with different proxy credentials never share a connection.
 *
 * @param proxy  the proxy, or {@code null} for a direct connection
 * @param scheme "http" or "https"
 * @param host   the origin host, lower case, IPv6 literals without brackets
 * @param port   the origin port
 */
public record RouteKey(Proxy proxy, String scheme, String host, int port) {

    /**
     * Normalizes the key: scheme and host lower case, brackets removed from an IPv6 host.
     *
     * @param proxy the proxy, or {@code null} for a direct connection
     * @param scheme "http" or "https", any case
     * @param host the origin host, any case, IPv6 literals with or without brackets
     * @param port the origin port
     */
    public RouteKey {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        scheme = scheme.toLowerCase(Locale.ROOT);
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
    }

    /**
     * {@return the route of {@code request}'s URI through {@code proxy}, or direct when it is null}
     *
     * @param request the request whose scheme, host and port make the route
     * @param proxy the proxy chosen for it, or null
     */
    public static RouteKey of(Request request, Proxy proxy) {
        return new RouteKey(proxy, request.uri().getScheme(), request.uri().getHost(), request.port());
    }

    /** {@return whether connections on this route speak TLS to the origin (scheme https)} */
    public boolean isTls() {
        return scheme.equals("https");
    }

    /** {@return host:port, IPv6 literals in brackets} */
    public String hostPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return (proxy == null ? "" : proxy + " -> ") + scheme + "://" + hostPort();
    }
}
