package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.CountingEventLoops;
import dev.courier.http.testing.CountingEventLoops.CountingLoop;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.TestServer;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A request on a pooled connection makes work for its connection's event loop only, timers included: a
 * request with a timeout (here the Client's, as services set one) must not hand a task to another loop of
 * the transport, since on another CPU each such task is a thread wake-up that costs more than the request
 * itself (issue 13: get1k-c1 unpinned swung between two speeds by the loop the connection landed on).
 */
class LoopConfinementTest {
    private static final int REQUESTS = 50;

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    /** Who sends the requests: chained from the previous one's completion (async code), or a thread of the caller's. */
    enum Caller { EVENT_LOOP, CALLER_THREAD }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void sequentialRequestsWithATimeoutGiveTheOtherLoopNoWork(Caller caller) throws Exception {
        TestServer server = courier.server();
        CountingEventLoops loops = new CountingEventLoops(2);
        Transport t = courier.transport(b -> b.ioTransport(IoTransport.NIO).eventLoops(loops));
        Client client = Client.newBuilder().transport(t).timeout(Duration.ofSeconds(30)).build();
        Request request = Request.newBuilder(server.uri("/")).build();
        Set<CountingLoop> owners = new LinkedHashSet<>();
        // Each connection lands on the loop its dial picked; two dials cover both loops.
        for (int connection = 0; connection < 2 && owners.size() < 2; connection++) {
            CountingLoop owner = loops.loopOf(sendAndRead(client, request).get(10, SECONDS));
            assertThat(owner).as("the response body completes on a loop of the transport").isNotNull();
            owners.add(owner);
            loops.reset();

            if (caller == Caller.EVENT_LOOP) {
                chain(client, request, REQUESTS).get(10, SECONDS);
            } else {
                for (int i = 0; i < REQUESTS; i++) {
                    sendAndRead(client, request).get(10, SECONDS);
                }
            }

            for (CountingLoop other : loops.loops()) {
                if (other != owner) {
                    assertThat(other.foreignTasks())
                            .as("tasks handed to %s, which does not own the connection, during %d requests", other, REQUESTS)
                            .isZero();
                }
            }
            t.closeIdleConnections();
            Await.noConnections(t);
        }
        assertThat(owners).as("the connections landed on both loops").hasSize(2);
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    /**
     * A request that needs a new connection (keep-alives off: one per request, as close-c16 runs) and is sent from
     * a loop of the transport dials on that loop: otherwise the dial, the request on the new connection and its
     * deadline's cancel each hand work to another loop, a thread wake-up per request (issue 13 item 2).
     */
    @org.junit.jupiter.api.Test
    void requestsChainedOnALoopDialOnThatLoop() throws Exception {
        TestServer server = courier.server();
        CountingEventLoops loops = new CountingEventLoops(2);
        Transport t = courier.transport(b -> b.ioTransport(IoTransport.NIO).eventLoops(loops).disableKeepAlives(true));
        Client client = Client.newBuilder().transport(t).timeout(Duration.ofSeconds(30)).build();
        Request request = Request.newBuilder(server.uri("/")).build();
        Set<CountingLoop> owners = new LinkedHashSet<>();
        for (int start = 0; start < 2; start++) {
            // From the test thread, a dial takes the loops in turn; the chain then starts on the loop it landed on.
            CountingLoop owner = loops.loopOf(sendAndRead(client, request).get(10, SECONDS));
            assertThat(owner).isNotNull();
            owners.add(owner);
            loops.reset();
            AtomicReference<Thread> last = new AtomicReference<>();
            CompletableFuture<Void> chained = new CompletableFuture<>();
            owner.execute(() -> chain(client, request, REQUESTS, last).whenComplete((v, e) -> {
                if (e != null) {
                    chained.completeExceptionally(e);
                } else {
                    chained.complete(null);
                }
            }));
            chained.get(10, SECONDS);
            assertThat(loops.loopOf(last.get())).as("the last response's loop").isSameAs(owner);
            for (CountingLoop other : loops.loops()) {
                if (other != owner) {
                    assertThat(other.foreignTasks())
                            .as("tasks handed to %s during %d requests chained on %s, each on a new connection", other,
                                    REQUESTS, owner)
                            .isZero();
                }
            }
        }
        assertThat(server.connectionCount()).isEqualTo(2 + 2 * REQUESTS);
    }

    /** Sends {@code request}, reads its body, and completes with the thread the body completed on. */
    private static CompletableFuture<Thread> sendAndRead(Client client, Request request) {
        return client.send(request)
                .thenCompose(r -> r.body().discard())
                .thenApply(n -> Thread.currentThread());
    }

    /** {@code n} requests one after the other, each sent from the thread that completed the previous one. */
    private static CompletableFuture<Void> chain(Client client, Request request, int n) {
        return chain(client, request, n, new AtomicReference<>());
    }

    /** As {@link #chain(Client, Request, int)}, leaving in {@code last} the thread the last response body completed on. */
    private static CompletableFuture<Void> chain(Client client, Request request, int n, AtomicReference<Thread> last) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicReference<Runnable> next = new AtomicReference<>();
        int[] left = {n};
        next.set(() -> sendAndRead(client, request).whenComplete((thread, error) -> {
            last.set(thread);
            if (error != null) {
                done.completeExceptionally(error);
            } else if (--left[0] == 0) {
                done.complete(null);
            } else {
                next.get().run();
            }
        }));
        next.get().run();
        return done;
    }
}
