package dev.courier.http.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Installs a recording {@link ResourceLeakDetectorFactory} for the JVM and turns Netty leak reports into test failures.
 *
 * <p>{@link #install()} should run before the first {@code ByteBuf} is allocated, because Netty creates the
 * {@code ByteBuf} leak detector once, when its buffer classes initialise. If it runs later, the leaks of buffers are
 * still captured through {@link ByteBufUtil#setLeakListener} (other resource types are then missed).
 */
public final class LeakDetection extends ResourceLeakDetectorFactory {

    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static final int ROUNDS = 3;
    private static final int ALLOCATIONS_PER_ROUND = 32;
    private static volatile boolean installed;
    private static volatile boolean byteBufDetectorRecords;

    private LeakDetection() {
    }

    /** Installs the recording factory once per JVM (idempotent, thread-safe). */
    public static void install() {
        if (installed) {
            return;
        }
        synchronized (LeakDetection.class) {
            if (installed) {
                return;
            }
            ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new LeakDetection());
            installed = true;
            // Initialises the ByteBuf classes now if nothing did yet, so their detector comes from this factory.
            ByteBuf probe = Unpooled.buffer(1);
            probe.release();
            if (!byteBufDetectorRecords) {
                // Too late: the ByteBuf detector already existed. Listen to it instead.
                ByteBufUtil.setLeakListener((type, records) -> recordLeak(
                        "LEAK: " + type + ".release() was not called before it was garbage-collected." + records));
            }
        }
    }

    /** Resources put under watch by the recording detectors so far. */
    static final java.util.concurrent.atomic.AtomicLong TRACKED = new java.util.concurrent.atomic.AtomicLong();
    private static volatile long trackedAfterLastCheck = -1;

    /** Whether the {@code ByteBuf} leak detector is a recording one (false if Netty initialised before install). */
    public static boolean installedBeforeByteBufs() {
        return byteBufDetectorRecords;
    }

    /** Makes leaks surface: garbage-collects, then allocates and releases buffers so the detector polls its queue. */
    public static void forceDetection() {
        for (int round = 0; round < ROUNDS; round++) {
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            for (int i = 0; i < ALLOCATIONS_PER_ROUND; i++) {
                PooledByteBufAllocator.DEFAULT.heapBuffer(32).release();
                PooledByteBufAllocator.DEFAULT.directBuffer(32).release();
                Unpooled.buffer(32).release();
                Unpooled.directBuffer(32).release();
            }
        }
    }

    /** Returns and forgets the leaks recorded so far. */
    public static List<String> drainLeaks() {
        List<String> leaks = new ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            leaks.add(leak);
        }
        return leaks;
    }

    /**
     * Forces detection, then throws an AssertionError listing every leak reported since the last check (the list is
     * emptied either way).
     */
    public static void assertNoLeaks() {
        install();
        long tracked = TRACKED.get();
        // Nothing was put under watch since the last forced detection: nothing new can leak, so skip the
        // GC rounds (they cost ~80 ms a test, which hundreds of tests that never touch Netty do not need).
        if (!(byteBufDetectorRecords && tracked == trackedAfterLastCheck)) {
            forceDetection();
            trackedAfterLastCheck = TRACKED.get();
        }
        List<String> leaks = drainLeaks();
        if (!leaks.isEmpty()) {
            StringBuilder sb = new StringBuilder().append(leaks.size()).append(" Netty resource leak(s) detected");
            if (ResourceLeakDetector.getLevel().ordinal() < ResourceLeakDetector.Level.PARANOID.ordinal()) {
                sb.append(" (leak detection level ").append(ResourceLeakDetector.getLevel())
                        .append("; use -Dio.netty.leakDetection.level=paranoid for every access record)");
            }
            for (String leak : leaks) {
                sb.append("\n\n").append(leak);
            }
            throw new AssertionError(sb.toString());
        }
    }

    static void recordLeak(String report) {
        LEAKS.add(report);
    }

    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
            long maxActive) {
        return newResourceLeakDetector(resource, samplingInterval);
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
        if (resource == ByteBuf.class) {
            byteBufDetectorRecords = true;
        }
        return new RecordingLeakDetector<>(resource, samplingInterval);
    }
}
