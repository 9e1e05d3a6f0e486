package dev.courier.http.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Plays one {@link ServerResponse} script onto a connection on its event loop: writes, flushes, delays and faults.
 */
final class ResponseWriter {

    private static final int STREAM_PIECE = 16 * 1024;
    private static final int PATTERN_PERIOD = 251;
    private static final byte[] PATTERN = new byte[STREAM_PIECE + PATTERN_PERIOD];
    private static final long ENDLESS_INTERVAL_MILLIS = 10;

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) (i % PATTERN_PERIOD);
        }
    }

    private enum Kind { WRITE, FLUSH, DELAY, GATE, LATE_GATE, STREAM, FEED, ENDLESS, NEVER, UPGRADE }

    /** One action of the plan; {@code body} marks payload bytes, {@code counted} bytes of the final response. */
    private record Step(Kind kind, byte[] bytes, boolean body, boolean counted, Duration delay) {
    }

    private final ChannelHandlerContext ctx;
    private final ServerConnection connection;
    private final TestServer server;
    private final ServerResponse script;
    private final List<Step> steps = new ArrayList<>();
    private final boolean truncating;
    private long budget;
    private boolean closeAtEnd;
    private int throttled;
    private int next;
    private boolean started;
    private boolean finished;
    private boolean neverEnding;
    private long streamRemaining;
    private long streamOffset;
    private boolean waitingForWritability;

    ResponseWriter(ChannelHandlerContext ctx, ServerConnection connection, TestServer server,
            ServerResponse script, RecordedRequest request, boolean forceClose) {
        this.ctx = ctx;
        this.connection = connection;
        this.server = server;
        this.script = script;
        this.truncating = script.truncateAfter() >= 0;
        this.budget = truncating ? script.truncateAfter() : Long.MAX_VALUE;
        plan(request, forceClose);
    }

    /** A writer that sends exactly these bytes (an interim or error response), optionally closing afterwards. */
    static ResponseWriter raw(ChannelHandlerContext ctx, ServerConnection connection, TestServer server,
            byte[] bytes, boolean close) {
        ServerResponse s = ServerResponse.status(close ? 400 : 100).raw(bytes);
        return new ResponseWriter(ctx, connection, server, close ? s.closeConnection() : s, null, false);
    }

    /** Whether this response never completes by itself (no response, endless 1xx, upgraded echo). */
    boolean neverEnding() {
        return neverEnding;
    }

    void start() {
        if (!started) {
            started = true;
            run();
        }
    }

    /** Resumes a streamed body once the channel drained below its low watermark. */
    void writabilityChanged() {
        if (waitingForWritability && ctx.channel().isWritable()) {
            waitingForWritability = false;
            pump();
        }
    }

    // ---- planning ----

    private void plan(RecordedRequest request, boolean forceClose) {
        ServerResponse s = script;
        if (!s.headersDelay().isZero()) {
            steps.add(new Step(Kind.DELAY, null, false, false, s.headersDelay()));
        }
        for (int i = 0; i < s.informationalTimes(); i++) {
            write(ResponseEncoder.interim(s.informationalCode()), false, false);
            steps.add(new Step(Kind.FLUSH, null, false, false, null));
        }
        if (s.endlessInformationalCode() != 0) {
            steps.add(new Step(Kind.ENDLESS, null, false, false, null));
            return;
        }
        if (s.noResponseSet()) {
            steps.add(new Step(Kind.NEVER, null, false, false, null));
            return;
        }
        closeAtEnd = forceClose || s.closesConnection();
        if (s.rawBytes() != null) {
            throttledWrite(s.rawBytes(), false);
            return;
        }
        boolean headRequest = request != null && "HEAD".equals(request.method());
        boolean stream = s.streamTotal() >= 0;
        boolean chunked = s.chunkSize() > 0 || s.badChunkSet() || (stream && s.streamChunked()) || s.feedSet() != null;
        closeAtEnd |= s.noContentLengthSet();
        byte[] body = stream ? null : ResponseEncoder.encodedBody(s, request);
        long length = stream ? s.streamTotal() : body.length;
        write(ResponseEncoder.head(s, length, chunked, forceClose), false, !s.truncatesBodyOnly());
        if (s.upgradeSet()) {
            steps.add(new Step(Kind.UPGRADE, null, false, false, null));
            return;
        }
        if (s.bodyGate() != null) {
            steps.add(new Step(Kind.GATE, null, false, false, null));
        }
        if (!s.bodyDelay().isZero()) {
            steps.add(new Step(Kind.FLUSH, null, false, false, null));
            steps.add(new Step(Kind.DELAY, null, false, false, s.bodyDelay()));
        }
        if (headRequest) {
            return;
        }
        if (s.feedSet() != null) {
            steps.add(new Step(Kind.FEED, null, false, false, null));
            write(ResponseEncoder.lastChunk(s.trailers()), false, true);
        } else if (stream) {
            steps.add(new Step(Kind.STREAM, null, false, false, null));
        } else if (chunked) {
            planChunks(body, s);
        } else {
            throttledWrite(body, true);
        }
        if (s.unsolicitedGate() != null) {
            steps.add(new Step(Kind.LATE_GATE, null, false, false, null));
            write(s.unsolicitedBytes(), false, false);
        }
    }

    private void planChunks(byte[] body, ServerResponse s) {
        if (s.badChunkSet() && body.length < 2) {
            body = "bad chunk body".getBytes(StandardCharsets.US_ASCII);
        }
        int size = s.chunkSize() > 0 ? s.chunkSize() : Math.max(1, body.length);
        if (s.badChunkSet()) {
            size = Math.min(size, (body.length + 1) / 2);
        }
        int index = 0;
        for (int off = 0; off < body.length; off += size, index++) {
            int n = Math.min(size, body.length - off);
            boolean bad = s.badChunkSet() && index == 1;
            throttledWrite(bad ? ResponseEncoder.ascii("zz\r\n") : ResponseEncoder.chunkHeader(n), false);
            throttledWrite(Arrays.copyOfRange(body, off, off + n), true);
            throttledWrite(ResponseEncoder.CRLF, false);
        }
        throttledWrite(ResponseEncoder.lastChunk(s.trailers()), false);
    }

    private void write(byte[] bytes, boolean body, boolean counted) {
        steps.add(new Step(Kind.WRITE, bytes, body, counted, null));
    }

    /** Adds body bytes, splitting them so a flush and a pause follow every {@code throttleBytes} bytes. */
    private void throttledWrite(byte[] bytes, boolean body) {
        int size = script.throttleBytes();
        if (size <= 0) {
            write(bytes, body, true);
            return;
        }
        int off = 0;
        while (off < bytes.length) {
            if (throttled == size) {
                steps.add(new Step(Kind.DELAY, null, false, false, script.throttlePeriod()));
                throttled = 0;
            }
            int n = Math.min(size - throttled, bytes.length - off);
            write(Arrays.copyOfRange(bytes, off, off + n), body, true);
            throttled += n;
            off += n;
        }
    }

    // ---- execution (always on the event loop) ----

    private void run() {
        while (!finished && next < steps.size()) {
            if (!ctx.channel().isActive()) {
                finished = true;
                return;
            }
            Step step = steps.get(next++);
            switch (step.kind()) {
                case WRITE:
                    if (!send(step.bytes(), 0, step.bytes().length, step.body(), step.counted())) {
                        return;
                    }
                    break;
                case FLUSH:
                    ctx.flush();
                    break;
                case DELAY:
                    ctx.flush();
                    ctx.executor().schedule(this::run, step.delay().toNanos(), TimeUnit.NANOSECONDS);
                    return;
                case GATE:
                    ctx.flush();
                    script.bodyGate().whenComplete((v, e) -> ctx.executor().execute(this::run));
                    return;
                case LATE_GATE:
                    ctx.flush();
                    script.unsolicitedGate().whenComplete((v, e) -> ctx.executor().execute(this::run));
                    return;
                case STREAM:
                    streamRemaining = script.streamTotal();
                    pump();
                    return;
                case FEED:
                    ctx.flush();
                    neverEnding = true; // until the test ends the feed: a client that closes meanwhile is closed on
                    script.feedSet().attach(ctx, () -> {
                        neverEnding = false;
                        run();
                    });
                    return;
                case ENDLESS:
                    neverEnding = true;
                    endless();
                    return;
                case NEVER:
                    neverEnding = true;
                    ctx.flush();
                    return;
                case UPGRADE:
                    neverEnding = true;
                    finished = true;
                    ctx.flush();
                    connection.switchToEcho();
                    return;
                default:
                    throw new IllegalStateException(step.kind().toString());
            }
        }
        if (finished) {
            return;
        }
        if (truncating || closeAtEnd) {
            terminate(truncating && script.truncateWithReset());
        } else {
            finished = true;
            ctx.flush();
            connection.exchangeDone(this);
        }
    }

    /** Writes the streamed body while the channel is writable; resumes on writability or continues the plan. */
    private void pump() {
        Channel ch = ctx.channel();
        if (finished || !ch.isActive()) {
            return;
        }
        boolean chunked = script.streamChunked();
        while (streamRemaining > 0 && ch.isWritable()) {
            int n = (int) Math.min(STREAM_PIECE, streamRemaining);
            if (chunked && !send(ResponseEncoder.chunkHeader(n), false)) {
                return;
            }
            if (!send(PATTERN, (int) (streamOffset % PATTERN_PERIOD), n, true, true)) {
                return;
            }
            if (chunked && !send(ResponseEncoder.CRLF, false)) {
                return;
            }
            streamOffset += n;
            streamRemaining -= n;
        }
        ctx.flush();
        if (streamRemaining == 0) {
            if (chunked && !send(ResponseEncoder.lastChunk(script.trailers()), false)) {
                return;
            }
            run();
        } else if (ch.isWritable()) {
            ctx.executor().execute(this::pump);
        } else {
            waitingForWritability = true;
        }
    }

    private void endless() {
        if (!ctx.channel().isActive() || connection.inputClosed()) {
            return;
        }
        byte[] interim = ResponseEncoder.interim(script.endlessInformationalCode());
        send(interim, 0, interim.length, false, false);
        ctx.flush();
        ctx.executor().schedule(this::endless, ENDLESS_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private boolean send(byte[] bytes, boolean body) {
        return send(bytes, 0, bytes.length, body, true);
    }

    /** Writes (without flushing) as much as the byte budget allows; false once the budget ran out. */
    private boolean send(byte[] bytes, int offset, int length, boolean body, boolean counted) {
        int n = length;
        boolean cut = false;
        if (counted && truncating) {
            if (length >= budget) {
                n = (int) budget;
                cut = true;
            }
            budget -= n;
        }
        if (n > 0) {
            ByteBuf buf = ctx.alloc().buffer(n).writeBytes(bytes, offset, n);
            ChannelFuture f = ctx.write(buf);
            if (body) {
                int written = n;
                f.addListener((ChannelFutureListener) done -> {
                    if (done.isSuccess()) {
                        server.addBodyBytesWritten(written);
                    }
                });
            }
        }
        if (cut) {
            terminate(script.truncateWithReset());
            return false;
        }
        return true;
    }

    /** Flushes what was written, then closes with a FIN, or with a RST when {@code reset}. */
    private void terminate(boolean reset) {
        finished = true;
        Channel ch = ctx.channel();
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (reset && ch.isOpen()) {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            }
            ch.close();
        });
    }
}
