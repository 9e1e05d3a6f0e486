package dev.courier.http.internal.pool;

import dev.courier.http.RouteKey;
import java.util.function.BiConsumer;

/** Opens new connections for the pool: DNS, TCP (Happy Eyeballs), proxy, TLS, protocol handlers. */
public interface Dialer {
    /**
     * Dials {@code route} for {@code requester} (whose trace sees the dial's events) and calls
     * {@code done} exactly once with the ready connection or the failure.
     */
    void dial(RouteKey route, PoolRequest requester, BiConsumer<PooledConnection, Throwable> done);
}
