package dev.courier.http;

import dev.courier.http.internal.cookie.NoCookieJar;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Stores the cookies that responses set and supplies those that requests send (Go's
 * http.CookieJar). The {@link Client} calls {@link #setCookies} with the Set-Cookie headers of every
 * response, redirects included, and {@link #cookies} before every hop.
 *
 * <p>Implementations must be safe for concurrent use: one jar serves all of a client's requests.
 * {@link #none()}, the default, keeps nothing; {@link #inMemory()} keeps cookies per RFC 6265.
 */
public interface CookieJar {
    /**
     * Takes the cookies set by a response to a request for {@code uri}, already parsed with
     * {@link Cookie#parse}. The jar may store, replace, delete or ignore each of them as its policy
     * says; it never throws for a cookie it refuses.
     *
     * @param uri the URL of the request whose response set the cookies
     * @param cookies the cookies in the order the Set-Cookie fields came
     */
    void setCookies(URI uri, List<Cookie> cookies);

    /**
     * {@return the cookies to send in a request for {@code uri}, in the order they go in the Cookie header;
     * empty when there are none or the scheme is not http or https}
     *
     * @param uri the URL of the request about to be sent
     */
    List<Cookie> cookies(URI uri);

    /** {@return a jar that stores nothing and sends nothing: the client default, as in Go} */
    static CookieJar none() {
        return NoCookieJar.INSTANCE;
    }

    /**
     * {@return an RFC 6265 jar in memory, refusing domain cookies for public suffixes of {@link
     * PublicSuffixList#mozilla()}, on the system clock}
     */
    static InMemoryCookieJar inMemory() {
        return inMemoryBuilder().build();
    }

    /** {@return a builder for an in-memory jar with another public suffix list or clock} */
    static InMemoryBuilder inMemoryBuilder() {
        return new InMemoryBuilder();
    }

    /**
     * {@return the value of a Cookie request header for {@code cookies}: {@code name=value} pairs joined with
     * "; " (RFC 6265 section 5.4 step 4), in the order given; empty for no cookies}
     *
     * @param cookies the cookies to send, as {@link #cookies(URI)} returns them
     */
    static String header(List<Cookie> cookies) {
        StringBuilder sb = new StringBuilder();
        for (Cookie cookie : cookies) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(cookie.name()).append('=').append(cookie.value());
        }
        return sb.toString();
    }

    /** Builds an {@link InMemoryCookieJar}. */
    final class InMemoryBuilder {
        private PublicSuffixList publicSuffixList = PublicSuffixList.mozilla();
        private Clock clock = Clock.systemUTC();

        private InMemoryBuilder() {
        }

        /**
         * The list that decides which Domain attributes are public suffixes; default: Mozilla's.
         *
         * @param publicSuffixList the list, for example one read with {@link PublicSuffixList#load}
         * @return this builder
         */
        public InMemoryBuilder publicSuffixList(PublicSuffixList publicSuffixList) {
            this.publicSuffixList = Objects.requireNonNull(publicSuffixList, "publicSuffixList");
            return this;
        }

        /**
         * The clock for expiry, creation and last-access times; default: the system UTC clock.
         *
         * @param clock the clock, e.g. a fixed one in tests
         * @return this builder
         */
        public InMemoryBuilder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** {@return a new, empty jar with this list and clock} */
        public InMemoryCookieJar build() {
            return new InMemoryCookieJar(publicSuffixList, clock);
        }
    }
}
