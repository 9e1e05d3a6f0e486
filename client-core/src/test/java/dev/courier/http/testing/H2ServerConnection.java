package dev.courier.http.testing;

import dev.courier.http.Headers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * One HTTP/2 connection of an {@link H2TestServer}: Netty's connection handler (framing, HPACK, flow control, stream
 * states) with this class as its frame listener, recording requests and playing {@link H2Response} scripts per stream.
 *
 * <p>A plain {@link Http2ConnectionHandler} rather than the frame codec and multiplex handler, because the faults
 * need the connection's internals: GOAWAY with a chosen last-stream-id that does not close the connection at once,
 * RST_STREAM at exact points, PINGs acknowledged by hand, request-body credit withheld. All on the event loop.
 */
final class H2ServerConnection extends Http2ConnectionHandler implements Http2FrameListener {

    private static final int CHUNK = 16 * 1024;
    private static final long FLOOD_LIMIT = 64L << 20;
    /** For huge header blocks only: see {@link #writeHeaders}. */
    private static final io.netty.buffer.ByteBufAllocator UNTRACKED =
            new io.netty.buffer.UnpooledByteBufAllocator(false, true);
    private static final int PATTERN_PERIOD = 251;
    /** Byte i is {@code i % 251}; a chunk of a streamed body at offset o is a slice starting at {@code o % 251}. */
    private static final byte[] PATTERN = new byte[CHUNK + PATTERN_PERIOD];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) (i % PATTERN_PERIOD);
        }
    }

    private final H2TestServer server;
    private final int connectionIndex;
    private final String protocol;
    private final Map<Integer, Exchange> exchanges = new HashMap<>();
    private ChannelHandlerContext ctx;
    private boolean closeWhenIdle;
    private boolean closing;
    /** The stream a {@link H2Response#continuationFlood()} is flooding, 0 when none; bytes sent so far. */
    private int floodStream;
    private long flooded;

    private H2ServerConnection(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
            Http2Settings initialSettings, H2TestServer server, int connectionIndex, String protocol) {
        super(decoder, encoder, initialSettings);
        this.server = server;
        this.connectionIndex = connectionIndex;
        this.protocol = protocol;
    }

    /** A handler for a new connection; {@code protocol} is "h2" or "h2c". */
    static H2ServerConnection create(H2TestServer server, int connectionIndex, String protocol, H2Settings settings) {
        return new Builder(server, connectionIndex, protocol, settings).build();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
        encoder().flowController().listener(stream -> resume(stream.id()));
        connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                streamClosed(stream.id());
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx); // closes every stream, which records the requests left unfinished
        for (Exchange x : new ArrayList<>(exchanges.values())) {
            streamClosed(x.streamId);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        super.channelWritabilityChanged(ctx);
        resumeAll();
        if (floodStream != 0) {
            flood();
        }
    }

    // ---- commands from the server (on the event loop) ----

    /** Sends GOAWAY with last-stream-id = the highest stream the client opened; closes once no stream is active. */
    void goAwayNow(long errorCode, String debugData) {
        sendGoAway(connection().remote().lastStreamCreated(), errorCode, debugData);
    }

    /** Returns all withheld request-body credit (WINDOW_UPDATE) after {@link H2TestServer#stallRequestBodies}. */
    void releaseRequestBodyCredit() {
        Http2LocalFlowController flow = decoder().flowController();
        try {
            connection().forEachActiveStream(stream -> {
                int unconsumed = flow.unconsumedBytes(stream);
                if (unconsumed > 0) {
                    flow.consumeBytes(stream, unconsumed);
                }
                return true;
            });
        } catch (Http2Exception e) {
            onError(ctx, false, e);
        }
        flush(ctx);
    }

    /** Closes the TCP connection with no GOAWAY and no TLS close_notify (skips every handler). */
    void closeAbruptly() {
        ChannelHandlerContext first = ctx.pipeline().firstContext();
        (first != null ? first : ctx).close();
    }

    // ---- frames from the client ----

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
            boolean endOfStream) {
        Exchange x = exchanges.get(streamId);
        if (x == null) {
            x = new Exchange(streamId, headers);
            exchanges.put(streamId, x);
            server.requestHeadersReceived();
            if (server.resetAfterRequestBodyBytes() == 0) {
                resetConnection();
                return;
            }
            if (!endOfStream && headers.contains("expect", "100-continue", true) && !server.ignoringExpectContinue()) {
                encoder().writeHeaders(ctx, streamId, new DefaultHttp2Headers().status("100"), 0, false,
                        ctx.newPromise());
            }
        } else if (!x.recorded) {
            x.trailers = toHeaders(headers);
        }
        if (endOfStream) {
            requestEnded(x, true);
        }
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
            short weight, boolean exclusive, int padding, boolean endOfStream) {
        onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
        int length = data.readableBytes();
        Exchange x = exchanges.get(streamId);
        if (x != null && !x.recorded) {
            int keep = (int) Math.max(0, Math.min(length, H2RecordedRequest.MAX_BODY_BYTES - x.bodySize));
            if (keep > 0) {
                x.body.writeBytes(ByteBufUtil.getBytes(data, data.readerIndex(), keep));
            }
            x.bodySize += length;
            long resetAt = server.resetAfterRequestBodyBytes();
            if (resetAt > 0 && x.bodySize >= resetAt) {
                resetConnection();
                return length + padding;
            }
            if (endOfStream) {
                requestEnded(x, true);
            }
        }
        // While stalled, the bytes stay unconsumed: no WINDOW_UPDATE until releaseRequestBodyCredit().
        return server.requestBodiesStalled() ? 0 : length + padding;
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
        // Counted by H2FrameCounter; Netty closes the stream right after, which records an unfinished request.
    }

    @Override
    public void onPingRead(ChannelHandlerContext ctx, long data) {
        if (!server.ignoringPings()) {
            encoder().writePing(ctx, true, data, ctx.newPromise());
            flush(ctx);
        }
    }

    @Override
    public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
        if (streamId == 0) {
            resumeAll();
        } else {
            resume(streamId);
        }
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
        resumeAll(); // a larger SETTINGS_INITIAL_WINDOW_SIZE grows every stream window
    }

    @Override
    public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency, short weight,
            boolean exclusive) {
    }

    @Override
    public void onSettingsAckRead(ChannelHandlerContext ctx) {
    }

    @Override
    public void onPingAckRead(ChannelHandlerContext ctx, long data) {
    }

    @Override
    public void onPushPromiseRead(ChannelHandlerContext ctx, int streamId, int promisedStreamId,
            Http2Headers headers, int padding) {
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
    }

    @Override
    public void onUnknownFrame(ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags,
            ByteBuf payload) {
    }

    // ---- requests and responses ----

    private void requestEnded(Exchange x, boolean complete) {
        if (x.recorded) {
            return;
        }
        x.recorded = true;
        byte[] body = x.body.toByteArray();
        x.body = null;
        H2RecordedRequest request = new H2RecordedRequest(protocol, x.method, x.path, x.authority, x.scheme,
                x.headers, body, x.bodySize, x.trailers, complete, x.streamId, connectionIndex);
        server.record(request);
        if (complete) {
            answer(x, server.nextResponse(request), request);
        }
    }

    private void answer(Exchange x, H2Response r, H2RecordedRequest request) {
        x.response = r;
        if (r.closeConnectionSet()) {
            closeAbruptly();
        } else if (r.resetConnectionSet()) {
            resetConnection();
        } else if (r.cutInsideHeadersSet()) {
            // A header block without END_HEADERS: the client must wait for a CONTINUATION that never comes.
            ctx.writeAndFlush(H2RawFrames.frame(ctx.alloc(), H2RawFrames.TYPE_HEADERS, 0, x.streamId,
                    H2RawFrames.STATUS_200)).addListener(f -> resetConnection());
        } else if (r.continuationFloodSet()) {
            ctx.write(H2RawFrames.frame(ctx.alloc(), H2RawFrames.TYPE_HEADERS, 0, x.streamId, H2RawFrames.STATUS_200));
            floodStream = x.streamId;
            flood();
        } else if (r.noResponseSet()) {
            return;
        } else if (r.goAwayBeforeCode() >= 0) {
            // The previous client stream (or 0): this stream and any later one count as unprocessed.
            sendGoAway(Math.max(0, x.streamId - 2), r.goAwayBeforeCode(), r.goAwayBeforeDebug());
        } else if (r.floodFrames() > 0) {
            later(r.headersDelay(), () -> writeContinuationFlood(x));
        } else if (r.rstStreamCode() >= 0) {
            reset(x.streamId, r.rstStreamCode());
        } else {
            if (r.streamTotal() >= 0) {
                x.length = r.streamTotal();
            } else {
                byte[] body = r.echoBodySet() ? request.body() : r.body();
                x.fixedBody = r.gzipSet() ? gzip(body) : body;
                x.length = x.fixedBody.length;
            }
            later(r.headersDelay(), () -> writeHead(x));
        }
    }

    private void writeHead(Exchange x) {
        if (!sendable(x)) {
            return;
        }
        H2Response r = x.response;
        for (int code : r.informationalCodes()) {
            Http2Headers interim = new DefaultHttp2Headers().status(Integer.toString(code));
            if (code == 103) {
                interim.add("link", "</style.css>; rel=preload; as=style");
            }
            encoder().writeHeaders(ctx, x.streamId, interim, 0, false, ctx.newPromise());
        }
        Http2Headers head = responseHeaders(x);
        if (r.rstAfterHeadersCode() >= 0) {
            writeHeaders(x, head, false, ctx.newPromise());
            reset(x.streamId, r.rstAfterHeadersCode());
            return;
        }
        x.truncated = r.rstAfterBytesCount() >= 0;
        x.remaining = x.truncated ? Math.min(r.rstAfterBytesCount(), x.length) : x.length;
        boolean headRequest = "HEAD".equals(x.method); // content-length as for GET, no content (RFC 9110 9.3.2)
        if (headRequest) {
            x.remaining = 0;
        }
        boolean endStream = x.remaining == 0 && !x.truncated && (headRequest || r.trailers().isEmpty());
        ChannelPromise written = ctx.newPromise();
        writeHeaders(x, head, endStream, written);
        flush(ctx);
        if (endStream) {
            responseWritten(x, written);
        } else if (x.remaining == 0) {
            bodyWritten(x, written);
        } else if (r.bodyGate() != null) {
            r.bodyGate().whenComplete((v, e) -> ctx.executor().execute(() -> later(r.bodyDelay(), () -> startBody(x))));
        } else {
            later(r.bodyDelay(), () -> startBody(x));
        }
    }

    private void startBody(Exchange x) {
        x.pumping = true;
        pump(x);
    }

    /**
     * Writes CONTINUATION frames of the never-ending header block of {@link #floodStream} while the socket takes
     * them; resumed by writability, stopped by the client closing the connection or after 64 MiB.
     */
    private void flood() {
        int batch = 0;
        while (floodStream != 0 && ctx.channel().isActive() && ctx.channel().isWritable() && batch < 64) {
            if (flooded >= FLOOD_LIMIT) {
                floodStream = 0;
                break;
            }
            byte[] fragment = H2RawFrames.literalFields((int) (flooded / 100), 1024);
            ctx.write(H2RawFrames.frame(ctx.alloc(), H2RawFrames.TYPE_CONTINUATION, 0, floodStream, fragment));
            flooded += fragment.length;
            batch++;
        }
        ctx.flush();
        if (floodStream != 0 && ctx.channel().isActive() && ctx.channel().isWritable()) {
            ctx.executor().execute(this::flood); // let the loop read the client's GOAWAY between batches
        }
    }

    /** Resets the TCP connection: SO_LINGER 0, then close skipping every handler (no GOAWAY, no close_notify). */
    void resetConnection() {
        if (ctx.channel().isOpen()) {
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        }
        closeAbruptly();
    }

    /** {@link H2Response#continuationFlood}: raw frames straight to the socket side of this handler. */
    private void writeContinuationFlood(Exchange x) {
        if (!sendable(x)) {
            return;
        }
        int frames = x.response.floodFrames();
        int size = x.response.floodFrameBytes();
        // HPACK literals without indexing (RFC 7541 section 6.2.2): 0x00, name, value; 100-byte values.
        byte[] field = new byte[1 + 1 + 7 + 1 + 100];
        field[1] = 7;
        System.arraycopy("x-flood".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, field, 2, 7);
        field[9] = 100;
        java.util.Arrays.fill(field, 10, field.length, (byte) 'a');
        // Built in an array (a leak-tracked buffer records a stack trace per byte written at PARANOID).
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(9 + 1 + frames * (9 + size));
        writeFrameHeader(out, 1, 0x1, x.streamId); // HEADERS, no END_HEADERS
        out.put((byte) 0x88); // indexed field 8: ":status: 200"
        int inField = 0;
        for (int i = 0; i < frames; i++) {
            writeFrameHeader(out, size, 0x9, x.streamId); // CONTINUATION, no END_HEADERS
            for (int b = 0; b < size; b++) {
                out.put(field[inField]);
                inField = (inField + 1) % field.length;
            }
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(out.array()));
    }

    private static void writeFrameHeader(java.nio.ByteBuffer out, int length, int type, int streamId) {
        out.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
        out.put((byte) type).put((byte) 0).putInt(streamId); // no flags
    }

    /**
     * Writes the response's header block. A huge one is encoded into a buffer the leak detector does not track: at
     * PARANOID it records a stack trace for every byte the HPACK encoder writes, which turns megabytes of headers
     * into minutes of this loop's time (and a header timeout at the client, whatever the client does).
     */
    private void writeHeaders(Exchange x, Http2Headers head, boolean endStream, ChannelPromise promise) {
        if (x.response.hugeHeadersBytes() == 0) {
            encoder().writeHeaders(ctx, x.streamId, head, 0, endStream, promise);
            return;
        }
        io.netty.channel.ChannelConfig config = ctx.channel().config();
        io.netty.buffer.ByteBufAllocator tracked = config.getAllocator();
        config.setAllocator(UNTRACKED);
        try {
            encoder().writeHeaders(ctx, x.streamId, head, 0, endStream, promise);
        } finally {
            config.setAllocator(tracked);
        }
    }

    private Http2Headers responseHeaders(Exchange x) {
        H2Response r = x.response;
        boolean raw = r.rawStatus() != null || r.omitsStatus() || !r.rawHeaders().isEmpty();
        Http2Headers head = new DefaultHttp2Headers(!raw); // a malformed script goes out as written
        if (!r.omitsStatus()) {
            head.status(r.rawStatus() != null ? r.rawStatus() : Integer.toString(r.code()));
        }
        for (Map.Entry<String, String> e : r.headers()) {
            head.add(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
        }
        for (Map.Entry<String, String> e : r.rawHeaders()) {
            head.add(e.getKey(), e.getValue());
        }
        if (r.gzipSet() && !head.contains("content-encoding")) {
            head.set("content-encoding", "gzip");
        }
        if (x.length > 0 && !head.contains("content-length")) {
            head.set("content-length", Long.toString(x.length));
        }
        int filler = 0;
        for (int left = r.hugeHeadersBytes(); left > 0; filler++) {
            String name = "x-filler-" + filler;
            int valueLength = Math.max(1, Math.min(1024, left - name.length()));
            head.add(name, "f".repeat(valueLength));
            left -= name.length() + valueLength;
        }
        return head;
    }

    /** Writes body DATA while the client's windows and the socket take it; resumed by window and writability events. */
    private void pump(Exchange x) {
        if (!x.pumping || x.inPump) {
            return;
        }
        x.inPump = true;
        try {
            boolean ignoreWindows = x.response.ignoresFlowControl();
            while (x.remaining > 0 && sendable(x) && (ignoreWindows ? ctx.channel().isWritable()
                    : encoder().flowController().isWritable(connection().stream(x.streamId)))) {
                int length = (int) Math.min(CHUNK, x.remaining);
                ByteBuf chunk = x.fixedBody != null
                        ? Unpooled.wrappedBuffer(x.fixedBody, (int) x.offset, length)
                        : Unpooled.wrappedBuffer(PATTERN, (int) (x.offset % PATTERN_PERIOD), length);
                x.offset += length;
                x.remaining -= length;
                boolean last = x.remaining == 0;
                boolean endStream = last && !x.truncated && x.response.trailers().isEmpty();
                ChannelPromise written = ctx.newPromise();
                if (ignoreWindows) {
                    frameWriter().writeData(ctx, x.streamId, chunk, 0, endStream, written); // past the flow controller
                } else {
                    encoder().writeData(ctx, x.streamId, chunk, 0, endStream, written);
                }
                if (last) {
                    x.pumping = false;
                    if (endStream) {
                        responseWritten(x, written);
                    } else {
                        bodyWritten(x, written);
                    }
                }
                flush(ctx);
            }
        } finally {
            x.inPump = false;
        }
    }

    /** The last body byte is queued: reset (rstAfterBytes, once the bytes are out) or send the trailers. */
    private void bodyWritten(Exchange x, ChannelFuture lastWrite) {
        H2Response r = x.response;
        if (x.truncated) {
            lastWrite.addListener(f -> {
                if (!f.isSuccess()) {
                    return;
                }
                if (r.resetsConnectionAfterBytes()) {
                    resetConnection();
                } else {
                    reset(x.streamId, r.rstAfterBytesCode());
                }
            });
            return;
        }
        Http2Headers trailers = new DefaultHttp2Headers();
        for (Map.Entry<String, String> e : r.trailers()) {
            trailers.add(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
        }
        ChannelPromise written = ctx.newPromise();
        encoder().writeHeaders(ctx, x.streamId, trailers, 0, true, written);
        flush(ctx);
        responseWritten(x, written);
    }

    private void responseWritten(Exchange x, ChannelFuture lastWrite) {
        H2Response r = x.response;
        if (r.goAwayAfterCode() >= 0) {
            lastWrite.addListener(f -> sendGoAway(x.streamId, r.goAwayAfterCode(), r.goAwayAfterDebug()));
        }
    }

    private void resume(int streamId) {
        Exchange x = exchanges.get(streamId);
        if (x != null && x.pumping) {
            pump(x);
        }
    }

    private void resumeAll() {
        for (Exchange x : new ArrayList<>(exchanges.values())) {
            if (x.pumping) {
                pump(x);
            }
        }
    }

    private void streamClosed(int streamId) {
        Exchange x = exchanges.remove(streamId);
        if (x != null) {
            x.pumping = false;
            requestEnded(x, false); // no-op when the request had ended
        }
        if (closeWhenIdle) {
            ctx.executor().execute(this::closeIfIdle); // not from inside Netty's stream-closing loop
        }
    }

    private boolean sendable(Exchange x) {
        Http2Stream stream = connection().stream(x.streamId);
        return stream != null && ctx.channel().isActive()
                && (stream.state() == Http2Stream.State.OPEN || stream.state() == Http2Stream.State.HALF_CLOSED_REMOTE);
    }

    private void reset(int streamId, long errorCode) {
        resetStream(ctx, streamId, errorCode, ctx.newPromise());
        flush(ctx);
    }

    /**
     * Sends GOAWAY without Netty's immediate close for error codes: the streams up to {@code lastStreamId} may finish,
     * then the connection closes (the later ones Netty closes locally at once).
     */
    private void sendGoAway(int lastStreamId, long errorCode, String debugData) {
        if (!ctx.channel().isActive()) {
            return;
        }
        Http2Connection c = connection();
        int last = c.goAwaySent() ? Math.min(lastStreamId, c.remote().lastStreamKnownByPeer()) : lastStreamId;
        ByteBuf debug = ByteBufUtil.writeUtf8(ctx.alloc(), debugData);
        try {
            c.goAwaySent(last, errorCode, debug);
        } catch (Http2Exception e) {
            debug.release();
            throw new IllegalStateException(e);
        }
        frameWriter().writeGoAway(ctx, last, errorCode, debug, ctx.newPromise());
        flush(ctx);
        closeWhenIdle = true;
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (closeWhenIdle && !closing && ctx.channel().isActive() && connection().numActiveStreams() == 0) {
            closing = true;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void later(Duration delay, Runnable step) {
        Runnable guarded = () -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                e.printStackTrace();
                closeAbruptly();
            }
        };
        if (delay.isZero()) {
            guarded.run();
        } else {
            ctx.executor().schedule(guarded, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private static Headers toHeaders(Http2Headers headers) {
        Headers.Builder b = Headers.newBuilder();
        for (Map.Entry<CharSequence, CharSequence> e : headers) {
            String name = e.getKey().toString();
            if (!name.startsWith(":")) {
                b.add(name, e.getValue().toString());
            }
        }
        return b.build();
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String string(CharSequence s) {
        return s == null ? null : s.toString();
    }

    /** The state of one stream: the request as it arrives, then the response being written. */
    private static final class Exchange {
        final int streamId;
        final String method;
        final String path;
        final String authority;
        final String scheme;
        final Headers headers;
        Headers trailers = Headers.empty();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long bodySize;
        boolean recorded;

        H2Response response;
        byte[] fixedBody; // null for a generated (streamed) body
        long length;
        long offset;
        long remaining;
        boolean truncated;
        boolean pumping;
        boolean inPump;

        Exchange(int streamId, Http2Headers h) {
            this.streamId = streamId;
            this.method = string(h.method());
            this.path = string(h.path());
            this.authority = string(h.authority());
            this.scheme = string(h.scheme());
            this.headers = toHeaders(h);
        }
    }

    /** Netty's builder with the fixture's choices; the handler is its own frame listener. */
    private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<H2ServerConnection, Builder> {
        private final H2TestServer server;
        private final int connectionIndex;
        private final String protocol;

        Builder(H2TestServer server, int connectionIndex, String protocol, H2Settings settings) {
            this.server = server;
            this.connectionIndex = connectionIndex;
            this.protocol = protocol;
            server(true);
            initialSettings(settings.toNetty());
            autoAckPingFrame(false);             // acked by hand, unless the server ignores PINGs
            encoderIgnoreMaxHeaderListSize(true); // hugeHeaders() goes out even beyond the client's limit
            decoderEnforceMaxRstFramesPerWindow(0, 0); // tests may cancel many streams quickly
            frameLogger(new H2FrameCounter(server, connectionIndex));
        }

        @Override
        protected H2ServerConnection build() {
            return super.build();
        }

        @Override
        protected H2ServerConnection build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                Http2Settings initialSettings) {
            H2ServerConnection handler = new H2ServerConnection(decoder, encoder, initialSettings, server,
                    connectionIndex, protocol);
            frameListener(handler);
            return handler;
        }
    }
}
