package dev.courier.http.internal.pool;

import dev.courier.http.RouteKey;
import dev.courier.http.TransportStats;
import io.netty.channel.pool.ChannelPoolMap;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Pooled connections of every route (Go's {@code Transport.idleConn}, {@code idleLRU} and
 * {@code connsPerHost} together), exposed as Netty's {@link ChannelPoolMap} of {@link RoutePool}s.
 *
 * <p>Every count lives under one lock, {@link #lock}, and changes only in this class: no counter is
 * touched from scattered callbacks. Channel closes, dials and callbacks to requesters run after the
 * lock is released.
 *
 * <ul>
 *   <li>Idle connections are reused most-recent-first; a global LRU list over all routes enforces
 *       {@code maxIdleConns} by closing the least recently used.
 *   <li>A request that finds no idle connection starts a dial and waits. Whatever comes first serves
 *       it: its dial, or a connection another request releases. A dial that loses that race serves the
 *       next waiter or goes idle, never to waste (Go's {@code queueForIdleConn}).
 *   <li>At {@code maxConnsPerHost}, requests wait in a bounded FIFO queue with a timeout.
 *   <li>Idle timeouts, the server's Keep-Alive timeout and the connection lifetime are enforced by one
 *       sweep task scheduled at the earliest deadline; {@link #evictExpired(long)} takes {@code now} so
 *       tests need not sleep.
 * </ul>
 */
public final class ConnectionPool implements ChannelPoolMap<RouteKey, RoutePool> {
    /** The pooled connection a channel belongs to. */
    public static final AttributeKey<PooledConnection> CONNECTION = AttributeKey.valueOf("courier.connection");

    private final PoolConfig config;
    private final Dialer dialer;
    private final EventExecutor maintenance;
    private final LongSupplier clock;
    private final ReentrantLock lock = new PoolLock();

    // guarded by lock
    private final Map<RouteKey, RoutePool> routes = new HashMap<>();
    private final java.util.Set<PooledConnection> live = new java.util.HashSet<>();
    private final IdleLru lru = new IdleLru();
    private boolean closed;
    private ScheduledFuture<?> sweep;
    private long sweepAtNanos;

    public ConnectionPool(PoolConfig config, Dialer dialer, EventExecutor maintenance, LongSupplier clock) {
        this.config = config;
        this.dialer = dialer;
        this.maintenance = maintenance;
        this.clock = clock;
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

    private RoutePool routeLocked(RouteKey key) {
        RoutePool rp = routes.get(key);
        if (rp == null) {
            rp = new RoutePool(key, this);
            routes.put(key, rp);
        }
        return rp;
    }

    /**
     * Leases a connection of {@code route} to {@code request}: an idle one, unless {@code forceNew}
     * (a retry after a stale connection), else a new dial or a place in the route's queue.
     */
    public void acquire(RouteKey route, PoolRequest request, boolean forceNew) {
        PooledConnection got = null;
        boolean reused = false;
        long idleNanos = 0;
        Throwable failure = null;
        boolean dial = false;
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
                if (!forceNew) {
                    PooledConnection c;
                    while ((c = rp.pollAvailableLocked()) != null) {
                        if (!c.channel().isActive() || c.isExpired(now)) {
                            removeLocked(rp, c);
                            toClose = add(toClose, c);
                            continue;
                        }
                        reused = c.everLeased;
                        idleNanos = c.leases == 0 ? now - c.idleSinceNanos : 0;
                        leaseLocked(rp, c);
                        got = c;
                        break;
                    }
                }
                if (got == null) {
                    if (!forceNew && rp.multiplexed && rp.provisional > 0) {
                        // An h2 connection's SETTINGS are on their way and may allow this request a stream.
                        enqueueLocked(rp, request, now, false);
                    } else if (!forceNew && rp.dialing > 0 && (rp.multiplexed || !rp.protocolKnown && config.mayMultiplex(route))) {
                        // HTTP/2: the connection being dialed will carry this request too (Go dials once per
                        // h2 route too); it serves every waiter its stream limit allows.
                        enqueueLocked(rp, request, now, false);
                    } else if (rp.multiplexed && !forceNew && config.strictMaxConcurrentStreams() && rp.total > 0) {
                        enqueueLocked(rp, request, now, true);
                    } else if (!forceNew && rp.dialing > rp.waiters.size()) {
                        // A dial whose request was served by a released connection is still in flight: it
                        // will serve this one (Go dials once per waiting request, too, then keeps the spare).
                        enqueueLocked(rp, request, now, false);
                    } else if (config.maxConnsPerHost() == 0 || rp.total < config.maxConnsPerHost()) {
                        rp.total++;
                        rp.dialing++;
                        request.hasOwnDial = true;
                        enqueueLocked(rp, request, now, false);
                        dial = true;
                    } else if (rp.waiters.size() >= config.maxPendingAcquires()) {
                        failure = new PoolException("route " + route + " is at maxConnsPerHost "
                                + config.maxConnsPerHost() + " and its wait queue is full (maxPendingAcquires "
                                + config.maxPendingAcquires() + "; " + rp.statsLocked() + ")", false, false);
                    } else {
                        enqueueLocked(rp, request, now, true);
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
        } else if (dial) {
            startDial(route, request);
        }
    }

    private void enqueueLocked(RoutePool rp, PoolRequest request, long now, boolean timed) {
        request.waiting = true;
        request.enqueuedNanos = now;
        rp.waiters.addLast(request);
        if (timed && config.pendingAcquireTimeoutNanos() > 0) {
            request.waitTimeout = maintenance.schedule(() -> waitTimedOut(request),
                    config.pendingAcquireTimeoutNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Stops waiting for {@code request} (its caller cancelled); a dial it started still completes into the pool. */
    public void cancel(PoolRequest request) {
        lock.lock();
        try {
            RoutePool rp = request.poolRoute == null ? null : routes.get(request.poolRoute);
            if (rp != null && request.waiting) {
                removeWaiterLocked(rp, request);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns a leased connection. {@code reusable} says the exchange ended cleanly (request written,
     * response read, nobody asked to close); the pool still closes it when keep-alives are off, the
     * pool is closed, or the connection is past its lifetime. Releasing a connection twice is a no-op.
     */
    public void release(PooledConnection c, boolean reusable) {
        PoolRequest next = null;
        List<PooledConnection> toClose = null;
        List<PoolRequest> dials = null;
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
            if (!keep && c.leases > 0 && c.channel().isActive() && !closed) {
                // Other streams still run on this multiplexed connection: no new ones; it closes after the last.
                c.retired = true;
                rp.shared.remove(c);
            } else if (!keep) {
                removeLocked(rp, c);
                toClose = add(toClose, c);
                dials = dialForWaitersLocked(rp);
            } else if ((next = rp.firstEligibleWaiterLocked()) != null) {
                removeWaiterLocked(rp, next);
                leaseLocked(rp, c);
            } else if (c.leases == 0) {
                rp.shared.remove(c);
                putIdleLocked(rp, c, now);
                toClose = evictOverLimitsLocked(rp, toClose);
            } else if (!rp.shared.contains(c)) {
                rp.shared.add(c);
            }
        } finally {
            lock.unlock();
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
            while (c.leases < c.capacity && (next = rp.firstEligibleWaiterLocked()) != null) {
                removeWaiterLocked(rp, next);
                leaseLocked(rp, c);
                served.add(next);
            }
            if (c.leases > 0 && c.leases < c.capacity && !rp.shared.contains(c)) {
                rp.shared.add(c);
            } else if (c.leases >= c.capacity) {
                rp.shared.remove(c); // the server lowered its limit
            }
            dials = dialForWaitersLocked(rp); // waiters beyond the streams it allows
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
            c.retired = true;
            RoutePool rp = routes.get(c.route());
            if (rp == null || c.removed) {
                return;
            }
            rp.shared.remove(c);
            if (c.leases == 0) {
                removeLocked(rp, c);
                toClose = add(toClose, c);
            }
            dials = dialForWaitersLocked(rp);
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
        List<PooledConnection> toClose = null;
        List<PoolRequest> dials = null;
        long now = clock.getAsLong();
        lock.lock();
        try {
            RoutePool rp = routeLocked(route);
            rp.dialing--;
            origin.hasOwnDial = false;
            if (error != null || closed || !c.channel().isActive()) {
                rp.total--;
                closeIt = c != null;
                if (origin.waiting) {
                    removeWaiterLocked(rp, origin);
                    failed = origin;
                    if (error == null) {
                        error = closed ? new PoolException("the transport is closed", false, true)
                                : new PoolException("connection " + c.id() + " closed right after it was opened", false, false);
                    }
                }
                dials = dialForWaitersLocked(rp);
            } else {
                live.add(c);
                c.channel().attr(CONNECTION).set(c);
                rp.multiplexed = c.protocolHandler() instanceof Multiplexed;
                rp.protocolKnown = true;
                if (rp.multiplexed) {
                    Multiplexed m = (Multiplexed) c.protocolHandler();
                    c.capacity = Math.max(1, m.initialCapacity());
                    if (!m.capacityKnown()) {
                        c.provisional = true;
                        rp.provisional++;
                    }
                }
                if (config.maxLifetimeNanos() > 0) {
                    // Up to 10% jitter, so connections opened together don't all re-dial (and re-resolve DNS) together.
                    long jitter = (long) (config.maxLifetimeNanos() * 0.1 * ThreadLocalRandom.current().nextDouble());
                    c.expiresAtNanos = c.createdNanos() + config.maxLifetimeNanos() - jitter;
                }
                target = origin.waiting ? origin : rp.firstEligibleWaiterLocked();
                if (target != null) {
                    removeWaiterLocked(rp, target);
                    leaseLocked(rp, c);
                    // A multiplexed connection serves as many waiters as it has streams for.
                    PoolRequest next;
                    while (c.leases < c.capacity && (next = rp.firstEligibleWaiterLocked()) != null) {
                        removeWaiterLocked(rp, next);
                        leaseLocked(rp, c);
                        alsoServed = add(alsoServed, next);
                    }
                    if (c.leases < c.capacity && !rp.shared.contains(c)) {
                        rp.shared.add(c);
                    }
                    // Waiters beyond its streams (unless strict), or that waited for this dial to learn it is HTTP/1.1.
                    dials = dialForWaitersLocked(rp);
                } else {
                    putIdleLocked(rp, c, now);
                    toClose = evictOverLimitsLocked(rp, toClose);
                }
            }
        } finally {
            lock.unlock();
        }
        if (c != null && error == null && !closeIt) {
            c.channel().closeFuture().addListener(f -> onChannelClosed(c));
            if (c.protocolHandler() instanceof Multiplexed) {
                ((Multiplexed) c.protocolHandler()).attach(this, c);
            }
        }
        if (closeIt) {
            c.channel().close();
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
                dials = dialForWaitersLocked(rp);
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
            }
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            request.onAcquireFailed(failure);
        }
    }

    /** Starts dials for waiters that have none while the route has room; returns them to start after unlocking. */
    private List<PoolRequest> dialForWaitersLocked(RoutePool rp) {
        List<PoolRequest> dials = null;
        if (closed) {
            return null;
        }
        while (config.maxConnsPerHost() == 0 || rp.total < config.maxConnsPerHost()) {
            if (rp.multiplexed && (rp.dialing > 0 || config.strictMaxConcurrentStreams() && rp.total > 0)) {
                break; // one HTTP/2 dial serves every waiter it has streams for; strict mode never opens a second
            }
            if (!rp.protocolKnown && rp.dialing > 0 && config.mayMultiplex(rp.route)) {
                break; // the first dial may be h2: wait for it before opening more
            }
            if (rp.multiplexed && rp.provisional > 0) {
                break; // an h2 connection's first SETTINGS may yet give these waiters streams
            }
            PoolRequest r = rp.firstUndialedWaiterLocked();
            if (r == null) {
                break;
            }
            if (r.waitTimeout != null) {
                r.waitTimeout.cancel(false);
                r.waitTimeout = null;
            }
            r.hasOwnDial = true;
            rp.total++;
            rp.dialing++;
            if (dials == null) {
                dials = new ArrayList<>(1);
            }
            dials.add(r);
        }
        return dials;
    }

    private void removeWaiterLocked(RoutePool rp, PoolRequest r) {
        r.waiting = false;
        rp.waiters.remove(r);
        if (r.waitTimeout != null) {
            r.waitTimeout.cancel(false);
            r.waitTimeout = null;
        }
    }

    private void leaseLocked(RoutePool rp, PooledConnection c) {
        if (c.leases == 0) {
            rp.active++;
            lru.remove(c);
            rp.idle.remove(c); // no-op when polled already; O(idle) only when a waiter takes a just-released one
        }
        c.leases++;
        rp.streams++;
        c.everLeased = true;
        if (c.leases >= c.capacity) {
            rp.shared.remove(c);
        } else if (!c.retired && !rp.shared.contains(c)) {
            rp.shared.add(c); // a multiplexed connection with streams to spare serves the next request too
        }
    }

    private void putIdleLocked(RoutePool rp, PooledConnection c, long now) {
        c.idleSinceNanos = now;
        rp.idle.addFirst(c);
        lru.add(c);
        long deadline = Long.MAX_VALUE;
        if (config.idleConnTimeoutNanos() > 0) {
            deadline = now + config.idleConnTimeoutNanos();
        }
        if (c.keepAliveDeadlineNanos != Long.MAX_VALUE && c.keepAliveDeadlineNanos - deadline < 0) {
            deadline = c.keepAliveDeadlineNanos;
        }
        if (c.expiresAtNanos != Long.MAX_VALUE && c.expiresAtNanos - deadline < 0) {
            deadline = c.expiresAtNanos;
        }
        if (deadline != Long.MAX_VALUE) {
            scheduleSweepLocked(deadline, now);
        }
    }

    private List<PooledConnection> evictOverLimitsLocked(RoutePool rp, List<PooledConnection> toClose) {
        if (config.maxIdleConnsPerHost() > 0) {
            while (rp.idle.size() > config.maxIdleConnsPerHost()) {
                PooledConnection victim = rp.idle.peekLast();
                removeLocked(rp, victim);
                toClose = add(toClose, victim);
            }
        }
        if (config.maxIdleConns() > 0) {
            while (lru.size() > config.maxIdleConns()) {
                PooledConnection victim = lru.oldest();
                removeLocked(routes.get(victim.route()), victim);
                toClose = add(toClose, victim);
            }
        }
        return toClose;
    }

    /** Takes {@code c} out of the pool's counts for good; idempotent. */
    private void removeLocked(RoutePool rp, PooledConnection c) {
        if (c.removed) {
            return;
        }
        c.removed = true;
        live.remove(c);
        rp.total--;
        if (c.leases > 0) {
            rp.active--;
            rp.streams -= c.leases;
        } else {
            rp.idle.remove(c);
            lru.remove(c);
        }
        rp.shared.remove(c);
        if (c.provisional) {
            c.provisional = false;
            rp.provisional--;
        }
        if (rp.isUnusedLocked()) {
            routes.remove(rp.route);
        }
    }

    private void scheduleSweepLocked(long deadline, long now) {
        if (sweep != null && sweepAtNanos - deadline <= 0) {
            return;
        }
        if (sweep != null) {
            sweep.cancel(false);
        }
        sweepAtNanos = deadline;
        sweep = maintenance.schedule(this::sweep, Math.max(0, deadline - now), TimeUnit.NANOSECONDS);
    }

    private void sweep() {
        lock.lock();
        try {
            sweep = null;
        } finally {
            lock.unlock();
        }
        evictExpired(clock.getAsLong());
    }

    /**
     * Closes idle connections past the idle timeout, the server's Keep-Alive timeout or their lifetime
     * at {@code now}, reschedules the sweep for the next deadline, and returns how many it closed.
     */
    public int evictExpired(long now) {
        List<PooledConnection> toClose = null;
        lock.lock();
        try {
            long next = Long.MAX_VALUE;
            PooledConnection c = lru.oldest();
            while (c != null) {
                PooledConnection following = c.lruNext;
                long idleDeadline = config.idleConnTimeoutNanos() > 0 ? c.idleSinceNanos + config.idleConnTimeoutNanos()
                        : Long.MAX_VALUE;
                if (c.isExpired(now) || idleDeadline != Long.MAX_VALUE && now - idleDeadline >= 0) {
                    removeLocked(routes.get(c.route()), c);
                    toClose = add(toClose, c);
                } else {
                    next = earliest(next, idleDeadline);
                    next = earliest(next, c.keepAliveDeadlineNanos);
                    next = earliest(next, c.expiresAtNanos);
                }
                c = following;
            }
            if (next != Long.MAX_VALUE && !closed) {
                scheduleSweepLocked(next, now);
            }
        } finally {
            lock.unlock();
        }
        closeAll(toClose);
        return toClose == null ? 0 : toClose.size();
    }

    private static long earliest(long a, long b) {
        if (a == Long.MAX_VALUE) {
            return b;
        }
        if (b == Long.MAX_VALUE) {
            return a;
        }
        return a - b <= 0 ? a : b;
    }

    /** Records the server's {@code Keep-Alive: timeout=N}: the connection is not reused after that. */
    public void setKeepAliveDeadline(PooledConnection c, long deadlineNanos) {
        lock.lock();
        try {
            c.keepAliveDeadlineNanos = deadlineNanos;
        } finally {
            lock.unlock();
        }
    }

    /** Closes every idle connection (Go's {@code CloseIdleConnections}). */
    public void closeIdle() {
        closeIdle(null);
    }

    void closeIdle(RouteKey only) {
        List<PooledConnection> toClose = null;
        lock.lock();
        try {
            for (RoutePool rp : new ArrayList<>(routes.values())) {
                if (only != null && !rp.route.equals(only)) {
                    continue;
                }
                PooledConnection c;
                while ((c = rp.idle.peekFirst()) != null) {
                    removeLocked(rp, c);
                    toClose = add(toClose, c);
                }
            }
        } finally {
            lock.unlock();
        }
        closeAll(toClose);
    }

    /** Closes the pool: idle and leased connections are closed, and waiting requests fail. */
    public void close() {
        List<PooledConnection> toClose = new ArrayList<>();
        List<PoolRequest> failed = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            if (sweep != null) {
                sweep.cancel(false);
                sweep = null;
            }
            for (RoutePool rp : new ArrayList<>(routes.values())) {
                for (PoolRequest r : new ArrayList<>(rp.waiters)) {
                    removeWaiterLocked(rp, r);
                    failed.add(r);
                }
            }
            // Every open connection, leased ones included: their exchanges fail as the channels close.
            toClose.addAll(live);
            for (PooledConnection c : toClose) {
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

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot of every route's counts. */
    public TransportStats stats() {
        lock.lock();
        try {
            Map<RouteKey, TransportStats.RouteStats> out = new LinkedHashMap<>();
            for (RoutePool rp : routes.values()) {
                out.put(rp.route, rp.statsLocked());
            }
            return new TransportStats(java.util.Collections.unmodifiableMap(out));
        } finally {
            lock.unlock();
        }
    }

    private static <T> List<T> add(List<T> list, T c) {
        if (list == null) {
            list = new ArrayList<>(2);
        }
        list.add(c);
        return list;
    }

    private static void closeAll(List<PooledConnection> list) {
        if (list != null) {
            for (PooledConnection c : list) {
                c.channel().close();
            }
        }
    }

    /**
     * The pool's lock, a class of its own so that the tests' BlockHound allow-list can name the one wait it
     * permits an event loop: acquiring this lock, taken from every event loop of the transport. It guards
     * in-memory counts only and is never held across I/O or a callback (see the class comment), so a
     * contended acquire parks for as long as another loop's bookkeeping takes.
     */
    static final class PoolLock extends ReentrantLock {
        @Override
        public void lock() {
            super.lock();
        }
    }
}
