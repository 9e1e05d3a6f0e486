package dev.courier.http.testing;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A body subscriber that requests {@code initialDemand} on subscribe and nothing more by itself (the test requests
 * through {@link #awaitSubscription()}), and records what it gets: the buffers in a queue, the most of them queued at
 * once, errors, completion, and in {@link #result} the byte count or the error.
 */
public final class RecordingSubscriber implements Flow.Subscriber<ByteBuffer> {
    public final BlockingQueue<ByteBuffer> items = new LinkedBlockingQueue<>();
    public final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    public final CountDownLatch completed = new CountDownLatch(1);
    public final CompletableFuture<Long> result = new CompletableFuture<>();
    /** The most buffers ever waiting in {@link #items}: with one requested at a time and taken, at most 1. */
    public final AtomicInteger maxOutstanding = new AtomicInteger();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final long initialDemand;
    private long bytes;

    /** A subscriber that requests nothing by itself. */
    public RecordingSubscriber() {
        this(0);
    }

    public RecordingSubscriber(long initialDemand) {
        this.initialDemand = initialDemand;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription.set(s);
        subscribed.countDown();
        if (initialDemand > 0) {
            s.request(initialDemand);
        }
    }

    @Override
    public void onNext(ByteBuffer item) {
        bytes += item.remaining();
        items.add(item);
        maxOutstanding.accumulateAndGet(items.size(), Math::max);
    }

    @Override
    public void onError(Throwable throwable) {
        errors.add(throwable);
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        completed.countDown();
        result.complete(bytes);
    }

    /** The subscription, once onSubscribe came (within 10 s). */
    public Flow.Subscription awaitSubscription() throws InterruptedException {
        assertThat(subscribed.await(10, SECONDS)).as("onSubscribe").isTrue();
        return subscription.get();
    }
}
