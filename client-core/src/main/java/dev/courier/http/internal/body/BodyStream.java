package dev.courier.http.internal.body;

import dev.courier.http.Headers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.compression.Decompressor;
import java.io.IOException;
import java.util.ArrayDeque;
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
    private final Decompressor decompressor;
    private final long maxDecodedBytes;
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>(4);
    private final CompletableFuture<Headers> trailers = new CompletableFuture<>();
    private final Object description;

    // event-loop confined
    private BodySink sink;
    private long demand;
    private boolean ended;
    private boolean inputEnded;
    private boolean terminated;
    private boolean draining;
    private Headers trailerFields = Headers.empty();
    private Throwable pendingError;
    private long decodedBytes;

    /** Set once a consumer claimed the body or it ended; read by the leak detector's thread. */
    private volatile boolean claimed;

    /**
     * @param contentLength   declared length after decoding, or -1
     * @param decompressor    decodes the body as it is consumed, or null
     * @param maxDecodedBytes cap on decoded bytes (decompression bombs), 0 for none
     * @param description     its toString() gives "GET http://..." for messages, computed only when needed
     */
    public BodyStream(BodySource source, long contentLength, Decompressor decompressor, long maxDecodedBytes,
                      Object description) {
        this.source = source;
        this.loop = source.eventLoop();
        this.contentLength = contentLength;
        this.decompressor = decompressor;
        this.maxDecodedBytes = maxDecodedBytes;
        this.description = description;
    }

    public long contentLength() {
        return contentLength;
    }

    EventLoop eventLoop() {
        return loop;
    }

    String description() {
        return String.valueOf(description);
    }

    public CompletableFuture<Headers> trailers() {
        return trailers;
    }

    // ---- producer side, on the loop ----

    /** A piece of the (possibly compressed) body arrived; the stream now owns it. */
    public void onData(ByteBuf data) {
        if (terminated || !data.isReadable()) {
            data.release();
            return;
        }
        queue.addLast(data);
        drain();
    }

    /** The body ended, with these trailer fields. */
    public void onEnd(Headers trailerFields) {
        if (terminated) {
            return;
        }
        this.trailerFields = trailerFields;
        ended = true;
        drain();
    }

    /** Reading the body failed; the consumer is told at once and buffered pieces are dropped. */
    public void onError(Throwable error) {
        if (terminated) {
            return;
        }
        if (sink == null) {
            pendingError = error;
            ended = true;
            releaseBuffers();
            return;
        }
        terminate();
        trailers.completeExceptionally(error);
        sink.onError(error);
    }

    /** Whether the consumer has stopped wanting data (cancelled, failed or completed). */
    public boolean isTerminated() {
        return terminated;
    }

    // ---- consumer side, any thread ----

    void subscribe(BodySink newSink) {
        claimed = true;
        if (loop.inEventLoop()) {
            attach(newSink);
        } else {
            loop.execute(() -> attach(newSink));
        }
    }

    /** Adds demand; {@code n} must be positive (checked by the sinks). */
    void request(long n) {
        if (loop.inEventLoop()) {
            addDemand(n);
        } else {
            loop.execute(() -> addDemand(n));
        }
    }

    /** Stops the body: buffered pieces are dropped and the source told to drain or close. Idempotent. */
    public void cancel() {
        claimed = true;
        if (loop.inEventLoop()) {
            cancelOnLoop();
        } else {
            loop.execute(this::cancelOnLoop);
        }
    }

    /** The consumer broke the protocol (e.g. request(0)): it gets {@code error} and the body is cancelled. */
    void failFromConsumer(Throwable error) {
        if (loop.inEventLoop()) {
            failFromConsumerOnLoop(error);
        } else {
            loop.execute(() -> failFromConsumerOnLoop(error));
        }
    }

    /** Whether nobody subscribed, closed or finished the body yet: the leak detector's test. */
    boolean isUnclaimed() {
        return !claimed;
    }

    /**
     * The user dropped the response without touching its body: release what is buffered and stop the
     * source (closing the connection if the body was still arriving). Returns on the loop; logs there.
     */
    void reclaim(org.slf4j.Logger log) {
        Runnable task = () -> {
            if (claimed || terminated) {
                return;
            }
            boolean holdingConnection = !ended;
            if (holdingConnection) {
                log.warn("A connection was leaked by {}: its response was dropped without reading or closing the body. "
                        + "The connection has been closed; read the body to the end or call Response.close().", description);
            } else {
                log.warn("The response of {} was dropped without reading or closing its body; its buffered bytes were "
                        + "released. Read the body or call Response.close().", description);
            }
            cancelOnLoop();
        };
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException loopGone) {
            task.run(); // the transport shut its loops down: nothing else can touch this stream any more
        }
    }

    private void attach(BodySink newSink) {
        if (sink != null) {
            newSink.onStart(this);
            newSink.onError(new IllegalStateException("the body of " + description
                    + " was already subscribed or consumed; a response body can be read once"));
            return;
        }
        sink = newSink;
        if (terminated && pendingError == null) {
            newSink.onStart(this);
            newSink.onError(new IllegalStateException("the body of " + description + " was closed before it was read"));
            return;
        }
        newSink.onStart(this);
        if (pendingError != null && !terminated) {
            Throwable e = pendingError;
            terminate();
            trailers.completeExceptionally(e);
            newSink.onError(e);
            return;
        }
        drain();
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

    private void cancelOnLoop() {
        if (terminated) {
            return;
        }
        boolean complete = ended;
        terminate();
        trailers.completeExceptionally(new CancellationException("the body of " + description + " was cancelled"));
        if (!complete) {
            source.cancelled();
        }
    }

    private void failFromConsumerOnLoop(Throwable error) {
        if (terminated) {
            return;
        }
        boolean complete = ended;
        terminate();
        trailers.completeExceptionally(error);
        if (sink != null) {
            sink.onError(error);
        }
        if (!complete) {
            source.cancelled();
        }
    }

    private void terminate() {
        terminated = true;
        claimed = true;
        demand = 0;
        releaseBuffers();
    }

    private void releaseBuffers() {
        ByteBuf b;
        while ((b = queue.pollFirst()) != null) {
            b.release();
        }
        if (decompressor != null) {
            try {
                decompressor.close();
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
            while (!terminated && demand > 0) {
                ByteBuf next = decompressor == null ? queue.pollFirst() : nextDecoded();
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
                terminate();
                trailers.complete(trailerFields);
                sink.onComplete();
            } else if (demand > 0 && !ended) {
                source.demand();
            }
        } catch (DecompressionException | IOException e) {
            Throwable error = e instanceof IOException ? e
                    : new IOException("cannot decompress the body of " + description + ": " + e.getMessage(), e);
            boolean complete = ended;
            terminate();
            trailers.completeExceptionally(error);
            sink.onError(error);
            if (!complete) {
                source.cancelled();
            }
        } finally {
            draining = false;
        }
    }

    private boolean isFullyDelivered() {
        if (!ended || !queue.isEmpty()) {
            return false;
        }
        return decompressor == null || inputEnded && decompressor.status() != Decompressor.Status.NEED_OUTPUT;
    }

    /** The next decoded piece, feeding the decompressor from the queue as needed; null when it needs more input. */
    private ByteBuf nextDecoded() throws IOException {
        for (;;) {
            switch (decompressor.status()) {
                case NEED_OUTPUT: {
                    ByteBuf out = decompressor.takeOutput();
                    if (!out.isReadable()) {
                        out.release();
                        continue;
                    }
                    decodedBytes += out.readableBytes();
                    if (maxDecodedBytes > 0 && decodedBytes > maxDecodedBytes) {
                        out.release();
                        throw new IOException("the decompressed body of " + description
                                + " exceeds maxDecompressedBytes (" + maxDecodedBytes + " bytes); stopped reading");
                    }
                    return out;
                }
                case NEED_INPUT: {
                    ByteBuf in = queue.pollFirst();
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
                    while ((in = queue.pollFirst()) != null) {
                        in.release();
                    }
                    inputEnded = ended;
                    return null;
                }
            }
        }
    }
}
