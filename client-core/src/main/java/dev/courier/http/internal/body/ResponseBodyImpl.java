package dev.courier.http.internal.body;

import dev.courier.http.Headers;
import dev.courier.http.ResponseBody;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * The user-facing body: a thin shell over a {@link BodyStream}. Only the user holds this object, so
 * when it becomes unreachable while its stream was never claimed, the response was dropped unread:
 * a {@link Cleaner} then cancels the stream, which closes the connection, and logs a warning.
 * (Claimed means subscribed, read, closed or finished.)
 */
public final class ResponseBodyImpl extends ResponseBody {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(ResponseBodyImpl.class);
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "courier-leak-detector");
        t.setDaemon(true);
        return t;
    });

    private final BodyStream stream;
    private final Charset charset;

    public ResponseBodyImpl(BodyStream stream, Charset charset) {
        this.stream = stream;
        this.charset = charset;
    }

    /**
     * Watches for this body being dropped unread, unless it was claimed already. The Transport calls it
     * right after handing the response over: most callers claim the body in that very callback, and
     * then no watch (a phantom reference and a Cleaner registration) is needed at all.
     */
    public void watchIfUnclaimed() {
        if (stream.isUnclaimed()) {
            CLEANER.register(this, new LeakCheck(stream));
        }
    }

    /** The trailer fields, once the body has ended. */
    CompletableFuture<Headers> trailers() {
        return stream.trailers();
    }

    @Override
    public Charset charset() {
        return charset;
    }

    /** A RequestException naming the request, in phase READ_BODY. */
    @Override
    protected Throwable failure(String detail, Throwable cause) {
        return stream.failure(detail, cause);
    }

    @Override
    public long contentLength() {
        return stream.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber (Reactive Streams rule 1.9)");
        stream.subscribe(new FlowSink(subscriber));
    }

    @Override
    public CompletableFuture<byte[]> bytes() {
        CollectingSinks.BytesSink sink = new CollectingSinks.BytesSink();
        stream.subscribe(sink);
        return sink;
    }

    @Override
    public CompletableFuture<String> text() {
        return text(charset);
    }

    @Override
    public CompletableFuture<Path> toFile(Path file) {
        Objects.requireNonNull(file, "file");
        CompletableFuture<Path> f = new CompletableFuture<>();
        stream.subscribe(new FileSink(file, f));
        return f;
    }

    @Override
    public CompletableFuture<Long> discard() {
        CollectingSinks.DiscardSink sink = new CollectingSinks.DiscardSink();
        stream.subscribe(sink);
        return sink;
    }

    @Override
    public InputStream inputStream() {
        InputStreamSink sink = new InputStreamSink();
        stream.subscribe(sink);
        return sink;
    }

    @Override
    public void close() {
        stream.close();
    }

    /** Runs on the Cleaner's thread; must not reference the body it watches. */
    private static final class LeakCheck implements Runnable {
        private final BodyStream stream;

        LeakCheck(BodyStream stream) {
            this.stream = stream;
        }

        @Override
        public void run() {
            if (stream.isUnclaimed()) {
                stream.reclaim(log);
            }
        }
    }
}
