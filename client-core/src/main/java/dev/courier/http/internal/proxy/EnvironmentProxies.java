package dev.courier.http.internal.proxy;

import dev.courier.http.Proxy;
import dev.courier.http.ProxySelector;
import dev.courier.http.Request;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;

/**
 * Go's {@code httpproxy.Config.ProxyFunc} over an environment map: which proxy a request uses, from
 * HTTP_PROXY / HTTPS_PROXY / NO_PROXY (upper case taking precedence, as Go's {@code getEnvAny} does).
 * In a CGI environment (REQUEST_METHOD set) HTTP_PROXY is refused, as Go does: there it may come from a
 * client's {@code Proxy:} request header ("httpoxy").
 */
public final class EnvironmentProxies implements ProxySelector {
    private final Optional<Proxy> httpProxy;
    private final Optional<Proxy> httpsProxy;
    private final NoProxy noProxy;
    private final boolean cgi;

    private EnvironmentProxies(Optional<Proxy> httpProxy, Optional<Proxy> httpsProxy, NoProxy noProxy, boolean cgi) {
        this.httpProxy = httpProxy;
        this.httpsProxy = httpsProxy;
        this.noProxy = noProxy;
        this.cgi = cgi;
    }

    /** Reads the variables; a proxy value that cannot be used fails with the variable and value named (password hidden). */
    public static EnvironmentProxies parse(Map<String, String> env) {
        String requestMethod = env.get("REQUEST_METHOD");
        return new EnvironmentProxies(proxy(env, "HTTP_PROXY"), proxy(env, "HTTPS_PROXY"),
                NoProxy.parse(any(env, "NO_PROXY")), requestMethod != null && !requestMethod.isEmpty());
    }

    @Override
    public Optional<Proxy> select(Request request) {
        String scheme = request.uri().getScheme().toLowerCase(java.util.Locale.ROOT);
        Optional<Proxy> proxy = scheme.equals("https") ? httpsProxy : scheme.equals("http") ? httpProxy : Optional.empty();
        if (proxy.isEmpty()) {
            return proxy;
        }
        if (cgi && scheme.equals("http")) {
            throw new IllegalStateException("refusing to use HTTP_PROXY in a CGI environment (REQUEST_METHOD is set), "
                    + "where a client's Proxy: header may have set it (httpoxy)");
        }
        return noProxy.useProxy(request.uri().getHost(), request.port()) ? proxy : Optional.empty();
    }

    private static String any(Map<String, String> env, String upper) {
        String v = env.get(upper);
        if (v == null || v.isEmpty()) {
            v = env.get(upper.toLowerCase(java.util.Locale.ROOT));
        }
        return v == null ? "" : v.trim();
    }

    /** Go's {@code parseProxy}: a value without a usable scheme is taken as {@code http://value}. */
    private static Optional<Proxy> proxy(Map<String, String> env, String name) {
        String value = any(env, name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        URI uri = null;
        try {
            uri = new URI(value);
        } catch (URISyntaxException ignored) {
            // tried again with a scheme below
        }
        String scheme = uri == null || uri.getScheme() == null ? null : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        boolean known = "http".equals(scheme) || "https".equals(scheme) || "socks5".equals(scheme)
                || "socks5h".equals(scheme) || "socks4a".equals(scheme);
        try {
            if (!known || uri.getHost() == null) {
                uri = new URI("http://" + value);
            }
            return Optional.of(Proxy.of(uri));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid proxy address in " + name + ": \"" + redact(value) + "\"", e);
        }
    }

    private static String redact(String value) {
        String text;
        try {
            text = Request.redact(new URI(value.contains("://") ? value : "http://" + value));
        } catch (URISyntaxException e) {
            text = value;
        }
        // Request.redact only knows an authority's user info; a value that parses without one (an opaque
        // "ftp:x-http://u:pw@h") keeps it as text. Whatever the parser made of it, no ":password@" stays.
        return text.replaceAll(":[^:@/]*@", ":***@");
    }
}
