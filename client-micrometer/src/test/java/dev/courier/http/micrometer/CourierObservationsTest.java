package dev.courier.http.micrometer;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.Client;
import dev.courier.http.Request;
import dev.courier.http.Response;
import dev.courier.http.RoundTripper;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.Exchanges;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.observation.transport.SenderContext;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CourierObservations with micrometer-observation-test's TestObservationRegistry and a meter handler. */
class CourierObservationsTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    private RoundTripper observed() {
        return CourierObservations.builder(registry).build().instrument(courier.transport());
    }

    private List<CourierObservationContext> stopped() {
        List<CourierObservationContext> out = new CopyOnWriteArrayList<>();
        TestObservationRegistryAssert.assertThat(registry).hasHandledContextsThatSatisfy(contexts -> {
            for (Observation.Context c : contexts) {
                if (c instanceof CourierObservationContext && c.get(Stopped.class) != null) {
                    out.add((CourierObservationContext) c);
                }
            }
        });
        return out;
    }

    /** Marks contexts whose observation stopped, so that tests can wait for the body's end. */
    private static final class Stopped implements ObservationHandler<Observation.Context> {
        @Override public void onStop(Observation.Context context) { context.put(Stopped.class, this); }
        @Override public boolean supportsContext(Observation.Context context) { return true; }
    }

    private void awaitStopped(int n) {
        Await.until("stopped observations", () -> stopped().size() == n);
    }

    @Test
    void observesEachExchangeUntilItsBodyEnds() throws Exception {
        registry.observationConfig().observationHandler(new Stopped());
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("fine"));
        server.enqueue(ServerResponse.status(404).body("missing"));
        RoundTripper rt = observed();
        Response r = rt.roundTrip(Request.newBuilder(server.uri("/users/1"))
                .attribute(UriTemplate.class, UriTemplate.of("/users/{id}")).build()).get(10, SECONDS);
        assertThat(Await.within(java.time.Duration.ofMillis(300), () -> !stopped().isEmpty())).isFalse();
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("fine");
        Exchanges.read(rt.roundTrip(Request.newBuilder(server.uri("/nothing")).build()));
        awaitStopped(2);
        TestObservationRegistryAssert.assertThat(registry)
                .hasNumberOfObservationsWithNameEqualTo("http.client.requests", 2)
                .hasAnObservation(o -> o.hasContextualNameEqualTo("http get")
                        .hasLowCardinalityKeyValue("method", "GET")
                        .hasLowCardinalityKeyValue("uri", "/users/{id}")
                        .hasLowCardinalityKeyValue("status", "200")
                        .hasLowCardinalityKeyValue("outcome", "SUCCESS")
                        .hasLowCardinalityKeyValue("exception", "none")
                        .hasLowCardinalityKeyValue("host", "127.0.0.1")
                        .hasLowCardinalityKeyValue("protocol", "HTTP/1.1")
                        .hasHighCardinalityKeyValue("http.url", server.uri("/users/1").toString())
                        .doesNotHaveError())
                .hasAnObservation(o -> o.hasLowCardinalityKeyValue("status", "404")
                        .hasLowCardinalityKeyValue("outcome", "CLIENT_ERROR")
                        .hasLowCardinalityKeyValue("uri", "none"));
    }

    @Test
    void anErrorIsTheObservationsError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Exchanges.failure(observed().roundTrip(Request.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build()));
        TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                .hasBeenStopped()
                .hasError()
                .hasLowCardinalityKeyValue("status", "IO_ERROR")
                .hasLowCardinalityKeyValue("outcome", "UNKNOWN")
                .hasLowCardinalityKeyValue("exception", "ConnectException");
    }

    @Test
    void aClosedBodyStopsTheObservationWithItsError() throws Exception {
        registry.observationConfig().observationHandler(new Stopped());
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").streamBody(1 << 20));
        observed().roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS).close();
        awaitStopped(1);
        TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                .hasError()
                .hasLowCardinalityKeyValue("status", "200")
                .hasLowCardinalityKeyValue("exception", "RequestException");
    }

    @Test
    void theParentIsTheCurrentObservationAlsoForRedirectHops() throws Exception {
        registry.observationConfig().observationHandler(new Stopped());
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(302).header("Location", "/landing").body("moved"));
        server.enqueue(ServerResponse.ok("landed"));
        Client client = Client.newBuilder().transport(observed()).build();
        Observation parent = Observation.start("caller", registry);
        try (Observation.Scope scope = parent.openScope()) {
            assertThat(client.get(server.uri("/start")).thenCompose(r -> r.body().text()).get(10, SECONDS)).isEqualTo("landed");
        }
        awaitStopped(2);
        parent.stop();
        List<CourierObservationContext> hops = stopped().stream()
                .filter(c -> c.getName().equals("http.client.requests")).toList();
        assertThat(hops).hasSize(2);
        assertThat(hops).allSatisfy(c -> assertThat(c.getParentObservation()).isSameAs(parent));
        assertThat(hops).extracting(c -> c.getResponse().status()).containsExactlyInAnyOrder(302, 200);
    }

    @Test
    void aTracingHandlerPropagatesThroughTheCarrier() throws Exception {
        // What Micrometer Tracing's PropagatingSenderTracingObservationHandler does: write headers through the
        // context's setter into its carrier when the observation starts.
        registry.observationConfig().observationHandler(new ObservationHandler<SenderContext<Object>>() {
            @Override
            public void onStart(SenderContext<Object> context) {
                context.getSetter().set(context.getCarrier(), "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof SenderContext;
            }
        });
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x"));
        Exchanges.read(observed().roundTrip(Request.newBuilder(server.uri("/")).build()));
        RecordedRequest seen = server.takeRequest();
        assertThat(seen.header("traceparent")).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }

    @Test
    void aMeterHandlerMakesTheSameTimerAsCourierMetrics() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(500).body("broken"));
        RoundTripper rt = CourierObservations.builder(observations).build().instrument(courier.transport());
        Exchanges.read(rt.roundTrip(Request.newBuilder(server.uri("/")).build()));
        Await.until("timer", () -> meters.find("http.client.requests").timer() != null
                && meters.find("http.client.requests").timer().count() == 1);
        assertThat(meters.get("http.client.requests").tags("status", "500", "outcome", "SERVER_ERROR", "method", "GET",
                "uri", "none", "exception", "none").timer().count()).isEqualTo(1);
    }

    @Test
    void aNoopRegistryPassesTheRequestThrough() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x"));
        RoundTripper rt = CourierObservations.builder(ObservationRegistry.NOOP).build().instrument(courier.transport());
        assertThat(Exchanges.read(rt.roundTrip(Request.newBuilder(server.uri("/")).build()))).isEqualTo("x");
    }
}
