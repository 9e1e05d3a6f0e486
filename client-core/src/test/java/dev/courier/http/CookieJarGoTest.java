package dev.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The jar tests of Go 1.19's net/http/cookiejar/jar_test.go, ported table for table (the tables were
 * converted from the Go source by a script, so the cases are Go's own), including the ones Go took
 * from Chromium's cookie_store_unittest.h. The only changes: Secure cookies are set from https, where
 * RFC 6265bis differs from Go 1.19 (marked below; {@link CookieJarTest} tests the http side).
 */
class CookieJarGoTest {
    /** Go's tNow. */
    static final Instant T_NOW = Instant.parse("2013-01-01T12:00:00Z");

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    /** Go's testPSL: "co.uk" and the implicit "*" rule, with two deliberate bugs. */
    static final PublicSuffixList TEST_PSL = domain -> {
        if (domain.equals("co.uk") || domain.endsWith(".co.uk")) {
            return "co.uk";
        }
        if (domain.equals("www.buggy.psl")) {
            return "xy";
        }
        if (domain.equals("www2.buggy.psl")) {
            return "com";
        }
        return domain.substring(domain.lastIndexOf('.') + 1);
    };

    private final MutableClock clock = new MutableClock(T_NOW);
    private final InMemoryCookieJar jar = CookieJar.inMemoryBuilder().publicSuffixList(TEST_PSL).clock(clock).build();

    /** One query of Go's jarTest: the cookies that {@code toUrl} gets, as "name=value" in order. */
    record Query(String toUrl, String want) {
    }

    /**
     * Go's jarTest: at T_NOW store {@code setCookies} received from {@code fromUrl}; 1001 ms later the
     * live content of the jar, sorted, must be {@code content}; each query runs 1001 ms after the last.
     */
    record JarTest(String description, String fromUrl, List<String> setCookies, String content, List<Query> queries) {
        void run(InMemoryCookieJar jar, MutableClock clock) {
            clock.set(T_NOW);
            List<Cookie> cookies = new ArrayList<>();
            for (String line : setCookies) {
                cookies.add(Cookie.parse(line).orElseThrow(() -> new AssertionError("unparsable " + line)));
            }
            jar.setCookies(URI.create(fromUrl), cookies);
            clock.advance(Duration.ofMillis(1001));
            String got = jar.all().stream().map(c -> c.name() + "=" + c.value()).sorted()
                    .collect(Collectors.joining(" "));
            assertThat(got).as("%s: content", description).isEqualTo(content);
            for (int i = 0; i < queries.size(); i++) {
                clock.advance(Duration.ofMillis(1001));
                Query q = queries.get(i);
                String sent = jar.cookies(URI.create(q.toUrl())).stream().map(c -> c.name() + "=" + c.value())
                        .collect(Collectors.joining(" "));
                assertThat(sent).as("%s: query #%d %s", description, i, q.toUrl()).isEqualTo(q.want());
            }
        }

        @Override
        public String toString() {
            return description;
        }
    }

    static JarTest jarTest(String description, String fromUrl, List<String> setCookies, String content,
            Query... queries) {
        return new JarTest(description, fromUrl, setCookies, content, List.of(queries));
    }

    static Query q(String toUrl, String want) {
        return new Query(toUrl, want);
    }

    /** Go's expiresIn: an Expires attribute {@code delta} seconds from T_NOW. */
    static String expiresIn(int delta) {
        return "expires=" + HTTP_DATE.format(T_NOW.plusSeconds(delta));
    }

