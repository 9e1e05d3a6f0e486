package dev.courier.http.internal;

import java.util.concurrent.TimeUnit;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Reports user callbacks that hold an event loop too long (DESIGN "Threads"): a future continuation or
 * a body subscriber running on the loop blocks every connection that loop serves. The threshold is
 * {@code -Dcourier.slowCallbackMillis} (default 250, above ordinary JIT and GC pauses; 0 disables).
 */
public final class SlowCallbacks {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(SlowCallbacks.class);
    private static final long THRESHOLD_NANOS =
            TimeUnit.MILLISECONDS.toNanos(Long.getLong("courier.slowCallbackMillis", 250));

    private SlowCallbacks() {
    }

    /**
     * Logs a warning if the callback started at {@code startNanos} ran longer than the threshold;
     * {@code request} names it: "[c12] GET http://..." (connection id, method, URL without password).
     */
    public static void check(long startNanos, String what, Object request) {
        if (THRESHOLD_NANOS <= 0) {
            return;
        }
        long elapsed = System.nanoTime() - startNanos;
        if (elapsed > THRESHOLD_NANOS) {
            log.warn("{}: a callback held event loop thread {} for {} ms while {}; every connection on that loop waited. "
                            + "Move blocking work off the loop, e.g. with Client.Builder.executor(...) or thenApplyAsync.",
                    request, Thread.currentThread().getName(), TimeUnit.NANOSECONDS.toMillis(elapsed), what);
        }
    }
}
