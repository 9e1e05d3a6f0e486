package dev.courier.bench.soak;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The soak's subscriber to a response body, for the {@link Plan.Consumer} kinds that subscribe (stream, slow,
 * cancel): it requests as its kind says, checks each byte against the servers' generated pattern (byte i is
 * {@code i % 251}) when asked to, and completes {@link #done} once with what happened. A slow subscriber's next
 * request runs on {@code scheduler}, never sleeping on the event loop that delivered the buffer.
 */
final class BodyCheck implements Flow.Subscriber<ByteBuffer> {
    private static final int PERIOD = 251;
    /** The pattern from every phase: a slice of it starting at {@code offset % 251} is what the body must hold. */
    private static final byte[] PATTERN = new byte[(int) Plan.MAX_SIZE + PERIOD];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) (i % PERIOD);
        }
    }

    /** What became of the body: "ok", "cancelled", or a failure (the throwable) or a corruption (the text). */
    record Result(String outcome, Throwable failure, long bytes) {
    }

    final CompletableFuture<Result> done = new CompletableFuture<>();
    private final Plan.Consumer mode;
    private final long expected;
    private final boolean verify;
    private final int cancelAfter;
    private final ScheduledExecutorService scheduler;
    private Flow.Subscription subscription;
    private long offset;
    private int items;

    /** {@code expected} is the body's length, checked (with its bytes) when {@code verify}. */
    BodyCheck(Plan.Consumer mode, long expected, boolean verify, int cancelAfter, ScheduledExecutorService scheduler) {
        this.mode = mode;
        this.expected = expected;
        this.verify = verify;
        this.cancelAfter = cancelAfter;
        this.scheduler = scheduler;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        switch (mode) {
            case STREAM -> s.request(Long.MAX_VALUE);
            case SLOW -> s.request(1);
            case CANCEL -> {
                if (cancelAfter == 0) {
                    s.cancel();
                    done.complete(new Result("cancelled", null, 0));
                } else {
                    s.request(1);
                }
            }
            default -> throw new IllegalStateException(mode + " does not subscribe");
        }
    }

    @Override
    public void onNext(ByteBuffer item) {
        if (done.isDone()) {
            return;
        }
        int n = item.remaining();
        if (verify) {
            String bad = check(item, offset, expected);
            if (bad != null) {
                subscription.cancel();
                done.complete(new Result("corrupt: " + bad, null, offset));
                return;
            }
        }
        offset += n;
        items++;
        switch (mode) {
            case SLOW -> scheduler.schedule(() -> subscription.request(1),
                    ThreadLocalRandom.current().nextLong(2000), TimeUnit.MICROSECONDS);
            case CANCEL -> {
                if (items >= cancelAfter) {
                    subscription.cancel();
                    done.complete(new Result("cancelled", null, offset));
                } else {
                    subscription.request(1);
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        done.complete(new Result("error", t, offset));
    }

    @Override
    public void onComplete() {
        if (verify && offset != expected) {
            done.complete(new Result("corrupt: " + offset + " of " + expected + " bytes", null, offset));
        } else {
            done.complete(new Result("ok", null, offset));
        }
    }

    /** Null when {@code item}, found at body offset {@code offset}, holds the pattern; else what is wrong. */
    static String check(ByteBuffer item, long offset, long expected) {
        int n = item.remaining();
        if (offset + n > expected) {
            return "more than the " + expected + " bytes sent";
        }
        int pos = item.position();
        int done = 0;
        while (done < n) {
            int len = Math.min(n - done, (int) Plan.MAX_SIZE);
            int start = (int) ((offset + done) % PERIOD);
            int mismatch = item.slice(pos + done, len).mismatch(ByteBuffer.wrap(PATTERN, start, len));
            if (mismatch >= 0) {
                return "byte " + (offset + done + mismatch) + " differs";
            }
            done += len;
        }
        return null;
    }
}
