package dev.courier.http.internal.cookie;

import dev.courier.http.Cookie;
import java.time.Instant;
import java.util.Comparator;

/**
 * One cookie in a {@link CookieStore}: the stored cookie and the sequence number that keeps insertion
 * order among cookies created at the same instant. Guarded by the store's lock.
 */
final class CookieEntry {
    /**
     * RFC 6265 section 5.4 step 2: longer paths first, then earlier creation times; the sequence
     * number (Go's seqNum) makes the order total and keeps insertion order otherwise.
     */
    static final Comparator<CookieEntry> SEND_ORDER = Comparator
            .comparingInt((CookieEntry e) -> -e.path().length())
            .thenComparing(CookieEntry::creationTime)
            .thenComparingLong(e -> e.seq);

    /** Eviction order: least recently accessed first (RFC 6265 section 5.3, last paragraph). */
    static final Comparator<CookieEntry> EVICTION_ORDER = Comparator
            .comparing(CookieEntry::lastAccessTime)
            .thenComparingLong(e -> e.seq);

    final long seq;
    /** Replaced, never mutated, when the last-access time changes. */
    Cookie cookie;

    CookieEntry(Cookie cookie, long seq) {
        this.cookie = cookie;
        this.seq = seq;
    }

    /** Go's entry.id: what makes a cookie replace another (RFC 6265 section 5.3 step 11). */
    static String id(String domain, String path, String name) {
        return domain + ';' + path + ';' + name;
    }

    String path() {
        return cookie.path().orElseThrow();
    }

    String domain() {
        return cookie.domain().orElseThrow();
    }

    Instant creationTime() {
        return cookie.creationTime().orElseThrow();
    }

    Instant lastAccessTime() {
        return cookie.lastAccessTime().orElseThrow();
    }

    boolean expired(Instant now) {
        return cookie.expires().map(expiry -> !expiry.isAfter(now)).orElse(false);
    }

    /** Whether the cookie goes to {@code host} and {@code path} (5.4 step 1); expiry is checked apart. */
    boolean shouldSend(boolean secureChannel, String host, String path) {
        String domain = domain();
        boolean domainMatch = domain.equals(host) || !cookie.hostOnly() && CookieHosts.hasDotSuffix(host, domain);
        return domainMatch && CookieHosts.pathMatch(path(), path) && (secureChannel || !cookie.secure());
    }
}
