package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Client sends the jar's cookies on every hop and stores every response's Set-Cookie, redirects included. */
class ClientCookiesTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @Test
    void jarCookiesJoinTheCallersAndFollowRedirects() throws Exception {
        TestServer server = courier.server();
        InMemoryCookieJar jar = CookieJar.inMemory();
        Client c = Client.newBuilder().transport(courier.transport()).cookieJar(jar).build();
        server.enqueue(ServerResponse.status(302).header("Location", "/landing").header("Set-Cookie", "session=abc; Path=/")
                .header("Set-Cookie", "not a cookie").body("moved"));
        server.enqueue(ServerResponse.ok("in").header("Set-Cookie", "theme=dark; Path=/landing; HttpOnly"));
        server.enqueue(ServerResponse.ok("again"));
        c.send(Request.newBuilder(server.uri("/login")).header("Cookie", "mine=1").build()).get(10, SECONDS)
                .body().discard().get(10, SECONDS);
        c.get(server.uri("/landing/page").toString()).get(10, SECONDS).body().discard().get(10, SECONDS);

        assertThat(server.takeRequest().header("Cookie")).isEqualTo("mine=1");
        assertThat(server.takeRequest().header("Cookie")).as("the redirect's cookie on the next hop").isEqualTo("mine=1; session=abc");
        // RFC 6265 section 5.4: the longer path first.
        assertThat(server.takeRequest().header("Cookie")).isEqualTo("theme=dark; session=abc");
        assertThat(jar.all()).extracting(Cookie::name).containsExactlyInAnyOrder("session", "theme");
    }

    @Test
    void noJarByDefault() throws Exception {
        TestServer server = courier.server();
        Client c = Client.newBuilder().transport(courier.transport()).build();
        assertThat(c.cookieJar()).isSameAs(CookieJar.none());
        server.enqueue(ServerResponse.ok("x").header("Set-Cookie", "a=1"));
        server.enqueue(ServerResponse.ok("y"));
        c.get(server.uri("/one").toString()).get(10, SECONDS).body().discard().get(10, SECONDS);
        c.get(server.uri("/two").toString()).get(10, SECONDS).body().discard().get(10, SECONDS);
        server.takeRequest();
        assertThat(server.takeRequest().header("Cookie")).isNull();
    }
}
