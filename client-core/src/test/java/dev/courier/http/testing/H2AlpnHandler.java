package dev.courier.http.testing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

/**
 * Installs an {@link H2TestServer} connection's protocol once the TLS handshake has chosen it by ALPN: HTTP/2, or the
 * HTTP/1.1 fallback when the server offers it. A client that negotiates nothing gets the server's first protocol.
 */
final class H2AlpnHandler extends ApplicationProtocolNegotiationHandler {

    private final H2TestServer server;
    private final int connectionIndex;
    private final boolean http1Fallback;

    H2AlpnHandler(H2TestServer server, int connectionIndex, boolean http1Fallback) {
        super(http1Fallback ? ApplicationProtocolNames.HTTP_1_1 : ApplicationProtocolNames.HTTP_2);
        this.server = server;
        this.connectionIndex = connectionIndex;
        this.http1Fallback = http1Fallback;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        ChannelPipeline p = ctx.pipeline();
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            server.addHttp2Handlers(p, connectionIndex, "h2");
        } else if (http1Fallback && ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
            p.addLast(new HttpServerCodec(), new HttpObjectAggregator(H2RecordedRequest.MAX_BODY_BYTES),
                    new H2Http1Handler(server, connectionIndex));
        } else {
            ctx.close();
        }
    }
}
