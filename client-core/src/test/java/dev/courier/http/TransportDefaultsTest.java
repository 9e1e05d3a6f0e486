package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.TransportStats.RouteStats;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Transport defaults that differ from Go's on purpose (README, "Differences from Go"), shown by behaviour. */
class TransportDefaultsTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @TempDir
    Path dir;

    /**
     * Go's DefaultTransport keeps 2 idle connections per host and closes the rest on release; Courier keeps
     * up to 64, so a burst's connections stay warm for the next burst.
     */
    @Test
    void moreThanGosTwoIdleConnectionsPerHostAreKeptByDefault() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        int n = 5;
        List<CompletableFuture<Response>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            server.enqueue(ServerResponse.status(200).streamBody(1 << 20));
            futures.add(t.roundTrip(Request.newBuilder(server.uri("/held" + i)).build()));
        }
        List<Response> held = new ArrayList<>();
        for (CompletableFuture<Response> f : futures) {
            held.add(f.get(10, SECONDS)); // every response open: each holds its own connection
        }
        assertThat(server.connectionCount()).isEqualTo(n);
        for (Response r : held) {
            r.body().discard().get(10, SECONDS);
        }
        Await.idleConnections(t, n); // the last release may still be under way on its event loop
        RouteKey route = new RouteKey(null, "http", server.address().getAddress().getHostAddress(), server.port());
        assertThat(t.stats().routes().get(route)).isEqualTo(new RouteStats(n, 0, 0, n));
        assertThat(server.openConnections()).isEqualTo(n);
    }

    /**
     * Go's DefaultTransport keeps 100 idle connections in all; Courier keeps 256, so several busy hosts fit.
     * 101 host names (one server, one route per name) leave 101 idle connections.
     */
    @Test
    void moreThanGosHundredIdleConnectionsAreKeptAcrossHostsByDefault() throws Exception {
        TestServer server = courier.server();
        int n = 101;
        StringBuilder names = new StringBuilder("127.0.0.1");
        for (int i = 0; i < n; i++) {
            names.append(" h").append(i).append(".test");
        }
        Path hosts = Files.writeString(dir.resolve("hosts"), names + "\n");
        Transport t = courier.transport(b -> b.hostsFile(hosts));
        List<CompletableFuture<Response>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(t.roundTrip(Request.newBuilder("http://h" + i + ".test:" + server.port() + "/").build()));
        }
        for (CompletableFuture<Response> f : futures) {
            f.get(10, SECONDS).body().discard().get(10, SECONDS);
        }
        Await.idleConnections(t, n);
        assertThat(t.stats().routes()).hasSize(n);
        assertThat(server.openConnections()).isEqualTo(n);
    }
}
