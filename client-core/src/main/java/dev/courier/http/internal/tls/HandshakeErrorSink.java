package dev.courier.http.internal.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits behind the SslHandler while its handshake runs and swallows the exceptions it fires: the handshake
 * future already carries each one to the dial as a typed error, and without this handler Netty would log
 * every failed handshake again as an exception unhandled at the pipeline's tail. Removed when the
 * handshake succeeds, before the HTTP handlers are added.
 */
public final class HandshakeErrorSink extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // reported through SslHandler.handshakeFuture(); the SslHandler closes the channel
    }
}
