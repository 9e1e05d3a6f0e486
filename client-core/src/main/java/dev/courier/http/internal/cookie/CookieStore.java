package dev.courier.http.internal.cookie;

import dev.courier.http.Cookie;
import dev.courier.http.PublicSuffixList;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The in-memory cookie store behind {@link dev.courier.http.InMemoryCookieJar}: RFC 6265 section 5.3
 * (storage) and 5.4 (retrieval), shaped after Go's net/http/cookiejar, with RFC 6265bis's rules for
 * Secure cookies and cookie name prefixes added.
 *
 * <p>Cookies are grouped by the registrable domain (eTLD+1) of the host that set them, Go's jar key,
 * so a lookup only scans the cookies of one site. "Secure channel" means https, or a loopback host
 * (localhost, 127.0.0.0/8, ::1) over http, as in browsers and curl; Go's jar (issue 60997) does not
 * make that exception. Safe for concurrent use: one lock guards all state, and every method holds it
 * only for map work, never for I/O or user code.
 */
public final class CookieStore {
    /** Chrome's per-domain limit; RFC 6265 section 6.1 asks for at least 50. */
    static final int MAX_COOKIES_PER_KEY = 180;
    /** RFC 6265 section 6.1: at least 3000 cookies in total. */
    static final int MAX_COOKIES = 3000;

    private final PublicSuffixList publicSuffixList;
    private final Clock clock;
    private final Object lock = new Object();
    /** Jar key (eTLD+1) to entries by id, in insertion order. Guarded by {@code lock}. */
    private final Map<String, Map<String, CookieEntry>> entries = new HashMap<>();
    /** Guarded by {@code lock}. */
    private long nextSeq;
    /** Number of entries in all maps. Guarded by {@code lock}. */
    private int size;

