package dev.courier.http.internal.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits in front of the SslHandler and looks at the first five bytes the server sends: "HTTP/" means a
 * plaintext HTTP server answered our ClientHello, which the handshake's failure then reports as Go does
 * ("server gave HTTP response to HTTPS client"). The engines cannot say so themselves: the JDK's names the
 * bytes only in hex, BoringSSL's not at all. Removes itself once it has decided. Event-loop confined.
 */
public final class PlaintextReplyDetector extends ChannelInboundHandlerAdapter {
    private static final byte[] HTTP = {'H', 'T', 'T', 'P', '/'};

    private int matched;
    private boolean decided;
    private boolean plaintextHttp;

    /** True when the server's first bytes were "HTTP/". */
    public boolean sawPlaintextHttp() {
        return plaintextHttp;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!decided && msg instanceof ByteBuf) {
            ByteBuf buf = (ByteBuf) msg;
            for (int i = buf.readerIndex(); i < buf.writerIndex() && matched < HTTP.length; i++) {
                if (buf.getByte(i) != HTTP[matched]) {
                    decided = true;
                    break;
                }
                matched++;
            }
            if (matched == HTTP.length) {
                decided = true;
                plaintextHttp = true;
            }
        }
        ctx.fireChannelRead(msg);
        if (decided && !ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }
}
