package dev.courier.http.testing;

import io.netty.util.ResourceLeakDetector;

/**
 * A Netty {@link ResourceLeakDetector} that still logs every leak it finds and also hands it to {@link LeakDetection}.
 *
 * @param <T> the tracked resource type
 */
final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

    RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    /** Counts every resource put under watch, so a check can tell that nothing new could have leaked. */
    @Override
    public io.netty.util.ResourceLeakTracker<T> track(T obj) {
        LeakDetection.TRACKED.incrementAndGet();
        return super.track(obj);
    }

    /** Always report, even when the Netty logger has error logging switched off. */
    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        super.reportTracedLeak(resourceType, records);
        LeakDetection.recordLeak("LEAK: " + resourceType + ".release() was not called before it was garbage-collected."
                + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        super.reportUntracedLeak(resourceType);
        LeakDetection.recordLeak("LEAK: " + resourceType + ".release() was not called before it was garbage-collected"
                + " (no access records; run with -Dio.netty.leakDetection.level=paranoid to see where).");
    }
}
