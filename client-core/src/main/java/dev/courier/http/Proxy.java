package dev.courier.http;

import dev.courier.http.internal.proxy.ProxyEndpoint;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * A proxy server: {@code http://}, {@code https://}, {@code socks5://} (or {@code socks5h://}, the same:
 * the proxy always resolves the origin's name) or {@code socks4a://}, with optional
 * {@code user:password@} credentials (percent-encoded as in any URI). Two proxies are equal when their
 * URIs are, so a proxy is part of a connection's {@link RouteKey}.
 *
 * <ul>
 *   <li>{@code http://proxy:3128}: http:// requests go to the proxy in absolute form, https:// ones
 *       through a CONNECT tunnel; the credentials go as {@code Proxy-Authorization: Basic} to the proxy
 *       only (on each absolute-form request, on the CONNECT), never to an origin. Default port 80.
 *   <li>{@code https://proxy:443}: the same inside TLS to the proxy, which is verified against the
 *       proxy's host name with the Transport's trust settings. Default port 443.
 *   <li>{@code socks5://proxy:1080}: RFC 1928, username/password (RFC 1929) when given. Default 1080.
 *   <li>{@code socks4a://proxy:1080}: SOCKS4 with host names; a user name is sent as the user id.
 * </ul>
 */
public final class Proxy {
    private final URI uri;

    private Proxy(URI uri) {
        this.uri = uri;
    }

    /**
     * Parses and validates a proxy URI. One without a scheme is taken as http (Go's rule), including
     * {@code host:port}, which {@link URI} reads as scheme "host" with an opaque part.
     *
     * @param uri the proxy's URI: scheme, host, optional port and credentials; no path
     * @return the proxy
     * @throws IllegalArgumentException naming what is wrong (the password hidden)
     */
    public static Proxy of(URI uri) {
        Objects.requireNonNull(uri, "proxy uri");
        if (uri.getScheme() == null || uri.isOpaque()) {
            try {
                uri = new URI("http://" + uri);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("proxy " + Request.redact(uri) + " is not a valid URI: " + e.getReason(), e);
            }
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!ProxyEndpoint.SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("proxy " + Request.redact(uri) + " has unsupported scheme " + scheme
                    + "; want " + ProxyEndpoint.SCHEMES_TEXT);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("proxy " + Request.redact(uri) + " has no host");
        }
        return new Proxy(uri);
    }

    /** {@return the proxy's URI as given (with a scheme added when it had none), credentials included} */
    public URI uri() {
        return uri;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Proxy && ((Proxy) o).uri.equals(uri);
    }

    @Override
    public int hashCode() {
        return uri.hashCode();
    }

    /** The proxy URI without its password. */
    @Override
    public String toString() {
        return Request.redact(uri);
    }
}
