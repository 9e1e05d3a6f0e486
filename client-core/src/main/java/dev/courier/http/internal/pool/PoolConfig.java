package dev.courier.http.internal.pool;

/**
 * The pool's limits, all validated by the Transport builder. Durations are in nanoseconds; 0 means
 * "none" for the timeouts and lifetime, "unlimited" for {@code maxConnsPerHost}. With
 * {@code strictMaxConcurrentStreams} an HTTP/2 route queues requests beyond its connection's stream limit
 * instead of opening another connection (Go's {@code StrictMaxConcurrentStreams}). While a route whose
 * connections {@linkplain #mayMultiplex may be HTTP/2} has none yet, a burst waits for its first dial
 * instead of dialing once per request: if that connection is h2 it carries them all.
 */
public record PoolConfig(int maxIdleConns, int maxIdleConnsPerHost, int maxConnsPerHost, int maxPendingAcquires,
                         long pendingAcquireTimeoutNanos, long idleConnTimeoutNanos, long maxLifetimeNanos,
                         boolean keepAlivesDisabled, boolean strictMaxConcurrentStreams,
                         boolean tlsMayMultiplex, boolean plaintextMayMultiplex) {

    /** Whether a new connection to {@code route} may turn out to be HTTP/2 (ALPN offers h2, or h2c is on). */
    public boolean mayMultiplex(dev.courier.http.RouteKey route) {
        return route.isTls() ? tlsMayMultiplex : plaintextMayMultiplex;
    }
}
