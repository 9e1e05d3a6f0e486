package dev.courier.http.testing;

import dev.courier.http.Transport;
import dev.courier.http.TransportStats;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits for a condition that another thread (an event loop, the test server) makes true. */
public final class Await {
    /** How long {@link #until(String, BooleanSupplier)} and the typed waits give a condition. */
    public static final Duration DEFAULT_BOUND = Duration.ofSeconds(10);
    /** How long {@link #noActiveConnections} gives releases that are already under way on the event loops. */
    private static final Duration SETTLE_BOUND = Duration.ofSeconds(2);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private Await() {
    }

    /** Waits until {@code condition} holds; fails naming {@code what} if it does not within {@link #DEFAULT_BOUND}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT_BOUND, condition);
    }

    /** Waits until {@code condition} holds; fails naming {@code what} if it does not within {@code bound}. */
    public static void until(String what, Duration bound, BooleanSupplier condition) {
        until(() -> what, bound, condition);
    }

    /** Like {@link #until(String, BooleanSupplier)}, with the message built only on failure (with the state then). */
    public static void until(Supplier<String> what, BooleanSupplier condition) {
        until(what, DEFAULT_BOUND, condition);
    }

    /** Like {@link #until(String, Duration, BooleanSupplier)}, with the message built only on failure. */
    public static void until(Supplier<String> what, Duration bound, BooleanSupplier condition) {
        if (!within(bound, condition)) {
            throw new AssertionError("not within " + format(bound) + ": " + what.get());
        }
    }

    /** Waits until {@code condition} holds or {@code bound} passes, and returns whether it held; never fails. */
    public static boolean within(Duration bound, BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return true;
    }

    /**
     * Gives {@code t} a moment (2 s) to finish releases under way until no connection is leased and no request
     * waits, and returns its stats then, for the caller to check; never fails.
     */
    public static TransportStats noActiveConnections(Transport t) {
        AtomicReference<TransportStats> last = new AtomicReference<>();
        within(SETTLE_BOUND, () -> {
            TransportStats stats = t.stats();
            last.set(stats);
            return stats.active() == 0 && stats.pending() == 0;
        });
        return last.get();
    }

    /** Waits until {@code t} has no connection open or being dialed; fails with its stats otherwise. */
    public static void noConnections(Transport t) {
        until(() -> "no connections in the transport: " + t.stats(), () -> t.stats().total() == 0);
    }

    /** Waits until {@code t} has {@code n} idle connections and none leased; fails with its stats otherwise. */
    public static void idleConnections(Transport t, int n) {
        until(() -> n + " idle and no active connections in the transport: " + t.stats(),
                () -> t.stats().idle() == n && t.stats().active() == 0);
    }

    /** Waits until {@code server} has exactly {@code n} open connections; fails with the count otherwise. */
    public static void serverConnections(TestServer server, int n) {
        until(() -> n + " open connections at the server (it has " + server.openConnections() + ")",
                () -> server.openConnections() == n);
    }

    /** Waits until the connections between {@code t} and {@code server} are closed at both ends. */
    public static void connectionsClosed(Transport t, TestServer server) {
        noConnections(t);
        serverConnections(server, 0);
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /**
     * Waits until {@code value} stops changing (the same over 5 samples 50 ms apart) and returns it: for a
     * producer that must stop by itself, such as a server held back by flow control. Bounded by 10 s.
     */
    public static long settled(String what, java.util.function.LongSupplier value) {
        long deadline = System.nanoTime() + DEFAULT_BOUND.toNanos();
        long last = value.getAsLong();
        int same = 0;
        while (same < 5) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + " still changing after " + DEFAULT_BOUND + ": " + value.getAsLong());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            long now = value.getAsLong();
            same = now == last ? same + 1 : 0;
            last = now;
        }
        return last;
    }
}
