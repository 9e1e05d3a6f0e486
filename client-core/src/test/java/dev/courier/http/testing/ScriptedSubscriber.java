package dev.courier.http.testing;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;

/**
 * A response body subscriber that misbehaves or gives up at a scripted point: it cancels in onSubscribe, after the
 * first item, or once it has a number of bytes; throws from its first onNext (Reactive Streams rule 2.13 forbids
 * that); or requests 0 (rule 3.9). {@link #acted} counts down when it did so; every signal it got afterwards is
 * recorded in {@link #signalsAfter}, so a test can check the publisher honoured the cancellation.
 */
public final class ScriptedSubscriber implements Flow.Subscriber<ByteBuffer> {
    private enum Action { CANCEL_ON_SUBSCRIBE, CANCEL_AFTER_FIRST, CANCEL_AT_BYTES, THROW_ON_NEXT, REQUEST_ZERO }

    /** Counted down once the subscriber did what it was scripted to do. */
    public final CountDownLatch acted = new CountDownLatch(1);
    /** The signals received after that, e.g. "onNext", "onError IllegalArgumentException: ...", "onComplete". */
    public final List<String> signalsAfter = new CopyOnWriteArrayList<>();
    private final Action action;
    private final long bytesLimit;
    private Flow.Subscription subscription;
    private long bytes;
    private volatile boolean done;

    private ScriptedSubscriber(Action action, long bytesLimit) {
        this.action = action;
        this.bytesLimit = bytesLimit;
    }

    /** Cancels at once, before requesting anything. */
    public static ScriptedSubscriber cancelInOnSubscribe() {
        return new ScriptedSubscriber(Action.CANCEL_ON_SUBSCRIBE, 0);
    }

    /** Requests one item and cancels when it arrives. */
    public static ScriptedSubscriber cancelAfterFirstItem() {
        return new ScriptedSubscriber(Action.CANCEL_AFTER_FIRST, 0);
    }

    /** Requests everything and cancels once it has {@code n} bytes, before any onComplete. */
    public static ScriptedSubscriber cancelAtBytes(long n) {
        return new ScriptedSubscriber(Action.CANCEL_AT_BYTES, n);
    }

    /** Requests one item and throws a RuntimeException from onNext. */
    public static ScriptedSubscriber throwInOnNext() {
        return new ScriptedSubscriber(Action.THROW_ON_NEXT, 0);
    }

    /** Requests 0 items, which rule 3.9 answers with onError(IllegalArgumentException). */
    public static ScriptedSubscriber requestZero() {
        return new ScriptedSubscriber(Action.REQUEST_ZERO, 0);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        switch (action) {
            case CANCEL_ON_SUBSCRIBE:
                done();
                s.cancel();
                break;
            case REQUEST_ZERO:
                done();
                s.request(0);
                break;
            case CANCEL_AT_BYTES:
                s.request(Long.MAX_VALUE);
                break;
            default:
                s.request(1);
                break;
        }
    }

    @Override
    public void onNext(ByteBuffer item) {
        if (done) {
            signalsAfter.add("onNext");
            return;
        }
        bytes += item.remaining();
        switch (action) {
            case CANCEL_AFTER_FIRST:
                done();
                subscription.cancel();
                break;
            case CANCEL_AT_BYTES:
                if (bytes >= bytesLimit) {
                    done();
                    subscription.cancel();
                }
                break;
            case THROW_ON_NEXT:
                done();
                throw new IllegalStateException("a subscriber that throws from onNext (scripted)");
            default:
                break;
        }
    }

    @Override
    public void onError(Throwable error) {
        signalsAfter.add("onError " + error);
        done();
    }

    @Override
    public void onComplete() {
        signalsAfter.add("onComplete");
        done();
    }

    private void done() {
        if (!done) {
            done = true;
            acted.countDown();
        }
    }
}
