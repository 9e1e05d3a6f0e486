package dev.courier.http;

import dev.courier.http.internal.cookie.CookieSyntax;
import dev.courier.http.internal.cookie.SetCookieParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * An HTTP cookie (RFC 6265): either as a server sent it in Set-Cookie ({@link #parse}), or as a
 * {@link CookieJar} stores it.
 *
 * <p>The two forms differ in a few attributes. A parsed cookie carries its attributes as sent:
 * {@link #domain()} is the raw Domain attribute (maybe with a leading dot), {@link #path()} the Path
 * attribute, {@link #expires()} and {@link #maxAge()} what the server said; it has no creation time and
 * is not {@link #hostOnly()}. A stored cookie, as {@link CookieJar#cookies} and
 * {@link InMemoryCookieJar#all()} return it, has its resolved domain (the request host for a host-only
 * cookie), its resolved path, its expiry instant in {@link #expires()} (empty for a session cookie),
 * no max-age, and its creation and last-access times.
 *
 * <p>Cookies are immutable; {@link #toBuilder()} makes a changed copy.
 */
public final class Cookie {
    /** The SameSite attribute (RFC 6265bis section 4.1.2.7); an unknown value parses as absent. */
    public enum SameSite {
        /** {@code SameSite=Strict}: sent only with requests from the cookie's own site. */
        STRICT("Strict"),
        /** {@code SameSite=Lax}: also sent with top-level navigations from other sites. */
        LAX("Lax"),
        /** {@code SameSite=None}: sent with every request (browsers require Secure with it). */
        NONE("None");

        private final String attributeValue;

        SameSite(String attributeValue) {
            this.attributeValue = attributeValue;
        }

        /** {@return the value as written in Set-Cookie: "Strict", "Lax" or "None"} */
        public String attributeValue() {
            return attributeValue;
        }
    }

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final String name;
    private final String value;
    private final String domain;
    private final String path;
    private final Instant expires;
    private final Duration maxAge;
    private final boolean secure;
    private final boolean httpOnly;
    private final SameSite sameSite;
    private final boolean hostOnly;
    private final Instant creationTime;
    private final Instant lastAccessTime;

    private Cookie(Builder b) {
        this.name = b.name;
        this.value = b.value;
        this.domain = b.domain;
        this.path = b.path;
        this.expires = b.expires;
        this.maxAge = b.maxAge;
        this.secure = b.secure;
        this.httpOnly = b.httpOnly;
        this.sameSite = b.sameSite;
        this.hostOnly = b.hostOnly;
        this.creationTime = b.creationTime;
        this.lastAccessTime = b.lastAccessTime;
    }

    /**
     * Parses one Set-Cookie header value (RFC 6265 section 5.2). Returns empty, and never throws, for a
     * line to be ignored: no '=' in the name-value pair, an empty name or one that is not a token, a
     * control character anywhere, or a name and value longer than 4096 characters. Unknown attributes,
     * an unparsable Expires or Max-Age, an empty Domain and a Path not starting with '/' are ignored
     * and the cookie kept, as the RFC says. A quoted value keeps its quotes.
     *
     * @param setCookieHeader one Set-Cookie field value, without the field name
     * @return the cookie as sent, or empty when the line is to be ignored
     */
    public static Optional<Cookie> parse(String setCookieHeader) {
        Objects.requireNonNull(setCookieHeader, "setCookieHeader");
        return SetCookieParser.parse(setCookieHeader);
    }

    /**
     * Starts a cookie; the name must be a token, the value free of control characters and ';'.
     *
     * @param name the cookie's name, a non-empty token
     * @param value the cookie's value, possibly empty
     * @return a new builder with no attributes set
     * @throws IllegalArgumentException naming the bad character and its index (never the value itself)
     */
    public static Builder newBuilder(String name, String value) {
        return new Builder(name, value);
    }

    /** {@return a new builder holding every attribute of this cookie, to change some} */
    public Builder toBuilder() {
        return new Builder(name, value)
                .domain(domain).path(path).expires(expires).maxAge(maxAge)
                .secure(secure).httpOnly(httpOnly).sameSite(sameSite).hostOnly(hostOnly)
                .creationTime(creationTime).lastAccessTime(lastAccessTime);
    }

    /** {@return the cookie's name, case-sensitive} */
    public String name() {
        return name;
    }

    /** {@return the cookie's value, quotes included when it was sent quoted} */
    public String value() {
        return value;
    }

    /** {@return the Domain attribute as sent, or for a stored cookie the domain it is sent to} */
    public Optional<String> domain() {
        return Optional.ofNullable(domain);
    }

    /** {@return the Path attribute (empty when absent or not starting with '/'), or the stored path} */
    public Optional<String> path() {
        return Optional.ofNullable(path);
    }

    /** {@return the Expires attribute, or for a stored cookie its expiry; empty for a session cookie} */
    public Optional<Instant> expires() {
        return Optional.ofNullable(expires);
    }

    /** {@return the Max-Age attribute (zero or negative means "delete"); stored cookies have it in expires} */
    public Optional<Duration> maxAge() {
        return Optional.ofNullable(maxAge);
    }

    /** {@return whether the cookie has an expiry: Max-Age or Expires} Without one it is a session cookie. */
    public boolean persistent() {
        return expires != null || maxAge != null;
    }

    /** {@return whether the cookie is only sent over secure channels (https, or loopback; see CookieJar)} */
    public boolean secure() {
        return secure;
    }

    /**
     * {@return whether scripts may not see the cookie} A cookie jar serves HTTP, so it sends these like any
     * other (RFC 6265 section 5.4 step 1 excludes them only for non-HTTP APIs).
     */
    public boolean httpOnly() {
        return httpOnly;
    }

    /** {@return the SameSite attribute; kept, not enforced: a client has no notion of a top-level site} */
    public Optional<SameSite> sameSite() {
        return Optional.ofNullable(sameSite);
    }

    /**
     * {@return for a stored cookie, whether it is sent only to exactly {@link #domain()}} (RFC 6265 section
     * 5.3 step 6: it came without a Domain attribute); false for a parsed cookie.
     */
    public boolean hostOnly() {
        return hostOnly;
    }

    /** {@return when a jar first stored a cookie of this name, domain and path; empty for a parsed cookie} */
    public Optional<Instant> creationTime() {
        return Optional.ofNullable(creationTime);
    }

    /** {@return when a jar last stored or returned this cookie; empty for a parsed cookie} */
    public Optional<Instant> lastAccessTime() {
        return Optional.ofNullable(lastAccessTime);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Cookie)) {
            return false;
        }
        Cookie c = (Cookie) o;
        return name.equals(c.name) && value.equals(c.value) && Objects.equals(domain, c.domain)
                && Objects.equals(path, c.path) && Objects.equals(expires, c.expires)
                && Objects.equals(maxAge, c.maxAge) && secure == c.secure && httpOnly == c.httpOnly
                && sameSite == c.sameSite && hostOnly == c.hostOnly
                && Objects.equals(creationTime, c.creationTime) && Objects.equals(lastAccessTime, c.lastAccessTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, value, domain, path, expires, maxAge, secure, httpOnly, sameSite, hostOnly,
                creationTime, lastAccessTime);
    }

    /**
     * The cookie in Set-Cookie form, with what a jar adds in brackets, e.g.
     * {@code sid=31d4; Domain=example.com; Path=/; Secure; HttpOnly [host-only, created 2013-01-01T12:00:00Z]}.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(name).append('=').append(value);
        if (domain != null) {
            sb.append("; Domain=").append(domain);
        }
        if (path != null) {
            sb.append("; Path=").append(path);
        }
        if (expires != null) {
            sb.append("; Expires=").append(formatDate(expires));
        }
        if (maxAge != null) {
            sb.append("; Max-Age=").append(maxAge.getSeconds());
        }
        if (secure) {
            sb.append("; Secure");
        }
        if (httpOnly) {
            sb.append("; HttpOnly");
        }
        if (sameSite != null) {
            sb.append("; SameSite=").append(sameSite.attributeValue());
        }
        StringJoiner stored = new StringJoiner(", ", " [", "]").setEmptyValue("");
        if (hostOnly) {
            stored.add("host-only");
        }
        if (creationTime != null) {
            stored.add("created " + creationTime);
        }
        if (lastAccessTime != null) {
            stored.add("last access " + lastAccessTime);
        }
        return sb.append(stored).toString();
    }

    private static String formatDate(Instant instant) {
        try {
            return HTTP_DATE.format(instant);
        } catch (RuntimeException e) {
            return instant.toString(); // beyond year 9999: RFC 1123 has no form for it
        }
    }

    /** Builds a {@link Cookie}; every setter accepts null to clear the attribute. */
    public static final class Builder {
        private final String name;
        private final String value;
        private String domain;
        private String path;
        private Instant expires;
        private Duration maxAge;
        private boolean secure;
        private boolean httpOnly;
        private SameSite sameSite;
        private boolean hostOnly;
        private Instant creationTime;
        private Instant lastAccessTime;

        private Builder(String name, String value) {
            Objects.requireNonNull(name, "cookie name");
            Objects.requireNonNull(value, () -> "value of cookie " + name);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("cookie name is empty");
            }
            int bad = CookieSyntax.indexOfInvalidNameChar(name);
            if (bad >= 0) {
                throw new IllegalArgumentException("cookie name " + Headers.quote(name) + " has an invalid character "
                        + Headers.describe(name.charAt(bad)) + " at index " + bad);
            }
            checkAttribute("value of cookie " + Headers.quote(name), value);
            this.name = name;
            this.value = value;
        }

        /**
         * The Domain attribute (a jar resolves and checks it), or for a stored cookie its domain.
         *
         * @param domain the domain, or null or empty for none
         * @return this builder
         */
        public Builder domain(String domain) {
            if (domain != null) {
                checkAttribute("domain of cookie " + Headers.quote(name), domain);
            }
            this.domain = domain == null || domain.isEmpty() ? null : domain;
            return this;
        }

        /**
         * The Path attribute, or for a stored cookie its path.
         *
         * @param path the path, or null or empty for none
         * @return this builder
         */
        public Builder path(String path) {
            if (path != null) {
                checkAttribute("path of cookie " + Headers.quote(name), path);
            }
            this.path = path == null || path.isEmpty() ? null : path;
            return this;
        }

        /**
         * The Expires attribute, or for a stored cookie its expiry.
         *
         * @param expires the instant, or null for a session cookie
         * @return this builder
         */
        public Builder expires(Instant expires) {
            this.expires = expires;
            return this;
        }

        /**
         * Max-Age; zero or negative asks a jar to delete the cookie (RFC 6265 section 5.2.2).
         *
         * @param maxAge the lifetime from when a jar receives the cookie, or null for none
         * @return this builder
         */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = maxAge;
            return this;
        }

        /**
         * The Secure attribute: the cookie is sent over secure channels only.
         *
         * @param secure whether the attribute is present
         * @return this builder
         */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /**
         * The HttpOnly attribute (kept; an HTTP client sends such cookies like any other).
         *
         * @param httpOnly whether the attribute is present
         * @return this builder
         */
        public Builder httpOnly(boolean httpOnly) {
            this.httpOnly = httpOnly;
            return this;
        }

        /**
         * The SameSite attribute (kept, not enforced).
         *
         * @param sameSite the value, or null for none
         * @return this builder
         */
        public Builder sameSite(SameSite sameSite) {
            this.sameSite = sameSite;
            return this;
        }

        /**
         * Set by a jar on stored cookies; {@link CookieJar#setCookies} ignores it.
         *
         * @param hostOnly whether the cookie goes to its exact domain only
         * @return this builder
         */
        public Builder hostOnly(boolean hostOnly) {
            this.hostOnly = hostOnly;
            return this;
        }

        /**
         * Set by a jar on stored cookies; {@link CookieJar#setCookies} ignores it.
         *
         * @param creationTime when the jar first stored the cookie, or null
         * @return this builder
         */
        public Builder creationTime(Instant creationTime) {
            this.creationTime = creationTime;
            return this;
        }

        /**
         * Set by a jar on stored cookies; {@link CookieJar#setCookies} ignores it.
         *
         * @param lastAccessTime when the jar last stored or returned the cookie, or null
         * @return this builder
         */
        public Builder lastAccessTime(Instant lastAccessTime) {
            this.lastAccessTime = lastAccessTime;
            return this;
        }

        /** {@return the cookie with the attributes set so far} */
        public Cookie build() {
            return new Cookie(this);
        }

        /** Control characters and ';' would corrupt a Cookie header or a saved cookie line. */
        private static void checkAttribute(String what, String s) {
            int bad = CookieSyntax.indexOfInvalidValueChar(s);
            if (bad >= 0) {
                throw new IllegalArgumentException(what + " has an invalid character "
                        + Headers.describe(s.charAt(bad)) + " at index " + bad);
            }
        }
    }
}
