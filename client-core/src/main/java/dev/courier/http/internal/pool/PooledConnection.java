package dev.courier.http.internal.pool;

import dev.courier.http.RouteKey;
import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connection as the pool sees it: the channel, its route, and the bookkeeping that decides whether it
 * may carry another request. Fields marked "guarded by pool" are read and written only under the
 * {@link ConnectionPool}'s lock.
 *
 * <p>{@link #capacity()} is how many requests it may carry at once: 1 for HTTP/1.1; an HTTP/2 connection
 * raises it to the peer's SETTINGS_MAX_CONCURRENT_STREAMS, and the pool then hands it to several
 * requests at a time without any other change.
 */
public final class PooledConnection {
    private static final AtomicLong IDS = new AtomicLong();

    private final Channel channel;
    private final RouteKey route;
    private final String id;
    private final long createdNanos;
    private final Object protocolHandler;

    // guarded by pool
    int capacity = 1;
    int leases;
    long idleSinceNanos;
    long expiresAtNanos = Long.MAX_VALUE;
    long keepAliveDeadlineNanos = Long.MAX_VALUE;
    boolean removed;
    /** A multiplexed connection that takes no new requests (GOAWAY, or a stream saw it fail). */
    boolean retired;
    /** An HTTP/2 connection whose peer has not sent SETTINGS yet: its capacity is an assumption. */
    boolean provisional;
    boolean everLeased;
    PooledConnection lruPrev;
    PooledConnection lruNext;
    boolean inLru;

    public PooledConnection(Channel channel, RouteKey route, Object protocolHandler, long createdNanos) {
        this.channel = channel;
        this.route = route;
        this.protocolHandler = protocolHandler;
        this.createdNanos = createdNanos;
        this.id = "c" + IDS.incrementAndGet();
    }

    public Channel channel() {
        return channel;
    }

    public RouteKey route() {
        return route;
    }

    /** Short, unique id for messages and logs, e.g. "c12". */
    public String id() {
        return id;
    }

    public long createdNanos() {
        return createdNanos;
    }

    /** The protocol's connection handler (the HTTP/1.1 or HTTP/2 one) that runs exchanges on this channel. */
    public Object protocolHandler() {
        return protocolHandler;
    }

    /** Whether it carries several requests at once (HTTP/2). */
    boolean isMultiplexed() {
        return protocolHandler instanceof Multiplexed;
    }

    /** Maximum concurrent requests; read under the pool lock. */
    int capacity() {
        return capacity;
    }

    boolean isIdle() {
        return leases == 0;
    }

    /** Whether the connection is past its lifetime or the server's keep-alive timeout at {@code now}. */
    boolean isExpired(long now) {
        return expiresAtNanos != Long.MAX_VALUE && now - expiresAtNanos >= 0
                || keepAliveDeadlineNanos != Long.MAX_VALUE && now - keepAliveDeadlineNanos >= 0;
    }

    @Override
    public String toString() {
        return id + " " + route + " " + channel;
    }
}
