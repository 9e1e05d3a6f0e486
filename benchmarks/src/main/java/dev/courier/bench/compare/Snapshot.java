package dev.courier.bench.compare;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * The JVM's counters at one instant: process CPU time, bytes allocated by each live thread, JIT
 * compilation time and GC, plus the load loop's counts; two of them bound a measured window.
 */
final class Snapshot {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    final long nanos;
    final long cpuNanos;
    final Map<Long, Long> allocatedByThread;
    final long jitMillis;
    final long gcCount;
    final long gcMillis;
    final long completed;
    final long bodyBytes;
    final long errors;

    private Snapshot(LoadLoop loop) {
        completed = loop.completed();
        bodyBytes = loop.bodyBytes();
        errors = loop.errors();
        nanos = System.nanoTime();
        cpuNanos = OS.getProcessCpuTime();
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        allocatedByThread = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                allocatedByThread.put(ids[i], bytes[i]);
            }
        }
        jitMillis = JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : -1;
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        gcCount = count;
        gcMillis = millis;
    }

    static Snapshot take(LoadLoop loop) {
        if (!THREADS.isThreadAllocatedMemoryEnabled()) {
            THREADS.setThreadAllocatedMemoryEnabled(true);
        }
        return new Snapshot(loop);
    }

    /**
     * Bytes allocated from {@code earlier} to this snapshot by all threads alive now (a thread born in
     * between counts from zero). A thread that died in between is missed: the clients' threads live as
     * long as the client.
     */
    long allocatedSince(Snapshot earlier) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : allocatedByThread.entrySet()) {
            sum += e.getValue() - earlier.allocatedByThread.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }
}