    /** Go's basicsTests; each runs on a fresh jar. */
    static Stream<JarTest> basics() {
        return Stream.of(
            jarTest("Retrieval of a plain host cookie.", "http://www.host.test/",
                    List.of("A=a"),
                    "A=a",
                    q("http://www.host.test", "A=a"),
                    q("http://www.host.test/", "A=a"),
                    q("http://www.host.test/some/path", "A=a"),
                    q("https://www.host.test", "A=a"),
                    q("https://www.host.test/", "A=a"),
                    q("https://www.host.test/some/path", "A=a"),
                    q("ftp://www.host.test", ""),
                    q("ftp://www.host.test/", ""),
                    q("ftp://www.host.test/some/path", ""),
                    q("http://www.other.org", ""),
                    q("http://sibling.host.test", ""),
                    q("http://deep.www.host.test", "")),
            // Set from https here: RFC 6265bis 5.7 ignores a Secure cookie from http (Go 1.19 stores it).
            jarTest("Secure cookies are not returned to http.", "https://www.host.test/",
                    List.of("A=a; secure"),
                    "A=a",
                    q("http://www.host.test", ""),
                    q("http://www.host.test/", ""),
                    q("http://www.host.test/some/path", ""),
                    q("https://www.host.test", "A=a"),
                    q("https://www.host.test/", "A=a"),
                    q("https://www.host.test/some/path", "A=a")),
            jarTest("Explicit path.", "http://www.host.test/",
                    List.of("A=a; path=/some/path"),
                    "A=a",
                    q("http://www.host.test", ""),
                    q("http://www.host.test/", ""),
                    q("http://www.host.test/some", ""),
                    q("http://www.host.test/some/", ""),
                    q("http://www.host.test/some/path", "A=a"),
                    q("http://www.host.test/some/paths", ""),
                    q("http://www.host.test/some/path/foo", "A=a"),
                    q("http://www.host.test/some/path/foo/", "A=a")),
            jarTest("Implicit path #1: path is a directory.", "http://www.host.test/some/path/",
                    List.of("A=a"),
                    "A=a",
                    q("http://www.host.test", ""),
                    q("http://www.host.test/", ""),
                    q("http://www.host.test/some", ""),
                    q("http://www.host.test/some/", ""),
                    q("http://www.host.test/some/path", "A=a"),
                    q("http://www.host.test/some/paths", ""),
                    q("http://www.host.test/some/path/foo", "A=a"),
                    q("http://www.host.test/some/path/foo/", "A=a")),
            jarTest("Implicit path #2: path is not a directory.", "http://www.host.test/some/path/index.html",
                    List.of("A=a"),
                    "A=a",
                    q("http://www.host.test", ""),
                    q("http://www.host.test/", ""),
                    q("http://www.host.test/some", ""),
                    q("http://www.host.test/some/", ""),
                    q("http://www.host.test/some/path", "A=a"),
                    q("http://www.host.test/some/paths", ""),
                    q("http://www.host.test/some/path/foo", "A=a"),
                    q("http://www.host.test/some/path/foo/", "A=a")),
            jarTest("Implicit path #3: no path in URL at all.", "http://www.host.test",
                    List.of("A=a"),
                    "A=a",
                    q("http://www.host.test", "A=a"),
                    q("http://www.host.test/", "A=a"),
                    q("http://www.host.test/some/path", "A=a")),
            jarTest("Cookies are sorted by path length.", "http://www.host.test/",
                    List.of(
                            "A=a; path=/foo/bar",
                            "B=b; path=/foo/bar/baz/qux",
                            "C=c; path=/foo/bar/baz",
                            "D=d; path=/foo"),
                    "A=a B=b C=c D=d",
                    q("http://www.host.test/foo/bar/baz/qux", "B=b C=c A=a D=d"),
                    q("http://www.host.test/foo/bar/baz/", "C=c A=a D=d"),
                    q("http://www.host.test/foo/bar", "A=a D=d")),
            jarTest("Creation time determines sorting on same length paths.", "http://www.host.test/",
                    List.of(
                            "A=a; path=/foo/bar",
                            "X=x; path=/foo/bar",
                            "Y=y; path=/foo/bar/baz/qux",
                            "B=b; path=/foo/bar/baz/qux",
                            "C=c; path=/foo/bar/baz",
                            "W=w; path=/foo/bar/baz",
                            "Z=z; path=/foo",
                            "D=d; path=/foo"),
                    "A=a B=b C=c D=d W=w X=x Y=y Z=z",
                    q("http://www.host.test/foo/bar/baz/qux", "Y=y B=b C=c W=w A=a X=x Z=z D=d"),
                    q("http://www.host.test/foo/bar/baz/", "C=c W=w A=a X=x Z=z D=d"),
                    q("http://www.host.test/foo/bar", "A=a X=x Z=z D=d")),
            jarTest("Sorting of same-name cookies.", "http://www.host.test/",
                    List.of(
                            "A=1; path=/",
                            "A=2; path=/path",
                            "A=3; path=/quux",
                            "A=4; path=/path/foo",
                            "A=5; domain=.host.test; path=/path",
                            "A=6; domain=.host.test; path=/quux",
                            "A=7; domain=.host.test; path=/path/foo"),
                    "A=1 A=2 A=3 A=4 A=5 A=6 A=7",
                    q("http://www.host.test/path", "A=2 A=5 A=1"),
                    q("http://www.host.test/path/foo", "A=4 A=7 A=2 A=5 A=1")),
            jarTest("Disallow domain cookie on public suffix.", "http://www.bbc.co.uk",
                    List.of("a=1", "b=2; domain=co.uk"),
                    "a=1",
                    q("http://www.bbc.co.uk", "a=1")),
            jarTest("Host cookie on IP.", "http://192.168.0.10",
                    List.of("a=1"),
                    "a=1",
                    q("http://192.168.0.10", "a=1")),
            jarTest("Domain cookies on IP.", "http://192.168.0.10",
                    List.of("a=1; domain=192.168.0.10", "b=2; domain=172.31.9.9", "c=3; domain=.192.168.0.10"),
                    "a=1",
                    q("http://192.168.0.10", "a=1"),
                    q("http://172.31.9.9", ""),
                    q("http://www.fancy.192.168.0.10", "")),
            jarTest("Port is ignored #1.", "http://www.host.test/",
                    List.of("a=1"),
                    "a=1",
                    q("http://www.host.test", "a=1"),
                    q("http://www.host.test:8080/", "a=1")),
            jarTest("Port is ignored #2.", "http://www.host.test:8080/",
                    List.of("a=1"),
                    "a=1",
                    q("http://www.host.test", "a=1"),
                    q("http://www.host.test:8080/", "a=1"),
                    q("http://www.host.test:1234/", "a=1")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("basics")
    void basics(JarTest test) {
        test.run(jar, clock);
    }

    /** Go's updateAndDeleteTests: one jar, in sequence. */
    @Test
    void updateAndDelete() {
        for (JarTest test : List.of(
            // The Secure cookies are set and updated from https here: RFC 6265bis 5.7 ignores a Secure cookie
            // from http and does not let http overwrite one (Go 1.19 does both). CookieJarTest covers http.
            jarTest("Set initial cookies.", "https://www.host.test",
                    List.of("a=1", "b=2; secure", "c=3; httponly", "d=4; secure; httponly"),
                    "a=1 b=2 c=3 d=4",
                    q("http://www.host.test", "a=1 c=3"),
                    q("https://www.host.test", "a=1 b=2 c=3 d=4")),
            jarTest("Update value via https.", "https://www.host.test",
                    List.of("a=w", "b=x; secure", "c=y; httponly", "d=z; secure; httponly"),
                    "a=w b=x c=y d=z",
                    q("http://www.host.test", "a=w c=y"),
                    q("https://www.host.test", "a=w b=x c=y d=z")),
            jarTest("Clear Secure flag from https.", "https://www.host.test/",
                    List.of("b=xx", "d=zz; httponly"),
                    "a=w b=xx c=y d=zz",
                    q("http://www.host.test", "a=w b=xx c=y d=zz")),
            jarTest("Delete all.", "http://www.host.test/",
                    List.of(
                            "a=1; max-Age=-1",
                            "b=2; " + expiresIn(-10),
                            "c=2; max-age=-1; " + expiresIn(-10),
                            "d=4; max-age=-1; " + expiresIn(10)),
                    "",
                    q("http://www.host.test", "")),
            jarTest("Refill #1.", "http://www.host.test",
                    List.of("A=1", "A=2; path=/foo", "A=3; domain=.host.test", "A=4; path=/foo; domain=.host.test"),
                    "A=1 A=2 A=3 A=4",
                    q("http://www.host.test/foo", "A=2 A=4 A=1 A=3")),
            jarTest("Refill #2.", "http://www.google.com",
                    List.of("A=6", "A=7; path=/foo", "A=8; domain=.google.com", "A=9; path=/foo; domain=.google.com"),
                    "A=1 A=2 A=3 A=4 A=6 A=7 A=8 A=9",
                    q("http://www.host.test/foo", "A=2 A=4 A=1 A=3"),
                    q("http://www.google.com/foo", "A=7 A=9 A=6 A=8")),
            jarTest("Delete A7.", "http://www.google.com",
                    List.of("A=; path=/foo; max-age=-1"),
                    "A=1 A=2 A=3 A=4 A=6 A=8 A=9",
                    q("http://www.host.test/foo", "A=2 A=4 A=1 A=3"),
                    q("http://www.google.com/foo", "A=9 A=6 A=8")),
            jarTest("Delete A4.", "http://www.host.test",
                    List.of("A=; path=/foo; domain=host.test; max-age=-1"),
                    "A=1 A=2 A=3 A=6 A=8 A=9",
                    q("http://www.host.test/foo", "A=2 A=1 A=3"),
                    q("http://www.google.com/foo", "A=9 A=6 A=8")),
            jarTest("Delete A6.", "http://www.google.com",
                    List.of("A=; max-age=-1"),
                    "A=1 A=2 A=3 A=8 A=9",
                    q("http://www.host.test/foo", "A=2 A=1 A=3"),
                    q("http://www.google.com/foo", "A=9 A=8")),
            jarTest("Delete A3.", "http://www.host.test",
                    List.of("A=; domain=host.test; max-age=-1"),
                    "A=1 A=2 A=8 A=9",
                    q("http://www.host.test/foo", "A=2 A=1"),
                    q("http://www.google.com/foo", "A=9 A=8")),
            jarTest("No cross-domain delete.", "http://www.host.test",
                    List.of("A=; domain=google.com; max-age=-1", "A=; path=/foo; domain=google.com; max-age=-1"),
                    "A=1 A=2 A=8 A=9",
                    q("http://www.host.test/foo", "A=2 A=1"),
                    q("http://www.google.com/foo", "A=9 A=8")),
            jarTest("Delete A8 and A9.", "http://www.google.com",
                    List.of("A=; domain=google.com; max-age=-1", "A=; path=/foo; domain=google.com; max-age=-1"),
                    "A=1 A=2",
                    q("http://www.host.test/foo", "A=2 A=1"),
                    q("http://www.google.com/foo", "")))) {
            test.run(jar, clock);
        }
    }

    /** Go's TestExpiration. */
    @Test
    void expiration() {
        jarTest("Expiration.", "http://www.host.test",
                List.of("a=1", "b=2; max-age=3", "c=3; " + expiresIn(3), "d=4; max-age=5", "e=5; " + expiresIn(5),
                        "f=6; max-age=100"),
                "a=1 b=2 c=3 d=4 e=5 f=6", // at T_NOW + 1001 ms
                q("http://www.host.test", "a=1 b=2 c=3 d=4 e=5 f=6"), // T_NOW + 2002 ms
                q("http://www.host.test", "a=1 d=4 e=5 f=6"), // T_NOW + 3003 ms
                q("http://www.host.test", "a=1 d=4 e=5 f=6"), // T_NOW + 4004 ms
                q("http://www.host.test", "a=1 f=6"), // T_NOW + 5005 ms
                q("http://www.host.test", "a=1 f=6")) // T_NOW + 6006 ms
                .run(jar, clock);
    }

    /** Go's chromiumBasicsTests; each runs on a fresh jar. */
    static Stream<JarTest> chromiumBasics() {
        return Stream.of(
            jarTest("DomainWithTrailingDotTest.", "http://www.google.com/",
                    List.of("a=1; domain=.www.google.com.", "b=2; domain=.www.google.com.."),
                    "",
                    q("http://www.google.com", "")),
            jarTest("ValidSubdomainTest #1.", "http://a.b.c.d.com",
                    List.of(
                            "a=1; domain=.a.b.c.d.com",
                            "b=2; domain=.b.c.d.com",
                            "c=3; domain=.c.d.com",
                            "d=4; domain=.d.com"),
                    "a=1 b=2 c=3 d=4",
                    q("http://a.b.c.d.com", "a=1 b=2 c=3 d=4"),
                    q("http://b.c.d.com", "b=2 c=3 d=4"),
                    q("http://c.d.com", "c=3 d=4"),
                    q("http://d.com", "d=4")),
            jarTest("ValidSubdomainTest #2.", "http://a.b.c.d.com",
                    List.of(
                            "a=1; domain=.a.b.c.d.com",
                            "b=2; domain=.b.c.d.com",
                            "c=3; domain=.c.d.com",
                            "d=4; domain=.d.com",
                            "X=bcd; domain=.b.c.d.com",
                            "X=cd; domain=.c.d.com"),
                    "X=bcd X=cd a=1 b=2 c=3 d=4",
                    q("http://b.c.d.com", "b=2 c=3 d=4 X=bcd X=cd"),
                    q("http://c.d.com", "c=3 d=4 X=cd")),
            jarTest("InvalidDomainTest #1.", "http://foo.bar.com",
                    List.of(
                            "a=1; domain=.yo.foo.bar.com",
                            "b=2; domain=.foo.com",
                            "c=3; domain=.bar.foo.com",
                            "d=4; domain=.foo.bar.com.net",
                            "e=5; domain=ar.com",
                            "f=6; domain=.",
                            "g=7; domain=/",
                            "h=8; domain=http://foo.bar.com",
                            "i=9; domain=..foo.bar.com",
                            "j=10; domain=..bar.com",
                            "k=11; domain=.foo.bar.com?blah",
                            "l=12; domain=.foo.bar.com/blah",
                            "m=12; domain=.foo.bar.com:80",
                            "n=14; domain=.foo.bar.com:",
                            "o=15; domain=.foo.bar.com#sup"),
                    "",
                    q("http://foo.bar.com", "")),
            jarTest("InvalidDomainTest #2.", "http://foo.com.com",
                    List.of("a=1; domain=.foo.com.com.com"),
                    "",
                    q("http://foo.bar.com", "")),
            jarTest("DomainWithoutLeadingDotTest #1.", "http://manage.hosted.filefront.com",
                    List.of("a=1; domain=filefront.com"),
                    "a=1",
                    q("http://www.filefront.com", "a=1")),
            jarTest("DomainWithoutLeadingDotTest #2.", "http://www.google.com",
                    List.of("a=1; domain=www.google.com"),
                    "a=1",
                    q("http://www.google.com", "a=1"),
                    q("http://sub.www.google.com", "a=1"),
                    q("http://something-else.com", "")),
            jarTest("CaseInsensitiveDomainTest.", "http://www.google.com",
                    List.of("a=1; domain=.GOOGLE.COM", "b=2; domain=.www.gOOgLE.coM"),
                    "a=1 b=2",
                    q("http://www.google.com", "a=1 b=2")),
            jarTest("TestIpAddress #1.", "http://1.2.3.4/foo",
                    List.of("a=1; path=/"),
                    "a=1",
                    q("http://1.2.3.4/foo", "a=1")),
            jarTest("TestIpAddress #2.", "http://1.2.3.4/foo",
                    List.of("a=1; domain=.1.2.3.4", "b=2; domain=.3.4"),
                    "",
                    q("http://1.2.3.4/foo", "")),
            jarTest("TestIpAddress #3.", "http://1.2.3.4/foo",
                    List.of("a=1; domain=1.2.3.3"),
                    "",
                    q("http://1.2.3.4/foo", "")),
            jarTest("TestIpAddress #4.", "http://1.2.3.4/foo",
                    List.of("a=1; domain=1.2.3.4"),
                    "a=1",
                    q("http://1.2.3.4/foo", "a=1")),
            jarTest("TestNonDottedAndTLD #2.", "http://com./index.html",
                    List.of("a=1"),
                    "a=1",
                    q("http://com./index.html", "a=1"),
                    q("http://no-cookies.com./index.html", "")),
            jarTest("TestNonDottedAndTLD #3.", "http://a.b",
                    List.of("a=1; domain=.b", "b=2; domain=b"),
                    "",
                    q("http://bar.foo", "")),
            jarTest("TestNonDottedAndTLD #4.", "http://google.com",
                    List.of("a=1; domain=.com", "b=2; domain=com"),
                    "",
                    q("http://google.com", "")),
            jarTest("TestNonDottedAndTLD #5.", "http://google.co.uk",
                    List.of("a=1; domain=.co.uk", "b=2; domain=.uk"),
                    "",
                    q("http://google.co.uk", ""),
                    q("http://else.co.com", ""),
                    q("http://else.uk", "")),
            jarTest("TestHostEndsWithDot.", "http://www.google.com",
                    List.of("a=1", "b=2; domain=.www.google.com."),
                    "a=1",
                    q("http://www.google.com", "a=1")),
            jarTest("PathTest", "http://www.google.izzle",
                    List.of("a=1; path=/wee"),
                    "a=1",
                    q("http://www.google.izzle/wee", "a=1"),
                    q("http://www.google.izzle/wee/", "a=1"),
                    q("http://www.google.izzle/wee/war", "a=1"),
                    q("http://www.google.izzle/wee/war/more/more", "a=1"),
                    q("http://www.google.izzle/weehee", ""),
                    q("http://www.google.izzle/", "")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("chromiumBasics")
    void chromiumBasics(JarTest test) {
        test.run(jar, clock);
    }

    /** Go's chromiumDomainTests: one jar, in sequence. */
    @Test
    void chromiumDomain() {
        for (JarTest test : List.of(
            jarTest("Fill #1.", "http://www.google.izzle",
                    List.of("A=B"),
                    "A=B",
                    q("http://www.google.izzle", "A=B")),
            jarTest("Fill #2.", "http://www.google.izzle",
                    List.of("C=D; domain=.google.izzle"),
                    "A=B C=D",
                    q("http://www.google.izzle", "A=B C=D")),
            jarTest("Verify A is a host cookie and not accessible from subdomain.", "http://unused.nil",
                    List.of(),
                    "A=B C=D",
                    q("http://foo.www.google.izzle", "C=D")),
            jarTest("Verify domain cookies are found on proper domain.", "http://www.google.izzle",
                    List.of("E=F; domain=.www.google.izzle"),
                    "A=B C=D E=F",
                    q("http://www.google.izzle", "A=B C=D E=F")),
            jarTest("Leading dots in domain attributes are optional.", "http://www.google.izzle",
                    List.of("G=H; domain=www.google.izzle"),
                    "A=B C=D E=F G=H",
                    q("http://www.google.izzle", "A=B C=D E=F G=H")),
            jarTest("Verify domain enforcement works #1.", "http://www.google.izzle",
                    List.of("K=L; domain=.bar.www.google.izzle"),
                    "A=B C=D E=F G=H",
                    q("http://bar.www.google.izzle", "C=D E=F G=H")),
            jarTest("Verify domain enforcement works #2.", "http://unused.nil",
                    List.of(),
                    "A=B C=D E=F G=H",
                    q("http://www.google.izzle", "A=B C=D E=F G=H")))) {
            test.run(jar, clock);
        }
    }

    /** Go's chromiumDeletionTests: one jar, in sequence. */
    @Test
    void chromiumDeletion() {
        for (JarTest test : List.of(
            jarTest("Create session cookie a1.", "http://www.google.com",
                    List.of("a=1"),
                    "a=1",
                    q("http://www.google.com", "a=1")),
            jarTest("Delete sc a1 via MaxAge.", "http://www.google.com",
                    List.of("a=1; max-age=-1"),
                    "",
                    q("http://www.google.com", "")),
            jarTest("Create session cookie b2.", "http://www.google.com",
                    List.of("b=2"),
                    "b=2",
                    q("http://www.google.com", "b=2")),
            jarTest("Delete sc b2 via Expires.", "http://www.google.com",
                    List.of("b=2; " + expiresIn(-10)),
                    "",
                    q("http://www.google.com", "")),
            jarTest("Create persistent cookie c3.", "http://www.google.com",
                    List.of("c=3; max-age=3600"),
                    "c=3",
                    q("http://www.google.com", "c=3")),
            jarTest("Delete pc c3 via MaxAge.", "http://www.google.com",
                    List.of("c=3; max-age=-1"),
                    "",
                    q("http://www.google.com", "")),
            jarTest("Create persistent cookie d4.", "http://www.google.com",
                    List.of("d=4; max-age=3600"),
                    "d=4",
                    q("http://www.google.com", "d=4")),
            jarTest("Delete pc d4 via Expires.", "http://www.google.com",
                    List.of("d=4; " + expiresIn(-10)),
                    "",
                    q("http://www.google.com", "")))) {
            test.run(jar, clock);
        }
    }

    /** Go's domainHandlingTests; each runs on a fresh jar. */
    static Stream<JarTest> domainHandling() {
        return Stream.of(
            jarTest("Host cookie", "http://www.host.test",
                    List.of("a=1"),
                    "a=1",
                    q("http://www.host.test", "a=1"),
                    q("http://host.test", ""),
                    q("http://bar.host.test", ""),
                    q("http://foo.www.host.test", ""),
                    q("http://other.test", ""),
                    q("http://test", "")),
            jarTest("Domain cookie #1", "http://www.host.test",
                    List.of("a=1; domain=host.test"),
                    "a=1",
                    q("http://www.host.test", "a=1"),
                    q("http://host.test", "a=1"),
                    q("http://bar.host.test", "a=1"),
                    q("http://foo.www.host.test", "a=1"),
                    q("http://other.test", ""),
                    q("http://test", "")),
            jarTest("Domain cookie #2", "http://www.host.test",
                    List.of("a=1; domain=.host.test"),
                    "a=1",
                    q("http://www.host.test", "a=1"),
                    q("http://host.test", "a=1"),
                    q("http://bar.host.test", "a=1"),
                    q("http://foo.www.host.test", "a=1"),
                    q("http://other.test", ""),
                    q("http://test", "")),
            jarTest("Host cookie on IDNA domain #1", "http://www.bücher.test",
                    List.of("a=1"),
                    "a=1",
                    q("http://www.bücher.test", "a=1"),
                    q("http://www.xn--bcher-kva.test", "a=1"),
                    q("http://bücher.test", ""),
                    q("http://xn--bcher-kva.test", ""),
                    q("http://bar.bücher.test", ""),
                    q("http://bar.xn--bcher-kva.test", ""),
                    q("http://foo.www.bücher.test", ""),
                    q("http://foo.www.xn--bcher-kva.test", ""),
                    q("http://other.test", ""),
                    q("http://test", "")),
            jarTest("Host cookie on IDNA domain #2", "http://www.xn--bcher-kva.test",
                    List.of("a=1"),
                    "a=1",
                    q("http://www.bücher.test", "a=1"),
                    q("http://www.xn--bcher-kva.test", "a=1"),
                    q("http://bücher.test", ""),
                    q("http://xn--bcher-kva.test", ""),
                    q("http://bar.bücher.test", ""),
                    q("http://bar.xn--bcher-kva.test", ""),
                    q("http://foo.www.bücher.test", ""),
                    q("http://foo.www.xn--bcher-kva.test", ""),
                    q("http://other.test", ""),
                    q("http://test", "")),
            jarTest("Domain cookie on IDNA domain #1", "http://www.bücher.test",
                    List.of("a=1; domain=xn--bcher-kva.test"),
                    "a=1",
                    q("http://www.bücher.test", "a=1"),
                    q("http://www.xn--bcher-kva.test", "a=1"),
                    q("http://bücher.test", "a=1"),
                    q("http://xn--bcher-kva.test", "a=1"),
                    q("http://bar.bücher.test", "a=1"),
                    q("http://bar.xn--bcher-kva.test", "a=1"),
                    q("http://foo.www.bücher.test", "a=1"),
                    q("http://foo.www.xn--bcher-kva.test", "a=1"),
                    q("http://other.test", ""),
                    q("http://test", "")),
            jarTest("Domain cookie on IDNA domain #2", "http://www.xn--bcher-kva.test",
                    List.of("a=1; domain=xn--bcher-kva.test"),
                    "a=1",
                    q("http://www.bücher.test", "a=1"),
                    q("http://www.xn--bcher-kva.test", "a=1"),
                    q("http://bücher.test", "a=1"),
                    q("http://xn--bcher-kva.test", "a=1"),
                    q("http://bar.bücher.test", "a=1"),
                    q("http://bar.xn--bcher-kva.test", "a=1"),
                    q("http://foo.www.bücher.test", "a=1"),
                    q("http://foo.www.xn--bcher-kva.test", "a=1"),
                    q("http://other.test", ""),
                    q("http://test", "")),
            jarTest("Host cookie on TLD.", "http://com",
                    List.of("a=1"),
                    "a=1",
                    q("http://com", "a=1"),
                    q("http://any.com", ""),
                    q("http://any.test", "")),
            jarTest("Domain cookie on TLD becomes a host cookie.", "http://com",
                    List.of("a=1; domain=com"),
                    "a=1",
                    q("http://com", "a=1"),
                    q("http://any.com", ""),
                    q("http://any.test", "")),
            jarTest("Host cookie on public suffix.", "http://co.uk",
                    List.of("a=1"),
                    "a=1",
                    q("http://co.uk", "a=1"),
                    q("http://uk", ""),
                    q("http://some.co.uk", ""),
                    q("http://foo.some.co.uk", ""),
                    q("http://any.uk", "")),
            jarTest("Domain cookie on public suffix is ignored.", "http://some.co.uk",
                    List.of("a=1; domain=co.uk"),
                    "",
                    q("http://co.uk", ""),
                    q("http://uk", ""),
                    q("http://some.co.uk", ""),
                    q("http://foo.some.co.uk", ""),
                    q("http://any.uk", "")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("domainHandling")
    void domainHandling(JarTest test) {
        test.run(jar, clock);
    }
}
