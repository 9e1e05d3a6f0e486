package dev.courier.http.internal.h2;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The multiplexer's handler for streams the server opens. Courier's SETTINGS disable server push, so a
 * server stream is a protocol violation; it is closed (reset) as soon as it appears.
 */
@ChannelHandler.Sharable
public final class PushedStreams extends ChannelInboundHandlerAdapter {
    public static final PushedStreams REJECT = new PushedStreams();

    private PushedStreams() {
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        ctx.channel().close();
    }
}
