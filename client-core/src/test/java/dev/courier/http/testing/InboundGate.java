package dev.courier.http.testing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Holds what a test server connection reads until {@linkplain #open() opened}, then passes it on and steps out of
 * the pipeline: over TLS the client's handshake waits meanwhile (its ClientHello is held), so a test decides exactly
 * when a dial completes. Event-loop confined.
 */
final class InboundGate extends ChannelInboundHandlerAdapter {
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean open;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (open) {
            ctx.fireChannelRead(msg);
        } else {
            held.add(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (open) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        drop();
        ctx.fireChannelInactive();
    }

    /** Passes on what was held and removes the gate; a no-op once open or closed. On the event loop. */
    void open() {
        if (open || ctx == null || ctx.isRemoved()) {
            return;
        }
        open = true;
        boolean any = !held.isEmpty();
        Object msg;
        while ((msg = held.poll()) != null) {
            ctx.fireChannelRead(msg);
        }
        if (any) {
            ctx.fireChannelReadComplete();
        }
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    private void drop() {
        Object msg;
        while ((msg = held.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
