package dev.courier.http.internal.body;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes the first {@code length} bytes of a file in 64 KiB buffers, reading with
 * {@link AsynchronousFileChannel} only as far as demand allows, so no read blocks an event loop.
 * A file shorter than {@code length} fails the subscriber (the Content-Length would be a lie).
 */
final class FilePublisher implements Flow.Publisher<ByteBuffer> {
    private static final int CHUNK = 64 * 1024;
    private final Path file;
    private final long length;

    FilePublisher(Path file, long length) {
        this.file = file;
        this.length = length;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        AsynchronousFileChannel channel;
        try {
            channel = AsynchronousFileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override public void request(long n) { }
                @Override public void cancel() { }
            });
            subscriber.onError(new IOException("cannot open request body file " + file + ": " + e, e));
            return;
        }
        new FileSubscription(channel, subscriber).start();
    }

    /** Reads one chunk per unit of demand; at most one read in flight. */
    private final class FileSubscription implements Flow.Subscription, CompletionHandler<Integer, ByteBuffer> {
        private final AsynchronousFileChannel channel;
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private long position;
        private volatile boolean done;

        FileSubscription(AsynchronousFileChannel channel, Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.channel = channel;
            this.subscriber = subscriber;
        }

        void start() {
            subscriber.onSubscribe(this);
            if (length == 0 && !done) {
                finish(null);
            }
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                finish(new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams 3.9)"));
                return;
            }
            long before = demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            if (before == 0) {
                readNext();
            }
        }

        private void readNext() {
            if (done) {
                return;
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, length - position));
            channel.read(buffer, position, buffer, this);
        }

        @Override
        public void completed(Integer read, ByteBuffer buffer) {
            if (done) {
                return;
            }
            if (read < 0) {
                finish(new IOException("request body file " + file + " ended at byte " + position + " of " + length
                        + " (it shrank after the request was built)"));
                return;
            }
            if (buffer.hasRemaining()) {
                channel.read(buffer, position + buffer.position(), buffer, this);
                return;
            }
            position += buffer.flip().remaining();
            subscriber.onNext(buffer);
            if (position >= length) {
                finish(null);
            } else if (demand.decrementAndGet() > 0) {
                readNext();
            }
        }

        @Override
        public void failed(Throwable error, ByteBuffer unused) {
            finish(new IOException("reading request body file " + file + " failed: " + error, error));
        }

        @Override
        public void cancel() {
            done = true;
            closeQuietly();
        }

        private void finish(Throwable error) {
            if (done) {
                return;
            }
            done = true;
            closeQuietly();
            if (error == null) {
                subscriber.onComplete();
            } else {
                subscriber.onError(error);
            }
        }

        private void closeQuietly() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing was written through this channel; closing a read-only channel cannot lose data.
            }
        }
    }
}
