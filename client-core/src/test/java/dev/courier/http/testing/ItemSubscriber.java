package dev.courier.http.testing;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A subscriber to any publisher (lines, events) that requests {@code initialDemand} on subscribe and
 * otherwise only what the test requests through {@link #subscription()}, and records what it gets.
 *
 * @param <T> the items
 */
public final class ItemSubscriber<T> implements Flow.Subscriber<T> {
    public final BlockingQueue<T> items = new LinkedBlockingQueue<>();
    public final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final long initialDemand;

    public ItemSubscriber(long initialDemand) {
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
    public void onNext(T item) {
        items.add(item);
    }

    @Override
    public void onError(Throwable error) {
        done.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        done.complete(null);
    }

    /** The subscription, once onSubscribe came (within 10 s). */
    public Flow.Subscription subscription() throws InterruptedException {
        assertThat(subscribed.await(10, SECONDS)).as("onSubscribe").isTrue();
        return subscription.get();
    }

    /** The next item, waiting up to 10 s; AssertionError if none comes. */
    public T next() throws InterruptedException {
        T item = items.poll(10, SECONDS);
        assertThat(item).as("an item within 10 s (done: " + done + ")").isNotNull();
        return item;
    }

    /** Subscribes with unbounded demand and returns every item once the publisher completed (within 10 s). */
    public static <T> List<T> all(Flow.Publisher<T> publisher) throws Exception {
        ItemSubscriber<T> s = new ItemSubscriber<>(Long.MAX_VALUE);
        publisher.subscribe(s);
        s.done.get(10, SECONDS);
        return new ArrayList<>(s.items);
    }
}
