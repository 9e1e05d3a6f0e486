package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Request attributes: typed values for middleware and listeners that are never sent, kept by
 * {@code toBuilder}, and carried by the Client from the request that produced a redirect to the next hop.
 */
class RequestAttributesTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    /** A caller's attribute type. */
    record Template(String value) {
    }

    /** Per-call state that a middleware adds below the Client. */
    static final class HopCounter {
        final AtomicInteger hops = new AtomicInteger();
    }

    @Test
    void storedByTypeKeptByToBuilderAndRemovedByNull() {
        Request r = Request.newBuilder("http://example.com/users/7").attribute(Template.class, new Template("/users/{id}")).build();
        assertThat(r.attribute(Template.class)).isEqualTo(new Template("/users/{id}"));
        assertThat(r.attribute(String.class)).isNull();
        Request copy = r.toBuilder().header("X", "1").build();
        assertThat(copy.attribute(Template.class)).isEqualTo(new Template("/users/{id}"));
        assertThat(copy.toBuilder().attribute(Template.class, null).build().attributes()).isEmpty();
        assertThat(Request.newBuilder("http://example.com/").build().attributes()).isEmpty();
        assertThatThrownBy(() -> r.attributes().put(String.class, "x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aValueMustBeAnInstanceOfItsKey() {
        Map wrong = Map.of(Template.class, "not a template");
        assertThatThrownBy(() -> Request.newBuilder("http://example.com/").attributes(wrong))
                .isInstanceOf(ClassCastException.class);
    }

    @Test
    void neverSent() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x"));
        server.enqueue(ServerResponse.ok("x"));
        Transport t = courier.transport();
        Request plain = Request.newBuilder(server.uri("/a")).build();
        for (Request r : List.of(plain, plain.toBuilder().attribute(Template.class, new Template("/a")).build())) {
            try (Response response = t.roundTrip(r).get(10, SECONDS)) {
                response.body().discard().get(10, SECONDS);
            }
        }
        assertThat(server.takeRequest().headers()).isEqualTo(server.takeRequest().headers());
    }

    @Test
    void aRedirectHopCarriesTheAttributesOfTheRequestTheRoundTripperSent() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(302).header("Location", "/b").body("moved"));
        server.enqueue(ServerResponse.status(307).header("Location", "/c").body("moved"));
        server.enqueue(ServerResponse.ok("landed"));
        Transport t = courier.transport();
        List<Request> seen = new CopyOnWriteArrayList<>();
        // Middleware that adds per-call state on the first hop and finds it again on the later ones.
        RoundTripper middleware = request -> {
            seen.add(request);
            HopCounter counter = request.attribute(HopCounter.class);
            if (counter == null) {
                counter = new HopCounter();
                request = request.toBuilder().attribute(HopCounter.class, counter).build();
            }
            counter.hops.incrementAndGet();
            return t.roundTrip(request);
        };
        Client client = Client.newBuilder().transport(middleware).build();
        Request first = Request.newBuilder(server.uri("/a")).attribute(Template.class, new Template("/a")).build();
        try (Response r = client.send(first).get(10, SECONDS)) {
            assertThat(r.body().text().get(10, SECONDS)).isEqualTo("landed");
        }
        assertThat(seen).hasSize(3);
        assertThat(seen.get(0).attribute(HopCounter.class)).isNull();
        HopCounter counter = seen.get(1).attribute(HopCounter.class);
        assertThat(counter).isNotNull().isSameAs(seen.get(2).attribute(HopCounter.class));
        assertThat(counter.hops).hasValue(3);
        assertThat(seen).allSatisfy(hop -> assertThat(hop.attribute(Template.class)).isEqualTo(new Template("/a")));
    }
}
