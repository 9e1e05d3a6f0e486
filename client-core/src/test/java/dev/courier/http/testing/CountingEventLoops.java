package dev.courier.http.testing;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NIO event loops that count the tasks other threads hand them (by {@code execute}, {@code lazyExecute},
 * or {@code schedule}, which submits through {@code execute}): each such task is work, and usually a
 * wake-up, that a thread caused on a loop it does not run on. Handed to a Transport through its builder's
 * test seam, they show which loops a request makes work.
 */
public final class CountingEventLoops extends MultiThreadIoEventLoopGroup {
    public CountingEventLoops(int threads) {
        super(threads, new DefaultThreadFactory("counted-loop", true), NioIoHandler.newFactory());
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
        return new CountingLoop(this, executor, ioHandlerFactory);
    }

    /** The loops, in the group's order. */
    public List<CountingLoop> loops() {
        List<CountingLoop> out = new ArrayList<>();
        for (EventExecutor e : this) {
            out.add((CountingLoop) e);
        }
        return out;
    }

    /** The loop running on {@code thread}, or null if none of these does. */
    public CountingLoop loopOf(Thread thread) {
        for (CountingLoop l : loops()) {
            if (l.inEventLoop(thread)) {
                return l;
            }
        }
        return null;
    }

    /** Zeroes every loop's count. */
    public void reset() {
        loops().forEach(l -> l.foreignTasks.set(0));
    }

    /** One loop with its count of tasks submitted from other threads. */
    public static final class CountingLoop extends SingleThreadIoEventLoop {
        private final AtomicInteger foreignTasks = new AtomicInteger();

        CountingLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory factory) {
            super(parent, executor, factory);
        }

        /** Tasks other threads submitted since the last {@link CountingEventLoops#reset}. */
        public int foreignTasks() {
            return foreignTasks.get();
        }

        @Override
        public void execute(Runnable task) {
            count();
            super.execute(task);
        }

        @Override
        public void lazyExecute(Runnable task) {
            count();
            super.lazyExecute(task);
        }

        private void count() {
            if (!inEventLoop()) {
                foreignTasks.incrementAndGet();
            }
        }

        @Override
        public String toString() {
            return "loop " + Integer.toHexString(System.identityHashCode(this));
        }
    }
}
