package dev.courier.http.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingMethod;
import reactor.blockhound.BlockingOperationError;

/**
 * Installs <a href="https://github.com/reactor/BlockHound">BlockHound</a> for the test JVM (DESIGN invariant
 * 3: nothing blocks an event loop) and records every blocking call it catches on a non-blocking thread, so
 * that {@link NoBlockingCallsExtension} fails the test during which it happened. Recording matters: the
 * {@link BlockingOperationError} BlockHound throws is raised on the event loop, where Courier or Netty may
 * catch it and turn it into an ordinary failure, or Netty may only log it.
 *
 * <p>Which threads must not block comes from Netty's BlockHound integration (found by ServiceLoader in
 * netty-common): Netty's event loop threads, and none of its other threads. Netty's integration also allows
 * the blocking inside Netty that is known and bounded (pool arena locks, the JDK SSLEngine's wrap and unwrap,
 * task queue locks). The allow-list below adds only class loading and the acquire of the connection pool's
 * lock, each with its reason.
 *
 * <p>Set {@code -Dcourier.blockhound=false} to run without it (a JVM whose other agent does not get along
 * with it; none known).
 */
public final class BlockingCalls {
    private static final ConcurrentLinkedQueue<AssertionError> CALLS = new ConcurrentLinkedQueue<>();
    private static volatile boolean installed;

    private BlockingCalls() {
    }

    /** Installs BlockHound once per JVM (idempotent, thread-safe). */
    public static void install() {
        if (installed || !Boolean.parseBoolean(System.getProperty("courier.blockhound", "true"))) {
            return;
        }
        synchronized (BlockingCalls.class) {
            if (installed) {
                return;
            }
            BlockHound.builder()
                    .loadIntegrations()
                    // Loading a class reads its jar (a file read) on whatever thread first touches the class;
                    // it happens once per class, not per request, and is the JVM's business, not Courier's.
                    .allowBlockingCallsInside("java.lang.ClassLoader", "loadClass")
                    // ConnectionPool counts under one lock taken from every event loop of a transport (STYLE:
                    // "on one executor or under one lock"); held for in-memory bookkeeping only, never across
                    // I/O or a callback, so a contended acquire waits microseconds. Only the acquire is allowed:
                    // what runs while the lock is held is checked as everything else.
                    .allowBlockingCallsInside("dev.courier.http.internal.pool.PoolLedger$PoolLock", "lock")
                    // Netty's io_uring loop, shutting down, spins until the kernel has closed its ring's wakeup
                    // eventfd (IoUringIoHandler.closeWakeupGate): Netty's own teardown, after the loop's last task.
                    .allowBlockingCallsInside("io.netty.channel.uring.IoUringIoHandler", "closeWakeupGate")
                    .blockingMethodCallback(BlockingCalls::record)
                    .install();
            installed = true;
        }
    }

    /** Whether BlockHound is watching this JVM. */
    public static boolean installed() {
        return installed;
    }

    private static void record(BlockingMethod method) {
        BlockingOperationError error = new BlockingOperationError(method);
        CALLS.add(new AssertionError("blocking call " + method + " on " + Thread.currentThread().getName(), error));
        throw error; // as BlockHound's default: the blocking call does not happen
    }

    /** Returns and forgets the blocking calls recorded so far. */
    public static List<AssertionError> drain() {
        List<AssertionError> calls = new ArrayList<>();
        for (AssertionError call; (call = CALLS.poll()) != null; ) {
            calls.add(call);
        }
        return calls;
    }

    /** Throws an AssertionError listing, with their stacks, the blocking calls recorded since the last check. */
    public static void assertNone() {
        List<AssertionError> calls = drain();
        if (calls.isEmpty()) {
            return;
        }
        AssertionError failure = new AssertionError(calls.size() + " blocking call(s) on an event loop: " + calls.get(0).getMessage()
                + (calls.size() > 1 ? " and " + (calls.size() - 1) + " more" : ""), calls.get(0).getCause());
        for (int i = 1; i < calls.size(); i++) {
            failure.addSuppressed(calls.get(i));
        }
        throw failure;
    }
}
