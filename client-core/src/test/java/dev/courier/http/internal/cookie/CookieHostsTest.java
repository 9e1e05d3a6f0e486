package dev.courier.http.internal.cookie;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Canonical hosts, domain suffixes, default paths and path-match (RFC 6265 sections 5.1.2-5.1.4),
 * with the tables of Go's net/http/cookiejar/jar_test.go.
 */
class CookieHostsTest {

    /** Go's hasDotSuffixTests: hasDotSuffix(s, suffix) is s.endsWith("." + suffix), for every pair. */
    @Test
    void hasDotSuffixIsEndsWithDotSuffix() {
        String[] strings = {"", ".", "x", ".x", "x.", "com", "foo.com"};
        String[] suffixes = {"", ".", "..", "x", "x.", ".x", ".x.", "m", "om", "com", ".com", "x.com", "xcom",
            "xorg", "org", "rg", "o.com", "oo.com", "foo.com", ".foo.com", "x.foo.com", "xfoo.com", "xfoo.org",
            "foo.org", "oo.org", "o.org", ".org"};
        int checked = 0;
        for (String s : strings) {
            for (String suffix : suffixes) {
                assertThat(CookieHosts.hasDotSuffix(s, suffix)).as("\"%s\" \"%s\"", s, suffix)
                        .isEqualTo(s.endsWith("." + suffix));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(189);
    }

    /** Go's canonicalHostTests, as URIs; "null" where java.net.URI or IDNA leaves no host. */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(nullValues = "null", textBlock = """
            http://www.example.com/,              www.example.com
            http://WWW.EXAMPLE.COM/,              www.example.com
            http://wWw.eXAmple.CoM/,              www.example.com
            http://www.example.com:80/,           www.example.com
            http://192.168.0.10/,                 192.168.0.10
            http://192.168.0.5:8080/,             192.168.0.5
            http://[2001:4860:0:2001::68]/,       2001:4860:0:2001::68
            http://[2001:4860:0:2001:0::68]:8080/, 2001:4860:0:2001::68
            http://[2001:DB8::1]/,                2001:db8::1
            http://[::1]:9000/,                   ::1
            http://www.bücher.de/,                www.xn--bcher-kva.de
            http://WWW.BÜCHER.DE:8080/x,          www.xn--bcher-kva.de
            http://www.example.com./,             www.example.com
            http://user:pw@www.example.com:81/,   www.example.com
            http://under_score.example.com/,      under_score.example.com
            http://user@under_score.example.com:8080/, under_score.example.com
            http:///path,                         null
            http://./,                            null
            """)
    void canonicalHostOfUri(String uri, String expected) {
        assertThat(CookieHosts.canonicalHost(URI.create(uri))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(textBlock = """
            127.0.0.1,              true
            1.2.3.4,                true
            2001:4860:0:2001::68,   true
            ::1,                    true
            example.com,            false
            1.1.1.300,              false
            www.foo.bar.net,        false
            123.foo.bar.net,        false
            """)
    void isIp(String host, boolean expected) {
        assertThat(CookieHosts.isIp(host)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(textBlock = """
            localhost,     true
            127.0.0.1,     true
            127.1.2.3,     true
            ::1,           true
            127.0.0.1.nip.io, false
            localhost.example.com, false
            example.com,   false
            10.0.0.1,      false
            """)
    void isLoopback(String host, boolean expected) {
        assertThat(CookieHosts.isLoopback(host)).isEqualTo(expected);
    }

    /** Go's defaultPathTests (RFC 6265 section 5.1.4). */
    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @CsvSource(textBlock = """
            /,           /
            /abc,        /
            /abc/,       /abc
            /abc/xyz,    /abc
            /abc/xyz/,   /abc/xyz
            /a/b/c.html, /a/b
            '',          /
            strange,     /
            //,          /
            /a//b,       /a/
            /a/./b,      /a/.
            /a/../b,     /a/..
            """)
    void defaultPath(String path, String expected) {
        assertThat(CookieHosts.defaultPath(path)).isEqualTo(expected);
    }

    /** RFC 6265 section 5.1.4 path-match. */
    @ParameterizedTest(name = "[{index}] cookie {0}, request {1} -> {2}")
    @CsvSource(textBlock = """
            /,         /,             true
            /,         /any/path,     true
            /some,     /some,         true
            /some,     /some/,        true
            /some,     /some/path,    true
            /some,     /somewhere,    false
            /some/,    /some/path,    true
            /some/,    /some,         false
            /some/path, /some,        false
            /Some,     /some,         false
            """)
    void pathMatch(String cookiePath, String requestPath, boolean expected) {
        assertThat(CookieHosts.pathMatch(cookiePath, requestPath)).isEqualTo(expected);
    }
}
