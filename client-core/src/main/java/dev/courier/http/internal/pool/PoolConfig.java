package dev.courier.http.internal.pool;

/**
 * The pool's limits, all validated by the Transport builder. Durations are in nanoseconds; 0 means
 * "none" for the timeouts and lifetime, "unlimited" for {@code maxConnsPerHost}. With
 * {@code strictMaxConcurrentStreams} an HTTP/2 route queues requests beyond its connection's stream limit
 * instead of opening another connection (Go's {@code StrictMaxConcurrentStreams}).
 */
public record PoolConfig(int maxIdleConns, int maxIdleConnsPerHost, int maxConnsPerHost, int maxPendingAcquires,
                         long pendingAcquireTimeoutNanos, long idleConnTimeoutNanos, long maxLifetimeNanos,
                         boolean keepAlivesDisabled, boolean strictMaxConcurrentStreams) {
}
