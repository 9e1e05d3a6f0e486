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

    /**
     * Go's rule from golang/go#17494 ({@code Client.makeHeadersCopier}): with a jar, a cookie the caller set in
     * the Cookie header that a redirect sets or deletes leaves the header copied to the next hops, so that the
     * jar's current value is sent and a deleted cookie is not; cookies no redirect touched stay as given.
     */
    @Test
    void aRedirectThatSetsOrDeletesACallersCookieReplacesItInTheCopiedHeader() throws Exception {
        TestServer server = courier.server();
        Client c = Client.newBuilder().transport(courier.transport()).cookieJar(CookieJar.inMemory()).build();
        server.enqueue(ServerResponse.status(302).header("Location", "/two").header("Set-Cookie", "session=new; Path=/")
                .body("moved"));
        server.enqueue(ServerResponse.status(302).header("Location", "/three").header("Set-Cookie", "gone=; Max-Age=0")
                .body("moved"));
        server.enqueue(ServerResponse.ok("done"));
        c.send(Request.newBuilder(server.uri("/one")).header("Cookie", "session=old; keep=1; gone=x").build())
                .get(10, SECONDS).body().discard().get(10, SECONDS);

        assertThat(server.takeRequest().header("Cookie")).isEqualTo("session=old; keep=1; gone=x");
        assertThat(server.takeRequest().header("Cookie")).as("the jar's session, not the caller's")
                .isEqualTo("keep=1; gone=x; session=new");
        assertThat(server.takeRequest().header("Cookie")).as("the deleted cookie is not resent, and session stays replaced")
                .isEqualTo("keep=1; session=new");
    }

    @Test
    void whenRedirectsReplaceEveryCallersCookieOnlyTheJarsAreSent() throws Exception {
        TestServer server = courier.server();
        Client c = Client.newBuilder().transport(courier.transport()).cookieJar(CookieJar.inMemory()).build();
        server.enqueue(ServerResponse.status(302).header("Location", "/two").header("Set-Cookie", "a=; Max-Age=0")
                .body("moved"));
        server.enqueue(ServerResponse.ok("done"));
        c.send(Request.newBuilder(server.uri("/one")).header("Cookie", "a=1").build())
                .get(10, SECONDS).body().discard().get(10, SECONDS);

        server.takeRequest();
        assertThat(server.takeRequest().header("Cookie")).isNull();
    }

    @Test
    void withoutAJarTheCallersCookieHeaderIsCopiedAsGiven() throws Exception {
        TestServer server = courier.server();
        Client c = Client.newBuilder().transport(courier.transport()).build();
        server.enqueue(ServerResponse.status(302).header("Location", "/two").header("Set-Cookie", "session=new")
                .body("moved"));
        server.enqueue(ServerResponse.ok("done"));
        c.send(Request.newBuilder(server.uri("/one")).header("Cookie", "session=old").build())
                .get(10, SECONDS).body().discard().get(10, SECONDS);

        server.takeRequest();
        assertThat(server.takeRequest().header("Cookie")).isEqualTo("session=old");
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
