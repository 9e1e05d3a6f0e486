package dev.courier.bench.soak;

import dev.courier.http.TransportStats;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The client at rest, the reading the end of the soak is compared with: taken when every request sent has ended.
 * It collects garbage until the responses dropped unread have been found (at most 5 s), notes the pool's counts
 * (nothing may be leased or waiting), then closes the idle connections and waits until
 * none is open, has every event loop return its thread-local buffer cache to the pool, makes Netty's leak
 * detector look at what the collector found, and reads the resources after GC. Closing the idle connections makes
 * two readings comparable: what the client holds when it holds no connection.
 *
 * @param pool          the pool's counts when every request had ended
 * @param openAfterClose connections still open 10 s after closing the idle ones (0 expected)
 * @param reading       the resources after that
 * @param fdTargets     what the open descriptors are
 * @param heapHistogram the live heap's largest classes (the JVM's GC.class_histogram, first 45 lines)
 */
record Resting(TransportStats pool, int openAfterClose, Reading reading, java.util.List<String> fdTargets,
        String heapHistogram) {

    static Resting take(SoakDriver driver) throws Exception {
        // Responses the soak dropped unread hold their connections until the collector finds them (Courier's
        // Cleaner then closes them): collect first, and give the cleaner thread and the loops a moment.
        long found = System.nanoTime() + 5_000_000_000L;
        do {
            System.gc();
            Thread.sleep(100);
        } while (driver.transport.stats().active() > 0 && System.nanoTime() < found);
        TransportStats pool = driver.transport.stats();
        driver.transport.closeIdleConnections();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (driver.transport.stats().total() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        int open = driver.transport.stats().total();
        // Twice: a trim frees only the cached buffers not used since the previous trim.
        driver.probe.onEachLoop(PooledByteBufAllocator.DEFAULT::trimCurrentThreadCache);
        driver.probe.onEachLoop(PooledByteBufAllocator.DEFAULT::trimCurrentThreadCache);
        Thread.sleep(200); // sockets closing after the pool let go of them
        SoakDriver.detectLeaks();
        Reading reading = Reading.afterGc();
        return new Resting(pool, open, reading, Reading.fdTargets(), histogram());
    }

    private static String histogram() {
        try {
            String text = (String) java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return text.lines().limit(45).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        } catch (Exception e) {
            return "no histogram: " + e + "\n";
        }
    }
}
