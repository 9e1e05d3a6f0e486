package dev.courier.http;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * A proxy server: {@code http://}, {@code https://}, {@code socks5://} or {@code socks4a://}, with
 * optional {@code user:password@} credentials. Two proxies are equal when their URIs are, so a proxy
 * is part of a connection's {@link RouteKey}.
 */
public final class Proxy {
    private final URI uri;

    private Proxy(URI uri) {
        this.uri = uri;
    }

    /** Parses and validates a proxy URI; a URI without scheme is taken as http (Go's rule). */
    public static Proxy of(URI uri) {
        Objects.requireNonNull(uri, "proxy uri");
        if (uri.getScheme() == null) {
            uri = URI.create("http://" + uri);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("socks5") && !scheme.equals("socks4a")) {
            throw new IllegalArgumentException("proxy " + Request.redact(uri) + " has unsupported scheme " + scheme
                    + "; want http, https, socks5 or socks4a");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("proxy " + Request.redact(uri) + " has no host");
        }
        return new Proxy(uri);
    }

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
