package dev.courier.http.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-connection handler of a {@link TestServer}: records decoded requests and plays their responses in order.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter {

    private final TestServer server;
    private final int connectionIndex;
    private ChannelHandlerContext ctx;
    private int nextExchangeIndex;

    // The request currently being read.
    private HttpRequest head;
    private int exchangeIndex;
    private ByteArrayOutputStream body;
    private long bodySize;
    private boolean discardBody;
    private ServerResponse earlyScript;

    // Responses, answered in request order.
    private final ArrayDeque<ResponseWriter> pending = new ArrayDeque<>();
    private ResponseWriter current;
    private boolean draining;
    private boolean upgraded;
    private boolean inputClosed;
    private boolean broken;

    ServerConnection(TestServer server, int connectionIndex) {
        this.server = server;
        this.connectionIndex = connectionIndex;
    }

    /** Whether no request is being read or answered (called on the event loop). */
    boolean isIdle() {
        return head == null && current == null && pending.isEmpty() && !upgraded;
    }

    boolean inputClosed() {
        return inputClosed;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (upgraded) {
                if (msg instanceof ByteBuf) {
                    ctx.writeAndFlush(msg);
                    msg = null;
                }
                return;
            }
            if (broken) {
                return;
            }
            if (msg instanceof HttpObject && ((HttpObject) msg).decoderResult().isFailure()) {
                badRequest();
                return;
            }
            if (msg instanceof HttpRequest) {
                onHead((HttpRequest) msg);
            }
            if (msg instanceof HttpContent) {
                onContent((HttpContent) msg);
            }
        } finally {
            if (msg != null) {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private void onHead(HttpRequest request) {
        server.requestHeadersReceived();
        head = request;
        exchangeIndex = nextExchangeIndex++;
        body = new ByteArrayOutputStream();
        bodySize = 0;
        discardBody = false;
        earlyScript = null;
        if (server.resetAfterRequestBodyBytes() == 0) {
            reset();
            return;
        }
        if (!HttpUtil.is100ContinueExpected(request)) {
            return;
        }
        // The script decides whether to read the body, so it is chosen now, from the headers alone.
        ServerResponse script = server.nextResponse(record(null));
        earlyScript = script;
        ExpectMode mode = script.expectMode() == null ? ExpectMode.SEND_100 : script.expectMode();
        switch (mode) {
            case SEND_100:
                enqueue(ResponseWriter.raw(ctx, this, server, ResponseEncoder.CONTINUE_100, false));
                break;
            case FINAL_WITHOUT_100:
                RecordedRequest recorded = record(null);
                server.record(recorded);
                discardBody = true;
                enqueue(new ResponseWriter(ctx, this, server, script, recorded, true));
                break;
            case IGNORE:
            default:
                break;
        }
    }

    private void onContent(HttpContent content) {
        if (head == null) {
            return;
        }
        if (!discardBody) {
            ByteBuf buf = content.content();
            int n = buf.readableBytes();
            bodySize += n;
            long resetAt = server.resetAfterRequestBodyBytes();
            if (resetAt > 0 && bodySize >= resetAt) {
                reset();
                return;
            }
            int keep = Math.min(n, RecordedRequest.MAX_BODY_BYTES - body.size());
            if (keep > 0) {
                byte[] bytes = new byte[keep];
                buf.getBytes(buf.readerIndex(), bytes);
                body.write(bytes, 0, keep);
            }
        }
        if (!(content instanceof LastHttpContent)) {
            return;
        }
        HttpRequest request = head;
        boolean discarded = discardBody;
        RecordedRequest recorded = discarded ? null : record(((LastHttpContent) content).trailingHeaders());
        head = null;
        body = null;
        if (discarded) {
            return;
        }
        server.record(recorded);
        ServerResponse script = earlyScript != null ? earlyScript : server.nextResponse(recorded);
        earlyScript = null;
        enqueue(new ResponseWriter(ctx, this, server, script, recorded, !HttpUtil.isKeepAlive(request)));
    }

    private RecordedRequest record(HttpHeaders trailers) {
        HttpRequest r = head;
        return new RecordedRequest(r.method().name(), r.uri(), r.protocolVersion().text(), entries(r.headers()),
                body.toByteArray(), bodySize, HttpUtil.isTransferEncodingChunked(r), entries(trailers),
                connectionIndex, exchangeIndex);
    }

    private static List<Map.Entry<String, String>> entries(HttpHeaders headers) {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        if (headers != null) {
            headers.iteratorAsString().forEachRemaining(e -> list.add(Map.entry(e.getKey(), e.getValue())));
        }
        return list;
    }

    private void badRequest() {
        broken = true;
        head = null;
        body = null;
        enqueue(ResponseWriter.raw(ctx, this, server, ResponseEncoder.BAD_REQUEST, true));
    }

    /** Drops the request being read and resets the connection (SO_LINGER 0, then close: a TCP RST). */
    private void reset() {
        broken = true;
        head = null;
        body = null;
        ctx.channel().config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
        // From the first handler: no TLS close_notify first, just the reset.
        io.netty.channel.ChannelHandlerContext first = ctx.pipeline().firstContext();
        (first != null ? first : ctx).close();
    }

    private void enqueue(ResponseWriter writer) {
        pending.add(writer);
        runNext();
    }

    /** Called by the current writer when its response is complete and the connection stays usable. */
    void exchangeDone(ResponseWriter writer) {
        if (current == writer) {
            current = null;
            runNext();
        }
    }

    private void runNext() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (current == null && ctx.channel().isActive()) {
                ResponseWriter writer = pending.poll();
                if (writer == null) {
                    break;
                }
                current = writer;
                writer.start();
            }
        } finally {
            draining = false;
        }
        if (inputClosed && current == null && pending.isEmpty()) {
            ctx.close();
        }
    }

    /** Drops the HTTP decoder; from now on every byte received is written back. */
    void switchToEcho() {
        upgraded = true;
        head = null;
        body = null;
        pending.clear();
        if (ctx.pipeline().get(HttpRequestDecoder.class) != null) {
            ctx.pipeline().remove(HttpRequestDecoder.class);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputClosed = true;
            head = null;
            if (upgraded || current == null && pending.isEmpty() || current != null && current.neverEnding()) {
                ctx.close();
            }
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pending.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
