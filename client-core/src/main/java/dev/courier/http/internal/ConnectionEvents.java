package dev.courier.http.internal;

import dev.courier.http.ConnectionListener;
import dev.courier.http.ConnectionListener.CloseReason;
import dev.courier.http.RouteKey;
import dev.courier.http.internal.pool.ConnectionPool;
import dev.courier.http.internal.pool.PooledConnection;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLSession;

/**
 * A Transport's connection events: one DEBUG line for each (dial, connect, TLS, ready, reuse, idle, close
 * and why) under this class's logger, and the {@link ConnectionListener}s told of every connection opened
 * and closed. Every line starts with the connection's id in brackets, then, where a request is involved,
 * its method and URL without password ({@code Request.toString()}): {@code [c7] GET http://h/p: ...}.
 *
 * <p>Courier logs through Netty's {@link InternalLoggerFactory}, as Netty itself does, so that client-core
 * needs Netty alone: SLF4J when an SLF4J provider is on the class path, else Log4J 2, else
 * {@code java.util.logging}, or whatever the application installed with
 * {@code InternalLoggerFactory.setDefaultFactory}; Courier's lines go wherever the application's Netty
 * lines go.
 */
public final class ConnectionEvents {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(ConnectionEvents.class);
    private static final AtomicLong IDS = new AtomicLong();
    /** The connection id of a channel, from its first connect on (a dial that fails has one too). */
    public static final AttributeKey<String> ID = AttributeKey.valueOf("courier.connectionId");
    /** The request a channel is being dialed for, until it is ready: for the lines of its TLS handshake. */
    public static final AttributeKey<Object> DIALED_FOR = AttributeKey.valueOf("courier.dialedFor");

    private final List<Guarded> listeners = new CopyOnWriteArrayList<>();
    private final LongSupplier clock;

    /** Events of one Transport, whose monotonic clock (nanoseconds) {@code clock} is. */
    public ConnectionEvents(LongSupplier clock) {
        this.clock = clock;
    }

    /** A new id, "c" and a JVM-wide counter: short, and unique across transports. */
    public static String newId() {
        return "c" + IDS.incrementAndGet();
    }

    /** The id of {@code ch}'s connection, or "?" before it has one. */
    public static String id(Channel ch) {
        String id = ch.attr(ID).get();
        return id == null ? "?" : id;
    }

    /** Whether the DEBUG lines are on: callers skip building arguments otherwise. */
    public static boolean isDebugEnabled() {
        return log.isDebugEnabled();
    }

    /** Adds a listener for every later open and close. */
    public void add(ConnectionListener listener) {
        listeners.add(new Guarded(listener));
    }

    // ---- dialing ----

    public static void dialStarted(String id, Object request, RouteKey route) {
        log.debug("[{}] {}: dialing {}", id, request, route);
    }

    public static void connected(String id, Object request, SocketAddress remote, long nanos) {
        if (log.isDebugEnabled()) {
            log.debug("[{}] {}: connected to {} in {} ms", id, request, address(remote), millis(nanos));
        }
    }

    public static void dialFailed(String id, Object request, RouteKey route, Throwable cause) {
        if (log.isDebugEnabled()) {
            // The cause as text: a Throwable as the last argument would be taken for the line's stack trace.
            log.debug("[{}] {}: dialing {} failed: {}", id, request, route, String.valueOf(cause));
        }
    }

    /** The TLS handshake with the origin (or {@code peer}, an https proxy) ended. */
    public static void tlsHandshakeDone(Channel ch, String peer, SSLSession session, String alpn, Throwable cause) {
        if (!log.isDebugEnabled()) {
            return;
        }
        if (cause != null) {
            log.debug("[{}] {}: TLS handshake with {} failed: {}", id(ch), ch.attr(DIALED_FOR).get(), peer,
                    String.valueOf(cause));
        } else {
            log.debug("[{}] {}: TLS handshake with {} done: {}, {}, ALPN {}", id(ch), ch.attr(DIALED_FOR).get(), peer,
                    session.getProtocol(), session.getCipherSuite(), alpn == null ? "none" : alpn);
        }
    }

