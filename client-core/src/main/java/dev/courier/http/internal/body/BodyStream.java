package dev.courier.http.internal.body;

import dev.courier.http.BodyLimitException;
import dev.courier.http.ContentDecodingException;
import dev.courier.http.Headers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.compression.Decompressor;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * The state of one response body between the connection that produces it and the one sink that
 * consumes it: buffered pieces, outstanding demand, optional decompression, and the end signal.
 *
 * <p>Event-loop confined: producer calls arrive on the connection's loop, consumer calls are moved
 * there. Demand drives everything: the source is asked to read only when demand is outstanding and
 * nothing is buffered, and a decompressor is asked for output only as demand allows, so neither a slow
 * consumer nor a decompression bomb can make memory grow without bound.
 *
 * <p>This object is referenced by the connection; the user-facing {@link ResponseBodyImpl} that wraps it
 * is not, which is what lets a dropped, unread response be detected when it is garbage collected.
 */
public final class BodyStream {
    private final BodySource source;
    private final EventLoop loop;
    private final long contentLength;
    /** Only when the body is decompressed (most are not: a field here is bytes on every response). */
    private final Decoding decoding;
    /**
     * The pieces read but not yet delivered, in order: most bodies arrive as one piece, so the first sits
     * in a field and a deque exists only once a second waits behind it. Invariant: when {@code firstPiece}
     * is null, {@code morePieces} is empty. Event-loop confined.
     */
    private ByteBuf firstPiece;
    private java.util.ArrayDeque<ByteBuf> morePieces;
    /** Created when someone asks for the trailers; most never do. Guarded by this. */
    private CompletableFuture<Headers> trailers;
    /** How the body ended, once it has; guarded by this. */
    private boolean settled;
    private Throwable settledError;

    // event-loop confined
    private BodySink sink;
    private boolean subscribed;
    private long demand;
    private boolean ended;
    private boolean inputEnded;
    private boolean terminated;
    private boolean draining;
    /** Pieces and ends received (modulo 2^32), so that drain() sees what a source delivered from inside demand(). */
    private int arrivals;
    private Headers trailerFields = Headers.empty();
    private Throwable pendingError;

    /** A decompressor and the count of what it produced, checked against the cap. */
    private static final class Decoding {
        final Decompressor decompressor;
        final long maxBytes;
        long bytes;

        Decoding(Decompressor decompressor, long maxBytes) {
            this.decompressor = decompressor;
            this.maxBytes = maxBytes;
        }
    }

    /** Set once a consumer claimed the body or it ended; read by the leak detector's thread. */
    private volatile boolean claimed;

    /**
     * @param contentLength   declared length after decoding, or -1
     * @param decompressor    decodes the body as it is consumed, or null
     * @param maxDecodedBytes cap on decoded bytes (decompression bombs), 0 for none
     */
    public BodyStream(BodySource source, long contentLength, Decompressor decompressor, long maxDecodedBytes) {
        this.source = source;
        this.loop = source.eventLoop();
        this.contentLength = contentLength;
        this.decoding = decompressor == null ? null : new Decoding(decompressor, maxDecodedBytes);
    }

    public long contentLength() {
        return contentLength;
    }

    EventLoop eventLoop() {
        return loop;
    }

    /** "GET http://..." (without password) for messages. */
    String description() {
        return String.valueOf(source.request());
    }

    /** The error for a failure of this body found by its reader: typed by the source, phase READ_BODY. */
    Throwable failure(String detail, Throwable cause) {
        return source.failure(detail, cause);
    }

    /** "[c12] GET http://..." (without password): how log lines about this body begin. */
    String logName() {
        return "[" + source.connectionId() + "] " + source.request();
    }

    /** {@link #logName()}, for log lines that format it only when they are written. */
    @Override
    public String toString() {
        return logName();
    }

    /** Completes with the trailer fields when the body ends, or fails as the body did. */
    public synchronized CompletableFuture<Headers> trailers() {
        if (trailers == null) {
            trailers = new CompletableFuture<>();
            if (settled) {
                settle(trailers, trailerFields, settledError);
            }
        }
        return trailers;
    }

    // ---- producer side, on the loop ----

    /** A piece of the (possibly compressed) body arrived; the stream now owns it. */
    public void onData(ByteBuf data) {
        if (terminated || !data.isReadable()) {
            data.release();
            return;
        }
        addPiece(data);
        arrivals++;
        drain();
    }

    /** The body ended, with these trailer fields. */
    public void onEnd(Headers trailerFields) {
        if (terminated) {
            return;
        }
        this.trailerFields = trailerFields;
        ended = true;
        arrivals++;
        drain();
    }

