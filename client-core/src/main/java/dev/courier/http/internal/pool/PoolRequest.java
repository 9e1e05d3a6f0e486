package dev.courier.http.internal.pool;

import dev.courier.http.ClientTrace;
import dev.courier.http.RouteKey;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One caller waiting for a connection. The exchange extends it, so waiting costs no extra object.
 * Exactly one of {@link #onAcquired} and {@link #onAcquireFailed} is called, once, outside the pool's
 * lock, on whatever thread produced the outcome.
 */
public abstract class PoolRequest {
    // guarded by pool
    RouteKey poolRoute;
    boolean waiting;
    /** Takes only a connection dialed for it (an HTTP/1.1 retry after a stale connection: the idle ones may be too). */
    boolean forceNew;
    /** Never this connection (an HTTP/2 retry after its GOAWAY or loss). */
    PooledConnection avoid;
    /** This connection first, if it takes another stream (an HTTP/2 retry after REFUSED_STREAM). */
    PooledConnection prefer;
    /** A dial started for this request is in progress (it serves whoever waits first if this one no longer does). */
    boolean hasOwnDial;
    /** The timer of a timed wait in the queue, or of the backoff before a retry. */
    ScheduledFuture<?> waitTimeout;
    long enqueuedNanos;

    /**
     * Called with a leased connection; {@code reused} when it served a request before; {@code idleNanos}
     * is how long it sat idle in the pool, or -1 when it was handed over straight from its last user.
     */
    protected abstract void onAcquired(PooledConnection connection, boolean reused, long idleNanos);

    /** Called when no connection can be had: dial failure, queue full, wait timeout, pool closed. */
    protected abstract void onAcquireFailed(Throwable cause);

    /** Called when this request starts a dial. */
    protected void onDialStart() {
    }

    /** The trace that sees the events of a dial this request starts, or null. */
    public ClientTrace dialTrace() {
        return null;
    }

    /** What the log lines of a dial this request starts name (its request: method and URL without password), or null. */
    public Object dialedFor() {
        return null;
    }
}