    /** A proxy's CONNECT or SOCKS handshake succeeded: the origin is reachable through it. */
    public static void tunnelReady(Channel ch, RouteKey route) {
        log.debug("[{}] {}: through proxy {} to {}", id(ch), ch.attr(DIALED_FOR).get(), route.proxy(), route.hostPort());
    }

    /**
     * {@code c} is ready for requests: logs it, tells the listeners, and arranges for its close to be
     * logged and told (once, whoever closes it).
     */
    public void opened(PooledConnection c) {
        Channel ch = c.channel();
        ch.attr(DIALED_FOR).set(null);
        ch.attr(ConnectionPool.CONNECTION).set(c);
        if (log.isDebugEnabled()) {
            log.debug("[{}] ready: {} {} (local {}, remote {})", c.id(), c.protocol(), c.route(),
                    address(ch.localAddress()), address(ch.remoteAddress()));
        }
        ConnectionListener.Connection info = listeners.isEmpty() ? null : c.info();
        for (Guarded g : listeners) {
            try {
                g.listener.connectionOpened(info);
            } catch (Throwable t) {
                g.threw("connectionOpened", c.id(), t);
            }
        }
        ch.closeFuture().addListener(f -> closed(c));
    }

    /** A request got {@code c} again; {@code idleNanos} -1 when it came straight from its last request. */
    public static void reused(PooledConnection c, Object request, long idleNanos) {
        if (log.isDebugEnabled()) {
            log.debug("[{}] {}: reusing {} connection{}", c.id(), request, c.protocol(),
                    idleNanos < 0 ? " handed over from the previous request" : " idle for " + millis(idleNanos) + " ms");
        }
    }

    /** {@code c} went idle in the pool. */
    public static void idle(PooledConnection c) {
        log.debug("[{}] idle in the pool of {}", c.id(), c.route());
    }

    private void closed(PooledConnection c) {
        PooledConnection.Closing why = c.closingRecord();
        if (why == null) {
            // Nobody decided to close it: the peer did, or the OS reported the connection gone.
            c.closing(CloseReason.SERVER_CLOSED, null, null);
            why = c.closingRecord();
        }
        if (log.isDebugEnabled()) {
            log.debug("[{}] {}closed: {}{} ({} {}, open {} ms)", c.id(), why.request() == null ? "" : why.request() + ": ",
                    why.reason(), why.cause() == null ? "" : ", " + why.cause(), c.protocol(), c.route(),
                    millis(clock.getAsLong() - c.createdNanos()));
        }
        if (listeners.isEmpty()) {
            return;
        }
        ConnectionListener.Connection info = c.info();
        for (Guarded g : listeners) {
            try {
                g.listener.connectionClosed(info, why.reason(), why.cause());
            } catch (Throwable t) {
                g.threw("connectionClosed", c.id(), t);
            }
        }
    }

    /** "127.0.0.1:8080", "[::1]:8080": without the host name InetSocketAddress.toString() puts first. */
    private static String address(SocketAddress a) {
        return a instanceof InetSocketAddress ? NetUtil.toSocketAddressString((InetSocketAddress) a) : String.valueOf(a);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** A user's listener, and whether it has thrown yet: the first exception is a warning, the rest debug lines. */
    private static final class Guarded {
        final ConnectionListener listener;
        final AtomicBoolean warned = new AtomicBoolean();

        Guarded(ConnectionListener listener) {
            this.listener = listener;
        }

        void threw(String method, String id, Throwable t) {
            if (warned.compareAndSet(false, true)) {
                log.warn("[{}] ConnectionListener {} threw from {} (the connection is unaffected; later exceptions of "
                        + "this listener are logged at DEBUG)", id, listener, method, t);
            } else {
                log.debug("[{}] ConnectionListener {} threw from {}", id, listener, method, t);
            }
        }
    }
}