    /** Reading the body failed; the consumer is told at once and buffered pieces are dropped. */
    public void onError(Throwable error) {
        if (terminated) {
            return;
        }
        if (sink == null) {
            // Nobody reads yet: keep the error for the consumer that comes (a body must never look complete
            // when it was cut short: DESIGN invariant 5).
            pendingError = error;
            ended = true;
            releaseBuffers();
            return;
        }
        finish(error, true, false);
    }

    /** Whether the consumer has stopped wanting data (cancelled, failed or completed). */
    public boolean isTerminated() {
        return terminated;
    }

    // ---- consumer side, any thread ----

    void subscribe(BodySink newSink) {
        claimed = true;
        if (loop.inEventLoop()) {
            attach(newSink); // the common case, a callback of the response future: no task, no lambda
        } else {
            onLoop(() -> attach(newSink));
        }
    }

    /** Adds demand; {@code n} must be positive (checked by the sinks). */
    void request(long n) {
        if (loop.inEventLoop()) {
            addDemand(n);
        } else {
            onLoop(() -> addDemand(n));
        }
    }

    /**
     * The subscriber cancelled through its subscription: it gets no further signal (Reactive Streams
     * 3.5), buffered pieces are dropped and the source told to drain or close. Idempotent.
     */
    void cancel() {
        claimed = true;
        onLoop(() -> finish(new CancellationException("the body of " + description() + " was cancelled"), false, true));
    }

    /**
     * The body was closed from outside the subscription (Response.close(), a cancelled future, the leak
     * detector): a consumer still reading gets an error rather than waiting forever. Idempotent.
     */
    public void close() {
        claimed = true;
        onLoop(() -> finish(source.failure("the body was closed before it was read to the end", null), true, true));
    }

    /** The consumer broke the protocol (e.g. request(0)) or could not go on: it gets {@code error}. */
    void failFromConsumer(Throwable error) {
        onLoop(() -> finish(error, true, true));
    }

    /** Whether nobody subscribed, closed or finished the body yet: the leak detector's test. */
    boolean isUnclaimed() {
        return !claimed;
    }

    /**
     * The user dropped the response without touching its body: release what is buffered and stop the
     * source (closing the connection if the body was still arriving). Logs on the loop.
     */
    void reclaim(io.netty.util.internal.logging.InternalLogger log) {
        onLoop(() -> {
            if (claimed || terminated) {
                return;
            }
            if (!ended) {
                log.warn("{}: a connection was leaked: the response was dropped without reading or closing the body. "
                        + "The connection has been closed; read the body to the end or call Response.close().", logName());
            } else {
                log.warn("{}: the response was dropped without reading or closing its body; its buffered bytes were "
                        + "released. Read the body or call Response.close().", logName());
            }
            finish(new CancellationException("the response of " + description() + " was dropped unread"), false, true);
        });
    }

