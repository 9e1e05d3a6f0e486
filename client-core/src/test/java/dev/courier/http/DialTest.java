package dev.courier.http;

import static dev.courier.http.testing.Exchanges.failure;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Opening connections: name resolution, TCP connect over IPv4 and IPv6, dial failures and the trace events. */
class DialTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @Test
    void localhostResolvesThroughTheHostsFile() throws Exception {
        List<String> hosts = Files.readAllLines(Path.of("/etc/hosts"));
        assertThat(hosts).as("/etc/hosts maps localhost to 127.0.0.1").anyMatch(DialTest::mapsLocalhostToIpv4Loopback);
        TestServer server = courier.server();
        Transport t = courier.transport();
        Events events = new Events();
        URI uri = URI.create("http://localhost:" + server.port() + "/hosts");

        Response r = t.roundTrip(Request.newBuilder(uri).trace(events).build()).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.header("Host")).isEqualTo("localhost:" + server.port());
        assertThat(events.resolved).contains(InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1}));
        assertThat(t.stats().routes()).containsKey(new RouteKey(null, "http", "localhost", server.port()));
    }

    @Test
    void anIpv6LiteralConnectsToAServerOnIpv6Loopback() throws Exception {
        TestServer server = courier.server(InetAddress.getByName("::1"));
        Transport t = courier.transport();
        Events events = new Events();
        URI uri = URI.create("http://[::1]:" + server.port() + "/v6");

        Response r = t.roundTrip(Request.newBuilder(uri).trace(events).build()).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
        assertThat(server.takeRequest().header("Host")).isEqualTo("[::1]:" + server.port());
        assertThat(events.connected).containsExactly(new InetSocketAddress(InetAddress.getByName("::1"), server.port()));
        assertThat(events.names()).doesNotContain("dnsStart");
        RouteKey route = new RouteKey(null, "http", "[::1]", server.port());
        assertThat(route.host()).isEqualTo("::1");
        assertThat(route.hostPort()).isEqualTo("[::1]:" + server.port());
        assertThat(t.stats().routes()).containsKey(route);
    }

    /**
     * A zone (RFC 6874: "%25" then the interface) is accepted in the URI and dialed as the bare address; it
     * names an interface of this machine, so the Host header leaves it out, as Go's {@code removeZone} does.
     */
    @Test
    void anIpv6LiteralWithAZoneDialsTheAddressAndLeavesTheZoneOutOfTheHostHeader() throws Exception {
        TestServer server = courier.server(InetAddress.getByName("::1"));
        Transport t = courier.transport();
        Events events = new Events();
        URI uri = URI.create("http://[::1%25lo]:" + server.port() + "/zone");

        Response r = t.roundTrip(Request.newBuilder(uri).trace(events).build()).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
        assertThat(server.takeRequest().header("Host")).isEqualTo("[::1]:" + server.port());
        assertThat(events.connected).containsExactly(new InetSocketAddress(InetAddress.getByName("::1"), server.port()));
        assertThat(Request.newBuilder("http://[fe80::1%25eth0]/").build().hostHeader()).isEqualTo("[fe80::1]");
    }

    @Test
    void aRefusedConnectionFailsInTheConnectPhase() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        Transport t = courier.transport();
        CompletableFuture<Response> f = t.roundTrip(Request.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build());

        RequestException e = failure(f, Duration.ofSeconds(10));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.CONNECT);
        assertThat(e.isTimeout()).isFalse();
        assertThat(e.connectionId()).isNull();
        // The part after the URL names the address and the reason.
        String detail = e.getMessage().substring(e.getMessage().indexOf(": ") + 2);
        assertThat(detail).contains("127.0.0.1:" + port).containsIgnoringCase("refused");
        assertThat(t.stats().total()).isZero();
    }

    @Test
    void traceEventsOfANewConnectionAndThenOfAnIdleOne() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        URI uri = URI.create("http://localhost:" + server.port() + "/");
        String hostPort = "localhost:" + server.port();

        Events first = new Events();
        Response r1 = t.roundTrip(Request.newBuilder(uri).trace(first).build()).get(10, SECONDS);
        assertThat(r1.body().text().get(10, SECONDS)).isEqualTo("ok");
        assertThat(first.names()).containsExactly("getConn", "dnsStart", "dnsDone", "connectStart", "connectDone",
                "gotConn", "wroteHeaders", "wroteRequest", "gotFirstResponseByte", "putIdleConn");
        assertThat(first.events).first().isEqualTo("getConn " + hostPort);
        assertThat(first.events).contains("dnsStart localhost", "connectDone ok", "wroteRequest ok", "putIdleConn ok");
        ClientTrace.ConnInfo info1 = first.conns.get(0);
        assertThat(info1.reused()).isFalse();
        assertThat(info1.wasIdle()).isFalse();
        assertThat(info1.remoteAddress()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.port()));

        Events second = new Events();
        Response r2 = t.roundTrip(Request.newBuilder(uri).trace(second).build()).get(10, SECONDS);
        assertThat(r2.body().text().get(10, SECONDS)).isEqualTo("ok");
        assertThat(second.names()).containsExactly("getConn", "gotConn", "wroteHeaders", "wroteRequest",
                "gotFirstResponseByte", "putIdleConn");
        ClientTrace.ConnInfo info2 = second.conns.get(0);
        assertThat(info2.reused()).isTrue();
        assertThat(info2.wasIdle()).isTrue();
        assertThat(info2.idleTime()).isNotNull().isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(info2.connectionId()).isEqualTo(info1.connectionId());
        assertThat(r2.connectionId()).isEqualTo(r1.connectionId());
    }

    @Test
    void anUnknownHostFailsInTheDnsPhase() {
        Transport t = courier.transport();
        Events events = new Events();
        long start = System.nanoTime();
        CompletableFuture<Response> f = t.roundTrip(
                Request.newBuilder(URI.create("http://nonexistent.invalid/")).trace(events).build());

        RequestException e = failure(f, Duration.ofSeconds(15));
        System.out.println("resolving nonexistent.invalid failed after "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms: " + e.getMessage());
        assertThat(e.phase()).isEqualTo(RequestException.Phase.DNS);
        assertThat(e.getMessage()).contains("nonexistent.invalid");
        assertThat(events.names()).containsExactly("getConn", "dnsStart", "dnsDone");
        assertThat(events.events).contains("dnsDone error");
        assertThat(t.stats().total()).isZero();
    }

    // ---- helpers ----

    /** Whether a hosts file line reads "127.0.0.1 ... localhost ...". */
    private static boolean mapsLocalhostToIpv4Loopback(String line) {
        int hash = line.indexOf('#');
        List<String> fields = Arrays.asList((hash < 0 ? line : line.substring(0, hash)).trim().split("\\s+"));
        return fields.size() >= 2 && fields.get(0).equals("127.0.0.1") && fields.subList(1, fields.size()).contains("localhost");
    }

    /** Records trace events in order, as "name detail". */
    private static final class Events implements ClientTrace {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<ConnInfo> conns = new CopyOnWriteArrayList<>();
        final List<InetAddress> resolved = new CopyOnWriteArrayList<>();
        final List<InetSocketAddress> connected = new CopyOnWriteArrayList<>();

        List<String> names() {
            return events.stream().map(e -> e.split(" ", 2)[0]).toList();
        }

        private static String outcome(Throwable error) {
            return error == null ? "ok" : "error";
        }

        @Override
        public void getConn(String hostPort) {
            events.add("getConn " + hostPort);
        }

        @Override
        public void gotConn(ConnInfo info) {
            conns.add(info);
            events.add("gotConn reused=" + info.reused() + " wasIdle=" + info.wasIdle());
        }

        @Override
        public void putIdleConn(Throwable error) {
            events.add("putIdleConn " + outcome(error));
        }

        @Override
        public void dnsStart(String host) {
            events.add("dnsStart " + host);
        }

        @Override
        public void dnsDone(List<InetAddress> addresses, Throwable error) {
            resolved.addAll(addresses);
            events.add("dnsDone " + outcome(error));
        }

        @Override
        public void connectStart(InetSocketAddress address) {
            events.add("connectStart " + address);
        }

        @Override
        public void connectDone(InetSocketAddress address, Throwable error) {
            if (error == null) {
                connected.add(address);
            }
            events.add("connectDone " + outcome(error));
        }

        @Override
        public void wroteHeaders() {
            events.add("wroteHeaders");
        }

        @Override
        public void wroteRequest(Throwable error) {
            events.add("wroteRequest " + outcome(error));
        }

        @Override
        public void gotFirstResponseByte() {
            events.add("gotFirstResponseByte");
        }

        @Override
        public void retrying(int attempt, RequestException cause, String reason) {
            events.add("retrying " + attempt);
        }
    }
}
