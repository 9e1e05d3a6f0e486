package dev.courier.http.internal.pool;

import dev.courier.http.ConnectionListener.CloseReason;
import dev.courier.http.RouteKey;
import dev.courier.http.internal.ConnectionEvents;
import io.netty.channel.pool.ChannelPoolMap;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Pooled connections of every route (Go's {@code Transport.idleConn}, {@code idleLRU} and
 * {@code connsPerHost} together), exposed as Netty's {@link ChannelPoolMap} of {@link RoutePool}s.
 *
 * <p>Every count lives under one lock, {@link #lock}, and changes only in this class, its bookkeeping
 * ({@link PoolLedger}) and its routes' decisions ({@link RoutePool}), always under that lock: no counter is
 * touched from scattered callbacks. Channel closes, dials and callbacks to requesters run after the lock
 * is released.
 *
 * <ul>
 *   <li>Idle connections are reused most-recent-first; a global LRU list over all routes enforces
 *       {@code maxIdleConns} by closing the least recently used.
 *   <li>A request that finds no idle connection waits, and starts a dial unless one in progress will
 *       serve it. Whatever comes first serves it: a dial, or a connection another request releases. A
 *       dial whose request was served meanwhile serves the next waiter or goes idle, never to waste (Go's
 *       {@code queueForIdleConn}); the next request waits for it rather than dialing again, so an HTTP/1.1
 *       route never has more connections open or dialing than requests in flight. A route that may speak
 *       HTTP/2 dials one connection at a time, which carries every waiter its stream limit allows.
 *   <li>At {@code maxConnsPerHost}, requests wait in a bounded FIFO queue with a timeout.
 *   <li>Idle timeouts, the server's Keep-Alive timeout and the connection lifetime are enforced by one
 *       sweep task scheduled at the earliest deadline; {@link #evictExpired(long)} takes {@code now} so
 *       tests need not sleep.
 * </ul>
 */
public final class ConnectionPool extends PoolLedger implements ChannelPoolMap<RouteKey, RoutePool> {
    /** The pooled connection a channel belongs to. */
    public static final AttributeKey<PooledConnection> CONNECTION = AttributeKey.valueOf("courier.connection");

    private final Dialer dialer;

    public ConnectionPool(PoolConfig config, Dialer dialer, EventExecutor maintenance, LongSupplier clock) {
        super(config, maintenance, clock);
        this.dialer = dialer;
    }

    @Override
    ConnectionPool pool() {
        return this;
    }

    @Override
    public RoutePool get(RouteKey key) {
        lock.lock();
        try {
            return routeLocked(key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean contains(RouteKey key) {
        lock.lock();
        try {
            return routes.containsKey(key);
        } finally {
            lock.unlock();
        }
    }

    /** Leases a connection of {@code route} to {@code request}: an idle or shared one, else a new dial or a place in the queue. */
    public void acquire(RouteKey route, PoolRequest request) {
        acquire(route, request, false, null, null);
    }

    /**
     * For an HTTP/1.1 retry after a stale connection: only a connection dialed for {@code request} will do, since
     * the other idle ones may have gone stale together (a server restart).
     */
    public void acquireNew(RouteKey route, PoolRequest request) {
        acquire(route, request, true, null, null);
    }

    /**
     * For an HTTP/2 retry: with {@code sameConnection} (the server refused the stream), {@code previous} again
     * if it still takes a stream, else as any request; otherwise (GOAWAY, a lost connection) any connection but
     * {@code previous}. No new connection per retry: a dial serves every waiter its streams allow.
     */
    public void acquireAgain(RouteKey route, PoolRequest request, PooledConnection previous, boolean sameConnection) {
        acquire(route, request, false, sameConnection ? null : previous, sameConnection ? previous : null);
    }

    /**
     * {@link #acquireAgain acquireAgain(route, request, previous, true)} after {@code delayNanos}: the backoff
     * before retrying a refused stream. The request is the pool's meanwhile, so that closing the pool fails it
     * rather than leaving it to a timer that a closing transport cancels.
     */
    public void acquireAgainAfter(long delayNanos, RouteKey route, PoolRequest request, PooledConnection previous) {
        if (delayNanos <= 0) {
            acquireAgain(route, request, previous, true);
            return;
        }
        boolean failed;
        lock.lock();
        try {
            failed = closed;
            if (!closed) {
                request.poolRoute = route;
                backingOff.add(request);
                request.waitTimeout = maintenance.schedule(() -> backoffEnded(route, request, previous), delayNanos,
                        TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
        if (failed) {
            request.onAcquireFailed(new PoolException("the transport is closed", false, true));
        }
    }

    private void backoffEnded(RouteKey route, PoolRequest request, PooledConnection previous) {
        boolean mine;
        lock.lock();
        try {
            mine = backingOff.remove(request);
            request.waitTimeout = null;
        } finally {
            lock.unlock();
        }
        if (mine) {
            acquireAgain(route, request, previous, true);
        }
    }

    private void acquire(RouteKey route, PoolRequest request, boolean forceNew, PooledConnection avoid,
                         PooledConnection prefer) {
        PooledConnection got = null;
        boolean reused = false;
        long idleNanos = 0;
        Throwable failure = null;
        List<PoolRequest> dials = null;
        List<PooledConnection> toClose = null;
        long now = clock.getAsLong();
        lock.lock();
        try {
            if (closed) {
                failure = new PoolException("the transport is closed", false, true);
            } else {
                RoutePool rp = routeLocked(route);
                request.poolRoute = route;
                request.forceNew = forceNew;
                request.avoid = avoid;
                request.prefer = prefer;
                while (!forceNew && got == null) {
                    PooledConnection c = availableLocked(rp, request);
                    if (c == null) {
                        break;
                    }
                    if (!c.channel().isActive()) {
                        removeLocked(rp, c);
                        toClose = add(toClose, c);
                    } else if (c.isExpired(now) && c.leases > 0) {
                        c.closing(CloseReason.EXPIRED, null, null);
                        retireLocked(rp, c); // past its lifetime: its streams finish, no new ones
                    } else if (c.isExpired(now)) {
                        c.closing(CloseReason.EXPIRED, null, null);
                        removeLocked(rp, c);
                        toClose = add(toClose, c);
                    } else {
                        reused = c.everLeased;
                        idleNanos = c.leases == 0 ? now - c.idleSinceNanos : 0;
                        leaseLocked(rp, c);
                        got = c;
                    }
                }
                if (got == null) {
                    enqueueLocked(rp, request, now);
                    dials = rp.assignDialsLocked();
                    if (!request.hasOwnDial && (forceNew || !rp.waitIsCoveredLocked())) {
                        // At maxConnsPerHost (or an h2 route in strict mode): a bounded queue, each wait timed.
                        if (rp.waiters.size() > config.maxPendingAcquires()) {
                            removeWaiterLocked(rp, request);
                            failure = new PoolException("route " + route + " is at maxConnsPerHost "
                                    + config.maxConnsPerHost() + " and its wait queue is full (maxPendingAcquires "
                                    + config.maxPendingAcquires() + "; " + rp.statsLocked() + ")", false, false);
                        } else if (config.pendingAcquireTimeoutNanos() > 0) {
                            request.waitTimeout = maintenance.schedule(() -> waitTimedOut(request),
                                    config.pendingAcquireTimeoutNanos(), TimeUnit.NANOSECONDS);
                        }
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        closeAll(toClose);
        if (got != null) {
            request.onAcquired(got, reused, idleNanos);
        } else if (failure != null) {
            request.onAcquireFailed(failure);
        }
        startDials(dials);
    }

    /** The connection {@code request} should try next, not yet checked for liveness: preferred, shared, then idle. */
    private static PooledConnection availableLocked(RoutePool rp, PoolRequest request) {
        PooledConnection p = request.prefer;
        if (p != null) {
            request.prefer = null; // tried once
            if (!p.removed && !p.retired && p.leases < p.capacity && p.route().equals(rp.route)) {
                return p;
            }
        }
        PooledConnection c = rp.bestSharedLocked(request);
        return c != null ? c : rp.pollIdleLocked(request);
    }

    /**
     * Stops waiting for {@code request} (its caller cancelled), in the queue or in a retry's backoff; a no-op when it
     * waits for neither. A dial it started still completes into the pool.
     */
    public void cancel(PoolRequest request) {
        lock.lock();
        try {
            RoutePool rp = request.poolRoute == null ? null : routes.get(request.poolRoute);
            if (rp != null && request.waiting) {
                removeWaiterLocked(rp, request);
                dropIfUnusedLocked(rp);
            } else if (backingOff.remove(request) && request.waitTimeout != null) {
                request.waitTimeout.cancel(false);
                request.waitTimeout = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns a leased connection. {@code reusable} says the exchange ended cleanly (request written,
     * response read, nobody asked to close); the pool still closes it when keep-alives are off, the
     * pool is closed, or the connection is past its lifetime. A multiplexed connection left idle while
     * another of its route takes more streams is closed: the route keeps no more HTTP/2 connections than its
     * streams need. Releasing a connection twice is a no-op.
     */
    public void release(PooledConnection c, boolean reusable) {
        PoolRequest next = null;
        List<PooledConnection> toClose = null;
        List<PoolRequest> dials = null;
        boolean idled = false;
        long now = clock.getAsLong();
        lock.lock();
        try {
            if (c.leases == 0) {
                return; // released twice
            }
            c.leases--;
            RoutePool rp = routes.get(c.route());
            if (c.removed || rp == null) {
                return;
            }
            rp.streams--;
            if (c.leases == 0) {
                rp.active--;
            }
            boolean keep = reusable && !closed && !c.retired && !config.keepAlivesDisabled() && c.channel().isActive()
                    && !c.isExpired(now);
            if (!keep) {
                // An exchange that found its connection unusable recorded why before releasing it; this is the rest.
                c.closing(closed ? CloseReason.CLIENT_CLOSED : config.keepAlivesDisabled() ? CloseReason.CONNECTION_CLOSE
                        : c.isExpired(now) ? CloseReason.EXPIRED : CloseReason.NOT_REUSABLE, null, null);
            }
            if (!keep && c.leases > 0 && c.channel().isActive() && !closed) {
                retireLocked(rp, c); // other streams still run on it: no new ones; it closes after the last
            } else if (!keep) {
                removeLocked(rp, c);
                toClose = add(toClose, c);
                dials = closed ? null : rp.assignDialsLocked();
            } else if ((next = rp.firstEligibleWaiterLocked(c)) != null) {
                removeWaiterLocked(rp, next);
                leaseLocked(rp, c);
            } else if (c.leases == 0) {
                rp.shared.remove(c);
                if (c.isMultiplexed() && rp.hasSpareMultiplexedBesidesLocked(c)) {
                    c.closing(CloseReason.POOL_FULL, null, null);
                    removeLocked(rp, c); // an extra HTTP/2 connection, not needed idle
                    toClose = add(toClose, c);
                } else {
                    putIdleLocked(rp, c, now);
                    idled = true;
                    toClose = evictOverLimitsLocked(rp, toClose);
                }
            } else if (!rp.shared.contains(c)) {
                rp.shared.add(c);
            }
        } finally {
            lock.unlock();
        }
        if (idled && ConnectionEvents.isDebugEnabled()) {
            ConnectionEvents.idle(c);
        }
        closeAll(toClose);
        if (next != null) {
            next.onAcquired(c, true, -1);
        }
        startDials(dials);
    }

    /**
     * Takes a leased connection out of the pool for good without closing it: the caller owns the
     * channel now (HTTP/1.1 101 Switching Protocols).
     */
    public void detach(PooledConnection c) {
        c.closing(CloseReason.UPGRADED, null, null); // whenever its new owner or the peer closes it
        forget(c, true);
    }

    /** Raises a multiplexed connection's capacity (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS) and serves waiters with it. */
    public void setCapacity(PooledConnection c, int capacity) {
        List<PoolRequest> served = new ArrayList<>();
        List<PoolRequest> dials = null;
        lock.lock();
        try {
            c.capacity = Math.max(1, capacity);
            RoutePool rp = routes.get(c.route());
            if (rp != null && c.provisional && !c.removed) {
                c.provisional = false;
                rp.provisional--;
            }
            if (rp == null || c.removed || c.retired) {
                return;
            }
            PoolRequest next;
            while (c.leases < c.capacity && (next = rp.firstEligibleWaiterLocked(c)) != null) {
                removeWaiterLocked(rp, next);
                leaseLocked(rp, c);
                served.add(next);
            }
            if (c.leases > 0 && c.leases < c.capacity && !rp.shared.contains(c)) {
                rp.shared.add(c);
            } else if (c.leases >= c.capacity) {
                rp.shared.remove(c); // the server lowered its limit
            }
            dials = rp.assignDialsLocked(); // waiters beyond the streams it allows
        } finally {
            lock.unlock();
        }
        for (PoolRequest r : served) {
            r.onAcquired(c, true, -1);
        }
        startDials(dials);
    }

    /**
     * Takes a multiplexed connection out of service (the server sent GOAWAY): no new requests; streams in
     * flight finish; the connection closes after the last one, or now if none runs.
     */
    public void retire(PooledConnection c) {
        List<PooledConnection> toClose = null;
        List<PoolRequest> dials = null;
        lock.lock();
        try {
            RoutePool rp = routes.get(c.route());
            if (rp == null || c.removed) {
                c.retired = true;
                return;
            }
            retireLocked(rp, c);
            if (c.leases == 0) {
                removeLocked(rp, c);
                toClose = add(toClose, c);
            }
            dials = closed ? null : rp.assignDialsLocked();
        } finally {
            lock.unlock();
        }
        closeAll(toClose);
        startDials(dials);
    }

    private void startDial(RouteKey route, PoolRequest request) {
        request.onDialStart();
        dialer.dial(route, request, (connection, error) -> dialDone(route, request, connection, error));
    }

    private void startDials(List<PoolRequest> dials) {
        if (dials != null) {
            for (PoolRequest r : dials) {
                startDial(r.poolRoute, r);
            }
        }
    }

    private void dialDone(RouteKey route, PoolRequest origin, PooledConnection c, Throwable error) {
        PoolRequest target = null;
        List<PoolRequest> alsoServed = null;
        PoolRequest failed = null;
        boolean closeIt = false;
        boolean pooled = false;
        List<PooledConnection> toClose = null;
        List<PoolRequest> dials = null;
        boolean idled = false;
        long now = clock.getAsLong();
        lock.lock();
        try {
            RoutePool rp = routeLocked(route);
            rp.dialing--;
            origin.hasOwnDial = false;
            if (error != null || closed || !c.channel().isActive()) {
                rp.total--;
                closeIt = c != null;
                if (closeIt) {
                    c.closing(CloseReason.CLIENT_CLOSED, null, null); // or it closed already: then that is recorded
                }
                if (origin.waiting) {
                    removeWaiterLocked(rp, origin);
                    failed = origin;
                    if (error == null) {
                        error = closed ? new PoolException("the transport is closed", false, true)
                                : new PoolException("connection " + c.id() + " closed right after it was opened", false, false);
                    }
                }
                dials = closed ? null : rp.assignDialsLocked();
                dropIfUnusedLocked(rp);
            } else {
                rp.multiplexed = c.isMultiplexed();
                rp.protocolKnown = true;
                boolean settingsPending = false;
                if (rp.multiplexed) {
                    Multiplexed m = (Multiplexed) c.protocolHandler();
                    c.capacity = Math.max(1, m.initialCapacity());
                    settingsPending = !m.capacityKnown();
                }
                target = origin.waiting ? origin : rp.firstEligibleWaiterLocked(c);
                if (target == null && rp.multiplexed && rp.hasSpareMultiplexedBesidesLocked(c)) {
                    // Its waiters were served by another HTTP/2 connection, which has streams to spare: not needed.
                    rp.total--;
                    closeIt = true;
                    c.closing(CloseReason.POOL_FULL, null, null);
                    dropIfUnusedLocked(rp);
                } else {
                    pooled = true;
                    live.add(c);
                    c.channel().attr(CONNECTION).set(c);
                    if (settingsPending) {
                        c.provisional = true;
                        rp.provisional++;
                    }
                    if (config.maxLifetimeNanos() > 0) {
                        // Up to 10% jitter, so connections opened together don't all re-dial (and re-resolve DNS) together.
                        long jitter = (long) (config.maxLifetimeNanos() * 0.1 * ThreadLocalRandom.current().nextDouble());
                        c.expiresAtNanos = c.createdNanos() + config.maxLifetimeNanos() - jitter;
                    }
                    if (target != null) {
                        removeWaiterLocked(rp, target);
                        leaseLocked(rp, c);
                        // A multiplexed connection serves as many waiters as it has streams for.
                        PoolRequest next;
                        while (c.leases < c.capacity && (next = rp.firstEligibleWaiterLocked(c)) != null) {
                            removeWaiterLocked(rp, next);
                            leaseLocked(rp, c);
                            alsoServed = add(alsoServed, next);
                        }
                    } else {
                        putIdleLocked(rp, c, now);
                        idled = true;
                        toClose = evictOverLimitsLocked(rp, toClose);
                    }
                }
                // Waiters beyond its streams (unless strict), or that waited for this dial to learn it is HTTP/1.1.
                dials = rp.assignDialsLocked();
            }
        } finally {
            lock.unlock();
        }
        if (pooled) {
            c.channel().closeFuture().addListener(f -> onChannelClosed(c));
            if (c.protocolHandler() instanceof Multiplexed) {
                ((Multiplexed) c.protocolHandler()).attach(this, c);
            }
        }
        if (closeIt) {
            c.channel().close();
        }
        if (idled && ConnectionEvents.isDebugEnabled()) {
            ConnectionEvents.idle(c);
        }
        closeAll(toClose);
        if (failed != null) {
            failed.onAcquireFailed(error);
        }
        if (target != null) {
            target.onAcquired(c, false, 0);
        }
        if (alsoServed != null) {
            for (PoolRequest r : alsoServed) {
                r.onAcquired(c, false, -1);
            }
        }
        startDials(dials);
    }

    private void onChannelClosed(PooledConnection c) {
        forget(c, false);
    }

    /** Drops {@code c} from the counts (its channel closed, or a caller took it over) and lets waiters dial. */
    private void forget(PooledConnection c, boolean takenOver) {
        List<PoolRequest> dials = null;
        lock.lock();
        try {
            RoutePool rp = routes.get(c.route());
            if (rp != null && !c.removed) {
                removeLocked(rp, c);
                dials = closed ? null : rp.assignDialsLocked();
            }
            if (takenOver) {
                c.leases = 0; // so that a later release by the exchange is the no-op of a double release
            }
        } finally {
            lock.unlock();
        }
        startDials(dials);
    }

    private void waitTimedOut(PoolRequest request) {
        PoolException failure = null;
        lock.lock();
        try {
            RoutePool rp = routes.get(request.poolRoute);
            if (rp != null && request.waiting && !request.hasOwnDial) {
                removeWaiterLocked(rp, request);
                failure = new PoolException("timed out after "
                        + TimeUnit.NANOSECONDS.toMillis(config.pendingAcquireTimeoutNanos())
                        + " ms waiting for a connection to " + rp.route + " (maxConnsPerHost "
                        + config.maxConnsPerHost() + "; " + rp.statsLocked() + ")", true, false);
                dropIfUnusedLocked(rp);
            }
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            request.onAcquireFailed(failure);
        }
    }

    /** Closes the pool: idle and leased connections are closed, and waiting requests fail. */
    public void close() {
        List<PooledConnection> toClose = new ArrayList<>();
        List<PoolRequest> failed = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            cancelSweepLocked();
            for (RoutePool rp : new ArrayList<>(routes.values())) {
                for (PoolRequest r : new ArrayList<>(rp.waiters)) {
                    removeWaiterLocked(rp, r);
                    failed.add(r);
                }
            }
            for (PoolRequest r : backingOff) {
                if (r.waitTimeout != null) {
                    r.waitTimeout.cancel(false);
                    r.waitTimeout = null;
                }
                failed.add(r);
            }
            backingOff.clear();
            // Every open connection, leased ones included: their exchanges fail as the channels close.
            toClose.addAll(live);
            for (PooledConnection c : toClose) {
                c.closing(CloseReason.CLIENT_CLOSED, null, null);
                removeLocked(routes.get(c.route()), c);
            }
        } finally {
            lock.unlock();
        }
        closeAll(toClose);
        for (PoolRequest r : failed) {
            r.onAcquireFailed(new PoolException("the transport was closed while waiting for a connection", false, true));
        }
    }
}
