package dev.courier.http.testing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import java.nio.channels.ClosedChannelException;

/**
 * Holds everything a test server connection writes until {@linkplain #open() opened}, then writes it in order and
 * steps out of the pipeline: in front of an HTTP/2 connection handler it holds the server's first SETTINGS (and all
 * that follows), so a test decides exactly when the client learns the server's limits. Event-loop confined.
 */
final class OutboundGate extends ChannelOutboundHandlerAdapter {
    private PendingWriteQueue held;
    private ChannelHandlerContext ctx;
    private boolean open;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.held = new PendingWriteQueue(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (open) {
            ctx.write(msg, promise);
        } else {
            held.add(msg, promise);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (open) {
            ctx.flush();
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        held.removeAndFailAll(new ClosedChannelException());
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (!held.isEmpty()) {
            held.removeAndFailAll(new ClosedChannelException());
        }
    }

    /** Writes and flushes what was held and removes the gate; a no-op once open. On the event loop. */
    void open() {
        if (open || ctx == null || ctx.isRemoved()) {
            return;
        }
        open = true;
        held.removeAndWriteAll();
        ctx.flush();
        ctx.pipeline().remove(this);
    }
}
