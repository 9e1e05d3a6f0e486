package dev.courier.http.internal;

import dev.courier.http.internal.pool.ConnectionPool;
import io.netty.util.concurrent.EventExecutor;
import java.util.function.LongSupplier;

/**
 * What every exchange of a Transport shares: its pool, its settings, its clock and the executor for
 * timers that are not tied to a connection. Immutable once built.
 *
 * @param maxDecompressedBytes      cap on a transparently decompressed body, 0 for none
 * @param responseHeaderTimeoutNanos 0 for none
 * @param expectContinueTimeoutNanos how long to wait for "100 Continue" before sending the body anyway
 */
public record TransportContext(ConnectionPool pool, String userAgent, boolean disableCompression,
                               boolean disableKeepAlives, long maxDecompressedBytes,
                               long responseHeaderTimeoutNanos, long expectContinueTimeoutNanos,
                               int maxResponseHeaderBytes, EventExecutor timers, LongSupplier clock) {
}
