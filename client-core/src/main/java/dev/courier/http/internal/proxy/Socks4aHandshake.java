package dev.courier.http.internal.proxy;

import dev.courier.http.internal.PipelineNames;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.socksx.v4.DefaultSocks4CommandRequest;
import io.netty.handler.codec.socksx.v4.Socks4CommandResponse;
import io.netty.handler.codec.socksx.v4.Socks4CommandType;
import io.netty.util.concurrent.Promise;

/**
 * The client side of SOCKS4 with the 4a extension, by Netty's codec: an IPv4 literal goes as the address
 * (plain SOCKS4); any other host goes as a name after the 0.0.0.x marker, for the proxy to resolve. The
 * proxy URL's user name, if any, is the SOCKS4 user id (SOCKS4 has no password). On success the encoder,
 * the decoder and this handler leave the pipeline.
 */
final class Socks4aHandshake extends HandshakeHandler {
    private final String host;
    private final int port;

    Socks4aHandshake(ProxyEndpoint proxy, String host, int port, String target, Promise<Void> result) {
        super(proxy, target, result);
        this.host = host;
        this.port = port;
    }

    @Override
    String protocol() {
        return "SOCKS4a";
    }

    @Override
    void start(ChannelHandlerContext ctx) {
        String userId = proxy.username() == null ? "" : proxy.username();
        send(ctx, new DefaultSocks4CommandRequest(Socks4CommandType.CONNECT, host, port, userId));
    }

    @Override
    void answer(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Socks4CommandResponse)) {
            return;
        }
        Socks4CommandResponse r = (Socks4CommandResponse) msg;
        if (r.decoderResult().isFailure()) {
            fail("proxy " + proxy + " sent an invalid SOCKS4 answer for " + target + ": "
                    + r.decoderResult().cause().getMessage(), -1, r.decoderResult().cause());
        } else if (r.status().isSuccess()) {
            succeed(ctx, PipelineNames.PROXY_ENCODER, PipelineNames.PROXY_DECODER);
        } else {
            fail("SOCKS4a proxy " + proxy + " did not connect to " + target + ": " + reply(r.status().byteValue()), -1, null);
        }
    }

    /** The SOCKS4 reply codes in words. */
    private static String reply(byte code) {
        switch (code & 0xff) {
            case 91: return "request rejected or failed (91)";
            case 92: return "request rejected: the proxy cannot reach the client's identd (92)";
            case 93: return "request rejected: identd reports a different user id (93)";
            default: return "reply code " + (code & 0xff);
        }
    }
}
