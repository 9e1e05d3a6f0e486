package dev.courier.http.internal.pool;

import dev.courier.http.ConnectionListener.CloseReason;
import dev.courier.http.RouteKey;
import dev.courier.http.TransportStats;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The pool's state and the only steps that change its counts, all under {@link #lock}: leasing a
 * connection, idling it (with the global LRU and the idle timers), removing or retiring it, queueing and
 * dequeueing a waiter. {@link ConnectionPool} composes them into acquire, release and the rest, and
 * {@link RoutePool} decides which connection serves whom and how many dials to start; nothing else touches a
 * count. A base class only so that the pool's operations and its bookkeeping are two files, not one of 800
 * lines.
 */
abstract class PoolLedger {
    final PoolConfig config;
    final EventExecutor maintenance;
    final LongSupplier clock;
    final ReentrantLock lock = new PoolLock();

    // guarded by lock
    final Map<RouteKey, RoutePool> routes = new HashMap<>();
    /** Every open connection of the pool, leased or idle. */
    final Set<PooledConnection> live = new HashSet<>();
    /** Requests in the backoff before a retry ({@link ConnectionPool#acquireAgainAfter}). */
    final Set<PoolRequest> backingOff = new HashSet<>();
    final IdleLru lru = new IdleLru();
    boolean closed;
    private ScheduledFuture<?> sweep;
    private long sweepAtNanos;

    PoolLedger(PoolConfig config, EventExecutor maintenance, LongSupplier clock) {
        this.config = config;
        this.maintenance = maintenance;
        this.clock = clock;
    }

    /** The pool itself, which each route adapts to Netty's {@code ChannelPool}. */
    abstract ConnectionPool pool();

    final RoutePool routeLocked(RouteKey key) {
        RoutePool rp = routes.get(key);
        if (rp == null) {
            rp = new RoutePool(key, pool(), config);
            routes.put(key, rp);
        }
        return rp;
    }

    final void enqueueLocked(RoutePool rp, PoolRequest request, long now) {
        request.waiting = true;
        request.enqueuedNanos = now;
        rp.waiters.addLast(request);
        if (request.forceNew) {
            rp.forceNewWaiters++;
        }
    }

    static void removeWaiterLocked(RoutePool rp, PoolRequest r) {
        r.waiting = false;
        rp.waiters.remove(r);
        if (r.forceNew) {
            rp.forceNewWaiters--;
        }
        if (r.waitTimeout != null) {
            r.waitTimeout.cancel(false);
            r.waitTimeout = null;
        }
    }

    final void dropIfUnusedLocked(RoutePool rp) {
        if (rp.isUnusedLocked() && routes.get(rp.route) == rp) {
            routes.remove(rp.route);
        }
    }

    final void leaseLocked(RoutePool rp, PooledConnection c) {
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

    final void putIdleLocked(RoutePool rp, PooledConnection c, long now) {
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

    final List<PooledConnection> evictOverLimitsLocked(RoutePool rp, List<PooledConnection> toClose) {
        if (config.maxIdleConnsPerHost() > 0) {
            while (rp.idle.size() > config.maxIdleConnsPerHost()) {
                PooledConnection victim = rp.idle.peekLast();
                victim.closing(CloseReason.POOL_FULL, null, null);
                removeLocked(rp, victim);
                toClose = add(toClose, victim);
            }
        }
        if (config.maxIdleConns() > 0) {
            while (lru.size() > config.maxIdleConns()) {
                PooledConnection victim = lru.oldest();
                victim.closing(CloseReason.POOL_FULL, null, null);
                removeLocked(routes.get(victim.route()), victim);
                toClose = add(toClose, victim);
            }
        }
        return toClose;
    }

    /** Takes {@code c} out of the pool's counts for good; idempotent. */
    final void removeLocked(RoutePool rp, PooledConnection c) {
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
        if (c.retired) {
            rp.retiring--;
        }
        if (c.provisional) {
            c.provisional = false;
            rp.provisional--;
        }
        dropIfUnusedLocked(rp);
    }

    /** Stops the idle sweep for good (the pool is closing). */
    final void cancelSweepLocked() {
        if (sweep != null) {
            sweep.cancel(false);
            sweep = null;
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
                    c.closing(c.isExpired(now) ? CloseReason.EXPIRED : CloseReason.IDLE_TIMEOUT, null, null);
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
                    c.closing(CloseReason.CLIENT_CLOSED, null, null);
                    removeLocked(rp, c);
                    toClose = add(toClose, c);
                }
            }
        } finally {
            lock.unlock();
        }
        closeAll(toClose);
    }

    static void retireLocked(RoutePool rp, PooledConnection c) {
        if (!c.retired) {
            c.retired = true;
            rp.retiring++;
        }
        rp.shared.remove(c);
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

    static <T> List<T> add(List<T> list, T c) {
        if (list == null) {
            list = new ArrayList<>(2);
        }
        list.add(c);
        return list;
    }

    static void closeAll(List<PooledConnection> list) {
        if (list != null) {
            for (PooledConnection c : list) {
                c.channel().close();
            }
        }
    }

    /**
     * The pool's lock, a class of its own so that the tests' BlockHound allow-list can name the one wait it
     * permits an event loop: acquiring this lock, taken from every event loop of the transport. It guards
     * in-memory counts only and is never held across I/O or a callback (see ConnectionPool's class comment),
     * so a contended acquire parks for as long as another loop's bookkeeping takes.
     */
    static final class PoolLock extends ReentrantLock {
        @Override
        public void lock() {
            super.lock();
        }
    }
}
