package dev.courier.http.micrometer;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.Client;
import dev.courier.http.Request;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.Httpbin;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CourierMetrics against a real httpbin (gunicorn): statuses and a redirect chain. */
class HttpbinMetricsTest {
    @RegisterExtension
    static final Httpbin httpbin = new Httpbin();

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @Test
    void statusesAndRedirectsAsHttpbinServesThem() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Client client = Client.newBuilder()
                .transport(CourierMetrics.builder(registry).build().instrument(courier.transport())).build();
        for (String path : new String[] {"/status/200", "/status/404", "/status/503", "/redirect/2"}) {
            Request r = Request.newBuilder(httpbin.uri(path)).attribute(UriTemplate.class, UriTemplate.of(path)).build();
            client.send(r).thenCompose(response -> response.body().discard()).get(20, SECONDS);
        }
        // /redirect/2 -> /relative-redirect/1 -> /get: three hops, the two later ones carry the first's template.
        Await.until("six exchanges", () -> registry.find(CourierMetrics.REQUESTS).timers().stream().mapToLong(Timer::count).sum() == 6);
        assertThat(registry.get(CourierMetrics.REQUESTS).tags("uri", "/status/200", "status", "200", "outcome", "SUCCESS").timer().count()).isEqualTo(1);
        assertThat(registry.get(CourierMetrics.REQUESTS).tags("uri", "/status/404", "outcome", "CLIENT_ERROR").timer().count()).isEqualTo(1);
        assertThat(registry.get(CourierMetrics.REQUESTS).tags("uri", "/status/503", "outcome", "SERVER_ERROR").timer().count()).isEqualTo(1);
        assertThat(registry.get(CourierMetrics.REQUESTS).tags("uri", "/redirect/2", "outcome", "REDIRECTION").timer().count()).isEqualTo(2);
        assertThat(registry.get(CourierMetrics.REQUESTS).tags("uri", "/redirect/2", "status", "200").timer().count()).isEqualTo(1);
        assertThat(registry.get(CourierMetrics.CONNECTIONS_REUSED).counter().count()).isGreaterThanOrEqualTo(1);
    }
}
