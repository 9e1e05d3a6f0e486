package dev.courier.http.internal.proxy;

import dev.courier.http.internal.PipelineNames;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Promise;

/**
 * Opens a tunnel through an HTTP proxy (RFC 9110 section 9.3.6): writes {@code CONNECT host:port} through
 * the temporary {@code HttpClientCodec} named {@link PipelineNames#PROXY_CODEC} before it, and on a 2xx
 * answer removes that codec and itself, leaving a byte stream to the origin for TLS. Any other final
 * answer fails the handshake with the proxy's status line (the connection is then closed, not reused).
 */
final class HttpConnectHandler extends HandshakeHandler {
    private final HttpHeaders headers;
    private HttpResponse response;

    /** {@code headers}: Host, User-Agent, the configured CONNECT headers and Proxy-Authorization. */
    HttpConnectHandler(ProxyEndpoint proxy, String target, HttpHeaders headers, Promise<Void> result) {
        super(proxy, target, result);
        this.headers = headers;
    }

    @Override
    String protocol() {
        return "CONNECT";
    }

    @Override
    void start(ChannelHandlerContext ctx) {
        // The request target of a CONNECT is the authority form host:port (RFC 9112 section 3.2.3).
        send(ctx, new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.CONNECT, target, Unpooled.EMPTY_BUFFER,
                headers, EmptyHttpHeaders.INSTANCE));
    }

    @Override
    void answer(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse) {
            HttpResponse r = (HttpResponse) msg;
            if (r.decoderResult().isFailure()) {
                fail("proxy " + proxy + " did not answer CONNECT " + target + " with HTTP: "
                        + r.decoderResult().cause().getMessage(), -1, r.decoderResult().cause());
                return;
            }
            int code = r.status().code();
            if (code < 200) {
                return; // an interim answer; the final one follows
            }
            if (code >= 300) {
                String answer = r.protocolVersion() + " " + r.status();
                fail("proxy " + proxy + " answered CONNECT " + target + " with " + answer
                        + (code == 407 ? "; " + ProxyHandshakeException.authHint(proxy) : ""), code, null);
                return;
            }
            response = r;
        }
        // Netty's codec ends a 2xx answer to CONNECT right after its head: the rest of the stream is the tunnel's.
        if (msg instanceof LastHttpContent && response != null) {
            succeed(ctx, PipelineNames.PROXY_CODEC);
        }
    }
}
