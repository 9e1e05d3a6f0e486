package dev.courier.http.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test during which code blocked a Netty event loop, as BlockHound saw it ({@link BlockingCalls}).
 * Registered for every test class (META-INF/services, autodetection in junit-platform.properties); calls
 * recorded before a class's first test (left by another class's background work) are printed, not blamed.
 */
public final class NoBlockingCallsExtension implements BeforeAllCallback, AfterEachCallback {
    static {
        BlockingCalls.install(); // fallback when no LauncherSessionListener ran (an IDE's own launcher)
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        List<AssertionError> earlier = BlockingCalls.drain();
        if (!earlier.isEmpty()) {
            System.err.println(earlier.size() + " blocking call(s) on an event loop before " + context.getDisplayName());
            earlier.forEach(e -> e.printStackTrace());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        BlockingCalls.assertNone();
    }
}
