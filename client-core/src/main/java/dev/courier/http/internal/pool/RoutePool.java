package dev.courier.http.internal.pool;

import dev.courier.http.RouteKey;
import dev.courier.http.TransportStats;
import io.netty.channel.Channel;
import io.netty.channel.pool.ChannelPool;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The connections of one route: idle ones most recent first, multiplexed ones with spare streams, and
 * the requests waiting for a connection. All fields are guarded by the owning {@link ConnectionPool}'s
 * lock, which does every count; this class only holds state and adapts the route to Netty's
 * {@link ChannelPool} interface.
 */
public final class RoutePool implements ChannelPool {
    final RouteKey route;
    private final ConnectionPool owner;

    // guarded by owner's lock
    final ArrayDeque<PooledConnection> idle = new ArrayDeque<>();
    final List<PooledConnection> shared = new ArrayList<>(0);
    final ArrayDeque<PoolRequest> waiters = new ArrayDeque<>();
    int active;
    /** Requests in flight over this route's connections: equal to {@link #active} on HTTP/1.1. */
    int streams;
    int total;
    int dialing;
    /** The route's connections speak HTTP/2 (the last dial negotiated it): share them, dial one at a time. */
    boolean multiplexed;
    /** A dial of this route succeeded, so whether it multiplexes is known. */
    boolean protocolKnown;
    /** Multiplexed connections still waiting for their peer's first SETTINGS. */
    int provisional;

    RoutePool(RouteKey route, ConnectionPool owner) {
        this.route = route;
        this.owner = owner;
    }

    public RouteKey route() {
        return route;
    }

    TransportStats.RouteStats statsLocked() {
        return new TransportStats.RouteStats(idle.size(), active, waiters.size(), total, streams);
    }

    boolean isUnusedLocked() {
        return total == 0 && waiters.isEmpty();
    }

    /** Takes a connection with spare capacity: a shared multiplexed one first, else the most recently idle. */
    PooledConnection pollAvailableLocked() {
        if (!shared.isEmpty()) {
            return shared.get(shared.size() - 1);
        }
        return idle.pollFirst();
    }

    /** The first waiter that any connection may serve (retries insist on their own fresh dial). */
    PoolRequest firstEligibleWaiterLocked() {
        for (PoolRequest r : waiters) {
            if (!r.forceNew) {
                return r;
            }
        }
        return null;
    }

    /** The first waiter with no dial of its own in progress. */
    PoolRequest firstUndialedWaiterLocked() {
        for (PoolRequest r : waiters) {
            if (!r.hasOwnDial) {
                return r;
            }
        }
        return null;
    }

    /** Netty's {@link ChannelPool} view: acquires a channel of this route. Prefer the Transport's API. */
    @Override
    public Future<Channel> acquire() {
        return acquire(GlobalEventExecutor.INSTANCE.newPromise());
    }

    @Override
    public Future<Channel> acquire(Promise<Channel> promise) {
        owner.acquire(route, new PoolRequest() {
            @Override
            protected void onAcquired(PooledConnection connection, boolean reused, long idleNanos) {
                if (!promise.trySuccess(connection.channel())) {
                    owner.release(connection, true);
                }
            }

            @Override
            protected void onAcquireFailed(Throwable cause) {
                promise.tryFailure(cause);
            }
        }, false);
        return promise;
    }

    @Override
    public Future<Void> release(Channel channel) {
        return release(channel, GlobalEventExecutor.INSTANCE.newPromise());
    }

    @Override
    public Future<Void> release(Channel channel, Promise<Void> promise) {
        PooledConnection c = channel.attr(ConnectionPool.CONNECTION).get();
        if (c == null || !c.route().equals(route)) {
            return promise.setFailure(new IllegalArgumentException(channel + " does not belong to route " + route));
        }
        owner.release(c, true);
        return promise.setSuccess(null);
    }

    /** Closes this route's idle connections. */
    @Override
    public void close() {
        owner.closeIdle(route);
    }
}
