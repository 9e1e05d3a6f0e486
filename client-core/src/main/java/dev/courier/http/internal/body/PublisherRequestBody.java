package dev.courier.http.internal.body;

import dev.courier.http.RequestBody;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/** A request body produced by a user's publisher; replayable when built from a supplier of fresh publishers. */
public final class PublisherRequestBody extends RequestBody {
    private final Supplier<Flow.Publisher<ByteBuffer>> publishers;
    private final long length;
    private final boolean replayable;
    private final AtomicBoolean used = new AtomicBoolean();

    public PublisherRequestBody(Supplier<Flow.Publisher<ByteBuffer>> publishers, long length, boolean replayable) {
        if (length < -1) {
            throw new IllegalArgumentException("body length < -1: " + length);
        }
        this.publishers = publishers;
        this.length = length;
        this.replayable = replayable;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public boolean isReplayable() {
        return replayable;
    }

    @Override
    public Flow.Publisher<ByteBuffer> publisher() {
        if (!replayable && !used.compareAndSet(false, true)) {
            throw new IllegalStateException("this request body was already sent and cannot be replayed; "
                    + "use RequestBody.ofPublisher(Supplier, length) for a replayable one");
        }
        return publishers.get();
    }
}
