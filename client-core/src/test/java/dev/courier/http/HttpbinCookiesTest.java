package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.Httpbin;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Client's cookie handling against real httpbin: /cookies/set answers with Set-Cookie and a redirect
 * to /cookies, which echoes what the client sent, so every rule shows in one exchange.
 */
class HttpbinCookiesTest {
    @RegisterExtension
    static final Httpbin httpbin = new Httpbin();

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private final InMemoryCookieJar jar = CookieJar.inMemory();

    private Client client() {
        return Client.newBuilder().transport(courier.transport()).cookieJar(jar).build();
    }

    private static String text(Client c, String uri) throws Exception {
        return c.get(uri).get(10, SECONDS).body().text().get(10, SECONDS).replaceAll("\\s+", "");
    }

    @Test
    void cookiesSetOnARedirectAreSentOnTheNextHop() throws Exception {
        Response r = client().get(httpbin.uri("/cookies/set?a=1&b=2").toString()).get(10, SECONDS);
        String body = r.body().text().get(10, SECONDS).replaceAll("\\s+", "");
        assertThat(r.request().uri().getPath()).isEqualTo("/cookies");
        assertThat(body).contains("\"a\":\"1\"").contains("\"b\":\"2\"");
        assertThat(r.previous().orElseThrow().headers().all("Set-Cookie")).hasSize(2);
        assertThat(jar.cookies(httpbin.uri("/"))).extracting(Cookie::name).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void cookiesPersistAcrossCallsInTheRfcOrder() throws Exception {
        Client c = client();
        text(c, httpbin.uri("/cookies/set?a=1&b=2").toString());
        assertThat(text(c, httpbin.uri("/cookies").toString())).contains("\"a\":\"1\"").contains("\"b\":\"2\"");
        assertThat(text(c, httpbin.uri("/headers").toString())).contains("\"Cookie\":\"a=1;b=2\"");
    }

    @Test
    void deleteExpiresTheCookie() throws Exception {
        Client c = client();
        text(c, httpbin.uri("/cookies/set?a=1&b=2").toString());
        String after = text(c, httpbin.uri("/cookies/delete?a").toString());
        assertThat(after).contains("\"b\":\"2\"").doesNotContain("\"a\"");
        assertThat(jar.all()).extracting(Cookie::name).containsExactly("b");
    }

    @Test
    void pathStyleSet() throws Exception {
        assertThat(text(client(), httpbin.uri("/cookies/set/k/v").toString())).contains("\"k\":\"v\"");
    }

    @Test
    void withoutAJarNoCookieCrossesTheRedirect() throws Exception {
        Client c = Client.newBuilder().transport(courier.transport()).build();
        assertThat(text(c, httpbin.uri("/cookies/set?a=1").toString())).contains("\"cookies\":{}");
    }

    @Test
    void cookiesAreHostOnly() throws Exception {
        Client c = client();
        text(c, httpbin.uri("/cookies/set?a=1").toString());
        URI other = URI.create("http://localhost:" + httpbin.port() + "/cookies");
        assertThat(text(c, other.toString())).contains("\"cookies\":{}");
    }
}
