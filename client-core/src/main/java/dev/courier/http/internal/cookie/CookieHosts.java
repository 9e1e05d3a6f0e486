package dev.courier.http.internal.cookie;

import io.netty.util.NetUtil;
import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;

/**
 * Host names and paths as RFC 6265 compares them: canonical hosts (section 5.1.2), domain-match
 * (5.1.3), default-path and path-match (5.1.4).
 */
public final class CookieHosts {
    private CookieHosts() {
    }

    /**
     * The canonical host of {@code uri}, or null when it has none that cookies could be kept for.
     * {@link URI#getHost()} is null for host names that RFC 2396 rejects (non-ASCII, underscores), so
     * those are taken from the authority.
     */
    public static String canonicalHost(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            host = hostOfAuthority(uri.getAuthority());
        }
        if (host == null) {
            return null;
        }
        String canonical = canonicalize(host);
        // An empty label ("", ".", "a..b", ".net") is no host name; Go stores cookies under such
        // strings (issue 19384 only stopped the panic), this jar keeps none for them.
        if (canonical == null || canonical.isEmpty() || canonical.startsWith(".") || canonical.contains("..")) {
            return null;
        }
        return canonical;
    }

    /**
     * RFC 6265 section 5.1.2 (and Go's cookiejar.canonicalHost): one trailing dot removed, IDN labels
     * to punycode A-labels with {@link IDN#toASCII} (IDNA 2003, what the JDK has), lower case; IPv6
     * literals without brackets and in RFC 5952 form. Null when IDNA conversion fails.
     */
    public static String canonicalize(String host) {
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.indexOf(':') >= 0) {
            if (!NetUtil.isValidIpV6Address(host)) {
                return null;
            }
            InetAddress address = NetUtil.createInetAddressFromIpAddressString(host);
            return address == null ? null : NetUtil.toAddressString(address);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        host = toAscii(host);
        return host == null ? null : CookieSyntax.asciiLower(host);
    }

    /** {@code name} with its non-ASCII labels as A-labels, or null if IDNA rejects it. */
    public static String toAscii(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) >= 0x80) {
                try {
                    return IDN.toASCII(name, IDN.ALLOW_UNASSIGNED);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return name; // the common case, and IDN.toASCII would also reject long ASCII labels
    }

    /** Whether a canonical host is an IPv4 or IPv6 address. */
    public static boolean isIp(String host) {
        return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    }

    /**
     * Whether a canonical host is loopback: "localhost", 127.0.0.0/8 or ::1. These are "potentially
     * trustworthy" origins (W3C Secure Contexts, RFC 6265bis section 5.7 lets the user agent define
     * "secure"), so browsers and curl store and send Secure cookies over plain http to them.
     */
    public static boolean isLoopback(String host) {
        return host.equals("localhost")
                || host.startsWith("127.") && NetUtil.isValidIpV4Address(host)
                || host.equals("::1");
    }

    /** Whether {@code s} ends in "." + {@code suffix}. */
    public static boolean hasDotSuffix(String s, String suffix) {
        int dot = s.length() - suffix.length() - 1;
        return dot >= 0 && s.charAt(dot) == '.' && s.endsWith(suffix);
    }

    /** RFC 6265 section 5.1.3 domain-match of a canonical host against a cookie domain. */
    public static boolean domainMatch(String host, String domain) {
        return host.equals(domain) || !isIp(host) && hasDotSuffix(host, domain);
    }

    /** The path of {@code uri} as sent on the wire (raw, percent-encoded; a ';' as %3B), "/" when empty. */
    public static String requestPath(URI uri) {
        String path = uri.getRawPath();
        if (path == null || path.isEmpty()) {
            return "/";
        }
        // ';' is legal in a URL path ("/app;jsessionid=1/page") but ends an attribute in Set-Cookie syntax, so
        // a Cookie's path may not hold it: it stays percent-encoded, the same way in the default path of a
        // stored cookie and in the request path that stored paths are matched against.
        return path.indexOf(';') < 0 ? path : path.replace(";", "%3B");
    }

    /** RFC 6265 section 5.1.4 default-path: the directory of the request path. */
    public static String defaultPath(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return "/";
        }
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    /** RFC 6265 section 5.1.4 path-match. */
    public static boolean pathMatch(String cookiePath, String requestPath) {
        if (requestPath.equals(cookiePath)) {
            return true;
        }
        return requestPath.startsWith(cookiePath)
                && (cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/');
    }

    /** The host part of an authority "[userinfo@]host[:port]", brackets kept for IPv6, or null. */
    private static String hostOfAuthority(String authority) {
        if (authority == null) {
            return null;
        }
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close < 0 ? null : hostPort.substring(0, close + 1);
        }
        int colon = hostPort.indexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }
}
