package dev.courier.http.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Installs BlockHound ({@link BlockingCalls}) when the JUnit launcher session opens, before any test class loads. */
public final class BlockHoundInstaller implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        BlockingCalls.install();
    }
}
