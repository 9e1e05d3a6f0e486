package dev.courier.http.internal.pool;

import dev.courier.http.ConnectionListener;
import dev.courier.http.ConnectionListener.CloseReason;
import dev.courier.http.Protocol;
import dev.courier.http.RouteKey;
import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

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
    private static final AtomicReferenceFieldUpdater<PooledConnection, Closing> CLOSING =
            AtomicReferenceFieldUpdater.newUpdater(PooledConnection.class, Closing.class, "closing");

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

    /** Why it closes, recorded by whoever decided first (any thread); null until someone did. */
    private volatile Closing closing;

    /**
     * Why a connection closes: the reason, the error if any, and the request whose exchange decided it (for
     * the log line), or null.
     */
    public record Closing(CloseReason reason, Throwable cause, Object request) {
    }

    /** {@code id} is the one its dial logged under (see {@code ConnectionEvents.newId()}). */
    public PooledConnection(Channel channel, RouteKey route, Object protocolHandler, long createdNanos, String id) {
        this.channel = channel;
        this.route = route;
        this.protocolHandler = protocolHandler;
        this.createdNanos = createdNanos;
        this.id = id;
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

    /** The protocol it speaks: HTTP/2 when multiplexed, else HTTP/1.1. */
    public Protocol protocol() {
        return protocolHandler instanceof Multiplexed ? Protocol.HTTP_2 : Protocol.HTTP_1_1;
    }

    /** This connection as {@link ConnectionListener}s see it. */
    public ConnectionListener.Connection info() {
        return new ConnectionListener.Connection(id, route, protocol(), channel.remoteAddress());
    }

    /**
     * Records why this connection is about to close, unless a reason was recorded already: the first
     * decision is the cause, and what follows from it (the server closing after our {@code Connection: close},
     * the pool closing a connection an exchange already closed) is not. Record only when the close is
     * certain. Returns whether this reason was recorded.
     */
    public boolean closing(CloseReason reason, Throwable cause, Object request) {
        return closing == null && CLOSING.compareAndSet(this, null, new Closing(reason, cause, request));
    }

    /** {@link #closing Records} {@code reason}, then closes the channel. */
    public void close(CloseReason reason, Throwable cause, Object request) {
        closing(reason, cause, request);
        channel.close();
    }

    /** The recorded reason, or null. */
    public Closing closingRecord() {
        return closing;
    }

    /** The pooled connection {@code channel} carries, or null before it was ready (or for a stream's child channel). */
    public static PooledConnection of(Channel channel) {
        return channel.attr(ConnectionPool.CONNECTION).get();
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
