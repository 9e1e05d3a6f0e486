package dev.courier.http;

import dev.courier.http.internal.cookie.CookieStore;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * A {@link CookieJar} in memory that follows RFC 6265 sections 5.3 and 5.4, as Go's
 * net/http/cookiejar does, plus RFC 6265bis's rules for Secure cookies and name prefixes.
 *
 * <p>Storing: a cookie without Domain is host-only; a Domain must domain-match the request host and
 * must not be a public suffix (unless it is the host itself, then the cookie is host-only); an IP
 * host gets host-only cookies only; hosts and domains are compared in lower-case punycode form, ports
 * ignored. The Path defaults to the directory of the request path. Max-Age prevails over Expires, and
 * one that is already past deletes the stored cookie; a cookie with the same name, domain and path
 * replaces the old one but keeps its creation time. A Secure cookie is only taken from a secure
 * channel, and an insecure channel cannot overwrite or delete a Secure one; "__Secure-" and "__Host-"
 * names are checked. HttpOnly and SameSite are kept; SameSite is not enforced (a client is not a
 * browser and has no top-level site). Expired cookies are purged as they are met; the jar holds at
 * most 180 cookies per registrable domain and 3000 in all, dropping the least recently used.
 *
 * <p>Sending: cookies whose domain and path match the request, Secure ones only over a secure
 * channel, longest path first, then oldest, then in the order they were stored.
 *
 * <p>A "secure channel" is https, or http to a loopback host (localhost, 127.0.0.0/8, ::1): browsers
 * and curl treat loopback as trustworthy, so local development servers that set Secure cookies work.
 * Go's jar does not (golang/go issue 60997).
 *
 * <p>Cookies live as long as the jar; session cookies are never dropped by the jar itself. To keep
 * cookies across runs, save {@link #all()} and feed each back with {@link #setCookies} for
 * {@code https://<domain><path>}, without its domain when it is {@link Cookie#hostOnly()} (a stored
 * cookie's domain would otherwise read as a Domain attribute); they get new creation times.
 */
public final class InMemoryCookieJar implements CookieJar {
    private final CookieStore store;
    private final PublicSuffixList publicSuffixList;

    InMemoryCookieJar(PublicSuffixList publicSuffixList, Clock clock) {
        this.publicSuffixList = publicSuffixList;
        this.store = new CookieStore(publicSuffixList, clock);
    }

    @Override
    public void setCookies(URI uri, List<Cookie> cookies) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(cookies, "cookies");
        store.setCookies(uri, cookies);
    }

    @Override
    public List<Cookie> cookies(URI uri) {
        Objects.requireNonNull(uri, "uri");
        return store.cookies(uri);
    }

    /**
     * {@return every cookie in the jar that has not expired, in the order they were first stored, with their
     * resolved domain, path, expiry and times}
     */
    public List<Cookie> all() {
        return store.all();
    }

    @Override
    public String toString() {
        return "InMemoryCookieJar[" + store.all().size() + " cookies, " + publicSuffixList + "]";
    }
}
