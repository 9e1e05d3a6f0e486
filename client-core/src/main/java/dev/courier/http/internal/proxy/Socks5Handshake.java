package dev.courier.http.internal.proxy;

import dev.courier.http.internal.PipelineNames;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.socksx.SocksMessage;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandRequest;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialRequest;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5CommandResponseDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthResponseDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Promise;

/**
 * The client side of SOCKS5 (RFC 1928) with Netty's codecs: offers "no authentication" and, when the
 * proxy URL has credentials, username/password (RFC 1929) as Go's socks dialer does; then CONNECT with
 * the origin's host name (address type DOMAIN), so the proxy resolves it, as Go does; IP literals go as
 * addresses. On success the encoder, the decoder and this handler leave the pipeline.
 */
final class Socks5Handshake extends HandshakeHandler {
    private final String host;
    private final int port;

    Socks5Handshake(ProxyEndpoint proxy, String host, int port, String target, Promise<Void> result) {
        super(proxy, target, result);
        this.host = host;
        this.port = port;
    }

    @Override
    String protocol() {
        return "SOCKS5";
    }

    @Override
    void start(ChannelHandlerContext ctx) {
        send(ctx, proxy.hasCredentials()
                ? new DefaultSocks5InitialRequest(Socks5AuthMethod.NO_AUTH, Socks5AuthMethod.PASSWORD)
                : new DefaultSocks5InitialRequest(Socks5AuthMethod.NO_AUTH));
    }

    @Override
    void answer(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof SocksMessage)) {
            return;
        }
        DecoderResult decoded = ((SocksMessage) msg).decoderResult();
        if (decoded.isFailure()) {
            fail("proxy " + proxy + " sent an invalid SOCKS5 answer for " + target + ": " + decoded.cause().getMessage(),
                    -1, decoded.cause());
            return;
        }
        if (msg instanceof Socks5InitialResponse) {
            Socks5AuthMethod method = ((Socks5InitialResponse) msg).authMethod();
            if (method.equals(Socks5AuthMethod.NO_AUTH)) {
                connect(ctx);
            } else if (method.equals(Socks5AuthMethod.PASSWORD) && proxy.hasCredentials()) {
                ctx.pipeline().replace(PipelineNames.PROXY_DECODER, PipelineNames.PROXY_DECODER,
                        new Socks5PasswordAuthResponseDecoder());
                DefaultSocks5PasswordAuthRequest auth;
                try {
                    auth = new DefaultSocks5PasswordAuthRequest(proxy.username(), proxy.password());
                } catch (IllegalArgumentException tooLong) {
                    fail("the credentials for SOCKS5 proxy " + proxy + " cannot be sent: " + tooLong.getMessage(), -1, tooLong);
                    return;
                }
                send(ctx, auth);
            } else {
                fail("SOCKS5 proxy " + proxy + " accepts none of the offered authentication methods ("
                        + (proxy.hasCredentials() ? "none, username/password" : "none; it may want a user:password@ in the proxy URL")
                        + ") for " + target, -1, null);
            }
        } else if (msg instanceof Socks5PasswordAuthResponse) {
            if (((Socks5PasswordAuthResponse) msg).status().equals(Socks5PasswordAuthStatus.SUCCESS)) {
                connect(ctx);
            } else {
                fail("SOCKS5 proxy " + proxy + " rejected the username/password of user \"" + proxy.username()
                        + "\" (for " + target + ")", -1, null);
            }
        } else if (msg instanceof Socks5CommandResponse) {
            Socks5CommandResponse r = (Socks5CommandResponse) msg;
            if (r.status().isSuccess()) {
                succeed(ctx, PipelineNames.PROXY_ENCODER, PipelineNames.PROXY_DECODER);
            } else {
                fail("SOCKS5 proxy " + proxy + " could not connect to " + target + ": " + reply(r.status().byteValue()),
                        -1, null);
            }
        }
    }

    private void connect(ChannelHandlerContext ctx) {
        ctx.pipeline().replace(PipelineNames.PROXY_DECODER, PipelineNames.PROXY_DECODER, new Socks5CommandResponseDecoder());
        Socks5AddressType type = NetUtil.isValidIpV4Address(host) ? Socks5AddressType.IPv4
                : NetUtil.isValidIpV6Address(host) ? Socks5AddressType.IPv6 : Socks5AddressType.DOMAIN;
        send(ctx, new DefaultSocks5CommandRequest(Socks5CommandType.CONNECT, type, host, port));
    }

    /** RFC 1928 section 6's reply field, in words. */
    static String reply(byte code) {
        switch (code) {
            case 1: return "general SOCKS server failure (1)";
            case 2: return "connection not allowed by ruleset (2)";
            case 3: return "network unreachable (3)";
            case 4: return "host unreachable (4)";
            case 5: return "connection refused (5)";
            case 6: return "TTL expired (6)";
            case 7: return "command not supported (7)";
            case 8: return "address type not supported (8)";
            default: return "reply code " + (code & 0xff);
        }
    }
}
