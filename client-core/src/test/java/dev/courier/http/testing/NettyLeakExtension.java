package dev.courier.http.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * JUnit 5 extension that fails a test when Netty reported a resource leak during it (see {@link LeakDetection}).
 *
 * <p>Use with {@code @ExtendWith(NettyLeakExtension.class)}. Leaks found before the first test of a class (left by
 * code outside this extension) are printed to standard error rather than blamed on that test.
 */
public final class NettyLeakExtension implements BeforeAllCallback, AfterEachCallback {

    static {
        // Fallback for when no LauncherSessionListener installed the factory before Netty initialised.
        LeakDetection.install();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LeakDetection.install();
        List<String> earlier = LeakDetection.drainLeaks();
        if (!earlier.isEmpty()) {
            System.err.println(earlier.size() + " Netty leak(s) reported before " + context.getDisplayName()
                    + " started:\n" + String.join("\n\n", earlier));
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check();
    }

    /** Forces leak detection and throws an AssertionError listing the leaks reported since the last check. */
    public void check() {
        LeakDetection.assertNoLeaks();
    }
}
