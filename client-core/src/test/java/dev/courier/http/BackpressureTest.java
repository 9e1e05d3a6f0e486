package dev.courier.http;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.RecordingSubscriber;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The response body publisher reads from the socket only as its subscriber demands: a stalled subscriber
 * stalls the server at a bounded offset (socket buffers plus one read), and a slow one still gets every
 * byte, after which the connection goes back to the pool.
 */
class BackpressureTest {
    /** Loopback socket buffers (send + receive, autotuned) plus one read stay far below this. */
    private static final long STALL_BOUND = 16L << 20;
    private static final long HUGE = 1L << 30;
    private static final long SLOW_BODY = 64L << 20;
    /** The server counts as stalled when its byte count did not move for this long. */
    private static final long QUIET_NANOS = MILLISECONDS.toNanos(300);
    /** ServerResponse.streamBody writes byte i as i % 251. */
    private static final int PATTERN_PERIOD = 251;

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    enum HowToStop {
        SUBSCRIPTION_CANCEL, RESPONSE_CLOSE
    }

    @ParameterizedTest
    @EnumSource(HowToStop.class)
    void stalledSubscriberStopsTheServerAtABoundedOffsetAndStoppingClosesTheConnection(HowToStop how)
            throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(HUGE));

        Response response = t.roundTrip(Request.newBuilder(server.uri("/huge")).build()).get(10, SECONDS);
        assertThat(response.body().contentLength()).isEqualTo(HUGE);
        RecordingSubscriber sub = new RecordingSubscriber();
        response.body().subscribe(sub);
        sub.awaitSubscription().request(1);
        assertThat(sub.items.poll(10, SECONDS)).as("the one requested buffer").isNotNull();

        long stalledAt = awaitServerStall(server);
        assertThat(stalledAt).as("body bytes the server got onto the wire while the client asked for one buffer")
                .isLessThan(STALL_BOUND);
        assertThat(sub.items).as("buffers delivered beyond the demand of 1").isEmpty();
        assertThat(sub.completed.getCount()).as("the body must not complete while stalled").isEqualTo(1);
        assertThat(t.stats().active()).as("the stalled download keeps its connection leased").isEqualTo(1);

        if (how == HowToStop.SUBSCRIPTION_CANCEL) {
            sub.awaitSubscription().cancel();
        } else {
            response.close();
        }

        Await.connectionsClosed(t, server);
        assertThat(server.bodyBytesWritten()).as("the download was abandoned far from its end").isLessThan(STALL_BOUND);
        assertThat(sub.completed.getCount()).as("an abandoned body must not look complete").isEqualTo(1);
        if (how == HowToStop.SUBSCRIPTION_CANCEL) {
            assertThat(sub.errors).as("a subscriber that cancelled gets no error").isEmpty();
        }
    }

    @Test
    void slowSubscriberRequestingOneBufferAtATimeReadsTheWholeBodyAndTheConnectionIsReused() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(SLOW_BODY));
        server.enqueue(ServerResponse.ok("after"));

        Response response = t.roundTrip(Request.newBuilder(server.uri("/slow")).build()).get(10, SECONDS);
        RecordingSubscriber sub = new RecordingSubscriber();
        response.body().subscribe(sub);
        Flow.Subscription subscription = sub.awaitSubscription();

        // The consumer is another thread: it takes one buffer, checks it, and only then asks for the next.
        CompletableFuture<Long> consumed = CompletableFuture.supplyAsync(() -> {
            long offset = 0;
            try {
                while (offset < SLOW_BODY) {
                    subscription.request(1);
                    ByteBuffer b = sub.items.poll(20, SECONDS);
                    if (b == null) {
                        throw new AssertionError("no buffer within 20 s after " + offset + " bytes; errors "
                                + sub.errors + ", completed " + (sub.completed.getCount() == 0));
                    }
                    while (b.hasRemaining()) {
                        byte expected = (byte) (offset % PATTERN_PERIOD);
                        byte actual = b.get();
                        if (actual != expected) {
                            throw new AssertionError("byte " + offset + " is " + actual + ", expected " + expected);
                        }
                        offset++;
                    }
                }
                return offset;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        });

        assertThat(consumed.get(60, SECONDS)).isEqualTo(SLOW_BODY);
        assertThat(sub.completed.await(10, SECONDS)).isTrue();
        assertThat(sub.errors).isEmpty();
        assertThat(sub.maxOutstanding.get()).as("buffers delivered beyond demand").isLessThanOrEqualTo(1);
        assertThat(server.bodyBytesWritten()).isEqualTo(SLOW_BODY);

        Await.idleConnections(t, 1);
        assertThat(t.stats().total()).isEqualTo(1);

        Response next = t.roundTrip(Request.newBuilder(server.uri("/after")).build()).get(10, SECONDS);
        assertThat(next.body().text().get(10, SECONDS)).isEqualTo("after");
        assertThat(server.takeRequest().connectionIndex()).isEqualTo(0);
        assertThat(server.takeRequest().connectionIndex()).as("the pooled connection was reused").isEqualTo(0);
    }

    /** Polls the server's byte count until it stops moving; fails if it never settles or passes the bound. */
    private static long awaitServerStall(TestServer server) {
        long deadline = System.nanoTime() + SECONDS.toNanos(20);
        long last = server.bodyBytesWritten();
        long lastChange = System.nanoTime();
        while (System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(MILLISECONDS.toNanos(50));
            long now = server.bodyBytesWritten();
            assertThat(now).as("body bytes written while the client reads nothing").isLessThan(STALL_BOUND);
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange >= QUIET_NANOS) {
                return now;
            }
        }
        throw new AssertionError("the server kept writing for 20 s though the client asked for one buffer: " + last);
    }
}
