package dev.courier.http;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A response body: a backpressured {@link Flow.Publisher} of {@link ByteBuffer}s that the subscriber
 * owns, plus conveniences that consume it. Nothing beyond what the subscriber requested is read from
 * the socket, so a slow consumer holds bounded memory whatever the body's size.
 *
 * <p>The body may be consumed once: by one {@link #subscribe subscriber} or one of the convenience
 * methods. Completing it returns the connection to the pool; cancelling it ({@link #close()}) closes
 * the connection, or drains a small remainder to keep it.
 */
public abstract class ResponseBody implements Flow.Publisher<ByteBuffer>, AutoCloseable {

    /** For the Transport's implementations and tests' stand-ins. */
    protected ResponseBody() {
    }

    /** {@return the declared length in bytes, or -1 when unknown (chunked, read until close, or decompressed)} */
    public abstract long contentLength();

    /** {@return a future completed with the whole body, or with the body's failure} */
    public abstract CompletableFuture<byte[]> bytes();

    /**
     * {@return a future completed with the whole body as text in the charset the Content-Type names, UTF-8
     * otherwise}
     */
    public abstract CompletableFuture<String> text();

    /**
     * {@return a future completed with the whole body as text in {@code charset}}
     *
     * @param charset the charset to decode with, whatever the Content-Type says
     */
    public CompletableFuture<String> text(Charset charset) {
        return bytes().thenApply(b -> new String(b, charset));
    }

    /**
     * Streams the body into {@code file} (created or truncated) without blocking an event loop.
     *
     * @param file the file to write
     * @return a future completed with {@code file} once the whole body is written, or with the failure
     */
    public abstract CompletableFuture<Path> toFile(Path file);

    /**
     * Reads and drops the rest of the body, so that the connection can be reused.
     *
     * @return a future completed with the number of bytes dropped
     */
    public abstract CompletableFuture<Long> discard();

    /**
     * {@return a blocking {@link InputStream} over the body, with bounded buffering} Do not read it on an event
     * loop thread. Closing the stream before the end cancels the body.
     */
    public abstract InputStream inputStream();

    /** Cancels the body if it was not read to the end; idempotent. */
    @Override
    public abstract void close();
}
