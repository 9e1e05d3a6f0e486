package dev.courier.http.internal.body;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns a body's bytes into a backpressured publisher of items made from its lines: the lines themselves
 * ({@link dev.courier.http.ResponseBody#lines()}) or Server-Sent Events. It asks the body for one buffer at
 * a time, and only while its subscriber wants an item and none is ready, so a subscriber that wants one
 * line costs at most one buffer read from the connection; cancelling cancels the body (which releases the
 * connection).
 *
 * <p>Signals meet in one serialized drain loop, because the subscriber may request on any thread while the
 * body emits on its event loop.
 *
 * @param <T> the items
 */
public final class TextPublisher<T> implements Flow.Publisher<T> {
    /** Makes items of lines; one per subscription. */
    public interface Framer<T> {
        /** One line: emits zero or more items to {@code out}, or refuses it. */
        void line(String line, Consumer<T> out) throws IOException;

        /** The body ended: emits what is left, if anything. */
        void end(Consumer<T> out);
    }

    private final Flow.Publisher<ByteBuffer> bytes;
    private final Supplier<LineDecoder> decoders;
    private final Supplier<Framer<T>> framers;
    private final BiFunction<String, Throwable, Throwable> failure;

    /**
     * @param bytes    the body
     * @param decoders a fresh line decoder per subscription
     * @param framers  a fresh framer per subscription
     * @param failure  the error the subscriber gets for a line or event over its limit (detail, cause)
     */
    public TextPublisher(Flow.Publisher<ByteBuffer> bytes, Supplier<LineDecoder> decoders, Supplier<Framer<T>> framers,
                         BiFunction<String, Throwable, Throwable> failure) {
        this.bytes = bytes;
        this.decoders = decoders;
        this.framers = framers;
        this.failure = failure;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        java.util.Objects.requireNonNull(subscriber, "subscriber (Reactive Streams rule 1.9)");
        bytes.subscribe(new Bridge(subscriber, decoders.get(), framers.get()));
    }

    /** The body's subscriber and the item subscriber's subscription in one. */
    private final class Bridge implements Flow.Subscriber<ByteBuffer>, Flow.Subscription {
        /** Null once the subscription ended (Reactive Streams rule 3.13); touched in the drain loop only. */
        private Flow.Subscriber<? super T> downstream;
        private final LineDecoder decoder;
        private final Framer<T> framer;
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicLong requested = new AtomicLong();
        /** Buffers from the body not yet decoded: at most one, as one is asked for at a time. */
        private final ConcurrentLinkedQueue<ByteBuffer> inbox = new ConcurrentLinkedQueue<>();
        private final Consumer<T> collect;
        private volatile Flow.Subscription upstream;
        private volatile boolean upstreamDone;
        private volatile Throwable upstreamError;
        private volatile boolean cancelled;
        private volatile Throwable protocolError;
        // confined to the drain loop
        private final ArrayDeque<T> ready = new ArrayDeque<>();
        private boolean upstreamAsked;
        private boolean ended;
        private boolean terminated;
        private boolean subscribedDownstream;
        /** A line or event over its limit: signalled once the items before it were delivered. */
        private Throwable limitError;

        Bridge(Flow.Subscriber<? super T> downstream, LineDecoder decoder, Framer<T> framer) {
            this.downstream = downstream;
            this.decoder = decoder;
            this.framer = framer;
            this.collect = ready::add;
        }

        // ---- from the body ----

        @Override
        public void onSubscribe(Flow.Subscription s) {
            upstream = s;
            drain();
        }

        @Override
        public void onNext(ByteBuffer item) {
            inbox.add(item);
            drain();
        }

        @Override
        public void onError(Throwable error) {
            upstreamError = error;
            upstreamDone = true;
            drain();
        }

        @Override
        public void onComplete() {
            upstreamDone = true;
            drain();
        }

        // ---- from the item subscriber ----

        @Override
        public void request(long n) {
            if (n <= 0) {
                protocolError = new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams rule 3.9)");
            } else {
                requested.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            }
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            drain();
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            for (;;) {
                step();
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        /** One pass: subscribe downstream, deliver, decode, finish or ask the body for more. */
        private void step() {
            if (terminated) {
                inbox.clear();
                return;
            }
            Flow.Subscription up = upstream;
            if (up == null) {
                return;
            }
            if (!subscribedDownstream) {
                subscribedDownstream = true;
                downstream.onSubscribe(this); // may request or cancel: both come back through drain()
            }
            for (;;) {
                if (cancelled) {
                    stop(null, true);
                    return;
                }
                if (protocolError != null) {
                    stop(protocolError, true);
                    return;
                }
                if (upstreamError != null && limitError == null) {
                    stop(upstreamError, false); // the body already ended; buffered items are dropped with it
                    return;
                }
                long r = requested.get();
                long delivered = 0;
                while (delivered != r && !ready.isEmpty() && !cancelled) {
                    downstream.onNext(ready.poll());
                    delivered++;
                }
                if (delivered > 0 && r != Long.MAX_VALUE) {
                    requested.addAndGet(-delivered);
                }
                if (cancelled) {
                    continue;
                }
                if (!ready.isEmpty()) {
                    return; // waiting for demand
                }
                if (limitError != null) {
                    stop(limitError, false); // the items before the failing line were delivered first
                    return;
                }
                ByteBuffer next = inbox.poll();
                if (next != null) {
                    upstreamAsked = false;
                    try {
                        decoder.feed(next, line -> framer.line(line, collect));
                    } catch (IOException | RuntimeException e) {
                        // The body is cancelled now, releasing the connection; the lines before the one that
                        // failed are still delivered, then the error, as a BufferedReader would throw after them.
                        limitError = failure.apply(e.getMessage(), e);
                        up.cancel();
                        upstreamDone = true;
                        ended = true;
                    }
                    continue;
                }
                if (upstreamDone) {
                    if (!ended) {
                        ended = true;
                        try {
                            decoder.end(line -> framer.line(line, collect));
                            framer.end(collect);
                        } catch (IOException | RuntimeException e) {
                            limitError = failure.apply(e.getMessage(), e);
                        }
                        continue; // deliver what the end produced
                    }
                    stop(null, false);
                    return;
                }
                if (requested.get() > 0 && !upstreamAsked) {
                    upstreamAsked = true;
                    up.request(1); // may deliver at once (drain() is re-entered and only counted)
                }
                return;
            }
        }

        /** Ends the subscription once: cancels the body if asked, signals the subscriber unless it cancelled. */
        private void stop(Throwable error, boolean cancelUpstream) {
            terminated = true;
            ready.clear();
            inbox.clear();
            if (cancelUpstream) {
                upstream.cancel();
            }
            Flow.Subscriber<? super T> s = downstream;
            downstream = null; // rule 3.13: the subscriber may be collected even while its subscription is held
            if (cancelled) {
                return; // rule 3.5: no signal after cancel
            }
            if (error == null) {
                s.onComplete();
            } else {
                s.onError(error);
            }
        }
    }
}
