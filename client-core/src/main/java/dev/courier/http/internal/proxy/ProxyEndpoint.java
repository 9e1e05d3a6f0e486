package dev.courier.http.internal.proxy;

import dev.courier.http.Proxy;
import dev.courier.http.RouteKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * What the dialer and the pipeline need of a {@link Proxy}: its kind, where it listens (the scheme's
 * default port when the URI has none, as Go's {@code canonicalAddr}), and its credentials, decoded from
 * the URI's user info. Immutable.
 */
public final class ProxyEndpoint {
    /** The proxy URI schemes Courier speaks (socks5h is socks5: the proxy always resolves the origin's name). */
    public static final java.util.List<String> SCHEMES = java.util.List.of("http", "https", "socks5", "socks5h", "socks4a");
    /** {@link #SCHEMES} for messages. */
    public static final String SCHEMES_TEXT = "http, https, socks5, socks5h and socks4a";

    /** The proxy protocols Courier speaks. */
    public enum Kind {
        /** Plain HTTP to the proxy: absolute-form requests for http, CONNECT for https. */
        HTTP(80),
        /** As HTTP, inside TLS to the proxy itself. */
        HTTPS(443),
        /** SOCKS5 (RFC 1928), the origin's name resolved by the proxy; username/password by RFC 1929. */
        SOCKS5(1080),
        /** SOCKS4 with the 4a extension: the origin's name is sent to the proxy, which resolves it. */
        SOCKS4A(1080);

        private final int defaultPort;

        Kind(int defaultPort) {
            this.defaultPort = defaultPort;
        }
    }

    private final Proxy proxy;
    private final Kind kind;
    private final String host;
    private final int port;
    private final String username;
    private final String password;

    private ProxyEndpoint(Proxy proxy, Kind kind, String host, int port, String username, String password) {
        this.proxy = proxy;
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
    }

    /** The endpoint of {@code proxy} ({@link Proxy#of} has validated scheme and host). */
    public static ProxyEndpoint of(Proxy proxy) {
        String scheme = proxy.uri().getScheme().toLowerCase(Locale.ROOT);
        Kind kind = switch (scheme) {
            case "https" -> Kind.HTTPS;
            case "socks5", "socks5h" -> Kind.SOCKS5;
            case "socks4a" -> Kind.SOCKS4A;
            default -> Kind.HTTP;
        };
        String host = proxy.uri().getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = proxy.uri().getPort() == -1 ? kind.defaultPort : proxy.uri().getPort();
        String userInfo = proxy.uri().getUserInfo(); // percent-decoded, as Go's Userinfo.Username/Password
        String user = null;
        String pass = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            pass = colon < 0 ? "" : userInfo.substring(colon + 1);
        }
        return new ProxyEndpoint(proxy, kind, host.toLowerCase(Locale.ROOT), port, user, pass);
    }

    public Kind kind() {
        return kind;
    }

    /** The proxy's host, IPv6 literals without brackets. */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** host:port of the proxy, IPv6 literals in brackets. */
    public String hostPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The user name from the URI, or null when it has no user info. */
    public String username() {
        return username;
    }

    /** The password from the URI ("" when only a user is given), or null when it has no user info. */
    public String password() {
        return password;
    }

    public boolean hasCredentials() {
        return username != null;
    }

    /** {@code Basic base64(user:password)} for Proxy-Authorization, or null without credentials. */
    public String basicAuthorization() {
        if (username == null) {
            return null;
        }
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Whether requests on {@code route} go as absolute-form requests to an HTTP(S) proxy (no tunnel). */
    public static boolean sendsAbsoluteForm(RouteKey route) {
        if (route.proxy() == null || route.isTls()) {
            return false;
        }
        String scheme = route.proxy().uri().getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("http") || scheme.equals("https");
    }

    /** The proxy as its URI without the password, for messages. */
    @Override
    public String toString() {
        return proxy.toString();
    }
}
