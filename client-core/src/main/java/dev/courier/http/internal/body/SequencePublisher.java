package dev.courier.http.internal.body;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Publishes the items of several publishers one after another (a multipart body's headers, files and
 * fields), subscribing to each only when the one before it completed, so that at most one source is open
 * and nothing is read ahead of the subscriber's demand: outstanding demand carries over from one source
 * to the next.
 *
 * <p>Demand, the current source's subscription and cancellation meet in one serialized drain loop (the
 * "subscription arbiter" of RxJava and Reactor), because the subscriber may request on one thread while
 * a source emits on another (a file's reads complete on the JDK's asynchronous I/O threads).
 */
public final class SequencePublisher implements Flow.Publisher<ByteBuffer> {
    private final List<Supplier<Flow.Publisher<ByteBuffer>>> sources;

    /** @param sources each makes a fresh publisher of one piece of the sequence, called in order when its turn comes */
    public SequencePublisher(List<Supplier<Flow.Publisher<ByteBuffer>>> sources) {
        this.sources = List.copyOf(sources);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        new Sequence(subscriber).start();
    }

    /** One subscription to the sequence. */
    private final class Sequence implements Flow.Subscription {
        /** Null once the sequence ended or was cancelled (Reactive Streams rule 3.13). */
        private volatile Flow.Subscriber<? super ByteBuffer> downstream;
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicLong missedRequested = new AtomicLong();
        private final AtomicLong missedProduced = new AtomicLong();
        private final AtomicReference<Flow.Subscription> missedSubscription = new AtomicReference<>();
        // confined to the drain loop (whoever holds wip)
        private long requested;
        private Flow.Subscription current;
        // touched by the sources' signals only, which are serial: source k+1 is subscribed after k completed
        private int next;
        private volatile boolean cancelled;
        private volatile boolean done;
        /** Set by the one terminal signal (a bad request(n) may race a source's end). */
        private final java.util.concurrent.atomic.AtomicBoolean terminated = new java.util.concurrent.atomic.AtomicBoolean();

        Sequence(Flow.Subscriber<? super ByteBuffer> downstream) {
            this.downstream = downstream;
        }

        void start() {
            downstream.onSubscribe(this);
            advance();
        }

        /** The subscriber, or null once it must get no more signals. */
        private Flow.Subscriber<? super ByteBuffer> subscriber() {
            return downstream;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                terminate(new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams 3.9)"));
                cancelled = true; // stops the current source
                drain();
                return;
            }
            missedRequested.getAndAccumulate(n, SequencePublisher::addCapped);
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            downstream = null;
            drain();
        }

        /** Subscribes to the next source, or completes the sequence after the last. */
        private void advance() {
            if (cancelled || done) {
                return;
            }
            if (next == sources.size()) {
                terminate(null);
                return;
            }
            Flow.Publisher<ByteBuffer> source;
            try {
                source = sources.get(next++).get();
            } catch (RuntimeException e) {
                terminate(e);
                return;
            }
            source.subscribe(new Part());
        }

        private void terminate(Throwable error) {
            done = true;
            if (!terminated.compareAndSet(false, true)) {
                return;
            }
            Flow.Subscriber<? super ByteBuffer> s = downstream;
            downstream = null;
            if (s == null) {
                return; // cancelled
            }
            if (error == null) {
                s.onComplete();
            } else {
                s.onError(error);
            }
        }

        /** Applies the demand, emissions, new subscription and cancellation recorded since the last pass. */
        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            for (;;) {
                long mr = missedRequested.getAndSet(0);
                long mp = missedProduced.getAndSet(0);
                Flow.Subscription ms = missedSubscription.getAndSet(null);
                if (cancelled) {
                    if (ms != null) {
                        ms.cancel();
                    }
                    if (current != null) {
                        current.cancel();
                        current = null;
                    }
                } else {
                    long r = requested;
                    if (r != Long.MAX_VALUE) {
                        r = addCapped(r, mr);
                        if (r != Long.MAX_VALUE) {
                            r = Math.max(0, r - mp);
                        }
                        requested = r;
                    }
                    if (ms != null) {
                        current = ms; // the previous source completed: it needs no cancel
                        if (r > 0) {
                            ms.request(r);
                        }
                    } else if (current != null && mr > 0) {
                        current.request(mr);
                    }
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        /** The subscriber to one source; its signals after the sequence ended are dropped. */
        private final class Part implements Flow.Subscriber<ByteBuffer> {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                if (cancelled || done) {
                    s.cancel();
                    return;
                }
                missedSubscription.set(s);
                drain();
            }

            @Override
            public void onNext(ByteBuffer item) {
                if (cancelled || done) {
                    return;
                }
                missedProduced.incrementAndGet();
                drain();
                Flow.Subscriber<? super ByteBuffer> s = subscriber();
                if (s != null) {
                    s.onNext(item);
                }
            }

            @Override
            public void onError(Throwable error) {
                if (!cancelled) {
                    terminate(error);
                }
            }

            @Override
            public void onComplete() {
                advance();
            }
        }
    }

    private static long addCapped(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
