package dev.courier.http;

import dev.courier.http.internal.body.EventStreamParser;
import dev.courier.http.internal.body.LineDecoder;
import dev.courier.http.internal.body.TextPublisher;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>Text streams: {@link #lines()} publishes the body line by line and {@link #events()} as Server-Sent
 * Events, both backpressured (one line wanted costs at most one buffer read) and cancellable.
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

    /** The most chars {@link #lines()} accepts in one line: 64 Ki, as Go's {@code bufio.Scanner}. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

    /** The most chars {@link #events()} accepts in one event's data, and in one line: 1 Mi. */
    public static final int DEFAULT_MAX_EVENT_SIZE = 1024 * 1024;

    /**
     * The charset the Content-Type names, UTF-8 when it names none (or one this JVM does not know).
     *
     * @return the body's charset
     */
    public Charset charset() {
        return StandardCharsets.UTF_8;
    }

    /**
     * The body as lines in its {@link #charset()}, at most {@value #DEFAULT_MAX_LINE_LENGTH} chars each.
     *
     * @return a publisher of the lines, for one subscriber
     * @see #lines(Charset, int)
     */
    public Flow.Publisher<String> lines() {
        return lines(charset(), DEFAULT_MAX_LINE_LENGTH);
    }

    /**
     * The body as lines, split as {@link java.io.BufferedReader#readLine()} splits them: at LF, CR LF, or a
     * lone CR, without the terminator; text after the last terminator is a last line; malformed input
     * becomes U+FFFD. The body is read one buffer at a time as lines are requested; cancelling cancels the
     * body. A line longer than {@code maxLineLength} chars fails the subscriber with a
     * {@link RequestException} (phase READ_BODY) caused by a {@link BodyLimitException} and cancels the body.
     *
     * @param charset       how the bytes are decoded
     * @param maxLineLength the most chars one line may have
     * @return a publisher of the lines, for one subscriber (the body can be read once)
     */
    public Flow.Publisher<String> lines(Charset charset, int maxLineLength) {
        java.util.Objects.requireNonNull(charset, "charset");
        if (maxLineLength <= 0) {
            throw new IllegalArgumentException("maxLineLength <= 0: " + maxLineLength);
        }
        return new TextPublisher<String>(this,
                () -> new LineDecoder(charset, maxLineLength, true, false, BodyLimitException.Limit.LINE_LENGTH),
                () -> new TextPublisher.Framer<String>() {
                    @Override
                    public void line(String line, java.util.function.Consumer<String> out) {
                        out.accept(line);
                    }

                    @Override
                    public void end(java.util.function.Consumer<String> out) {
                    }
                },
                this::failure);
    }

    /**
     * The body as a {@code text/event-stream} of Server-Sent Events, each at most
     * {@value #DEFAULT_MAX_EVENT_SIZE} chars.
     *
     * @return a publisher of the events, for one subscriber
     * @see #events(int)
     */
    public Flow.Publisher<ServerSentEvent> events() {
        return events(DEFAULT_MAX_EVENT_SIZE);
    }

    /**
     * The body as a {@code text/event-stream}, parsed as WHATWG HTML's "Server-sent events" says: UTF-8
     * whatever the Content-Type, one leading BOM dropped, lines ended by LF, CR LF or CR, comments
     * ignored, {@code data} lines joined with LF, an event dispatched at each blank line, and an
     * incomplete event at the end of the body discarded. Backpressured: the body is read one buffer at a
     * time as events are requested; cancelling cancels the body. Reconnecting is left to the caller (see
     * {@link ServerSentEvent}). An event with more than {@code maxEventSize} chars of data, or a line longer
     * than that, fails the subscriber with a {@link RequestException} (phase READ_BODY) caused by a
     * {@link BodyLimitException}.
     *
     * @param maxEventSize the most chars of data in one event, and in one line
     * @return a publisher of the events, for one subscriber (the body can be read once)
     */
    public Flow.Publisher<ServerSentEvent> events(int maxEventSize) {
        if (maxEventSize <= 0) {
            throw new IllegalArgumentException("maxEventSize <= 0: " + maxEventSize);
        }
        return new TextPublisher<ServerSentEvent>(this,
                () -> new LineDecoder(StandardCharsets.UTF_8, maxEventSize, false, true, BodyLimitException.Limit.EVENT_SIZE),
                () -> new TextPublisher.Framer<ServerSentEvent>() {
                    private final EventStreamParser parser = new EventStreamParser(maxEventSize);

                    @Override
                    public void line(String line, java.util.function.Consumer<ServerSentEvent> out) throws BodyLimitException {
                        parser.line(line, out);
                    }

                    @Override
                    public void end(java.util.function.Consumer<ServerSentEvent> out) {
                        parser.end();
                    }
                },
                this::failure);
    }

    /**
     * The error a reader of this body gets for {@code cause} (a limit passed while reading lines or events).
     * The Transport's bodies make it a {@link RequestException} naming the request; this default returns an
     * IOException cause as it is.
     *
     * @param detail what went wrong
     * @param cause  the typed cause
     * @return the error to signal
     */
    protected Throwable failure(String detail, Throwable cause) {
        return cause;
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
