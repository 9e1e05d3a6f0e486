package dev.courier.bench.soak;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Measures the client's event-loop latency: every 10 ms it hands each of the Transport's event loops a no-op task and
 * records, in microseconds, how long the task waited to run. The Transport does not expose its loops, so they are
 * learnt from the callbacks that run on them ({@link #learn()}, called where a response future completes: on the
 * connection's loop, as Courier completes them by default).
 */
final class LoopProbe implements AutoCloseable {
    private static final long PERIOD_MS = 10;

    private final Set<EventExecutor> loops = ConcurrentHashMap.newKeySet();
    private final int expectedLoops;
    private final Recorder recorder = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
    private final Histogram total = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final Thread thread;
    private volatile boolean running = true;

    LoopProbe(int expectedLoops) {
        this.expectedLoops = expectedLoops;
        thread = new Thread(this::run, "soak-loop-probe");
        thread.setDaemon(true);
        thread.start();
    }

    /** Called on a thread that may be one of the Transport's event loops: remembers it. Cheap once all are known. */
    void learn() {
        if (loops.size() < expectedLoops) {
            EventExecutor e = ThreadExecutorMap.currentExecutor();
            if (e != null) {
                loops.add(e);
            }
        }
    }

    int loopsKnown() {
        return loops.size();
    }

    /** Runs {@code task} on each known loop and waits for it (a few seconds at most per loop). */
    void onEachLoop(Runnable task) throws Exception {
        for (EventExecutor loop : loops) {
            loop.submit(task).get(10, TimeUnit.SECONDS);
        }
    }

    private void run() {
        while (running) {
            for (EventExecutor loop : loops) {
                long t0 = System.nanoTime();
                try {
                    loop.execute(() -> recorder.recordValue(
                            Math.min(TimeUnit.SECONDS.toMicros(60), (System.nanoTime() - t0) / 1000)));
                } catch (RuntimeException e) {
                    loops.remove(loop); // shut down
                }
            }
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The latencies since the previous call (also added to {@link #total()}); called by one thread. */
    Histogram interval() {
        Histogram h = recorder.getIntervalHistogram();
        synchronized (total) {
            total.add(h);
        }
        return h;
    }

    Histogram total() {
        synchronized (total) {
            return total.copy();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