    /** Runs {@code task} on the loop; inline once the loop is gone (the transport closed), as nothing else can run then. */
    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException loopGone) {
            task.run();
        }
    }

    private void attach(BodySink newSink) {
        if (subscribed) {
            newSink.onRejected(new IllegalStateException("the body of " + description()
                    + " was already subscribed or consumed; a response body can be read once"));
            return;
        }
        subscribed = true;
        if (terminated) {
            newSink.onRejected(pendingError != null ? pendingError
                    : new IllegalStateException("the body of " + description() + " was closed before it was read"));
            return;
        }
        sink = newSink;
        newSink.onStart(this);
        if (pendingError != null) {
            finish(pendingError, true, false);
        } else {
            drain();
        }
    }

    private void addDemand(long n) {
        if (terminated) {
            return;
        }
        demand += n;
        if (demand < 0) {
            demand = Long.MAX_VALUE;
        }
        drain();
    }

    /**
     * Ends the body once: drops buffers and the sink reference (Reactive Streams 3.13), settles the
     * trailers, stops the source if asked and the body was still arriving, and tells the sink if asked.
     */
    private void finish(Throwable error, boolean notifySink, boolean stopSource) {
        if (terminated) {
            return;
        }
        BodySink s = sink;
        sink = null;
        terminated = true;
        claimed = true;
        demand = 0;
        releaseBuffers();
        if (stopSource && !ended) {
            source.cancelled();
        }
        if (notifySink && s != null) {
            if (error == null) {
                s.onComplete();
            } else {
                s.onError(error);
            }
        }
        // Last, so that whoever waits on the trailers knows the consumer has had its final signal.
        CompletableFuture<Headers> waiting;
        synchronized (this) {
            settled = true;
            settledError = error;
            waiting = trailers;
        }
        if (waiting != null) {
            settle(waiting, trailerFields, error);
        }
    }

    private static void settle(CompletableFuture<Headers> f, Headers fields, Throwable error) {
        if (error == null) {
            f.complete(fields);
        } else {
            f.completeExceptionally(error);
        }
    }

    private void releaseBuffers() {
        ByteBuf b;
        while ((b = pollPiece()) != null) {
            b.release();
        }
        if (decoding != null) {
            try {
                decoding.decompressor.close();
            } catch (RuntimeException ignored) {
                // Closing only frees the inflater; a failure here cannot lose body data.
            }
        }
    }

    /** Delivers what demand allows, finishes the body when everything was delivered, else asks for more. */
    private void drain() {
        if (draining || sink == null) {
            return;
        }
        draining = true;
        try {
            for (;;) {
                // A body that failed before its consumer came has nothing left to deliver (its pieces and
                // decompressor were released): attach() hands over the error, and the closed decompressor
                // must not be driven by the consumer's first request in onStart.
                while (!terminated && demand > 0 && pendingError == null) {
                    ByteBuf next = decoding == null ? pollPiece() : nextDecoded(decoding);
                    if (next == null) {
                        break;
                    }
                    demand--;
                    sink.onData(next);
                }
                if (terminated) {
                    return;
                }
                if (isFullyDelivered()) {
                    finish(null, true, false);
                } else if (demand > 0 && !ended) {
                    int before = arrivals;
                    source.demand();
                    if (arrivals != before) {
                        continue; // the source delivered within demand() (an HTTP/2 stream's buffered frames)
                    }
                }
                break;
            }
        } catch (DecompressionException e) {
            String coding = ContentCodings.codingOf(decoding.decompressor);
            String detail = "cannot decompress the " + coding + " body: " + e.getMessage();
            finish(source.failure(detail, new ContentDecodingException(coding, detail, e)), true, true);
        } catch (BodyLimitException e) {
            finish(source.failure(e.getMessage(), e), true, true);
        } finally {
            draining = false;
        }
    }

    private boolean isFullyDelivered() {
        if (!ended || firstPiece != null || pendingError != null) {
            return false;
        }
        return decoding == null || inputEnded && decoding.decompressor.status() != Decompressor.Status.NEED_OUTPUT;
    }

    private void addPiece(ByteBuf piece) {
        if (firstPiece == null) {
            firstPiece = piece;
            return;
        }
        if (morePieces == null) {
            morePieces = new java.util.ArrayDeque<>(4);
        }
        morePieces.addLast(piece);
    }

    /** The oldest undelivered piece, or null. */
    private ByteBuf pollPiece() {
        ByteBuf piece = firstPiece;
        if (piece != null) {
            firstPiece = morePieces == null ? null : morePieces.pollFirst();
        }
        return piece;
    }

    /** The next decoded piece, feeding the decompressor from the queue as needed; null when it needs more input. */
    private ByteBuf nextDecoded(Decoding decoding) throws BodyLimitException {
        Decompressor decompressor = decoding.decompressor;
        for (;;) {
            switch (decompressor.status()) {
                case NEED_OUTPUT: {
                    ByteBuf out = decompressor.takeOutput();
                    if (!out.isReadable()) {
                        out.release();
                        continue;
                    }
                    decoding.bytes += out.readableBytes();
                    if (decoding.maxBytes > 0 && decoding.bytes > decoding.maxBytes) {
                        out.release();
                        throw new BodyLimitException(BodyLimitException.Limit.DECOMPRESSED_SIZE, decoding.maxBytes,
                                "the decompressed body exceeds maxDecompressedBytes (" + decoding.maxBytes + " bytes); stopped reading");
                    }
                    return out;
                }
                case NEED_INPUT: {
                    ByteBuf in = pollPiece();
                    if (in != null) {
                        decompressor.addInput(in);
                        continue;
                    }
                    if (ended && !inputEnded) {
                        inputEnded = true;
                        decompressor.endOfInput();
                        continue;
                    }
                    return null;
                }
                case COMPLETE:
                default: {
                    // Bytes after the end of the compressed stream are ignored, as Go's gzip reader does.
                    ByteBuf in;
                    while ((in = pollPiece()) != null) {
                        in.release();
                    }
                    inputEnded = ended;
                    return null;
                }
            }
        }
    }
}
