package dev.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.courier.http.internal.cookie.CookieHosts;
import dev.courier.http.internal.cookie.CookieSyntax;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Fuzzes Set-Cookie parsing ({@link Cookie#parse}, {@code SetCookieParser}, {@code CookieDateParser}) and the
 * in-memory jar that stores what it parses. For every header line and request URL:
 * <ul>
 *   <li>parsing never throws: a line is a cookie or nothing;
 *   <li>a parsed cookie's name is a token, its value (trimmed) and Domain and Path hold no control character
 *       nor ';', a Path starts with '/', and name plus value fit in 4096 characters (RFC 6265bis 5.6);
 *   <li>the cookie written back in Set-Cookie form ({@link Cookie#toString()}) parses to the same cookie
 *       (Expires compared when RFC 1123 can write its year);
 *   <li>the jar neither throws nor keeps a cookie whose Domain is a public suffix other than the host
 *       itself, nor one for another domain, and never sends a Secure cookie over http but to a loopback host.
 * </ul>
 *
 * <p>Input ({@link FuzzedDataProvider}): a URL choice and a host, then the header line. Seeds are in
 * {@code SetCookieFuzzTestInputs/setCookie}.
 */
class SetCookieFuzzTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final String[] HOSTS = {"www.example.com", "example.com", "a.b.example.co.uk", "foo.github.io",
        "localhost", "127.0.0.1", "[::1]", "xn--bcher-kva.example", "com"};

    @FuzzTest
    void setCookie(FuzzedDataProvider data) {
        boolean https = data.consumeBoolean();
        String host = data.consumeBoolean() ? data.pickValue(HOSTS) : data.consumeString(40);
        String path = data.pickValue(new String[] {"/", "/a/b", "/a/b/", "/docs/x.html"});
        String header = data.consumeRemainingAsString();
        Optional<Cookie> parsed = Cookie.parse(header);
        if (parsed.isEmpty()) {
            return;
        }
        Cookie c = parsed.get();
        checkSyntax(c);
        checkRoundTrip(c);
        URI uri;
        try {
            uri = new URI((https ? "https" : "http") + "://" + host + path);
        } catch (URISyntaxException e) {
            return;
        }
        if (uri.getHost() == null) {
            return;
        }
        checkJar(uri, c);
    }

    private static void checkSyntax(Cookie c) {
        assertThat(CookieSyntax.isValidName(c.name())).as("name %s is a token", c.name()).isTrue();
        assertThat(CookieSyntax.indexOfInvalidValueChar(c.value())).as("value of %s", c).isNegative();
        assertThat(c.value()).as("value trimmed").doesNotStartWith(" ").doesNotStartWith("\t")
                .doesNotEndWith(" ").doesNotEndWith("\t");
        assertThat(c.name().length() + c.value().length()).isLessThanOrEqualTo(CookieSyntax.MAX_NAME_VALUE_LENGTH);
        c.domain().ifPresent(d -> assertThat(CookieSyntax.indexOfInvalidValueChar(d)).as("domain of %s", c).isNegative());
        c.domain().ifPresent(d -> assertThat(d).isNotEmpty().hasSizeLessThanOrEqualTo(CookieSyntax.MAX_ATTRIBUTE_VALUE_LENGTH));
        c.path().ifPresent(p -> assertThat(p).startsWith("/").hasSizeLessThanOrEqualTo(CookieSyntax.MAX_ATTRIBUTE_VALUE_LENGTH));
        c.path().ifPresent(p -> assertThat(CookieSyntax.indexOfInvalidValueChar(p)).as("path of %s", c).isNegative());
        c.expires().ifPresent(e -> assertThat(ZonedDateTime.ofInstant(e, ZoneOffset.UTC).getYear())
                .as("RFC 6265 5.1.1: years before 1601 fail").isGreaterThanOrEqualTo(1601));
    }

    private static void checkRoundTrip(Cookie c) {
        Cookie again = Cookie.parse(c.toString())
                .orElseThrow(() -> new AssertionError("the Set-Cookie form of " + c + " does not parse"));
        boolean datePrintable = c.expires().map(e -> ZonedDateTime.ofInstant(e, ZoneOffset.UTC).getYear() <= 9999).orElse(true);
        Cookie expected = datePrintable ? c : c.toBuilder().expires(null).build();
        assertThat(again).as("%s written and parsed again", c).isEqualTo(expected);
    }

    private static void checkJar(URI uri, Cookie c) {
        InMemoryCookieJar jar = CookieJar.inMemoryBuilder().clock(CLOCK).build();
        jar.setCookies(uri, List.of(c));
        String host = uri.getHost().toLowerCase(java.util.Locale.ROOT);
        PublicSuffixList psl = PublicSuffixList.mozilla();
        for (Cookie stored : jar.all()) {
            String domain = stored.domain().orElseThrow(() -> new AssertionError("stored without a domain: " + stored));
            if (!stored.hostOnly()) {
                assertThat(domain.equals(psl.publicSuffix(domain)) && !domain.equals(asciiHost(host)))
                        .as("%s stored for public suffix %s from %s", stored, domain, uri).isFalse();
            }
            assertThat(asciiHost(host).equals(domain) || asciiHost(host).endsWith("." + domain))
                    .as("%s stored from %s: not the host or a parent domain", stored, uri).isTrue();
        }
        boolean loopback = CookieHosts.isLoopback(asciiHost(host)); // a secure context over http (CookieHosts)
        for (Cookie sent : jar.cookies(uri)) {
            assertThat(sent.secure() && uri.getScheme().equals("http") && !loopback)
                    .as("Secure %s sent over http", sent).isFalse();
            assertThat(CookieJar.header(List.of(sent))).doesNotContain("\r", "\n");
        }
    }

    private static String asciiHost(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        try {
            return java.net.IDN.toASCII(h, java.net.IDN.ALLOW_UNASSIGNED).toLowerCase(java.util.Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return h;
        }
    }
}
