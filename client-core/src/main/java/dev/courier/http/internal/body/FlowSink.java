package dev.courier.http.internal.body;

import dev.courier.http.internal.SlowCallbacks;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts a user's {@link Flow.Subscriber} to a {@link BodyStream}: each piece is copied into a heap
 * {@link ByteBuffer} the subscriber owns (no reference-counted buffer reaches user code), and the
 * subscription's calls are checked against the Reactive Streams rules.
 */
final class FlowSink implements BodySink, Flow.Subscription {
    private static final Logger log = LoggerFactory.getLogger(FlowSink.class);

    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private BodyStream stream;

    FlowSink(Flow.Subscriber<? super ByteBuffer> subscriber) {
        this.subscriber = subscriber;
    }

    @Override
    public void onStart(BodyStream stream) {
        this.stream = stream;
        try {
            subscriber.onSubscribe(this);
        } catch (Throwable t) {
            subscriberThrew("onSubscribe", t);
        }
    }

    @Override
    public void onData(ByteBuf data) {
        ByteBuffer copy;
        try {
            copy = ByteBuffer.allocate(data.readableBytes());
            data.readBytes(copy);
            copy.flip();
        } finally {
            data.release();
        }
        long start = System.nanoTime();
        try {
            subscriber.onNext(copy);
        } catch (Throwable t) {
            subscriberThrew("onNext", t);
        }
        SlowCallbacks.check(start, "delivering body data to a subscriber", stream.description());
    }

    @Override
    public void onComplete() {
        try {
            subscriber.onComplete();
        } catch (Throwable t) {
            log.warn("subscriber of {} threw from onComplete", stream.description(), t);
        }
    }

    @Override
    public void onError(Throwable error) {
        try {
            subscriber.onError(error);
        } catch (Throwable t) {
            log.warn("subscriber of {} threw from onError", stream.description(), t);
        }
    }

    @Override
    public void onRejected(Throwable error) {
        // Rule 1.9: onSubscribe first, even to refuse; this subscription is inert, not the body's.
        try {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onError(error);
        } catch (Throwable t) {
            log.warn("a refused subscriber threw", t);
        }
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            stream.failFromConsumer(new IllegalArgumentException(
                    "request(" + n + ") on the body of " + stream.description() + ": demand must be positive (Reactive Streams rule 3.9)"));
            return;
        }
        stream.request(n);
    }

    @Override
    public void cancel() {
        stream.cancel();
    }

    /** Rule 2.13: a subscriber must not throw; if it does, the body is cancelled and the error logged. */
    private void subscriberThrew(String method, Throwable t) {
        log.warn("subscriber of {} threw from {}; cancelling the body", stream.description(), method, t);
        stream.cancel();
    }
}
