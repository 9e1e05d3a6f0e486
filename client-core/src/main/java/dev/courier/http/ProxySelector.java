package dev.courier.http;

import dev.courier.http.internal.proxy.EnvironmentProxies;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Chooses the proxy for a request, or none (Go's {@code Transport.Proxy}). The choice is part of the
 * connection's {@link RouteKey}, so requests through different proxies never share a connection.
 */
@FunctionalInterface
public interface ProxySelector {

    /**
     * {@return the proxy for {@code request}, or empty to connect directly}
     *
     * @param request the request about to be sent (each hop of a redirect is asked for)
     */
    Optional<Proxy> select(Request request);

    /** {@return a selector that always connects directly: the Transport's default} */
    static ProxySelector none() {
        return request -> Optional.empty();
    }

    /**
     * {@return a selector that sends every request through {@code proxy}}
     *
     * @param proxy the proxy for every request, loopback ones included
     */
    static ProxySelector of(Proxy proxy) {
        Objects.requireNonNull(proxy, "proxy");
        Optional<Proxy> fixed = Optional.of(proxy);
        return request -> fixed;
    }

    /**
     * Go's {@code ProxyFromEnvironment}, from this process's environment: HTTP_PROXY for http requests,
     * HTTPS_PROXY for https (upper case first, then lower case); NO_PROXY exempts hosts; localhost and
     * loopback addresses are never proxied. See {@link #fromEnvironment(Map)}.
     *
     * @return a selector with the variables as they are now (read once, here)
     * @throws IllegalArgumentException when a variable's value is not a URL, naming the variable
     */
    static ProxySelector fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * As {@link #fromEnvironment()}, from {@code environment}. NO_PROXY is a comma-separated list of:
     * {@code *} (nothing is proxied); host names, which also match their subdomains
     * ({@code example.com}); names with a leading dot or {@code *.}, which match subdomains only
     * ({@code .example.com}); IP addresses; CIDR ranges ({@code 10.0.0.0/8}); each optionally with a
     * {@code :port}. A request to an IP literal meets the IP and CIDR entries only, its IPv6 zone removed
     * ({@code [fe80::1%25eth0]} is fe80::1; the zone never matches a domain entry, CVE-2025-22870). A proxy
     * given without a scheme ({@code proxy:3128}) is http. A value that is not a URL fails here, naming
     * the variable; one whose scheme Courier cannot speak ({@code foo://proxy:1}) fails every request that
     * would use it, naming the variable, the value (password hidden) and the schemes Courier speaks.
     *
     * @param environment variable names to values, as {@link System#getenv()} gives them
     * @return a selector with these variables
     * @throws IllegalArgumentException when a variable's value is not a URL, naming the variable
     */
    static ProxySelector fromEnvironment(Map<String, String> environment) {
        return EnvironmentProxies.parse(environment);
    }

    /**
     * Adapts a JDK {@link java.net.ProxySelector}: its first HTTP proxy is used as an http proxy, its first
     * SOCKS proxy as socks5, DIRECT (or nothing) as no proxy.
     *
     * @param jdk the JDK selector, asked with each request's URI (it must not block: it runs on the caller's
     *     thread, which may be an event loop)
     * @return a selector that asks {@code jdk}
     */
    static ProxySelector from(java.net.ProxySelector jdk) {
        Objects.requireNonNull(jdk, "jdk proxy selector");
        return request -> {
            List<java.net.Proxy> proxies = jdk.select(request.uri());
            for (java.net.Proxy p : proxies == null ? List.<java.net.Proxy>of() : proxies) {
                if (p.type() == java.net.Proxy.Type.DIRECT || !(p.address() instanceof InetSocketAddress)) {
                    return Optional.empty();
                }
                InetSocketAddress a = (InetSocketAddress) p.address();
                String scheme = p.type() == java.net.Proxy.Type.SOCKS ? "socks5" : "http";
                String host = a.getHostString().indexOf(':') >= 0 ? "[" + a.getHostString() + "]" : a.getHostString();
                return Optional.of(Proxy.of(URI.create(scheme + "://" + host + ":" + a.getPort())));
            }
            return Optional.empty();
        };
    }
}
