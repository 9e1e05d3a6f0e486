package dev.courier.http.testing;

import dev.courier.http.Headers;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The HTTP/1.1 side of {@link H2TestServer#startTlsWithHttp1Fallback}: records each request (protocol
 * {@code http/1.1}, stream 0) and answers {@code 200 http1}; the scripted queue is for HTTP/2 streams only.
 */
final class H2Http1Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final byte[] BODY = "http1".getBytes(StandardCharsets.US_ASCII);

    private final H2TestServer server;
    private final int connectionIndex;

    H2Http1Handler(H2TestServer server, int connectionIndex) {
        this.server = server;
        this.connectionIndex = connectionIndex;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        server.requestHeadersReceived();
        byte[] body = ByteBufUtil.getBytes(request.content());
        server.record(new H2RecordedRequest("http/1.1", request.method().name(), request.uri(),
                request.headers().get(HttpHeaderNames.HOST), "https", toHeaders(request.headers()), body,
                body.length, toHeaders(request.trailingHeaders()), request.decoderResult().isSuccess(), 0,
                connectionIndex));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(BODY));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static Headers toHeaders(HttpHeaders headers) {
        Headers.Builder b = Headers.newBuilder();
        for (Map.Entry<String, String> e : headers) {
            b.add(e.getKey(), e.getValue());
        }
        return b.build();
    }
}
