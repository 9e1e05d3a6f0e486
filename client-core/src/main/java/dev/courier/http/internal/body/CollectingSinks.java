package dev.courier.http.internal.body;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/** The body's own consumers that read it whole, without copying through intermediate buffers. */
final class CollectingSinks {
    private CollectingSinks() {
    }

    /** Collects the body into one array, sized up front when the length is known. */
    static final class BytesSink implements BodySink {
        private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
        private final CompletableFuture<byte[]> result;
        private BodyStream stream;
        private byte[] bytes;
        private int size;

        BytesSink(CompletableFuture<byte[]> result) {
            this.result = result;
        }

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
            result.complete(size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onRejected(Throwable error) {
            result.completeExceptionally(error);
        }
    }

    /** Reads and drops the body, counting its bytes. */
    static final class DiscardSink implements BodySink {
        private final CompletableFuture<Long> result;
        private long count;

        DiscardSink(CompletableFuture<Long> result) {
            this.result = result;
        }

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
            result.complete(count);
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onRejected(Throwable error) {
            result.completeExceptionally(error);
        }
    }
}