    public CookieStore(PublicSuffixList publicSuffixList, Clock clock) {
        this.publicSuffixList = Objects.requireNonNull(publicSuffixList, "publicSuffixList");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Stores the cookies of a response from {@code uri}; those the RFC rejects are dropped silently. */
    public void setCookies(URI uri, List<Cookie> cookies) {
        if (cookies.isEmpty() || !isHttp(uri)) {
            return;
        }
        String host = CookieHosts.canonicalHost(uri);
        if (host == null) {
            return;
        }
        boolean secureChannel = isSecureChannel(uri, host);
        String defaultPath = CookieHosts.defaultPath(CookieHosts.requestPath(uri));
        String key = jarKey(host, publicSuffixList);
        synchronized (lock) {
            Instant now = clock.instant();
            Map<String, CookieEntry> group = entries.computeIfAbsent(key, k -> new LinkedHashMap<>());
            for (Cookie cookie : cookies) {
                if (cookie != null) {
                    store(group, cookie, host, secureChannel, defaultPath, now);
                }
            }
            evictOverLimits(group, now);
            if (group.isEmpty()) {
                entries.remove(key);
            }
        }
    }

    /** The cookies to send to {@code uri}, in RFC 6265 order; their last-access time becomes now. */
    public List<Cookie> cookies(URI uri) {
        if (!isHttp(uri)) {
            return List.of();
        }
        String host = CookieHosts.canonicalHost(uri);
        if (host == null) {
            return List.of();
        }
        boolean secureChannel = isSecureChannel(uri, host);
        String path = CookieHosts.requestPath(uri);
        String key = jarKey(host, publicSuffixList);
        synchronized (lock) {
            Map<String, CookieEntry> group = entries.get(key);
            if (group == null) {
                return List.of();
            }
            Instant now = clock.instant();
            List<CookieEntry> selected = new ArrayList<>();
            for (Iterator<CookieEntry> it = group.values().iterator(); it.hasNext(); ) {
                CookieEntry entry = it.next();
                if (entry.expired(now)) {
                    it.remove(); // 5.3, last paragraph: expired cookies are removed
                    size--;
                } else if (entry.shouldSend(secureChannel, host, path)) {
                    entry.cookie = entry.cookie.toBuilder().lastAccessTime(now).build(); // 5.4 step 3
                    selected.add(entry);
                }
            }
            if (group.isEmpty()) {
                entries.remove(key);
            }
            selected.sort(CookieEntry.SEND_ORDER);
            List<Cookie> result = new ArrayList<>(selected.size());
            for (CookieEntry entry : selected) {
                result.add(entry.cookie);
            }
            return result;
        }
    }

    /** Every cookie not yet expired, in the order they were first stored; last-access is untouched. */
    public List<Cookie> all() {
        synchronized (lock) {
            Instant now = clock.instant();
            List<CookieEntry> live = new ArrayList<>(size);
            for (Iterator<Map<String, CookieEntry>> groups = entries.values().iterator(); groups.hasNext(); ) {
                Map<String, CookieEntry> group = groups.next();
                size -= removeExpired(group.values(), now);
                if (group.isEmpty()) {
                    groups.remove();
                }
                live.addAll(group.values());
            }
            live.sort((a, b) -> Long.compare(a.seq, b.seq));
            List<Cookie> result = new ArrayList<>(live.size());
            for (CookieEntry entry : live) {
                result.add(entry.cookie);
            }
            return result;
        }
    }

    /** RFC 6265 section 5.3 steps 2-11 for one cookie, with RFC 6265bis's Secure rules. */
    private void store(Map<String, CookieEntry> group, Cookie cookie, String host, boolean secureChannel,
            String defaultPath, Instant now) {
        String rawDomain = cookie.domain().orElse(null);
        CookieDomain domain = CookieDomain.resolve(host, rawDomain, publicSuffixList);
        if (domain == null) {
            return;
        }
        String path = cookie.path().filter(p -> p.startsWith("/")).orElse(defaultPath); // 5.2.4
        // RFC 6265bis 5.7 (Storage Model): only a secure channel may set a Secure cookie; else an
        // attacker on the network could plant one that https pages then trust.
        if (cookie.secure() && !secureChannel) {
            return;
        }
        if (!prefixAllowed(cookie, rawDomain)) {
            return;
        }
        // RFC 6265bis 5.7, "Strict Secure Cookies" (draft-ietf-httpbis-cookie-alone): an insecure
        // channel may neither overwrite nor delete, nor shadow with a cookie sent first, a Secure
        // cookie of the same name on a matching domain and path.
        if (!secureChannel && shadowsSecureCookie(group, cookie.name(), domain.domain(), path)) {
            return;
        }
        String id = CookieEntry.id(domain.domain(), path, cookie.name());
        Instant expiry = expiry(cookie, now);
        if (expiry != null && !expiry.isAfter(now)) {
            // 5.3 steps 11-12 and eviction of expired cookies: one that expires at once deletes the old.
            if (group.remove(id) != null) {
                size--;
            }
            return;
        }
        CookieEntry old = group.get(id);
        Cookie stored = Cookie.newBuilder(cookie.name(), cookie.value())
                .domain(domain.domain())
                .path(path)
                .expires(expiry)
                .secure(cookie.secure())
                .httpOnly(cookie.httpOnly())
                .sameSite(cookie.sameSite().orElse(null))
                .hostOnly(domain.hostOnly())
                // 5.3 step 11.3: a replaced cookie keeps its creation time, so its place in the order.
                .creationTime(old != null ? old.creationTime() : now)
                .lastAccessTime(now)
                .build();
        if (old != null) {
            old.cookie = stored;
        } else {
            group.put(id, new CookieEntry(stored, nextSeq++));
            size++;
        }
    }

    /**
     * RFC 6265 section 5.3 step 3: Max-Age prevails over Expires; no expiry (null) makes a session
     * cookie. A zero or negative Max-Age means "now", which deletes.
     */
    private static Instant expiry(Cookie cookie, Instant now) {
        if (cookie.maxAge().isPresent()) {
            Duration maxAge = cookie.maxAge().get();
            if (maxAge.isNegative() || maxAge.isZero()) {
                return now;
            }
            boolean overflows = Duration.between(now, Instant.MAX).compareTo(maxAge) <= 0;
            return overflows ? Instant.MAX : now.plus(maxAge);
        }
        return cookie.expires().orElse(null);
    }

    /**
     * RFC 6265bis 4.1.3 and 5.7 (cookie name prefixes): a "__Secure-" cookie must be Secure, a
     * "__Host-" cookie Secure, without Domain and with "Path=/", so that a subdomain or an insecure
     * page cannot forge it. The prefixes match case-insensitively, as in the current draft and
     * browsers.
     */
    private static boolean prefixAllowed(Cookie cookie, String rawDomain) {
        String name = CookieSyntax.asciiLower(cookie.name());
        if (name.startsWith("__secure-")) {
            return cookie.secure();
        }
        if (name.startsWith("__host-")) {
            return cookie.secure() && rawDomain == null && cookie.path().filter("/"::equals).isPresent();
        }
        return true;
    }

    private static boolean shadowsSecureCookie(Map<String, CookieEntry> group, String name, String domain,
            String path) {
        for (CookieEntry entry : group.values()) {
            Cookie old = entry.cookie;
            if (old.secure() && old.name().equals(name)
                    && (CookieHosts.domainMatch(domain, entry.domain())
                            || CookieHosts.domainMatch(entry.domain(), domain))
                    && CookieHosts.pathMatch(entry.path(), path)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Keeps a long-lived client's memory bounded against servers that set cookie after cookie: over
     * a limit, expired cookies go first, then the least recently used (RFC 6265 section 5.3, last
     * paragraph; section 6.1 for the sizes).
     */
    private void evictOverLimits(Map<String, CookieEntry> group, Instant now) {
        if (group.size() > MAX_COOKIES_PER_KEY) {
            size -= removeExpired(group.values(), now);
            size -= evictLeastRecentlyUsed(List.of(group), group.size() - MAX_COOKIES_PER_KEY);
        }
        if (size > MAX_COOKIES) {
            for (Map<String, CookieEntry> g : entries.values()) {
                size -= removeExpired(g.values(), now);
            }
            size -= evictLeastRecentlyUsed(entries.values(), size - MAX_COOKIES);
            entries.values().removeIf(Map::isEmpty);
        }
    }

    private static int removeExpired(Collection<CookieEntry> group, Instant now) {
        int before = group.size();
        group.removeIf(entry -> entry.expired(now));
        return before - group.size();
    }

    /** Removes the {@code count} least recently accessed entries of {@code groups}; returns how many. */
    private static int evictLeastRecentlyUsed(Collection<Map<String, CookieEntry>> groups, int count) {
        if (count <= 0) {
            return 0;
        }
        List<CookieEntry> all = new ArrayList<>();
        for (Map<String, CookieEntry> g : groups) {
            all.addAll(g.values());
        }
        all.sort(CookieEntry.EVICTION_ORDER);
        Set<CookieEntry> victims = Collections.newSetFromMap(new IdentityHashMap<>());
        victims.addAll(all.subList(0, Math.min(count, all.size())));
        for (Map<String, CookieEntry> g : groups) {
            g.values().removeIf(victims::contains);
        }
        return victims.size();
    }

    /**
     * Go's jarKey: the registrable domain (eTLD+1) of a canonical host, or the host itself for IP
     * addresses, public suffixes, and when the list gives an answer that is not a suffix of the host.
     */
    static String jarKey(String host, PublicSuffixList publicSuffixList) {
        if (CookieHosts.isIp(host)) {
            return host;
        }
        String suffix = publicSuffixList.publicSuffix(host);
        if (suffix == null) {
            suffix = "";
        }
        if (suffix.equals(host)) {
            return host;
        }
        int i = host.length() - suffix.length();
        if (i <= 0 || host.charAt(i - 1) != '.') {
            return host; // a broken list: storing under the host is the safe stopgap
        }
        // Only the suffix's length counts from here on, as in Go: a list that answers "com" for
        // "www.buggy.psl" still yields a key made of the host's own labels.
        int previousDot = i >= 2 ? host.lastIndexOf('.', i - 2) : -1;
        return host.substring(previousDot + 1);
    }

    private static boolean isHttp(URI uri) {
        String scheme = uri.getScheme();
        return "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
    }

    private static boolean isSecureChannel(URI uri, String host) {
        return "https".equalsIgnoreCase(uri.getScheme()) || CookieHosts.isLoopback(host);
    }
}
