package dev.courier.bench.compare;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Flow.Publisher} of {@code total} bytes made of duplicates of one shared chunk, emitted as
 * demanded: a streamed upload body that holds no more memory than its chunk whatever its size.
 * Each subscription starts over, so one instance serves any number of requests.
 */
public final class RepeatingPublisher implements Flow.Publisher<ByteBuffer> {
    private final ByteBuffer chunk;
    private final long total;

    public RepeatingPublisher(ByteBuffer chunk, long total) {
        this.chunk = chunk;
        this.total = total;
    }

    /** A direct buffer of {@code size} bytes of 'x', the chunk every client's upload repeats. */
    public static ByteBuffer chunk(int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        while (b.hasRemaining()) {
            b.put((byte) 'x');
        }
        return b.flip();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Subscription(subscriber));
    }

    /** Emits on the thread that requests, trampolined so that a request from onNext does not recurse. */
    private final class Subscription implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private long remaining = total;
        private volatile boolean cancelled;

        Subscription(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancelled = true;
                subscriber.onError(new IllegalArgumentException("request(" + n + ")"));
                return;
            }
            demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                while (!cancelled && remaining > 0 && demand.get() > 0) {
                    int n1 = (int) Math.min(chunk.capacity(), remaining);
                    remaining -= n1;
                    demand.decrementAndGet();
                    subscriber.onNext(chunk.duplicate().limit(n1));
                }
                if (!cancelled && remaining == 0) {
                    cancelled = true;
                    subscriber.onComplete();
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
