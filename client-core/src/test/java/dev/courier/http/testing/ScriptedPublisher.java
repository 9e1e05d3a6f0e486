package dev.courier.http.testing;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;

/**
 * A request body publisher with a scripted fault, for one subscription: it sends {@code first} at the first demand
 * (once {@code gate} completed, when one is given), and then, at the next demand, fails with {@code error}, or, with
 * no error, neither sends more nor completes. It records that it was asked for data and that it was cancelled.
 */
public final class ScriptedPublisher implements Flow.Publisher<ByteBuffer> {
    /** Counted down at the first request(n). */
    public final CountDownLatch requested = new CountDownLatch(1);
    /** Counted down when the subscription is cancelled. */
    public final CountDownLatch cancelled = new CountDownLatch(1);
    private final byte[] first;
    private final Throwable error;
    private final CompletableFuture<?> gate;

    private ScriptedPublisher(byte[] first, Throwable error, CompletableFuture<?> gate) {
        this.first = first.clone();
        this.error = error;
        this.gate = gate;
    }

    /** Sends {@code first}, then stalls: no more data, no completion. */
    public static ScriptedPublisher stalling(byte[] first) {
        return new ScriptedPublisher(first, null, CompletableFuture.completedFuture(null));
    }

    /** Sends {@code first}, then fails with {@code error} at the next demand. */
    public static ScriptedPublisher failing(byte[] first, Throwable error) {
        return new ScriptedPublisher(first, error, CompletableFuture.completedFuture(null));
    }

    /** Sends nothing until {@code gate} completes, then {@code first}, then stalls. */
    public static ScriptedPublisher gated(CompletableFuture<?> gate, byte[] first) {
        return new ScriptedPublisher(first, null, gate);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Flow.Subscription() {
            private int requests;
            private boolean done;
            private boolean emitting;
            private boolean failPending;

            @Override
            public synchronized void request(long n) {
                if (done || n <= 0) {
                    return;
                }
                requests++;
                if (requests == 1) {
                    requested.countDown();
                    gate.whenComplete((v, e) -> send());
                } else if (requests == 2 && error != null) {
                    if (emitting) {
                        failPending = true; // asked from inside onNext: signal once it returned (rule 1.3)
                    } else {
                        fail();
                    }
                }
            }

            private synchronized void send() {
                if (done) {
                    return;
                }
                emitting = true;
                try {
                    subscriber.onNext(ByteBuffer.wrap(first));
                } finally {
                    emitting = false;
                }
                if (failPending) {
                    fail();
                }
            }

            private void fail() {
                done = true;
                subscriber.onError(error);
            }

            @Override
            public synchronized void cancel() {
                done = true;
                cancelled.countDown();
            }
        });
    }
}
