package dev.courier.http;

import static dev.courier.http.testing.Exchanges.failure;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.http.TransportStats.RouteStats;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Transport's connection pool over HTTP/1.1: reuse, LIFO, idle limits, per-host limits and queue, eviction. */
class ConnectionPoolTest {
    /** A body far larger than one read burst: its connection stays leased until the test consumes it. */
    private static final long BIG = 8L << 20;
    private static final long T0 = 1_000_000_000_000L;

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @Test
    void sequentialRequestsReuseOneConnection() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        for (int i = 0; i < 3; i++) {
            assertThat(text(t, server.uri("/" + i))).isEqualTo("ok");
        }
        for (int i = 0; i < 3; i++) {
            RecordedRequest r = server.takeRequest();
            assertThat(r.connectionIndex()).isZero();
            assertThat(r.exchangeIndex()).isEqualTo(i);
        }
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(t.stats().idle()).isEqualTo(1);
    }

    @Test
    void concurrentRequestsReuseTheConnectionsOfAnEarlierBurst() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        int n = 8;
        // The first burst is answered late, so that all n are in flight at once and each needs its own connection.
        for (int i = 0; i < n; i++) {
            server.enqueue(ServerResponse.ok("first").delayHeaders(Duration.ofMillis(200)));
        }
        burst(t, server, n, "first");
        assertThat(server.connectionCount()).isEqualTo(n);
        assertThat(t.stats().idle()).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            assertThat(server.takeRequest().exchangeIndex()).isZero();
        }

        // Held back too, so that all n are again in flight at once: each then takes a different idle connection
        // (otherwise an early finisher's connection is rightly reused first, LIFO, by a later request).
        for (int i = 0; i < n; i++) {
            server.enqueue(ServerResponse.ok("ok").delayHeaders(Duration.ofMillis(200)));
        }
        burst(t, server, n, "ok");
        assertThat(server.connectionCount()).as("connections opened by the second burst").isEqualTo(n);
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < n; i++) {
            RecordedRequest r = server.takeRequest();
            assertThat(r.exchangeIndex()).isEqualTo(1);
            used.add(r.connectionIndex());
        }
        assertThat(used).hasSize(n);
        assertThat(t.stats().idle()).isEqualTo(n);
    }

    @Test
    void idleConnectionsAreReusedMostRecentFirst() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(BIG));
        server.enqueue(ServerResponse.status(200).streamBody(BIG));
        Response a = send(t, server.uri("/a"));
        Response b = send(t, server.uri("/b"));
        assertThat(server.takeRequest().connectionIndex()).isZero();
        assertThat(server.takeRequest().connectionIndex()).isEqualTo(1);
        // Release the older connection first and the newer one last: LIFO must pick the newer one.
        assertThat(a.body().discard().get(10, SECONDS)).isEqualTo(BIG);
        assertThat(b.body().discard().get(10, SECONDS)).isEqualTo(BIG);
        assertThat(t.stats().idle()).isEqualTo(2);

        assertThat(text(t, server.uri("/c"))).isEqualTo("ok");
        RecordedRequest c = server.takeRequest();
        assertThat(c.connectionIndex()).as("connection of the next request").isEqualTo(1);
        assertThat(c.exchangeIndex()).isEqualTo(1);
    }

    @Test
    void releasesBeyondMaxIdleConnsPerHostAreClosed() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport(b -> b.maxIdleConnsPerHost(2));
        List<Response> held = hold(t, server, 4);
        assertThat(server.connectionCount()).isEqualTo(4);
        for (Response r : held) {
            assertThat(r.body().discard().get(10, SECONDS)).isEqualTo(BIG);
        }
        RouteStats stats = t.stats().routes().get(route(server));
        assertThat(stats).isEqualTo(new RouteStats(2, 0, 0, 2));
        Await.serverConnections(server, 2);
    }

    @Test
    void maxIdleConnsEvictsTheLeastRecentlyUsedAcrossRoutes() throws Exception {
        TestServer s1 = courier.server();
        TestServer s2 = courier.server();
        TestServer s3 = courier.server();
        Transport t = courier.transport(b -> b.maxIdleConns(2));
        text(t, s1.uri("/"));
        text(t, s2.uri("/"));
        text(t, s1.uri("/")); // s1's connection is used again: s2's is now the least recently used
        assertThat(t.stats().idle()).isEqualTo(2);

        text(t, s3.uri("/"));
        TransportStats stats = t.stats();
        assertThat(stats.idle()).isEqualTo(2);
        assertThat(stats.routes()).containsKeys(route(s1), route(s3)).doesNotContainKey(route(s2));
        Await.serverConnections(s2, 0);
        assertThat(s1.openConnections()).isEqualTo(1);
        assertThat(s3.openConnections()).isEqualTo(1);
    }

    @Test
    void atMaxConnsPerHostARequestWaitsAndThenReusesTheReleasedConnection() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport(b -> b.maxConnsPerHost(1));
        server.enqueue(ServerResponse.status(200).streamBody(BIG));
        Response first = send(t, server.uri("/first"));
        CompletableFuture<Response> second = t.roundTrip(Request.newBuilder(server.uri("/second")).build());

        assertThat(t.stats().routes().get(route(server))).isEqualTo(new RouteStats(0, 1, 1, 1));
        assertThat(t.stats().pending()).isEqualTo(1);
        assertThat(second).isNotDone();
        assertThat(server.connectionCount()).isEqualTo(1);

        assertThat(first.body().discard().get(10, SECONDS)).isEqualTo(BIG);
        assertThat(second.get(10, SECONDS).body().text().get(10, SECONDS)).isEqualTo("ok");
        server.takeRequest();
        RecordedRequest r = server.takeRequest();
        assertThat(r.path()).isEqualTo("/second");
        assertThat(r.connectionIndex()).isZero();
        assertThat(r.exchangeIndex()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(t.stats().pending()).isZero();
    }

    @Test
    void aFullWaitQueueFailsAtOnceNamingTheCounts() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport(b -> b.maxConnsPerHost(1).maxPendingAcquires(1));
        server.enqueue(ServerResponse.status(200).streamBody(BIG));
        Response first = send(t, server.uri("/first"));
        CompletableFuture<Response> waiting = t.roundTrip(Request.newBuilder(server.uri("/waiting")).build());
        CompletableFuture<Response> rejected = t.roundTrip(Request.newBuilder(server.uri("/rejected")).build());

        RequestException e = failure(rejected);
        assertThat(e.phase()).isEqualTo(RequestException.Phase.POOL_WAIT);
        assertThat(e.isTimeout()).isFalse();
        assertThat(e.getMessage()).contains("queue is full", "maxConnsPerHost 1", "maxPendingAcquires 1", "1 pending");
        assertThat(waiting).isNotDone();

        first.body().discard().get(10, SECONDS);
        assertThat(waiting.get(10, SECONDS).body().text().get(10, SECONDS)).isEqualTo("ok");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void aWaitLongerThanPendingAcquireTimeoutFailsAsATimeout() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport(b -> b.maxConnsPerHost(1).pendingAcquireTimeout(Duration.ofMillis(200)));
        server.enqueue(ServerResponse.status(200).streamBody(BIG));
        Response first = send(t, server.uri("/first"));
        CompletableFuture<Response> waiting = t.roundTrip(Request.newBuilder(server.uri("/waiting")).build());

        RequestException e = failure(waiting);
        assertThat(e.phase()).isEqualTo(RequestException.Phase.POOL_WAIT);
        assertThat(e.isTimeout()).isTrue();
        assertThat(t.stats().pending()).isZero();
        first.body().discard().get(10, SECONDS);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void idleConnTimeoutEvictsOnTheTestClock() throws Exception {
        TestServer server = courier.server();
        AtomicLong clock = new AtomicLong(T0);
        Transport t = courier.transport(b -> b.clock(clock::get).idleConnTimeout(Duration.ofSeconds(90)));
        text(t, server.uri("/"));
        assertThat(t.stats().idle()).isEqualTo(1);

        clock.set(T0 + Duration.ofSeconds(89).toNanos());
        assertThat(t.pool().evictExpired(clock.get())).isZero();
        assertThat(t.stats().idle()).isEqualTo(1);

        clock.set(T0 + Duration.ofSeconds(91).toNanos());
        assertThat(t.pool().evictExpired(clock.get())).isEqualTo(1);
        assertThat(t.stats().idle()).isZero();
        assertThat(t.stats().total()).isZero();
        Await.serverConnections(server, 0);
    }

    @Test
    void aShortIdleConnTimeoutEvictsWithoutHelp() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport(b -> b.idleConnTimeout(Duration.ofMillis(200)));
        text(t, server.uri("/"));
        Await.noConnections(t); // the idle connection is evicted
        Await.serverConnections(server, 0);
    }

    @Test
    void closeIdleConnectionsClosesEveryIdleConnection() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        for (Response r : hold(t, server, 2)) {
            r.body().discard().get(10, SECONDS);
        }
        assertThat(t.stats().idle()).isEqualTo(2);

        t.closeIdleConnections();
        assertThat(t.stats().idle()).isZero();
        assertThat(t.stats().total()).isZero();
        Await.serverConnections(server, 0);
        assertThat(text(t, server.uri("/after"))).isEqualTo("ok");
        assertThat(server.connectionCount()).isEqualTo(3);
    }

    @Test
    void disableKeepAlivesSendsConnectionCloseAndUsesEachConnectionOnce() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport(b -> b.disableKeepAlives(true));
        text(t, server.uri("/1"));
        text(t, server.uri("/2"));
        for (int i = 0; i < 2; i++) {
            RecordedRequest r = server.takeRequest();
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(r.connectionIndex()).isEqualTo(i);
            assertThat(r.exchangeIndex()).isZero();
        }
        assertThat(t.stats().idle()).isZero();
        Await.serverConnections(server, 0);
    }

    @Test
    void serverKeepAliveTimeoutIsHonoured() throws Exception {
        TestServer server = courier.server();
        server.dispatcher(r -> ServerResponse.ok("ok").keepAliveTimeout(5));
        AtomicLong clock = new AtomicLong(T0);
        Transport t = courier.transport(b -> b.clock(clock::get));
        text(t, server.uri("/1"));
        clock.addAndGet(Duration.ofSeconds(3).toNanos());
        text(t, server.uri("/2"));
        clock.addAndGet(Duration.ofSeconds(5).toNanos());
        text(t, server.uri("/3"));

        assertThat(server.takeRequest().connectionIndex()).isZero();
        RecordedRequest second = server.takeRequest();
        assertThat(second.connectionIndex()).as("reused within the server's keep-alive timeout").isZero();
        assertThat(second.exchangeIndex()).isEqualTo(1);
        RecordedRequest third = server.takeRequest();
        assertThat(third.connectionIndex()).as("not reused past the server's keep-alive timeout").isEqualTo(1);
        assertThat(third.exchangeIndex()).isZero();
        Await.serverConnections(server, 1); // the expired one closed
    }

    @Test
    void aConnectionPastMaxConnectionLifetimeIsNotReused() throws Exception {
        TestServer server = courier.server();
        AtomicLong clock = new AtomicLong(T0);
        Transport t = courier.transport(b -> b.clock(clock::get).maxConnectionLifetime(Duration.ofSeconds(10)));
        text(t, server.uri("/1"));
        clock.addAndGet(Duration.ofSeconds(8).toNanos()); // within the lifetime minus its 10% jitter
        text(t, server.uri("/2"));
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        text(t, server.uri("/3"));

        assertThat(server.takeRequest().connectionIndex()).isZero();
        assertThat(server.takeRequest().connectionIndex()).isZero();
        RecordedRequest third = server.takeRequest();
        assertThat(third.connectionIndex()).isEqualTo(1);
        assertThat(third.exchangeIndex()).isZero();
        Await.serverConnections(server, 1); // the expired one closed
    }

    @Test
    void aConnectionTheServerClosesWhileIdleLeavesThePool() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        text(t, server.uri("/1"));
        assertThat(t.stats().idle()).isEqualTo(1);

        server.closeIdleConnections();
        Await.noConnections(t); // the closed connection left the pool
        assertThat(text(t, server.uri("/2"))).isEqualTo("ok");
        server.takeRequest();
        RecordedRequest second = server.takeRequest();
        assertThat(second.connectionIndex()).isEqualTo(1);
        assertThat(second.exchangeIndex()).isZero();
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void aDialThatLosesTheRaceToAReleasedConnectionGoesIdle() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        URI first = URI.create("http://localhost:" + server.port() + "/first");
        URI second = URI.create("http://localhost:" + server.port() + "/second");
        server.enqueue(ServerResponse.status(200).streamBody(BIG));
        Response held = send(t, first);

        // dnsStart runs on the caller's thread once the second request is queued with a dial of its own:
        // releasing the first connection there makes the release win the race, deterministically.
        AtomicReference<Throwable> traceFailure = new AtomicReference<>();
        List<ClientTrace.ConnInfo> got = new CopyOnWriteArrayList<>();
        ClientTrace trace = new ClientTrace() {
            @Override
            public void dnsStart(String host) {
                try {
                    held.body().discard().get(10, SECONDS);
                } catch (Exception e) {
                    traceFailure.set(e);
                }
            }

            @Override
            public void gotConn(ConnInfo info) {
                got.add(info);
            }
        };
        Response r = t.roundTrip(Request.newBuilder(second).trace(trace).build()).get(10, SECONDS);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
        assertThat(traceFailure.get()).isNull();
        assertThat(got).singleElement().satisfies(info -> assertThat(info.reused()).isTrue());
        server.takeRequest();
        RecordedRequest r2 = server.takeRequest();
        assertThat(r2.connectionIndex()).isZero();
        assertThat(r2.exchangeIndex()).isEqualTo(1);

        Await.until("the dialed connection joins the pool", () -> t.stats().idle() == 2);
        assertThat(t.stats().total()).isEqualTo(2);
        // The server accepts on its own loop, possibly a moment after the client saw the connect complete.
        Await.serverConnections(server, 2);
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void closingTheTransportFailsAWaitingRequest() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport(b -> b.maxConnsPerHost(1));
        server.enqueue(ServerResponse.status(200).noResponse());
        CompletableFuture<Response> inFlight = t.roundTrip(Request.newBuilder(server.uri("/in-flight")).build());
        server.takeRequest(); // its connection is up: the next request waits for it
        CompletableFuture<Response> waiting = t.roundTrip(Request.newBuilder(server.uri("/waiting")).build());
        assertThat(t.stats().pending()).isEqualTo(1);

        t.close();
        RequestException e = failure(waiting);
        assertThat(e.phase()).isEqualTo(RequestException.Phase.CLOSED);
        assertThat(e.isTimeout()).isFalse();
        assertThat(server.requestCount()).isEqualTo(1);
        failure(inFlight);
    }

    @Test
    void closingTheTransportFailsARequestAwaitingItsResponse() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).noResponse());
        CompletableFuture<Response> inFlight = t.roundTrip(Request.newBuilder(server.uri("/in-flight")).build());
        server.takeRequest();

        t.close();
        failure(inFlight);
        Await.serverConnections(server, 0);
        RequestException late = failure(t.roundTrip(Request.newBuilder(server.uri("/late")).build()));
        assertThat(late.phase()).isEqualTo(RequestException.Phase.CLOSED);
    }

    @Test
    void aBodyInUseFailsWithARequestExceptionOnceTheTransportIsClosed() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(BIG));
        Response inFlight = send(t, server.uri("/in-flight"));

        t.close();
        Await.serverConnections(server, 0);
        // Reading (or closing) the body afterwards must report the failure, not throw.
        Throwable thrown = catchThrowable(() -> inFlight.body().discard().get(10, SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RequestException.class);
        inFlight.close();
    }

    @Test
    void statsAreKeptPerRoute() throws Exception {
        TestServer s1 = courier.server();
        TestServer s2 = courier.server();
        Transport t = courier.transport();
        s1.enqueue(ServerResponse.status(200).streamBody(BIG));
        Response held = send(t, s1.uri("/"));
        text(t, s2.uri("/"));

        TransportStats during = t.stats();
        assertThat(during.routes()).hasSize(2);
        assertThat(during.routes().get(new RouteKey(null, "http", "127.0.0.1", s1.port())))
                .isEqualTo(new RouteStats(0, 1, 0, 1));
        assertThat(during.routes().get(new RouteKey(null, "http", "127.0.0.1", s2.port())))
                .isEqualTo(new RouteStats(1, 0, 0, 1));
        assertThat(during.active()).isEqualTo(1);
        assertThat(during.idle()).isEqualTo(1);
        assertThat(during.total()).isEqualTo(2);

        held.body().discard().get(10, SECONDS);
        assertThat(t.stats().routes().get(route(s1))).isEqualTo(new RouteStats(1, 0, 0, 1));
        assertThat(route(s1).hostPort()).isEqualTo("127.0.0.1:" + s1.port());
    }

    // ---- helpers ----

    private static RouteKey route(TestServer server) {
        return new RouteKey(null, "http", server.address().getAddress().getHostAddress(), server.port());
    }

    private static Response send(Transport t, URI uri) throws Exception {
        return t.roundTrip(Request.newBuilder(uri).build()).get(10, SECONDS);
    }

    private static String text(Transport t, URI uri) throws Exception {
        return send(t, uri).body().text().get(10, SECONDS);
    }

    /** Sends n requests at once and reads each body, which must equal {@code expected}. */
    private static void burst(Transport t, TestServer server, int n, String expected) throws Exception {
        List<CompletableFuture<String>> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            bodies.add(t.roundTrip(Request.newBuilder(server.uri("/" + i)).build())
                    .thenCompose(r -> r.body().text()));
        }
        for (CompletableFuture<String> b : bodies) {
            assertThat(b.get(10, SECONDS)).isEqualTo(expected);
        }
    }

    /** n requests whose big bodies are left unread, so that each holds its own connection. */
    private static List<Response> hold(Transport t, TestServer server, int n) throws Exception {
        List<CompletableFuture<Response>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            server.enqueue(ServerResponse.status(200).streamBody(BIG));
            futures.add(t.roundTrip(Request.newBuilder(server.uri("/held" + i)).build()));
        }
        List<Response> out = new ArrayList<>();
        for (CompletableFuture<Response> f : futures) {
            out.add(f.get(10, SECONDS));
        }
        return out;
    }

}
