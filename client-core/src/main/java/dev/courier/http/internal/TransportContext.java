package dev.courier.http.internal;

import dev.courier.http.internal.pool.ConnectionPool;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.function.LongSupplier;

/**
 * What every exchange of a Transport shares: its pool, its settings, its clock, its event loops and the
 * loop for timers that are not tied to a connection. Immutable once built.
 *
 * @param maxDecompressedBytes      cap on a transparently decompressed body, 0 for none
 * @param responseHeaderTimeoutNanos 0 for none
 * @param expectContinueTimeoutNanos how long to wait for "100 Continue" before sending the body anyway
 * @param loops                      the transport's event loops
 * @param timers                     one of them, for timers when the caller is none of them
 */
public record TransportContext(ConnectionPool pool, String userAgent, boolean disableCompression,
                               boolean disableKeepAlives, long maxDecompressedBytes,
                               long responseHeaderTimeoutNanos, long expectContinueTimeoutNanos,
                               int maxResponseHeaderBytes, EventExecutorGroup loops, EventExecutor timers,
                               LongSupplier clock) {

    /**
     * Where a timer not tied to a connection goes: the calling thread's loop when it is one of the transport's
     * (async code chaining a request from the previous one's callback), since a timer on the thread's own loop
     * costs no wake-up of another thread; else {@link #timers}.
     */
    public EventExecutor timerExecutor() {
        EventExecutor current = ThreadExecutorMap.currentExecutor();
        return current != null && current.parent() == loops ? current : timers;
    }
}
