package dev.courier.http.internal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * {@link ExchangeFuture#listen}: the one callback {@code Client} registers instead of {@code whenComplete}
 * sees every outcome exactly once, whether it registers before, after or while the future completes.
 */
class ExchangeFutureTest {
    private final AtomicInteger aborts = new AtomicInteger();
    private final ExchangeFuture future = new ExchangeFuture(cause -> aborts.incrementAndGet());

    /** Records each call of the callback. */
    private static final class Calls implements BiConsumer<Response, Throwable> {
        final AtomicInteger count = new AtomicInteger();
        final AtomicReference<Response> response = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        @Override
        public void accept(Response r, Throwable e) {
            count.incrementAndGet();
            response.set(r);
            error.set(e);
        }
    }

    @Test
    void aListenerRegisteredBeforeCompletionGetsTheResponseOnce() {
        Calls calls = new Calls();
        future.listen(calls);
        assertThat(calls.count).hasValue(0);
        assertThat(future.complete(null)).isTrue();
        assertThat(future.complete(null)).isFalse();
        assertThat(calls.count).hasValue(1);
        assertThat(calls.error).hasValue(null);
    }

    @Test
    void aListenerRegisteredAfterCompletionIsCalledAtOnce() {
        IOException failure = new IOException("refused");
        future.completeExceptionally(failure);
        Calls calls = new Calls();
        future.listen(calls);
        assertThat(calls.count).hasValue(1);
        assertThat(calls.error).hasValue(failure);
    }

    @Test
    void aFailureReachesTheListenerAsItWasGiven() {
        Calls calls = new Calls();
        future.listen(calls);
        IOException failure = new IOException("reset");
        future.completeExceptionally(failure);
        assertThat(calls.count).hasValue(1);
        assertThat(calls.error).hasValue(failure);
    }

    @Test
    void cancellingTellsTheListenerAndAbortsTheExchange() {
        Calls calls = new Calls();
        future.listen(calls);
        assertThat(future.cancel(true)).isTrue();
        assertThat(calls.count).hasValue(1);
        assertThat(calls.error.get()).isInstanceOf(CancellationException.class);
        assertThat(aborts).hasValue(1);
        future.complete(null);
        assertThat(calls.count).hasValue(1);
    }

    /** Registration racing completion on another thread: never lost, never twice (bounded: 2,000 rounds). */
    @Test
    void aListenerRacingCompletionIsCalledExactlyOnce() throws Exception {
        int rounds = 2_000;
        CyclicBarrier start = new CyclicBarrier(2);
        List<ExchangeFuture> futures = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            futures.add(new ExchangeFuture(cause -> { }));
        }
        CountDownLatch completerDone = new CountDownLatch(1);
        Thread completer = new Thread(() -> {
            try {
                start.await(10, SECONDS);
                for (ExchangeFuture f : futures) {
                    f.complete(null);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                completerDone.countDown();
            }
        }, "completer");
        completer.start();
        List<Calls> calls = new ArrayList<>();
        start.await(10, SECONDS);
        for (ExchangeFuture f : futures) {
            Calls c = new Calls();
            calls.add(c);
            f.listen(c);
        }
        assertThat(completerDone.await(10, SECONDS)).isTrue();
        for (int i = 0; i < rounds; i++) {
            assertThat(calls.get(i).count).as("round %d", i).hasValue(1);
        }
    }
}
