package dev.courier.http.testing;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;

/**
 * Holds everything an {@link H2TestServer} connection writes (its preface SETTINGS first) until {@link #release}, then
 * sends it in order and steps aside: a server whose preface reaches the client late, as over a slow or congested
 * path, while it already reads what the client sends. Event-loop confined.
 */
final class H2HeldWrites extends ChannelDuplexHandler {
    private PendingWriteQueue held;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        held = new PendingWriteQueue(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        held.add(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        // held back until release()
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        held.removeAndFailAll(new java.nio.channels.ClosedChannelException());
        ctx.fireChannelInactive();
    }

    /** Sends what was held, in order, and removes this handler. On the connection's loop. */
    void release(ChannelHandlerContext ctx) {
        held.removeAndWriteAll();
        ctx.flush();
        ctx.pipeline().remove(this);
    }
}
