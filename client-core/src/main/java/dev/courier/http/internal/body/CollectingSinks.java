package dev.courier.http.internal.body;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/** The body's own consumers that read it whole, without copying through intermediate buffers. */
final class CollectingSinks {
    private CollectingSinks() {
    }

    /**
     * Collects the body into one array, sized up front when the length is known. The sink is itself the
     * future the caller gets: one object per read, not two.
     */
    static final class BytesSink extends CompletableFuture<byte[]> implements BodySink {
        private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
        private BodyStream stream;
        private byte[] bytes;
        private int size;

        @Override
        public void onStart(BodyStream stream) {
            this.stream = stream;
            long length = stream.contentLength();
            bytes = new byte[length >= 0 && length <= MAX_ARRAY ? (int) length : 1024];
            stream.request(Long.MAX_VALUE);
        }

        @Override
        public void onData(ByteBuf data) {
            try {
                int n = data.readableBytes();
                if ((long) size + n > MAX_ARRAY) {
                    stream.failFromConsumer(new IOException("the body of " + stream.description()
                            + " is larger than an array can hold; stream it with subscribe() or toFile()"));
                    return;
                }
                if (size + n > bytes.length) {
                    bytes = Arrays.copyOf(bytes, (int) Math.min(MAX_ARRAY, Math.max(size + n, 2L * bytes.length)));
                }
                data.readBytes(bytes, size, n);
                size += n;
            } finally {
                data.release();
            }
        }

        @Override
        public void onComplete() {
            complete(size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
        }

        @Override
        public void onError(Throwable error) {
            completeExceptionally(error);
        }

        @Override
        public void onRejected(Throwable error) {
            completeExceptionally(error);
        }
    }

    /** Reads and drops the body, counting its bytes; itself the future the caller gets. */
    static final class DiscardSink extends CompletableFuture<Long> implements BodySink {
        private long count;

        @Override
        public void onStart(BodyStream stream) {
            stream.request(Long.MAX_VALUE);
        }

        @Override
        public void onData(ByteBuf data) {
            count += data.readableBytes();
            data.release();
        }

        @Override
        public void onComplete() {
            complete(count);
        }

        @Override
        public void onError(Throwable error) {
            completeExceptionally(error);
        }

        @Override
        public void onRejected(Throwable error) {
            completeExceptionally(error);
        }
    }
}
