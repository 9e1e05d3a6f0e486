package dev.courier.http.internal.cookie;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.PublicSuffixList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cookie's domain and host-only flag (RFC 6265 section 5.3 steps 4-6) and the jar key, with
 * Go's domainAndTypeTests, jarKeyTests and its test list of public suffixes.
 */
class CookieDomainTest {
    /**
     * Go's testPSL: "co.uk" and the implicit "*" rule, with two deliberate bugs:
     * www.buggy.psl answers "xy", www2.buggy.psl answers "com".
     */
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

    /** Go's domainAndTypeTests; "reject" for errMalformedDomain and errIllegalDomain alike. */
    @ParameterizedTest(name = "[{index}] host {0}, Domain={1} -> {2}")
    @CsvSource(textBlock = """
            www.example.com,      '',                   www.example.com host-only
            127.0.0.1,            '',                   127.0.0.1 host-only
            2001:4860:0:2001::68, '',                   2001:4860:0:2001::68 host-only
            www.example.com,      example.com,          example.com
            www.example.com,      .example.com,         example.com
            www.example.com,      www.example.com,      www.example.com
            www.example.com,      .www.example.com,     www.example.com
            foo.sso.example.com,  sso.example.com,      sso.example.com
            bar.co.uk,            bar.co.uk,            bar.co.uk
            foo.bar.co.uk,        .bar.co.uk,           bar.co.uk
            127.0.0.1,            127.0.0.1,            127.0.0.1 host-only
            2001:4860:0:2001::68, 2001:4860:0:2001::68, 2001:4860:0:2001::68 host-only
            www.example.com,      .,                    reject
            www.example.com,      ..,                   reject
            www.example.com,      other.com,            reject
            www.example.com,      com,                  reject
            www.example.com,      .com,                 reject
            foo.bar.co.uk,        .co.uk,               reject
            127.www.0.0.1,        127.0.0.1,            reject
            com,                  '',                   com host-only
            com,                  com,                  com host-only
            com,                  .com,                 com host-only
            co.uk,                '',                   co.uk host-only
            co.uk,                co.uk,                co.uk host-only
            co.uk,                .co.uk,               co.uk host-only
            www.example.com,      EXAMPLE.Com,          example.com
            www.example.com,      www.example.com.,     reject
            www.example.com,      ..example.com,        reject
            www.example.com,      ample.com,            reject
            192.168.0.10,         .192.168.0.10,        reject
            192.168.0.10,         172.31.9.9,           reject
            192.168.0.10,         168.0.10,             reject
            www.xn--bcher-kva.de, bücher.de,            xn--bcher-kva.de
            www.xn--bcher-kva.de, .BÜCHER.de,           xn--bcher-kva.de
            www.xn--bcher-kva.de, xn--bcher-kva.de,     xn--bcher-kva.de
            """)
    void domainAndHostOnly(String host, String attribute, String expected) {
        CookieDomain d = CookieDomain.resolve(host, attribute, TEST_PSL);
        String got = d == null ? "reject" : d.domain() + (d.hostOnly() ? " host-only" : "");
        assertThat(got).isEqualTo(expected);
    }

    /** Go's jarKeyTests, including the outputs of canonicalHost for malformed names. */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(textBlock = """
            foo.www.example.com, example.com
            www.example.com,     example.com
            example.com,         example.com
            com,                 com
            foo.www.bbc.co.uk,   bbc.co.uk
            www.bbc.co.uk,       bbc.co.uk
            bbc.co.uk,           bbc.co.uk
            co.uk,               co.uk
            uk,                  uk
            192.168.0.5,         192.168.0.5
            2001:4860:0:2001::68, 2001:4860:0:2001::68
            www.buggy.psl,       www.buggy.psl
            www2.buggy.psl,      buggy.psl
            '',                  ''
            .,                   .
            ..,                  .
            .net,                .net
            a.,                  a.
            b.a.,                a.
            weird.stuff..,       .
            """)
    void jarKeyIsTheRegistrableDomain(String host, String expected) {
        assertThat(CookieStore.jarKey(host, TEST_PSL)).isEqualTo(expected);
    }

    /** Jar keys with the real list: private suffixes make their own sites. */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(textBlock = """
            www.bbc.co.uk,          bbc.co.uk
            alice.github.io,        alice.github.io
            deep.alice.github.io,   alice.github.io
            github.io,              github.io
            a.b.c.kobe.jp,          b.c.kobe.jp
            www.city.kobe.jp,       city.kobe.jp
            localhost,              localhost
            """)
    void jarKeyWithTheMozillaList(String host, String expected) {
        assertThat(CookieStore.jarKey(host, PublicSuffixList.mozilla())).isEqualTo(expected);
    }
}
