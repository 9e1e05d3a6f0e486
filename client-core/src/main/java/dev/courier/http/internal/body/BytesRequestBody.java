package dev.courier.http.internal.body;

import dev.courier.http.RequestBody;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request body held in an array; the writer sends the array directly, the publisher is for everyone else.
 * It may carry the media type of its bytes (an encoded form), which the request sends unless the caller set one.
 */
public final class BytesRequestBody extends RequestBody {
    private final byte[] bytes;
    private final int offset;
    private final int length;
    private final String contentType;

    public BytesRequestBody(byte[] bytes, int offset, int length) {
        this(bytes, offset, length, null);
    }

    public BytesRequestBody(byte[] bytes, int offset, int length, String contentType) {
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
        this.contentType = contentType;
    }

    @Override
    public String contentType() {
        return contentType;
    }

    public byte[] array() {
        return bytes;
    }

    public int offset() {
        return offset;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public boolean isReplayable() {
        return true;
    }

    @Override
    public Flow.Publisher<ByteBuffer> publisher() {
        return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private final AtomicBoolean done = new AtomicBoolean();

            @Override
            public void request(long n) {
                if (n <= 0) {
                    if (done.compareAndSet(false, true)) {
                        subscriber.onError(new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams 3.9)"));
                    }
                    return;
                }
                if (done.compareAndSet(false, true)) {
                    if (length > 0) {
                        subscriber.onNext(ByteBuffer.wrap(bytes, offset, length).asReadOnlyBuffer());
                    }
                    subscriber.onComplete();
                }
            }

            @Override
            public void cancel() {
                done.set(true);
            }
        });
    }
}
