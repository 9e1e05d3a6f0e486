package dev.courier.http.internal.proxy;

import dev.courier.http.Proxy;
import dev.courier.http.ProxySelector;
import dev.courier.http.Request;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Go's {@code httpproxy.Config.ProxyFunc} over an environment map: which proxy a request uses, from
 * HTTP_PROXY / HTTPS_PROXY / NO_PROXY (upper case taking precedence, as Go's {@code getEnvAny} does).
 * In a CGI environment (REQUEST_METHOD set) HTTP_PROXY is refused, as Go does: there it may come from a
 * client's {@code Proxy:} request header ("httpoxy").
 */
public final class EnvironmentProxies implements ProxySelector {
    private final Setting httpProxy;
    private final Setting httpsProxy;
    private final NoProxy noProxy;
    private final boolean cgi;

    private EnvironmentProxies(Setting httpProxy, Setting httpsProxy, NoProxy noProxy, boolean cgi) {
        this.httpProxy = httpProxy;
        this.httpsProxy = httpsProxy;
        this.noProxy = noProxy;
        this.cgi = cgi;
    }

    /**
     * One proxy variable: unset (both null), a proxy, or the reason its value cannot serve (a scheme
     * Courier does not speak), reported by each request that would have used it.
     */
    private record Setting(Proxy proxy, String unusable) {
        static final Setting UNSET = new Setting(null, null);

        boolean isSet() {
            return proxy != null || unusable != null;
        }
    }

    /**
     * Reads the variables. A value that is not a URL at all fails here, naming the variable and the value
     * (password hidden); one with a scheme Courier cannot speak fails each request that would use it.
     */
    public static EnvironmentProxies parse(Map<String, String> env) {
        String requestMethod = env.get("REQUEST_METHOD");
        return new EnvironmentProxies(proxy(env, "HTTP_PROXY"), proxy(env, "HTTPS_PROXY"),
                NoProxy.parse(value(env, name(env, "NO_PROXY"))), requestMethod != null && !requestMethod.isEmpty());
    }

    /**
     * @throws IllegalStateException    for HTTP_PROXY in a CGI environment
     * @throws IllegalArgumentException when the variable that applies has a scheme Courier cannot speak
     */
    @Override
    public Optional<Proxy> select(Request request) {
        String scheme = request.uri().getScheme().toLowerCase(Locale.ROOT);
        Setting setting = scheme.equals("https") ? httpsProxy : scheme.equals("http") ? httpProxy : Setting.UNSET;
        if (!setting.isSet()) {
            return Optional.empty();
        }
        if (cgi && scheme.equals("http")) {
            throw new IllegalStateException("refusing to use HTTP_PROXY in a CGI environment (REQUEST_METHOD is set), "
                    + "where a client's Proxy: header may have set it (httpoxy)");
        }
        if (!noProxy.useProxy(request.uri().getHost(), request.port())) {
            return Optional.empty();
        }
        if (setting.unusable != null) {
            throw new IllegalArgumentException(setting.unusable);
        }
        return Optional.of(setting.proxy);
    }

    /** The variable that holds the value: the upper-case name when set and not empty, else the lower-case one. */
    private static String name(Map<String, String> env, String upper) {
        String v = env.get(upper);
        return v == null || v.isEmpty() ? upper.toLowerCase(Locale.ROOT) : upper;
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null ? "" : v.trim();
    }

    /**
     * Go's {@code parseProxy} as golang.org/x/net has it today: only a value without a scheme
     * ({@code host:port}, which {@link URI} would read as scheme "host") is taken as {@code http://value}.
     * The copy in Go 1.19 prefixed "http://" to any scheme but http, https and socks5, so that
     * {@code foo://host:1} became an http proxy at host "foo"; a scheme Courier cannot speak is an error
     * instead, since guessing would send the request somewhere its user never named.
     */
    private static Setting proxy(Map<String, String> env, String upper) {
        String name = name(env, upper);
        String value = value(env, name);
        if (value.isEmpty()) {
            return Setting.UNSET;
        }
        int schemeEnd = value.indexOf("://");
        String scheme = schemeEnd > 0 && isScheme(value.substring(0, schemeEnd))
                ? value.substring(0, schemeEnd).toLowerCase(Locale.ROOT) : null;
        if (scheme != null && !ProxyEndpoint.SCHEMES.contains(scheme)) {
            return new Setting(null, name + "=\"" + redact(value) + "\" names unsupported proxy scheme \""
                    + value.substring(0, schemeEnd) + "\"; Courier speaks " + ProxyEndpoint.SCHEMES_TEXT);
        }
        try {
            return new Setting(Proxy.of(new URI(scheme == null ? "http://" + value : value)), null);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid proxy address in " + name + ": \"" + redact(value) + "\"", e);
        }
    }

    /** RFC 3986 section 3.1: {@code ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )}. */
    private static boolean isScheme(String s) {
        if (s.isEmpty() || !isAsciiLetter(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
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
