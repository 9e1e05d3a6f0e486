package dev.courier.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Go's httpproxy rules (golang.org/x/net/http/httpproxy's proxy_test.go cases, adapted) for ProxySelector.fromEnvironment. */
class ProxySelectorTest {

    private static Optional<String> chosen(Map<String, String> env, String url) {
        return ProxySelector.fromEnvironment(env).select(Request.newBuilder(url).build()).map(p -> p.uri().toString());
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource({
            // value of HTTP_PROXY, proxy used for http://example.com
            "proxy.test:8080,              http://proxy.test:8080",
            "http://proxy.test:8080,       http://proxy.test:8080",
            "https://proxy.test,           https://proxy.test",
            "socks5://proxy.test:1080,     socks5://proxy.test:1080",
            "http://user:pw@proxy.test:3,  http://user:pw@proxy.test:3",
            "cache.test,                   http://cache.test",
            "socks5h://proxy.test:1080,    socks5h://proxy.test:1080",
            "socks4a://proxy.test:1080,    socks4a://proxy.test:1080",
            "'  http://spaced.test:1  ',   http://spaced.test:1",
    })
    void proxyValues(String value, String expected) {
        assertThat(chosen(Map.of("HTTP_PROXY", value), "http://example.com/")).contains(expected);
    }

    @Test
    void schemeChoosesTheVariableAndUpperCaseWins() {
        Map<String, String> env = Map.of("HTTP_PROXY", "http://upper:1", "http_proxy", "http://lower:1",
                "https_proxy", "http://secure:2");
        assertThat(chosen(env, "http://example.com/")).contains("http://upper:1");
        assertThat(chosen(env, "https://example.com/")).contains("http://secure:2");
        assertThat(chosen(Map.of("http_proxy", "http://lower:1"), "http://example.com/")).contains("http://lower:1");
        assertThat(chosen(Map.of("HTTP_PROXY", "http://only-http:1"), "https://example.com/")).isEmpty();
        assertThat(chosen(Map.of(), "http://example.com/")).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] NO_PROXY={0}, {1} proxied={2}")
    @CsvSource(delimiter = '|', value = {
            "''                       | http://example.com/            | true",
            "*                        | http://example.com/            | false",
            "example.com              | http://example.com/            | false",
            "example.com              | http://sub.example.com/        | false",
            "example.com              | http://notexample.com/         | true",
            ".example.com             | http://example.com/            | true",
            ".example.com             | http://sub.example.com/        | false",
            "*.example.com            | http://example.com/            | true",
            "*.example.com            | http://a.b.example.com/        | false",
            "example.com:8080         | http://example.com:8080/       | false",
            "example.com:8080         | http://example.com/            | true",
            "10.0.0.0/8               | http://10.1.2.3/               | false",
            "10.0.0.0/8               | http://11.1.2.3/               | true",
            "192.168.1.1              | http://192.168.1.1/            | false",
            "192.168.1.1:81           | http://192.168.1.1:81/         | false",
            "192.168.1.1:81           | http://192.168.1.1/            | true",
            "2001:db8::/32            | http://[2001:db8::1]/          | false",
            "[2001:db8::1]:80         | http://[2001:db8::1]/          | false",
            "'foo.com, bar.com'       | http://www.bar.com/            | false",
            "'  FOO.com  '            | http://foo.COM/                | false",
            "example.com              | http://localhost/              | false",
            "''                       | http://localhost:8080/         | false",
            "''                       | http://127.0.0.1/              | false",
            "''                       | http://127.1.2.3/              | false",
            "''                       | http://[::1]/                  | false",
            "example.com:             | http://example.com:8080/       | false",
            ":80                      | http://example.com/            | true",
            "10.0.0.0/8               | http://ten.test/               | true",
            "example.com              | https://EXAMPLE.com:443/       | false",
            "bücher.example           | http://xn--bcher-kva.example/  | false",
    })
    void noProxyRules(String noProxy, String url, boolean proxied) {
        Map<String, String> env = Map.of("HTTP_PROXY", "http://proxy.test:3128", "NO_PROXY", noProxy);
        assertThat(chosen(env, url).isPresent()).isEqualTo(proxied);
    }

    /**
     * CVE-2025-22870 (fixed in golang.org/x/net v0.36.0): the zone of an IPv6 literal ("%25" then anything,
     * RFC 6874) is part of an IP address, never a host name, so a domain rule must not match it. An IP
     * literal is matched against IP and CIDR rules only, with its zone removed.
     */
    @ParameterizedTest(name = "[{index}] NO_PROXY={0}, {1} proxied={2}")
    @CsvSource(delimiter = '|', value = {
            "example.com              | http://[1000::%25.example.com]:123/  | true",
            ".example.com             | http://[1000::%25.example.com]:123/  | true",
            "*.example.com            | http://[1000::%25.example.com]:123/  | true",
            "example.com              | https://[1000::%25.example.com]/     | true",
            "eth0                     | http://[fe80::1%25eth0]:8080/        | true",
            "example.com:123          | http://[1000::%25.example.com]:123/  | true",
            "1000::                   | http://[1000::%25.example.com]:123/  | false",
            "[1000::]:123             | http://[1000::%25.example.com]:123/  | false",
            "[1000::]:124             | http://[1000::%25.example.com]:123/  | true",
            "fe80::1                  | http://[fe80::1%25eth0]:8080/        | false",
            "fe80::/10                | http://[fe80::1%25eth0]:8080/        | false",
            "''                       | http://[fe80::1%25eth0]:8080/        | true",
            "''                       | http://[::1%25lo]:8080/              | false",
    })
    void anIpv6ZoneIsNeverMatchedAsAHostName(String noProxy, String url, boolean proxied) {
        Map<String, String> env = Map.of("HTTP_PROXY", "http://proxy.test:3128", "HTTPS_PROXY", "http://proxy.test:3128",
                "NO_PROXY", noProxy);
        assertThat(chosen(env, url).isPresent()).isEqualTo(proxied);
    }

    @Test
    void inACgiEnvironmentHttpProxyIsRefusedButHttpsProxyStillServes() {
        ProxySelector env = ProxySelector.fromEnvironment(Map.of("HTTP_PROXY", "http://evil.test:1",
                "HTTPS_PROXY", "http://good.test:2", "REQUEST_METHOD", "GET"));

        assertThatThrownBy(() -> env.select(Request.newBuilder("http://example.com/").build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CGI");
        assertThat(env.select(Request.newBuilder("https://example.com/").build()).map(p -> p.uri().toString()))
                .contains("http://good.test:2");
    }

    @Test
    void noProxyStarStillLeavesTheProxyChosenForNothing() {
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://p:1", "NO_PROXY", "example.com, *");
        assertThat(chosen(env, "https://anything.test/")).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "ftp://proxy.test:21      | unsupported scheme ftp",
            "http:///nohost           | has no host",
    })
    void proxyOfRejectsWhatItCannotUse(String uri, String message) {
        assertThatThrownBy(() -> Proxy.of(URI.create(uri))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void proxyOfTakesASchemelessUriAsHttpAndHidesThePasswordInToString() {
        assertThat(Proxy.of(URI.create("proxy.test:3128")).uri().toString()).isEqualTo("http://proxy.test:3128");
        assertThat(Proxy.of(URI.create("http://u:secret@proxy.test:3128")).toString())
                .isEqualTo("http://u:***@proxy.test:3128");
        assertThat(Proxy.of(URI.create("http://u:pw@p:1"))).isNotEqualTo(Proxy.of(URI.create("http://v:pw@p:1")));
    }

    @Test
    void jdkHttpProxiesBecomeHttpAndIpv6AddressesKeepTheirBrackets() {
        java.net.ProxySelector jdk = new java.net.ProxySelector() {
            @Override
            public List<java.net.Proxy> select(URI uri) {
                return uri.getHost().equals("none.test") ? null : List.of(new java.net.Proxy(java.net.Proxy.Type.HTTP,
                        new InetSocketAddress("::1", 3128)));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            }
        };
        assertThat(ProxySelector.from(jdk).select(Request.newBuilder("https://example.com/").build()))
                .map(p -> p.uri().toString()).contains("http://[0:0:0:0:0:0:0:1]:3128");
        assertThat(ProxySelector.from(jdk).select(Request.newBuilder("http://none.test/").build())).isEmpty();
    }

    @Test
    void lowerCaseNoProxyCounts() {
        assertThat(chosen(Map.of("HTTP_PROXY", "http://p:1", "no_proxy", "example.com"), "http://example.com/")).isEmpty();
    }

    @Test
    void anUnusableProxyValueIsRejectedWithoutItsPassword() {
        assertThatThrownBy(() -> ProxySelector.fromEnvironment(Map.of("HTTPS_PROXY", "http://u:secret@bad host:1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HTTPS_PROXY").hasMessageNotContaining("secret");
    }

    /**
     * Only a value with no scheme at all is taken as http (Go's {@code parseProxy} since x/net's fix for a
     * "host:port" value); a scheme Courier cannot speak is never turned into a proxy named after that scheme.
     */
    @ParameterizedTest(name = "[{index}] {0}={1}")
    @CsvSource(delimiter = '|', value = {
            "HTTP_PROXY  | foo://proxy.test:1            | http://example.com/",
            "HTTP_PROXY  | ftp://proxy.test:21           | http://example.com/",
            "http_proxy  | socks4://proxy.test:1080      | http://example.com/",
            "HTTPS_PROXY | quic://proxy.test:443         | https://example.com/",
            "https_proxy | FOO://proxy.test:1            | https://example.com/",
    })
    void anUnsupportedSchemeFailsTheRequestNamingTheVariableAndTheSchemesCourierSpeaks(String name, String value,
                                                                                       String url) {
        ProxySelector env = ProxySelector.fromEnvironment(Map.of(name, value));
        assertThatThrownBy(() -> env.select(Request.newBuilder(url).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name + "=\"" + value + "\"")
                .hasMessageContaining("unsupported proxy scheme")
                .hasMessageContaining("http, https, socks5, socks5h and socks4a");
    }

    @Test
    void anUnsupportedSchemeIsReportedWithoutThePasswordAndOnlyWhereTheProxyWouldServe() {
        ProxySelector env = ProxySelector.fromEnvironment(Map.of("HTTP_PROXY", "foo://u:secret@proxy.test:1",
                "NO_PROXY", "direct.test"));
        assertThatThrownBy(() -> env.select(Request.newBuilder("http://example.com/").build()))
                .hasMessageContaining("foo://u:***@proxy.test:1").hasMessageNotContaining("secret");
        assertThat(env.select(Request.newBuilder("http://direct.test/").build())).isEmpty();
        assertThat(env.select(Request.newBuilder("http://127.0.0.1/").build())).isEmpty();
        assertThat(env.select(Request.newBuilder("https://example.com/").build())).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource({
            "localhost:3128,               http://localhost:3128",
            "127.0.0.1:3128,               http://127.0.0.1:3128",
            "u:pw@proxy.test:3128,         http://u:pw@proxy.test:3128",
            "SOCKS5://proxy.test:1080,     SOCKS5://proxy.test:1080",
    })
    void onlyAValueWithoutSchemeIsTakenAsHttp(String value, String expected) {
        assertThat(chosen(Map.of("HTTP_PROXY", value), "http://example.com/")).contains(expected);
    }

    /**
     * Found by ProxyEnvironmentFuzzTest: a value that java.net.URI parses as an opaque URI (no authority, so no
     * user info to redact) kept its password in the error message.
     */
    @Test
    void anUnusableProxyValueThatParsesAsAnOpaqueUriIsRejectedWithoutItsPassword() {
        assertThatThrownBy(() -> ProxySelector.fromEnvironment(Map.of("HTTP_PROXY", "ftp:x-http://u:secret@[bad:3128")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HTTP_PROXY").hasMessageNotContaining("secret");
    }

    @Test
    void fixedNoneAndJdkAdapters() {
        Request r = Request.newBuilder("http://example.com/").build();
        Proxy p = Proxy.of(URI.create("http://proxy.test:8080"));
        assertThat(ProxySelector.of(p).select(r)).contains(p);
        assertThat(ProxySelector.none().select(r)).isEmpty();
        java.net.ProxySelector jdk = new java.net.ProxySelector() {
            @Override
            public List<java.net.Proxy> select(URI uri) {
                return uri.getHost().equals("direct.test") ? List.of(java.net.Proxy.NO_PROXY)
                        : List.of(new java.net.Proxy(java.net.Proxy.Type.SOCKS, InetSocketAddress.createUnresolved("socks.test", 1080)));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            }
        };
        assertThat(ProxySelector.from(jdk).select(r)).map(x -> x.uri().toString()).contains("socks5://socks.test:1080");
        assertThat(ProxySelector.from(jdk).select(Request.newBuilder("http://direct.test/").build())).isEmpty();
    }
}
