package dev.courier.http.internal.h1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits before the HTTP codec and tells the connection when response bytes arrive, before the codec can
 * decode anything from them. A server that sends half a status line and then closes has answered:
 * the request must not be retried (Go retries only when its first-byte peek saw nothing).
 */
public final class ResponseStartHandler extends ChannelInboundHandlerAdapter {
    private final Http1Connection connection;

    public ResponseStartHandler(Http1Connection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
            connection.onResponseBytes();
        }
        ctx.fireChannelRead(msg);
    }
}
