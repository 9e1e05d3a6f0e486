package dev.courier.http.internal;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports user callbacks that hold an event loop too long (DESIGN "Threads"): a future continuation or
 * a body subscriber running on the loop blocks every connection that loop serves. The threshold is
 * {@code -Dcourier.slowCallbackMillis} (default 250, above ordinary JIT and GC pauses; 0 disables).
 */
public final class SlowCallbacks {
    private static final Logger log = LoggerFactory.getLogger(SlowCallbacks.class);
    private static final long THRESHOLD_NANOS =
            TimeUnit.MILLISECONDS.toNanos(Long.getLong("courier.slowCallbackMillis", 250));

    private SlowCallbacks() {
    }

    /** Logs a warning if the callback started at {@code startNanos} ran longer than the threshold. */
    public static void check(long startNanos, String what, Object request) {
        if (THRESHOLD_NANOS <= 0) {
            return;
        }
        long elapsed = System.nanoTime() - startNanos;
        if (elapsed > THRESHOLD_NANOS) {
            log.warn("A callback held event loop thread {} for {} ms while {} of {}; every connection on that loop waited. "
                            + "Move blocking work off the loop, e.g. with Client.Builder.executor(...) or thenApplyAsync.",
                    Thread.currentThread().getName(), TimeUnit.NANOSECONDS.toMillis(elapsed), what, request);
        }
    }
}
