package dev.courier.bench.compare;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Keeps a fixed number of requests in flight through one {@link ClientAdapter} (a closed loop): each
 * completion records the request's latency and starts the next request from the completing thread, as
 * async code chains calls. Nothing is allocated per request here, so the client's own allocations are
 * what the driver measures (plus a constant few bytes of HdrHistogram's recorder).
 */
final class LoadLoop {
    private final ClientAdapter client;
    private final long expectedBodyBytes;
    private final Slot[] slots;
    private final Recorder latencies = new Recorder(3);
    private final LongAdder completed = new LongAdder();
    private final LongAdder bodyBytes = new LongAdder();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "load-loop-retry");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;
    /** Counted down once per slot when its last request ends after {@link #stop}. */
    private final java.util.concurrent.CountDownLatch idle;

    LoadLoop(ClientAdapter client, int concurrency, long expectedBodyBytes) {
        this.client = client;
        this.expectedBodyBytes = expectedBodyBytes;
        this.slots = new Slot[concurrency];
        this.idle = new java.util.concurrent.CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            slots[i] = new Slot();
        }
    }

    void start() {
        running = true;
        for (Slot s : slots) {
            s.launch();
        }
    }

    /** Stops starting requests and waits up to {@code timeoutMillis} for those in flight; false if some did not end. */
    boolean stop(long timeoutMillis) throws InterruptedException {
        running = false;
        boolean ended = idle.await(timeoutMillis, TimeUnit.MILLISECONDS);
        retries.shutdownNow();
        return ended;
    }

    long completed() {
        return completed.sum();
    }

    long bodyBytes() {
        return bodyBytes.sum();
    }

    long errors() {
        return errors.get();
    }

    Throwable firstError() {
        return firstError.get();
    }

    /** The latencies (nanoseconds) recorded since the previous call, which starts a new interval. */
    Histogram latencies() {
        return latencies.getIntervalHistogram();
    }

    /** One of the in-flight requests, reused for the next one when it ends. */
    private final class Slot implements Completion {
        private long start;

        void launch() {
            start = System.nanoTime();
            try {
                client.send(this);
            } catch (RuntimeException e) {
                complete(-1, e);
            }
        }

        @Override
        public void complete(long bytes, Throwable error) {
            long end = System.nanoTime();
            if (error == null && bytes != expectedBodyBytes) {
                error = new IllegalStateException("read " + bytes + " body bytes, expected " + expectedBodyBytes);
            }
            if (error == null) {
                latencies.recordValue(end - start);
                completed.increment();
                bodyBytes.add(bytes);
            } else {
                errors.incrementAndGet();
                firstError.compareAndSet(null, error);
            }
            if (!running) {
                idle.countDown();
            } else if (error == null) {
                launch();
            } else {
                // Not from this stack: a client failing synchronously must not recurse, nor spin.
                retries.schedule(this::launch, 10, TimeUnit.MILLISECONDS);
            }
        }
    }
}
