package dev.courier.http.internal.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;

/**
 * What the proxy handshakes (CONNECT, SOCKS5, SOCKS4a) share: a promise completed exactly once, reads
 * issued one at a time (the channel runs with auto-read off), and the proxy closing the connection or a
 * socket error turned into a failure that names the proxy and the target. Subclasses send their first
 * message in {@link #start} and handle the proxy's decoded answers in {@link #answer}.
 *
 * <p>Event-loop confined.
 */
abstract class HandshakeHandler extends ChannelInboundHandlerAdapter {
    final ProxyEndpoint proxy;
    /** The origin as host:port, as the proxy is asked to reach it. */
    final String target;
    private final Promise<Void> result;

    HandshakeHandler(ProxyEndpoint proxy, String target, Promise<Void> result) {
        this.proxy = proxy;
        this.target = target;
        this.result = result;
    }

    /** Sends the first message; the channel is connected (and TLS to an https proxy is up). */
    abstract void start(ChannelHandlerContext ctx);

    /** Handles one decoded message from the proxy; the caller releases it. */
    abstract void answer(ChannelHandlerContext ctx, Object msg);

    /** What this handshake is, for messages: "CONNECT", "SOCKS5", "SOCKS4a". */
    abstract String protocol();

    @Override
    public final void handlerAdded(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.read();
    }

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!result.isDone()) {
                answer(ctx, msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public final void channelReadComplete(ChannelHandlerContext ctx) {
        if (!result.isDone()) {
            ctx.read();
        }
    }

    @Override
    public final void channelInactive(ChannelHandlerContext ctx) {
        fail("proxy " + proxy + " closed the connection during the " + protocol() + " handshake for " + target, -1, null);
        ctx.fireChannelInactive();
    }

    @Override
    public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail("the " + protocol() + " handshake with proxy " + proxy + " for " + target + " failed: " + cause, -1, cause);
    }

    /** Writes a handshake message; a failed write fails the handshake. */
    final void send(ChannelHandlerContext ctx, Object message) {
        ctx.writeAndFlush(message).addListener(f -> {
            if (!f.isSuccess()) {
                fail("cannot send the " + protocol() + " request to proxy " + proxy + " for " + target + ": "
                        + f.cause(), -1, f.cause());
            }
        });
    }

    /** The tunnel is up: the handshake's codecs ({@code names}) and this handler leave the pipeline. */
    final void succeed(ChannelHandlerContext ctx, String... names) {
        ctx.pipeline().remove(this);
        for (String name : names) {
            if (ctx.pipeline().context(name) != null) {
                ctx.pipeline().remove(name);
            }
        }
        result.trySuccess(null);
    }

    final void fail(String message, int status, Throwable cause) {
        result.tryFailure(new ProxyHandshakeException(message, status, cause));
    }
}
