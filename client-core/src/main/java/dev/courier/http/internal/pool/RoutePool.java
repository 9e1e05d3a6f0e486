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
 * The connections of one route and the requests waiting for one, with the rules that say which connection
 * serves a request and how many dials the waiters need. Every field and every {@code ...Locked} method is
 * guarded by the owning {@link ConnectionPool}'s lock: counts change only under it, in the pool's bookkeeping
 * ({@link PoolLedger}) or here as dials are assigned. It also adapts the route to Netty's {@link ChannelPool}
 * interface.
 *
 * <p>The dial rule (Go's {@code queueForDial}, made stricter): over HTTP/1.1 a route never has more
 * connections open or dialing than requests in flight on it. A dial serves its own request if that one still
 * waits, else the first waiter; so a waiter whose request was served by a released connection leaves a spare
 * dial, and the next request waits for it rather than dialing again. A route that may speak HTTP/2 dials one
 * connection at a time: it carries every waiter its stream limit allows.
 */
public final class RoutePool implements ChannelPool {
    final RouteKey route;
    private final ConnectionPool owner;
    private final PoolConfig config;

    // guarded by owner's lock
    final ArrayDeque<PooledConnection> idle = new ArrayDeque<>();
    /** Leased multiplexed connections with streams to spare (and not retired). */
    final List<PooledConnection> shared = new ArrayList<>(0);
    final ArrayDeque<PoolRequest> waiters = new ArrayDeque<>();
    int active;
    /** Requests in flight over this route's connections: equal to {@link #active} on HTTP/1.1. */
    int streams;
    /** Open connections plus dials in progress. */
    int total;
    int dialing;
    /** Waiters that take only a connection dialed for them ({@link PoolRequest#forceNew}). */
    int forceNewWaiters;
    /** Open connections that take no new request (GOAWAY, or a failure) and close after their last one. */
    int retiring;
    /** The route's connections speak HTTP/2 (the last dial negotiated it): share them, dial one at a time. */
    boolean multiplexed;
    /** A dial of this route succeeded, so whether it multiplexes is known. */
    boolean protocolKnown;
    /** Multiplexed connections still waiting for their peer's first SETTINGS. */
    int provisional;

    RoutePool(RouteKey route, ConnectionPool owner, PoolConfig config) {
        this.route = route;
        this.owner = owner;
        this.config = config;
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

    /** Whether the next connection may carry several requests: the route speaks h2, or may (ALPN or h2c not tried yet). */
    boolean mayMultiplexLocked() {
        return multiplexed || !protocolKnown && config.mayMultiplex(route);
    }

    /** Whether {@code maxConnsPerHost} allows another connection. */
    boolean hasRoomLocked() {
        return config.maxConnsPerHost() == 0 || total < config.maxConnsPerHost();
    }

    /** Whether {@code c} may take one more request now: open, in service, below its stream limit. */
    static boolean takesRequestLocked(PooledConnection c) {
        return !c.removed && !c.retired && c.leases < c.capacity && c.channel().isActive();
    }

    /**
     * The leased multiplexed connection with streams to spare that {@code r} should use, or null: the busiest
     * one, so that streams pack onto few connections and an extra one drains (and closes when idle).
     */
    PooledConnection bestSharedLocked(PoolRequest r) {
        PooledConnection best = null;
        for (PooledConnection c : shared) {
            if (c != r.avoid && c.leases < c.capacity && !c.retired && (best == null || c.leases > best.leases)) {
                best = c;
            }
        }
        return best;
    }

    /** Takes the most recently idle connection, unless it is the one {@code r} avoids (then the next). */
    PooledConnection pollIdleLocked(PoolRequest r) {
        PooledConnection c = idle.pollFirst();
        if (c != null && c == r.avoid) {
            PooledConnection next = idle.pollFirst();
            idle.addFirst(c);
            return next;
        }
        return c;
    }

    /** Whether a multiplexed connection other than {@code c} takes more streams now (so {@code c} is not needed idle). */
    boolean hasSpareMultiplexedBesidesLocked(PooledConnection c) {
        for (PooledConnection o : shared) {
            if (o != c && takesRequestLocked(o)) {
                return true;
            }
        }
        for (PooledConnection o : idle) {
            if (o != c && o.isMultiplexed() && takesRequestLocked(o)) {
                return true;
            }
        }
        return false;
    }

    /** The first waiter {@code c} may serve: not one that insists on its own dial, nor one that avoids {@code c}. */
    PoolRequest firstEligibleWaiterLocked(PooledConnection c) {
        for (PoolRequest r : waiters) {
            if (!r.forceNew && r.avoid != c) {
                return r;
            }
        }
        return null;
    }

    /** Dials in progress reserved for waiting {@link PoolRequest#forceNew} requests (rare: scans only then). */
    private int reservedDialsLocked() {
        if (forceNewWaiters == 0) {
            return 0;
        }
        int n = 0;
        for (PoolRequest r : waiters) {
            if (r.forceNew && r.hasOwnDial) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether a waiter with no dial of its own has something in progress that will serve it: on a route that
     * may multiplex, a dial or an h2 connection's first SETTINGS; on HTTP/1.1, as many dials as waiters.
     */
    boolean waitIsCoveredLocked() {
        if (mayMultiplexLocked()) {
            return dialing > 0 || multiplexed && provisional > 0;
        }
        return dialing - reservedDialsLocked() >= waiters.size() - forceNewWaiters;
    }

    /**
     * Chooses the waiters to dial for now and counts their dials (the caller starts them after unlocking), or
     * returns null. Waiters that insist on a new connection each get one; on HTTP/1.1 the others get as many as
     * they outnumber the dials in progress; a route that may multiplex dials once, and only when nothing in
     * progress (a dial, an h2 connection's first SETTINGS) may serve them, and in strict mode only with no
     * connection in service.
     */
    List<PoolRequest> assignDialsLocked() {
        List<PoolRequest> dials = null;
        if (forceNewWaiters > 0) {
            for (PoolRequest r : waiters) {
                if (!hasRoomLocked()) {
                    return dials;
                }
                if (r.forceNew && !r.hasOwnDial) {
                    dials = assignDialLocked(r, dials);
                }
            }
        }
        int needed;
        if (mayMultiplexLocked()) {
            boolean inProgress = dialing > 0 || multiplexed && provisional > 0;
            boolean strictlyServed = multiplexed && config.strictMaxConcurrentStreams() && total - dialing - retiring > 0;
            needed = inProgress || strictlyServed ? 0 : 1;
        } else {
            needed = (waiters.size() - forceNewWaiters) - (dialing - reservedDialsLocked());
        }
        if (needed <= 0) {
            return dials;
        }
        for (PoolRequest r : waiters) {
            if (needed == 0 || !hasRoomLocked()) {
                break;
            }
            if (!r.forceNew && !r.hasOwnDial) {
                dials = assignDialLocked(r, dials);
                needed--;
            }
        }
        return dials;
    }

    private List<PoolRequest> assignDialLocked(PoolRequest r, List<PoolRequest> dials) {
        if (r.waitTimeout != null) {
            r.waitTimeout.cancel(false);
            r.waitTimeout = null;
        }
        r.hasOwnDial = true;
        total++;
        dialing++;
        if (dials == null) {
            dials = new ArrayList<>(1);
        }
        dials.add(r);
        return dials;
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
        });
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
