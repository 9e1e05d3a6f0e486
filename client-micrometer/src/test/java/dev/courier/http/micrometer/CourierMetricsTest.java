package dev.courier.http.micrometer;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.Client;
import dev.courier.http.Request;
import dev.courier.http.RequestException;
import dev.courier.http.Response;
import dev.courier.http.RoundTripper;
import dev.courier.http.Transport;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.Exchanges;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CourierMetrics against our test server and Micrometer's SimpleMeterRegistry. */
class CourierMetricsTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private RoundTripper instrumented(Transport t) {
        return CourierMetrics.builder(registry).tags(Tags.of("client.name", "test")).build().instrument(t);
    }

    private Search requests() {
        return registry.find(CourierMetrics.REQUESTS);
    }

    private long requestCount() {
        return requests().timers().stream().mapToLong(Timer::count).sum();
    }

    private void awaitRequests(long n) {
        Await.until(() -> "timers " + requests().timers().stream().map(t -> t.getId() + "=" + t.count()).toList(),
                () -> requestCount() == n);
    }

    @Test
    void timesEachExchangeWithMicrometersHttpClientTags() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("fine"));
        server.enqueue(ServerResponse.status(404).body("missing"));
        server.enqueue(ServerResponse.status(500).body("broken"));
        RoundTripper rt = instrumented(courier.transport());
        for (String path : new String[] {"/users/1", "/users/2", "/users/3"}) {
            Request r = Request.newBuilder(server.uri(path)).attribute(UriTemplate.class, UriTemplate.of("/users/{id}")).build();
            Exchanges.read(rt.roundTrip(r));
        }
        awaitRequests(3);
        Timer ok = requests().tags("status", "200").timer();
        assertThat(ok).isNotNull();
        assertThat(ok.getId().getTags()).containsExactlyInAnyOrderElementsOf(Tags.of(
                "client.name", "test", "method", "GET", "uri", "/users/{id}", "status", "200", "outcome", "SUCCESS",
                "host", "127.0.0.1", "protocol", "HTTP/1.1", "exception", "none"));
        assertThat(ok.count()).isEqualTo(1);
        assertThat(requests().tags("status", "404", "outcome", "CLIENT_ERROR", "uri", "/users/{id}").timer().count()).isEqualTo(1);
        assertThat(requests().tags("status", "500", "outcome", "SERVER_ERROR", "exception", "none").timer().count()).isEqualTo(1);
        // One connection served all three: one opened, two reused.
        assertThat(registry.get(CourierMetrics.CONNECTIONS_OPENED).tag("host", "127.0.0.1").counter().count()).isEqualTo(1);
        assertThat(registry.get(CourierMetrics.CONNECTIONS_REUSED).counter().count()).isEqualTo(2);
        assertThat(registry.get(CourierMetrics.CONNECT).tag("exception", "none").timer().count()).isEqualTo(1);
    }

    @Test
    void closedConnectionsAreCountedByReason() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("kept"));
        server.enqueue(ServerResponse.ok("last").closeConnection());
        server.enqueue(ServerResponse.ok("again"));
        Transport t = courier.transport();
        RoundTripper rt = instrumented(t);
        Exchanges.read(rt.roundTrip(Request.newBuilder(server.uri("/kept")).build()));
        Await.idleConnections(t, 1);
        assertThat(registry.find(CourierMetrics.CONNECTIONS_CLOSED).counters()).isEmpty();

        server.closeIdleConnections(); // the server closes the idle connection
        Await.until(() -> "closed counters " + closedCounts(), () -> closed("SERVER_CLOSED") == 1);

        Exchanges.read(rt.roundTrip(Request.newBuilder(server.uri("/last")).build())); // Connection: close
        Await.until(() -> "closed counters " + closedCounts(), () -> closed("CONNECTION_CLOSE") == 1);

        Exchanges.read(rt.roundTrip(Request.newBuilder(server.uri("/again")).build()));
        Await.idleConnections(t, 1);
        t.close();
        Await.until(() -> "closed counters " + closedCounts(), () -> closed("CLIENT_CLOSED") == 1);

        assertThat(registry.get(CourierMetrics.CONNECTIONS_CLOSED).tags("host", "127.0.0.1", "reason", "SERVER_CLOSED",
                "client.name", "test").counter().count()).isEqualTo(1);
        // Every connection opened was closed once, with one reason.
        assertThat(registry.get(CourierMetrics.CONNECTIONS_OPENED).tag("host", "127.0.0.1").counter().count()).isEqualTo(3);
        assertThat(registry.find(CourierMetrics.CONNECTIONS_CLOSED).counters().stream().mapToDouble(c -> c.count()).sum())
                .isEqualTo(3);
    }

    private double closed(String reason) {
        io.micrometer.core.instrument.Counter c = registry.find(CourierMetrics.CONNECTIONS_CLOSED).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private String closedCounts() {
        return registry.find(CourierMetrics.CONNECTIONS_CLOSED).counters().stream()
                .map(c -> c.getId().getTag("reason") + "=" + c.count()).toList().toString();
    }

    @Test
    void withoutATemplateTheUriTagIsNone() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x"));
        Exchanges.read(instrumented(courier.transport()).roundTrip(Request.newBuilder(server.uri("/a/b?c=d")).build()));
        awaitRequests(1);
        assertThat(requests().tag("uri", "none").timer()).isNotNull();
    }

    @Test
    void theTimerStopsWhenTheBodyEndsNotAtTheHead() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("body"));
        Response r = instrumented(courier.transport()).roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        // The head is here; the body has not been read: nothing recorded yet (nor a moment later).
        assertThat(Await.within(java.time.Duration.ofMillis(300), () -> requestCount() > 0)).isFalse();
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("body");
        awaitRequests(1);
        assertThat(requests().tags("status", "200", "exception", "none").timer().count()).isEqualTo(1);
    }

    @Test
    void aBodyClosedBeforeItsEndStillStopsTheTimerWithTheError() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").streamBody(1 << 20));
        server.enqueue(ServerResponse.ok("x").streamBody(1 << 20));
        RoundTripper rt = instrumented(courier.transport());
        Response closed = rt.roundTrip(Request.newBuilder(server.uri("/closed")).build()).get(10, SECONDS);
        closed.close();
        Response cancelled = rt.roundTrip(Request.newBuilder(server.uri("/cancelled")).build()).get(10, SECONDS);
        cancelled.body().subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override public void onSubscribe(Flow.Subscription s) { s.cancel(); }
            @Override public void onNext(ByteBuffer item) { }
            @Override public void onError(Throwable t) { }
            @Override public void onComplete() { }
        });
        awaitRequests(2);
        assertThat(requests().tags("status", "200", "exception", "RequestException").timer().count()).isEqualTo(1);
        assertThat(requests().tags("status", "200", "exception", "CancellationException").timer().count()).isEqualTo(1);
    }

    @Test
    void aRefusedConnectionIsRecordedWithItsError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RoundTripper rt = instrumented(courier.transport());
        RequestException e = Exchanges.failure(rt.roundTrip(Request.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.CONNECT);
        awaitRequests(1);
        assertThat(requests().tags("status", "IO_ERROR", "outcome", "UNKNOWN", "exception", "ConnectException",
                "protocol", "none").timer().count()).isEqualTo(1);
        assertThat(registry.get(CourierMetrics.CONNECT).tag("exception", "ConnectException").timer().count()).isEqualTo(1);
        assertThat(registry.find(CourierMetrics.CONNECTIONS_OPENED).counter()).isNull();
    }

    @Test
    void retriesAndRedirectsAreCounted() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("first"));
        server.enqueue(ServerResponse.ok("never sent").closeAfterBytes(0)); // the server drops the reused connection
        server.enqueue(ServerResponse.status(302).header("Location", "/landing").body("moved"));
        server.enqueue(ServerResponse.ok("landed"));
        Client client = Client.newBuilder().transport(instrumented(courier.transport())).build();
        assertThat(client.get(server.uri("/first")).thenCompose(r -> r.body().text()).get(10, SECONDS)).isEqualTo("first");
        assertThat(client.get(server.uri("/retried")).thenCompose(r -> r.body().text()).get(10, SECONDS)).isEqualTo("landed");
        awaitRequests(3);
        assertThat(registry.get(CourierMetrics.RETRIES).counter().count()).isEqualTo(1);
        assertThat(requests().tags("status", "302", "outcome", "REDIRECTION").timer().count()).isEqualTo(1);
        assertThat(requests().tags("status", "200", "outcome", "SUCCESS").timer().count()).isEqualTo(2);
        assertThat(registry.get(CourierMetrics.CONNECTIONS_OPENED).counter().count()).isEqualTo(2);
    }

    @Test
    void thePoolIsReportedPerRoute() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x"));
        server.enqueue(ServerResponse.ok("y").streamBody(8 << 20)); // more than the socket buffers: stays in flight
        Transport t = courier.transport();
        RoundTripper rt = instrumented(t);
        Exchanges.read(rt.roundTrip(Request.newBuilder(server.uri("/")).build()));
        Await.idleConnections(t, 1);
        Tags route = Tags.of("target.scheme", "http", "target.host", "127.0.0.1", "target.port",
                Integer.toString(server.port()), "proxy", "none", "client.name", "test");
        assertThat(gauge("idle", route).value()).isEqualTo(1);
        assertThat(gauge("total", route).value()).isEqualTo(1);
        assertThat(gauge("active", route).value()).isZero();
        assertThat(gauge("pending", route).value()).isZero();

        Response inFlight = rt.roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS);
        assertThat(gauge("active", route).value()).isEqualTo(1);
        assertThat(gauge("streams", route).value()).isEqualTo(1);
        assertThat(gauge("idle", route).value()).isZero();
        inFlight.close();
        Await.noActiveConnections(t);
        assertThat(gauge("active", route).value()).isZero();
    }

    private Gauge gauge(String state, Tags tags) {
        return registry.get("http.client.connections." + state).tags(tags).gauge();
    }

    @Test
    void connectionMetricsCanBeTurnedOff() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x"));
        RoundTripper rt = CourierMetrics.builder(registry).connectionMetrics(false).build().instrument(courier.transport());
        Exchanges.read(rt.roundTrip(Request.newBuilder(server.uri("/")).build()));
        awaitRequests(1);
        assertThat(registry.find(CourierMetrics.CONNECTIONS_OPENED).counter()).isNull();
        assertThat(registry.find(CourierMetrics.CONNECT).timer()).isNull();
    }

    @Test
    void cancellingTheFutureStillAbortsTheExchangeBelow() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("slow").delayHeaders(java.time.Duration.ofSeconds(30)));
        Transport t = courier.transport();
        var f = instrumented(t).roundTrip(Request.newBuilder(server.uri("/")).build());
        Await.until("the request reached the server", () -> server.requestCount() == 1);
        f.cancel(true);
        awaitRequests(1);
        assertThat(requests().tags("status", "IO_ERROR", "exception", "CancellationException").timer().count()).isEqualTo(1);
        Await.noActiveConnections(t);
        assertThat(t.stats().active()).isZero();
    }
}
