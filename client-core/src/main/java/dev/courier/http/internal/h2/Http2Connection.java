package dev.courier.http.internal.h2;

import dev.courier.http.ConnectionListener.CloseReason;
import dev.courier.http.internal.ConnectionEvents;
import dev.courier.http.internal.pool.ConnectionPool;
import dev.courier.http.internal.pool.Multiplexed;
import dev.courier.http.internal.pool.PooledConnection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * The HTTP/2 connection handler, after the multiplexer in the connection's pipeline (Go's
 * {@code http2ClientConn} read side for connection-level frames): reports the server's
 * SETTINGS_MAX_CONCURRENT_STREAMS to the pool as the connection's capacity, retires the connection on
 * GOAWAY (streams the server did not process are failed as retryable by the multiplexer's event), and
 * checks a read-idle connection with a PING that must be answered in time, so that a dead connection
 * cannot stall every request multiplexed on it. Holds back request bodies until the server's first SETTINGS
 * (see {@link #afterServerSettings}).
 *
 * <p>Event-loop confined, except {@link #attach}, which hops onto the loop.
 */
public final class Http2Connection extends ChannelInboundHandlerAdapter implements Multiplexed {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(Http2Connection.class);
    /** Streams assumed until the server's first SETTINGS says otherwise (the rule; Go assumes 100 too). */
    static final int ASSUMED_MAX_STREAMS = 100;
    /**
     * Streams allowed when the server's SETTINGS set no SETTINGS_MAX_CONCURRENT_STREAMS, which means no limit
     * (RFC 9113 section 6.5.2): Go's {@code defaultMaxConcurrentStreams}, a bound on one connection's streams.
     */
    static final int UNLIMITED_MAX_STREAMS = 1000;

    private final long pingTimeoutNanos;
    private final int maxResponseHeaderBytes;
    private ChannelHandlerContext ctx;
    private Http2StreamChannelBootstrap bootstrap;
    private ConnectionPool pool;
    private PooledConnection connection;
    private volatile long maxStreams = -1;
    private volatile boolean settingsSeen;
    private boolean goAway;
    private GoAway lastGoAway;
    private ScheduledFuture<?> pingTimer;
    private long pingPayload;
    private Throwable closeCause;
    /** Streams whose request body waits for the server's first SETTINGS; event-loop confined, null once they came. */
    private List<Runnable> settingsWaiters;

    /** What a GOAWAY said: for the errors of streams it refused, and for the connection's own. */
    public record GoAway(long errorCode, int lastStreamId, String debugData) {
        public String describe() {
            return "GOAWAY from the server (" + errorName(errorCode) + ", last stream " + lastStreamId
                    + (debugData.isEmpty() ? "" : ", debug data \"" + debugData + "\"") + ")";
        }
    }

    /**
     * {@code pingTimeoutNanos}: how long a PING sent on read-idle may stay unanswered; 0 = no health check.
     * {@code maxResponseHeaderBytes}: the SETTINGS_MAX_HEADER_LIST_SIZE this connection advertised.
     */
    public Http2Connection(long pingTimeoutNanos, int maxResponseHeaderBytes) {
        this.pingTimeoutNanos = pingTimeoutNanos;
        this.maxResponseHeaderBytes = maxResponseHeaderBytes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // Streams read only when their consumer asks: the stream window then bounds what each buffers.
        this.bootstrap = new Http2StreamChannelBootstrap(ctx.channel()).option(ChannelOption.AUTO_READ, false);
    }

    @Override
    public int initialCapacity() {
        return maxStreams >= 0 ? (int) Math.min(Integer.MAX_VALUE, maxStreams) : ASSUMED_MAX_STREAMS;
    }

    @Override
    public boolean capacityKnown() {
        return settingsSeen;
    }

    @Override
    public void attach(ConnectionPool pool, PooledConnection connection) {
        Channel ch = connection.channel();
        if (!ch.eventLoop().inEventLoop()) {
            ch.eventLoop().execute(() -> attach(pool, connection));
            return;
        }
        this.pool = pool;
        this.connection = connection;
        if (goAway) {
            pool.retire(connection);
        } else if (settingsSeen) {
            pool.setCapacity(connection, capacity(maxStreams >= 0 ? maxStreams : ASSUMED_MAX_STREAMS));
        }
    }

    /** The bootstrap that opens this connection's streams (one per connection, used on its loop). */
    Http2StreamChannelBootstrap bootstrap() {
        return bootstrap;
    }

    /** Whether the server's first SETTINGS frame has arrived (and been applied by the codec). */
    boolean serverSettingsSeen() {
        return settingsSeen;
    }

    /**
     * Runs {@code task} on the loop once the server's first SETTINGS frame has been applied (now, if it has been).
     * Streams send their request body's DATA only then. RFC 9113 section 3.4 lets a client send DATA before it
     * has the server's preface, into the default 65,535-byte window; but a server that advertises a smaller
     * SETTINGS_INITIAL_WINDOW_SIZE then sees that stream's window go negative (section 6.9.2), and a server that
     * reopens windows only as it consumes new DATA (Netty's DefaultHttp2LocalFlowController up to 4.2.x; nghttp2
     * before its fix for issue 1679) never sends the WINDOW_UPDATE that would let the body go on: the upload stalls
     * for good. Waiting costs a new connection's first uploads at most the time until the server's preface arrives.
     * Tasks of a connection that closes first are dropped: its streams fail as their channels close.
     */
    void afterServerSettings(Runnable task) {
        if (settingsSeen) {
            task.run();
            return;
        }
        if (settingsWaiters == null) {
            settingsWaiters = new ArrayList<>(4);
        }
        settingsWaiters.add(task);
    }

    /** The GOAWAY the server sent, or null. */
    GoAway goAway() {
        return lastGoAway;
    }

    /** Why the connection failed, when it did (a PING timeout, a connection error), else null. */
    Throwable closeCause() {
        return closeCause;
    }

    /** "the response head exceeds maxResponseHeaderBytes (N bytes)": HTTP/1.1's wording, for HTTP/2 too. */
    String headTooLarge() {
        return "the response head exceeds maxResponseHeaderBytes (" + maxResponseHeaderBytes + " bytes)";
    }

    /**
     * Why the connection was closed, when it was for a response's header block that could not be taken in whole,
     * else null. A header block must be decoded in full for the connection to go on (its HPACK state; RFC 9113
     * section 4.3), and Netty decodes a block only once all of its frames are in: it buffers the encoded block up
     * to 1.25 times SETTINGS_MAX_HEADER_LIST_SIZE, and up to 16 CONTINUATION frames of under 8 KiB, and past either
     * bound it closes the connection (GOAWAY PROTOCOL_ERROR or ENHANCE_YOUR_CALM) rather than buffer without end.
     * A block within those bounds whose decoded list exceeds the limit fails its stream only (the stream's
     * {@code exceptionCaught}). Netty tells these connection errors apart by their text alone.
     */
    String headerBlockRefusal() {
        Http2Exception e = Http2CodecUtil.getEmbeddedHttp2Exception(closeCause);
        if (e == null || e instanceof Http2Exception.StreamException) {
            return null;
        }
        String m = String.valueOf(e.getMessage());
        if (e.error() == Http2Error.PROTOCOL_ERROR && m.startsWith("Header size exceeded max allowed size")) {
            return headTooLarge() + ": its header block passed "
                    + Http2CodecUtil.calculateMaxHeaderListSizeGoAway(maxResponseHeaderBytes)
                    + " encoded bytes before it could be decoded, so the HTTP/2 connection was closed";
        }
        if (e.error() == Http2Error.ENHANCE_YOUR_CALM && m.contains("continuations frames")) {
            return "the response head came in too many small CONTINUATION frames (" + m
                    + "), so the HTTP/2 connection was closed";
        }
        return null;
    }

    String connectionId() {
        return connection != null ? connection.id() : ctx == null ? "?" : ConnectionEvents.id(ctx.channel());
    }

    /** Records why the connection will close, first decision wins (see {@link PooledConnection#closing}). */
    private void closing(CloseReason reason, Throwable cause) {
        PooledConnection c = connection != null ? connection : ctx == null ? null : PooledConnection.of(ctx.channel());
        if (c != null) {
            c.closing(reason, cause, null);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2SettingsFrame) {
                Long max = ((Http2SettingsFrame) msg).settings().maxConcurrentStreams();
                boolean first = !settingsSeen;
                if (max != null) {
                    maxStreams = max;
                } else if (first) {
                    maxStreams = UNLIMITED_MAX_STREAMS; // no limit: not the 100 assumed until now
                }
                settingsSeen = true;
                if ((max != null || first) && pool != null && !goAway) {
                    pool.setCapacity(connection, capacity(maxStreams));
                }
                if (first) {
                    runSettingsWaiters(); // the codec applied these settings (the stream windows) before passing them up
                }
            } else if (msg instanceof Http2GoAwayFrame) {
                Http2GoAwayFrame frame = (Http2GoAwayFrame) msg;
                goAway = true;
                lastGoAway = new GoAway(frame.errorCode(), frame.lastStreamId(),
                        frame.content().toString(StandardCharsets.UTF_8));
                log.debug("[{}] {}", connectionId(), lastGoAway.describe());
                closing(CloseReason.GOAWAY, null);
                if (pool != null) {
                    pool.retire(connection);
                }
            } else if (msg instanceof Http2PingFrame && ((Http2PingFrame) msg).ack()) {
                if (((Http2PingFrame) msg).content() == pingPayload && pingTimer != null) {
                    pingTimer.cancel(false);
                    pingTimer = null;
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void runSettingsWaiters() {
        List<Runnable> waiting = settingsWaiters;
        settingsWaiters = null;
        if (waiting != null) {
            for (Runnable task : waiting) {
                task.run();
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (pingTimeoutNanos > 0 && pingTimer == null && ctx.channel().isActive()) {
                sendPing();
            }
            return;
        }
        ReferenceCountUtil.release(evt);
    }

    /** Go's {@code healthCheck}: a PING after read-idle; no ACK in time means the connection is dead. */
    private void sendPing() {
        pingPayload = System.nanoTime();
        ctx.writeAndFlush(new DefaultHttp2PingFrame(pingPayload));
        pingTimer = ctx.executor().schedule(() -> {
            pingTimer = null;
            log.debug("[{}] no PING acknowledgement within {} ms; closing the connection", connectionId(),
                    TimeUnit.NANOSECONDS.toMillis(pingTimeoutNanos));
            closeCause = new PingTimeoutException(pingTimeoutNanos);
            closing(CloseReason.TIMEOUT, closeCause);
            ctx.close();
        }, pingTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pingTimer != null) {
            pingTimer.cancel(false);
            pingTimer = null;
        }
        settingsWaiters = null;
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[{}] HTTP/2 connection error; closing it", connectionId(), cause);
        closing(Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null ? CloseReason.PROTOCOL_ERROR : CloseReason.ERROR,
                cause);
        if (closeCause == null) {
            closeCause = cause;
        }
        // An HTTP/2 connection error: the codec tells us first, then sends GOAWAY with its error code and closes;
        // closing here would send GOAWAY(NO_ERROR) ahead of it. The streams hear of it as their channels close.
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
            ctx.close();
        }
    }

    private static int capacity(long maxStreams) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxStreams));
    }

    /** An HTTP/2 error code by its RFC 9113 name, e.g. "REFUSED_STREAM (0x7)". */
    public static String errorName(long code) {
        Http2Error e = Http2Error.valueOf(code);
        return (e == null ? "unknown error" : e.name()) + " (0x" + Long.toHexString(code) + ")";
    }

    /** The connection did not answer a PING in time. */
    public static final class PingTimeoutException extends java.io.IOException {
        PingTimeoutException(long timeoutNanos) {
            super("HTTP/2 connection did not acknowledge a PING within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                    + " ms: it is dead");
        }
    }

}
