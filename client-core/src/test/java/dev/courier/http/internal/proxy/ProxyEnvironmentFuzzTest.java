package dev.courier.http.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.courier.http.Proxy;
import dev.courier.http.ProxySelector;
import dev.courier.http.Request;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Fuzzes proxy selection from the environment ({@link ProxySelector#fromEnvironment(Map)},
 * {@link EnvironmentProxies}, {@link NoProxy}). For every environment and request host:
 * <ul>
 *   <li>reading the environment gives a selector or an IllegalArgumentException naming the variable, whose
 *       message never shows a password from the value; selecting gives a proxy, none, or (HTTP_PROXY in a CGI
 *       environment only) an IllegalStateException;
 *   <li>an http request uses HTTP_PROXY's proxy, an https one HTTPS_PROXY's;
 *   <li>localhost and loopback addresses are never proxied, nor is anything under NO_PROXY=*;
 *   <li>NO_PROXY matching is consistent: it ignores the host's case; adding entries never makes a host
 *       proxied that was not; a host named in NO_PROXY, and its subdomains, are not proxied; an entry with a
 *       port exempts that port only.
 * </ul>
 */
class ProxyEnvironmentFuzzTest {
    private static final String[] HOSTS = {"example.com", "sub.example.com", "EXAMPLE.com", "localhost", "127.0.0.1",
        "[::1]", "10.1.2.3", "[2001:db8::1]", "xn--bcher-kva.example", "b\u00fccher.example", "a.b.c.d.e"};

    @FuzzTest
    void environment(FuzzedDataProvider data) {
        Map<String, String> env = new HashMap<>();
        String httpProxy = data.consumeString(60);
        String httpsProxy = data.consumeString(60);
        String noProxy = data.consumeString(120);
        String extra = data.consumeString(40);
        boolean lowerCase = data.consumeBoolean();
        boolean https = data.consumeBoolean();
        int port = data.consumeInt(1, 65535);
        String host = data.consumeBoolean() ? data.pickValue(HOSTS) : data.consumeRemainingAsString();
        env.put(lowerCase ? "http_proxy" : "HTTP_PROXY", httpProxy);
        env.put(lowerCase ? "https_proxy" : "HTTPS_PROXY", httpsProxy);
        env.put(lowerCase ? "no_proxy" : "NO_PROXY", noProxy);

        ProxySelector selector;
        try {
            selector = ProxySelector.fromEnvironment(env);
        } catch (IllegalArgumentException invalid) {
            assertThat(invalid.getMessage()).containsIgnoringCase("_proxy"); // the variable as set: HTTPS_PROXY or https_proxy
            assertNoPassword(invalid.getMessage(), httpProxy);
            assertNoPassword(invalid.getMessage(), httpsProxy);
            return;
        }
        Request request;
        try {
            request = Request.newBuilder(URI.create((https ? "https://" : "http://") + host + ":" + port + "/")).build();
        } catch (IllegalArgumentException notAUrl) {
            return;
        }
        Optional<Proxy> chosen = selector.select(request);
        Optional<Proxy> configured = ProxySelector.fromEnvironment(Map.of(https ? "HTTPS_PROXY" : "HTTP_PROXY",
                https ? httpsProxy : httpProxy)).select(request);
        chosen.ifPresent(p -> assertThat(configured).as("the proxy for %s", request).contains(p));

        NoProxy rules = NoProxy.parse(noProxy.trim());
        String h = request.uri().getHost();
        boolean proxied = rules.useProxy(h, port);
        String bare = h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
        if (bare.equalsIgnoreCase("localhost") || NoProxy.literal(bare) != null && NoProxy.literal(bare).isLoopbackAddress()) {
            assertThat(proxied).as("loopback %s proxied", h).isFalse();
        }
        assertThat(rules.useProxy(h.toUpperCase(Locale.ROOT), port)).as("case of %s", h).isEqualTo(proxied);
        assertThat(NoProxy.parse("*").useProxy(h, port)).isFalse();
        if (!proxied) {
            assertThat(NoProxy.parse(noProxy.trim() + "," + extra).useProxy(h, port))
                    .as("adding %s to NO_PROXY %s proxies %s", extra, noProxy, h).isFalse();
            assertThat(NoProxy.parse(extra + "," + noProxy.trim()).useProxy(h, port)).isFalse();
        }
        if (!h.startsWith("[") && NoProxy.literal(h) == null && h.indexOf(',') < 0 && !h.isEmpty()) {
            assertThat(NoProxy.parse(h).useProxy(h, port)).as("NO_PROXY=%s for itself", h).isFalse();
            assertThat(NoProxy.parse(h).useProxy("www." + h, port)).as("NO_PROXY=%s for a subdomain", h).isFalse();
            assertThat(NoProxy.parse(h + ":" + port).useProxy(h, port)).as("NO_PROXY=%s:%s", h, port).isFalse();
            int other = port == 65535 ? 1 : port + 1;
            assertThat(NoProxy.parse(h + ":" + port).useProxy(h, other))
                    .as("NO_PROXY=%s:%s for port %s", h, port, other).isEqualTo(NoProxy.parse("").useProxy(h, other));
        }
    }

    /** A message that quotes {@code value} shows it without the password of the user info after its "//". */
    private static void assertNoPassword(String message, String value) {
        int slashes = value.indexOf("//");
        int at = slashes < 0 ? -1 : value.indexOf('@', slashes + 2);
        if (at < 0) {
            return;
        }
        String userInfo = value.substring(slashes + 2, at);
        int colon = userInfo.indexOf(':');
        if (colon < 0 || userInfo.indexOf('/') >= 0) {
            return;
        }
        String password = userInfo.substring(colon + 1);
        if (password.length() >= 4) {
            assertThat(message).as("message for %s", value).doesNotContain(":" + password + "@");
        }
    }
}
