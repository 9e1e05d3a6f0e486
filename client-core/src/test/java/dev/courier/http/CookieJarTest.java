package dev.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link InMemoryCookieJar} beyond Go's tests ({@link CookieJarGoTest}): RFC 6265bis's Secure rules and
 * name prefixes, loopback as a secure channel, the stored form of cookies, times, the real public
 * suffix list, IP and IDN hosts, limits, {@link CookieJar#none()} and concurrent use.
 */
class CookieJarTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryCookieJar jar = CookieJar.inMemoryBuilder().clock(clock).build();

    private void set(String uri, String... setCookieLines) {
        List<Cookie> cookies = new ArrayList<>();
        for (String line : setCookieLines) {
            cookies.add(Cookie.parse(line).orElseThrow(() -> new AssertionError("unparsable " + line)));
        }
        jar.setCookies(URI.create(uri), cookies);
    }

    /** The Cookie header the jar makes for {@code uri}. */
    private String header(String uri) {
        return CookieJar.header(jar.cookies(URI.create(uri)));
    }

    private String allNames() {
        return jar.all().stream().map(c -> c.name() + "=" + c.value()).collect(Collectors.joining(" "));
    }

    /**
     * Found by SetCookieFuzzTest: a request path with a ';' (a servlet's "/app;jsessionid=1/page") gave a
     * cookie without Path a default path the Cookie builder refuses, and setCookies threw, out of the
     * Client's response handling. The ';' is now kept percent-encoded, on both sides of path-matching.
     */
    @Test
    void aRequestPathWithASemicolonGivesADefaultPathThatStillMatches() {
        set("http://example.com/app;jsessionid=1/page", "sid=1", "top=2; Path=/");
        assertThat(header("http://example.com/app;jsessionid=1/other")).isEqualTo("sid=1; top=2");
        assertThat(header("http://example.com/app/other")).isEqualTo("top=2");
        assertThat(jar.all()).anyMatch(c -> c.name().equals("sid") && c.path().orElseThrow().equals("/app%3Bjsessionid=1"));
    }

    @Test
    void noneStoresNothing() {
        CookieJar none = CookieJar.none();
        none.setCookies(URI.create("https://example.com/"), List.of(Cookie.parse("a=1").orElseThrow()));
        assertThat(none.cookies(URI.create("https://example.com/"))).isEmpty();
        assertThat(CookieJar.none()).isSameAs(none).hasToString("CookieJar.none()");
    }

    @Test
    void headerJoinsNameValuePairsInOrder() {
        List<Cookie> cookies = List.of(
                Cookie.parse("b=2; Path=/x; Secure").orElseThrow(),
                Cookie.parse("a=1").orElseThrow(),
                Cookie.parse("c=").orElseThrow());
        assertThat(CookieJar.header(cookies)).isEqualTo("b=2; a=1; c=");
        assertThat(CookieJar.header(List.of())).isEmpty();
    }

    @Test
    void headerListsLongerPathsFirstThenOlderCookies() {
        set("http://www.example.com/a/b/c", "root=1; Path=/", "dir=2", "deep=3; Path=/a/b/c");
        clock.advance(Duration.ofSeconds(1));
        set("http://www.example.com/", "older=4; Path=/a/b", "root2=5; Path=/");
        assertThat(header("http://www.example.com/a/b/c")).isEqualTo("deep=3; dir=2; older=4; root=1; root2=5");
        assertThat(header("http://www.example.com/a/x")).isEqualTo("root=1; root2=5");
    }

    /** RFC 6265 5.4 step 2 orders by creation time, not by arrival: a clock set back shows the difference. */
    @Test
    void samePathLengthIsOrderedByCreationTime() {
        clock.set(T0.plusSeconds(60));
        set("http://example.com/", "late=1");
        clock.set(T0);
        set("http://example.com/", "early=2");
        assertThat(header("http://example.com/")).isEqualTo("early=2; late=1");
        assertThat(allNames()).isEqualTo("late=1 early=2");
    }

    @Test
    void storedCookieHasResolvedDomainPathExpiryAndTimes() {
        set("https://www.example.com/docs/index.html",
                "host=1; Max-Age=60; HttpOnly; SameSite=Strict",
                "dom=2; Domain=.Example.COM; Path=/; Secure; Expires=Wed, 01 Jan 2031 00:00:00 GMT; SameSite=None");
        List<Cookie> all = jar.all();
        assertThat(all).hasSize(2);
        Cookie host = all.get(0);
        assertThat(host.domain()).contains("www.example.com");
        assertThat(host.hostOnly()).isTrue();
        assertThat(host.path()).contains("/docs");
        assertThat(host.expires()).contains(T0.plusSeconds(60));
        assertThat(host.maxAge()).isEmpty();
        assertThat(host.persistent()).isTrue();
        assertThat(host.httpOnly()).isTrue();
        assertThat(host.sameSite()).contains(Cookie.SameSite.STRICT);
        assertThat(host.creationTime()).contains(T0);
        assertThat(host.lastAccessTime()).contains(T0);
        Cookie dom = all.get(1);
        assertThat(dom.domain()).contains("example.com");
        assertThat(dom.hostOnly()).isFalse();
        assertThat(dom.path()).contains("/");
        assertThat(dom.secure()).isTrue();
        assertThat(dom.expires()).contains(Instant.parse("2031-01-01T00:00:00Z"));
        assertThat(dom.sameSite()).contains(Cookie.SameSite.NONE);
        assertThat(dom).hasToString("dom=2; Domain=example.com; Path=/; Expires=Wed, 1 Jan 2031 00:00:00 GMT; "
                + "Secure; SameSite=None [created 2026-01-01T00:00:00Z, last access 2026-01-01T00:00:00Z]");
    }

    @Test
    void sessionCookieNeverExpiresByTheClock() {
        set("http://example.com/", "s=1", "p=2; Max-Age=10");
        clock.advance(Duration.ofDays(3650));
        assertThat(header("http://example.com/")).isEqualTo("s=1");
        assertThat(jar.all()).singleElement().satisfies(c -> assertThat(c.persistent()).isFalse());
    }

    @Test
    void cookieExpiresAtItsExpiryInstantExactly() {
        set("http://example.com/", "a=1; Max-Age=10");
        clock.advance(Duration.ofSeconds(10).minusNanos(1));
        assertThat(header("http://example.com/")).isEqualTo("a=1");
        clock.advance(Duration.ofNanos(1));
        assertThat(header("http://example.com/")).isEmpty();
        assertThat(jar.all()).isEmpty();
    }

    @Test
    void maxAgePrevailsOverExpires() {
        set("http://example.com/", "a=1; Expires=Thu, 01 Jan 2015 00:00:00 GMT; Max-Age=100");
        assertThat(jar.all()).singleElement().satisfies(c -> assertThat(c.expires()).contains(T0.plusSeconds(100)));
        set("http://example.com/", "a=1; Expires=Thu, 01 Jan 2099 00:00:00 GMT; Max-Age=0");
        assertThat(jar.all()).isEmpty();
    }

    @Test
    void hugeMaxAgeSaturates() {
        set("http://example.com/", "a=1; Max-Age=99999999999999999999");
        assertThat(jar.all()).singleElement().satisfies(c -> assertThat(c.expires()).contains(Instant.MAX));
        assertThat(header("http://example.com/")).isEqualTo("a=1");
    }

    @Test
    void pastExpiresDeletesAndIsNotStored() {
        set("http://example.com/", "a=1", "b=2");
        set("http://example.com/", "a=gone; Expires=Thu, 01 Jan 2015 00:00:00 GMT", "c=3; Max-Age=-5");
        assertThat(allNames()).isEqualTo("b=2");
    }

    @Test
    void replacementKeepsCreationTimeAndPlaceInOrder() {
        set("http://example.com/", "a=1", "b=2");
        clock.advance(Duration.ofMinutes(1));
        set("http://example.com/", "a=updated; HttpOnly");
        Cookie a = jar.all().get(0);
        assertThat(a.value()).isEqualTo("updated");
        assertThat(a.httpOnly()).isTrue();
        assertThat(a.creationTime()).contains(T0);
        assertThat(a.lastAccessTime()).contains(T0.plusSeconds(60));
        assertThat(header("http://example.com/")).isEqualTo("a=updated; b=2");
    }

    @Test
    void sendingUpdatesLastAccessButListingDoesNot() {
        set("http://example.com/", "a=1", "other=2; Path=/elsewhere");
        clock.advance(Duration.ofSeconds(5));
        assertThat(jar.cookies(URI.create("http://example.com/"))).singleElement()
                .satisfies(c -> assertThat(c.lastAccessTime()).contains(T0.plusSeconds(5)));
        clock.advance(Duration.ofSeconds(5));
        assertThat(jar.all()).extracting(c -> c.lastAccessTime().orElseThrow())
                .containsExactly(T0.plusSeconds(5), T0);
    }

    @Test
    void secureCookieFromHttpIsIgnored() {
        set("http://www.example.com/", "a=1; Secure", "b=2");
        assertThat(allNames()).isEqualTo("b=2");
        set("https://www.example.com/", "a=1; Secure");
        assertThat(header("https://www.example.com/")).isEqualTo("b=2; a=1");
        assertThat(header("http://www.example.com/")).isEqualTo("b=2");
    }

    /** RFC 6265bis 5.7, "Strict Secure Cookies": http cannot overwrite, delete or shadow a Secure cookie. */
    @Test
    void httpLeavesSecureCookiesAlone() {
        set("https://www.example.com/", "a=secret; Secure; Domain=example.com; Path=/app");
        set("http://www.example.com/app/x",
                "a=overwrite; Domain=example.com; Path=/app", // same cookie
                "a=; Domain=example.com; Path=/app; Max-Age=0", // deletion
                "a=shadow; Path=/app/sub", // host-only, longer path: would be sent first
                "a=sub; Domain=www.example.com; Path=/app", // domain inside the Secure cookie's domain
                "b=unrelated");
        assertThat(jar.all()).extracting(Cookie::toString).containsExactly(
                "a=secret; Domain=example.com; Path=/app; Secure "
                        + "[created 2026-01-01T00:00:00Z, last access 2026-01-01T00:00:00Z]",
                "b=unrelated; Domain=www.example.com; Path=/app [host-only, created 2026-01-01T00:00:00Z, "
                        + "last access 2026-01-01T00:00:00Z]");
        // A path outside the Secure cookie's does not shadow it, and https may do anything.
        set("http://www.example.com/", "a=other-path; Path=/other");
        set("https://www.example.com/", "a=; Domain=example.com; Path=/app; Max-Age=0");
        assertThat(allNames()).isEqualTo("b=unrelated a=other-path");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "http://localhost:8080/", "http://127.0.0.1/", "http://127.10.20.30:9/", "http://[::1]:8080/"
    })
    void loopbackOverHttpIsASecureChannel(String uri) {
        set(uri, "s=1; Secure", "__Secure-t=2; Secure", "__Host-u=3; Secure; Path=/");
        assertThat(header(uri)).isEqualTo("s=1; __Secure-t=2; __Host-u=3");
    }

    @Test
    void secureCookiesAreNotSentToOtherHostsOverHttp() {
        set("https://example.com/", "s=1; Secure", "p=2");
        assertThat(header("http://example.com/")).isEqualTo("p=2");
        assertThat(header("https://example.com/")).isEqualTo("s=1; p=2");
        assertThat(header("http://localhost/")).isEmpty();
    }

    /** RFC 6265bis 4.1.3 and 5.7: what the "__Secure-" and "__Host-" prefixes demand. */
    @ParameterizedTest(name = "[{index}] {0} from {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            __Secure-a=1; Secure                             | https://www.example.com/ | stored
            __Secure-a=1                                     | https://www.example.com/ | rejected
            __secure-a=1                                     | https://www.example.com/ | rejected
            __Secure-a=1; Secure; Domain=example.com         | https://www.example.com/ | stored
            __Host-a=1; Secure; Path=/                       | https://www.example.com/ | stored
            __HOST-a=1; Secure; Path=/                       | https://www.example.com/ | stored
            __Host-a=1; Path=/                               | https://www.example.com/ | rejected
            __Host-a=1; Secure                               | https://www.example.com/ | rejected
            __Host-a=1; Secure; Path=/x                      | https://www.example.com/ | rejected
            __Host-a=1; Secure; Path=/; Domain=example.com   | https://www.example.com/ | rejected
            __Host-a=1; Secure; Path=/; Domain=www.example.com | https://www.example.com/ | rejected
            __Host-a=1; Secure; Path=/                       | http://www.example.com/  | rejected
            __Hostile=1                                      | http://www.example.com/  | stored
            """)
    void cookieNamePrefixes(String setCookie, String from, String expected) {
        set(from, setCookie);
        assertThat(jar.all().isEmpty() ? "rejected" : "stored").isEqualTo(expected);
    }

    @Test
    void domainCookiesOnPublicSuffixesOfTheRealListAreRejected() {
        set("https://alice.github.io/", "a=1; Domain=github.io", "b=2; Domain=alice.github.io", "c=3");
        set("https://www.bbc.co.uk/", "d=4; Domain=co.uk", "e=5; Domain=bbc.co.uk");
        set("https://github.io/", "f=6; Domain=github.io");
        assertThat(allNames()).isEqualTo("b=2 c=3 e=5 f=6");
        assertThat(header("https://bob.github.io/")).isEmpty();
        assertThat(header("https://deep.alice.github.io/")).isEqualTo("b=2");
        assertThat(header("https://news.bbc.co.uk/")).isEqualTo("e=5");
        assertThat(header("https://github.io/")).isEqualTo("f=6");
        assertThat(jar.all().get(3).hostOnly()).isTrue();
    }

    @Test
    void ipv6HostsAreCanonicalAndHostOnly() {
        set("http://[2001:DB8:0:0::1]:8080/", "a=1", "b=2; Domain=2001:db8::1", "c=3; Domain=db8::1");
        assertThat(header("http://[2001:db8::1]/")).isEqualTo("a=1; b=2");
        assertThat(jar.all()).allSatisfy(c -> assertThat(c.hostOnly()).isTrue());
    }

    @Test
    void idnDomainAttributeIsConvertedToPunycode() {
        set("http://www.bücher.test/", "a=1; Domain=BÜCHER.test");
        assertThat(jar.all()).singleElement().satisfies(c -> assertThat(c.domain()).contains("xn--bcher-kva.test"));
        assertThat(header("http://shop.xn--bcher-kva.test/")).isEqualTo("a=1");
    }

    @Test
    void pathThatDoesNotStartWithSlashMeansTheDefaultPath() {
        jar.setCookies(URI.create("http://example.com/dir/page"),
                List.of(Cookie.newBuilder("a", "1").path("relative").build()));
        assertThat(jar.all()).singleElement().satisfies(c -> assertThat(c.path()).contains("/dir"));
    }

    @Test
    void setCookiesIgnoresTheStoredOnlyAttributesOfItsInput() {
        Cookie restored = Cookie.newBuilder("a", "1").domain("example.com").path("/").hostOnly(true)
                .creationTime(Instant.EPOCH).lastAccessTime(Instant.EPOCH).build();
        jar.setCookies(URI.create("http://www.example.com/"), List.of(restored));
        Cookie stored = jar.all().get(0);
        assertThat(stored.hostOnly()).isFalse();
        assertThat(stored.creationTime()).contains(T0);
        assertThat(header("http://other.example.com/")).isEqualTo("a=1");
    }

    /** Go's TestIssue19384 asked for no panic on such hosts; this jar keeps nothing for them. */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "http:///", "http://./", "http://../", "http://.../", "http://a..b/", "ftp://example.com/",
        "mailto:a@example.com", "file:///etc/passwd", "/relative/path"
    })
    void uriWithoutAnHttpHostStoresAndSendsNothing(String uri) {
        jar.setCookies(URI.create(uri), List.of(Cookie.parse("name=value").orElseThrow()));
        assertThat(jar.cookies(URI.create(uri))).isEmpty();
        assertThat(jar.all()).isEmpty();
    }

    @Test
    void allListsLiveCookiesInStorageOrderAcrossSites() {
        set("http://b.example/", "b1=1");
        set("http://a.example/", "a1=1; Max-Age=5", "a2=2");
        set("http://b.example/", "b2=2");
        assertThat(allNames()).isEqualTo("b1=1 a1=1 a2=2 b2=2");
        clock.advance(Duration.ofSeconds(5));
        assertThat(allNames()).isEqualTo("b1=1 a2=2 b2=2");
        assertThat(jar).hasToString("InMemoryCookieJar[3 cookies, " + PublicSuffixList.mozilla() + "]");
    }

    @Test
    void perSiteLimitDropsTheLeastRecentlyUsed() {
        String[] lines = IntStream.range(0, 180).mapToObj(i -> "c" + i + "=" + i + "; Path=/p" + i)
                .toArray(String[]::new);
        set("http://www.example.com/", lines);
        clock.advance(Duration.ofSeconds(1));
        assertThat(header("http://www.example.com/p0")).isEqualTo("c0=0"); // c0 is used now
        set("http://other.example.com/", "new=1");
        List<String> names = jar.all().stream().map(Cookie::name).collect(Collectors.toList());
        assertThat(names).hasSize(180).contains("c0", "c2", "c179", "new").doesNotContain("c1");
    }

    @Test
    void totalLimitDropsTheLeastRecentlyUsedOfAnySite() {
        for (int site = 0; site < 20; site++) {
            String[] lines = IntStream.range(0, 150).mapToObj(i -> "c" + i + "=" + i).toArray(String[]::new);
            set("http://site" + site + ".example/", lines);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(jar.all()).hasSize(3000);
        header("http://site0.example/"); // site0's cookies are now the most recently used
        clock.advance(Duration.ofSeconds(1));
        set("http://site20.example/", "new=1");
        List<Cookie> all = jar.all();
        assertThat(all).hasSize(3000);
        assertThat(all).filteredOn(c -> c.domain().orElseThrow().equals("site0.example")).hasSize(150);
        assertThat(all).filteredOn(c -> c.domain().orElseThrow().equals("site1.example")).hasSize(149);
        assertThat(all).extracting(Cookie::name).contains("new");
    }

    @Test
    void concurrentUseKeepsEveryCookie() throws Exception {
        int threads = 4;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String site = "http://www.site" + t + ".test/"; // one registrable domain each: 180 is the limit
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        set(site, "k" + i + "=" + i);
                        assertThat(jar.cookies(URI.create(site))).hasSize(i + 1);
                        jar.all();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(jar.all()).hasSize(threads * perThread);
    }
}
