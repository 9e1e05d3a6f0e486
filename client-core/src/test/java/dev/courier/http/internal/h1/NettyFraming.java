package dev.courier.http.internal.h1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * Runs bytes through Netty's {@link HttpResponseDecoder} (the reference that {@link Http1ResponseDecoder}
 * replaced), one read per piece and then the close, into a {@link Framing}. Its limits are set far above any
 * fuzz input, so that only the syntax decides what it accepts; a HEAD request's responses are bodiless as
 * Netty's {@code HttpClientCodec} makes them.
 */
final class NettyFraming {
    private static final int LIMIT = 1 << 20;
    private static final UnpooledByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(false, true);

    private NettyFraming() {
    }

    static Framing decode(List<byte[]> pieces, boolean head) {
        HttpResponseDecoder decoder = new HttpResponseDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(LIMIT).setMaxHeaderSize(LIMIT).setMaxChunkSize(LIMIT)) {
            @Override
            protected boolean isContentAlwaysEmpty(HttpMessage msg) {
                return head || super.isContentAlwaysEmpty(msg);
            }
        };
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(UNTRACKED); // Netty is the reference here, not under test: no leak tracking cost
        ch.pipeline().addLast(decoder);
        Framing framing = new Framing();
        try {
            for (byte[] piece : pieces) {
                ch.writeInbound(Unpooled.wrappedBuffer(piece));
                drain(ch, framing);
            }
            ch.finish();
            drain(ch, framing);
        } finally {
            ch.finishAndReleaseAll();
        }
        return framing;
    }

    private static void drain(EmbeddedChannel ch, Framing framing) {
        for (Object msg; (msg = ch.readInbound()) != null; ) {
            try {
                record(msg, framing);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private static void record(Object msg, Framing framing) {
        if (framing.failure != null) {
            return;
        }
        if (msg instanceof HttpMessage && ((HttpMessage) msg).decoderResult().isFailure()
                || msg instanceof HttpContent && ((HttpContent) msg).decoderResult().isFailure()) {
            Throwable cause = msg instanceof HttpMessage ? ((HttpMessage) msg).decoderResult().cause()
                    : ((HttpContent) msg).decoderResult().cause();
            framing.failure = cause.getClass().getSimpleName();
            framing.failureDetail = String.valueOf(cause.getMessage());
            return;
        }
        if (msg instanceof HttpResponse) {
            HttpResponse r = (HttpResponse) msg;
            Framing.Message m = new Framing.Message(r.status().code());
            List<String> te = r.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
            m.transferEncoding = te.isEmpty() ? null : String.join(",", te);
            m.http10 = r.protocolVersion().equals(HttpVersion.HTTP_1_0);
            framing.messages.add(m);
        }
        if (msg instanceof HttpContent) {
            ByteBuf content = ((HttpContent) msg).content();
            byte[] b = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), b);
            framing.append(b);
            if (msg instanceof LastHttpContent) {
                framing.current().ended = true;
            }
        } else if (msg instanceof ByteBuf) {
            ByteBuf raw = (ByteBuf) msg; // after a protocol switch
            byte[] b = new byte[raw.readableBytes()];
            raw.getBytes(raw.readerIndex(), b);
            framing.afterUpgrade.writeBytes(b);
        }
    }
}
