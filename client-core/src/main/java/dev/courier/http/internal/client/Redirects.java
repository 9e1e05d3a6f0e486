package dev.courier.http.internal.client;

import dev.courier.http.Cookie;
import dev.courier.http.Headers;
import dev.courier.http.Request;
import dev.courier.http.RequestBody;
import dev.courier.http.Response;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Go's rules for following a redirect ({@code redirectBehavior}, {@code shouldCopyHeaderOnRedirect},
 * {@code makeHeadersCopier}, {@code refererForURL}). Where Go changed a rule, Courier follows the newest
 * (docs/CONFORMANCE.md has the full list, with the tests):
 * <ul>
 *   <li>Which host may receive the caller's credentials ({@link #SENSITIVE}) is decided on host names
 *       alone: the same host or a subdomain of it, whatever the port or the scheme. A redirect from
 *       {@code http://h:8080} to {@code https://h} keeps them. This is Go 1.21's rule (commit 451106921f,
 *       golang/go#35104); Go 1.19 and 1.20 compared {@code canonicalAddr}, host:port with the scheme's
 *       default port, and so dropped them on any port change, http to https (80 to 443) included.
 *   <li>Every hop is judged against the initial URL, and credentials once dropped stay dropped for the
 *       rest of the chain (Go 1.22.11 and 1.23.5, CVE-2024-45336; Go 1.19 judged each hop against the
 *       previous one and copied them again as soon as a later hop qualified).
 *   <li>An IPv6 literal is never a subdomain: its zone is not a domain name (Go 1.21.8 and 1.22.1,
 *       CVE-2023-45289).
 *   <li>Proxy-Authorization and Proxy-Authenticate are sensitive too (Go 1.23.10 and 1.24.4,
 *       CVE-2025-4673).
 *   <li>With a cookie jar, a caller's cookie that a redirect sets or deletes leaves the copied Cookie
 *       header (golang/go#17494, in Go 1.19 and since).
 * </ul>
 */
final class Redirects {
    /**
     * Headers that carry credentials: not sent to another host, and never restored once dropped. Go's list
     * since 1.24.4 and 1.23.10, which added the two Proxy- fields (CVE-2025-4673).
     */
    static final Set<String> SENSITIVE = Set.of("authorization", "www-authenticate", "cookie", "cookie2",
            "proxy-authorization", "proxy-authenticate");

    private Redirects() {
    }

    /** How to follow a response, or {@code null} when it is not a redirect to follow. */
    record Behavior(String method, boolean includeBody) {
    }

    /**
     * Go's {@code redirectBehavior}: 301, 302 and 303 turn into GET (HEAD stays HEAD) without a body; 307
     * and 308 keep the method and body, unless the body cannot be sent again, in which case the 3xx itself
     * is returned; so is any 3xx without a Location.
     */
    static Behavior behavior(Request request, Response response, Request initial) {
        int status = response.status();
        if (status < 301 || status > 308 || response.headers().first("Location") == null) {
            return null; // the status first: most responses are not redirects, and their fields are then never built
        }
        switch (status) {
            case 301:
            case 302:
            case 303: {
                String m = request.method();
                return new Behavior(m.equals("GET") || m.equals("HEAD") ? m : "GET", false);
            }
            case 307:
            case 308: {
                RequestBody body = initial.body();
                if (body != null && body.contentLength() != 0 && !body.isReplayable()) {
                    return null;
                }
                return new Behavior(request.method(), true);
            }
            default:
                return null;
        }
    }

    /** Resolves a Location against the URL it came from; throws with the Location quoted when it does not parse. */
    static URI resolve(URI base, String location) throws URISyntaxException {
        URI target = new URI(location.trim());
        URI resolved = base.resolve(target);
        if (resolved.getScheme() == null || resolved.getHost() == null) {
            throw new URISyntaxException(location, "no scheme or host after resolving against " + Request.redact(base));
        }
        return resolved;
    }

    /**
     * Go's {@code shouldCopyHeaderOnRedirect} since 1.21: credentials go along only to the same host or one
     * of its subdomains ("foo.com" to "sub.foo.com", not the reverse), comparing IDNA-ASCII host names and
     * ignoring ports and schemes. {@code initial} is the first request's URL, whose credentials they are.
     */
    static boolean mayCarryCredentials(URI initial, URI destination) {
        String from = asciiHost(initial);
        String to = asciiHost(destination);
        if (from.equals(to)) {
            return true;
        }
        return to.endsWith("." + from) && !isIpLiteral(from);
    }

    private static String asciiHost(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return "";
        }
        if (host.startsWith("[")) {
            return host.toLowerCase(Locale.ROOT);
        }
        try {
            return IDN.toASCII(host).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return host.toLowerCase(Locale.ROOT);
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    /**
     * Go's {@code refererForURL}: the previous URL without user info or fragment, and none at all when the
     * redirect goes from https to http (RFC 9110 section 10.1.3).
     */
    static String referer(URI previous, URI next) {
        if ("https".equalsIgnoreCase(previous.getScheme()) && "http".equalsIgnoreCase(next.getScheme())) {
            return null;
        }
        String text = previous.toASCIIString();
        int hash = text.indexOf('#');
        if (hash >= 0) {
            text = text.substring(0, hash);
        }
        String authority = previous.getRawAuthority();
        if (authority != null && authority.indexOf('@') >= 0) {
            text = text.replaceFirst(java.util.regex.Pattern.quote(authority), authority.substring(authority.lastIndexOf('@') + 1));
        }
        return text;
    }

    /**
     * Go's rule from golang/go#17494 ({@code Client.makeHeadersCopier}), for a client with a cookie jar:
     * a cookie the caller put in the Cookie header that a redirect response sets (or deletes) leaves the
     * header copied to the next hops, so that the jar's current value goes instead, and a deleted cookie
     * not at all. The caller's header carries no domain or path, so any Set-Cookie of that name counts,
     * whatever its scope and whether the jar kept it (as in Go). The other cookies keep their order (Go
     * sorts them); a header left empty is removed (Go sends it empty).
     */
    static Headers withoutCookiesSetBy(Headers headers, List<Cookie> set) {
        List<String> values = headers.all("Cookie");
        if (values.isEmpty()) {
            return headers;
        }
        Set<String> names = new HashSet<>();
        for (Cookie c : set) {
            names.add(c.name());
        }
        StringBuilder kept = new StringBuilder();
        boolean changed = false;
        for (String value : values) {
            for (String pair : value.split(";")) {
                String p = pair.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                if (names.contains((eq < 0 ? p : p.substring(0, eq)).trim())) {
                    changed = true;
                    continue;
                }
                kept.append(kept.length() == 0 ? "" : "; ").append(p);
            }
        }
        if (!changed) {
            return headers;
        }
        Headers.Builder b = headers.toBuilder().remove("Cookie");
        if (kept.length() > 0) {
            b.set("Cookie", kept.toString());
        }
        return b.build();
    }

    /** Drops the Content-* framing headers of a body that is not carried over. */
    static Headers withoutContentHeaders(Headers headers) {
        Headers.Builder b = headers.toBuilder();
        for (String name : headers.names()) {
            if (name.regionMatches(true, 0, "Content-", 0, 8) || name.equalsIgnoreCase("Transfer-Encoding")) {
                b.remove(name);
            }
        }
        return b.build();
    }
}
