package dev.courier.http.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.courier.http.Request;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Fuzzes how a redirect's Location is resolved and turned into the next request, as {@link ClientCall} does it
 * ({@link Redirects#resolve}, {@link Redirects#mayCarryCredentials}, {@link Redirects#referer}, then
 * {@link Request.Builder#build}). For every Location and request URL:
 * <ul>
 *   <li>the Location resolves to an absolute URI with a host, or fails with the {@link URISyntaxException} or
 *       {@link IllegalArgumentException} that ClientCall turns into a typed error; the next request then builds
 *       (an http or https URL with a host) or fails with an IllegalArgumentException, never anything else;
 *   <li>credentials go along only to the same host or a subdomain of it;
 *   <li>the Referer never carries the previous URL's user info or fragment, and is absent from https to http;
 *   <li>the next request's redacted URL hides a password the Location carried.
 * </ul>
 */
class RedirectLocationFuzzTest {
    private static final String[] BASES = {
        "http://user:secret@example.com:8080/a/b/c?q=1#frag", "https://example.com/", "https://[::1]:8443/x/y?z",
        "http://xn--bcher-kva.example/p", "http://example.com", "https://user@host.example/a;b/c?d#e",
        "http://127.0.0.1:9/dir/", "https://sub.example.com/deep/er/path"};

    @FuzzTest
    void location(FuzzedDataProvider data) {
        URI base = URI.create(data.pickValue(BASES));
        String location = data.consumeRemainingAsString();
        URI target;
        try {
            target = Redirects.resolve(base, location);
        } catch (URISyntaxException | IllegalArgumentException typed) {
            return; // ClientCall: "failed to parse Location header"
        }
        assertThat(target.isAbsolute()).as("%s resolved against %s", location, base).isTrue();
        assertThat(target.getHost()).isNotNull();
        boolean credentials = Redirects.mayCarryCredentials(base, target);
        if (credentials) {
            String from = ascii(base.getHost());
            String to = ascii(target.getHost());
            assertThat(to.equals(from) || to.endsWith("." + from))
                    .as("credentials from %s to %s", base, target).isTrue();
        }
        String referer = Redirects.referer(base, target);
        Request next;
        try {
            Request.Builder b = Request.newBuilder(target).method("GET");
            if (referer != null) {
                b.setHeader("Referer", referer);
            }
            next = b.build();
        } catch (IllegalArgumentException typed) {
            return; // ClientCall: "cannot follow the redirect"
        }
        String scheme = next.uri().getScheme().toLowerCase(Locale.ROOT);
        assertThat(scheme).isIn("http", "https");
        assertThat(next.uri().getHost()).isNotEmpty();
        if (referer != null) {
            assertThat(referer).doesNotContain("secret@").doesNotContain("user@").doesNotContain("#");
            assertThat(base.getScheme().equals("https") && scheme.equals("http")).as("Referer from https to http").isFalse();
        }
        String userInfo = target.getRawUserInfo();
        if (userInfo != null && userInfo.indexOf(':') >= 0 && userInfo.indexOf(':') < userInfo.length() - 1) {
            // The authority, not anywhere: the path may repeat the same text ("http://:0@h/:0@h").
            String user = userInfo.substring(0, userInfo.indexOf(':'));
            assertThat(next.redactedUri()).as("redacted %s", target).startsWith(target.getScheme() + "://" + user + ":***@");
        }
    }

    private static String ascii(String host) {
        if (host.startsWith("[")) {
            return host.toLowerCase(Locale.ROOT);
        }
        try {
            return IDN.toASCII(host).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return host.toLowerCase(Locale.ROOT);
        }
    }
}
