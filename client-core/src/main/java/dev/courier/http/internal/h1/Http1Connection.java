package dev.courier.http.internal.h1;

import dev.courier.http.ConnectionListener.CloseReason;
import dev.courier.http.internal.ConnectionEvents;
import dev.courier.http.internal.pool.PooledConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * The HTTP/1.1 connection handler (Go's {@code persistConn} read side): routes the decoded response of
 * the one exchange in progress to it, and while the connection is idle keeps a read pending so that
 * the event loop notices at once when the server closes it, or sends bytes nobody asked for, and
 * drops it before anyone reuses it.
 *
 * <p>Event-loop confined.
 */
public final class Http1Connection extends ChannelInboundHandlerAdapter {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(Http1Connection.class);

    private final Http1ResponseDecoder decoder;
    private ChannelHandlerContext ctx;
    private Http1Exchange current;
    /** Created by the first exchange; see {@link #begin}. */
    private RequestWriter writer;
    /** The connection's SslHandler, looked up once: a pipeline lookup per response compares every handler's name. */
    private io.netty.handler.ssl.SslHandler tls;
    private boolean tlsLookedUp;
    /** The buffer request heads are written into, kept from one request to the next (see headBuffer). */
    private ByteBuf headBuffer;

    /** A connection handler whose response decoder refuses heads larger than {@code maxResponseHeaderBytes}. */
    public Http1Connection(int maxResponseHeaderBytes) {
        this.decoder = new Http1ResponseDecoder(this, maxResponseHeaderBytes);
    }

    /** The response decoder to install before this handler (see {@code PipelineNames}). */
    public Http1ResponseDecoder decoder() {
        return decoder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    ChannelHandlerContext context() {
        return ctx;
    }

    /** A head larger than this gets a buffer of its own rather than growing the kept one. */
    static final int MAX_KEPT_HEAD_BUFFER = 4096;

    /**
     * An empty buffer of at least {@code size} bytes for the next request head, whose one reference the
     * caller hands to the write. It is the connection's own buffer, reused once the previous write has let
     * go of it, so that a request head costs no pooled allocation (nor, at the leak detector's default
     * level, its sampling).
     */
    ByteBuf headBuffer(int size) {
        ByteBuf kept = headBuffer;
        if (kept != null && kept.refCnt() == 1 && kept.capacity() >= size) {
            return kept.clear().retain();
        }
        ByteBuf fresh = ctx.alloc().ioBuffer(Math.max(size, 256));
        if (fresh.capacity() > MAX_KEPT_HEAD_BUFFER) {
            return fresh;
        }
        if (kept != null) {
            kept.release(); // still being written, or too small: the write releases its own reference
        }
        headBuffer = fresh;
        return fresh.retain();
    }

    private void releaseHeadBuffer() {
        ByteBuf kept = headBuffer;
        if (kept != null) {
            headBuffer = null;
            kept.release();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeadBuffer();
    }

    /** The TLS session of this connection, or null on plaintext. */
    javax.net.ssl.SSLSession tlsSession() {
        if (!tlsLookedUp) {
            tls = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
            tlsLookedUp = true;
        }
        return tls == null ? null : tls.engine().getSession();
    }

    /**
     * Makes {@code exchange} the one that receives what the connection reads, and returns the connection's
     * request writer, reset for it. One writer serves every exchange of the connection in turn (an
     * exchange ends on a reusable connection only once its request is wholly written, so nothing of the
     * previous request is in flight): one object per connection rather than per request.
     */
    RequestWriter begin(Http1Exchange exchange) {
        current = exchange;
        decoder.expectResponseTo(exchange.isHeadRequest());
        RequestWriter w = writer;
        if (w == null) {
            w = new RequestWriter();
            writer = w;
        }
        w.bind(exchange);
        return w;
    }

    /** The exchange is over on this connection; watch it while idle. */
    void end(Http1Exchange exchange) {
        if (current == exchange) {
            current = null;
            if (ctx.channel().isActive()) {
                ctx.read();
            }
        }
    }

    /** Stops routing to {@code exchange} without watching the connection (it is closing or handed over). */
    void detach(Http1Exchange exchange) {
        if (current == exchange) {
            current = null;
        }
    }

    /**
     * Raw response bytes reached the connection (seen before decoding, by the decoder). On an idle
     * connection nobody asked for them, even if they do not make a whole response yet: the connection is
     * closed before anyone reuses it, or they would be read as the start of the next request's response
     * (Go's readLoop: "Unsolicited response received on idle HTTP channel").
     */
    void onResponseBytes() {
        Http1Exchange exchange = current;
        if (exchange != null) {
            exchange.onResponseBytes();
        } else if (ctx != null && ctx.channel().isActive()) {
            closeIdle(CloseReason.PROTOCOL_ERROR, null, "unexpected data on an idle connection");
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Http1Exchange exchange = current;
        if (exchange != null) {
            exchange.onInbound(msg);
            return;
        }
        ResponseHead.release(msg);
        // RFC 9112 section 9.3: a response nobody asked for means the framing is broken; the
        // connection cannot be trusted with another request.
        closeIdle(CloseReason.PROTOCOL_ERROR, null, "unexpected data on an idle connection");
    }

    /** Closes the connection while no exchange runs on it, for {@code reason}, saying so at DEBUG. */
    private void closeIdle(CloseReason reason, Throwable cause, String what) {
        log.debug("[{}] {}; closing it", ConnectionEvents.id(ctx.channel()), what, cause);
        PooledConnection c = PooledConnection.of(ctx.channel());
        if (c != null) {
            c.closing(reason, cause, null);
        }
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Http1Exchange exchange = current;
        if (exchange != null) {
            exchange.onReadComplete();
        } else if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Http1Exchange exchange = current;
        if (exchange != null && ctx.channel().isWritable()) {
            exchange.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeadBuffer();
        Http1Exchange exchange = current;
        current = null;
        if (exchange != null) {
            exchange.onConnectionClosed(null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Http1Exchange exchange = current;
        if (exchange != null && exchange.onWriteException(cause)) {
            return; // the failure of a request write without a promise: the exchange closed the connection
        }
        current = null;
        if (exchange != null) {
            PooledConnection c = PooledConnection.of(ctx.channel());
            if (c != null) {
                c.closing(CloseReason.ERROR, cause, exchange.request());
            }
            exchange.onConnectionClosed(cause);
            ctx.close();
        } else {
            closeIdle(CloseReason.ERROR, cause, "error on an idle connection");
        }
    }
}
