package dev.courier.http.internal.body;

import dev.courier.http.internal.SlowCallbacks;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Adapts a user's {@link Flow.Subscriber} to a {@link BodyStream}: each piece is copied into a heap
 * {@link ByteBuffer} the subscriber owns (no reference-counted buffer reaches user code), and the
 * subscription's calls are checked against the Reactive Streams rules.
 */
final class FlowSink implements BodySink, Flow.Subscription {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(FlowSink.class);

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
        SlowCallbacks.check(start, "delivering body data to a subscriber", stream);
    }

    @Override
    public void onComplete() {
        try {
            subscriber.onComplete();
        } catch (Throwable t) {
            log.warn("{}: the body's subscriber threw from onComplete", stream.logName(), t);
        }
    }

    @Override
    public void onError(Throwable error) {
        try {
            subscriber.onError(error);
        } catch (Throwable t) {
            log.warn("{}: the body's subscriber threw from onError", stream.logName(), t);
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
            log.warn("a subscriber refused by a response body threw", t);
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
        log.warn("{}: the body's subscriber threw from {}; cancelling the body", stream.logName(), method, t);
        stream.cancel();
    }
}
