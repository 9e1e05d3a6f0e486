package dev.courier.http.testing;

import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A response body that a test writes piece by piece while the client reads it, for streams such as
 * Server-Sent Events: {@code server.enqueue(ServerResponse.ok("").feed(feed))}, then {@link #send} each
 * piece (written and flushed as one chunk at once) and {@link #end()} the body. Pieces sent before the
 * request arrives wait for it. The server's loop does the writing; the test's thread only queues.
 */
public final class ChunkFeed {
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private final CompletableFuture<Void> attached = new CompletableFuture<>();
    private final AtomicLong written = new AtomicLong();
    private ChannelHandlerContext ctx;
    private Runnable onEnd;
    private boolean ended;

    /** Sends {@code text} as UTF-8 in one chunk. */
    public ChunkFeed send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code bytes} in one chunk (an empty array sends nothing: a zero-size chunk would end the body). */
    public synchronized ChunkFeed send(byte[] bytes) {
        if (ended) {
            throw new IllegalStateException("the feed has ended");
        }
        if (bytes.length > 0) {
            pending.add(bytes.clone());
            pump();
        }
        return this;
    }

    /** Ends the body (the last chunk) after what was sent. */
    public synchronized void end() {
        ended = true;
        pump();
    }

    /** Body bytes the server has written to the socket so far. */
    public long bytesWritten() {
        return written.get();
    }

    /** Waits up to 10 s for the request this feed answers. */
    public void awaitRequest() throws Exception {
        attached.get(10, TimeUnit.SECONDS);
    }

    /** Called by the server's ResponseWriter on its loop once the head is written. */
    synchronized void attach(ChannelHandlerContext ctx, Runnable onEnd) {
        this.ctx = ctx;
        this.onEnd = onEnd;
        attached.complete(null);
        pump();
    }

    private void pump() {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            return;
        }
        if (!c.executor().inEventLoop()) {
            c.executor().execute(() -> {
                synchronized (this) {
                    pump();
                }
            });
            return;
        }
        byte[] piece;
        while ((piece = pending.poll()) != null) {
            if (!c.channel().isActive()) {
                return;
            }
            int n = piece.length;
            c.write(c.alloc().buffer().writeBytes(ResponseEncoder.chunkHeader(n)));
            c.write(c.alloc().buffer(n).writeBytes(piece)).addListener(f -> {
                if (f.isSuccess()) {
                    written.addAndGet(n);
                }
            });
            c.writeAndFlush(c.alloc().buffer(2).writeBytes(ResponseEncoder.CRLF));
        }
        if (ended && onEnd != null) {
            Runnable r = onEnd;
            onEnd = null;
            r.run();
        }
    }
}
