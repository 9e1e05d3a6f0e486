package dev.courier.http.testing;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Map;

/**
 * The SOCKS5 side of a {@link TunnelProxy} (Netty's server codec, RFC 1928): accepts "no authentication",
 * records the CONNECT as a request with method "SOCKS5" and target host:port, then connects and answers
 * "succeeded", or "connection refused" (X'05') when the target is unreachable; other commands get
 * "command not supported".
 */
final class TunnelSocks5Handler extends ChannelInboundHandlerAdapter {
    private final TunnelProxy proxy;
    private final int connectionIndex;

    TunnelSocks5Handler(TunnelProxy proxy, int connectionIndex) {
        this.proxy = proxy;
        this.connectionIndex = connectionIndex;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Socks5InitialRequest && ((Socks5InitialRequest) msg).decoderResult().isSuccess()) {
                ctx.pipeline().replace(Socks5InitialRequestDecoder.class, "socks5-command", new Socks5CommandRequestDecoder());
                ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
                return;
            }
            if (!(msg instanceof Socks5CommandRequest) || ((Socks5CommandRequest) msg).decoderResult().isFailure()) {
                ctx.close();
                return;
            }
            Socks5CommandRequest r = (Socks5CommandRequest) msg;
            String host = r.dstAddr().indexOf(':') >= 0 ? "[" + r.dstAddr() + "]" : r.dstAddr();
            String target = host + ":" + r.dstPort();
            proxy.record(new RecordedRequest("SOCKS5", target, "SOCKS5", List.of(), null, 0, false, List.of(),
                    connectionIndex, 0));
            if (r.type() != Socks5CommandType.CONNECT) {
                ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.COMMAND_UNSUPPORTED,
                        Socks5AddressType.IPv4)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.pipeline().remove(Socks5CommandRequestDecoder.class);
            ctx.pipeline().remove(this);
            // The encoder stays for the answer; the relay then writes raw bytes, which it passes through untouched.
            proxy.openTunnel(ctx.channel(), target,
                    new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS, Socks5AddressType.IPv4),
                    new DefaultSocks5CommandResponse(Socks5CommandStatus.CONNECTION_REFUSED, Socks5AddressType.IPv4));
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
