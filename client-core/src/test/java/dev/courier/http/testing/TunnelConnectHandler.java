package dev.courier.http.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP side of a {@link TunnelProxy}: records each CONNECT, answers 407 while the proxy is told to
 * challenge, else connects to the target and answers 200, then relays bytes. Anything but CONNECT gets 405.
 */
final class TunnelConnectHandler extends ChannelInboundHandlerAdapter {
    private final TunnelProxy proxy;
    private final int connectionIndex;
    private HttpRequest head;
    private int exchangeIndex;

    TunnelConnectHandler(TunnelProxy proxy, int connectionIndex) {
        this.proxy = proxy;
        this.connectionIndex = connectionIndex;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest) {
                head = (HttpRequest) msg;
            }
            if (!(msg instanceof LastHttpContent) || head == null) {
                return;
            }
            HttpRequest request = head;
            head = null;
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            request.headers().iteratorAsString().forEachRemaining(e -> headers.add(Map.entry(e.getKey(), e.getValue())));
            proxy.record(new RecordedRequest(request.method().name(), request.uri(), request.protocolVersion().text(),
                    headers, null, 0, false, List.of(), connectionIndex, exchangeIndex++));
            if (!request.method().name().equals("CONNECT")) {
                answer(ctx, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n", false);
            } else if (proxy.takeChallenge()) {
                answer(ctx, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                        + "Content-Length: 0\r\n\r\n", false);
            } else {
                ctx.pipeline().remove(HttpRequestDecoder.class);
                ctx.pipeline().remove(this);
                proxy.openTunnel(ctx.channel(), request.uri(), "HTTP/1.1 200 Connection established\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII), "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private static void answer(ChannelHandlerContext ctx, String response, boolean keepOpen) {
        var f = ctx.writeAndFlush(Unpooled.copiedBuffer(response, StandardCharsets.US_ASCII));
        if (!keepOpen) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
