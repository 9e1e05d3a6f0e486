package dev.courier.http.testing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.socksx.v4.DefaultSocks4CommandResponse;
import io.netty.handler.codec.socksx.v4.Socks4CommandRequest;
import io.netty.handler.codec.socksx.v4.Socks4CommandStatus;
import io.netty.handler.codec.socksx.v4.Socks4ServerDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Map;

/**
 * The SOCKS4a side of a {@link TunnelProxy} (Netty's server codec): records the command as a request
 * with method "SOCKS4", target host:port as received (a name with 4a) and the user id as header
 * {@code User-Id}; then connects and answers "granted", or "rejected" when the target is unreachable.
 */
final class TunnelSocks4Handler extends ChannelInboundHandlerAdapter {
    private final TunnelProxy proxy;
    private final int connectionIndex;

    TunnelSocks4Handler(TunnelProxy proxy, int connectionIndex) {
        this.proxy = proxy;
        this.connectionIndex = connectionIndex;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof Socks4CommandRequest) || ((Socks4CommandRequest) msg).decoderResult().isFailure()) {
                ctx.close();
                return;
            }
            Socks4CommandRequest r = (Socks4CommandRequest) msg;
            String host = r.dstAddr().indexOf(':') >= 0 ? "[" + r.dstAddr() + "]" : r.dstAddr();
            String target = host + ":" + r.dstPort();
            proxy.record(new RecordedRequest("SOCKS4", target, "SOCKS4", List.of(Map.entry("User-Id", r.userId())),
                    null, 0, false, List.of(), connectionIndex, 0));
            ctx.pipeline().remove(Socks4ServerDecoder.class);
            ctx.pipeline().remove(this);
            // The encoder stays for the answer; the relay then writes raw bytes, which it passes through untouched.
            proxy.openTunnel(ctx.channel(), target, new DefaultSocks4CommandResponse(Socks4CommandStatus.SUCCESS),
                    new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

}
